"""Shared fixtures: offline plans of the shipped stacks, and plans of modified configs."""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlopsctl.plan import Plan, plan_stack
from mlopsctl.plan.engine import stack_config, stack_files_fingerprint
from settings import Project, stack_layer
from settings.catalog import DEFAULT_INTERFACE_ENDPOINTS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project.at(PROJECT_ROOT)
# mlopsctl run by tests keeps its cache out of the user's: entries are keyed by their inputs,
# so test sessions may share it.
os.environ.setdefault(
    "MLOPSCTL_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"mlopsctl-tests-{os.getuid()}")
)
GIT_TIMEOUT_SECONDS = 120  # a hang guard only; `git ls-files` takes milliseconds


def shipped_stacks(project: Project = PROJECT) -> list[str]:
    """The stacks the project ships: its stack files tracked by git.

    A stack file someone added (an onboarded `Pulumi.ledger-dev.yaml` left in `stacks/`) is not
    shipped, so the suite never depends on it. Outside a git checkout (an unpacked release), or
    when git tracks none of them, every stack file in the stack config dir is shipped.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", "."],
            cwd=project.stacks_dir,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=GIT_TIMEOUT_SECONDS,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return project.stacks()
    on_disk = set(project.stacks())
    tracked = sorted(
        name[len("Pulumi.") : -len(".yaml")]
        for name in listed.split("\0")
        if name.startswith("Pulumi.") and name.endswith(".yaml")  # top level of the stack dir
    )
    return [s for s in tracked if s in on_disk] if tracked else sorted(on_disk)


SHIPPED_STACKS = shipped_stacks()
ENVIRONMENT_STACKS = [s for s in SHIPPED_STACKS if stack_layer(PROJECT, s) == "environment"]
TEAM_STACKS = [s for s in SHIPPED_STACKS if stack_layer(PROJECT, s) == "team"]


def deep_merge(base: Any, change: Any) -> Any:
    """Merge `change` into a copy of `base` (dicts recursively; None deletes a key)."""
    if not isinstance(base, dict) or not isinstance(change, dict):
        return copy.deepcopy(change)
    merged = copy.deepcopy(base)
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = deep_merge(merged.get(key), value)
    return merged


# The opt-in endpoint self-hosted MLflow needs in its environment (ECS fetches its secrets).
SECRETS_ENDPOINT = {
    "mlops:network": {"interfaceEndpoints": [*DEFAULT_INTERFACE_ENDPOINTS, "secretsmanager"]}
}
_PROJECT_COPIES: dict[str, Path] = {}


def project_with_environment(stack: str, changes: dict[str, Any]) -> Path:
    """A copy of the project whose environment stack `stack` has `changes` deep-merged into its
    file (team stacks read their environment's file), made once per session."""
    key = json.dumps([stack, changes], sort_keys=True)
    if key not in _PROJECT_COPIES:
        root = Path(tempfile.mkdtemp(prefix="mlops-env-variant-"))
        atexit.register(shutil.rmtree, root, True)
        for name in ("Pulumi.yaml", "__main__.py"):
            shutil.copy(PROJECT_ROOT / name, root / name)
        (root / "containers").symlink_to(PROJECT_ROOT / "containers")
        (root / "stacks").mkdir()
        for shipped in SHIPPED_STACKS:
            shutil.copy(PROJECT.stack_path(shipped), root / "stacks")
        path = root / "stacks" / f"Pulumi.{stack}.yaml"
        document = yaml.safe_load(path.read_text())
        document["config"] = deep_merge(document["config"], changes)
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        _PROJECT_COPIES[key] = root
    return _PROJECT_COPIES[key]


def plan_variant(
    stack: str, changes: dict[str, Any], environment: dict[str, Any] | None = None
) -> Plan:
    """Plan `stack` with `changes` deep-merged into its config (None removes a key); with
    `environment`, against its environment stack changed so (a project copy)."""
    project = PROJECT_ROOT
    if environment:
        env_stack = stack_config(stack)["mlops:team"]["environmentStack"]
        project = project_with_environment(env_stack, environment)
    config = stack_config(stack, project)
    overrides = {
        key: deep_merge(config.get(key), value) if value is not None else None
        for key, value in changes.items()
    }
    # The same variant is planned once per session while the stack files are unchanged (a plan
    # is a function of its config and the project's files); callers get their own copy, and a
    # failed plan is planned (and fails) again.
    key = json.dumps(
        [stack, str(project), overrides, stack_files_fingerprint(project)],
        sort_keys=True,
        default=str,
    )
    if key not in _VARIANT_PLANS:
        _VARIANT_PLANS[key] = plan_stack(stack, project_dir=project, overrides=overrides)
    return copy.deepcopy(_VARIANT_PLANS[key])


_VARIANT_PLANS: dict[str, Plan] = {}


# A team that has trained, approved and named a model version: the shipped stacks name none (a
# first `pulumi up` must need no model), so tests of what is served plan them with this.
SERVED = {"mlops:inference": {"model": {"version": 3}}}


def plan_served(stack: str, changes: dict[str, Any] | None = None) -> Plan:
    """Plan `stack` serving model package version 3 (plus `changes`)."""
    return plan_variant(stack, deep_merge(SERVED, changes or {}))


@pytest.fixture(scope="session")
def served() -> Callable[..., Plan]:
    """served("fraud-prod") -> the plan of a shipped stack that names a model version."""
    return plan_served


@pytest.fixture(scope="session")
def plan() -> Callable[[str], Plan]:
    """plan("fraud-dev") -> the offline plan of a shipped stack (cached per session)."""
    return plan_stack


@pytest.fixture
def plan_with() -> Callable[..., Plan]:
    """plan_with("fraud-dev", {"mlops:team": {"lifecycle": {...}}}) -> plan of a modified config.

    Object values are deep-merged into the stack's config; a None value removes the key.
    """

    return plan_variant


def policy_document(value: str | dict) -> dict:
    """A planned policy input as a dict (inputs hold JSON strings)."""
    return json.loads(value) if isinstance(value, str) else value
