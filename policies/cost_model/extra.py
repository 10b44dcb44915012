"""Pricers of the smaller billed types: alarms, logs, budgets, MLflow Apps, monitoring, apps.

Each takes (pricer, component, resource) like the methods of `Pricer`; `pricer.py` registers
them by type token. Pure, like the rest of the model.
"""

from __future__ import annotations

from typing import Any, Protocol

from .lines import PriceTable
from .resources import CostResource, Inventory
from .schedules import runs_per_month


class Pricer(Protocol):
    """What these pricers use of `pricer.Pricer` (a Protocol: no import back into it)."""

    plan: Inventory
    table: PriceTable
    hours: float

    def add(self, component: str, item: str, idle: float, extra: float = 0.0) -> None: ...

    def instance_hour(self, resource: CostResource, instance_type: str | None) -> float | None: ...

    def _rate(self, key: str, resource: CostResource, variant: str | None = None) -> float: ...


DAYS_PER_MONTH_DIVISOR = 24.0  # hours a day: a daily price x hoursPerMonth / 24


def alarm(p: Pricer, component: str, r: CostResource) -> None:
    p.add(component, "CloudWatch alarm (standard resolution)", p._rate("cloudwatchAlarmMonth", r))


def log_group(p: Pricer, component: str, r: CostResource) -> None:
    gb = float(p.table.assume("logGbPerGroupPerMonth"))
    ingest, store = p._rate("cloudwatchLogsIngestGb", r), p._rate("cloudwatchLogsStoreGbMonth", r)
    p.add(component, f"CloudWatch log group, {gb:g} GB a month", 0.0, gb * (ingest + store))


def flow_log(p: Pricer, component: str, r: CostResource) -> None:
    gb = float(p.table.assume("flowLogGbPerMonth"))
    to_s3 = str(r.inputs.get("logDestinationType") or "cloud-watch-logs") == "s3"
    key = "vendedLogsToS3Gb" if to_s3 else "cloudwatchLogsIngestGb"
    where = "to S3" if to_s3 else "to CloudWatch Logs"
    p.add(component, f"VPC flow logs {where}, {gb:g} GB a month", 0.0, gb * p._rate(key, r))


def budget(p: Pricer, component: str, r: CostResource) -> None:
    daily = p._rate("budgetDay", r)
    p.add(component, "AWS Budgets budget", daily * p.hours / DAYS_PER_MONTH_DIVISOR)


def budget_action(p: Pricer, component: str, r: CostResource) -> None:
    daily = p._rate("budgetActionDay", r)
    p.add(component, "AWS Budgets action-enabled budget", daily * p.hours / DAYS_PER_MONTH_DIVISOR)


def mlflow_app(p: Pricer, component: str, r: CostResource) -> None:
    monthly = p._rate("mlflowAppMonth", r)
    p.add(component, "MLflow App (serverless; artifacts billed as S3 storage)", monthly)


def monitoring_schedule(p: Pricer, component: str, r: CostResource) -> None:
    config: Any = r.inputs.get("monitoringScheduleConfig") or {}
    expression = str((config.get("scheduleConfig") or {}).get("scheduleExpression") or "")
    runs = runs_per_month(expression) if expression else 30.0
    instance, count = _monitoring_instance(p, str(config.get("monitoringJobDefinitionName")))
    rate = p.instance_hour(r, instance) or 0.0
    minutes = float(p.table.assume("monitoringMinutesPerRun"))
    p.add(
        component,
        f"model monitoring {runs:g} runs x {minutes:g} min {count:g} x {instance}",
        0.0,
        runs * minutes / 60 * count * rate,
    )


def _monitoring_instance(p: Pricer, definition: str) -> tuple[str, float]:
    for type_token in (
        "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
        "aws:sagemaker/modelQualityJobDefinition:ModelQualityJobDefinition",
    ):
        for job in p.plan.of_type(type_token):
            if definition in (job.inputs.get("name"), job.outputs.get("name"), job.name):
                cluster = (job.inputs.get("jobResources") or {}).get("clusterConfig") or {}
                instance = cluster.get("instanceType")
                if instance:
                    return str(instance), float(cluster.get("instanceCount") or 1)
    return str(p.table.assume("monitoringInstanceType")), 1.0


def studio_app(p: Pricer, component: str, r: CostResource) -> None:
    spec: Any = r.inputs.get("resourceSpec") or {}
    instance = str(spec.get("instanceType") or "system")
    if instance == "system":  # the JupyterServer on the free system instance
        p.add(component, "Studio app on the system instance", 0.0)
        return
    rate = p.instance_hour(r, instance) or 0.0
    p.add(component, f"Studio app {instance}, running until deleted", rate * p.hours)
