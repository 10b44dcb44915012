"""The insecure corpus: variants of the shipped stacks, each caught by the rule meant for it.

A variant is a config change planned for real (`plan_with`), or a mutation of the planned
resources of a shipped stack (what a hand-written or drifted program would register), or a
resource a future component could plan, added to a shipped plan. Each case names the policy
that must report a mandatory violation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from mlopsctl.plan.model import Plan
from policies.registry import policy_names
from tests.policies.helpers import (
    account,
    add,
    caught,
    change,
    deployment,
    edit_document,
    namespace,
    notebook_instance,
    remove,
    resource,
)

BUCKET = "aws:s3/bucket:Bucket"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
DOMAIN = "aws:sagemaker/domain:Domain"
SPACE = "aws:sagemaker/space:Space"
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
MODEL = "aws:sagemaker/model:Model"
MLFLOW = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"
REPO = "aws:ecr/repository:Repository"
REPO_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
KEY = "aws:kms/key:Key"


@dataclass
class Case:
    id: str
    stack: str
    policy: str
    mutate: Callable[[Plan], Any] | None = None
    config: dict[str, Any] = field(default_factory=dict)  # plan_with changes
    pack: dict[str, Any] = field(default_factory=dict)  # pack config changes


def _set(key: str, value: Any) -> Callable[[dict], None]:
    def run(props: dict) -> None:
        target = props
        *path, last = key.split(".")
        for part in path:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value

    return run


def _add_statement(statement: dict) -> Callable[[dict], None]:
    return edit_document("policy", lambda d: d["Statement"].append(statement))


def _first_role_policy(plan: Plan, persona: str, edit) -> None:
    name = next(r.name for r in plan.of_type(ROLE_POLICY) if r.name.startswith(persona))
    change(plan, ROLE_POLICY, name, edit)


def _notebook(**overrides: Any) -> Callable[[Plan], Any]:
    return lambda plan: add(plan, NOTEBOOK, "notebook", notebook_instance(plan, **overrides))


CASES = [
    # --- S3 -------------------------------------------------------------------------------
    Case(
        "public-bucket",
        "fraud-dev",
        "s3-public-access-blocked",
        lambda p: change(p, PAB, "raw-bucket-public-access", _set("blockPublicPolicy", False)),
    ),
    Case(
        "dvc-remote-without-versioning",
        "fraud-dev",
        "s3-versioning-enabled",
        lambda p: remove(p, "aws:s3/bucketVersioning:BucketVersioning", "dvc-bucket-versioning"),
    ),
    Case(
        "artifacts-versioning-suspended",
        "fraud-prod",
        "s3-versioning-enabled",
        lambda p: change(
            p,
            "aws:s3/bucketVersioning:BucketVersioning",
            "artifacts-bucket-versioning",
            _set("versioningConfiguration.status", "Suspended"),
        ),
    ),
    Case(
        "raw-bucket-sse-s3",
        "fraud-dev",
        "s3-sse-kms-customer-key",
        lambda p: change(
            p,
            SSE,
            "raw-bucket-encryption",
            _set("rules.0.applyServerSideEncryptionByDefault", {"sseAlgorithm": "AES256"}),
        ),
    ),
    Case(
        "aws-managed-key",
        "fraud-dev",
        "s3-sse-kms-customer-key",
        lambda p: change(
            p,
            SSE,
            "curated-bucket-encryption",
            _set("rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId", "alias/aws/s3"),
        ),
    ),
    Case(
        "bucket-key-off",
        "fraud-prod",
        "s3-sse-kms-customer-key",
        lambda p: change(p, SSE, "dvc-bucket-encryption", _set("rules.0.bucketKeyEnabled", False)),
    ),
    Case(
        "audit-bucket-sse-s3",
        "dev",
        "s3-sse-kms-customer-key",
        lambda p: change(
            p,
            SSE,
            "audit-encryption",
            _set("rules.0.applyServerSideEncryptionByDefault", {"sseAlgorithm": "AES256"}),
        ),
    ),
    Case(
        "no-tls-statement",
        "fraud-dev",
        "s3-tls-only",
        lambda p: change(
            p,
            BUCKET_POLICY,
            "curated-bucket-policy",
            edit_document("policy", lambda d: d.update(Statement=[])),
        ),
    ),
    Case(
        "public-read-bucket-policy",
        "fraud-dev",
        "s3-no-wildcard-principal",
        lambda p: change(
            p,
            BUCKET_POLICY,
            "curated-bucket-policy",
            _add_statement(
                {
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::mlops-fraud-dev-curated-{account(p)}/*",
                }
            ),
        ),
    ),
    Case(
        "acls-enabled",
        "fraud-dev",
        "s3-ownership-enforced",
        lambda p: change(
            p,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "raw-bucket-ownership",
            _set("rule.objectOwnership", "ObjectWriter"),
        ),
    ),
    Case(
        "no-access-logging",
        "fraud-dev",
        "s3-access-logging",
        lambda p: remove(p, "aws:s3/bucketLogging:BucketLogging", "capture-bucket-logging"),
    ),
    Case(
        "no-lifecycle",
        "fraud-prod",
        "s3-lifecycle-rules",
        lambda p: remove(
            p,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "raw-bucket-lifecycle",
        ),
    ),
    # --- KMS ------------------------------------------------------------------------------
    Case(
        "key-rotation-off",
        "fraud-dev",
        "kms-key-rotation",
        lambda p: change(p, KEY, None, _set("enableKeyRotation", False)),
    ),
    Case(
        "key-policy-wildcard",
        "dev",
        "kms-no-wildcard-principal",
        lambda p: change(
            p,
            KEY,
            None,
            _add_statement(
                {
                    "Sid": "Anyone",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                }
            ),
        ),
    ),
    # --- IAM ------------------------------------------------------------------------------
    Case(
        "admin-role",
        "fraud-dev",
        "iam-no-admin",
        lambda p: _first_role_policy(
            p,
            "ml-engineer",
            _add_statement({"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}),
        ),
    ),
    Case(
        "wildcard-service-action",
        "fraud-dev",
        "iam-no-wildcard-action",
        lambda p: _first_role_policy(
            p,
            "data-scientist",
            _add_statement({"Sid": "AllS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        ),
    ),
    Case(
        "read-every-bucket",
        "fraud-prod",
        "iam-no-wildcard-data-resource",
        lambda p: _first_role_policy(
            p,
            "data-scientist",
            _add_statement(
                {"Sid": "ReadAll", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
            ),
        ),
    ),
    Case(
        "passrole-anywhere",
        "fraud-dev",
        "iam-passrole-restricted",
        lambda p: _first_role_policy(
            p,
            "ml-engineer",
            _add_statement(
                {
                    "Sid": "Pass",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": f"arn:aws:iam::{account(p)}:role/mlops-fraud-dev-*",
                }
            ),
        ),
    ),
    Case(
        "trust-anyone",
        "fraud-dev",
        "iam-trust-no-wildcard",
        lambda p: change(
            p,
            ROLE,
            next(r.name for r in p.of_type(ROLE)),
            edit_document(
                "assumeRolePolicy",
                lambda d: d["Statement"].append(
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
                ),
            ),
        ),
    ),
    # parliament MEDIUM RESOURCE_MISMATCH: an object action on the bucket ARN grants nothing.
    Case(
        "object-action-on-bucket-arn",
        "churn-dev",
        "iam-parliament-lint",
        lambda p: _first_role_policy(
            p,
            "data-scientist",
            _add_statement(
                {
                    "Sid": "Mismatch",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::mlops-churn-dev-raw-{account(p)}",
                }
            ),
        ),
    ),
    # --- SageMaker ------------------------------------------------------------------------
    Case(
        "studio-public-internet",
        "fraud-dev",
        "sagemaker-domain-vpc-only",
        lambda p: change(p, DOMAIN, None, _set("appNetworkAccessType", "PublicInternetOnly")),
    ),
    Case(
        "studio-without-kms",
        "fraud-prod",
        "sagemaker-domain-kms",
        lambda p: change(p, DOMAIN, None, _set("kmsKeyId", None)),
    ),
    Case(
        "studio-without-idle-shutdown",
        "fraud-dev",
        "sagemaker-domain-idle-shutdown",
        lambda p: change(
            p,
            DOMAIN,
            None,
            _set("defaultUserSettings.jupyterLabAppSettings.appLifecycleManagement", None),
        ),
    ),
    Case(
        "notebook-with-internet",
        "fraud-dev",
        "sagemaker-notebook-no-direct-internet",
        _notebook(directInternetAccess="Enabled"),
    ),
    Case(
        "notebook-with-root", "fraud-dev", "sagemaker-notebook-no-root", _notebook(rootAccess=None)
    ),  # AWS default: Enabled
    Case(
        "notebook-outside-vpc",
        "fraud-dev",
        "sagemaker-notebook-in-vpc",
        _notebook(subnetId=None, securityGroups=None),
    ),
    Case("notebook-without-kms", "fraud-dev", "sagemaker-notebook-kms", _notebook(kmsKeyId=None)),
    Case(
        "endpoint-without-kms",
        "fraud-prod",
        "sagemaker-endpoint-config-kms",
        lambda p: change(p, ENDPOINT_CONFIG, None, _set("kmsKeyArn", None)),
    ),
    Case(
        "endpoint-without-capture",
        "fraud-prod",
        "sagemaker-endpoint-data-capture",
        lambda p: change(p, ENDPOINT_CONFIG, None, _set("dataCaptureConfig", None)),
    ),
    Case(
        "serverless-endpoint-in-prod-rules",
        "fraud-dev",
        "sagemaker-endpoint-data-capture",
        pack={"sagemaker-endpoint-data-capture": {"serverlessExempt": False}},
    ),
    Case(
        "model-with-network",
        "fraud-prod",
        "sagemaker-model-network-isolation",
        lambda p: change(
            p,
            MODEL,
            None,
            lambda props: (
                props.pop("vpcConfig", None),
                props.update(enableNetworkIsolation=False),
            ),
        ),
    ),
    Case(
        "mlflow-partial-version",
        "fraud-dev",
        "sagemaker-mlflow-pinned-version",
        lambda p: change(p, MLFLOW, None, _set("mlflowVersion", "3.0")),
    ),
    Case(
        "mlflow-foreign-bucket",
        "fraud-dev",
        "sagemaker-mlflow-team-artifact-bucket",
        lambda p: change(
            p, MLFLOW, None, _set("artifactStoreUri", "s3://someone-elses-bucket/mlflow")
        ),
    ),
    # --- ECR ------------------------------------------------------------------------------
    Case(
        "mutable-tags",
        "fraud-dev",
        "ecr-immutable-tags",
        lambda p: change(p, REPO, None, _set("imageTagMutability", "MUTABLE")),
    ),
    Case(
        "no-scan-on-push",
        "fraud-prod",
        "ecr-scan-on-push",
        lambda p: change(p, REPO, None, _set("imageScanningConfiguration.scanOnPush", False)),
    ),
    Case(
        "ecr-aes256",
        "fraud-dev",
        "ecr-kms-encryption",
        lambda p: change(
            p, REPO, None, _set("encryptionConfigurations", [{"encryptionType": "AES256"}])
        ),
    ),
    Case(
        "public-repository",
        "fraud-dev",
        "ecr-no-public-policy",
        lambda p: change(
            p,
            REPO_POLICY,
            None,
            _add_statement(
                {
                    "Sid": "PublicPull",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                }
            ),
        ),
    ),
    # --- Kubernetes -----------------------------------------------------------------------
    Case(
        "privileged-container",
        "vision-dev",
        "k8s-no-privileged",
        lambda p: change(
            p,
            DEPLOYMENT,
            None,
            _set("spec.template.spec.containers.0.securityContext", {"privileged": True}),
        ),
    ),
    Case(
        "host-path",
        "vision-dev",
        "k8s-no-host-path",
        lambda p: change(
            p,
            DEPLOYMENT,
            None,
            _set(
                "spec.template.spec.volumes", [{"name": "docker", "hostPath": {"path": "/var/run"}}]
            ),
        ),
    ),
    Case(
        "no-limits",
        "vision-dev",
        "k8s-resource-limits",
        lambda p: change(
            p,
            DEPLOYMENT,
            None,
            _set("spec.template.spec.containers.0.resources", {"requests": {"cpu": "1"}}),
        ),
    ),
    Case(
        "docker-hub-image",
        "vision-dev",
        "k8s-images-from-team-ecr",
        lambda p: change(
            p,
            DEPLOYMENT,
            None,
            _set("spec.template.spec.containers.0.image", "docker.io/library/python:3.11"),
        ),
    ),
    Case(
        "namespace-without-default-deny",
        "vision-dev",
        "k8s-default-deny-network-policy",
        lambda p: add(p, "kubernetes:core/v1:Namespace", "scratch", namespace("scratch")),
    ),
    Case(
        "workload-in-unguarded-namespace",
        "fraud-dev",
        "k8s-default-deny-network-policy",
        lambda p: add(
            p,
            DEPLOYMENT,
            "serve",
            deployment(
                f"{account(p)}.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/inference:v0.3.1"
            ),
        ),
    ),
    # --- Governance -----------------------------------------------------------------------
    Case(
        "provider-without-cost-center",
        "fraud-dev",
        "governance-required-tags",
        lambda p: change(
            p,
            "pulumi:providers:aws",
            None,
            _set("defaultTags", json.dumps({"tags": {"team": "fraud", "environment": "dev"}})),
        ),
    ),
    Case(
        "unknown-classification",
        "fraud-dev",
        "governance-data-classification",
        lambda p: change(p, BUCKET, "raw-bucket", _set("tags.data-classification", "secret")),
    ),
    Case(
        "steward-reads-restricted",
        "fraud-dev",
        "governance-restricted-data-readers",
        config={"mlops:personas": {"dataStewardReadableClassifications": ["restricted"]}},
    ),
    Case(
        "dev-role-in-prod-bucket-policy",
        "fraud-prod",
        "governance-cross-environment-isolation",
        lambda p: change(
            p,
            BUCKET_POLICY,
            "curated-bucket-policy",
            _add_statement(
                {
                    "Sid": "DevReads",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": "arn:aws:iam::210987654321:role/mlops-fraud-dev-data-scientist"
                    },
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::mlops-fraud-prod-curated-345678901234/*",
                }
            ),
        ),
    ),
    Case(
        "dev-trusted-by-prod-role",
        "fraud-prod",
        "governance-cross-environment-isolation",
        lambda p: change(
            p,
            ROLE,
            next(r.name for r in p.of_type(ROLE)),
            edit_document(
                "assumeRolePolicy",
                lambda d: d["Statement"].append(
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                    }
                ),
            ),
        ),
    ),
    Case(
        "unprotected-prod-bucket",
        "fraud-prod",
        "governance-production-protection",
        lambda p: setattr(resource(p, BUCKET, "raw-bucket"), "protect", False),
    ),
    Case(
        "prod-key-not-retained",
        "prod",
        "governance-production-protection",
        lambda p: setattr(resource(p, KEY), "retain_on_delete", False),
    ),
    # --- Cost -----------------------------------------------------------------------------
    Case(
        "gpu-type-not-allowed",
        "fraud-dev",
        "cost-instance-type-allowed",
        lambda p: change(
            p,
            SPACE,
            None,
            _set(
                "spaceSettings.jupyterLabAppSettings.defaultResourceSpec.instanceType",
                "ml.p4d.24xlarge",
            ),
        ),
    ),
    Case(
        "too-many-gpus",
        "fraud-prod",
        "cost-gpu-instance-limit",
        lambda p: change(
            p, ENDPOINT_CONFIG, None, _set("productionVariants.0.instanceType", "ml.g5.xlarge")
        ),
    ),
    Case(
        "over-budget",
        "fraud-dev",
        "cost-monthly-budget",
        config={"mlops:team": {"monthlyBudgetUsd": 100}},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_insecure_variant_is_caught_by_its_rule(case: Case, plan, plan_with) -> None:
    planned = plan_with(case.stack, case.config) if case.config else plan(case.stack)
    if case.mutate:
        case.mutate(planned)
    found = caught(planned, case.pack)
    assert case.policy in found, f"{case.policy} missed {case.id}; caught: {sorted(found)}"


def test_corpus_is_large_and_covers_every_rule() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)
    assert set(policy_names()) <= {c.policy for c in CASES}
