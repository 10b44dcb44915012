"""`mlopsctl handbook <stack>`: the journey with this stack's values, from the offline plan (said
so at the top) or from real outputs, for the shipped team stacks and a freshly onboarded team."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from mlopsctl.plan import plan_stack
from tests.onboarding.conftest import copy_project, mlopsctl

BANNER = "**Offline plan, not the deployed stack.**"
STEPS = (
    "Sign in to the lab",
    "Clone the team's repository",
    "Build the conda environment",
    "Version the training data with DVC",
    "Log experiments to MLflow",
    "Build and push the pipeline image",
    "Start a retraining run",
    "Approve and serve a model",
    "Call the served model",
)
TEAMS = ("fraud", "churn", "vision", "payments")
FIXTURES = ("{scope}", "d-0123456789ab", "any-principal-of-the-account", "PEERTEAM")
STACKS = ("fraud-dev", "fraud-prod", "vision-dev", "payments-dev")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project copy with a freshly onboarded team (two members, nothing else configured)."""
    root = copy_project(tmp_path_factory.mktemp("handbook") / "project")
    members = ("--member", "alice:data-scientist", "--member", "bob:ml-engineer")
    mlopsctl("onboard", "--team", "payments", "--env", "dev", *members, project=root, check=True)
    return root


def _handbook(project: Path, stack: str, *extra: str) -> str:
    return mlopsctl("handbook", stack, *extra, project=project, check=True).stdout


def _in_order(text: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} missing or out of order"
        position = found + len(needle)


@pytest.mark.parametrize("stack", STACKS)
def test_offline_handbook_walks_the_journey_with_this_stacks_values(project: Path, stack: str):
    exports = plan_stack(stack, project_dir=project).exports
    text = _handbook(project, stack)
    assert text.startswith(f"# Team handbook: {exports['team']} ({exports['environment']})")
    assert BANNER in text
    assert f"pulumi stack output --json -s {stack} > out.json && mlopsctl handbook {stack}" in text
    if "labDomainId" in exports:
        assert exports["labDomainId"] in text.split("## Your journey")[0]  # named a placeholder
    for fixture in FIXTURES:
        assert fixture not in text
    for other in TEAMS:
        if other != exports["team"]:
            assert other not in text.lower(), other
    _in_order(text, [f"### {i}. {title}" for i, title in enumerate(STEPS, 1)])
    pipeline_url = exports["ecrRepositoryUrls"]["pipeline"]
    journey = [
        exports["labDomainId"],  # sign in (presigned URL, or the SSO portal)
        "dvc init",
        *exports["dvcRemoteCommands"],
        "dvc add data/01_raw/training.csv",
        "dvc push",
        f"MLFLOW_TRACKING_URI={exports['mlflowTrackingUri']}",
        "aws ecr get-login-password",
        f"docker push {pipeline_url}:",
    ]
    if "retrainingPipelineName" in exports:
        journey.append(f"--pipeline-name {exports['retrainingPipelineName']}")
    journey += [exports["modelPackageGroup"], f"mlopsctl model serve {stack} --latest-approved"]
    _in_order(text.split("## Your journey", 1)[1], journey)
    for bucket in exports["buckets"].values():
        assert f"s3://{bucket}" in text
    assert "No model is served yet" in text  # no shipped stack pins a served version


def test_handbook_of_the_onboarded_team_signs_in_its_members(project: Path):
    text = _handbook(project, "payments-dev")
    domain = plan_stack("payments-dev", project_dir=project).exports["labDomainId"]
    assert f"--domain-id {domain} --user-profile-name alice" in text
    assert "No code repository is configured" in text
    assert "conda env create -f environment.yml" in text
    assert "#### open studio" in text and "user-profile/" in text


def test_handbook_of_an_sso_lab_points_to_the_portal_and_clones_the_repository(project: Path):
    text = _handbook(project, "fraud-prod")
    assert "IAM Identity Center" in text and "create-presigned-domain-url" not in text
    assert "git clone https://git.internal.example.com/fraud/fraud-models.git" in text
    assert "conda env create -n fraud -f environment.yml" in text


def _real_outputs(exports: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The plan's exports with the made-up ids replaced, as `pulumi stack output --json`."""
    key_id = str(uuid.UUID(int=0x1234_5678_9ABC_4DEF_8123_456789ABCDEF))
    planned_key = exports["teamKmsKeyArn"]
    real = {
        exports["labDomainId"]: "d-realdomain01",
        planned_key: planned_key.rsplit("/", 1)[0] + "/" + key_id,
    }
    if ":mlflow-app/" in exports["mlflowTrackingUri"]:
        real[exports["mlflowTrackingUri"]] = exports["mlflowTrackingUri"].rsplit("/", 1)[0] + (
            "/app-REAL0000APP1"
        )
    text = json.dumps(exports)
    for planned, value in real.items():
        text = text.replace(planned, value)
    outputs = json.loads(text) | {"endpointName": "mlops-fraud-dev-endpoint-live"}
    return outputs, real


def test_handbook_from_real_outputs_has_no_banner_and_the_real_ids(project: Path, tmp_path: Path):
    exports = plan_stack("fraud-dev", project_dir=project).exports
    outputs, real = _real_outputs(exports)
    file = tmp_path / "out.json"
    file.write_text(json.dumps(outputs))
    text = _handbook(project, "fraud-dev", "--outputs", str(file))
    assert BANNER not in text and "from the stack outputs" in text
    for planned, value in real.items():
        assert value in text
        assert planned not in text  # also in the access cells derived from the plan
    assert "aws sagemaker-runtime invoke-endpoint" in text
    assert "--endpoint-name mlops-fraud-dev-endpoint-live" in text


def _error(project: Path, *args: str) -> str:
    result = mlopsctl("handbook", *args, project=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_outputs_errors_are_one_clear_line(project: Path, tmp_path: Path):
    exports = plan_stack("fraud-dev", project_dir=project).exports
    other = plan_stack("churn-dev", project_dir=project).exports
    files = {
        "not-json.json": "{not json",
        "list.json": "[1, 2]",
        "other-team.json": json.dumps(other),
        "environment.json": json.dumps({"layer": "environment", "environment": "dev"}),
        "partial.json": json.dumps({"team": "fraud", "environment": "dev", "region": "eu-west-1"}),
        "other-env.json": json.dumps(exports | {"environment": "prod"}),
    }
    for name, body in files.items():
        (tmp_path / name).write_text(body)
    expected = {
        "missing.json": "no such file",
        "not-json.json": "not JSON",
        "list.json": "JSON list",
        "other-team.json": "the outputs of team churn in dev",
        "environment.json": "layer 'environment', not 'team'",
        "partial.json": "missing layer, teamKmsKeyArn, buckets",
        "other-env.json": "team fraud in prod",
    }
    for name, message in expected.items():
        line = _error(project, "fraud-dev", "--outputs", str(tmp_path / name))
        assert message in line, line


def test_an_environment_stack_has_no_handbook(project: Path):
    line = _error(project, "dev")
    assert "environment stack" in line and "per team stack" in line
    assert "fraud-dev" in line and "payments-dev" in line
