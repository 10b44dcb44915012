"""The pack itself: loadable by the Pulumi CLI, self-contained, documented, configs coherent."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from mlopsctl.policy_runner import load_pack_config
from policies.registry import RULES, all_policies, policy_names
from settings import Project, read_stack_file
from tests.conftest import ENVIRONMENT_STACKS, PROJECT_ROOT

PROJECT = Project.at(PROJECT_ROOT)
PACK = PROJECT_ROOT / "policies"


def test_pack_files_are_what_the_cli_loads() -> None:
    manifest = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"] == "python" and manifest["version"]
    requirements = (PACK / "requirements.txt").read_text()
    assert "pulumi-policy" in requirements and "parliament" in requirements
    main = ast.parse((PACK / "__main__.py").read_text())
    calls = [n.func.id for n in ast.walk(main) if isinstance(n, ast.Call) and hasattr(n.func, "id")]
    assert "PolicyPack" in calls


def test_policies_never_import_components() -> None:
    for path in PACK.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] in ("components", "mlopsctl") for n in names), path


def test_every_rule_is_named_described_and_has_a_remedy() -> None:
    names = policy_names()
    assert len(names) == len(set(names)) == len(RULES) >= 40
    for policy in all_policies():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", policy.name)
        info = RULES[policy.name]
        assert policy.description.startswith(f"[{info.severity.value.upper()}] ")
        assert len(info.remediation) > 20 and policy.enforcement_level is not None


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_shipped_pack_configs_load(environment: str) -> None:
    config = load_pack_config(PACK / "config" / f"{environment}.json")
    assert config["all"] == "mandatory"
    assert config["governance-production-protection"]["production"] is (environment == "prod")


@pytest.mark.parametrize("stack", ENVIRONMENT_STACKS)
def test_pack_allow_lists_match_the_environment_stack(stack: str) -> None:
    """The pack enforces the same instance-type allow-lists the environment stack declares."""
    stack_config = read_stack_file(PROJECT, stack).config
    governance = stack_config["mlops:governance"]
    pack = load_pack_config(PACK / "config" / f"{stack_config['mlops:environment']}.json")
    types = pack["cost-instance-type-allowed"]
    assert types["allowedInstanceTypes"] == governance["allowedInstanceTypes"]
    assert types["allowedGpuInstanceTypes"] == governance["allowedGpuInstanceTypes"]
    assert (
        pack["cost-gpu-instance-limit"]["maxGpuInstancesPerTeam"]
        == governance["maxGpuInstancesPerTeam"]
    )
    other = {
        read_stack_file(PROJECT, s).config["mlops:accountId"]
        for s in ENVIRONMENT_STACKS
        if s != stack
    }
    isolation = pack["governance-cross-environment-isolation"]["otherEnvironmentAccountIds"]
    assert other <= set(isolation)


def test_pack_module_is_not_started_on_import() -> None:
    """Rule modules import without starting the gRPC server (only __main__ builds the pack)."""
    assert Path(PACK / "registry.py").read_text().count("PolicyPack(") == 0


def _pack_imports() -> set[str]:
    """Top-level modules the pack's files import (absolute imports, any depth of the file)."""
    found: set[str] = set()
    for path in PACK.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"policies", "__future__"}


def test_the_pack_requirements_pin_every_library_it_imports() -> None:
    """A published pack's virtualenv is built from requirements.txt alone: each library the
    pack imports is pinned there, at the version the project itself pins."""
    distributions = metadata.packages_distributions()
    pins = dict(
        line.split("==", 1)
        for line in (PACK / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    pinned = {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins.items()}
    runtime = (PROJECT_ROOT / "requirements" / "constraints.txt").read_text().lower()
    for module in sorted(_pack_imports()):
        [dist, *_] = distributions[module]
        name = re.sub(r"[-_.]+", "-", dist).lower()
        assert name in pinned, f"the pack imports {module} ({dist}): pin it in requirements.txt"
        assert pinned[name] == metadata.version(dist), f"{dist} pinned {pinned[name]}"
        assert re.search(rf"^{re.escape(name)}=={re.escape(pinned[name])}$", runtime, re.M) or (
            re.search(rf"^{re.escape(dist.lower())}=={re.escape(pinned[name])}$", runtime, re.M)
        ), f"{dist}=={pinned[name]} differs from requirements/constraints.txt"
