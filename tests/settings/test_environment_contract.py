"""A team stack validates against its environment's stack file, and deploys against the
environment's deployed outputs: the two must be the same truth, or the team stack stops."""

from __future__ import annotations

import copy

import pytest

from mlopsctl.plan import plan_stack
from mlopsctl.plan.engine import PlanError, run_program, stack_config
from tests.conftest import PROJECT_ROOT


def _plan_against(exports: dict) -> None:
    references = {"dev": exports}
    run_program("fraud-dev", stack_config("fraud-dev"), PROJECT_ROOT, references)


def test_the_environment_exports_what_its_teams_validated_against():
    exports = plan_stack("dev").exports
    contract = exports["teamContract"]
    assert contract["accountId"] == exports["accountId"]
    assert contract["allowedGpuInstanceTypes"] == ["ml.g5.xlarge", "ml.g6.xlarge"]
    _plan_against(exports)  # the same truth: plans


def test_a_team_stack_refuses_an_environment_deployed_from_another_file():
    exports = copy.deepcopy(plan_stack("dev").exports)
    exports["teamContract"]["allowedGpuInstanceTypes"] = ["ml.p5.48xlarge"]
    with pytest.raises(PlanError, match="environment stack 'dev' as deployed differs"):
        _plan_against(exports)


def test_an_environment_deployed_before_the_contract_existed_is_named():
    exports = copy.deepcopy(plan_stack("dev").exports)
    del exports["teamContract"]
    with pytest.raises(PlanError, match="teamContract"):
        _plan_against(exports)
