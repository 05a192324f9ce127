// The offline player: the graph laid out once, every frame a restyle of it (see graphview.js).
(function () {
  "use strict";
  var V = globalThis.StepgradView;
  var model = JSON.parse(document.getElementById("stepgrad-model").textContent);
  var count = V.frameCount(model);
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var title = document.getElementById("frame-title");
  var formula = document.getElementById("formula");
  var playButton = document.getElementById("play");
  var box = document.getElementById("graph");
  var current = 0, timer = null, view = null, port = null;
  slider.max = String(count - 1);
  var folded = Object.keys(model.folded || {}).length > 0;  // node -> its folded neuron's box
  document.getElementById("legend").appendChild(V.legend(model, function (name) {
    return name !== "neuron" || folded;
  }));

  function show(i) {
    current = Math.max(0, Math.min(count - 1, i));
    var state = V.frameState(model, current);
    if (view) {
      V.show(view, model, state);
      var hot = V.drawnAs(view, state.hot);
      if (hot !== null) { port.reveal(view.nodes[hot].g); }
    }
    slider.value = String(current);
    counter.textContent = (current + 1) + " / " + count;
    title.textContent = state.title;
    formula.textContent = state.formula;
    document.body.setAttribute("data-frame", String(current));
    tellHeight();
  }
  function tellHeight() {  // an inline player (an iframe in Jupyter) is sized to its content
    if (window.parent !== window) {
      // the body's own height: the document's scrollHeight is never less than the iframe's
      var height = Math.ceil(document.body.getBoundingClientRect().bottom) + 12;
      window.parent.postMessage({ stepgradPlayerHeight: height }, "*");
    }
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } playButton.textContent = "play"; }
  function play() {
    if (timer) { stop(); return; }
    if (current === count - 1) { show(0); }
    playButton.textContent = "pause";
    timer = setInterval(function () {
      if (current >= count - 1) { stop(); } else { show(current + 1); }
    }, model.frameMilliseconds);
  }
  document.getElementById("first").onclick = function () { stop(); show(0); };
  document.getElementById("prev").onclick = function () { stop(); show(current - 1); };
  document.getElementById("next").onclick = function () { stop(); show(current + 1); };
  document.getElementById("last").onclick = function () { stop(); show(count - 1); };
  document.getElementById("zoom-in").onclick = function () { if (port) { port.zoom(1.25); } };
  document.getElementById("zoom-out").onclick = function () { if (port) { port.zoom(0.8); } };
  document.getElementById("zoom-fit").onclick = function () { if (port) { port.fit(); } };
  playButton.onclick = play;
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  document.addEventListener("keydown", function (e) {
    if (e.target === slider) { return; }
    if (e.key === "ArrowRight") { stop(); show(current + 1); }
    else if (e.key === "ArrowLeft") { stop(); show(current - 1); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(count - 1); }
    else if (e.key === " ") { play(); }
    else { return; }
    e.preventDefault();
  });
  window.addEventListener("resize", tellHeight);
  show(0);

  var prerendered = document.getElementById("stepgrad-svg");
  var ready = prerendered ? Promise.resolve(prerendered.querySelector("svg")) : V.renderSvg(model.dot);
  ready.then(function (svg) {
    box.textContent = "";
    port = V.viewport(box, svg, { maxHeight: Math.max(300, window.innerHeight * 0.8) });
    view = V.index(svg, model);
    view.boxOf = model.folded || {};
    show(current);
    window.stepgradRenderedAt = performance.now();
    document.body.setAttribute("data-rendered", "true");
    tellHeight();
  }).catch(function (error) {
    box.textContent = "The graph could not be drawn: " + error;
    document.body.setAttribute("data-rendered", "error");
  });
})();
