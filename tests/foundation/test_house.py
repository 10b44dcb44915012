"""The house rules of ARCHITECTURE.md, checked on the source: sizes, one-way dependencies, one
reader of stack files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("components", "settings", "mlopsctl", "policies")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80
# The layers wire settings to components; every other component takes plain Args.
LAYER_MODULES = {"components.team", "components.environment"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    found["__main__"] = ROOT / "__main__.py"
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Project modules `name` imports, including those imported only for type checking."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in MODULES and t != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_no_source_file_is_over_400_lines():
    long = {n: len(p.read_text().splitlines()) for n, p in MODULES.items()}
    assert {n: c for n, c in long.items() if c > MAX_FILE_LINES} == {}


def test_no_function_is_over_80_lines():
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert long == []


def test_no_import_cycles():
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(GRAPH[node]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("settings", ("components", "mlopsctl", "policies")),
        ("policies", ("components", "settings", "mlopsctl")),
        ("components", ("mlopsctl", "policies")),
    ],
)
def test_dependencies_point_one_way(package, forbidden):
    wrong = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name == package or name.startswith(f"{package}.")
        for target in targets
        if target.split(".")[0] in forbidden
    ]
    assert wrong == []


def test_single_purpose_components_take_plain_args():
    """Only the layers know settings; components are reusable with plain values."""
    wrong = []
    for name, path in MODULES.items():
        if not name.startswith("components.") or name in LAYER_MODULES:
            continue
        text = path.read_text()
        if re.search(r"^\s*(from|import) (settings|pydantic)\b", text, re.M):
            wrong.append(name)
        if re.search(r"^\s*from components\.(config|settings)\b", text, re.M):
            wrong.append(name)
    assert wrong == []


def test_only_settings_reads_stack_files():
    readers = []
    for name, path in MODULES.items():
        if name.startswith("settings"):
            continue
        text = path.read_text()
        if re.search(r"Pulumi\.(\{|\*)|stackConfigDir|[\"']stacks[\"']", text):
            readers.append(name)
    assert readers == []
