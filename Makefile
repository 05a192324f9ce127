# stepgrad — every target creates or reuses .venv and installs what it needs.
#   make demo   the f = w·x + b walkthrough, the regularized neuron, a trained two-moons MLP
#   make test   all tests (deterministic hypothesis profile "ci")
#   make lint   ruff
#   make build  compile the engine in place (Cython; done by every target that installs, and again
#               when its source changes); STEPGRAD_PURE_PYTHON=1 runs the pure-Python engine instead
#   make bench  the benchmark suite
#   make profile            where stepgrad's time goes on one workload (WORKLOAD=mlp, neuron, chain or transformer)
#   make notebooks          JupyterLab on the guided notebooks
#   make notebooks-execute  re-run the notebooks, storing their outputs (before committing them)
#   make docs               the documentation site in site/ (MkDocs, --strict), with the notebooks in the browser
#   make docs-lite          only the notebooks in the browser: JupyterLite on Pyodide, in site/lite (offline)
#   make docs-lite-test     build it and run notebooks 01, 02, 04 in headless Chromium, network off (also in make test)
#   make site-serve         the built site/ as static files at http://127.0.0.1:8000, as a teacher's host serves it
#   make docs-test          build it and load it in headless Chromium, network off (also in make test)
#   make docs-serve         the site at http://127.0.0.1:8000, rebuilt on every change (site/lite built once)
#   make docs-assets        refresh the site's vendored browser assets (docs/assets/vendor/) from npm
#   make package-check      build the sdist and wheel, check them, run every verb from fresh venvs
#   make assets             re-fetch the vendored browser assets (@viz-js/viz, KaTeX) from the npm registry
#   make screenshots        PNGs of the explorer, practice, players, a worksheet and the docs in out/screenshots
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LITE_VENV := .venv-lite
HYPOTHESIS_PROFILE ?= ci
export HYPOTHESIS_PROFILE
# Material for MkDocs prints a banner about its successor on every build; the build needs no reminder.
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test lint build bench profile notebooks notebooks-execute docs docs-lite docs-lite-test docs-test \
	docs-serve site-serve docs-assets package-check assets screenshots system-dot system-chromium system-latex \
	system-npm system-cc system-poppler clean

$(PY):
	@echo ">> creating $(VENV) with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip

# One stamp per set of extras; reinstalled when pyproject.toml or the version changes. Installing
# compiles the engine in place (setup.py; Cython is fetched as a build requirement).
$(VENV)/.installed-%: pyproject.toml autograd/__init__.py | $(PY) system-cc
	@echo ">> installing stepgrad into $(VENV) in editable mode, with the extras: $(subst +,$(comma),$*)"
	@$(PY) -m pip install -q -e '.[$(subst +,$(comma),$*)]'
	@$(PY) -c "import autograd.engine as e; print('>> engine:', e.ENGINE)"
	@touch $@ $(ENGINE_BUILT)
comma := ,

# The compiled engine: autograd/engine/ops.py and value.py compiled by Cython beside their source,
# rebuilt when that source changes (an edited value.py must not be shadowed by an old build).
ENGINE_SOURCES := setup.py autograd/engine/ops.py autograd/engine/value.py autograd/engine/value.pxd
ENGINE_BUILT := $(VENV)/.engine-built
$(ENGINE_BUILT): $(ENGINE_SOURCES) | $(PY) system-cc
	@echo ">> compiling the engine in place (Cython, setup.py)"
	@$(PY) -m pip install -q --no-deps -e .
	@$(PY) -c "import autograd.engine as e; print('>> engine:', e.ENGINE)"
	@touch $@
build: $(ENGINE_BUILT)

# A C compiler and Python's headers for the compiled engine (apt-get when root, else a note).
system-cc: | $(PY)
	@.ci/ensure-compiler $(PY)

system-dot:
	@.ci/ensure-system-tool dot graphviz graphviz graphviz

# npm fetches Pyodide for the browser site (docs/lite/build.py) and the vendored browser assets.
system-npm:
	@.ci/ensure-system-tool npm npm node nodejs

system-chromium:
	@.ci/ensure-system-tool chromium "chromium chromium-driver" chromium chromium
	@.ci/ensure-system-tool chromedriver chromium-driver chromedriver chromedriver

# pdflatex, for the test that compiles `stepgrad worksheet`'s .tex files (LaTeX's base packages only).
system-latex:
	@.ci/ensure-system-tool pdflatex texlive-latex-base "--cask basictex" texlive-core

# poppler-utils: pdftotext and pdfimages for the tests that read a compiled worksheet's pages,
# pdftoppm for `make screenshots`' pictures of worksheet pages.
system-poppler:
	@.ci/ensure-system-tool pdftoppm poppler-utils poppler poppler

# The f = w·x + b walkthrough is printed; the neuron's longer one goes to out/neuron/steps.txt.
demo: $(VENV)/.installed-train build system-dot
	@$(VENV)/bin/stepgrad wxb --out out/wxb
	@mkdir -p out/neuron
	@$(VENV)/bin/stepgrad wxb --neuron --out out/neuron > out/neuron/steps.txt
	@echo
	@$(VENV)/bin/stepgrad train moons --out out/moons
	@echo
	@echo "Done. Open in a browser or an image viewer:"
	@echo "  out/wxb/player.html      step through backprop on f = w·x + b (graph: out/wxb/graph.svg)"
	@echo "  out/neuron/player.html   the same for the regularized neuron (its steps: out/neuron/steps.txt)"
	@echo "  out/moons/boundary.png   the trained two-moons MLP's decision boundary"
	@echo "  out/moons/loss.png       its loss and accuracy per epoch (the model: out/moons/model.json)"

# The whole suite on the engine that is installed (compiled where a C compiler exists), then the
# engine's own tests (values, oracles, properties, replay, higher order) again on the pure-Python engine.
ENGINE_TESTS := tests/test_engine.py tests/test_closed_forms.py \
	tests/test_gradients_property.py tests/test_higher_order.py tests/test_replay.py tests/test_check.py \
	tests/test_micrograd_compat.py tests/test_define_op.py tests/test_attributes.py tests/test_threads.py \
	tests/test_chain_rule.py
test: $(VENV)/.installed-dev build $(LITE_VENV)/.installed system-dot system-chromium system-latex system-poppler \
	system-npm
	$(PY) -m pytest
	STEPGRAD_PURE_PYTHON=1 $(PY) -m pytest $(ENGINE_TESTS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The PyTorch baseline wants PyTorch's CPU build (pinned: a plain `pip install torch` may fetch a
# multi-GB CUDA build); `make bench BENCH_TORCH=` leaves it out. Without it the suite still runs.
BENCH_TORCH ?= torch==2.13.0
bench: $(VENV)/.installed-dev+bench build
	@if [ -n "$(BENCH_TORCH)" ] && ! $(PY) -c "import torch" 2>/dev/null; then \
	  $(PY) -m pip install -q "$(BENCH_TORCH)" \
	  || echo "PyTorch baseline skipped: could not install $(BENCH_TORCH) (CPU build); the other engines run"; \
	fi
	$(PY) -m benchmarks --json out/bench.json --plot out/bench.png
	$(PY) -m benchmarks.explorer

WORKLOAD ?= mlp
profile: $(VENV)/.installed-dev+bench build
	$(PY) -m benchmarks --profile $(WORKLOAD)

# JupyterLab refuses to run as root without --allow-root (containers, CI boxes).
notebooks: $(VENV)/.installed-notebooks system-dot
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

# Re-run every notebook and store its outputs in place, before committing notebook changes.
notebooks-execute: $(VENV)/.installed-dev system-dot
	$(PY) notebooks/execute.py

# The documentation site (mkdocs.yml, docs/). --strict: a broken link or reference fails the build.
# Then the notebooks in the browser inside it (site/lite; mkdocs build empties site/ first).
docs: $(VENV)/.installed-docs system-dot
	$(VENV)/bin/mkdocs build --strict --site-dir site
	@$(MAKE) --no-print-directory docs-lite

# The build tools of the browser site (the `lite` extra) live in a venv of their own: their
# JupyterLab extensions are exactly those the site carries. STEPGRAD_PURE_PYTHON=1: no compiled
# engine is built for them.
$(LITE_VENV)/.installed: pyproject.toml autograd/__init__.py
	@echo ">> installing the browser site's build tools (the lite extra) into $(LITE_VENV)"
	@$(PYTHON) -m venv $(LITE_VENV)
	@$(LITE_VENV)/bin/python -m pip install -q --upgrade pip
	@STEPGRAD_PURE_PYTHON=1 $(LITE_VENV)/bin/python -m pip install -q -e '.[lite]'
	@touch $@

# JupyterLite on Pyodide with notebooks 01, 02 and 04 (docs/lite/notebooks.json), from npm and PyPI
# only (downloads cached in ~/.cache/stepgrad/lite, or STEPGRAD_LITE_CACHE); nothing remote at run time.
docs-lite: $(LITE_VENV)/.installed system-npm
	STEPGRAD_PURE_PYTHON=1 $(LITE_VENV)/bin/python docs/lite/build.py site/lite

docs-lite-test: $(VENV)/.installed-dev $(LITE_VENV)/.installed system-chromium system-npm
	$(PY) -m pytest tests/test_lite_site.py

# What a teacher publishes: site/ as plain static files (python -m http.server; no rebuilds).
site-serve:
	@test -f site/lite/index.html || { echo "site/lite is missing: run make docs first"; exit 1; }
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory site 8000

docs-test: $(VENV)/.installed-dev system-chromium system-dot
	$(PY) -m pytest tests/test_docs_site.py

docs-serve: $(VENV)/.installed-docs docs-lite system-dot
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

# The site's browser assets, pinned, from the npm registry (the site loads nothing remote):
# MathJax for the notebooks' math, and the shim that lets search run from file:// pages.
docs-assets:
	.ci/vendor-npm mathjax 3.2.2 es5/tex-svg-full.js docs/assets/vendor/mathjax
	.ci/vendor-npm iframe-worker 1.0.4 shim/index.js docs/assets/vendor/iframe-worker

# What a student sees, as PNGs for a person to look at (tests/screenshots.py drives each view in
# headless Chromium as a person does): the explorer, practice, the players, worksheet pages, the docs.
screenshots: $(VENV)/.installed-dev system-dot system-chromium system-latex system-poppler
	$(PY) -m tests.screenshots out/screenshots

# sdist + wheel, twine check, then every verb from fresh venvs outside the checkout, per CPython.
package-check: $(VENV)/.installed-dev system-dot
	$(PY) .ci/packaging.py

# The browser assets, vendored as package data: pinned, from npm. The graph renderer (Graphviz
# in WebAssembly), and the explorer's formula typesetter, KaTeX: its script, its style sheet and
# its .woff2 fonts (graphview.katex_css() inlines them as data: URLs), with a SHA256SUMS file.
VIZ_VERSION := 3.31.0
VIZ_DIR := autograd/views/assets/viz
KATEX_VERSION := 0.19.1
KATEX_DIR := autograd/views/assets/katex
assets:
	@command -v npm >/dev/null || { echo "make assets needs npm: sudo apt-get install -y npm"; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd "$$tmp" && npm pack --silent "@viz-js/viz@$(VIZ_VERSION)" >/dev/null && tar xzf viz-js-viz-$(VIZ_VERSION).tgz) && \
	  cp "$$tmp/package/dist/viz-global.js" $(VIZ_DIR)/viz-global.js && \
	  sum=$$(sha256sum $(VIZ_DIR)/viz-global.js | cut -d' ' -f1) && \
	  sed -i -E "s/version \*\*[0-9.]+\*\*/version **$(VIZ_VERSION)**/; s/sha256: \`[0-9a-f]+\`/sha256: \`$$sum\`/" $(VIZ_DIR)/README.md && \
	  sed -i -E "s/@viz-js\/viz [0-9.]+ \(npm/@viz-js\/viz $(VIZ_VERSION) (npm/" $(VIZ_DIR)/LICENSE && \
	  echo "$(VIZ_DIR)/viz-global.js: @viz-js/viz $(VIZ_VERSION), sha256 $$sum"
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd "$$tmp" && npm pack --silent "katex@$(KATEX_VERSION)" >/dev/null && tar xzf katex-$(KATEX_VERSION).tgz) && \
	  rm -rf $(KATEX_DIR)/fonts && mkdir -p $(KATEX_DIR)/fonts && \
	  cp "$$tmp/package/dist/katex.min.js" "$$tmp/package/dist/katex.min.css" $(KATEX_DIR)/ && \
	  cp "$$tmp"/package/dist/fonts/*.woff2 $(KATEX_DIR)/fonts/ && \
	  { echo "katex.min.js, katex.min.css and fonts/*.woff2 are from KaTeX $(KATEX_VERSION) (npm registry), unchanged."; \
	    echo; cat "$$tmp/package/LICENSE"; } > $(KATEX_DIR)/LICENSE && \
	  (cd $(KATEX_DIR) && sha256sum katex.min.js katex.min.css fonts/*.woff2 > SHA256SUMS) && \
	  sed -i -E "s/version \*\*[0-9.]+\*\*/version **$(KATEX_VERSION)**/" $(KATEX_DIR)/README.md && \
	  echo "$(KATEX_DIR): KaTeX $(KATEX_VERSION), $$(ls $(KATEX_DIR)/fonts | wc -l) fonts, checksums in SHA256SUMS"

clean:
	rm -rf $(VENV) $(LITE_VENV) out build dist site *.egg-info .pytest_cache .hypothesis .cache
	rm -f autograd/engine/*.c autograd/engine/*.so
