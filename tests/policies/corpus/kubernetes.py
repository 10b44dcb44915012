"""Insecure variants: Kubernetes workloads on EKS."""

from __future__ import annotations

from tests.policies.corpus.cases import (
    DEPLOYMENT,
    Case,
    put,
)
from tests.policies.helpers import (
    account,
    add,
    change,
    deployment,
    namespace,
)

CASES = [
    Case(
        "privileged-container",
        "vision-dev",
        "k8s-no-privileged",
        lambda p: change(
            p,
            DEPLOYMENT,
            None,
            put("spec.template.spec.containers.0.securityContext", {"privileged": True}),
        ),
    ),
    Case(
        "host-path",
        "vision-dev",
        "k8s-no-host-path",
        lambda p: change(
            p,
            DEPLOYMENT,
            None,
            put(
                "spec.template.spec.volumes", [{"name": "docker", "hostPath": {"path": "/var/run"}}]
            ),
        ),
    ),
    Case(
        "no-limits",
        "vision-dev",
        "k8s-resource-limits",
        lambda p: change(
            p,
            DEPLOYMENT,
            None,
            put("spec.template.spec.containers.0.resources", {"requests": {"cpu": "1"}}),
        ),
    ),
    Case(
        "docker-hub-image",
        "vision-dev",
        "k8s-images-from-team-ecr",
        lambda p: change(
            p,
            DEPLOYMENT,
            None,
            put("spec.template.spec.containers.0.image", "docker.io/library/python:3.11"),
        ),
    ),
    Case(
        "namespace-without-default-deny",
        "vision-dev",
        "k8s-default-deny-network-policy",
        lambda p: add(p, "kubernetes:core/v1:Namespace", "scratch", namespace("scratch")),
    ),
    Case(
        "workload-in-unguarded-namespace",
        "fraud-dev",
        "k8s-default-deny-network-policy",
        lambda p: add(
            p,
            DEPLOYMENT,
            "serve",
            deployment(
                f"{account(p)}.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/inference:v0.3.1"
            ),
        ),
    ),
]
