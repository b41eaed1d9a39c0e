# Accord: `make demo` and `make test` work on a fresh machine (they create .venv).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# --no-compile: modules are byte-compiled when first imported (only those used), not all at
# install time (about 30 s of a fresh install)
PIPOPT := --disable-pip-version-check --quiet --no-compile

.PHONY: demo test lint bench install clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIPOPT) --upgrade pip

# Stamps record which extras are installed; they are redone when pyproject.toml changes.
$(VENV)/.stamp-base: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIPOPT) -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIPOPT) -e '.[test,dev]'
	touch $@ $(VENV)/.stamp-base

install: $(VENV)/.stamp-base

demo: $(VENV)/.stamp-base
	$(BIN)/accord demo

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# System packages for the PostgreSQL and browser tests (Debian; installs only what is missing).
system-deps:
	bash scripts/system-deps.sh

# The suite runs on every core (at most 4 workers; pytest-xdist), each worker with its own
# PostgreSQL cluster, test server and Chromium; `pytest` alone runs it in one process.
test: $(VENV)/.stamp-test system-deps lint
	$(BIN)/pytest -n auto --maxprocesses 4 --dist worksteal

# Every benchmark, each beside its reference measured in the same run (about 15 minutes).
bench: $(VENV)/.stamp-test system-deps
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_evaluate.py
	$(BIN)/python benchmarks/bench_solve.py
	$(BIN)/python benchmarks/bench_negotiate.py
	$(BIN)/python benchmarks/bench_service.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis accord-report.html
