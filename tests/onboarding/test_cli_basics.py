"""`mlopsctl --version`, `mlopsctl member list`, and the messages of a wrong stack or persona."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

import mlopsctl as package
from tests.conftest import PROJECT
from tests.onboarding.conftest import PROJECT_ROOT, mlopsctl


def _config(stack: str) -> dict:
    return yaml.safe_load(PROJECT.stack_path(stack).read_text())["config"]


def test_version_is_the_installed_distributions() -> None:
    result = mlopsctl("--version", check=True)
    assert result.stdout == f"mlopsctl {version(package.DISTRIBUTION)}\n"
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert package.__version__ == pyproject["version"]  # the fallback of an uninstalled tree
    assert pyproject["name"] == package.DISTRIBUTION


def test_member_list_prints_members_personas_and_instance_types() -> None:
    result = mlopsctl("member", "list", "fraud-dev", check=True)
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["name", "persona", "default", "instance", "type"]
    expected = [
        [m["name"], m["persona"], m.get("defaultInstanceType", "ml.t3.medium")]
        for m in _config("fraud-dev")["mlops:lab"]["members"]
    ]
    assert rows[1:] == expected


@pytest.mark.parametrize(
    "command", [["member", "list", "dev"], ["member", "add", "dev", "x:ml-engineer"]]
)
def test_members_of_an_environment_stack_name_its_team_stacks(command: list[str]) -> None:
    teams = sorted(
        s
        for s in PROJECT.stacks()
        if _config(s)["mlops:layer"] == "team"
        and _config(s)["mlops:team"]["environmentStack"] == "dev"
    )
    result = mlopsctl(*command)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: dev is an environment stack; members belong to team stacks: {', '.join(teams)}"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["plan", "fraud-deb"],
        ["pack-config", "fraud-deb"],
        ["cost", "fraud-deb"],
        ["access", "fraud-deb"],
        ["handbook", "fraud-deb"],
        ["diagram", "fraud-deb"],
        ["member", "list", "fraud-deb"],
        ["member", "add", "fraud-deb", "x:ml-engineer"],
    ],
)
def test_an_unknown_stack_gets_did_you_mean_and_the_known_stacks(command: list[str]) -> None:
    result = mlopsctl(*command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "stack 'fraud-deb'" in result.stderr
    assert "(did you mean 'fraud-dev'?)" in result.stderr
    assert f"known stacks: {', '.join(PROJECT.stacks())}" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("gus", "gus: no persona; allowed: gus:data-scientist, gus:ml-engineer, gus:data-steward"),
        (
            "gus:ml-enginer",
            "unknown persona 'ml-enginer' (did you mean 'ml-engineer'?); allowed: "
            "data-scientist, ml-engineer, data-steward",
        ),
    ],
)
def test_member_add_refuses_a_missing_or_unknown_persona(
    project: Path, member: str, message: str
) -> None:
    path = project / "stacks" / "Pulumi.fraud-dev.yaml"
    before = path.read_text()
    result = mlopsctl("member", "add", "fraud-dev", member, project=project)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert path.read_text() == before


def test_member_add_without_a_name_is_refused() -> None:
    result = mlopsctl("member", "add", "fraud-dev")
    assert result.returncode == 2
    assert "name a member, e.g. alice:data-scientist" in result.stderr
