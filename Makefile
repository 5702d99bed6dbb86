# postaudit developer tasks. `make demo` and `make test` are the README's two commands.
#   make demo   runtime dependencies only (pip install -e .), then `postaudit demo`
#   make test   dev extras too (pip install -e '.[dev]'), then lint + types + tests
# Installing needs a package index (the network); the demo and the tests do not.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
# stamps: which install the venv has had (runtime only, or with the dev extras)
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: demo test lint pytest format bench profile docs clean check-python

# One clear line when $(PYTHON) is older than requires-python (read from pyproject.toml).
check-python:
	@$(PYTHON) scripts/check_python.py

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(RUNTIME)

# the name the rest of the team sets up with: the dev install
$(BIN)/postaudit: $(DEV)
	@touch $@

demo: check-python $(RUNTIME)
	$(BIN)/postaudit demo

test: check-python $(DEV) lint pytest

lint: $(DEV)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy

pytest: $(DEV)
	$(BIN)/pytest -q -p no:cacheprovider

format: $(DEV)
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

# Speed benchmark (not part of `make test`): generated blogs served on 127.0.0.1; prints the
# table and writes benchmarks/results.json. About 5-8 minutes on 2 cores.
bench: $(DEV)
	$(BIN)/python benchmarks/run.py

# Where a batch's CPU time goes, by stage (py-spy over every process; needs ptrace rights).
profile: $(DEV)
	$(BIN)/python benchmarks/profile_batch.py --theme light
	$(BIN)/python benchmarks/profile_batch.py --theme heavy
	$(BIN)/python benchmarks/profile_batch.py --theme real

# Regenerate docs/rules/ (one page per rule + the index) from the rule registry.
docs: $(RUNTIME)
	$(BIN)/python -m postaudit rules --write-docs docs/rules

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
