# Two commands for a newcomer: `make plan` (offline plan of a shipped stack) and `make test`.
# Both create .venv and install the pinned dependencies on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= fraud-dev
STAMP := $(VENV)/.stamp

.PHONY: plan test lint benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3 setuptools==80.9.0

$(STAMP)-runtime: $(BIN)/python requirements/runtime.txt requirements/constraints.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/runtime.txt -c requirements/constraints.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(STAMP)-dev: $(STAMP)-runtime requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt -c requirements/constraints.txt
	touch $@

plan: $(STAMP)-runtime  ## plan a shipped stack offline (STACK=fraud-dev by default)
	$(BIN)/mlopsctl plan $(STACK)

test: $(STAMP)-dev  ## lint, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n 2

benchmark: $(STAMP)-runtime  ## time `mlopsctl plan` of a team stack (see README)
	$(BIN)/python scripts/benchmark_plan.py

clean:
	rm -rf $(VENV)
