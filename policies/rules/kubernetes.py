"""Inference on EKS: pod hardening, limits, image origin, default-deny network policies.

The Kubernetes resources of the EKS serving option, as pulumi-kubernetes registers them.

- **Workloads** are Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and Pod; the
  pod spec is read where each kind holds it.
- **Images**: an image is the team's when it is a repository URL of an `aws:ecr/repository` of
  the stack, or an ECR image URI whose repository name is one of them, or starts with an
  `allowedImagePrefixes` entry; unknown images (computed at deploy time) are skipped.
- **Namespaces**: every `Namespace` and every namespace a workload uses (`default` when unset).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from pulumi_policy import Severity

from policies.factory import resource_rule, stack_rule
from policies.props import as_list
from policies.resource_types import (
    ECR_REPOSITORY,
    K8S_CRON_JOB,
    K8S_NAMESPACE,
    K8S_NETWORK_POLICY,
    K8S_TEMPLATE_WORKLOADS,
    K8S_WORKLOADS,
    Typed,
)

ECR_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)[:@]")


class Workload(Typed, Protocol):
    """`ResourceValidationArgs` or `PolicyResource` of a workload type."""

    props: Mapping[str, Any]


def pod_spec(workload: Workload) -> Mapping[str, Any]:
    """The pod spec of a workload (validation args or a planned resource); {} if none."""
    spec: Any = workload.props.get("spec") or {}
    if K8S_CRON_JOB.matches(workload):
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template", {}).get("spec")
    elif K8S_TEMPLATE_WORKLOADS.matches(workload):
        spec = (spec.get("template") or {}).get("spec")
    return spec if isinstance(spec, Mapping) else {}


def containers(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from (c for c in as_list(spec.get(key)) if isinstance(c, Mapping))


def namespace_of(props: Mapping[str, Any]) -> str:
    return str((props.get("metadata") or {}).get("namespace") or "default")


def _no_privileged(args, config):
    spec = pod_spec(args)
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag) is True:
            yield f"pod spec sets {flag}: true"
    for container in containers(spec):
        context = container.get("securityContext") or {}
        if context.get("privileged") is True:
            yield f"container {container.get('name')} is privileged"
        if context.get("allowPrivilegeEscalation") is True:
            yield f"container {container.get('name')} allows privilege escalation"


def _no_host_path(args, config):
    for volume in as_list(pod_spec(args).get("volumes")):
        if isinstance(volume, Mapping) and volume.get("hostPath") is not None:
            path = (volume.get("hostPath") or {}).get("path")
            yield f"volume {volume.get('name')} mounts host path {path!r}"


def _limits(args, config):
    for container in containers(pod_spec(args)):
        limits = (container.get("resources") or {}).get("limits") or {}
        missing = [k for k in ("cpu", "memory") if not limits.get(k)]
        if missing:
            yield f"container {container.get('name')} has no resources.limits {'/'.join(missing)}"


def _team_images(args, config):
    repositories = list(ECR_REPOSITORY.select(args))
    urls = {str(r.props.get("repositoryUrl")) for r in repositories if r.props.get("repositoryUrl")}
    names = {str(r.props.get("name")) for r in repositories if r.props.get("name")}
    prefixes = tuple(config["allowedImagePrefixes"])
    for workload in K8S_WORKLOADS.select(args):
        for container in containers(pod_spec(workload)):
            image = container.get("image")
            if not isinstance(image, str) or not image:
                continue  # unknown until the repository exists
            match = ECR_IMAGE.match(image)
            if any(image.startswith(f"{u}:") or image.startswith(f"{u}@") for u in urls):
                continue
            if (match and match.group(3) in names) or (prefixes and image.startswith(prefixes)):
                continue
            yield (
                f"{workload.name}: container {container.get('name')} image {image!r} is not from "
                "one of the team's ECR repositories",
                workload.urn,
            )


def _is_default_deny(policy: Mapping[str, Any]) -> bool:
    """podSelector {} and no ingress rule; policyTypes unset means Ingress (kubernetes.io,
    Concepts > Services > Network Policies, read 2026-12)."""
    spec = policy.get("spec") or {}
    selector = spec.get("podSelector")
    selects_all = isinstance(selector, Mapping) and not any(selector.values())
    types = as_list(spec.get("policyTypes")) or ["Ingress"]
    return selects_all and "Ingress" in types and not spec.get("ingress")


def _default_deny(args, config):
    namespaces = {
        str((n.props.get("metadata") or {}).get("name")): n.urn
        for n in K8S_NAMESPACE.select(args)
        if (n.props.get("metadata") or {}).get("name")
    }
    for workload in K8S_WORKLOADS.select(args):
        namespaces.setdefault(namespace_of(workload.props), workload.urn)
    denied = {
        namespace_of(p.props) for p in K8S_NETWORK_POLICY.select(args) if _is_default_deny(p.props)
    }
    for namespace, urn in sorted(namespaces.items()):
        if namespace not in denied:
            yield (
                f"namespace {namespace} has no default-deny NetworkPolicy "
                "(podSelector {}, policyTypes [Ingress], no ingress rules)",
                urn,
            )


POLICIES = [
    resource_rule(
        "k8s-no-privileged",
        selector=K8S_WORKLOADS,
        severity=Severity.CRITICAL,
        description="Pods run no privileged container, no privilege escalation and no host "
        "network/PID/IPC.",
        remediation="Remove privileged/hostNetwork/hostPID/hostIPC; set "
        "allowPrivilegeEscalation false.",
        check=_no_privileged,
    ),
    resource_rule(
        "k8s-no-host-path",
        selector=K8S_WORKLOADS,
        severity=Severity.HIGH,
        description="Pods mount no hostPath volume.",
        remediation="Use emptyDir, a PVC, or S3 instead of hostPath.",
        check=_no_host_path,
    ),
    resource_rule(
        "k8s-resource-limits",
        selector=K8S_WORKLOADS,
        severity=Severity.MEDIUM,
        description="Every container sets CPU and memory limits.",
        remediation="Set resources.limits.cpu and resources.limits.memory on every container.",
        check=_limits,
    ),
    stack_rule(
        "k8s-images-from-team-ecr",
        severity=Severity.HIGH,
        description="Containers run images from the team's ECR repositories only (scanned, "
        "immutable, KMS-encrypted).",
        remediation="Push the image to the team's ECR repository and reference it by tag or "
        "digest; add other trusted registries to allowedImagePrefixes.",
        check=_team_images,
        defaults={"allowedImagePrefixes": []},
    ),
    stack_rule(
        "k8s-default-deny-network-policy",
        severity=Severity.HIGH,
        description="Every namespace the stack uses has a default-deny ingress NetworkPolicy.",
        remediation="Add a NetworkPolicy with podSelector {} and policyTypes [Ingress] (and "
        "Egress) in each namespace, then allow the traffic needed explicitly.",
        check=_default_deny,
    ),
]
