// stepgrad's graph view: the graph of draw(), laid out once, restyled at every step.
// Shared by the offline player and the explore() widget; the frames are those of
// autograd.views.frames.frames: the inputs, each forward node, the seed, each backward step, done.
(function (root) {
  "use strict";
  if (root.StepgradView) { return; }
  var SVG_NS = "http://www.w3.org/2000/svg";

  // The graph as an SVG element: dot's SVG (a string) if given, else laid out here by Graphviz-wasm.
  function renderSvg(dot, svgText) {
    if (svgText) {
      return Promise.resolve(new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement);
    }
    if (!root.StepgradViz) { return Promise.reject(new Error("no renderer: Graphviz-wasm is not loaded")); }
    if (!root.StepgradVizInstance) { root.StepgradVizInstance = root.StepgradViz().instance(); }
    return root.StepgradVizInstance.then(function (viz) { return viz.renderSVGElement(dot); });
  }

  function computed(model) {
    var result = [];
    for (var i = 0; i < model.nodes.length; i++) { if (!model.nodes[i].leaf) { result.push(i); } }
    return result;
  }

  function frameCount(model) { return model.frames.length; }  // the sequence comes from Python

  function incoming(model, j) {
    var edges = ["o" + j];
    for (var k = 0; k < model.nodes[j].parents; k++) { edges.push("e" + j + "_" + k); }
    return edges;
  }

  // What frame f shows: which data and gradients are known, what is highlighted, the formula
  // (and its LaTeX, `tex`, for the backward frames when the model has it: the explorer's).
  function frameState(model, f) {
    var n = model.nodes.length, order = computed(model), c = order.length, s = model.steps.length;
    var state = { data: [], grad: [], hot: null, edges: [], title: "", formula: "", tex: "" };
    var i;
    if (f <= c) {
      var known = {};
      for (i = 0; i < f; i++) { known[order[i]] = true; }
      for (i = 0; i < n; i++) { state.data.push(model.nodes[i].leaf || !!known[i]); state.grad.push(false); }
      if (f === 0) {
        state.title = "forward: inputs";
        state.formula = model.inputs;
      } else {
        var j = order[f - 1];
        state.title = "forward " + f + "/" + c;
        state.formula = model.nodes[j].forward;
        state.hot = j;
        state.edges = incoming(model, j);
      }
      return state;
    }
    var step = f - c - 1;  // 0: the seed, 1..s: backward steps, s + 1: done
    for (i = 0; i < n; i++) {
      state.data.push(true);
      state.grad.push(step > s ? true : (step === 0 ? i === model.root : model.nodes[i].final <= step));
    }
    if (step === 0) {
      state.title = "backward: seed";
      state.formula = model.seed;
      state.tex = model.seedTex || "";
      state.hot = model.root;
      state.edges = ["o" + model.root];
    } else if (step <= s) {
      var st = model.steps[step - 1];
      state.title = "backward " + step + "/" + s;
      state.formula = st.formula;
      state.tex = st.formulaTex || "";
      state.hot = st.node;
      state.edges = ["o" + st.node].concat(st.edges);
    } else {
      state.title = "done: every gradient";
      state.formula = model.summary;
      state.tex = model.summaryTex || "";
    }
    return state;
  }

  // Index the SVG by the classes draw() gives: vj value boxes, ej_k and oj edges.
  function index(svg, model) {
    var nodes = [], edges = {};
    for (var j = 0; j < model.nodes.length; j++) {
      var g = svg.querySelector("g.node.v" + j);
      if (!g) { nodes.push(null); continue; }
      var shape = g.querySelector("polygon, path, ellipse");
      var texts = g.querySelectorAll("text");
      var box = shape.getBBox ? shape.getBBox() : null;
      for (var t = 0; t < texts.length; t++) {  // centre each line: the numbers change length
        if (box && box.width) {
          texts[t].setAttribute("x", String(box.x + box.width / 2));
          texts[t].setAttribute("text-anchor", "middle");
        }
      }
      nodes.push({
        g: g, shape: shape, data: texts[texts.length - 2], grad: texts[texts.length - 1],
        role: g.classList.contains("neuron") ? "neuron" : null  // a collapsed neuron's box
      });
    }
    var all = svg.querySelectorAll("g.edge");
    for (var e = 0; e < all.length; e++) {
      var classes = all[e].getAttribute("class").split(" ");
      for (var q = 0; q < classes.length; q++) {
        if (/^[eo]\d/.test(classes[q])) { edges[classes[q]] = all[e]; }
      }
    }
    return { nodes: nodes, edges: edges, hotEdges: [], boxOf: {} };
  }

  // The element that shows node j: its own box, or the box of the collapsed neuron it is in
  // (`view.boxOf`: node -> the neuron's output, set by whoever folded it).
  function drawnAs(view, j) {
    if (j === null || j === undefined) { return null; }
    if (view.nodes[j]) { return j; }
    var box = view.boxOf[j];
    return box !== undefined && view.nodes[box] ? box : null;
  }

  function paintEdge(g, hot, style) {
    var parts = g.querySelectorAll("path, polygon");
    for (var i = 0; i < parts.length; i++) {
      parts[i].setAttribute("stroke", hot ? style.highlight.color : "black");
      parts[i].setAttribute("stroke-width", hot ? style.highlight.penwidth : "1");
      if (parts[i].tagName.toLowerCase() === "polygon") {
        parts[i].setAttribute("fill", hot ? style.highlight.color : "black");
      }
    }
  }

  // Restyle the laid-out graph to show `state`: numbers, "?", fills, highlighted edges. Only
  // what differs from the last frame is touched (a step changes a few nodes of hundreds).
  function show(view, model, state) {
    var style = model.style, hotBox = drawnAs(view, state.hot);
    for (var j = 0; j < view.nodes.length; j++) {
      var node = view.nodes[j], info = model.nodes[j];
      if (!node) { continue; }
      var data = "data " + (state.data[j] ? info.data : "?");
      var grad = "grad " + (state.grad[j] ? info.grad : "?");
      var hot = j === hotBox, role = node.role || info.role;
      if (node.shown && node.shown.data === data && node.shown.grad === grad && node.shown.hot === hot) {
        continue;
      }
      node.data.textContent = data;
      node.grad.textContent = grad;
      node.shape.setAttribute("fill", hot ? style.highlightFill : style.fill[role]);
      node.shape.setAttribute("stroke", hot ? style.highlight.color : "black");
      node.shape.setAttribute("stroke-width", hot ? style.highlight.penwidth : (role === "output" ? "2" : "1"));
      node.shown = { data: data, grad: grad, hot: hot };
    }
    for (var a = 0; a < view.hotEdges.length; a++) { paintEdge(view.hotEdges[a], false, style); }
    view.hotEdges = [];
    for (var b = 0; b < state.edges.length; b++) {
      var g = view.edges[state.edges[b]];
      if (g) { paintEdge(g, true, style); view.hotEdges.push(g); }
    }
  }

  // Zoom and pan inside a fixed box: the page never scrolls sideways and nothing is clipped
  // for good (drag to pan, the buttons or ctrl + wheel to zoom, "fit" shows everything).
  function viewport(box, svg, options) {
    var width = svg.width.baseVal.value, height = svg.height.baseVal.value;  // points, as dot gives them
    var state = { scale: 1, x: 0, y: 0 };
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.style.transformOrigin = "0 0";
    svg.style.position = "absolute";
    svg.style.left = "0";
    svg.style.top = "0";
    box.appendChild(svg);
    var readable = options.readable || 0.7;  // 12 pt labels shown at 11 px: the smallest readable
    function apply() {
      svg.style.transform = "translate(" + state.x + "px," + state.y + "px) scale(" + state.scale + ")";
    }
    function fitScale() { return Math.min(1.25, (box.clientWidth - 4) / width, options.maxHeight / height); }
    function size() {
      // The whole graph if it fits at a readable size, else a readable part of it (pan or zoom
      // for the rest); the box is as tall as the graph at that scale, at most maxHeight.
      var scale = Math.max(fitScale(), readable);
      box.style.height = Math.max(120, Math.min(options.maxHeight, height * scale + 8)) + "px";
      return scale;
    }
    function zoom(factor, cx, cy) {
      moved = true;
      var next = Math.max(0.05, Math.min(4, state.scale * factor));
      if (cx === undefined) { cx = box.clientWidth / 2; cy = box.clientHeight / 2; }
      state.x = cx - (cx - state.x) * next / state.scale;
      state.y = cy - (cy - state.y) * next / state.scale;
      state.scale = next;
      apply();
    }
    function fit() {
      state.scale = fitScale();
      state.x = (box.clientWidth - width * state.scale) / 2;
      state.y = Math.max(0, (box.clientHeight - height * state.scale) / 2);
      apply();
    }
    function start() {
      state.scale = size();
      state.x = Math.max(0, (box.clientWidth - width * state.scale) / 2);
      state.y = Math.max(0, (box.clientHeight - height * state.scale) / 2);
      apply();
    }
    // Bring an element into view (the current node of a large graph), moving as little as needed.
    function reveal(element) {
      if (!element) { return; }
      var r = element.getBoundingClientRect(), outer = box.getBoundingClientRect();
      var x = r.left - outer.left, y = r.top - outer.top, w = r.width, h = r.height, margin = 30;
      var dx = 0, dy = 0;
      if (x < margin) { dx = margin - x; } else if (x + w > box.clientWidth - margin) { dx = box.clientWidth - margin - x - w; }
      if (y < margin) { dy = margin - y; } else if (y + h > box.clientHeight - margin) { dy = box.clientHeight - margin - y - h; }
      if (dx || dy) { state.x += dx; state.y += dy; apply(); }
    }
    var drag = null;
    box.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) { return; }
      drag = { x: e.clientX - state.x, y: e.clientY - state.y, moved: false };
    });
    box.addEventListener("pointermove", function (e) {
      if (!drag) { return; }
      var nx = e.clientX - drag.x, ny = e.clientY - drag.y;
      if (!drag.moved && Math.abs(nx - state.x) + Math.abs(ny - state.y) < 4) { return; }
      drag.moved = true;
      box.setPointerCapture(e.pointerId);
      moved = true;
      state.x = nx; state.y = ny; apply();
    });
    box.addEventListener("pointerup", function () { drag = null; });
    box.addEventListener("wheel", function (e) {
      if (!e.ctrlKey && !e.metaKey) { return; }  // a plain wheel scrolls the page, as usual
      e.preventDefault();
      var r = box.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    start();
    // Until the reader zooms or pans, a box that changes width (the notebook laid out after the
    // widget, a window resized, a side panel opened) shows the graph as it would have at first.
    var moved = false, shownWidth = box.clientWidth;
    if (root.ResizeObserver) {
      new root.ResizeObserver(function () {
        if (moved || box.clientWidth === shownWidth || !box.isConnected) { return; }
        shownWidth = box.clientWidth;
        start();
      }).observe(box);
    }
    return { zoom: zoom, fit: fit, reveal: reveal, state: state };
  }

  // The colours' meanings; `shown(key)` says which to list (default: all but the neuron box).
  function legend(model, shown) {
    var div = document.createElement("div");
    div.className = "sg-legend";
    model.legend.forEach(function (item) {
      if (!(shown ? shown(item[0]) : item[0] !== "neuron")) { return; }
      var span = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = item[1];
      span.appendChild(swatch);
      span.appendChild(document.createTextNode(item[2]));
      div.appendChild(span);
    });
    return div;
  }

  root.StepgradView = {
    renderSvg: renderSvg, frameCount: frameCount, frameState: frameState, index: index, show: show,
    drawnAs: drawnAs,
    viewport: viewport, legend: legend, SVG_NS: SVG_NS
  };
})(typeof globalThis !== "undefined" ? globalThis : window);
