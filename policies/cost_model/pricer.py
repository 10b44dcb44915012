"""What each billed resource type costs: one small method per type, looked up by type token.

Pure (standard library and the price table): the policy pack runs it too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from .extra import (
    alarm,
    budget,
    budget_action,
    flow_log,
    log_group,
    mlflow_app,
    monitoring_schedule,
    studio_app,
)
from .free import FREE_TYPES, is_free
from .lines import CostLine, PriceTable
from .resources import CostResource, Inventory
from .schedules import WEEKS_PER_MONTH, runs_per_month, working_hours_per_week

__all__ = ["FREE_TYPES", "PRICED_TYPES", "Pricer"]

# The universal targets of a tracking server's working-hours schedules
# (components/documents/tracking.py): billed per invocation, a few dozen a month, counted as free.
WORKING_HOURS_TARGET = re.compile(
    r"arn:aws[a-z-]*:scheduler:::aws-sdk:sagemaker:(start|stop)MlflowTrackingServer"
)


class Pricer:
    def __init__(self, plan: Inventory, table: PriceTable):
        self.plan = plan
        self.table = table
        self.hours = table.hours_per_month
        self.lines: list[CostLine] = []
        self.unpriced: set[str] = set()
        self.notes: list[str] = []
        self.members = len(plan.of_type("aws:sagemaker/userProfile:UserProfile"))

    def add(self, component: str, item: str, idle: float, extra: float = 0.0) -> None:
        self.lines.append(CostLine(component, item, idle, idle + extra))

    def instance_hour(self, resource: CostResource, instance_type: str | None) -> float | None:
        rate = self.table.rate("sagemakerInstanceHour", instance_type)
        if rate is None:
            self.unpriced.add(f"{resource.type} ({instance_type})")
        return rate

    def price(self, component: str, r: CostResource) -> None:
        """One planned resource's cost lines (types with a price; free types; else unpriced)."""
        pricer = _PRICERS.get(r.type)
        if pricer is not None:
            pricer(self, component, r)
        elif not is_free(r.type):
            self.unpriced.add(r.type)

    def _rate(self, key: str, resource: CostResource, variant: str | None = None) -> float:
        rate = self.table.rate(key, variant)
        if rate is None:
            self.unpriced.add(f"{resource.type} ({variant})" if variant else resource.type)
        return rate or 0.0

    def _vpc_endpoint(self, component: str, r: CostResource) -> None:
        if r.inputs.get("vpcEndpointType") != "Interface":
            return  # gateway endpoints (S3, DynamoDB) are free
        azs = len(r.inputs.get("subnetIds") or []) or 1
        rate = self.table.rate("vpcInterfaceEndpointAzHour") or 0.0
        service = str(r.inputs.get("serviceName", r.name)).rsplit(".", 1)[-1]
        self.add(component, f"interface endpoint {service} x {azs} AZ", rate * azs * self.hours)

    def _egress_gb(self, type_token: str) -> float:
        """This gateway's share of the environment's egress traffic (the typical-use part)."""
        gateways = len(self.plan.of_type(type_token)) or 1
        return float(self.table.assume("egressGbPerMonth")) / gateways

    def _nat_gateway(self, component: str, r: CostResource) -> None:
        gb = self._egress_gb(r.type)
        hourly, per_gb = self._rate("natGatewayHour", r), self._rate("natGatewayGb", r)
        self.add(component, f"NAT gateway, {gb:g} GB processed", hourly * self.hours, gb * per_gb)

    def _transit_attachment(self, component: str, r: CostResource) -> None:
        gb = self._egress_gb(r.type)
        hourly = self._rate("transitGatewayAttachmentHour", r)
        per_gb = self._rate("transitGatewayGb", r)
        self.add(
            component,
            f"transit gateway attachment, {gb:g} GB processed",
            hourly * self.hours,
            gb * per_gb,
        )

    def _storage(self, component: str, assumption: str, rate_key: str, label: str) -> None:
        gb = float(self.table.assume(assumption))
        self.add(component, f"{label} {gb:g} GB", gb * (self.table.rate(rate_key) or 0.0))

    def _load_balancer(self, component: str, r: CostResource) -> None:
        self.add(component, "load balancer", (self.table.rate("albHour") or 0.0) * self.hours)

    def _rds(self, component: str, r: CostResource) -> None:
        klass = r.inputs.get("instanceClass")
        rate = self._rate("rdsInstanceHour", r, klass)
        storage = float(r.inputs.get("allocatedStorage") or 20)
        monthly = rate * self.hours + storage * (self.table.rate("rdsGp3GbMonth") or 0.0)
        self.add(component, f"RDS {klass} + {storage:g} GB", monthly)

    def _tracking_server(self, component: str, r: CostResource) -> None:
        size = r.inputs.get("trackingServerSize") or "Small"
        rate = self._rate("mlflowTrackingServerHour", r, size)
        hours, how = self._tracking_server_hours(str(r.inputs.get("trackingServerName") or r.name))
        self.add(component, f"MLflow tracking server {size}, {how}", rate * hours)

    def _notebook(self, component: str, r: CostResource) -> None:
        instance = r.inputs.get("instanceType")
        rate = self.instance_hour(r, instance) or 0.0
        volume = float(r.inputs.get("volumeSize") or 5)
        storage = volume * (self.table.rate("sagemakerMlStorageGbMonth") or 0.0)
        hours = float(self.table.assume("notebookHoursPerMemberPerMonth"))
        self.add(component, f"notebook {instance}, {hours:g} h", storage, rate * hours)

    def _space(self, component: str, r: CostResource) -> None:
        gb = _find_number(r.inputs, "ebsVolumeSizeInGb") or 5.0
        rate = self.table.rate("sagemakerMlStorageGbMonth") or 0.0
        self.add(component, f"space volume {gb:g} GB", gb * rate)

    def _schedule(self, component: str, r: CostResource) -> None:
        if not WORKING_HOURS_TARGET.fullmatch(str((r.inputs.get("target") or {}).get("arn"))):
            self._retraining(component, r)

    def _tracking_server_hours(self, server_name: str) -> tuple[float, str]:
        """Billed hours a month of a tracking server: always on, or its schedules' working hours."""
        expressions: dict[str, str] = {}
        for schedule in self.plan.of_type("aws:scheduler/schedule:Schedule"):
            target = schedule.inputs.get("target") or {}
            found = WORKING_HOURS_TARGET.fullmatch(str(target.get("arn")))
            try:
                request = json.loads(target.get("input") or "{}")
            except (TypeError, json.JSONDecodeError):
                request = {}
            if found and request.get("TrackingServerName") == server_name:
                expressions[found.group(1)] = str(schedule.inputs.get("scheduleExpression"))
        if not expressions:
            return self.hours, "always on"
        start, stop = expressions.get("start", ""), expressions.get("stop", "")
        weekly = working_hours_per_week(start, stop)
        if weekly is None:
            self.notes.append(
                f"MLflow tracking server {server_name}: working-hours schedules start "
                f"'{start or 'none'}' / stop '{stop or 'none'}' are not a weekday cron pair this "
                "model reads; counted always on"
            )
            return self.hours, "always on (working-hours schedule not read)"
        monthly = min(weekly * WEEKS_PER_MONTH, self.hours)
        return monthly, f"working hours {weekly:g} h a week x {WEEKS_PER_MONTH:g} = {monthly:g} h"

    def _fargate(self, component: str, service: CostResource) -> None:
        arn = service.inputs.get("taskDefinition")
        task = next(
            (
                t
                for t in self.plan.of_type("aws:ecs/taskDefinition:TaskDefinition")
                if arn in (t.outputs.get("arn"), t.outputs.get("family"), t.inputs.get("family"))
            ),
            None,
        )
        if task is None:
            self.unpriced.add(f"{service.type} (task definition not found)")
            return
        count = float(service.inputs.get("desiredCount") or 1)
        vcpu = float(task.inputs.get("cpu") or 256) / 1024
        memory_gb = float(task.inputs.get("memory") or 512) / 1024
        hourly = vcpu * (self.table.rate("fargateVcpuHour") or 0.0) + memory_gb * (
            self.table.rate("fargateGbHour") or 0.0
        )
        self.add(
            component,
            f"Fargate {count:g} x {vcpu:g} vCPU/{memory_gb:g} GB",
            hourly * count * self.hours,
        )

    def _endpoint(self, component: str, config: CostResource) -> None:
        for variant in config.inputs.get("productionVariants") or []:
            serverless = variant.get("serverlessConfig")
            if serverless:
                memory_gb = float(serverless.get("memorySizeInMb") or 2048) / 1024
                requests = float(self.table.assume("endpointRequestsPerMonth"))
                seconds = float(self.table.assume("serverlessSecondsPerRequest"))
                rate = self.table.rate("sagemakerServerlessGbSecond") or 0.0
                self.add(
                    component,
                    f"serverless endpoint {memory_gb:g} GB, {requests:,.0f} requests",
                    0.0,
                    requests * seconds * memory_gb * rate,
                )
                continue
            instance = variant.get("instanceType")
            count = float(variant.get("initialInstanceCount") or 1)
            rate = self.instance_hour(config, instance) or 0.0
            self.add(
                component,
                f"real-time endpoint {count:g} x {instance}",
                rate * count * self.hours,
            )

    def _domain(self, component: str, domain: CostResource) -> None:
        members = self.members or int(self.table.assume("membersWhenUnknown"))
        gb = float(self.table.assume("efsBaselineGbPerMember")) * members
        self.add(
            component,
            f"Studio home EFS {gb:g} GB",
            gb * (self.table.rate("efsStandardGbMonth") or 0.0),
        )
        default = _find_value(
            domain.inputs.get("defaultUserSettings") or {}, "instanceType"
        ) or self.table.assume("defaultNotebookInstanceType")
        hours = float(self.table.assume("notebookHoursPerMemberPerMonth"))
        profiles = self.plan.of_type("aws:sagemaker/userProfile:UserProfile")
        types = [_find_value(p.inputs, "instanceType") or default for p in profiles] or [
            default
        ] * members
        for instance in sorted(set(types)):
            count = types.count(instance)
            rate = self.instance_hour(domain, instance) or 0.0
            self.add(
                component,
                f"notebooks {count} members x {hours:g} h {instance}",
                0.0,
                rate * hours * count,
            )

    def _retraining(self, component: str, schedule: CostResource) -> None:
        runs = runs_per_month(str(schedule.inputs.get("scheduleExpression") or ""))
        instance = self._pipeline_instance_type() or self.table.assume("retrainingInstanceType")
        rate = self.instance_hour(schedule, instance) or 0.0
        hours = float(self.table.assume("retrainingHoursPerRun"))
        self.add(
            component,
            f"retraining {runs:g} runs x {hours:g} h {instance}",
            0.0,
            runs * hours * rate,
        )

    def _pipeline_instance_type(self) -> str | None:
        for pipeline in self.plan.of_type("aws:sagemaker/pipeline:Pipeline"):
            found = re.search(r"ml\.[a-z0-9]+\.[a-z0-9]+", str(pipeline.inputs))
            if found:
                return found.group(0)
        return None


def _find_value(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        if key in value:
            return value[key]
        for item in value.values():
            found = _find_value(item, key)
            if found is not None:
                return found
    if isinstance(value, list):
        for item in value:
            found = _find_value(item, key)
            if found is not None:
                return found
    return None


def _find_number(value: Any, key: str) -> float | None:
    found = _find_value(value, key)
    return float(found) if isinstance(found, int | float) else None


_PRICERS: dict[str, Callable[[Pricer, str, CostResource], None]] = {
    "aws:ec2/vpcEndpoint:VpcEndpoint": Pricer._vpc_endpoint,
    "aws:kms/key:Key": lambda p, c, _r: p.add(c, "KMS key", p.table.rate("kmsKeyMonth") or 0.0),
    "aws:s3/bucket:Bucket": lambda p, c, _r: p._storage(
        c, "s3BaselineGbPerBucket", "s3StandardGbMonth", "S3"
    ),
    "aws:ecr/repository:Repository": lambda p, c, _r: p._storage(
        c, "ecrBaselineGbPerRepository", "ecrStorageGbMonth", "ECR"
    ),
    "aws:secretsmanager/secret:Secret": lambda p, c, _r: p.add(
        c, "secret", p.table.rate("secretMonth") or 0.0
    ),
    "aws:lb/loadBalancer:LoadBalancer": Pricer._load_balancer,
    "aws:ec2/natGateway:NatGateway": Pricer._nat_gateway,
    "aws:ec2/eip:Eip": lambda p, c, r: p.add(
        c, "public IPv4 address", p._rate("publicIpv4Hour", r) * p.hours
    ),
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": Pricer._transit_attachment,
    "aws:rds/instance:Instance": Pricer._rds,
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": Pricer._tracking_server,
    "aws:ecs/service:Service": Pricer._fargate,
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": Pricer._endpoint,
    "aws:sagemaker/notebookInstance:NotebookInstance": Pricer._notebook,
    "aws:sagemaker/domain:Domain": Pricer._domain,
    "aws:sagemaker/space:Space": Pricer._space,
    "aws:scheduler/schedule:Schedule": Pricer._schedule,
    "aws:cloudwatch/metricAlarm:MetricAlarm": alarm,
    "aws:cloudwatch/logGroup:LogGroup": log_group,
    "aws:ec2/flowLog:FlowLog": flow_log,
    "aws:budgets/budget:Budget": budget,
    "aws:budgets/budgetAction:BudgetAction": budget_action,
    "aws:sagemaker/mlflowApp:MlflowApp": mlflow_app,
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule": monitoring_schedule,
    "aws:sagemaker/app:App": studio_app,
}
PRICED_TYPES = frozenset(_PRICERS)
