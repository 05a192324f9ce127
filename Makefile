# stepgrad — every target creates or reuses .venv and installs what it needs.
#   make demo   the f = w·x + b walkthrough, the regularized neuron, a trained two-moons MLP
#   make test   all tests (deterministic hypothesis profile "ci")
#   make lint   ruff
#   make bench  the benchmark suite
#   make profile            where stepgrad's time goes on one workload (WORKLOAD=mlp, wxb or chain)
#   make notebooks          JupyterLab on the guided notebooks
#   make notebooks-execute  re-run the notebooks, storing their outputs (before committing them)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HYPOTHESIS_PROFILE ?= ci
export HYPOTHESIS_PROFILE

.PHONY: demo test lint bench profile notebooks notebooks-execute system-dot system-chromium system-latex clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# One stamp per set of extras; reinstalled when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[$(subst +,$(comma),$*)]'
	@touch $@
comma := ,

system-dot:
	@.ci/ensure-system-tool dot graphviz graphviz graphviz

system-chromium:
	@.ci/ensure-system-tool chromium "chromium chromium-driver" chromium chromium
	@.ci/ensure-system-tool chromedriver chromium-driver chromedriver chromedriver

# pdflatex, for the test that compiles `stepgrad worksheet`'s .tex files (LaTeX's base packages only).
system-latex:
	@.ci/ensure-system-tool pdflatex texlive-latex-base "--cask basictex" texlive-core

demo: $(VENV)/.installed-train system-dot
	$(VENV)/bin/stepgrad wxb --out out/wxb
	$(VENV)/bin/stepgrad wxb --neuron --out out/neuron
	$(VENV)/bin/stepgrad train moons --out out/moons
	@echo
	@echo "Open out/wxb/player.html (or out/neuron/player.html) in a browser to step through backprop;"
	@echo "out/moons/boundary.png and out/moons/loss.png show the trained two-moons classifier."

test: $(VENV)/.installed-dev system-dot system-chromium system-latex
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The PyTorch baseline wants PyTorch's CPU build (pinned: a plain `pip install torch` may fetch a
# multi-GB CUDA build); `make bench BENCH_TORCH=` leaves it out. Without it the suite still runs.
BENCH_TORCH ?= torch==2.13.0
bench: $(VENV)/.installed-dev+bench
	@if [ -n "$(BENCH_TORCH)" ] && ! $(PY) -c "import torch" 2>/dev/null; then \
	  $(PY) -m pip install -q "$(BENCH_TORCH)" \
	  || echo "PyTorch baseline skipped: could not install $(BENCH_TORCH) (CPU build); the other engines run"; \
	fi
	$(PY) -m benchmarks --json out/bench.json --plot out/bench.png

WORKLOAD ?= mlp
profile: $(VENV)/.installed-dev+bench
	$(PY) -m benchmarks --profile $(WORKLOAD)

# JupyterLab refuses to run as root without --allow-root (containers, CI boxes).
notebooks: $(VENV)/.installed-notebooks system-dot
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

# Re-run every notebook and store its outputs in place, before committing notebook changes.
notebooks-execute: $(VENV)/.installed-dev system-dot
	$(PY) notebooks/execute.py

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .hypothesis
