// stepgrad's graph view: the graph of draw(), laid out once, restyled at every step.
// Shared by the offline player and the explore() widget; the frames are those of
// autograd.views.frames.frames: the inputs, each forward node, the seed, each backward step, done.
(function (root) {
  "use strict";
  if (root.StepgradView) { return; }
  var SVG_NS = "http://www.w3.org/2000/svg";
  // An absent value (a forward frame's step, the inputs frame's node, a hidden gradient) is
  // tested with `== null`: Python's None arrives as null, or as undefined in Pyodide.

  // The graph as an SVG element: dot's SVG (a string) if given, else laid out here by Graphviz-wasm.
  function renderSvg(dot, svgText) {
    if (svgText) {
      return Promise.resolve(new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement);
    }
    if (!root.StepgradViz) { return Promise.reject(new Error("no renderer: Graphviz-wasm is not loaded")); }
    if (!root.StepgradVizInstance) { root.StepgradVizInstance = root.StepgradViz().instance(); }
    return root.StepgradVizInstance.then(function (viz) { return viz.renderSVGElement(dot); });
  }

  // The SVG class draw() gives a part of node j's drawing: kind "value" (its box), "output" (its
  // op's edge to it) or "edge" (from its parent slot k), after the data's svgClasses (v{j}, ...).
  function svgClass(model, kind, j, k) {
    return model.svgClasses[kind].replace("{j}", String(j)).replace("{k}", String(k));
  }

  function computed(model) {
    var result = [];
    for (var i = 0; i < model.nodes.length; i++) { if (!model.nodes[i].leaf) { result.push(i); } }
    return result;
  }

  function frameCount(model) { return model.frames.length; }  // the sequence comes from Python

  function incoming(model, j) {
    var edges = [svgClass(model, "output", j)];
    for (var k = 0; k < model.nodes[j].parents.length; k++) { edges.push(svgClass(model, "edge", j, k)); }
    return edges;
  }

  // What frame f shows (model.frames[f]: its title, the node in red, how many computed values
  // are known, the backward step): which data and gradients are known, what is highlighted, the
  // formula (and its LaTeX, `tex`, for the backward frames when the model has it: the
  // explorer's), and `focus`, the nodes the frame is about (the current node first, then the
  // nodes it reads or pushes to; the leaves at the first and the last frame), kept on screen.
  function frameState(model, f) {
    var frame = model.frames[f], n = model.nodes.length, s = model.steps.length, i;
    var state = { data: [], grad: [], hot: frame.node, edges: [], focus: [], title: frame.title, formula: "", tex: "" };
    if (frame.step == null) {  // forward: the leaves and the first `computed` computed values are known
      var known = {}, order = computed(model);
      for (i = 0; i < frame.computed; i++) { known[order[i]] = true; }
      for (i = 0; i < n; i++) { state.data.push(model.nodes[i].leaf || !!known[i]); state.grad.push(false); }
      if (frame.node == null) {
        state.formula = model.inputs;
        state.focus = model.leaves.slice();
      } else {
        state.formula = model.nodes[frame.node].forward;
        state.edges = incoming(model, frame.node);
        state.focus = [frame.node].concat(model.nodes[frame.node].parents);
      }
      return state;
    }
    var step = frame.step;  // 0: the seed, 1..s: backward steps, s + 1: done
    for (i = 0; i < n; i++) {
      state.data.push(true);
      state.grad.push(step > s ? true : (step === 0 ? i === model.root : model.nodes[i].final <= step));
    }
    if (step === 0) {
      state.formula = model.seed;
      state.tex = model.seedTex || "";
      state.edges = [svgClass(model, "output", model.root)];
      state.focus = [model.root];
    } else if (step <= s) {
      var st = model.steps[step - 1];
      state.formula = st.formula;
      state.tex = st.formulaTex || "";
      state.edges = [svgClass(model, "output", st.node)].concat(st.edges);
      state.focus = [st.node].concat(st.to);
    } else {
      state.formula = model.summary;
      state.tex = model.summaryTex || "";
      state.focus = model.leaves.slice();
    }
    return state;
  }

  // A value box's lines as draw() writes its label: the name in bold, then a line that starts
  // "data " and one that starts "grad ". Each gets a class (sg-name, sg-data, sg-grad), by which
  // the view and the tests find it from then on.
  function boxLines(g) {
    var lines = { name: null, data: null, grad: null }, texts = g.querySelectorAll("text");
    for (var t = 0; t < texts.length; t++) {
      var text = texts[t], content = text.textContent;
      var role = text.getAttribute("font-weight") === "bold" ? "name"
        : (content.indexOf("data ") === 0 ? "data" : (content.indexOf("grad ") === 0 ? "grad" : null));
      if (role && !lines[role]) {
        lines[role] = text;
        text.classList.add("sg-" + role);
      }
    }
    if (!lines.data || !lines.grad) { throw new Error("a value box without its data and grad lines"); }
    return lines;
  }

  // Index the SVG by the classes draw() gives (the data's svgClasses): value boxes, edges.
  function index(svg, model) {
    var nodes = [], edges = {};
    for (var j = 0; j < model.nodes.length; j++) {
      var g = svg.querySelector("g.node." + svgClass(model, "value", j));
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
      var lines = boxLines(g);
      nodes.push({
        g: g, shape: shape, data: lines.data, grad: lines.grad,
        role: g.classList.contains("neuron") ? "neuron" : null  // a collapsed neuron's box
      });
    }
    var all = svg.querySelectorAll("g.edge");
    for (var e = 0; e < all.length; e++) {  // each edge by its own class (e3_1, o3): the frames name those
      var classes = all[e].getAttribute("class").split(" ");
      for (var q = 0; q < classes.length; q++) {
        if (classes[q] !== "edge") { edges[classes[q]] = all[e]; }
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

  // The drawn boxes of the nodes `focus` (a state's), each once, in that order.
  function focusElements(view, focus) {
    var seen = {}, elements = [];
    for (var i = 0; i < focus.length; i++) {
      var j = drawnAs(view, focus[i]);
      if (j !== null && !seen[j]) { seen[j] = true; elements.push(view.nodes[j].g); }
    }
    return elements;
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

  // Value boxes' labels are 12 pt: a 16 px font at scale 1, whose lines are about 17 px tall on
  // screen; at this scale about 10.5 px, the smallest the view zooms out to by itself (a reader
  // reads 10 px lines; "−" zooms out further).
  var READABLE_SCALE = 0.62;

  // Zoom and pan inside a fixed box: the page never scrolls sideways and nothing is clipped
  // for good (drag to pan, the buttons or ctrl + wheel to zoom). A graph that fits at a readable
  // size is shown whole; a larger one at the smallest readable size, panned to what the step is
  // about (`follow`). `options.focus()` gives the elements the current step is about.
  function viewport(box, svg, options) {
    var width = svg.width.baseVal.value, height = svg.height.baseVal.value;  // points, as dot gives them
    var state = { scale: 1, x: 0, y: 0 };
    var readable = options.readable || READABLE_SCALE;
    var focus = options.focus || function () { return []; };
    var margin = 12;  // px kept free around what a step is about
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.style.transformOrigin = "0 0";
    svg.style.position = "absolute";
    svg.style.left = "0";
    svg.style.top = "0";
    box.appendChild(svg);
    function apply() {
      svg.style.transform = "translate(" + state.x + "px," + state.y + "px) scale(" + state.scale + ")";
    }
    // The scale that shows the whole graph: in the box's width, and in maxHeight (the first time,
    // when the box gets its height) or the box's height.
    var tall = 0;
    function fitScale() {
      return Math.min(1.25, (box.clientWidth - 4) / width, (tall ? tall - 8 : options.maxHeight) / height);
    }
    function zoom(factor, cx, cy) {
      moved = true;
      scaleTo(Math.max(0.05, Math.min(4, state.scale * factor)), cx, cy);
    }
    // Scale to `next` about the point (cx, cy) of the box (its centre if not given).
    function scaleTo(next, cx, cy) {
      if (cx === undefined) { cx = box.clientWidth / 2; cy = box.clientHeight / 2; }
      state.x = cx - (cx - state.x) * next / state.scale;
      state.y = cy - (cy - state.y) * next / state.scale;
      state.scale = next;
      apply();
    }
    // The whole graph if it fits at a readable size, else its readable part that the current
    // step is about. The first time, the box is made as tall as the graph at that scale, at most
    // maxHeight, and keeps that height (a height that followed the width could bring and take
    // away the page's scrollbar, which changes the width: over and over).
    function fit() {
      moved = false;
      state.scale = Math.max(fitScale(), readable);
      if (!tall) {
        tall = Math.max(120, Math.min(options.maxHeight, height * state.scale + 8));
        box.style.height = tall + "px";
      }
      state.x = Math.max(0, (box.clientWidth - width * state.scale) / 2);
      state.y = Math.max(0, (box.clientHeight - height * state.scale) / 2);
      apply();
      follow(focus());
    }
    // Where elements are, in the box's pixels: the smallest rectangle around them all.
    function around(elements) {
      var outer = box.getBoundingClientRect(), r = null;
      for (var i = 0; i < elements.length; i++) {
        var e = elements[i].getBoundingClientRect();
        var rect = { left: e.left - outer.left, top: e.top - outer.top, right: e.right - outer.left, bottom: e.bottom - outer.top };
        r = r ? { left: Math.min(r.left, rect.left), top: Math.min(r.top, rect.top),
                  right: Math.max(r.right, rect.right), bottom: Math.max(r.bottom, rect.bottom) } : rect;
      }
      return r;
    }
    // How far to move [lo, hi] (the elements) so that it lies in [margin, size - margin]: as
    // little as needed; if it is longer than that, centred, but [firstLo, firstHi] (the current
    // node) inside.
    function shift(lo, hi, size, firstLo, firstHi) {
      if (hi - lo <= size) {
        var m = Math.min(margin, (size - hi + lo) / 2);
        return lo < m ? m - lo : (hi > size - m ? size - m - hi : 0);
      }
      var d = (size - lo - hi) / 2;
      if (firstLo + d < margin) { d = margin - firstLo; }
      else if (firstHi + d > size - margin) { d = size - margin - firstHi; }
      return d;
    }
    // Keep `elements` on screen (the current node first, then the nodes it pushes to): nothing
    // moves while they all are; else zoom out as far as labels stay readable, then pan as little
    // as needed.
    function follow(elements) {
      if (!elements || !elements.length) { return; }
      if (!moved && !fitting && box.clientWidth !== shownWidth) { resized(); return; }  // before the observer
      var all = around(elements), w = box.clientWidth, h = box.clientHeight;
      if (all.left >= 0 && all.top >= 0 && all.right <= w && all.bottom <= h) { return; }
      var wanted = state.scale * Math.min((w - 2 * margin) / (all.right - all.left), (h - 2 * margin) / (all.bottom - all.top));
      if (wanted < state.scale && state.scale > readable) {
        scaleTo(Math.max(readable, wanted), (all.left + all.right) / 2, (all.top + all.bottom) / 2);
        all = around(elements);
      }
      var first = around([elements[0]]);
      state.x += shift(all.left, all.right, w, first.left, first.right);
      state.y += shift(all.top, all.bottom, h, first.top, first.bottom);
      apply();
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
    // Until the reader zooms or pans, a box that changes width (the notebook laid out after the
    // widget, a window resized, a side panel opened) shows the graph as it would have at first.
    // (A step can change the box's width too: a longer formula brings a scrollbar to the page.)
    var moved = false, shownWidth = box.clientWidth;
    var fitting = false;
    function resized() {
      fitting = true;  // once: fitting sets the box's height, which may change its width again
      shownWidth = box.clientWidth;
      try { fit(); } finally { fitting = false; }
    }
    fit();
    if (root.ResizeObserver) {
      new root.ResizeObserver(function () {
        if (moved || box.clientWidth === shownWidth || !box.isConnected) { return; }
        resized();
      }).observe(box);
    }
    return { zoom: zoom, fit: fit, follow: follow, state: state };
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
    drawnAs: drawnAs, focusElements: focusElements,
    viewport: viewport, legend: legend, SVG_NS: SVG_NS
  };
})(typeof globalThis !== "undefined" ? globalThis : window);
