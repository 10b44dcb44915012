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

# graphviz's `dot` renders `mlopsctl diagram` PNG/SVG (Debian package; CI runs as root).
$(STAMP)-system: | $(BIN)/python
	@command -v dot >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; \
	  else echo "install graphviz (e.g. sudo apt-get install graphviz) for diagram images" >&2; exit 1; fi; }
	touch $@

plan: $(STAMP)-runtime  ## plan a shipped stack offline (STACK=fraud-dev by default)
	$(BIN)/mlopsctl plan $(STACK)

test: $(STAMP)-dev $(STAMP)-system  ## lint, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYRIGHT_PYTHON_IGNORE_WARNINGS=1 $(BIN)/pyright
	$(BIN)/pytest -q -n 2 --timeout 300

benchmark: $(STAMP)-runtime  ## time `mlopsctl plan` of a team stack (see README)
	$(BIN)/python scripts/benchmark_plan.py

clean:
	rm -rf $(VENV)
