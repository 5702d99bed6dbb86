# postaudit developer tasks. `make demo` and `make test` are the README's two commands.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint pytest format bench profile clean

$(BIN)/postaudit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(BIN)/postaudit
	$(BIN)/postaudit demo

test: $(BIN)/postaudit lint pytest

lint: $(BIN)/postaudit
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy

pytest: $(BIN)/postaudit
	$(BIN)/pytest -q -p no:cacheprovider

format: $(BIN)/postaudit
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

# Speed benchmark (not part of `make test`): generated blogs served on 127.0.0.1; prints the
# table and writes benchmarks/results.json. About 5-8 minutes on 2 cores.
bench: $(BIN)/postaudit
	$(BIN)/python benchmarks/run.py

# Where a batch's CPU time goes, by stage (py-spy over every process; needs ptrace rights).
profile: $(BIN)/postaudit
	$(BIN)/python benchmarks/profile_batch.py --theme light
	$(BIN)/python benchmarks/profile_batch.py --theme heavy

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
