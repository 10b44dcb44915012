"""Config of experiment tracking: `mlops:tracking` (serverless MLflow App, a managed SageMaker
MLflow tracking server, or self-hosted)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from settings.models.base import StrictModel
from settings.values import (
    AcmCertificateArn,
    IanaTimezone,
    SchedulerExpression,
    check,
    int_range,
    pattern,
)

# MLflow versions of a SageMaker MLflow tracking server (SageMaker developer guide, "Integrate
# MLflow with your environment": tracking servers 2.13.x, 2.16.x and 3.0.x, read 2026-12), as
# major.minor: the provider reads the version back as major.minor (`normalizeMlflowVersion` in
# terraform-provider-aws internal/service/sagemaker/mlflow_tracking_server.go) and the field
# forces replacement, so a patch-level input ("3.0.0") would replace the server on every update
# (hashicorp/terraform-provider-aws#42276). Clients pin the matching patch release.
SAGEMAKER_MLFLOW_VERSIONS: tuple[str, ...] = ("2.13", "2.16", "3.0")
DEFAULT_SAGEMAKER_MLFLOW_VERSION = "3.0"
MLFLOW_CLIENT_VERSIONS: dict[str, str] = {"2.13": "2.13.2", "2.16": "2.16.2", "3.0": "3.0.0"}

# Sizes of a SageMaker MLflow tracking server (SageMaker API reference,
# CreateMlflowTrackingServer.TrackingServerSize, read 2026-11).
TrackingServerSize = Literal["Small", "Medium", "Large"]

MajorMinorVersion = Annotated[
    str,
    pattern(
        r"\d+\.\d+",
        "a major.minor MLflow version such as '3.0', quoted (a patch-level version is read back "
        "as major.minor by the provider and would replace the server on every update)",
    ),
    check(
        lambda v: v in SAGEMAKER_MLFLOW_VERSIONS,
        f"one of the versions SageMaker supports: {', '.join(SAGEMAKER_MLFLOW_VERSIONS)}",
    ),
]
# An image already pushed somewhere the task can pull from, pinned by tag or digest.
ImageUri = Annotated[
    str,
    pattern(
        r"[a-z0-9][a-z0-9.-]*(:\d+)?/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})",
        "an image URI with a tag or digest, such as "
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo:1.0",
    ),
    check(lambda v: not v.endswith(":latest"), "a pinned tag or digest (not :latest)"),
]
DbInstanceClass = Annotated[
    str, pattern(r"db\.[a-z0-9]+\.[a-z0-9]+", "an RDS instance class such as db.t4g.micro")
]


class WorkingHoursConfig(StrictModel):
    """`mlops:tracking.workingHours`: stop the SageMaker MLflow server outside working hours."""

    # None: on outside production, off in production (see `TrackingConfig.working_hours_on`).
    enabled: bool | None = None
    start: SchedulerExpression = "cron(0 7 ? * MON-FRI *)"
    stop: SchedulerExpression = "cron(0 20 ? * MON-FRI *)"
    timezone: IanaTimezone = "UTC"


class SelfHostedConfig(StrictModel):
    """`mlops:tracking.selfHosted`: MLflow on ECS Fargate with an RDS PostgreSQL backend."""

    # Empty: build containers/mlflow/ and push it to the team's ECR with pulumi-docker.
    image: ImageUri | None = None
    # Fargate task sizes (AWS Fargate task CPU and memory table, read 2026-11): 1 vCPU / 2 GiB
    # is the smallest size MLflow's two gunicorn workers run comfortably in.
    cpu: Literal[256, 512, 1024, 2048, 4096] = 1024
    memory_mib: Annotated[int, int_range(512, 30720)] = 2048
    desired_count: Annotated[int, int_range(1, 10)] = 1
    # Smallest Graviton burstable class (Amazon RDS pricing, read 2026-11: ~USD 0.016/h in
    # eu-west-1); raise it for many concurrent users.
    db_instance_class: DbInstanceClass = "db.t4g.micro"
    db_allocated_storage_gib: Annotated[int, int_range(20, 1000)] = 20
    # PostgreSQL major version, exact minor chosen by RDS (Amazon RDS for PostgreSQL versions,
    # read 2026-11).
    db_engine_version: Literal["16", "17"] = "17"
    db_backup_retention_days: Annotated[int, int_range(1, 35)] = 7
    # ACM certificate of the internal load balancer's HTTPS listener (required: basic-auth
    # credentials never travel in clear text).
    certificate_arn: AcmCertificateArn | None = None


# Host the sagemaker-mlflow plugin calls for an MLflow App (sagemaker_mlflow 0.5.0,
# mlflow_sagemaker_helpers.py `_get_endpoint`, read 2026-12): workloads must reach it.
MLFLOW_APP_HOST = "mlflow.sagemaker.{region}.app.aws"


class TrackingConfig(StrictModel):
    """`mlops:tracking`: one MLflow per team and environment.

    `app` (default): a SageMaker MLflow App, serverless MLflow (no instance runs while idle).
    `sagemaker`: a managed MLflow tracking server (a sized instance, billed per hour while
    running). `self-hosted`: MLflow on ECS Fargate with PostgreSQL (docs/tracking.md)."""

    kind: Literal["app", "sagemaker", "self-hosted"] = "app"
    # Tracking server only (kind sagemaker): an app has no size and AWS picks its MLflow version.
    size: TrackingServerSize = "Small"
    mlflow_version: MajorMinorVersion = DEFAULT_SAGEMAKER_MLFLOW_VERSION
    # Mirror registered models into the SageMaker Model Registry (server and app).
    automatic_model_registration: bool = True
    # Hour (UTC) of the weekly maintenance window (server and app), e.g. "Sun:03:00"
    # (SageMaker API reference, WeeklyMaintenanceWindowStart, read 2026-11).
    weekly_maintenance_window_start: Annotated[
        str,
        pattern(
            r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d", "Ddd:HH:MM, e.g. Sun:03:00"
        ),
    ] = "Sun:03:00"
    self_hosted: SelfHostedConfig = Field(default_factory=SelfHostedConfig)
    working_hours: WorkingHoursConfig = Field(default_factory=WorkingHoursConfig)

    def working_hours_on(self, production: bool) -> bool:
        """Whether the server is stopped and started on the working-hours schedule."""
        if self.kind != "sagemaker":
            return False
        enabled = self.working_hours.enabled
        return (not production) if enabled is None else enabled

    @model_validator(mode="after")
    def _self_hosted_needs_tls(self) -> TrackingConfig:
        if self.kind == "self-hosted" and self.self_hosted.certificate_arn is None:
            raise ValueError(
                "selfHosted.certificateArn: missing; kind self-hosted requires the ACM "
                "certificate of its internal HTTPS load balancer"
            )
        return self
