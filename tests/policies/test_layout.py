"""How the pack is laid out: one rule family per module of `policies/rules/`, type tokens only
in `policies/resource_types.py`, and no import of the program (`components`, `settings`) or of
`mlopsctl`: policies judge planned resources, not the code that made them."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from policies.registry import FAMILIES, all_policies, family_name, family_of
from tests.conftest import PROJECT_ROOT

PACK = PROJECT_ROOT / "policies"
FORBIDDEN = ("components", "settings", "mlopsctl")
# `pkg:module/path:Type`, as pulumi-aws and pulumi-kubernetes spell resource types.
TYPE_TOKEN = re.compile(r"[a-z0-9-]+:[a-z0-9.-]+/[A-Za-z0-9./-]*:[A-Z][A-Za-z0-9]*")
MODULES = sorted(PACK.rglob("*.py"))


def _imported(tree: ast.AST) -> list[str]:
    """Every module name an `import`, `from ... import` or `import_module("...")` names."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module or "")
        elif isinstance(node, ast.Call) and (
            getattr(node.func, "attr", None) == "import_module"
            or getattr(node.func, "id", None) in ("import_module", "__import__")
        ):
            names += [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACK)))
def test_policies_never_import_components_or_settings(path: Path) -> None:
    imported = _imported(ast.parse(path.read_text()))
    assert not [n for n in imported if n.split(".")[0] in FORBIDDEN], path


def test_the_import_check_sees_every_form() -> None:
    code = "import components.x\nfrom settings import y\nimportlib.import_module('mlopsctl')"
    assert [n.split(".")[0] for n in _imported(ast.parse(code))] == list(FORBIDDEN)


def test_type_tokens_are_written_only_in_the_resource_types_module() -> None:
    found = {}
    for path in MODULES:
        # The cost model is a price table keyed by type token (data, not rules naming subjects).
        if path.name == "resource_types.py" or "cost_model" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            literal = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if literal and TYPE_TOKEN.fullmatch(node.value):
                found.setdefault(str(path.relative_to(PACK)), []).append(node.value)
    assert found == {}, "use a constant of policies/resource_types.py instead"


def test_no_pack_module_shadows_the_standard_library() -> None:
    """The CLI runs `__main__.py` with `policies/` first on sys.path: a `policies/selectors.py`
    would replace the stdlib `selectors` that asyncio and grpc import."""
    names = {p.stem for p in MODULES} | {p.name for p in PACK.iterdir() if p.is_dir()}
    assert sorted(names & set(sys.stdlib_module_names)) == []


def test_every_rule_module_is_a_registered_family() -> None:
    on_disk = {p.stem for p in (PACK / "rules").glob("*.py") if p.stem != "__init__"}
    assert on_disk == {family_name(m) for m in FAMILIES}
    for module in FAMILIES:
        assert module.__doc__ and module.POLICIES, module.__name__


def test_every_policy_belongs_to_one_family() -> None:
    names = [p.name for m in FAMILIES for p in m.POLICIES]
    assert names == [p.name for p in all_policies()] and len(names) == len(set(names))
    assert family_of("s3-tls-only") == "s3" and family_of("k8s-no-host-path") == "kubernetes"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACK)))
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 400
