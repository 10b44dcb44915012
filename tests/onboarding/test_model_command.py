"""`mlopsctl model versions|serve`: in-process (`cli.main`) on a project copy, AWS in moto.

The registry holds three versions of the stack's group: 1 Approved, 2 Rejected, 3 pending.
Model package ARNs in assertions follow AWS's documented form
(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>), written out here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError
from moto import mock_aws

from mlopsctl import cli
from mlopsctl.commands import model
from mlopsctl.plan import Plan, PlannedResource, plan_stack
from settings import ConfigError

REGION = "eu-west-1"
ACCOUNTS = {"fraud-dev": "210987654321", "fraud-prod": "345678901234"}
# The lead's contract: <prefix>-<team>-<env>-<retraining.registeredModelName>.
GROUPS = {s: f"mlops-{s}-fraud-classifier" for s in ACCOUNTS}
STATUSES = ["Approved", "Rejected", "PendingManualApproval"]  # versions 1, 2, 3
VERSION_KEY = ("mlops:inference", "model", "version")


def _group_resource(name: str) -> PlannedResource:
    return PlannedResource(
        type=model.GROUP_TYPE,
        name="registry",
        urn=f"urn:pulumi:s::mlops::{model.GROUP_TYPE}::registry",
        parent="",
        custom=True,
        provider="",
        dependencies=[],
        property_dependencies={},
        protect=False,
        retain_on_delete=False,
        inputs={"modelPackageGroupName": name},
    )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Moto, with test credentials and nothing of the user's AWS config."""
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SAGEMAKER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    with mock_aws():
        yield


def _registry(monkeypatch: pytest.MonkeyPatch, stack: str, *, packages: bool = True) -> str:
    """The stack's account in moto, its group and (unless told) versions 1-3; the group."""
    monkeypatch.setenv("MOTO_ACCOUNT_ID", ACCOUNTS[stack])
    if not packages:
        return GROUPS[stack]
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUPS[stack])
    image = f"{ACCOUNTS[stack]}.dkr.ecr.{REGION}.amazonaws.com/mlops-{stack}/inference:v1"
    for status in STATUSES:
        sagemaker.create_model_package(
            ModelPackageGroupName=GROUPS[stack],
            ModelApprovalStatus=status,
            InferenceSpecification={
                "Containers": [{"Image": image, "ModelDataUrl": "s3://bucket/model.tar.gz"}],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            },
        )
    return GROUPS[stack]


def _mlopsctl(project: Path, *args: str) -> int:
    return cli.main(["--project", str(project), "model", *args])


def _served(project: Path, stack: str) -> object:
    value = yaml.safe_load((project / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    for key in VERSION_KEY:
        value = (value or {}).get(key)
    return value


def _top_level_comments(text: str) -> list[tuple[str, str]]:
    """Each comment above a `config:` key, with the key line it stands above."""
    lines = text.splitlines()
    anchored = []
    for i, line in enumerate(lines):
        if line.startswith("  #"):
            below = next(x for x in lines[i + 1 :] if not x.lstrip().startswith("#"))
            anchored.append((line, below))
    return anchored


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


# -- the planned group --------------------------------------------------------------------------


def test_planned_group_is_read_from_a_plan_or_its_json() -> None:
    plan = Plan("fraud-dev", "mlops", {}, [_group_resource("mlops-fraud-dev-fraud-classifier")], {})
    assert model.planned_model_package_group(plan) == "mlops-fraud-dev-fraud-classifier"
    as_json = plan.to_json()
    assert model.planned_model_package_group(as_json) == "mlops-fraud-dev-fraud-classifier"
    for resources in ([], [_group_resource("a"), _group_resource("b")]):
        with pytest.raises(ConfigError, match="model package groups"):
            model.planned_model_package_group(Plan("fraud-dev", "mlops", {}, resources, {}))


def test_the_shipped_team_stacks_plan_their_registry_group() -> None:
    for stack, group in GROUPS.items():
        assert model.planned_model_package_group(plan_stack(stack)) == group


# -- versions -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("aws")
def test_versions_lists_every_version_with_its_status(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    group = _registry(monkeypatch, "fraud-dev")
    assert _mlopsctl(project, "versions", "fraud-dev") == 0
    out = capsys.readouterr().out
    assert group in out and ACCOUNTS["fraud-dev"] in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert sorted(rows) == ["1", "2", "3"]
    for version, status in enumerate(STATUSES, start=1):
        assert status in rows[str(version)]
    assert "serves no version" in out

    assert _mlopsctl(project, "serve", "fraud-dev", "--latest-approved") == 0
    capsys.readouterr()
    assert _mlopsctl(project, "versions", "fraud-dev") == 0
    out = capsys.readouterr().out
    served = [line for line in out.splitlines() if "served" in line and "│" in line]
    assert len(served) == 1 and served[0].split("│")[1].strip() == "1"
    assert "fraud-dev serves version 1" in out


# -- serve --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("aws")
def test_serve_latest_approved_pins_version_1_and_the_file_plans(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    untouched_checkout: None,
) -> None:
    group = _registry(monkeypatch, "fraud-dev")
    path = project / "stacks" / "Pulumi.fraud-dev.yaml"
    before = path.read_text()
    assert _mlopsctl(project, "serve", "fraud-dev", "--latest-approved") == 0
    out = capsys.readouterr().out
    assert _served(project, "fraud-dev") == 1
    after = path.read_text()
    comments = [line.strip() for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in after for c in comments)
    assert _top_level_comments(after) == _top_level_comments(before)
    arn = f"arn:aws:sagemaker:eu-west-1:210987654321:model-package/{group}/1"
    assert arn in out
    assert "pulumi up --stack fraud-dev" in out and "blue/green" in out
    plan = plan_stack("fraud-dev", project_dir=project)
    # the program derives the package ARN from the pinned version
    assert arn in repr([r.inputs for r in plan.resources])


@pytest.mark.usefixtures("aws")
def test_serve_refuses_a_pending_version_in_production_even_when_allowed(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _registry(monkeypatch, "fraud-prod")
    path = project / "stacks" / "Pulumi.fraud-prod.yaml"
    before = path.read_text()
    for extra in ([], ["--allow-unapproved"]):
        assert _mlopsctl(project, "serve", "fraud-prod", "--version", "3", *extra) == 2
        err = _one_line_error(capsys)
        assert "fraud-prod" in err and "version 3" in err and "PendingManualApproval" in err
        assert "refused in production" in err and "approved: 1" in err
    assert path.read_text() == before


@pytest.mark.usefixtures("aws")
def test_serve_pending_version_outside_production_needs_allow_unapproved(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _registry(monkeypatch, "fraud-dev")
    path = project / "stacks" / "Pulumi.fraud-dev.yaml"
    before = path.read_text()
    assert _mlopsctl(project, "serve", "fraud-dev", "--version", "3") == 2
    err = _one_line_error(capsys)
    assert "PendingManualApproval" in err and "--allow-unapproved" in err
    assert path.read_text() == before
    assert _mlopsctl(project, "serve", "fraud-dev", "--version", "3", "--allow-unapproved") == 0
    assert _served(project, "fraud-dev") == 3


@pytest.mark.usefixtures("aws")
def test_serve_an_unknown_version_names_the_versions_that_exist(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _registry(monkeypatch, "fraud-dev")
    before = (project / "stacks" / "Pulumi.fraud-dev.yaml").read_text()
    assert _mlopsctl(project, "serve", "fraud-dev", "--version", "9") == 2
    err = _one_line_error(capsys)
    assert "--version 9" in err
    assert "1 (Approved)" in err and "2 (Rejected)" in err and "3 (PendingManualApproval)" in err
    assert (project / "stacks" / "Pulumi.fraud-dev.yaml").read_text() == before


@pytest.mark.usefixtures("aws")
def test_serve_rolls_the_file_back_when_the_check_fails(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _registry(monkeypatch, "fraud-dev")
    path = project / "stacks" / "Pulumi.fraud-dev.yaml"
    before = path.read_text()
    written = []

    def failing_check(stack: str, project_: object, console: object) -> None:
        written.append(path.read_text())
        raise ConfigError(f"stack '{stack}': mandatory policy violations: (test)")

    monkeypatch.setattr(model, "check_stack", failing_check)
    assert _mlopsctl(project, "serve", "fraud-dev", "--version", "1") == 2
    assert "mandatory policy violations" in capsys.readouterr().err
    assert yaml.safe_load(written[0])["config"]["mlops:inference"]["model"]["version"] == 1
    assert path.read_text() == before


# -- errors: one line, exit 2 ------------------------------------------------------------------


def test_no_credentials_is_one_line(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert _mlopsctl(project, "versions", "fraud-dev") == 2
    err = _one_line_error(capsys)
    assert "no AWS credentials" in err and "210987654321" in err


@pytest.mark.usefixtures("aws")
def test_unknown_group_is_one_line(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    group = _registry(monkeypatch, "fraud-dev", packages=False)
    assert _mlopsctl(project, "serve", "fraud-dev", "--latest-approved") == 2
    err = _one_line_error(capsys)
    assert f"'{group}' does not exist" in err and "pulumi up --stack fraud-dev" in err


@pytest.mark.usefixtures("aws")
def test_credentials_of_another_account_are_refused(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _registry(monkeypatch, "fraud-dev")
    monkeypatch.setenv("MOTO_ACCOUNT_ID", ACCOUNTS["fraud-prod"])
    assert _mlopsctl(project, "versions", "fraud-dev") == 2
    err = _one_line_error(capsys)
    assert "account 210987654321" in err and "account 345678901234" in err


def test_unreachable_endpoint_is_one_line(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: refused
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    assert _mlopsctl(project, "versions", "fraud-dev") == 2
    err = _one_line_error(capsys)
    assert "127.0.0.1:9" in err


def test_access_denied_is_one_line() -> None:
    target = model.Target("fraud-dev", REGION, "210987654321", "g", False, "sagemaker", None)
    denied = {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}
    with pytest.raises(ConfigError) as raised, model.aws_errors(target, "listing versions"):
        raise ClientError(denied, "ListModelPackages")
    message = str(raised.value)
    assert message.count("\n") == 0
    assert "listing versions" in message and "AccessDeniedException: not authorized" in message


def test_an_environment_stack_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _mlopsctl(project, "versions", "dev") == 2
    err = _one_line_error(capsys)
    assert "'dev' is an environment stack" in err and "fraud-dev" in err
