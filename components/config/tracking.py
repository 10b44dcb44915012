"""Config of experiment tracking: `mlops:tracking` (managed SageMaker MLflow or self-hosted)."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field, model_validator

from components.config.base import StrictModel, check, int_range, pattern

if TYPE_CHECKING:
    from components.settings import TeamSettings

# MLflow versions a SageMaker MLflow tracking server can run, as the service reports them
# (SageMaker developer guide, "Tracking server versions" and "Integrate MLflow with your
# environment", read 2026-11). The exact version is required: a short form such as "3.0" makes
# the provider see a change on every apply (hashicorp/terraform-provider-aws#42276).
SAGEMAKER_MLFLOW_VERSIONS: tuple[str, ...] = ("2.13.2", "2.16.2", "3.0.0")
DEFAULT_SAGEMAKER_MLFLOW_VERSION = "3.0.0"

# Sizes of a SageMaker MLflow tracking server (SageMaker API reference,
# CreateMlflowTrackingServer.TrackingServerSize, read 2026-11).
TrackingServerSize = Literal["Small", "Medium", "Large"]

ExactVersion = Annotated[
    str,
    pattern(r"\d+\.\d+\.\d+", "an exact MLflow version such as 3.0.0 (major.minor.patch)"),
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
AcmCertificateArn = Annotated[
    str,
    pattern(
        r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}",
        "an ACM certificate ARN such as arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>",
    ),
]
DbInstanceClass = Annotated[
    str, pattern(r"db\.[a-z0-9]+\.[a-z0-9]+", "an RDS instance class such as db.t4g.micro")
]

# EventBridge Scheduler expressions (Scheduler user guide, "Schedule types on EventBridge
# Scheduler", read 2026-11): cron(minutes hours day-of-month month day-of-week year), where one of
# day-of-month and day-of-week is `?`, or rate(value unit), singular unit for 1.
SCHEDULE_ALLOWED = (
    "an EventBridge Scheduler expression: cron(minutes hours day-of-month month day-of-week "
    "year) with exactly one of day-of-month/day-of-week '?', e.g. cron(0 7 ? * MON-FRI *), "
    "or rate(N minute(s)|hour(s)|day(s)), e.g. rate(12 hours)"
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# name, lowest, highest, names allowed instead of numbers
_CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minutes", 0, 59, ()),
    ("hours", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 1, 7, _DAYS),
    ("year", 1970, 2199, ()),
)


def _cron_value(token: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    return token.upper() in names or (token.isdigit() and low <= int(token) <= high)


def _cron_item_ok(item: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    """One list item of a cron field: `*`, `n`, `n-m`, each with an optional `/step`."""
    base, slash, step = item.partition("/")
    if slash and not (step.isdigit() and int(step) >= 1):
        return False
    if base == "*":
        return True
    first, dash, last = base.partition("-")
    return _cron_value(first, low, high, names) and (
        not dash or _cron_value(last, low, high, names)
    )


def _cron_field_ok(text: str, index: int) -> bool:
    _, low, high, names = _CRON_FIELDS[index]
    if (
        (text == "?" and index in (2, 4))
        or (index == 2 and re.fullmatch(r"L|LW|([1-9]|[12]\d|3[01])W", text))
        or (index == 4 and text == "L")
    ):
        return True
    last_or_nth = re.fullmatch(r"(\w+)(L|#[1-5])", text) if index == 4 else None
    if last_or_nth:
        return _cron_value(last_or_nth.group(1), low, high, names)
    return all(_cron_item_ok(item, low, high, names) for item in text.split(","))


def _rate_problem(expression: str) -> str | None:
    rate = re.fullmatch(r"rate\((\d+) (minute|hour|day)(s?)\)", expression)
    if not rate:
        return "not a cron(...) or rate(...) expression"
    value, plural = int(rate.group(1)), rate.group(3) == "s"
    if value < 1:
        return "a rate needs a positive value"
    if plural != (value > 1):
        return "a rate of 1 takes a singular unit, other values a plural one"
    return None


def schedule_expression_problem(expression: str) -> str | None:
    """Why `expression` is not a recurring EventBridge Scheduler expression (None: it is)."""
    cron = re.fullmatch(r"cron\(([^()]*)\)", expression)
    if not cron:
        return _rate_problem(expression)
    fields = cron.group(1).split()
    if len(fields) != len(_CRON_FIELDS):
        return f"a cron expression has {len(_CRON_FIELDS)} fields, this one {len(fields)}"
    for index, text in enumerate(fields):
        if not _cron_field_ok(text, index):
            return f"{_CRON_FIELDS[index][0]} field '{text}' is not valid"
    if (fields[2] == "?") == (fields[4] == "?"):
        return "exactly one of day-of-month and day-of-week must be '?'"
    return None


def _check_schedule(expression: str) -> str:
    problem = schedule_expression_problem(expression)
    if problem:
        raise ValueError(f"{problem}; allowed: {SCHEDULE_ALLOWED}")
    return expression


@cache
def iana_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


SchedulerExpression = Annotated[str, AfterValidator(_check_schedule)]
IanaTimezone = Annotated[
    str,
    check(
        lambda v: v in iana_timezones(),
        "an IANA time zone name (zoneinfo.available_timezones()), e.g. UTC or Europe/Dublin",
    ),
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
    memory_mib: int_range(512, 30720) = 2048
    desired_count: int_range(1, 10) = 1
    # Smallest Graviton burstable class (Amazon RDS pricing, read 2026-11: ~USD 0.016/h in
    # eu-west-1); raise it for many concurrent users.
    db_instance_class: DbInstanceClass = "db.t4g.micro"
    db_allocated_storage_gib: int_range(20, 1000) = 20
    # PostgreSQL major version, exact minor chosen by RDS (Amazon RDS for PostgreSQL versions,
    # read 2026-11).
    db_engine_version: Literal["16", "17"] = "17"
    db_backup_retention_days: int_range(1, 35) = 7
    # ACM certificate of the internal load balancer's HTTPS listener (required: basic-auth
    # credentials never travel in clear text).
    certificate_arn: AcmCertificateArn | None = None


class TrackingConfig(StrictModel):
    """`mlops:tracking`: one MLflow tracking server per team and environment."""

    kind: Literal["sagemaker", "self-hosted"] = "sagemaker"
    size: TrackingServerSize = "Small"
    mlflow_version: ExactVersion = DEFAULT_SAGEMAKER_MLFLOW_VERSION
    automatic_model_registration: bool = True
    # Hour (UTC) of the weekly maintenance window, e.g. "Sun:03:00" (SageMaker API reference,
    # WeeklyMaintenanceWindowStart, read 2026-11).
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


def tracking_problems(settings: TeamSettings) -> list[str]:
    """Checks that need more than `mlops:tracking` itself."""
    tracking = settings.tracking
    if tracking.kind != "sagemaker" and tracking.working_hours.enabled:
        return [
            "mlops:tracking.workingHours.enabled = true: only a managed SageMaker MLflow server "
            f"can be stopped and started on a schedule, this one is kind '{tracking.kind}'; "
            "allowed: false (or unset), or kind sagemaker"
        ]
    return []
