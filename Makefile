# coopsim: two commands set everything up on a fresh machine.
#   make run    create .venv, install, run the TERA baseline, write out/tera/ (report.png ...)
#   make test   install the dev extras, run ruff, mypy and the whole test suite (with the
#               notebooks and the docstring examples)
#   make notebooks   run every notebook in notebooks/ into out/notebooks/*.html, with figures
#   make jupyter     open the notebooks in Jupyter Lab (installs it into .venv the first time)
# Other targets: make ui (the facilitator page on http://127.0.0.1:8765), make install,
#   make lint, make bench, make clean.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SEED ?= 1

.PHONY: run test notebooks jupyter ui install install-dev lint typecheck pytest bench clean check-python browser

check-python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (v.major, v.minor) == (3, 11) else "coopsim needs Python 3.11 (found %d.%d at $(PYTHON)); install python3.11 or run: make PYTHON=/path/to/python3.11" % (v.major, v.minor))'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(BIN)/coopsim run tera --seed $(SEED) --out out/tera

# The notebooks run under the kernel found first on JUPYTER_PATH: the virtualenv's own
# python3 kernel, so that they import this coopsim whatever other kernels the user has.
NOTEBOOKS_OUT ?= out/notebooks
KERNELS := JUPYTER_PATH=$(CURDIR)/$(VENV)/share/jupyter
notebooks: $(VENV)/.installed-dev
	@mkdir -p $(NOTEBOOKS_OUT)
	$(KERNELS) $(BIN)/jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=600 \
	  --output-dir $(NOTEBOOKS_OUT) notebooks/*.ipynb
	@echo "The notebooks, run with their figures: open $(abspath $(NOTEBOOKS_OUT))/*.html in a web browser"

$(VENV)/.installed-notebooks: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	@touch $(VENV)/.installed $@

# Jupyter Lab serves the whole project (the notebooks link to docs/) and opens on notebooks/.
# Extra options: make jupyter JUPYTER_ARGS="--port 8890 --no-browser"
JUPYTER_ARGS ?=
jupyter: $(VENV)/.installed-notebooks
	$(KERNELS) $(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks $(JUPYTER_ARGS)

PORT ?= 8765
ui: $(VENV)/.installed
	$(BIN)/coopsim ui --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check coopsim tests benchmarks tools
	$(BIN)/ruff format --check coopsim tests benchmarks tools

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy coopsim

# The browser tests drive Debian's Chromium, at $(CHROMIUM) (make test CHROMIUM=/path,
# or COOPSIM_CHROMIUM=/path in the environment: the tests read COOPSIM_CHROMIUM, which
# 'make pytest' sets from CHROMIUM). Install it when we can (root with apt); otherwise say
# exactly what to install. With CI set (.ci/run sets CI=1), a test that lacks Chromium or
# the notebook kernel fails and any skip in tests/ counts as a failure; without CI, such
# a test is skipped, saying what to install.
CHROMIUM ?= $(or $(COOPSIM_CHROMIUM),/usr/bin/chromium)
browser:
	@if [ -x '$(CHROMIUM)' ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "The browser tests need Chromium at $(CHROMIUM). Install it with:"; \
	  echo "    sudo apt-get install chromium      (or: make test CHROMIUM=/path/to/chromium)"; \
	  echo "(they are skipped outside CI and fail in CI without it)"; \
	fi

pytest: $(VENV)/.installed-dev browser
	COOPSIM_CHROMIUM='$(CHROMIUM)' $(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_compare.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache .hypothesis
