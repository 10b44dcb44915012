"""Planned tracking resources: the managed SageMaker MLflow tracking server (fraud-prod, and
fraud-dev as it was before it moved to an MLflow App), and self-hosted. The MLflow App (kind
`app`, fraud-dev's) is in test_mlflow_app.py."""

from __future__ import annotations

import fnmatch
import json

import pytest

from mlopsctl.plan.engine import PlanError
from settings import ConfigError
from tests.conftest import SECRETS_ENDPOINT, policy_document

SERVER = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"
SCHEDULE = "aws:scheduler/schedule:Schedule"
SCHEDULER_TARGET = "arn:aws:scheduler:::aws-sdk:sagemaker:{}MlflowTrackingServer"
CERT = "arn:aws:acm:eu-west-1:210987654321:certificate/0e6d2f6a-1111-2222-3333-444455556666"
SELF_HOSTED = {"mlops:tracking": {"kind": "self-hosted", "selfHosted": {"certificateArn": CERT}}}
SELF_HOSTED_NO_HOURS = {
    "mlops:tracking": {**SELF_HOSTED["mlops:tracking"], "workingHours": {"enabled": None}}
}
# fraud-dev on a managed tracking server, stopped outside Dublin working hours.
MANAGED = {
    "mlops:tracking": {
        "kind": "sagemaker",
        "size": "Small",
        "mlflowVersion": "3.0",
        "workingHours": {
            "start": "cron(0 7 ? * MON-FRI *)",
            "stop": "cron(0 20 ? * MON-FRI *)",
            "timezone": "Europe/Dublin",
        },
    }
}


def managed(plan, plan_with, stack: str, changes: dict | None = None):
    """`stack` on a managed tracking server: fraud-prod as shipped, fraud-dev switched."""
    if stack == "fraud-prod" and not changes:
        return plan(stack)
    merged = {"mlops:tracking": {**MANAGED["mlops:tracking"], **(changes or {})}}
    return plan_with(stack, merged if stack == "fraud-dev" else {"mlops:tracking": changes})


def actions(statement: dict) -> list[str]:
    value = statement["Action"]
    return [value] if isinstance(value, str) else value


def resources(statement: dict) -> list[str]:
    value = statement["Resource"]
    return [value] if isinstance(value, str) else value


@pytest.mark.parametrize(("stack", "size"), [("fraud-dev", "Small"), ("fraud-prod", "Medium")])
def test_managed_server_uses_team_bucket_exact_version_and_registration(
    plan, plan_with, stack, size
):
    planned = managed(plan, plan_with, stack)
    server = planned.one(SERVER)
    artifacts = planned.exports["buckets"]["artifacts"]
    assert server.inputs["artifactStoreUri"] == f"s3://{artifacts}/mlflow"
    assert server.inputs["trackingServerName"] == f"mlops-fraud-{stack.split('-')[1]}-mlflow"
    # major.minor, as the stack file writes it and the provider reads it back (a patch-level
    # version would replace the server on every update: hashicorp/terraform-provider-aws#42276)
    assert server.inputs["mlflowVersion"] == "3.0"
    assert server.inputs["trackingServerSize"] == size
    assert server.inputs["automaticModelRegistration"] is True
    assert server.protect == (stack == "fraud-prod")
    assert planned.exports["mlflowTrackingUri"] == server.outputs["arn"]
    assert planned.exports["mlflowEnvironment"] == {
        "MLFLOW_TRACKING_URI": server.outputs["arn"],
        "AWS_REGION": "eu-west-1",
    }


def test_managed_server_role_is_scoped_to_artifacts_prefix_and_team_key(plan, plan_with):
    planned = managed(plan, plan_with, "fraud-dev")
    role = planned.one("aws:iam/role:Role", "tracking-server-role")
    assert planned.one(SERVER).inputs["roleArn"] == role.outputs["arn"]
    trust = policy_document(role.inputs["assumeRolePolicy"])["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "sagemaker.amazonaws.com"}]
    policy = policy_document(
        planned.one("aws:iam/rolePolicy:RolePolicy", "tracking-server-policy").inputs["policy"]
    )
    bucket_arn = f"arn:aws:s3:::{planned.exports['buckets']['artifacts']}"
    allowed_resources = {
        bucket_arn,
        f"{bucket_arn}/mlflow/*",
        planned.exports["teamKmsKeyArn"],
        # the team's groups only (stacks/Pulumi.fraud-dev.yaml: prefix mlops, team fraud, dev)
        "arn:aws:sagemaker:eu-west-1:210987654321:model-package-group/mlops-fraud-dev-*",
        "arn:aws:sagemaker:eu-west-1:210987654321:model-package/mlops-fraud-dev-*/*",
    }
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert set(resources(statement)) <= allowed_resources, statement
        assert all(not a.endswith("*") for a in actions(statement)), statement
    writes = [s for s in policy["Statement"] if "s3:PutObject" in actions(s)]
    assert [resources(s) for s in writes] == [[f"{bucket_arn}/mlflow/*"]]
    assert any("sagemaker:AddTags" in actions(s) for s in policy["Statement"])
    other_team = "arn:aws:sagemaker:eu-west-1:210987654321:model-package/mlops-churn-dev-x/1"
    registry = [s for s in policy["Statement"] if "sagemaker:UpdateModelPackage" in actions(s)]
    assert registry
    assert not any(fnmatch.fnmatchcase(other_team, r) for s in registry for r in resources(s))


def test_registration_permissions_follow_the_switch(plan, plan_with):
    planned = managed(plan, plan_with, "fraud-dev", {"automaticModelRegistration": False})
    assert planned.one(SERVER).inputs["automaticModelRegistration"] is False
    policy = policy_document(
        planned.one("aws:iam/rolePolicy:RolePolicy", "tracking-server-policy").inputs["policy"]
    )
    assert not any(a.startswith("sagemaker:") for s in policy["Statement"] for a in actions(s))


def working_hours_schedules(planned) -> dict[str, dict]:
    """The tracking component's schedules by action (stop/start)."""
    return {
        r.name.removeprefix("tracking-").removesuffix("-schedule"): r.inputs
        for r in planned.of_type(SCHEDULE)
        if r.parent.endswith("mlops:tracking:Tracking::tracking")
    }


def test_dev_server_stops_and_starts_on_working_hours_with_a_least_privilege_role(plan, plan_with):
    planned = managed(plan, plan_with, "fraud-dev")
    server = planned.one(SERVER)
    name = server.inputs["trackingServerName"]
    role = planned.one("aws:iam/role:Role", "tracking-schedule-role")
    schedules = working_hours_schedules(planned)
    assert set(schedules) == {"stop", "start"}
    expressions = {"start": "cron(0 7 ? * MON-FRI *)", "stop": "cron(0 20 ? * MON-FRI *)"}
    for action, schedule in schedules.items():
        assert schedule["name"] == f"mlops-fraud-dev-mlflow-{action}"
        assert schedule["scheduleExpression"] == expressions[action]
        assert schedule["scheduleExpressionTimezone"] == "Europe/Dublin"
        assert schedule["flexibleTimeWindow"] == {"mode": "OFF"}
        target = schedule["target"]
        assert target["arn"] == SCHEDULER_TARGET.format(action)
        assert json.loads(target["input"]) == {"TrackingServerName": name}
        assert target["roleArn"] == role.outputs["arn"]

    [trust] = policy_document(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "210987654321"}}
    policy = policy_document(
        planned.one("aws:iam/rolePolicy:RolePolicy", "tracking-schedule-policy").inputs["policy"]
    )
    assert [(s["Effect"], actions(s), resources(s)) for s in policy["Statement"]] == [
        (
            "Allow",
            ["sagemaker:StartMlflowTrackingServer", "sagemaker:StopMlflowTrackingServer"],
            [server.outputs["arn"]],
        )
    ]
    # The role is attached to nothing else.
    users = {r.name for r in planned.resources if role.outputs["arn"] in json.dumps(r.inputs)}
    assert users == {"tracking-stop-schedule", "tracking-start-schedule"}


def test_working_hours_default_follows_production(plan, plan_with):
    assert working_hours_schedules(plan("fraud-prod")) == {}
    assert not any(r.name == "tracking-schedule-role" for r in plan("fraud-prod").resources)
    # Without the block, dev still gets them (UTC, the default hours); prod can opt in.
    dev = plan_with(
        "fraud-dev", {"mlops:tracking": {**MANAGED["mlops:tracking"], "workingHours": None}}
    )
    defaults = working_hours_schedules(dev)
    assert {a: s["scheduleExpressionTimezone"] for a, s in defaults.items()} == {
        "stop": "UTC",
        "start": "UTC",
    }
    opted_in = plan_with("fraud-prod", {"mlops:tracking": {"workingHours": {"enabled": True}}})
    assert set(working_hours_schedules(opted_in)) == {"stop", "start"}
    opted_out = managed(plan, plan_with, "fraud-dev", {"workingHours": {"enabled": False}})
    assert working_hours_schedules(opted_out) == {}


def test_self_hosted_has_no_working_hours_schedules(plan_with):
    planned = plan_with("fraud-dev", {**SELF_HOSTED_NO_HOURS}, SECRETS_ENDPOINT)
    assert working_hours_schedules(planned) == {}


def test_dvc_remote_export_is_the_versioned_kms_bucket(plan):
    planned = plan("fraud-dev")
    bucket = planned.exports["buckets"]["dvc"]
    key = planned.exports["teamKmsKeyArn"]
    assert planned.exports["dvcRemote"] == {
        "name": "storage",
        "url": f"s3://{bucket}/dvc",
        "region": "eu-west-1",
        "sse": "aws:kms",
        "sse_kms_key_id": key,
    }
    assert planned.exports["dvcRemoteCommands"] == [
        f"dvc remote add --default --force storage s3://{bucket}/dvc",
        "dvc remote modify storage region eu-west-1",
        "dvc remote modify storage sse aws:kms",
        f"dvc remote modify storage sse_kms_key_id {key}",
    ]
    versioning = planned.one("aws:s3/bucketVersioning:BucketVersioning", "dvc-bucket-versioning")
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"


def test_self_hosted_is_private_encrypted_and_authenticated(plan_with):
    planned = plan_with("fraud-dev", SELF_HOSTED, SECRETS_ENDPOINT)
    assert not planned.of_type(SERVER)
    key = planned.exports["teamKmsKeyArn"]
    db = planned.one("aws:rds/instance:Instance").inputs
    assert db["storageEncrypted"] is True and db["kmsKeyId"] == key
    assert db["publiclyAccessible"] is False
    assert db["manageMasterUserPassword"] is True and "password" not in db
    assert db["masterUserSecretKmsKeyId"] == key
    alb = planned.one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert alb["internal"] is True
    listener = planned.one("aws:lb/listener:Listener").inputs
    assert listener["protocol"] == "HTTPS" and listener["certificateArn"] == CERT
    service = planned.one("aws:ecs/service:Service").inputs
    assert service["networkConfiguration"]["assignPublicIp"] is False
    private = planned.exports  # the environment's private subnets, from the StackReference
    assert service["networkConfiguration"]["subnets"] == alb["subnets"]
    assert private["mlflowTrackingUri"].startswith("https://internal-")

    [container] = json.loads(
        planned.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    )
    env = {e["name"]: e["value"] for e in container["environment"]}
    artifacts = planned.exports["buckets"]["artifacts"]
    assert env["MLFLOW_ARTIFACTS_DESTINATION"] == f"s3://{artifacts}/mlflow"
    secrets = {s["name"] for s in container["secrets"]}
    assert {
        "DB_PASSWORD",
        "MLFLOW_AUTH_ADMIN_PASSWORD",
        "MLFLOW_FLASK_SERVER_SECRET_KEY",
    } <= secrets
    # The image's entrypoint runs `mlflow server --app-name basic-auth`; the task keeps it.
    assert container["entryPoint"][-1].endswith(
        "os.execv('/usr/local/bin/mlflow-entrypoint', ['mlflow-entrypoint'])"
    )


def test_self_hosted_database_is_protected_in_production(plan_with):
    planned = plan_with("fraud-prod", SELF_HOSTED, SECRETS_ENDPOINT)
    db = planned.one("aws:rds/instance:Instance")
    assert db.inputs["deletionProtection"] is True
    assert db.inputs["skipFinalSnapshot"] is False
    assert db.inputs["finalSnapshotIdentifier"]
    assert db.protect and db.retain_on_delete


def test_self_hosted_builds_the_mlflow_container_or_uses_the_given_image(plan_with):
    built = plan_with("fraud-dev", SELF_HOSTED, SECRETS_ENDPOINT)
    image = built.one("docker:index/image:Image").inputs
    assert image["build"]["context"] == "containers/mlflow"
    repo = built.one("aws:ecr/repository:Repository", "tracking-repository").inputs
    assert repo["imageTagMutability"] == "IMMUTABLE"
    given = "210987654321.dkr.ecr.eu-west-1.amazonaws.com/mlflow:3.17.2"
    planned = plan_with(
        "fraud-dev",
        {
            "mlops:tracking": {
                "kind": "self-hosted",
                "selfHosted": {"image": given, "certificateArn": CERT},
            }
        },
        SECRETS_ENDPOINT,
    )
    assert not planned.of_type("docker:index/image:Image")
    [container] = json.loads(
        planned.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    )
    assert container["image"] == given


@pytest.mark.parametrize(
    ("change", "key", "value"),
    [
        ({"mlflowVersion": "3.0.0"}, "mlops:tracking.mlflowVersion", "'3.0.0'"),
        ({"mlflowVersion": "9.9.9"}, "mlops:tracking.mlflowVersion", "'9.9.9'"),
        ({"size": "Huge"}, "mlops:tracking.size", "'Huge'"),
        ({"kind": "kubeflow"}, "mlops:tracking.kind", "'kubeflow'"),
        ({"kind": "self-hosted"}, "mlops:tracking", "selfHosted.certificateArn"),
        ({"selfHosted": {"image": "mlflow:latest"}}, "mlops:tracking.selfHosted.image", "latest"),
        ({"colour": "blue"}, "mlops:tracking.colour", "unknown key"),
        (
            {"workingHours": {"start": "cron(0 7 * * MON-FRI *)"}},
            "mlops:tracking.workingHours.start = 'cron(0 7 * * MON-FRI *)'",
            "exactly one of day-of-month and day-of-week must be '?'",
        ),
        (
            {"workingHours": {"stop": "cron(0 20 ? * MON-FRI)"}},
            "mlops:tracking.workingHours.stop = 'cron(0 20 ? * MON-FRI)'",
            "6 fields",
        ),
        (
            {"workingHours": {"stop": "cron(0 24 ? * MON-FRI *)"}},
            "mlops:tracking.workingHours.stop",
            "hours field '24'",
        ),
        (
            {"workingHours": {"start": "rate(1 hours)"}},
            "mlops:tracking.workingHours.start = 'rate(1 hours)'",
            "singular unit",
        ),
        (
            {"workingHours": {"start": "at(2026-12-01T07:00:00)"}},
            "mlops:tracking.workingHours.start",
            "not a cron(...) or rate(...)",
        ),
        (
            {"workingHours": {"timezone": "Europe/Atlantis"}},
            "mlops:tracking.workingHours.timezone = 'Europe/Atlantis'",
            "IANA time zone",
        ),
        (
            {"workingHours": {"enable": True}},
            "mlops:tracking.workingHours.enable",
            "did you mean 'enabled'",
        ),
        (
            {**SELF_HOSTED["mlops:tracking"], "workingHours": {"enabled": True}},
            "mlops:tracking.workingHours.enabled = true",
            "kind 'self-hosted'",
        ),
        # A public registry's image, or another account's ECR (the stack's is 210987654321).
        (
            {
                "kind": "self-hosted",
                "selfHosted": {"image": "ghcr.io/mlflow/mlflow:v2.19.0", "certificateArn": CERT},
            },
            "mlops:tracking.selfHosted.image = 'ghcr.io/mlflow/mlflow:v2.19.0'",
            "not in this account's ECR",
        ),
        (
            {
                "kind": "self-hosted",
                "selfHosted": {
                    "image": "999988887777.dkr.ecr.eu-west-1.amazonaws.com/mlflow:3.1",
                    "certificateArn": CERT,
                },
            },
            "mlops:tracking.selfHosted.image",
            "210987654321.dkr.ecr.eu-west-1.amazonaws.com/",
        ),
    ],
)
def test_bad_tracking_config_is_refused_before_any_resource(plan_with, change, key, value):
    with pytest.raises(PlanError) as error:
        plan_with("fraud-dev", {"mlops:tracking": change}, SECRETS_ENDPOINT)
    assert isinstance(error.value.__cause__, ConfigError)
    assert error.value.registered == 0
    message = str(error.value.__cause__)
    assert key in message and value in message
    assert "allowed" in message or "missing" in message
    assert message.count("\n  - ") == 1, message  # one problem, one line


def test_self_hosted_needs_the_environments_secrets_manager_endpoint(plan_with):
    """ECS injects the database secret from Secrets Manager: without its endpoint in the
    internet-free VPC the task could never start, so the plan is refused up front."""
    with pytest.raises(PlanError, match="Secrets Manager endpoint, which environment 'dev'"):
        plan_with("fraud-dev", SELF_HOSTED)
