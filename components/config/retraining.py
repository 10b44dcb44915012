"""Config of scheduled retraining and model monitoring: `mlops:retraining`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from components.config.base import InstanceType, StrictModel, int_range, pattern

if TYPE_CHECKING:
    from components.settings import TeamSettings

# EventBridge Scheduler expressions (Scheduler user guide, "Schedule types", read 2026-11).
ScheduleExpression = Annotated[
    str,
    pattern(
        r"(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))",
        "an EventBridge schedule such as cron(0 3 ? * MON *) or rate(7 days)",
    ),
]
# Kubernetes CronJob schedule: five fields (Kubernetes CronJob docs, read 2026-11).
CronSchedule = Annotated[
    str, pattern(r"(\S+\s+){4}\S+", "a five-field cron schedule such as 0 3 * * 1")
]
# Model Monitor accepts hourly, daily or explicit cron schedules (SageMaker
# MonitoringScheduleConfig/ScheduleConfig API reference, read 2026-11).
MonitorSchedule = Annotated[
    str,
    pattern(
        r"cron\([^()]+\)",
        "a Model Monitor schedule such as cron(0 * ? * * *) (hourly) or cron(0 0 ? * * *)",
    ),
]
Timezone = Annotated[str, pattern(r"[A-Za-z_]+(/[A-Za-z_+-]+)*", "an IANA zone such as UTC")]
ExperimentName = Annotated[str, pattern(r"[\w.-]{1,100}", "1-100 letters, digits, _ . -")]


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


class MonitorConfig(StrictModel):
    """Data-quality monitoring of the endpoint's captured requests (SageMaker real-time only:
    serverless endpoints support neither data capture nor Model Monitor)."""

    # None: on whenever the endpoint captures data.
    enabled: bool | None = None
    schedule: MonitorSchedule = "cron(0 * ? * * *)"
    instance_type: InstanceType = "ml.m5.large"
    # Hourly monitoring jobs must finish within 3600 s (Model Monitor docs, read 2026-11).
    max_runtime_seconds: int_range(60, 3600) = 3600


class RetrainingConfig(StrictModel):
    """`mlops:retraining`: when and how the pipeline image retrains the model."""

    enabled: bool = True
    schedule: ScheduleExpression = "cron(0 3 ? * MON *)"
    timezone: Timezone = "UTC"
    kubernetes_schedule: CronSchedule = "0 3 * * 1"
    instance_type: InstanceType = "ml.m5.large"
    # Processing jobs run at most 5 days (SageMaker StoppingCondition, read 2026-11).
    max_runtime_hours: int_range(1, 120) = 4
    volume_size_gb: int_range(1, 16384) = 30
    experiment_name: ExperimentName | None = None  # default: <team>-training
    registered_model_name: ExperimentName | None = None  # default: <team>-model
    pipeline_arguments: list[
        Annotated[str, pattern(r"[\w.=:/-]{1,200}", "a kedro run argument")]
    ] = Field(default_factory=lambda: ["--pipeline", "training"])
    monitor: MonitorConfig = Field(default_factory=MonitorConfig)


def retraining_problems(settings: TeamSettings) -> list[str]:
    """Checks against the environment's allow-list and the inference backend."""
    retraining = settings.retraining
    governance = settings.env.governance
    allowed = [*governance.allowed_instance_types, *governance.allowed_gpu_instance_types]
    problems = []
    if (
        settings.inference.backend == "sagemaker"
        and retraining.enabled
        and retraining.instance_type not in allowed
    ):
        problems.append(
            f"mlops:retraining.instanceType = '{retraining.instance_type}': not allowed in "
            f"environment '{settings.env.stack}'; allowed: {', '.join(allowed)}"
        )
    if retraining.monitor.enabled and not monitor_possible(settings):
        problems.append(
            "mlops:retraining.monitor.enabled = true: needs a SageMaker real-time endpoint "
            "with data capture (serverless endpoints and the kubernetes backend capture no "
            "data); allowed: false, or inference.backend sagemaker with sagemaker.mode "
            "realtime and a model"
        )
    elif monitor_enabled(settings):
        if retraining.monitor.instance_type not in allowed:
            problems.append(
                f"mlops:retraining.monitor.instanceType = '{retraining.monitor.instance_type}': "
                f"not allowed in environment '{settings.env.stack}'; allowed: {', '.join(allowed)}"
            )
        if settings.region not in MODEL_MONITOR_ACCOUNTS:
            problems.append(
                f"aws:region = '{settings.region}': the Model Monitor image account of this "
                f"region is not known here; allowed: {', '.join(MODEL_MONITOR_ACCOUNTS)} "
                "(or retraining.monitor.enabled: false)"
            )
    return problems


def monitor_possible(settings: TeamSettings) -> bool:
    inference = settings.inference
    return (
        inference.backend == "sagemaker"
        and inference.deploys_model
        and inference.sagemaker.resolved_mode(settings.production) == "realtime"
    )


def monitor_enabled(settings: TeamSettings) -> bool:
    enabled = settings.retraining.monitor.enabled
    return monitor_possible(settings) if enabled is None else enabled
