"""Cost rules: instance types from the environment's allow-list, GPU count, monthly budget."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from policies.rules.common import as_list, is_sequence, number, of_type, resource_rule, stack_rule

NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
SPACE = "aws:sagemaker/space:Space"
APP = "aws:sagemaker/app:App"
SCALING_TARGET = "aws:appautoscaling/target:Target"
INSTANCE_TYPED = (
    NOTEBOOK,
    ENDPOINT_CONFIG,
    SPACE,
    APP,
    "aws:sagemaker/domain:Domain",
    "aws:sagemaker/userProfile:UserProfile",
)
# Accelerated SageMaker instance families: P and G (NVIDIA GPUs), Trn/Inf (AWS Trainium and
# Inferentia), DL (Gaudi) (Amazon SageMaker pricing, instance families, read 2026-11).
GPU_FAMILY_PREFIXES = ("ml.p", "ml.g", "ml.trn", "ml.inf", "ml.dl")


def is_gpu(instance_type: str) -> bool:
    return instance_type.startswith(GPU_FAMILY_PREFIXES)


def instance_types(value: Any) -> Iterator[str]:
    """Every `instanceType` anywhere in a resource's props (variants, resource specs...)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "instanceType" and isinstance(item, str):
                yield item
            else:
                yield from instance_types(item)
    elif is_sequence(value):
        for item in value:
            yield from instance_types(item)


def _allowed_types(args, config):
    allowed = [*config["allowedInstanceTypes"], *config["allowedGpuInstanceTypes"]]
    for instance_type in sorted(set(instance_types(args.props))):
        if instance_type not in allowed:
            yield (
                f"instance type {instance_type} is not allowed in this environment; "
                f"allowed: {', '.join(allowed) or 'none'}"
            )


def _gpu_instances(resources) -> Iterator[tuple[Any, str, float]]:
    """(resource, instance type, instances at most) for every GPU instance the stack can run."""
    scaling = {
        str(t.props.get("resourceId", "")).rsplit("/", 1)[-1]: number(t.props.get("maxCapacity"))
        for t in of_type(resources, SCALING_TARGET)
        if t.props.get("serviceNamespace") == "sagemaker"
    }
    for r in of_type(resources, NOTEBOOK, SPACE, APP):
        for instance_type in instance_types(r.props):
            if is_gpu(instance_type):
                yield r, instance_type, 1.0
    for r in of_type(resources, ENDPOINT_CONFIG):
        for variant in as_list(r.props.get("productionVariants")):
            instance_type = str((variant or {}).get("instanceType") or "")
            if is_gpu(instance_type):
                count = number(variant.get("initialInstanceCount"), 1.0)
                yield r, instance_type, max(count, scaling.get(variant.get("variantName"), 0.0))


def _gpu_limit(args, config):
    limit = number(config["maxGpuInstancesPerTeam"])
    found = list(_gpu_instances(args.resources))
    total = sum(count for _, _, count in found)
    if total > limit:
        detail = ", ".join(f"{r.name}: {count:g} x {t}" for r, t, count in found)
        yield f"{total:g} GPU instances at most ({detail}); the limit is {limit:g}", None


def _budget(args, config):
    estimate = config.get("estimatedMonthlyCostUsd")
    budget = config.get("monthlyBudgetUsd")
    if estimate is None or not budget:
        return  # no estimate (the CLI cannot price a preview) or no budget: nothing to judge
    if number(estimate) > number(budget):
        yield (
            f"estimated monthly cost {number(estimate):,.2f} USD exceeds the team budget "
            f"{number(budget):,.2f} USD",
            None,
        )


POLICIES = [
    resource_rule(
        "cost-instance-type-allowed",
        types=INSTANCE_TYPED,
        severity=Severity.MEDIUM,
        description="Lab and endpoint instance types come from the environment's allow-list "
        "(allowedInstanceTypes + allowedGpuInstanceTypes).",
        remediation="Pick an allowed type, or extend the environment's allow-list after review.",
        check=_allowed_types,
        defaults={
            "allowedInstanceTypes": ["ml.t3.medium", "ml.m5.large", "ml.m5.xlarge"],
            "allowedGpuInstanceTypes": [],
        },
    ),
    stack_rule(
        "cost-gpu-instance-limit",
        severity=Severity.MEDIUM,
        description="A team stack runs at most maxGpuInstancesPerTeam GPU instances "
        "(notebooks, spaces, apps, endpoint variants at their autoscaling maximum).",
        remediation="Lower instance counts or autoscaling maxima, or raise the limit after a "
        "budget review.",
        check=_gpu_limit,
        defaults={"maxGpuInstancesPerTeam": 0},
    ),
    stack_rule(
        "cost-monthly-budget",
        severity=Severity.MEDIUM,
        description="The stack's estimated monthly cost stays under the team's budget "
        "(estimatedMonthlyCostUsd vs monthlyBudgetUsd; skipped without an estimate).",
        remediation="Reduce instance sizes/counts or raise mlops:team.monthlyBudgetUsd.",
        check=_budget,
        enforcement=EnforcementLevel.MANDATORY,
        defaults={"monthlyBudgetUsd": 0, "estimatedMonthlyCostUsd": None},
    ),
]
