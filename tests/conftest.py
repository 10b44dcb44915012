"""Shared fixtures: offline plans of the shipped stacks, and plans of modified configs."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from components.settings import available_stacks, read_stack_file
from mlopsctl.plan import Plan, plan_stack
from mlopsctl.plan.engine import stack_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_STACKS = available_stacks()
ENVIRONMENT_STACKS = [
    s for s in SHIPPED_STACKS if read_stack_file(s).get("mlops:layer") == "environment"
]
TEAM_STACKS = [s for s in SHIPPED_STACKS if read_stack_file(s).get("mlops:layer") == "team"]


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
