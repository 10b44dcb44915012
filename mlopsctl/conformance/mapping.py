"""Every mapped resource type and the AWS API requests it becomes (see `requests.py`).

The types are those the shipped stacks and their variants plan (lab kinds, tracking kinds,
inference backends, production), plus the IAM, budget and registry types the components
create in other configurations. Planned types with no AWS create call of their own are listed
in `NOT_API_RESOURCES` with the reason.
"""

from __future__ import annotations

from mlopsctl.conformance.mapping_network import NETWORK_REQUESTS
from mlopsctl.conformance.mapping_operations import OPERATIONS_REQUESTS
from mlopsctl.conformance.mapping_platform import (
    ECR_REQUESTS,
    IAM_REQUESTS,
    KMS_REQUESTS,
    S3_REQUESTS,
    SECRETS_REQUESTS,
)
from mlopsctl.conformance.mapping_sagemaker import SAGEMAKER_REQUESTS
from mlopsctl.conformance.requests import Request

REQUESTS: dict[str, tuple[Request, ...]] = {
    **SAGEMAKER_REQUESTS,
    **IAM_REQUESTS,
    **KMS_REQUESTS,
    **S3_REQUESTS,
    **ECR_REQUESTS,
    **SECRETS_REQUESTS,
    **OPERATIONS_REQUESTS,
    **NETWORK_REQUESTS,
}

NOT_API_RESOURCES = {
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "adopts the VPC's default group; no "
    "create call (its rules' descriptions are checked by the security group rule)",
    "docker:index/image:Image": "a Docker build and push, not an AWS API request",
}
NOT_API_PREFIXES = ("pulumi:", "mlops:", "kubernetes:")  # providers, components, Kubernetes


def wanted_operations() -> dict[str, list[str]]:
    """`{service: [operation, ...]}` of every mapped request."""
    wanted: dict[str, set[str]] = {}
    for requests in REQUESTS.values():
        for item in requests:
            wanted.setdefault(item.service, set()).add(item.operation)
    return {service: sorted(ops) for service, ops in sorted(wanted.items())}
