"""Monthly cost of a planned stack: what it costs idle, and with typical use.

Reads the plan generically, by type token and inputs, so it prices whatever components exist:
- idle: what bills with nothing running: interface endpoints per AZ-hour, KMS keys, S3/ECR/EFS
  baseline storage, MLflow tracking servers (always on, or the working hours of their stop/start
  schedules), RDS, load balancers, Fargate services,
  secrets, real-time endpoint instances at their initial count, notebook and space volumes;
- typical: idle plus notebook hours per member, serverless endpoint traffic and scheduled
  retraining runs, with the assumptions of the price table (overridable).

Resources this model has no price for are listed in `unpriced`, never silently counted as free.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from mlopsctl.cost.schedules import WEEKS_PER_MONTH, runs_per_month, working_hours_per_week
from mlopsctl.plan import Plan, PlannedResource
from mlopsctl.render.grouping import components

PRICES_FILE = Path(__file__).with_name("prices.yaml")

# Types that AWS does not bill by themselves (or bills only through what they contain).
FREE_TYPES = re.compile(
    r"^aws:(iam|s3/bucket[A-Z]|kms/alias|ec2/(vpc|subnet|routeTable|securityGroup|defaultSecurity"
    r"Group|routeTableAssociation|flowLog):|vpc/|sagemaker/(userProfile|studioLifecycleConfig|"
    r"codeRepository|notebookInstanceLifecycleConfiguration|model|endpoint|modelPackageGroup|"
    r"pipeline|app|mlflowApp):|ecr/(lifecyclePolicy|repositoryPolicy)|appautoscaling/|"
    r"scheduler/scheduleGroup|cloudwatch/(eventRule|eventTarget|metricAlarm)|lb/(targetGroup|"
    r"listener)|rds/(subnetGroup|parameterGroup)|ecs/(cluster|taskDefinition)|sns/|"
    r"secretsmanager/secretVersion)"
)

# The universal targets of a tracking server's working-hours schedules
# (components/documents/tracking.py): billed per invocation, a few dozen a month, counted as free.
WORKING_HOURS_TARGET = re.compile(
    r"arn:aws[a-z-]*:scheduler:::aws-sdk:sagemaker:(start|stop)MlflowTrackingServer"
)


@dataclass(frozen=True)
class PriceTable:
    hours_per_month: float
    region: str
    prices: Mapping[str, Mapping[str, Any]]
    assumptions: Mapping[str, Any]

    def rate(self, item: str, variant: str | None = None) -> float | None:
        entry = self.prices.get(item)
        if entry is None:
            return None
        usd = entry["usd"]
        if isinstance(usd, Mapping):
            return None if variant is None else usd.get(variant)
        return float(usd)

    def assume(self, name: str) -> Any:
        return self.assumptions[name]


@cache
def _read(path: str) -> dict[str, Any]:
    return yaml.safe_load(Path(path).read_text())


def load_prices(
    region: str, path: Path = PRICES_FILE, overrides: Mapping[str, Any] | None = None
) -> PriceTable:
    """The price table of `region` (or the file's default region), with assumption overrides."""
    data = _read(str(path))
    regions = data["regions"]
    chosen = region if region in regions else data["defaultRegion"]
    assumptions = {k: v["value"] for k, v in data["assumptions"].items()}
    assumptions.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return PriceTable(float(data["hoursPerMonth"]), chosen, regions[chosen], assumptions)


@dataclass
class CostLine:
    component: str  # component name, e.g. `raw-bucket`, `network`
    item: str  # what is billed, e.g. `3 interface endpoints x 2 AZ`
    idle_monthly_usd: float
    typical_monthly_usd: float  # includes the idle part


@dataclass
class CostEstimate:
    stack: str
    region: str
    idle_monthly_usd: float
    typical_monthly_usd: float
    lines: list[CostLine] = field(default_factory=list)
    unpriced: list[str] = field(default_factory=list)  # resource types without a price here
    assumptions: dict[str, Any] = field(default_factory=dict)

    def by_component(self) -> dict[str, tuple[float, float]]:
        totals: dict[str, tuple[float, float]] = {}
        for line in self.lines:
            idle, typical = totals.get(line.component, (0.0, 0.0))
            totals[line.component] = (
                idle + line.idle_monthly_usd,
                typical + line.typical_monthly_usd,
            )
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "region": self.region,
            "idleMonthlyUsd": round(self.idle_monthly_usd, 2),
            "typicalMonthlyUsd": round(self.typical_monthly_usd, 2),
            "components": {
                name: {"idleMonthlyUsd": round(i, 2), "typicalMonthlyUsd": round(t, 2)}
                for name, (i, t) in self.by_component().items()
            },
            "lines": [
                {
                    "component": line.component,
                    "item": line.item,
                    "idleMonthlyUsd": round(line.idle_monthly_usd, 4),
                    "typicalMonthlyUsd": round(line.typical_monthly_usd, 4),
                }
                for line in self.lines
            ],
            "unpriced": self.unpriced,
            "assumptions": self.assumptions,
        }


class _Pricer:
    def __init__(self, plan: Plan, table: PriceTable):
        self.plan = plan
        self.table = table
        self.hours = table.hours_per_month
        self.lines: list[CostLine] = []
        self.unpriced: set[str] = set()
        self.notes: list[str] = []
        self.members = len(plan.of_type("aws:sagemaker/userProfile:UserProfile"))

    def add(self, component: str, item: str, idle: float, extra: float = 0.0) -> None:
        self.lines.append(CostLine(component, item, idle, idle + extra))

    def instance_hour(self, resource: PlannedResource, instance_type: str | None) -> float | None:
        rate = self.table.rate("sagemakerInstanceHour", instance_type)
        if rate is None:
            self.unpriced.add(f"{resource.type} ({instance_type})")
        return rate

    def price(self, component: str, r: PlannedResource) -> None:
        kind = r.type
        inputs = r.inputs
        table = self.table
        if kind == "aws:ec2/vpcEndpoint:VpcEndpoint":
            if inputs.get("vpcEndpointType") != "Interface":
                return  # gateway endpoints (S3, DynamoDB) are free
            azs = len(inputs.get("subnetIds") or []) or 1
            rate = table.rate("vpcInterfaceEndpointAzHour") or 0.0
            service = str(inputs.get("serviceName", r.name)).rsplit(".", 1)[-1]
            self.add(component, f"interface endpoint {service} x {azs} AZ", rate * azs * self.hours)
        elif kind == "aws:kms/key:Key":
            self.add(component, "KMS key", table.rate("kmsKeyMonth") or 0.0)
        elif kind == "aws:s3/bucket:Bucket":
            gb = float(table.assume("s3BaselineGbPerBucket"))
            self.add(component, f"S3 {gb:g} GB", gb * (table.rate("s3StandardGbMonth") or 0.0))
        elif kind == "aws:ecr/repository:Repository":
            gb = float(table.assume("ecrBaselineGbPerRepository"))
            self.add(component, f"ECR {gb:g} GB", gb * (table.rate("ecrStorageGbMonth") or 0.0))
        elif kind == "aws:secretsmanager/secret:Secret":
            self.add(component, "secret", table.rate("secretMonth") or 0.0)
        elif kind == "aws:lb/loadBalancer:LoadBalancer":
            self.add(component, "load balancer", (table.rate("albHour") or 0.0) * self.hours)
        elif kind == "aws:rds/instance:Instance":
            klass = inputs.get("instanceClass")
            rate = table.rate("rdsInstanceHour", klass)
            if rate is None:
                self.unpriced.add(f"{kind} ({klass})")
                rate = 0.0
            storage = float(inputs.get("allocatedStorage") or 20)
            monthly = rate * self.hours + storage * (table.rate("rdsGp3GbMonth") or 0.0)
            self.add(component, f"RDS {klass} + {storage:g} GB", monthly)
        elif kind == "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer":
            size = inputs.get("trackingServerSize") or "Small"
            rate = table.rate("mlflowTrackingServerHour", size)
            if rate is None:
                self.unpriced.add(f"{kind} ({size})")
                rate = 0.0
            hours, how = self._tracking_server_hours(
                str(inputs.get("trackingServerName") or r.name)
            )
            self.add(component, f"MLflow tracking server {size}, {how}", rate * hours)
        elif kind == "aws:ecs/service:Service":
            self._fargate(component, r)
        elif kind == "aws:sagemaker/endpointConfiguration:EndpointConfiguration":
            self._endpoint(component, r)
        elif kind == "aws:sagemaker/notebookInstance:NotebookInstance":
            instance = inputs.get("instanceType")
            rate = self.instance_hour(r, instance) or 0.0
            volume = float(inputs.get("volumeSize") or 5)
            storage = volume * (table.rate("sagemakerMlStorageGbMonth") or 0.0)
            hours = float(table.assume("notebookHoursPerMemberPerMonth"))
            self.add(component, f"notebook {instance}, {hours:g} h", storage, rate * hours)
        elif kind == "aws:sagemaker/domain:Domain":
            self._domain(component, r)
        elif kind == "aws:sagemaker/space:Space":
            gb = _find_number(inputs, "ebsVolumeSizeInGb") or 5.0
            rate = table.rate("sagemakerMlStorageGbMonth") or 0.0
            self.add(component, f"space volume {gb:g} GB", gb * rate)
        elif kind == "aws:scheduler/schedule:Schedule":
            if not WORKING_HOURS_TARGET.fullmatch(str((inputs.get("target") or {}).get("arn"))):
                self._retraining(component, r)
        elif not FREE_TYPES.match(kind) and kind.startswith("aws:"):
            self.unpriced.add(kind)

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

    def _fargate(self, component: str, service: PlannedResource) -> None:
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

    def _endpoint(self, component: str, config: PlannedResource) -> None:
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

    def _domain(self, component: str, domain: PlannedResource) -> None:
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

    def _retraining(self, component: str, schedule: PlannedResource) -> None:
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


def estimate(
    plan: Plan,
    prices: PriceTable | None = None,
    assumptions: Mapping[str, Any] | None = None,
) -> CostEstimate:
    """The monthly cost estimate of a plan; the policy pack's budget rule calls this."""
    region = str(plan.config.get("aws:region") or plan.exports.get("region") or "")
    table = prices or load_prices(region, overrides=assumptions)
    pricer = _Pricer(plan, table)
    seen: set[str] = set()
    for component in components(plan):
        for resource in component.resources:
            seen.add(resource.urn)
            pricer.price(component.name, resource)
    for resource in plan.resources:  # resources outside any component (other programs)
        if resource.custom and resource.urn not in seen:
            pricer.price("(stack)", resource)
    idle = sum(line.idle_monthly_usd for line in pricer.lines)
    typical = sum(line.typical_monthly_usd for line in pricer.lines)
    assumptions_used = dict(table.assumptions)
    if pricer.notes:
        assumptions_used["notes"] = pricer.notes
    return CostEstimate(
        stack=plan.stack,
        region=table.region,
        idle_monthly_usd=idle,
        typical_monthly_usd=typical,
        lines=pricer.lines,
        unpriced=sorted(pricer.unpriced),
        assumptions=assumptions_used,
    )
