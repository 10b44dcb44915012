"""Facts about AWS and the platform that settings validate against, each with its source.

The layers pass these to components as plain values; components never import settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

# Persona ids, as used in role names and in the access matrix.
PERSONAS: tuple[str, ...] = ("data-scientist", "ml-engineer", "data-steward")
# The data buckets every team gets; later components add none of their own.
BucketPurpose = Literal["raw", "curated", "dvc", "artifacts", "capture"]
BUCKET_PURPOSES: tuple[BucketPurpose, ...] = get_args(BucketPurpose)
# Names reserved for the environment layer's own resources (see components/naming.py).
RESERVED_TEAM_NAMES = frozenset({"platform", "env"})

# Interface endpoints the platform's services may need in an internet-free VPC. Service name
# suffixes as AWS lists them in "AWS services that integrate with AWS PrivateLink"
# (docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html, read
# 2026-11). `{region}` is filled in by the environment layer.
InterfaceEndpoint = Literal[
    "sagemaker-api",
    "sagemaker-runtime",
    "sagemaker-notebook",
    "sagemaker-studio",
    "sagemaker-mlflow",
    "sts",
    "ecr-api",
    "ecr-dkr",
    "logs",
    "kms",
    "secretsmanager",
]
INTERFACE_ENDPOINT_SERVICES: dict[InterfaceEndpoint, str] = {
    "sagemaker-api": "com.amazonaws.{region}.sagemaker.api",
    "sagemaker-runtime": "com.amazonaws.{region}.sagemaker.runtime",
    "sagemaker-notebook": "aws.sagemaker.{region}.notebook",
    "sagemaker-studio": "aws.sagemaker.{region}.studio",
    # Managed MLflow: the `aws.sagemaker` prefix like Studio and notebooks. The sagemaker-mlflow
    # client calls https://<region>.experiments.sagemaker.amazonaws.com (its
    # get_tracking_server_url), which this endpoint's private DNS answers; AWS's CloudFormation
    # examples for SageMaker MLflow PrivateLink name the service
    # `aws.sagemaker.${Region}.experiments` (SageMaker developer guide, "Connecting to an MLflow
    # tracking server through an Interface VPC Endpoint", read 2026-12).
    "sagemaker-mlflow": "aws.sagemaker.{region}.experiments",
    "sts": "com.amazonaws.{region}.sts",
    "ecr-api": "com.amazonaws.{region}.ecr.api",
    "ecr-dkr": "com.amazonaws.{region}.ecr.dkr",
    "logs": "com.amazonaws.{region}.logs",
    "kms": "com.amazonaws.{region}.kms",
    # Self-hosted MLflow (ECS injects the database secret from Secrets Manager).
    "secretsmanager": "com.amazonaws.{region}.secretsmanager",
}
assert tuple(INTERFACE_ENDPOINT_SERVICES) == get_args(InterfaceEndpoint)
# Every endpoint but Secrets Manager: the fixed list environments had before the set was
# derived from their teams. As an explicit `mlops:network.interfaceEndpoints` it serves every
# team but a self-hosted MLflow one.
DEFAULT_INTERFACE_ENDPOINTS: tuple[InterfaceEndpoint, ...] = tuple(
    name for name in INTERFACE_ENDPOINT_SERVICES if name != "secretsmanager"
)

# What an environment creates whatever its teams use: the SageMaker API (Studio, jobs,
# pipelines, the model registry), STS (the SDKs' credentials), ECR (images of jobs, the
# self-hosted server and Studio), CloudWatch Logs and KMS. S3 is the free gateway endpoint.
PLATFORM_INTERFACE_ENDPOINTS: tuple[InterfaceEndpoint, ...] = (
    "sagemaker-api",
    "sts",
    "ecr-api",
    "ecr-dkr",
    "logs",
    "kms",
)
# What a team's choices add. Required: its workloads fail without them (a team stack is
# refused when its environment lacks one). Tracking kind `app` (a serverless MLflow App) needs
# none: it is reached through the egress hosts (settings/rules/egress.py).
TRACKING_KIND_ENDPOINTS: dict[str, tuple[InterfaceEndpoint, ...]] = {
    "sagemaker": ("sagemaker-mlflow",),
    "self-hosted": ("secretsmanager",),
}
INFERENCE_BACKEND_ENDPOINTS: dict[str, tuple[InterfaceEndpoint, ...]] = {
    "sagemaker": ("sagemaker-runtime",),
}
# The lab's private access path for people (the Studio or notebook UI reached from inside the
# VPC, e.g. over the corporate network): derived from the lab kind, not required (without it
# members open the lab through SageMaker's public endpoint, as presigned URLs allow).
LAB_KIND_ENDPOINTS: dict[str, tuple[InterfaceEndpoint, ...]] = {
    "studio": ("sagemaker-studio",),
    "notebook-instance": ("sagemaker-notebook",),
}


def required_team_endpoints(
    tracking_kind: str, inference_backend: str
) -> tuple[InterfaceEndpoint, ...]:
    """The interface endpoints a team's workloads need beyond the platform's."""
    return (
        *TRACKING_KIND_ENDPOINTS.get(tracking_kind, ()),
        *INFERENCE_BACKEND_ENDPOINTS.get(inference_backend, ()),
    )


def team_endpoints(
    *, lab_kind: str, tracking_kind: str, inference_backend: str
) -> tuple[InterfaceEndpoint, ...]:
    """What a team adds to its environment's interface endpoints (required and lab access)."""
    return (
        *required_team_endpoints(tracking_kind, inference_backend),
        *LAB_KIND_ENDPOINTS.get(lab_kind, ()),
    )


def derived_interface_endpoints(
    teams: Iterable[tuple[InterfaceEndpoint, ...]],
) -> list[InterfaceEndpoint]:
    """The platform's endpoints and every team's, in the catalog's order."""
    wanted = set(PLATFORM_INTERFACE_ENDPOINTS).union(*teams)
    return [name for name in INTERFACE_ENDPOINT_SERVICES if name in wanted]


# Accounts of the prebuilt Model Monitor analyzer image `sagemaker-model-monitor-analyzer`
# (SageMaker developer guide, "Amazon SageMaker Model Monitor prebuilt container", read 2026-11).
MODEL_MONITOR_ACCOUNTS: dict[str, str] = {
    "us-east-1": "156813124566",
    "us-east-2": "777275614652",
    "us-west-1": "890145073186",
    "us-west-2": "159807026194",
    "eu-west-1": "468650794304",
    "eu-west-2": "749857270468",
    "eu-central-1": "048819808253",
}


def model_monitor_image(region: str) -> str:
    account = MODEL_MONITOR_ACCOUNTS[region]
    return f"{account}.dkr.ecr.{region}.amazonaws.com/sagemaker-model-monitor-analyzer"


# SageMaker API reference (botocore service model sagemaker 2017-07-24, read 2026-11):
# JupyterLabAppSettings.CodeRepositories has at most 10 items; a notebook instance has one
# DefaultCodeRepository plus at most 3 AdditionalCodeRepositories.
MAX_STUDIO_CODE_REPOSITORIES = 10
MAX_NOTEBOOK_CODE_REPOSITORIES = 4
# IdleSettings.IdleTimeoutInMinutes: 60-525600 (same source).
MIN_IDLE_TIMEOUT_MINUTES = 60
MAX_IDLE_TIMEOUT_MINUTES = 525600
# SpaceEbsVolumeSizeInGb and NotebookInstanceVolumeSizeInGB: 5-16384 (same source).
MIN_VOLUME_GB = 5
MAX_VOLUME_GB = 16384
MAX_MEMBERS = 50
