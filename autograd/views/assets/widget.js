// explore(): the anywidget front end. The kernel sends the DOT (laid out here, once, by the
// vendored Graphviz-wasm) and the view model (numbers and formulas of every frame); an edited
// leaf goes back to the kernel, which replays the graph and sends a new view model: the same
// layout is restyled, never laid out again.
// Practice (explore(root, practice=True)): no stepping; the kernel sends the question, the
// feedback and only the gradients already answered (null for the others, shown "?"); the typed
// answer goes to the kernel as text, which checks it.
// Neurons (given a model): the kernel sends each neuron call's nodes; folding or unfolding one
// asks the kernel for the graph's new DOT, which is laid out again (only then do boxes move).
// Formulas: the stepper's LaTeX (formulaTex, derivationTex, ...), typeset by the vendored KaTeX;
// the plain text stays in each formula box's data-text, and the "plain text" button shows it.
function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined) { node.textContent = text; }
  return node;
}

function button(label, title, onclick) {
  var b = el("button", "", label);
  b.title = title;
  b.type = "button";
  b.addEventListener("click", onclick);
  return b;
}

// A leaf's value in its field: up to 6 significant digits (the graph shows the same number).
function shortNumber(x) { return String(Number(Number(x).toPrecision(6))); }  // x: a number, or "Infinity", "-Infinity", "NaN"

function loadKatex() {
  try { return globalThis.StepgradKatex(); } catch (e) { return null; }
}

// Typesetting takes about 1 ms a line of the formula (a dot's 21 edges: 44 rows, 25 ms); longer
// formulas stay plain text, so that a step stays within 50 ms.
var TYPESET_MAX_LINES = 30;

// `tex` typeset by KaTeX in a new block, or null where KaTeX is missing or reports an error.
// HTML only: KaTeX's MathML copy doubles the time a formula takes; screen readers get the plain
// `text` instead (aria-label), and data-tex keeps what was typeset.
function typesetBlock(katex, tex, text) {
  if (!katex) { return null; }
  var block = el("div", "sg-tex");
  try {
    katex.render(tex, block, { throwOnError: false, displayMode: true, output: "html" });
  } catch (e) { return null; }
  if (block.querySelector(".katex-error")) { return null; }
  block.setAttribute("role", "img");
  block.setAttribute("aria-label", text);
  block.setAttribute("data-tex", tex);
  return block;
}

// Show `parts` in `box`, one block per [text, tex] pair: typeset where the part has LaTeX, at
// most TYPESET_MAX_LINES lines, and `typeset` is on; else (and where KaTeX fails) its plain text.
// The box keeps the whole plain text in data-text, and in data-math "katex" (LaTeX typeset),
// "text" or "fallback" (KaTeX failed).
function showMath(box, parts, katex, typeset) {
  var key = JSON.stringify([parts, typeset]);
  if (box.sgShown === key) { return; }  // a step restyles the graph; unchanged formulas stay
  box.sgShown = key;
  box.textContent = "";
  var typesetCount = 0, failed = 0;
  parts.forEach(function (part) {
    var wanted = part[1] && typeset && part[0].split("\n").length <= TYPESET_MAX_LINES;
    var block = wanted ? typesetBlock(katex, part[1], part[0]) : null;
    if (wanted) { if (block) { typesetCount += 1; } else { failed += 1; } }
    box.appendChild(block || el("pre", "", part[0]));
  });
  box.setAttribute("data-text", parts.map(function (part) { return part[0]; }).join("\n"));
  box.setAttribute("data-math", failed ? "fallback" : (typesetCount ? "katex" : "text"));
}

function render(context) {
  var model = context.model, root = context.el;
  var V = globalThis.StepgradView;
  var started = performance.now();
  var current = model.get("frame") || 0, view = null, port = null, selected = null, version = 0;
  var katex = loadKatex(), typeset = true;
  var data = model.get("view");
  var neurons = model.get("neurons") || [];
  var practicing = Object.keys(model.get("practice") || {}).length > 0;

  var box = el("div", "sg-explorer");
  box.tabIndex = 0;
  box.setAttribute("data-lm-suppress-shortcuts", "true");  // JupyterLab: arrow keys are ours here
  var controls = el("div", "sg-controls");
  var slider = el("input");
  slider.type = "range";
  slider.min = "0";
  slider.setAttribute("aria-label", "step");
  var counter = el("span", "sg-counter");
  if (practicing) {  // no stepping (it would show the answers): a hint, then the zoom buttons
    controls.append(el("span", "sg-hint", "Practice: type each gradient v\u0305 = ∂root/∂v, in the order " +
      "backward() finalizes them; click a node for its forward formula."));
  } else {
    controls.append(
      button("|◀", "first step (Home)", function () { go(0); }),
      button("◀", "previous step (left arrow)", function () { go(current - 1); }),
      button("▶", "next step (right arrow)", function () { go(current + 1); }),
      button("▶|", "last step (End)", function () { go(count() - 1); }),
      slider, counter);
  }
  if (neurons.length) {
    controls.append(
      button("collapse neurons", "fold each neuron a = g(Σ wᵢxᵢ + b) into one box", function () { fold("collapse", []); }),
      button("expand neurons", "show every node of every neuron", function () { fold("expand", []); }));
  }
  controls.append(
    button("−", "zoom out (or ctrl + wheel)", function () { if (port) { port.zoom(0.8); } }),
    button("+", "zoom in (or ctrl + wheel)", function () { if (port) { port.zoom(1.25); } }),
    button("fit", "show the whole graph", function () { if (port) { port.fit(); } })
  );
  var main = el("div", "sg-main");
  var graph = el("div", "sg-graph", "laying out the graph…");
  var side = el("div", "sg-side");
  var title = el("h2", "sg-title");
  var asText = button("plain text", "show the formulas as plain text", function () {
    typeset = !typeset;
    asText.textContent = typeset ? "plain text" : "typeset";
    asText.title = typeset ? "show the formulas as plain text" : "typeset the formulas (KaTeX)";
    paint();
  });
  asText.className = "sg-as-text";
  var head = el("div", "sg-side-head");
  head.append(title, asText);
  var formula = el("div", "sg-formula sg-math");
  var derivationTitle = el("h3", "", "Derivation");
  var derivation = el("div", "sg-derivation sg-math");
  showMath(derivation, [["Click a node to see how its gradient is made.", ""]], katex, typeset);
  var neuronPanel = el("div", "sg-neuron-panel");
  var neuronText = el("span", "sg-neuron-name");
  var neuronButton = button("", "", function () {
    var call = callOf(selected);
    if (call) { fold(call.collapsed ? "expand" : "collapse", [call.name]); }
  });
  neuronPanel.append(neuronText, neuronButton);
  neuronPanel.style.display = "none";
  var leavesTitle = el("h3", "", practicing
    ? "Leaves (edit a value: the graph is replayed, the practice starts again)"
    : "Leaves (edit a value: the graph is replayed)");
  var leaves = el("div", "sg-leaves");
  var error = el("div", "sg-error");
  var quiz = el("div", "sg-practice");
  var answer = el("input", "sg-answer");
  answer.type = "text";
  answer.setAttribute("aria-label", "your answer");
  answer.placeholder = "a number: 3, -0.5, 3/4";
  var check = button("check", "check the answer (Enter)", function () { send(); });
  var feedback = el("pre", "sg-feedback");
  var score = el("div", "sg-score");
  var ask = el("label", "sg-ask");
  ask.append(answer, check);
  var restart = button("start over", "forget every answer and begin again at the first question", function () {
    box.setAttribute("data-answering", "true");
    model.send({ type: "restart" });
  });
  restart.className = "sg-restart";
  quiz.append(ask, feedback, score, restart);
  if (practicing) {
    side.append(head, quiz, formula, derivationTitle, derivation, neuronPanel, leavesTitle, leaves, error);
  } else {
    side.append(head, formula, derivationTitle, derivation, neuronPanel, leavesTitle, leaves, error);
  }
  main.append(graph, side);
  var key = V.legend(data);
  box.append(controls, main, key);
  root.appendChild(box);

  function count() { return V.frameCount(data); }

  function go(i) {
    current = Math.max(0, Math.min(count() - 1, i));
    if (model.get("frame") !== current) { model.set("frame", current); model.save_changes(); }
    paint();
  }

  // What practice shows: every value, the answered gradients, the asked node and its uses in red.
  function practiceState() {
    var p = model.get("practice");
    var state = { data: [], grad: [], hot: null, edges: [], title: "", formula: "", tex: "" };
    for (var i = 0; i < data.nodes.length; i++) { state.data.push(true); state.grad.push(data.nodes[i].grad !== null); }
    if (p.done) {
      state.title = "Practice done: score " + p.score + "/" + p.total;
      state.formula = data.summary;
      state.tex = data.summaryTex;
    } else {
      state.hot = p.node;
      state.edges = p.edges;
      state.title = "Question " + p.number + "/" + p.total + ": " + p.prompt + " = ?";
      var folded = callOf(p.node);
      if (folded && folded.collapsed && folded.output !== p.node) {
        state.title += " (" + data.nodes[p.node].name + " is inside the folded neuron " + folded.name + ")";
      }
      state.formula = data.nodes.map(function (node) { return node.forward; }).join("\n");
    }
    feedback.textContent = p.feedback;
    feedback.style.display = p.feedback ? "" : "none";
    score.textContent = "score " + p.score + "/" + p.total + (p.done ? "" : " · tries left for this one: " + p.tries);
    ask.style.display = p.done ? "none" : "";
    box.setAttribute("data-replies", String(p.replies));
    box.setAttribute("data-done", String(p.done));
    return state;
  }

  function inView(g) {
    var r = g.getBoundingClientRect(), outer = graph.getBoundingClientRect();
    return r.left >= outer.left && r.right <= outer.right && r.top >= outer.top && r.bottom <= outer.bottom;
  }

  // The neuron call that node j belongs to (its output, a node of its sum, or a parameter).
  function callOf(j) {
    if (j === null) { return null; }
    for (var c = 0; c < neurons.length; c++) {
      var call = neurons[c];
      if (call.nodes.indexOf(j) >= 0 || call.parameters.indexOf(j) >= 0) { return call; }
    }
    return null;
  }

  function fold(type, names) {
    box.setAttribute("data-folding", "true");
    model.send({ type: type, names: names });
  }

  function gradText(j) { return data.nodes[j].grad === null ? "?" : data.nodes[j].grad; }

  function send() {
    box.setAttribute("data-answering", "true");
    model.send({ type: "answer", text: answer.value });
  }

  function paint() {
    var state = practicing ? practiceState() : V.frameState(data, current);
    if (view) {
      V.show(view, data, state);
      var hotBox = V.drawnAs(view, state.hot), hot = hotBox !== null ? view.nodes[hotBox].g : null;
      // practice stays put while the asked node is in view (a question is read, not stepped through)
      if (hot && !(practicing && inView(hot))) { port.reveal(hot); }
      var shownSelected = V.drawnAs(view, selected);
      for (var j = 0; j < view.nodes.length; j++) {
        if (view.nodes[j]) { view.nodes[j].g.classList.toggle("sg-selected", j === shownSelected); }
      }
    }
    title.textContent = state.title;
    showMath(formula, [[state.formula, state.tex]], katex, typeset);
    if (selected !== null) {
      var node = data.nodes[selected], call = callOf(selected);
      var parts = [[node.forward, ""], node.grad === null
        ? ["(its gradient shows once you have answered it)", ""] : [node.derivation, node.derivationTex]];
      if (call && call.collapsed && call.output === selected) {
        parts.push(["Inside " + call.name + ":\n" + call.parameters.concat(call.nodes.slice(0, -1)).map(function (k) {
          return "  " + data.nodes[k].name + ": data " + data.nodes[k].data + ", grad " + gradText(k);
        }).join("\n"), ""]);
      }
      showMath(derivation, parts, katex, typeset);
      neuronPanel.style.display = call ? "" : "none";
      if (call) {
        neuronText.textContent = "neuron " + call.title + " (its output a is " + data.nodes[call.output].name + ") ";
        neuronButton.textContent = (call.collapsed ? "expand " : "collapse ") + call.name;
        neuronButton.title = call.collapsed ? "show its parameters and the nodes of its sum" : "fold it into one box";
      }
    }
    if (practicing) { box.setAttribute("data-frame", "practice"); return; }
    slider.max = String(count() - 1);
    slider.value = String(current);
    counter.textContent = "step " + (current + 1) + " / " + count();
    box.setAttribute("data-frame", String(current));
  }

  function select(j) {
    selected = j;
    paint();
    var input = leaves.querySelector('input[data-node="' + j + '"]');
    if (input) { input.focus(); input.select(); }
  }

  function buildLeaves() {
    leaves.textContent = "";
    data.nodes.forEach(function (node, j) {
      if (!node.leaf) { return; }
      var label = el("label", "sg-leaf");
      var name = el("span", "sg-leaf-name", node.name);
      var input = el("input");
      input.type = "number";
      input.step = "any";
      input.value = shortNumber(node.value);
      input.setAttribute("data-node", String(j));
      input.setAttribute("data-name", node.name);
      input.addEventListener("change", function () {
        var value = Number(input.value);
        if (input.value.trim() === "" || !isFinite(value)) {
          error.textContent = node.name + ": not a finite number: " + JSON.stringify(input.value);
          input.value = shortNumber(data.nodes[j].value);  // the graph keeps its value
          return;
        }
        box.setAttribute("data-editing", "true");
        model.send({ type: "edit", node: j, value: value });
      });
      label.append(name, input);
      leaves.appendChild(label);
    });
  }

  function refreshLeaves() {
    var inputs = leaves.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i++) {
      var node = data.nodes[Number(inputs[i].getAttribute("data-node"))];
      if (root.getRootNode().activeElement !== inputs[i]) { inputs[i].value = shortNumber(node.value); }
    }
  }

  slider.addEventListener("input", function () { go(parseInt(slider.value, 10)); });
  box.addEventListener("keydown", function (e) {
    if (practicing || (e.target.tagName === "INPUT" && e.target.type !== "range")) { return; }
    if (e.key === "ArrowRight") { go(current + 1); }
    else if (e.key === "ArrowLeft") { go(current - 1); }
    else if (e.key === "Home") { go(0); }
    else if (e.key === "End") { go(count() - 1); }
    else { return; }
    e.preventDefault();
    e.stopPropagation();
  });

  model.on("change:view", function () {
    data = model.get("view");
    version += 1;
    error.textContent = model.get("error");
    refreshLeaves();
    paint();
    box.setAttribute("data-version", String(version));
    box.removeAttribute("data-editing");
  });
  model.on("change:frame", function () {
    var frame = model.get("frame");
    if (frame !== current) { current = frame; paint(); }
  });
  answer.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); e.stopPropagation(); send(); }
  });
  model.on("change:practice", function () {
    var p = model.get("practice");
    if (p.replies === 0 || p.number !== Number(box.getAttribute("data-number") || p.number)) { answer.value = ""; }
    box.setAttribute("data-number", String(p.number));
    paint();
    box.removeAttribute("data-answering");
    if (!p.done && box.contains(root.getRootNode().activeElement)) { answer.focus(); }  // the root node: marimo shows widgets in a shadow root
  });
  model.on("change:error", function () { error.textContent = model.get("error"); });

  // Lay the graph out (at the start, and after a neuron is folded or unfolded) in a new box.
  function layout() {
    var fresh = el("div", "sg-graph", "laying out the graph…");
    main.replaceChild(fresh, graph);
    graph = fresh;
    view = null;
    port = null;
    return V.renderSvg(model.get("dot")).then(function (svg) {
      if (graph !== fresh) { return; }  // a newer layout has started
      graph.textContent = "";
      port = V.viewport(graph, svg, { maxHeight: 600 });
      view = V.index(svg, data);
      view.boxOf = model.get("folded") || {};  // node not drawn -> its folded neuron's box (draw's)
      view.nodes.forEach(function (node, j) {
        if (!node) { return; }
        node.g.style.cursor = "pointer";
        node.g.addEventListener("click", function () { select(j); });
      });
      var folded = Object.keys(view.boxOf).length > 0;
      var next = V.legend(data, function (name) { return name !== "neuron" || folded; });
      box.replaceChild(next, key);
      key = next;
      paint();
      box.setAttribute("data-render-ms", String(Math.round(performance.now() - started)));
      box.setAttribute("data-rendered", "true");
      box.removeAttribute("data-folding");
    }).catch(function (e) {
      graph.textContent = "The graph could not be drawn: " + e;
      box.setAttribute("data-rendered", "error");
    });
  }

  model.on("change:neurons", function () { neurons = model.get("neurons") || []; });
  model.on("change:dot", function () {
    started = performance.now();
    box.setAttribute("data-rendered", "false");
    layout();
  });

  buildLeaves();
  paint();
  layout();
}

export default { render: render };
