# Two commands for a newcomer: `make plan` (offline plan of a shipped stack) and `make test`.
# Both create .venv and install the pinned dependencies on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= fraud-dev
STAMP := $(VENV)/.stamp

.PHONY: plan test lint benchmark clean

# First use installs for a few minutes: each step says what it does, and pip shows its progress.
$(BIN)/python:
	@echo "==> creating $(VENV) with $(PYTHON) (first use only)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> installing pip and setuptools into $(VENV)"
	$(BIN)/pip install --progress-bar on --upgrade pip==25.3 setuptools==80.9.0

$(STAMP)-runtime: $(BIN)/python requirements/runtime.txt requirements/constraints.txt pyproject.toml
	@echo "==> installing the runtime dependencies (requirements/runtime.txt; a few minutes the first time)"
	$(BIN)/pip install --progress-bar on -r requirements/runtime.txt -c requirements/constraints.txt
	@echo "==> installing this project (editable) and the mlopsctl command"
	$(BIN)/pip install --progress-bar on --no-deps --no-build-isolation -e .
	@touch $@
	@echo "==> runtime ready"

$(STAMP)-dev: $(STAMP)-runtime requirements/dev.txt
	@echo "==> installing the development tools (requirements/dev.txt: pytest, ruff, pyright, ...)"
	$(BIN)/pip install --progress-bar on -r requirements/dev.txt -c requirements/constraints.txt
	@touch $@

# graphviz's `dot` renders `mlopsctl diagram` PNG/SVG (Debian package; CI runs as root).
$(STAMP)-system: | $(BIN)/python
	@command -v dot >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then echo "==> installing graphviz (apt-get) for diagram images"; \
	    apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; \
	  else echo "install graphviz (e.g. sudo apt-get install graphviz) for diagram images" >&2; exit 1; fi; }
	touch $@

plan: $(STAMP)-runtime  ## plan a shipped stack offline (STACK=fraud-dev by default)
	@echo "==> mlopsctl plan $(STACK) (offline)"
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
