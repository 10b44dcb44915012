"""Insecure variants: grants across the account boundary, and models and tracking images that
come from outside the platform's accounts.

999988887777 is an account the platform has never heard of (a vendor, a partner, an attacker);
123456789012 is someone's public ECR account in another region.
"""

from __future__ import annotations

import json
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.corpus.cases import (
    BUCKET_POLICY,
    KEY,
    MODEL,
    REPO_POLICY,
    ROLE,
    Case,
    add_statement,
    put,
)
from tests.policies.helpers import account, add, change, edit_document, region, resource

FOREIGN = "999988887777"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


def _bucket_policy(name: str, statement: dict[str, Any]):
    """Add `statement` to the policy of bucket `<prefix>-<scope>-<name>-<account>`; the
    statement's Resource is filled in with that bucket."""

    def mutate(plan: Plan) -> None:
        bucket = resource(plan, BUCKET_POLICY, f"{name}-bucket-policy").inputs["bucket"]
        stated = {"Resource": f"arn:aws:s3:::{bucket}/*", **statement}
        change(plan, BUCKET_POLICY, f"{name}-bucket-policy", add_statement(stated))

    return mutate


def _trust(role: str, statement: dict[str, Any]):
    return lambda p: change(
        p, ROLE, role, edit_document("assumeRolePolicy", lambda d: d["Statement"].append(statement))
    )


def _vendor_role(plan: Plan) -> None:
    """A hand-written role for a monitoring vendor, trusting the vendor's role directly."""
    scope = f"mlops-{plan.stack}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "VendorMonitoring",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:role/vendor"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    add(
        plan,
        ROLE,
        "vendor-monitoring",
        {"name": f"{scope}-vendor-monitoring", "assumeRolePolicy": json.dumps(trust)},
        {"arn": f"arn:aws:iam::{account(plan)}:role/{scope}-vendor-monitoring"},
    )


def _model_container(plan: Plan, **container: Any) -> None:
    """The served model's primary container, changed to `container` (None drops a key)."""
    model = resource(plan, MODEL).name
    for key, value in container.items():
        change(plan, MODEL, model, put(f"primaryContainer.{key}", value))


def mlflow_task(image: str):
    """Self-hosted MLflow's task definition as the program plans it, with `image`."""

    def mutate(plan: Plan) -> None:
        scope, acct, where = f"mlops-{plan.stack}", account(plan), region(plan)
        container = {
            "name": "mlflow",
            "image": image,
            "essential": True,
            "portMappings": [{"containerPort": 5000, "protocol": "tcp"}],
            "environment": [{"name": "AWS_REGION", "value": where}],
            "user": "10001:10001",
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": f"/{scope}/mlflow",
                    "awslogs-region": where,
                    "awslogs-stream-prefix": "mlflow",
                },
            },
        }
        inputs = {
            "family": f"{scope}-mlflow",
            "cpu": "1024",
            "memory": "2048",
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
            "taskRoleArn": f"arn:aws:iam::{acct}:role/{scope}-mlflow-task",
            "executionRoleArn": f"arn:aws:iam::{acct}:role/{scope}-mlflow-execution",
            "containerDefinitions": json.dumps([container]),
        }
        arn = f"arn:aws:ecs:{where}:{acct}:task-definition/{scope}-mlflow"
        add(plan, TASK_DEFINITION, "tracking-task", inputs, {"arn": f"{arn}:1", "revision": 1})

    return mutate


def _key_statement(statement: dict[str, Any]):
    return lambda p: change(p, KEY, None, add_statement({"Resource": "*", **statement}))


def _pull_from(principal: str):
    def edit(document: dict) -> None:
        pull = next(s for s in document["Statement"] if s["Sid"] == "TeamPull")
        pull["Principal"]["AWS"].append(principal)

    return lambda p: change(p, REPO_POLICY, "repo-inference-policy", edit_document("policy", edit))


NO_GRANT = "accounts-no-foreign-grant"
MODEL_RULE = "accounts-model-artifacts-owned"
TASK_RULE = "accounts-task-images-from-platform-ecr"

CASES = [
    Case(
        "accounts-bucket-policy-foreign-root",
        "fraud-dev",
        NO_GRANT,
        _bucket_policy(
            "artifacts",
            {
                "Sid": "PartnerReadsArtifacts",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"},
                "Action": "s3:GetObject",
            },
        ),
    ),
    Case(
        "accounts-bucket-policy-bare-account-id",
        "churn-dev",
        NO_GRANT,
        _bucket_policy(
            "curated",
            {
                "Sid": "ShareWithAnalytics",
                "Effect": "Allow",
                "Principal": {"AWS": [FOREIGN]},
                "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            },
        ),
    ),
    Case(
        "accounts-bucket-policy-allow-not-principal",
        "fraud-prod",
        NO_GRANT,
        _bucket_policy(
            "curated",
            {
                "Sid": "EveryoneButTheSteward",
                "Effect": "Allow",
                "NotPrincipal": {
                    "AWS": "arn:aws:iam::345678901234:role/mlops-fraud-prod-data-steward"
                },
                "Action": "s3:GetObject",
            },
        ),
    ),
    Case(
        "accounts-key-policy-foreign-role",
        "dev",
        NO_GRANT,
        _key_statement(
            {
                "Sid": "PartnerDecryptsFlowLogs",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:role/partner-analytics"},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
            }
        ),
    ),
    Case(
        "accounts-key-policy-service-for-foreign-account",
        "prod",
        NO_GRANT,
        _key_statement(
            {
                "Sid": "LogsDeliveryForPartner",
                "Effect": "Allow",
                "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": ["kms:Encrypt", "kms:GenerateDataKey*"],
                "Condition": {"StringEquals": {"aws:SourceAccount": FOREIGN}},
            }
        ),
    ),
    Case(
        "accounts-ecr-policy-foreign-node-role",
        "vision-dev",
        NO_GRANT,
        _pull_from(f"arn:aws:iam::{FOREIGN}:role/shared-eks-node"),
    ),
    Case(
        "accounts-trust-foreign-root-with-external-id",
        "fraud-dev",
        NO_GRANT,
        _trust(
            "data-scientist",
            {
                "Sid": "ConsultancyAssumes",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "fraud-consulting-2026"}},
            },
        ),
    ),
    Case(
        "accounts-trust-service-source-arn-foreign",
        "churn-dev",
        NO_GRANT,
        _trust(
            "pipeline-exec",
            {
                "Sid": "CopiedFromSharedServices",
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": f"arn:aws:sagemaker:eu-west-1:{FOREIGN}:*"}
                },
            },
        ),
    ),
    Case(
        "accounts-trust-vendor-role-no-external-id",
        "fraud-prod",
        "accounts-trust-external-id",
        _vendor_role,
    ),
    Case(
        "accounts-trust-foreign-account-id-no-external-id",
        "vision-dev",
        "accounts-trust-external-id",
        _trust(
            "ml-engineer",
            {
                "Effect": "Allow",
                "Principal": {"AWS": FOREIGN},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            },
        ),
    ),
    Case(
        "accounts-model-image-other-account-ecr",
        "fraud-dev",
        MODEL_RULE,
        lambda p: _model_container(
            p,
            modelPackageName=None,
            image="123456789012.dkr.ecr.us-east-1.amazonaws.com/x:latest",
            modelDataUrl="s3://mlops-fraud-dev-artifacts-210987654321/models/model.tar.gz",
        ),
    ),
    Case(
        "accounts-model-data-public-bucket",
        "fraud-prod",
        MODEL_RULE,
        lambda p: _model_container(
            p,
            modelPackageName=None,
            image="345678901234.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-prod/inference:v0.3.1",
            modelDataUrl="s3://public-models/x.tar.gz",
        ),
    ),
    Case(
        "accounts-model-data-lookalike-bucket",
        "churn-dev",
        MODEL_RULE,
        lambda p: _model_container(
            p,
            modelPackageName=None,
            image="210987654321.dkr.ecr.eu-west-1.amazonaws.com/mlops-churn-dev/inference:v1.2.0",
            modelDataSource={
                "s3DataSource": {
                    "s3Uri": f"s3://mlops-churn-dev-artifacts-{FOREIGN}/model/",
                    "s3DataType": "S3Prefix",
                    "compressionType": "None",
                }
            },
        ),
    ),
    Case(
        "accounts-model-package-of-seller",
        "fraud-dev",
        MODEL_RULE,
        lambda p: _model_container(
            p,
            modelPackageName=f"arn:aws:sagemaker:eu-west-1:{FOREIGN}:model-package/fraud-scorer-v2",
        ),
    ),
    Case(
        "accounts-model-image-private-registry",
        "churn-dev",
        MODEL_RULE,
        lambda p: _model_container(
            p,
            modelPackageName=None,
            image="registry.internal.example.com/churn/inference:1.0",
            imageConfig={"repositoryAccessMode": "Vpc"},
        ),
    ),
    Case(
        "accounts-mlflow-task-ghcr",
        "fraud-dev",
        TASK_RULE,
        mlflow_task("ghcr.io/mlflow/mlflow:v2.19.0"),
    ),
    Case("accounts-mlflow-task-unqualified", "churn-dev", TASK_RULE, mlflow_task("mlflow:latest")),
    Case(
        "accounts-mlflow-task-public-ecr",
        "fraud-prod",
        TASK_RULE,
        mlflow_task("public.ecr.aws/bitnami/mlflow:2.19.0"),
    ),
]
