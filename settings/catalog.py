"""Facts about AWS and the platform that settings validate against, each with its source.

The layers pass these to components as plain values; components never import settings.
"""

from __future__ import annotations

from typing import Literal, get_args

# Persona ids, as used in role names and in the access matrix.
PERSONAS: tuple[str, ...] = ("data-scientist", "ml-engineer", "data-steward")
# The data buckets every team gets; later components add none of their own.
BucketPurpose = Literal["raw", "curated", "dvc", "artifacts", "capture"]
BUCKET_PURPOSES: tuple[BucketPurpose, ...] = get_args(BucketPurpose)
# Names reserved for the environment layer's own resources (see components/naming.py).
RESERVED_TEAM_NAMES = frozenset({"platform", "env"})

# Interface endpoints the platform's services need in an internet-free VPC. Service name
# suffixes as AWS lists them in "AWS services that integrate with AWS PrivateLink"
# (docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html, read
# 2026-11). `{region}` is filled in by the network component.
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
    # Only the self-hosted MLflow kind needs it (ECS injects the database secret): opt-in.
    "secretsmanager": "com.amazonaws.{region}.secretsmanager",
}
assert tuple(INTERFACE_ENDPOINT_SERVICES) == get_args(InterfaceEndpoint)
DEFAULT_INTERFACE_ENDPOINTS: tuple[InterfaceEndpoint, ...] = tuple(
    name for name in INTERFACE_ENDPOINT_SERVICES if name != "secretsmanager"
)

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
