"""IAM roles for Kubernetes service accounts (IRSA): trust and permission documents.

Trust (EKS user guide, "Assign IAM roles to Kubernetes service accounts", read 2026-12): the
cluster's IAM OIDC provider is the `Federated` principal, the action
`sts:AssumeRoleWithWebIdentity`, and `StringEquals` on `<issuer>:sub` =
`system:serviceaccount:<namespace>:<name>` and `<issuer>:aud` = `sts.amazonaws.com`, where
`<issuer>` is the provider ARN's part after `oidc-provider/`
(`oidc.eks.<region>.amazonaws.com/id/<ID>`).

Permissions: the model server reads its model (the MLflow registry on the team's tracking
server, the artifacts under the MLflow prefix of the artifacts bucket, the team key) and pulls
the team's images; the retraining CronJob does what the pipeline does in its pod (data in,
models and DVC out, MLflow), without SageMaker jobs.
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

WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
STS_AUDIENCE = "sts.amazonaws.com"
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
# Reading a registered model and downloading its version (Service Authorization Reference,
# "Actions defined by Amazon SageMaker with MLflow", read 2026-12; the MLflow REST API names).
MLFLOW_MODEL_READ = [
    "sagemaker-mlflow:GetRegisteredModel",
    "sagemaker-mlflow:GetModelVersion",
    "sagemaker-mlflow:GetModelVersionByAlias",
    "sagemaker-mlflow:GetLatestModelVersions",
    "sagemaker-mlflow:SearchModelVersions",
    "sagemaker-mlflow:GetDownloadURIForModelVersionArtifacts",
]
# A runs:/ URI: the run names the artifact location.
MLFLOW_RUN_READ = ["sagemaker-mlflow:GetRun", "sagemaker-mlflow:ListArtifacts"]


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
    mlflow_prefix: str  # the artifact root's prefix in the artifacts bucket
    # The managed tracking server; None: self-hosted MLflow (reached over HTTPS, not IAM).
    tracking_server_arn: str | None = None
    model_uri: str | None = None  # models:/..., runs:/... or s3://...


def _ecr_pull(a: PodAccess) -> list[dict[str, Any]]:
    return [
        # GetAuthorizationToken supports no resource-level permission (ECR authorization
        # reference, read 2026-11); it grants no image access by itself.
        statement("EcrLogin", ["ecr:GetAuthorizationToken"], "*"),
        statement("PullTeamImages", [*ECR_PULL, "ecr:DescribeImages"], a.ecr_repositories_arn),
    ]


def model_prefixes(a: PodAccess) -> list[str]:
    """Key prefixes of the artifacts bucket the model lives under: the MLflow artifact root,
    and the key of an s3:// model URI in that bucket."""
    prefixes = [a.mlflow_prefix.strip("/")]
    uri = a.model_uri or ""
    bucket = a.bucket_arns["artifacts"].rsplit(":", 1)[-1]
    if uri.startswith(f"s3://{bucket}/"):
        key = uri.removeprefix(f"s3://{bucket}/").strip("/")
        if key and not key.startswith(prefixes[0] + "/"):
            prefixes.append(key)
    return prefixes


def model_server_policy(a: PodAccess) -> dict[str, Any]:
    """The model server: read the model (registry, artifacts, key), pull the team's images."""
    artifacts = a.bucket_arns["artifacts"]
    prefixes = model_prefixes(a)
    statements = [
        statement(
            "ListModelArtifacts",
            ["s3:ListBucket"],
            artifacts,
            condition={"StringLike": {"s3:prefix": [f"{p}/*" for p in prefixes]}},
        ),
        statement("ReadModelArtifacts", READ_OBJECT, [f"{artifacts}/{p}/*" for p in prefixes]),
        statement("DecryptWithTeamKey", ["kms:Decrypt", "kms:DescribeKey"], a.kms_key_arn),
        *_ecr_pull(a),
    ]
    uri = a.model_uri or ""
    if a.tracking_server_arn and uri.startswith(("models:/", "runs:/")):
        actions = MLFLOW_MODEL_READ if uri.startswith("models:/") else MLFLOW_RUN_READ
        statements.append(
            statement("ReadTeamMlflowModel", actions, a.tracking_server_arn),
        )
    return document(*statements)


def retraining_pod_policy(a: PodAccess) -> dict[str, Any]:
    """The retraining CronJob's pod: data in, models and DVC out, the team's MLflow, images."""
    read = [a.bucket_arns[p] for p in ("raw", "curated")]
    read_write = [a.bucket_arns[p] for p in ("dvc", "artifacts")]
    statements = [
        statement("ListTeamBuckets", LIST_BUCKET, sorted([*read, *read_write])),
        statement("ReadData", READ_OBJECT, [f"{b}/*" for b in read]),
        statement(
            "ReadWriteModelsAndDvc", READ_OBJECT + WRITE_OBJECT, [f"{b}/*" for b in read_write]
        ),
        statement("UseTeamKey", KMS_USE, a.kms_key_arn),
        *_ecr_pull(a),
    ]
    if a.tracking_server_arn:
        statements.append(
            statement(
                "TrackExperimentsInTeamMlflow",
                ["sagemaker-mlflow:*", "sagemaker:DescribeMlflowTrackingServer"],
                a.tracking_server_arn,
            )
        )
    return document(*statements)
