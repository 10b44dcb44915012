"""Every policy of the pack, family by family, and the registry table (severity, remediation).

A family is one module of `policies/rules/`; `FAMILIES` lists them in the order the pack serves
them (a test checks that every module there is listed).
"""

from __future__ import annotations

from types import ModuleType

from pulumi_policy import Policy

from policies.factory import RULES, RuleInfo
from policies.rules import (
    accounts,
    cost,
    ecr,
    exemptions,
    exposure,
    governance,
    iam,
    iam_escalation,
    kms,
    kubernetes,
    kubernetes_workloads,
    network,
    s3,
    s3_destinations,
    sagemaker_lab,
    sagemaker_pipeline,
    sagemaker_schedule,
    sagemaker_serving,
    tracking,
)

PACK_NAME = "mlops-data-rules"
FAMILIES: tuple[ModuleType, ...] = (
    s3,
    s3_destinations,
    kms,
    accounts,
    iam,
    iam_escalation,
    sagemaker_lab,
    sagemaker_serving,
    sagemaker_pipeline,
    sagemaker_schedule,
    tracking,
    ecr,
    kubernetes,
    kubernetes_workloads,
    network,
    exposure,
    governance,
    cost,
    exemptions,  # last: reports the exemptions the policies above applied
)

__all__ = [
    "FAMILIES",
    "PACK_NAME",
    "RULES",
    "RuleInfo",
    "all_policies",
    "family_name",
    "family_of",
    "policy_names",
]


def all_policies() -> list[Policy]:
    return [policy for module in FAMILIES for policy in module.POLICIES]


def policy_names() -> list[str]:
    return [policy.name for policy in all_policies()]


def family_name(module: ModuleType) -> str:
    """`s3` for `policies.rules.s3`."""
    return module.__name__.rsplit(".", 1)[-1]


def family_of(policy_name: str) -> str:
    """The family (rule module) a policy is declared in."""
    for module in FAMILIES:
        if any(policy.name == policy_name for policy in module.POLICIES):
            return family_name(module)
    raise KeyError(policy_name)
