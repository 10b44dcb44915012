"""Kubernetes rules for inference on EKS: pod hardening, limits, image origin, default deny."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.rules.common import as_list, of_type, resource_rule, stack_rule

POD = "kubernetes:core/v1:Pod"
NAMESPACE = "kubernetes:core/v1:Namespace"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
REPOSITORY = "aws:ecr/repository:Repository"
TEMPLATE_WORKLOADS = (
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
)
CRON_JOB = "kubernetes:batch/v1:CronJob"
WORKLOADS = (*TEMPLATE_WORKLOADS, CRON_JOB, POD)
ECR_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)[:@]")


def pod_spec(resource_type: str, props: Mapping[str, Any]) -> Mapping[str, Any]:
    spec: Any = props.get("spec") or {}
    if resource_type == CRON_JOB:
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template", {}).get("spec")
    elif resource_type in TEMPLATE_WORKLOADS:
        spec = (spec.get("template") or {}).get("spec")
    return spec if isinstance(spec, Mapping) else {}


def containers(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from (c for c in as_list(spec.get(key)) if isinstance(c, Mapping))


def namespace_of(props: Mapping[str, Any]) -> str:
    return str((props.get("metadata") or {}).get("namespace") or "default")


def _no_privileged(args, config):
    spec = pod_spec(args.resource_type, args.props)
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
    for volume in as_list(pod_spec(args.resource_type, args.props).get("volumes")):
        if isinstance(volume, Mapping) and volume.get("hostPath") is not None:
            path = (volume.get("hostPath") or {}).get("path")
            yield f"volume {volume.get('name')} mounts host path {path!r}"


def _limits(args, config):
    for container in containers(pod_spec(args.resource_type, args.props)):
        limits = (container.get("resources") or {}).get("limits") or {}
        missing = [k for k in ("cpu", "memory") if not limits.get(k)]
        if missing:
            yield f"container {container.get('name')} has no resources.limits {'/'.join(missing)}"


def _team_images(args, config):
    repositories = list(of_type(args.resources, REPOSITORY))
    urls = {str(r.props.get("repositoryUrl")) for r in repositories if r.props.get("repositoryUrl")}
    names = {str(r.props.get("name")) for r in repositories if r.props.get("name")}
    prefixes = tuple(config["allowedImagePrefixes"])
    for workload in of_type(args.resources, *WORKLOADS):
        for container in containers(pod_spec(workload.resource_type, workload.props)):
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
    spec = policy.get("spec") or {}
    selector = spec.get("podSelector")
    selects_all = isinstance(selector, Mapping) and not any(selector.values())
    return selects_all and "Ingress" in as_list(spec.get("policyTypes")) and not spec.get("ingress")


def _default_deny(args, config):
    namespaces = {
        str((n.props.get("metadata") or {}).get("name")): n.urn
        for n in of_type(args.resources, NAMESPACE)
        if (n.props.get("metadata") or {}).get("name")
    }
    for workload in of_type(args.resources, *WORKLOADS):
        namespaces.setdefault(namespace_of(workload.props), workload.urn)
    denied = {
        namespace_of(p.props)
        for p in of_type(args.resources, NETWORK_POLICY)
        if _is_default_deny(p.props)
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
        types=WORKLOADS,
        severity=Severity.CRITICAL,
        description="Pods run no privileged container, no privilege escalation and no host "
        "network/PID/IPC.",
        remediation="Remove privileged/hostNetwork/hostPID/hostIPC; set "
        "allowPrivilegeEscalation false.",
        check=_no_privileged,
    ),
    resource_rule(
        "k8s-no-host-path",
        types=WORKLOADS,
        severity=Severity.HIGH,
        description="Pods mount no hostPath volume.",
        remediation="Use emptyDir, a PVC, or S3 instead of hostPath.",
        check=_no_host_path,
    ),
    resource_rule(
        "k8s-resource-limits",
        types=WORKLOADS,
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
