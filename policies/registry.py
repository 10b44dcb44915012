"""Every policy of the pack, in one list, and the registry table (severity, remediation)."""

from __future__ import annotations

from pulumi_policy import Policy

from policies.rules import common, cost, ecr, governance, iam, kms, kubernetes, s3, sagemaker

PACK_NAME = "mlops-data-rules"
MODULES = (s3, kms, iam, sagemaker, ecr, kubernetes, governance, cost)
RULES = common.RULES


def all_policies() -> list[Policy]:
    return [policy for module in MODULES for policy in module.POLICIES]


def policy_names() -> list[str]:
    return [policy.name for policy in all_policies()]
