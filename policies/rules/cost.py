"""Cost: instance types from the environment's allow-list, GPU count, monthly budget.

None of the common rule sets covers these; all three are this pack's own.

- **GPU count**: instance families `ml.p*`, `ml.g*`, `ml.trn*`, `ml.inf*`, `ml.dl*` (Amazon
  SageMaker pricing, instance families, read 2026-11); notebooks, spaces and apps count 1 each,
  endpoint variants their `initialInstanceCount`, or the `maxCapacity` of an
  `appautoscaling/target` whose `resourceId` ends with the variant name when larger.
  Kubernetes workloads count the accelerators (`nvidia.com/gpu`, Neuron...) their pods request
  or limit, times their replicas (or the `maxReplicas` of the HorizontalPodAutoscaler that
  targets them; see `policies.rules.kubernetes_workloads.kubernetes_gpus`).
- **Budget**: `cost-monthly-budget` compares the stack's typical monthly cost with pack config
  `monthlyBudgetUsd` (skipped when that is 0 or missing). The cost is computed here, from the
  resources the rule sees, with the cost model `mlopsctl cost` uses (`policies/cost_model/`, pure
  functions and the price table `prices.yaml`, inside the pack), so `pulumi preview --policy-pack
  policies` and a published pack judge the same figure as the offline runner. It needs PyYAML (a
  dependency of the `pulumi` SDK). A pack config `estimatedMonthlyCostUsd` still overrides the
  computed figure.
  `monthlyBudgetUsd` is the stack's `mlops:team.monthlyBudgetUsd`, in the pack config that
  `mlopsctl pack-config` writes for the CLI and that the offline runner uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from policies.cost_model.core import estimate_policy_resources
from policies.factory import resource_rule, stack_rule
from policies.props import as_list, is_sequence, number
from policies.resource_types import (
    APPAUTOSCALING_TARGET,
    SAGEMAKER_APP,
    SAGEMAKER_DATA_QUALITY_JOB_DEFINITION,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_ENDPOINT_CONFIG,
    SAGEMAKER_NOTEBOOK,
    SAGEMAKER_PIPELINE,
    SAGEMAKER_SPACE,
    SAGEMAKER_USER_PROFILE,
    ResourceTypes,
)
from policies.rules.kubernetes_workloads import kubernetes_gpus
from policies.rules.sagemaker_pipeline import pipeline_instance_types

INSTANCE_TYPED = ResourceTypes(
    SAGEMAKER_NOTEBOOK,
    SAGEMAKER_ENDPOINT_CONFIG,
    SAGEMAKER_SPACE,
    SAGEMAKER_APP,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_USER_PROFILE,
    # Pipeline steps (in the pipelineDefinition JSON) and Model Monitor jobs run instances too.
    SAGEMAKER_PIPELINE,
    SAGEMAKER_DATA_QUALITY_JOB_DEFINITION,
)
# Lab resources that run one instance each.
SINGLE_INSTANCE = ResourceTypes(SAGEMAKER_NOTEBOOK, SAGEMAKER_SPACE, SAGEMAKER_APP)
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
    found = {*instance_types(args.props), *pipeline_instance_types(args.props)}
    for instance_type in sorted(found):
        if instance_type not in allowed:
            yield (
                f"instance type {instance_type} is not allowed in this environment; "
                f"allowed: {', '.join(allowed) or 'none'}"
            )


def _gpu_instances(resources) -> Iterator[tuple[Any, str, float]]:
    """(resource, instance type, instances at most) for every GPU instance the stack can run."""
    scaling = {
        str(t.props.get("resourceId", "")).rsplit("/", 1)[-1]: number(t.props.get("maxCapacity"))
        for t in APPAUTOSCALING_TARGET.select(resources)
        if t.props.get("serviceNamespace") == "sagemaker"
    }
    for r in SINGLE_INSTANCE.select(resources):
        for instance_type in instance_types(r.props):
            if is_gpu(instance_type):
                yield r, instance_type, 1.0
    for r in SAGEMAKER_ENDPOINT_CONFIG.select(resources):
        for variant in as_list(r.props.get("productionVariants")):
            instance_type = str((variant or {}).get("instanceType") or "")
            if is_gpu(instance_type):
                count = number(variant.get("initialInstanceCount"), 1.0)
                yield r, instance_type, max(count, scaling.get(variant.get("variantName"), 0.0))


def _gpu_limit(args, config):
    limit = number(config["maxGpuInstancesPerTeam"])
    found = [*_gpu_instances(args.resources), *kubernetes_gpus(args.resources)]
    total = sum(count for _, _, count in found)
    if total > limit:
        detail = ", ".join(f"{r.name}: {count:g} x {t}" for r, t, count in found)
        yield f"{total:g} GPU instances at most ({detail}); the limit is {limit:g}", None


def _budget(args, config):
    budget = config.get("monthlyBudgetUsd")
    if not budget:
        return  # no budget: nothing to judge
    given = config.get("estimatedMonthlyCostUsd")
    if given is None:
        cost = estimate_policy_resources(args.resources)
        estimate, how = cost.typical_monthly_usd, f"typical use, {cost.region} list prices"
    else:
        estimate, how = number(given), "pack config estimatedMonthlyCostUsd"
    if estimate > number(budget):
        yield (
            f"estimated monthly cost {estimate:,.2f} USD ({how}) exceeds the team budget "
            f"{number(budget):,.2f} USD",
            None,
        )


POLICIES = [
    resource_rule(
        "cost-instance-type-allowed",
        selector=INSTANCE_TYPED,
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
        "(notebooks, spaces, apps, endpoint variants and Kubernetes GPU pods at their "
        "autoscaling maximum).",
        remediation="Lower instance counts or autoscaling maxima, or raise the limit after a "
        "budget review.",
        check=_gpu_limit,
        defaults={"maxGpuInstancesPerTeam": 0},
    ),
    stack_rule(
        "cost-monthly-budget",
        severity=Severity.MEDIUM,
        description="The stack's estimated monthly cost (typical use, priced from the "
        "resources by the cost model of mlopsctl cost) stays under monthlyBudgetUsd.",
        remediation="Reduce instance sizes/counts or raise mlops:team.monthlyBudgetUsd.",
        check=_budget,
        enforcement=EnforcementLevel.MANDATORY,
        defaults={"monthlyBudgetUsd": 0, "estimatedMonthlyCostUsd": None},
    ),
]
