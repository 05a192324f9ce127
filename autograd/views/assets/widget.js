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
//
// render() builds one explorer from functions by job, which share the object `ex` (the synced
// model, the page's parts, what is shown): the page and the graph's layout (page, layOut,
// paint), stepping (buttons, slider, keys, play), the derivation of a clicked node, editing the
// leaves, practice, and folding neurons. Each job adds its parts to the page and may give a
// paint(state) that paint() calls at every change.
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

// A field whose text is selected when it gets the focus (a click, Tab), so that what is typed
// replaces it: a new value, another try at an answer. (The click's own mouseup would put a caret
// in the text instead: that one is skipped.)
function selectOnFocus(input) {
  var clicked = false;
  input.addEventListener("mousedown", function () { clicked = input.getRootNode().activeElement !== input; });
  input.addEventListener("focus", function () { input.select(); });
  input.addEventListener("mouseup", function (e) {
    if (clicked) { e.preventDefault(); clicked = false; }
  });
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

// Layout: the page's frame (controls, the graph's box, the side panel, the legend).
function page(ex) {
  ex.box = el("div", "sg-explorer");
  ex.box.tabIndex = 0;
  ex.box.setAttribute("data-lm-suppress-shortcuts", "true");  // JupyterLab: arrow keys are ours here
  ex.controls = el("div", "sg-controls");
  ex.main = el("div", "sg-main");
  ex.graph = el("div", "sg-graph", "laying out the graph…");
  ex.side = el("div", "sg-side");
  ex.title = el("h2", "sg-title");
  var asText = button("plain text", "show the formulas as plain text", function () {
    ex.typeset = !ex.typeset;
    asText.textContent = ex.typeset ? "plain text" : "typeset";
    asText.title = ex.typeset ? "show the formulas as plain text" : "typeset the formulas (KaTeX)";
    paint(ex);
  });
  asText.className = "sg-as-text";
  var head = el("div", "sg-side-head");
  head.append(ex.title, asText);
  ex.formula = el("div", "sg-formula sg-math");
  ex.side.append(head);
  ex.main.append(ex.graph, ex.side);
  ex.key = ex.V.legend(ex.data);
  ex.box.append(ex.controls, ex.main, ex.key);
  ex.root.appendChild(ex.box);
}

// The zoom buttons, after the others.
function zoomButtons(ex) {
  ex.controls.append(
    button("−", "zoom out (or ctrl + wheel)", function () { if (ex.port) { ex.port.zoom(0.8); } }),
    button("+", "zoom in (or ctrl + wheel)", function () { if (ex.port) { ex.port.zoom(1.25); } }),
    button("fit", "show the whole graph, or as much of it as stays readable around this step",
      function () { if (ex.port) { ex.port.fit(); } })
  );
}

// What the view shows now: a frame of the walkthrough, or practice's question.
function currentState(ex) {
  return ex.practice ? ex.practice.state() : ex.V.frameState(ex.data, ex.current);
}

// Show the current state: the title and formula, each job's part, then the graph restyled (and
// panned to what the step is about when the step changed: last, as the side panel's new text may
// change the graph box's width).
function paint(ex) {
  var state = currentState(ex), V = ex.V;
  ex.state = state;
  ex.title.textContent = state.title;
  showMath(ex.formula, [[state.formula, state.tex]], ex.katex, ex.typeset);
  ex.jobs.forEach(function (job) { if (job.paint) { job.paint(state); } });
  if (ex.view) {
    V.show(ex.view, ex.data, state);
    var shownSelected = V.drawnAs(ex.view, ex.selected);
    for (var j = 0; j < ex.view.nodes.length; j++) {
      if (ex.view.nodes[j]) { ex.view.nodes[j].g.classList.toggle("sg-selected", j === shownSelected); }
    }
    var step = ex.practice ? ex.practice.stepKey() : String(ex.current);
    if (ex.followed !== step) {  // a new step: its nodes on screen (a click on a node moves nothing)
      ex.followed = step;
      ex.port.follow(V.focusElements(ex.view, state.focus));
    }
  }
}

// Lay the graph out (at the start, and after a neuron is folded or unfolded) in a new box.
function layOut(ex) {
  var V = ex.V, fresh = el("div", "sg-graph", "laying out the graph…");
  ex.main.replaceChild(fresh, ex.graph);
  ex.graph = fresh;
  ex.view = null;
  ex.port = null;
  return V.renderSvg(ex.model.get("dot")).then(function (svg) {
    if (ex.graph !== fresh) { return; }  // a newer layout has started
    fresh.textContent = "";
    var view = V.index(svg, ex.data);
    view.boxOf = ex.model.get("folded") || {};  // node not drawn -> its folded neuron's box (draw's)
    ex.port = V.viewport(fresh, svg, {
      maxHeight: 600,
      focus: function () { return ex.state ? V.focusElements(view, ex.state.focus) : []; }
    });
    ex.view = view;
    ex.followed = null;
    view.nodes.forEach(function (node, j) {
      if (!node) { return; }
      node.g.style.cursor = "pointer";
      node.g.addEventListener("click", function () { ex.derivation.select(j); });
    });
    var folded = Object.keys(view.boxOf).length > 0;
    var next = V.legend(ex.data, function (name) { return name !== "neuron" || folded; });
    ex.box.replaceChild(next, ex.key);
    ex.key = next;
    paint(ex);
    ex.box.setAttribute("data-render-ms", String(Math.round(performance.now() - ex.started)));
    ex.box.setAttribute("data-rendered", "true");
    ex.box.removeAttribute("data-folding");
  }).catch(function (e) {
    fresh.textContent = "The graph could not be drawn: " + e;
    ex.box.setAttribute("data-rendered", "error");
  });
}

// Stepping: first / previous / next / last, play, the slider, the arrow keys (Home, End, space).
function stepping(ex) {
  var timer = null;
  var slider = el("input");
  slider.type = "range";
  slider.min = "0";
  slider.setAttribute("aria-label", "step");
  var counter = el("span", "sg-counter");
  function count() { return ex.V.frameCount(ex.data); }
  function go(i) {
    ex.current = Math.max(0, Math.min(count() - 1, i));
    if (ex.model.get("frame") !== ex.current) { ex.model.set("frame", ex.current); ex.model.save_changes(); }
    paint(ex);
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    playButton.textContent = "play";
  }
  function play() {
    if (timer) { stop(); return; }
    if (ex.current === count() - 1) { go(0); }
    playButton.textContent = "pause";
    timer = setInterval(function () {
      if (!ex.box.isConnected || ex.current >= count() - 1) { stop(); } else { go(ex.current + 1); }
    }, ex.data.frameMilliseconds);
  }
  var playButton = button("play", "play the steps one after another (space)", play);
  playButton.className = "sg-play";
  ex.controls.append(
    button("|◀", "first step (Home)", function () { stop(); go(0); }),
    button("◀", "previous step (left arrow)", function () { stop(); go(ex.current - 1); }),
    button("▶", "next step (right arrow)", function () { stop(); go(ex.current + 1); }),
    button("▶|", "last step (End)", function () { stop(); go(count() - 1); }),
    playButton, slider, counter);
  slider.addEventListener("input", function () { stop(); go(parseInt(slider.value, 10)); });
  ex.box.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if ((tag === "INPUT" && e.target.type !== "range") || (tag === "BUTTON" && e.key === " ")) { return; }
    if (e.key === "ArrowRight") { stop(); go(ex.current + 1); }
    else if (e.key === "ArrowLeft") { stop(); go(ex.current - 1); }
    else if (e.key === "Home") { stop(); go(0); }
    else if (e.key === "End") { stop(); go(count() - 1); }
    else if (e.key === " ") { play(); }
    else { return; }
    e.preventDefault();
    e.stopPropagation();
  });
  ex.model.on("change:frame", function () {
    var frame = ex.model.get("frame");
    if (frame !== ex.current) { ex.current = frame; paint(ex); }
  });
  return {
    paint: function () {
      slider.max = String(count() - 1);
      slider.value = String(ex.current);
      counter.textContent = "step " + (ex.current + 1) + " / " + count();
      ex.box.setAttribute("data-frame", String(ex.current));
    }
  };
}

// The derivation of a clicked node: its forward formula and how its gradient is made, each
// once the current step has it (the graph shows "?" until then, and so does the panel).
function derivation(ex) {
  var box = el("div", "sg-derivation sg-math");
  showMath(box, [["Click a node to see how its gradient is made.", ""]], ex.katex, ex.typeset);
  ex.side.append(el("h3", "", "Derivation"), box);
  function forwardStep(j) {
    var k = 0;
    for (var i = 0; i <= j; i++) { if (!ex.data.nodes[i].leaf) { k += 1; } }
    return k;
  }
  function select(j) {
    ex.selected = j;
    paint(ex);
    var input = ex.box.querySelector('.sg-leaves input[data-node="' + j + '"]');
    if (input) { input.focus(); input.select(); }
  }
  return {
    select: select,
    // "data …, grad …" of node k as the current step shows them (the inside of a folded neuron)
    numbers: function (k, state) {
      var node = ex.data.nodes[k];
      return "data " + (state.data[k] ? node.data : "?") + ", grad " + (state.grad[k] && node.grad != null ? node.grad : "?");
    },
    paint: function (state) {
      var j = ex.selected;
      if (j === null) { return; }
      var node = ex.data.nodes[j], parts = [];
      parts.push(state.data[j] ? [node.forward, ""]
        : [node.name + ": data ?  (computed at forward step " + forwardStep(j) + ")", ""]);
      if (ex.practice && node.grad == null) {
        parts.push(["(its gradient shows once you have answered it)", ""]);
      } else if (!state.grad[j]) {
        parts.push([node.name + ": grad ?  (" + (node.final ? "final after backward step " + node.final
          : "set by the seed") + ")", ""]);
      } else {
        parts.push([node.derivation, node.derivationTex]);
      }
      var call = ex.folding.callOf(j);
      if (call && call.collapsed && call.output === j) {
        parts.push(["Inside " + call.name + ":\n" + call.parameters.concat(call.nodes.slice(0, -1)).map(function (k) {
          return "  " + ex.data.nodes[k].name + ": " + ex.derivation.numbers(k, state);
        }).join("\n"), ""]);
      }
      showMath(box, parts, ex.katex, ex.typeset);
    }
  };
}

// Editing: a number field per leaf (inputs first, then the parameters in the model's order).
// Enter, or leaving the field, sends the value to the kernel, which replays the graph.
function editing(ex) {
  var leaves = el("div", "sg-leaves"), error = el("div", "sg-error");
  ex.side.append(el("h3", "", ex.practice
    ? "Leaves (type a value, Enter: the graph is replayed, the practice starts again)"
    : "Leaves (type a value, Enter: the graph is replayed)"), leaves, error);
  function commit(input, j) {
    var value = Number(input.value), node = ex.data.nodes[j];
    if (input.value.trim() === "" || !isFinite(value)) {
      error.textContent = node.name + ": not a finite number: " + JSON.stringify(input.value);
      input.value = shortNumber(node.value);  // the graph keeps its value
      return;
    }
    if (value === node.value || value === input.sgSent) { return; }  // Enter, then the focus left
    input.sgSent = value;
    ex.box.setAttribute("data-editing", "true");
    ex.model.send({ type: "edit", node: j, value: value });
  }
  ex.data.leaves.forEach(function (j) {
    var node = ex.data.nodes[j];
    var label = el("label", "sg-leaf");
    var input = el("input");
    input.type = "number";
    input.step = "any";
    input.value = shortNumber(node.value);
    input.setAttribute("data-node", String(j));
    input.setAttribute("data-name", node.name);
    selectOnFocus(input);
    input.addEventListener("change", function () { commit(input, j); });
    input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") { return; }
      e.preventDefault();
      e.stopPropagation();
      commit(input, j);
      input.select();  // the next value typed replaces this one
    });
    label.append(el("span", "sg-leaf-name", node.name), input);
    leaves.appendChild(label);
  });
  // The fields show the kernel's values, except the one being typed in.
  function refresh() {
    var inputs = leaves.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].sgSent = undefined;
      var node = ex.data.nodes[Number(inputs[i].getAttribute("data-node"))];
      if (ex.root.getRootNode().activeElement !== inputs[i]) { inputs[i].value = shortNumber(node.value); }
    }
  }
  ex.model.on("change:view", function () {
    ex.data = ex.model.get("view");
    ex.version += 1;
    error.textContent = ex.model.get("error");
    refresh();
    paint(ex);
    ex.box.setAttribute("data-version", String(ex.version));
    ex.box.removeAttribute("data-editing");
  });
  ex.model.on("change:error", function () {
    error.textContent = ex.model.get("error");
    if (ex.model.get("error")) { refresh(); ex.box.removeAttribute("data-editing"); }
  });
  return {};
}

// Practice: the question in the title, an answer field (Enter or "check"), the kernel's
// feedback, the score, "start over". After a wrong answer the text typed stays, selected: the
// next one typed replaces it.
function practice(ex) {
  var quiz = el("div", "sg-practice");
  var answer = el("input", "sg-answer");
  answer.type = "text";
  answer.setAttribute("aria-label", "your answer");
  answer.placeholder = "a number: 3, -0.5, 3/4";
  selectOnFocus(answer);
  var check = button("check", "check the answer (Enter)", send);
  var feedback = el("pre", "sg-feedback");
  var score = el("div", "sg-score");
  var ask = el("label", "sg-ask");
  ask.append(answer, check);
  var restart = button("start over", "forget every answer and begin again at the first question", function () {
    ex.box.setAttribute("data-answering", "true");
    ex.model.send({ type: "restart" });
  });
  restart.className = "sg-restart";
  quiz.append(ask, feedback, score, restart);
  ex.side.append(quiz);
  ex.controls.append(el("span", "sg-hint", "Practice: type each gradient v\u0305 = ∂root/∂v, in the order " +
    "backward() finalizes them; click a node for its forward formula."));
  function send() {
    ex.box.setAttribute("data-answering", "true");
    ex.model.send({ type: "answer", text: answer.value });
  }
  answer.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); e.stopPropagation(); send(); }
  });
  ex.model.on("change:practice", function () {
    var p = ex.model.get("practice");
    var sameQuestion = p.replies > 0 && p.number === Number(ex.box.getAttribute("data-number") || p.number);
    if (!sameQuestion) { answer.value = ""; }
    ex.box.setAttribute("data-number", String(p.number));
    paint(ex);
    ex.box.removeAttribute("data-answering");
    if (!p.done && ex.box.contains(ex.root.getRootNode().activeElement)) {  // the root node: marimo shows widgets in a shadow root
      answer.focus();
      if (sameQuestion) { answer.select(); }
    }
  });
  // The nodes that use node j (its gradient sums one term per use).
  function users(j) {
    var found = [];
    ex.data.nodes.forEach(function (node, k) { if (node.parents.indexOf(j) >= 0) { found.push(k); } });
    return found;
  }
  return {
    stepKey: function () { return "question " + ex.model.get("practice").number; },
    // What practice shows: every value, the answered gradients, the asked node and its uses in red.
    state: function () {
      var p = ex.model.get("practice"), data = ex.data;
      var state = { data: [], grad: [], hot: null, edges: [], focus: [], title: "", formula: "", tex: "" };
      for (var i = 0; i < data.nodes.length; i++) { state.data.push(true); state.grad.push(data.nodes[i].grad != null); }
      if (p.done) {
        state.title = "Practice done: score " + p.score + "/" + p.total;
        state.formula = data.summary;
        state.tex = data.summaryTex;
        state.focus = data.leaves.slice();
      } else {
        state.hot = p.node;
        state.edges = p.edges;
        state.focus = [p.node].concat(users(p.node));
        state.title = "Question " + p.number + "/" + p.total + ": " + p.prompt + " = ?";
        var folded = ex.folding.callOf(p.node);
        if (folded && folded.collapsed && folded.output !== p.node) {
          state.title += " (" + data.nodes[p.node].name + " is inside the folded neuron " + folded.name + ")";
        }
        state.formula = data.nodes.map(function (node) { return node.forward; }).join("\n");
      }
      return state;
    },
    paint: function () {
      var p = ex.model.get("practice");
      feedback.textContent = p.feedback;
      feedback.style.display = p.feedback ? "" : "none";
      score.textContent = "score " + p.score + "/" + p.total + (p.done ? "" : " · tries left for this one: " + p.tries);
      ask.style.display = p.done ? "none" : "";
      ex.box.setAttribute("data-replies", String(p.replies));
      ex.box.setAttribute("data-done", String(p.done));
      ex.box.setAttribute("data-frame", "practice");
    }
  };
}

// Folding: "collapse neurons" / "expand neurons", and under the derivation, the clicked node's
// neuron with a button to fold or unfold it. The kernel sends the new DOT (laid out again).
function folding(ex) {
  var panel = el("div", "sg-neuron-panel"), name = el("span", "sg-neuron-name");
  function fold(type, names) {
    ex.box.setAttribute("data-folding", "true");
    ex.model.send({ type: type, names: names });
  }
  // The neuron call that node j belongs to (its output, a node of its sum, or a parameter).
  function callOf(j) {
    if (j === null || j === undefined) { return null; }
    for (var c = 0; c < ex.neurons.length; c++) {
      var call = ex.neurons[c];
      if (call.nodes.indexOf(j) >= 0 || call.parameters.indexOf(j) >= 0) { return call; }
    }
    return null;
  }
  var toggle = button("", "", function () {
    var call = callOf(ex.selected);
    if (call) { fold(call.collapsed ? "expand" : "collapse", [call.name]); }
  });
  panel.append(name, toggle);
  panel.style.display = "none";
  ex.side.append(panel);
  if (ex.neurons.length) {
    ex.controls.append(
      button("collapse neurons", "fold each neuron a = g(Σ wᵢxᵢ + b) into one box", function () { fold("collapse", []); }),
      button("expand neurons", "show every node of every neuron", function () { fold("expand", []); }));
  }
  ex.model.on("change:neurons", function () { ex.neurons = ex.model.get("neurons") || []; });
  ex.model.on("change:dot", function () {
    ex.started = performance.now();
    ex.box.setAttribute("data-rendered", "false");
    layOut(ex);
  });
  return {
    callOf: callOf,
    paint: function () {
      var call = callOf(ex.selected);
      panel.style.display = call ? "" : "none";
      if (call) {
        name.textContent = "neuron " + call.title + " (its output a is " + ex.data.nodes[call.output].name + ") ";
        toggle.textContent = (call.collapsed ? "expand " : "collapse ") + call.name;
        toggle.title = call.collapsed ? "show its parameters and the nodes of its sum" : "fold it into one box";
      }
    }
  };
}

function render(context) {
  var model = context.model;
  var ex = {
    model: model, root: context.el, V: globalThis.StepgradView, started: performance.now(),
    data: model.get("view"), neurons: model.get("neurons") || [], current: model.get("frame") || 0,
    view: null, port: null, state: null, followed: null, selected: null, version: 0,
    katex: loadKatex(), typeset: true, practice: null, jobs: []
  };
  page(ex);
  var practicing = Object.keys(model.get("practice") || {}).length > 0;
  // the order of the jobs is the order of their parts on the page
  if (practicing) { ex.practice = practice(ex); } else { ex.jobs.push(stepping(ex)); }
  ex.side.append(ex.formula);
  ex.derivation = derivation(ex);
  ex.folding = folding(ex);
  zoomButtons(ex);
  ex.jobs.push(ex.derivation, ex.folding, editing(ex));
  if (ex.practice) { ex.jobs.push(ex.practice); }
  paint(ex);
  layOut(ex);
}

export default { render: render };
