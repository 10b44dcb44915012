"""`mlopsctl` works on the project in the current directory, or `--project DIR`: never on the
checkout it was installed from. Driven through the real console script on a copy of the project.
"""

from __future__ import annotations

import json

import yaml

from tests.onboarding.conftest import mlopsctl

ONBOARD = ("onboard", "--team", "ledger", "--env", "dev", "--member", "dana:data-scientist")


def _plan_json(result) -> dict:
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_commands_work_on_the_project_of_the_current_directory(project, untouched_checkout):
    onboarded = mlopsctl(*ONBOARD, cwd=project)
    assert onboarded.returncode == 0, onboarded.stdout + onboarded.stderr
    assert (project / "stacks" / "Pulumi.ledger-dev.yaml").is_file()

    # From a sub-directory of the copy: the nearest Pulumi.yaml above is the copy's.
    plan = _plan_json(mlopsctl("plan", "ledger-dev", "--json", "-", cwd=project / "stacks"))
    assert (plan["stack"], plan["exports"]["team"]) == ("ledger-dev", "ledger")
    profiles = [
        r["inputs"]["userProfileName"]
        for r in plan["resources"]
        if r["type"] == "aws:sagemaker/userProfile:UserProfile"
    ]
    assert profiles == ["dana"]

    added = mlopsctl("member", "add", "ledger-dev", "eve:ml-engineer", cwd=project)
    assert added.returncode == 0, added.stdout + added.stderr
    members = yaml.safe_load((project / "stacks" / "Pulumi.ledger-dev.yaml").read_text())
    assert [m["name"] for m in members["config"]["mlops:lab"]["members"]] == ["dana", "eve"]


def test_the_project_option_wins_over_the_current_directory(project, tmp_path, untouched_checkout):
    mlopsctl(*ONBOARD, project=project, cwd=tmp_path, check=True)
    # Run from inside the checkout: --project still names the copy.
    from_checkout = mlopsctl("--project", str(project), "plan", "ledger-dev", "--json", "-")
    assert _plan_json(from_checkout)["exports"]["team"] == "ledger"
    cost = mlopsctl("cost", "ledger-dev", "--json", project=project, cwd=tmp_path, check=True)
    assert json.loads(cost.stdout)["idleMonthlyUsd"] > 0


def test_a_team_stack_of_an_environment_only_the_copy_has(project, tmp_path, untouched_checkout):
    """The program reads the environment stack of the project planned, not the checkout's: an
    environment stack only the copy has, in an account no shipped stack uses."""
    stacks = project / "stacks"
    dev = (stacks / "Pulumi.dev.yaml").read_text()
    account = yaml.safe_load(dev)["config"]["mlops:accountId"]
    (stacks / "Pulumi.sandbox.yaml").write_text(dev.replace(account, "111122223333"))
    onboarded = mlopsctl(
        "onboard", "--team", "ledger", "--env", "sandbox", project=project, cwd=tmp_path
    )
    assert onboarded.returncode == 0, onboarded.stdout + onboarded.stderr
    written = yaml.safe_load((stacks / "Pulumi.ledger-sandbox.yaml").read_text())["config"]
    assert written["mlops:team"]["environmentStack"] == "sandbox"
    assert written["mlops:accountId"] == "111122223333"
    plan = _plan_json(mlopsctl("plan", "ledger-sandbox", "--json", "-", cwd=project))
    assert plan["exports"]["team"] == "ledger"
    assert plan["exports"]["buckets"]["dvc"].endswith("-111122223333")


def test_no_project_is_a_one_line_error_with_exit_2(tmp_path):
    result = mlopsctl("plan", "fraud-dev", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: no Pulumi.yaml of project 'mlops' in ")
    assert "--project DIR" in lines[0]

    wrong = mlopsctl("plan", "fraud-dev", project=tmp_path, cwd=tmp_path)
    assert wrong.returncode == 2
    assert wrong.stderr.strip().splitlines() == [
        f"error: --project {tmp_path}: {tmp_path.resolve() / 'Pulumi.yaml'}: "
        "no Pulumi project file here"
    ]


def test_another_pulumi_project_on_the_way_up_is_passed_over(project, tmp_path):
    """A program that reuses the components (its own Pulumi.yaml) inside the project."""
    example = project / "examples" / "reuse"
    example.mkdir(parents=True)
    (example / "Pulumi.yaml").write_text("name: reuse-example\nruntime: python\n")
    result = mlopsctl("access", "fraud-dev", cwd=example)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Access matrix: fraud-dev" in result.stdout

    refused = mlopsctl("access", "fraud-dev", project=example, cwd=tmp_path)
    assert refused.returncode == 2
    assert "is project 'reuse-example', not 'mlops'" in refused.stderr
