"""IAM roles for Kubernetes service accounts (IRSA): trust and permission documents.

Trust (EKS user guide, "Assign IAM roles to Kubernetes service accounts", read 2026-12): the
cluster's IAM OIDC provider is the `Federated` principal, the action
`sts:AssumeRoleWithWebIdentity`, and `StringEquals` on `<issuer>:sub` =
`system:serviceaccount:<namespace>:<name>` and `<issuer>:aud` = `sts.amazonaws.com`, where
`<issuer>` is the provider ARN's part after `oidc-provider/`
(`oidc.eks.<region>.amazonaws.com/id/<ID>`).

Permissions: the model server reads the one model package it serves (DescribeModelPackage on
that version, its model.tar.gz under `model-packages/` of the artifacts bucket, the team key) and
pulls the team's images; the retraining CronJob does what the pipeline does in its pod (data in,
models and DVC out, MLflow, a pending model package of each new version), without SageMaker jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components.documents.iam import (
    ECR_PULL,
    KMS_USE,
    LIST_BUCKET,
    READ_OBJECT,
    WRITE_OBJECT,
    document,
    statement,
)
from components.documents.retraining import MODEL_PACKAGES_PREFIX
from components.documents.team_statements import mlflow_client_actions

PENDING_APPROVAL = "PendingManualApproval"

WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
STS_AUDIENCE = "sts.amazonaws.com"
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"


def oidc_issuer(provider_arn: str) -> str:
    """`oidc.eks.<region>.amazonaws.com/id/<ID>`: the provider ARN after `oidc-provider/`."""
    head, sep, issuer = provider_arn.partition(":oidc-provider/")
    if not sep or not head.startswith("arn:") or not issuer:
        raise ValueError(f"not an IAM OIDC provider ARN: {provider_arn!r}")
    return issuer


def service_account_subject(namespace: str, name: str) -> str:
    return f"system:serviceaccount:{namespace}:{name}"


def irsa_trust_policy(provider_arn: str, namespace: str, service_account: str) -> dict[str, Any]:
    """Only that service account, in that namespace, of that cluster may assume the role."""
    issuer = oidc_issuer(provider_arn)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServiceAccountOfTheCluster",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": WEB_IDENTITY,
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:sub": service_account_subject(namespace, service_account),
                        f"{issuer}:aud": STS_AUDIENCE,
                    }
                },
            }
        ],
    }


@dataclass(frozen=True)
class PodAccess:
    """What a team's pods reach, as plain values (ARNs known when the documents are built)."""

    ecr_repositories_arn: str  # arn:...:ecr:<region>:<account>:repository/<scope>/*
    kms_key_arn: str
    bucket_arns: dict[str, str]  # purpose -> arn:aws:s3:::name
    # The team's model package group (arn:...:model-package-group/<group>) and, when a version
    # is served, that version (arn:...:model-package/<group>/<n>).
    model_package_group_arn: str
    # The managed tracking server; None: self-hosted MLflow (reached over HTTPS, not IAM).
    tracking_server_arn: str | None = None
    model_package_arn: str | None = None
    # `app` (MLflow App) or `tracking-server`: which MLflow actions `tracking_server_arn` takes.
    mlflow_kind: str = "tracking-server"


def _ecr_pull(a: PodAccess) -> list[dict[str, Any]]:
    return [
        # GetAuthorizationToken supports no resource-level permission (ECR authorization
        # reference, read 2026-11); it grants no image access by itself.
        statement("EcrLogin", ["ecr:GetAuthorizationToken"], "*"),
        statement("PullTeamImages", [*ECR_PULL, "ecr:DescribeImages"], a.ecr_repositories_arn),
    ]


def _package_archives(a: PodAccess) -> str:
    """Where retraining runs put model package archives (MODEL_PACKAGES_PREFIX)."""
    return f"{a.bucket_arns['artifacts']}/{MODEL_PACKAGES_PREFIX}/*"


def model_server_policy(a: PodAccess) -> dict[str, Any]:
    """The model server: the package it serves, that package's archive, the key, the images."""
    statements = [
        statement("ReadPackageArchives", READ_OBJECT, _package_archives(a)),
        statement("DecryptWithTeamKey", ["kms:Decrypt", "kms:DescribeKey"], a.kms_key_arn),
        *_ecr_pull(a),
    ]
    if a.model_package_arn:
        statements.insert(
            0,
            statement(
                "DescribeServedModelPackage",
                ["sagemaker:DescribeModelPackage"],
                a.model_package_arn,
            ),
        )
    return document(*statements)


def retraining_pod_policy(a: PodAccess) -> dict[str, Any]:
    """The retraining CronJob's pod: data in, models and DVC out, the team's MLflow, a pending
    model package of each version it registers, images."""
    read = [a.bucket_arns[p] for p in ("raw", "curated")]
    read_write = [a.bucket_arns[p] for p in ("dvc", "artifacts")]
    group = a.model_package_group_arn
    versions = group.replace(":model-package-group/", ":model-package/", 1) + "/*"
    statements = [
        statement("ListTeamBuckets", LIST_BUCKET, sorted([*read, *read_write])),
        statement("ReadData", READ_OBJECT, [f"{b}/*" for b in read]),
        statement(
            "ReadWriteModelsAndDvc", READ_OBJECT + WRITE_OBJECT, [f"{b}/*" for b in read_write]
        ),
        statement("UseTeamKey", KMS_USE, a.kms_key_arn),
        *_ecr_pull(a),
        statement("DescribeTeamModelGroup", ["sagemaker:DescribeModelPackageGroup"], group),
        # A new version, pending an ML engineer's approval (the run never approves).
        statement(
            "RegisterPendingModelPackages",
            ["sagemaker:CreateModelPackage"],
            [versions, group],
            condition={"StringEqualsIfExists": {"sagemaker:ModelApprovalStatus": PENDING_APPROVAL}},
        ),
        statement("TagModelPackages", ["sagemaker:AddTags"], [versions, group]),
    ]
    if a.tracking_server_arn:
        statements.append(
            statement(
                "TrackExperimentsInTeamMlflow",
                mlflow_client_actions(a.mlflow_kind),
                a.tracking_server_arn,
            )
        )
    return document(*statements)
