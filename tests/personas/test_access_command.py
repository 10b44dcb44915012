"""`mlopsctl access <stack>`: the derived matrix as a table and as Markdown, for any stack."""

from __future__ import annotations

from pathlib import Path

from mlopsctl.cli import main
from mlopsctl.plan import plan_stack
from tests.onboarding.conftest import copy_project, mlopsctl


def test_access_prints_table_and_writes_markdown(tmp_path, capsys, derived):
    out = tmp_path / "fraud-prod.md"
    status = main(["access", "fraud-prod", "--markdown", str(out)])
    printed = " ".join(capsys.readouterr().out.split())  # rich wraps lines to the terminal
    matrix = derived("fraud-prod")
    wrong = [c for c in matrix.cells if matrix.evaluated(c) != c.expect]
    assert status == (1 if wrong else 0)
    assert "Access matrix: fraud-prod" in printed
    assert f"{len(matrix.cells)} cells:" in printed and f"{len(wrong)} mismatches" in printed
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| protect production")]
    assert len(rows) == sum(c.step == "protect production" for c in matrix.cells) >= 10
    artifact = next(c for c in matrix.cells if c.step == "protect production").resource
    assert f"`{artifact}`" in text
    assert text.count("(mismatch)") == len(wrong)


def test_access_unknown_stack_is_a_clear_error(capsys):
    assert main(["access", "nope"]) == 2
    assert "no stack file Pulumi.nope.yaml" in capsys.readouterr().err


def test_access_of_a_freshly_onboarded_team_names_its_planned_lab(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    onboard = ("onboard", "--team", "ledger", "--env", "dev")
    members = ("--member", "dana:data-scientist", "--member", "eve:ml-engineer")
    mlopsctl(*onboard, *members, project=project, check=True)
    markdown = tmp_path / "ledger.md"
    result = mlopsctl("access", "ledger-dev", "--markdown", str(markdown), project=project)
    # 1 only when a cell is judged otherwise than the intent (the other tests say which).
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Access matrix: ledger-dev" in result.stdout
    text = markdown.read_text()
    assert "peer: churn-dev; other environment: none" in text
    plan = plan_stack("ledger-dev", project_dir=project)
    domain = plan.exports["labDomainId"]
    for member, space in plan.exports["labSpaces"].items():
        assert f"user-profile/{domain}/{plan.exports['labUserProfiles'][member]}`" in text
        assert f"app/{domain}/{space}/jupyterlab/default`" in text
    assert {"dana", "eve"} == set(plan.exports["labUserProfiles"])
