"""What keeps a plan fast, checked for structure (never for time): the garbage collector is
paused only while a program runs, pulumi-aws service packages that load their modules lazily
bind exactly what their generated `__init__.py` binds, and the benchmark's lab variants."""

from __future__ import annotations

import gc
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsctl.plan import plan_stack
from mlopsctl.plan.engine import PlanError, stack_config
from mlopsctl.plan.speed import _service_index

ROOT = Path(__file__).resolve().parents[2]
MEMBER_NAME = re.compile(r"[a-z](-?[a-z0-9]){1,23}")


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "benchmark_plan", ROOT / "scripts/benchmark_plan.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("enabled", [True, False])
def test_a_plan_leaves_the_garbage_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        plan_stack("dev", overrides={"mlops:owner": "platform-lead@example.com"})
        assert gc.isenabled() is enabled
        with pytest.raises(PlanError):
            plan_stack("dev", overrides={"mlops:layer": "no-such-layer"})
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


DESCRIBE = """
import json, sys, types
{install}
import pulumi_aws
def describe(package):
    getattr(package, "_load", None)  # a lazy module loads on first attribute access
    out = {{}}
    for name in sorted(n for n in dir(package) if n != "__loader__"):
        value = getattr(package, name)
        if isinstance(value, types.ModuleType):
            out[name] = "module " + value.__name__
        else:
            out[name] = f"{{getattr(value, '__module__', '')}}.{{getattr(value, '__qualname__', '')}}"
    return out
print(json.dumps({{
    "names": {{s: describe(getattr(pulumi_aws, s)) for s in sys.argv[1:]}},
    "kinds": {{s: type(getattr(pulumi_aws, s)).__name__ for s in sys.argv[1:]}},
    # `get_key` names both a submodule and the function it exports: the function wins
    "get_key": type(pulumi_aws.kms.get_key).__name__,
}}))
"""
LAZY = "from mlopsctl.plan.speed import install_lazy_aws_services; install_lazy_aws_services()"


def _describe(install: str, services: list[str]) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", DESCRIBE.format(install=install), *services],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return json.loads(run.stdout)


def test_lazy_service_packages_bind_what_their_generated_init_binds():
    services = ["kms", "sns", "scheduler", "secretsmanager", "config"]
    lazy, eager = _describe(LAZY, services), _describe("", services)
    assert lazy["kinds"] == {
        **dict.fromkeys(services, "_LazyServicePackage"),
        "config": "_ExportableConfig",
    }
    assert eager["kinds"] == {**dict.fromkeys(services, "module"), "config": "_ExportableConfig"}
    assert lazy["names"] == eager["names"]
    assert len(lazy["names"]["kms"]) > 40
    assert lazy["get_key"] == eager["get_key"] == "function"


def test_a_service_package_other_than_the_generated_pattern_is_imported_as_usual(tmp_path):
    package = tmp_path / "svc"
    package.mkdir()
    (package / "thing.py").write_text("__all__ = ['Thing', 'ThingArgs']\nclass Thing: ...\n")
    init = package / "__init__.py"
    init.write_text("import typing\nfrom .thing import *\nfrom . import outputs\n")
    index = _service_index(init)
    assert index is not None and index.owner == {"Thing": "thing", "ThingArgs": "thing"}
    assert index.modules == {"thing", "outputs"}
    init.write_text("import typing\nfrom .thing import *\nTHING = 1\n")
    assert _service_index(init) is None
    init.write_text("from .thing import *\n")
    (package / "thing.py").write_text("__all__ = ['Thing'] + EXTRA\n")
    assert _service_index(init) is None


def test_the_benchmark_plans_a_team_with_as_many_valid_members_as_asked():
    lab = stack_config("fraud-dev")["mlops:lab"]
    shipped = lab["members"]
    variant = _benchmark().lab_with_members(lab, 50)
    members = variant["members"]
    assert len(members) == len({m["name"] for m in members}) == 50
    assert all(MEMBER_NAME.fullmatch(m["name"]) for m in members)
    assert [m["persona"] for m in members[: len(shipped)]] == [m["persona"] for m in shipped]
    assert {k: v for k, v in variant.items() if k != "members"} == {
        k: v for k, v in lab.items() if k != "members"
    }
    planned = plan_stack("fraud-dev", overrides={"mlops:lab": variant})
    profiles = planned.of_type("aws:sagemaker/userProfile:UserProfile")
    assert sorted(p.inputs["userProfileName"] for p in profiles) == sorted(
        m["name"] for m in members
    )
