"""Shared fixtures: offline plans of the shipped stacks, and plans of modified configs."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlopsctl.plan import Plan, plan_stack
from mlopsctl.plan.engine import stack_config
from settings import Project, stack_layer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project.at(PROJECT_ROOT)
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


@pytest.fixture(scope="session")
def plan() -> Callable[[str], Plan]:
    """plan("fraud-dev") -> the offline plan of a shipped stack (cached per session)."""
    return plan_stack


@pytest.fixture
def plan_with() -> Callable[..., Plan]:
    """plan_with("fraud-dev", {"mlops:team": {"lifecycle": {...}}}) -> plan of a modified config.

    Object values are deep-merged into the stack's config; a None value removes the key.
    """

    def run(stack: str, changes: dict[str, Any]) -> Plan:
        config = stack_config(stack)
        overrides = {
            key: deep_merge(config.get(key), value) if value is not None else None
            for key, value in changes.items()
        }
        return plan_stack(stack, overrides=overrides)

    return run


def policy_document(value: str | dict) -> dict:
    """A planned policy input as a dict (inputs hold JSON strings)."""
    return json.loads(value) if isinstance(value, str) else value
