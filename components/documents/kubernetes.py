"""Kubernetes settings shared by every workload the platform runs: security contexts, egress."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the SDK's input types; the documents themselves are plain dicts
    from pulumi_kubernetes.core.v1 import PodSecurityContextArgsDict, SecurityContextArgsDict
    from pulumi_kubernetes.networking.v1 import NetworkPolicyEgressRuleArgsDict

# The non-root user the platform's images create (containers/*/Dockerfile).
RUN_AS_USER = 10001


def pod_security_context() -> PodSecurityContextArgsDict:
    return {
        "run_as_non_root": True,
        "run_as_user": RUN_AS_USER,
        "run_as_group": RUN_AS_USER,
        "fs_group": RUN_AS_USER,
        "seccomp_profile": {"type": "RuntimeDefault"},
    }


def container_security_context() -> SecurityContextArgsDict:
    """Kubernetes' 'restricted' Pod Security Standard for one container."""
    return {
        "allow_privilege_escalation": False,
        "read_only_root_filesystem": True,
        "run_as_non_root": True,
        "capabilities": {"drop": ["ALL"]},
    }


def dns_and_https_egress() -> list[NetworkPolicyEgressRuleArgsDict]:
    """NetworkPolicy egress rules: DNS to kube-system, and HTTPS (S3, STS, MLflow through the
    VPC's endpoints: the private subnets have no internet route)."""
    return [
        {
            "to": [
                {
                    "namespace_selector": {
                        "match_labels": {"kubernetes.io/metadata.name": "kube-system"}
                    }
                }
            ],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
        },
        {"ports": [{"protocol": "TCP", "port": 443}]},
    ]
