// The notebook pages' math: MathJax 3 configured for Jupyter's $...$ and $$...$$, then loaded from
// the copy vendored next to this file (vendor/mathjax, `make docs-assets`): nothing from the network.
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  svg: { fontCache: "global" },
};
(function () {
  const script = document.createElement("script");
  script.src = new URL("vendor/mathjax/tex-svg-full.js", document.currentScript.src).href;
  script.async = true;
  document.head.appendChild(script);
})();
