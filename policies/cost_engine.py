"""The cost model of `mlopsctl cost`, loaded for the budget rule without importing `mlopsctl`.

The pack imports nothing from the program or from `mlopsctl` (tests/policies/test_layout.py).
The cost model's pure part (`mlopsctl/cost/{core,pricer,extra,resources,free,lines,schedules}.py`
and `prices.yaml`: standard library and PyYAML only, relative imports) is loaded here from its
files, as a private package `_mlops_cost_engine`: one model and one price table for the CLI
and the pack, and no `mlopsctl` package, plan engine or settings on the pack's path.

What the pack needs: the directory `mlopsctl/cost/` next to `policies/` (so in the checkout,
and in the installed wheel, whose `mlopsctl.cost` package holds `prices.yaml`), and PyYAML,
which the `pulumi` SDK requires (so every pack virtualenv with `pulumi-policy` has it).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

ENGINE_DIR = Path(__file__).resolve().parent.parent / "mlopsctl" / "cost"
ENGINE_PACKAGE = "_mlops_cost_engine"


class CostEngineMissing(RuntimeError):
    """The pack runs without the cost model next to it."""


@cache
def _core() -> ModuleType:
    if ENGINE_PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            ENGINE_PACKAGE,
            ENGINE_DIR / "__init__.py",
            submodule_search_locations=[str(ENGINE_DIR)],
        )
        if spec is None or spec.loader is None or not (ENGINE_DIR / "core.py").is_file():
            raise CostEngineMissing(
                f"the cost model is not at {ENGINE_DIR} (the pack needs mlopsctl/cost/ next to "
                "policies/)"
            )
        package = importlib.util.module_from_spec(spec)
        sys.modules[ENGINE_PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{ENGINE_PACKAGE}.core")


def estimate_policy_resources(resources: Iterable[Any]) -> Any:
    """`CostEstimate` of the resources of a `StackValidationArgs` (typical/idle USD a month)."""
    return _core().estimate_policy_resources(resources)
