"""Kubernetes settings shared by every workload the platform runs: security contexts, egress."""

from __future__ import annotations

from typing import Any

# The non-root user the platform's images create (containers/*/Dockerfile).
RUN_AS_USER = 10001


def pod_security_context() -> dict[str, Any]:
    return {
        "run_as_non_root": True,
        "run_as_user": RUN_AS_USER,
        "run_as_group": RUN_AS_USER,
        "fs_group": RUN_AS_USER,
        "seccomp_profile": {"type": "RuntimeDefault"},
    }


def container_security_context() -> dict[str, Any]:
    """Kubernetes' 'restricted' Pod Security Standard for one container."""
    return {
        "allow_privilege_escalation": False,
        "read_only_root_filesystem": True,
        "run_as_non_root": True,
        "capabilities": {"drop": ["ALL"]},
    }


def dns_and_https_egress() -> list[dict[str, Any]]:
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
