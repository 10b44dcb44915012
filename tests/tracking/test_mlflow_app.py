"""Tracking kind `app`: a SageMaker MLflow App (serverless MLflow), fraud-dev's as shipped.

Allowed values come from botocore's SageMaker model (CreateMlflowApp), the ARN form from its
MlflowAppArn pattern, names from the stack file; permissions are judged by the project's
evaluator (mlopsctl/access/evaluator.py) against the planned documents.
"""

from __future__ import annotations

import re

import botocore.loaders
import pytest
import yaml

from mlopsctl.access.evaluator import evaluate
from mlopsctl.access.facts import facts_of
from mlopsctl.plan.engine import PlanError
from settings import ConfigError
from tests.conftest import PROJECT, plan_variant, policy_document

APP = "aws:sagemaker/mlflowApp:MlflowApp"
SERVER = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"
DOMAIN = "aws:sagemaker/domain:Domain"
SCHEDULE = "aws:scheduler/schedule:Schedule"
MODEL = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")["shapes"]
OTHER_APP = "arn:aws:sagemaker:eu-west-1:210987654321:mlflow-app/app-OTHERTEAM0001"


def _enum(shape: str) -> list[str]:
    return MODEL[shape]["enum"]


def _config(stack: str) -> dict:
    return yaml.safe_load(PROJECT.stack_path(stack).read_text())["config"]


def test_fraud_dev_tracks_in_an_mlflow_app_and_runs_no_server(plan):
    planned = plan("fraud-dev")
    (app,) = planned.of_type(APP)
    assert planned.of_type(SERVER) == []
    # Nothing to stop and start at night (the one schedule left is retraining's).
    assert [r.name for r in planned.of_type(SCHEDULE)] == ["retraining-schedule"]
    config = _config("fraud-dev")
    team, env = config["mlops:team"]["name"], config["mlops:environment"]
    assert app.inputs["name"] == f"mlops-{team}-{env}-mlflow"
    artifacts = planned.exports["buckets"]["artifacts"]
    assert app.inputs["artifactStoreUri"] == f"s3://{artifacts}/mlflow"
    assert app.inputs["modelRegistrationMode"] == "AutoModelRegistrationEnabled"
    assert app.inputs["modelRegistrationMode"] in _enum("ModelRegistrationMode")
    assert app.inputs["accountDefaultStatus"] == "DISABLED"
    assert app.inputs["accountDefaultStatus"] in _enum("AccountDefaultStatus")
    (domain,) = planned.of_type(DOMAIN)
    assert app.inputs["defaultDomainIdLists"] == [domain.id]
    arn = app.outputs["arn"]
    assert re.fullmatch(MODEL["MlflowAppArn"]["pattern"], arn)
    assert planned.exports["mlflowTrackingUri"] == arn
    assert app.protect is False


def test_the_app_role_reaches_only_its_artifacts_key_and_team_groups(plan):
    planned = plan("fraud-dev")
    (app,) = planned.of_type(APP)
    role = planned.one("aws:iam/role:Role", "tracking-app-role")
    assert app.inputs["roleArn"] == role.outputs["arn"]
    (trust,) = policy_document(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "210987654321"}}
    document = policy_document(
        planned.one("aws:iam/rolePolicy:RolePolicy", "tracking-app-policy").inputs["policy"]
    )
    bucket = f"arn:aws:s3:::{planned.exports['buckets']['artifacts']}"
    assert (
        evaluate([document], "s3:PutObject", f"{bucket}/mlflow/1/a/artifacts/m.pkl", {}) == "allow"
    )
    assert evaluate([document], "s3:PutObject", f"{bucket}/model-packages/x", {}) == "deny"
    group = "arn:aws:sagemaker:eu-west-1:210987654321:model-package-group/mlops-fraud-dev-m-1a2b3c"
    assert evaluate([document], "sagemaker:CreateModelPackageGroup", group, {}) == "allow"
    other = group.replace("fraud-dev", "churn-dev")
    assert evaluate([document], "sagemaker:CreateModelPackageGroup", other, {}) == "deny"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("data-scientist", "allow"), ("ml-engineer", "allow"), ("data-steward", "deny")],
)
def test_people_and_their_jobs_call_their_own_app_only(plan, persona, expected):
    planned = plan("fraud-dev")
    facts = facts_of(planned)
    app = planned.one(APP).outputs["arn"]
    for role in (facts.human_role(persona), facts.execution_role(persona)):
        assert role is not None
        documents = list(role.policies)
        assert evaluate(documents, "sagemaker:CallMlflowAppApi", app, {}) == expected
        assert evaluate(documents, "sagemaker:CallMlflowAppApi", OTHER_APP, {}) == "deny"


def test_the_retraining_pipeline_logs_to_the_app(plan):
    planned = plan("fraud-dev")
    facts = facts_of(planned)
    pipeline = planned.one("aws:sagemaker/pipeline:Pipeline")
    role = facts.role_by_arn(pipeline.inputs["roleArn"])
    assert role is not None
    app = planned.one(APP).outputs["arn"]
    assert evaluate(list(role.policies), "sagemaker:CallMlflowAppApi", app, {}) == "allow"
    assert str(planned.exports["mlflowTrackingUri"]) in pipeline.inputs["pipelineDefinition"]


def test_in_production_the_app_is_protected_and_retained():
    planned = plan_variant("fraud-prod", {"mlops:tracking": {"kind": "app", "size": None}})
    (app,) = planned.of_type(APP)
    assert app.protect is True and app.retain_on_delete is True


def test_an_environment_that_cannot_reach_the_app_host_is_named():
    hosts = ["git.internal.example.com", "mirror.internal.example.com"]
    with pytest.raises(PlanError) as raised:
        plan_variant("fraud-dev", {}, {"mlops:network": {"egress": {"hosts": hosts}}})
    cause = raised.value.__cause__
    assert isinstance(cause, ConfigError)
    message = str(cause)
    assert "mlops:tracking.kind = 'app'" in message
    assert "mlflow.sagemaker.eu-west-1.app.aws" in message and "'dev'" in message
    assert message.count("\n  - ") == 1, message
