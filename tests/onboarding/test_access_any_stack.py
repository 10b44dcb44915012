"""`mlopsctl access <stack>` for any team stack, one just onboarded included; environment stacks
are refused with the team stacks to ask about instead."""

from __future__ import annotations

import re
from pathlib import Path

from tests.onboarding.conftest import copy_project, mlopsctl


def test_access_of_a_freshly_onboarded_team_without_members_or_principals(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    mlopsctl("onboard", "--team", "payments", "--env", "dev", project=project, check=True)
    result = mlopsctl("access", "payments-dev", project=project)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = " ".join(result.stdout.split())  # rich wraps lines to the terminal
    assert "Access matrix: payments-dev" in printed
    cells = re.search(r"(\d+) cells: (\d+) allow", printed)
    assert cells is not None and int(cells.group(1)) > 0 and int(cells.group(2)) > 0
    assert "0 mismatches" in printed


def test_access_of_an_environment_stack_names_its_team_stacks():
    result = mlopsctl("access", "dev")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "'dev' is an environment stack" in line and "per team stack" in line
    for team_stack in ("churn-dev", "fraud-dev", "vision-dev"):
        assert team_stack in line
    assert "fraud-prod" not in line
