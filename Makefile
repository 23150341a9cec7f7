# coopsim: two commands set everything up on a fresh machine.
#   make run    create .venv, install, run the TERA baseline, write out/tera/ (report.png ...)
#   make test   install the dev extras, run ruff, mypy and the whole test suite
# Other targets: make install, make lint, make bench, make clean.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SEED ?= 1

.PHONY: run test install install-dev lint typecheck pytest bench clean check-python

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

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check coopsim tests benchmarks
	$(BIN)/ruff format --check coopsim tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy coopsim

pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache .hypothesis
