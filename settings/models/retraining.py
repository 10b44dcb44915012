"""Config of scheduled retraining and model monitoring: `mlops:retraining`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from settings.models.base import StrictModel
from settings.values import (
    IanaTimezone,
    InstanceType,
    KubernetesCron,
    MonitorSchedule,
    SchedulerExpression,
    int_range,
    pattern,
)

ExperimentName = Annotated[str, pattern(r"[\w.-]{1,100}", "1-100 letters, digits, _ . -")]
# The model is registered as `<scope>-<name>`, which is also its SageMaker model package group:
# an EntityName, [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62} (botocore's SageMaker model, read 2026-12).
# Lower case only: model package ARNs carry the group name in lower case, so IAM resources, the
# served ARN and the group's name are then one string.
RegisteredModelName = Annotated[
    str,
    pattern(
        r"[a-z0-9](-*[a-z0-9]){0,39}",
        "1-40 lower-case letters, digits and inner hyphens (it names a SageMaker model package "
        "group)",
    ),
]


class MonitorConfig(StrictModel):
    """Data-quality monitoring of the endpoint's captured requests (SageMaker real-time only:
    serverless endpoints support neither data capture nor Model Monitor)."""

    # None: on whenever the endpoint captures data.
    enabled: bool | None = None
    schedule: MonitorSchedule = "cron(0 * ? * * *)"
    instance_type: InstanceType = "ml.m5.large"
    # Hourly monitoring jobs must finish within 3600 s (Model Monitor docs, read 2026-11).
    max_runtime_seconds: Annotated[int, int_range(60, 3600)] = 3600


class RetrainingConfig(StrictModel):
    """`mlops:retraining`: when and how the pipeline image retrains the model."""

    enabled: bool = True
    schedule: SchedulerExpression = "cron(0 3 ? * MON *)"
    timezone: IanaTimezone = "UTC"
    kubernetes_schedule: KubernetesCron = "0 3 * * 1"
    instance_type: InstanceType = "ml.m5.large"
    # Processing jobs run at most 5 days (SageMaker StoppingCondition, read 2026-11).
    max_runtime_hours: Annotated[int, int_range(1, 120)] = 4
    volume_size_gb: Annotated[int, int_range(1, 16384)] = 30
    experiment_name: ExperimentName | None = None  # default: <team>-training
    registered_model_name: RegisteredModelName | None = None  # default: <team>-model
    pipeline_arguments: list[
        Annotated[str, pattern(r"[\w.=:/-]{1,200}", "a kedro run argument")]
    ] = Field(default_factory=lambda: ["--pipeline", "training"])
    monitor: MonitorConfig = Field(default_factory=MonitorConfig)
