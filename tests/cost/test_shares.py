"""The environment's cost per team that shares it: `mlopsctl cost dev` splits it equally over
its team stacks; `mlopsctl cost fraud-dev` shows its share apart from the team's own total."""

from __future__ import annotations

import json

import pytest

from mlopsctl.cost import estimate
from mlopsctl.cost.shares import teams_sharing
from mlopsctl.plan import plan_stack
from settings.stack_files import read_stack_file
from tests.conftest import ENVIRONMENT_STACKS, PROJECT, TEAM_STACKS
from tests.onboarding.conftest import mlopsctl


@pytest.mark.parametrize("environment", ENVIRONMENT_STACKS)
def test_teams_sharing_are_the_team_stacks_naming_the_environment(environment: str) -> None:
    expected = [
        stack
        for stack in TEAM_STACKS
        if read_stack_file(PROJECT, stack).config["mlops:team"]["environmentStack"] == environment
    ]
    assert list(teams_sharing(PROJECT, environment)) == expected


def test_environment_command_prints_its_total_and_each_teams_share() -> None:
    result = mlopsctl("cost", "dev", "--json", check=True)
    data = json.loads(result.stdout)
    share = data["environmentShare"]
    teams = teams_sharing(PROJECT, "dev")
    assert share["teamStacks"] == list(teams) and len(teams) >= 2
    assert share["environmentIdleMonthlyUsd"] == data["idleMonthlyUsd"]
    assert share["perTeamIdleMonthlyUsd"] == pytest.approx(
        data["idleMonthlyUsd"] / len(teams), abs=0.01
    )
    text = mlopsctl("cost", "dev", check=True).stdout.replace("\n", " ")
    assert f"shared by {len(teams)} team stacks" in text
    assert f"{share['perTeamIdleMonthlyUsd']:,.2f} idle" in text


def test_team_command_prints_its_share_apart_from_its_total() -> None:
    data = json.loads(mlopsctl("cost", "fraud-dev", "--json", check=True).stdout)
    env = estimate(plan_stack("dev"))
    teams = teams_sharing(PROJECT, "dev")
    share = data["environmentShare"]
    assert share["environmentStack"] == "dev"
    assert share["perTeamIdleMonthlyUsd"] == pytest.approx(
        env.idle_monthly_usd / len(teams), abs=0.01
    )
    # The team's own total is not increased by the share.
    assert data["idleMonthlyUsd"] == pytest.approx(
        estimate(plan_stack("fraud-dev")).idle_monthly_usd, abs=0.01
    )
    text = mlopsctl("cost", "fraud-dev", check=True).stdout.replace("\n", " ")
    assert "share of environment dev (not in the total above" in " ".join(text.split())
