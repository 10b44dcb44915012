"""Every shipped stack plans with zero mandatory violations under its own derived pack config."""

from __future__ import annotations

import pytest

from tests.conftest import SHIPPED_STACKS, TEAM_STACKS, plan_served
from tests.policies.helpers import violations


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_has_no_mandatory_violation(stack: str, plan) -> None:
    found = [str(v) for v in violations(plan(stack)) if v.mandatory]
    assert found == []


@pytest.mark.parametrize("stack", TEAM_STACKS)
def test_a_shipped_team_stack_serving_a_version_has_no_mandatory_violation(stack: str) -> None:
    found = [str(v) for v in violations(plan_served(stack)) if v.mandatory]
    assert found == []
