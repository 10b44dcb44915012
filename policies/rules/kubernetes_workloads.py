"""Kubernetes: restricted pod security, exposure, ingress sources, RBAC, GPU replicas.

A team's model server and retraining CronJob run in its namespace of a shared EKS cluster; what
a hand-written chart or a drifted program can add there is judged here (pod specs are read as
`policies.rules.kubernetes.pod_spec` reads them: Deployments, StatefulSets, DaemonSets,
ReplicaSets, Jobs, CronJobs at `spec.jobTemplate.spec.template.spec`, Pods; init and ephemeral
containers too).

- **Capabilities / root**: the "restricted" profile of the Pod Security Standards
  (kubernetes.io, Concepts > Security > Pod Security Standards, read 2026-12): every container
  drops `ALL` and adds nothing but `NET_BIND_SERVICE`; `runAsNonRoot` is true (pod or
  container level, a container's own value wins), `runAsUser` is not 0, and
  `allowPrivilegeEscalation` is explicitly false (unset means allowed). Capability names are
  compared upper-cased and without `CAP_`, as container runtimes apply them. Checkov
  CKV_K8S_25/28/37/39 (capabilities), CKV_K8S_20 (privilege escalation), CKV_K8S_23/40
  (root).
- **Services**: `NodePort` opens a port on every node; `LoadBalancer` makes an AWS load
  balancer, internet-facing unless `service.beta.kubernetes.io/aws-load-balancer-scheme:
  internal` (AWS Load Balancer Controller, "Service annotations" and "Network Load Balancer",
  read 2026-12: the scheme annotation, and the legacy `aws-load-balancer-internal: "true"`;
  the in-tree controller makes internet-facing load balancers by default). The model servers
  are ClusterIP behind the cluster's ingress; an internal load balancer passes only with
  `allowInternalLoadBalancers`. `externalIPs` are refused too (no Checkov equivalent).
- **NetworkPolicy ingress**: a rule with no `from` admits every source; a peer
  `namespaceSelector: {}` (an empty selector selects every namespace) and an `ipBlock` wider
  than a /8 (IPv6 /16; so `/0` split in halves too) admit the whole cluster or the internet
  (kubernetes.io, Concepts > Services > Network Policies, read 2026-12).
- **RBAC**: bindings to `cluster-admin` (any binding), to `admin`/`edit` cluster-wide, or to
  the `system:anonymous`/`system:unauthenticated`/`system:authenticated` groups; Roles and
  ClusterRoles granting `*` verbs on `*` resources, the `escalate`/`bind`/`impersonate` verbs,
  or (ClusterRoles) reading `secrets` without `resourceNames` (kubernetes.io, Reference >
  Using RBAC Authorization and "Role Based Access Control Good Practices", read 2026-12; CIS
  Kubernetes Benchmark 5.1.1-5.1.3 and 5.1.8; Checkov CKV_K8S_49, CKV_K8S_157/158).
- **GPUs**: `kubernetes_gpus` counts the accelerators pods request, times their replicas, for
  `cost-gpu-instance-limit`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, Severity

from policies.factory import resource_rule
from policies.props import as_list, get_path, number
from policies.resource_types import (
    K8S_CLUSTER_ROLE,
    K8S_CLUSTER_ROLE_BINDING,
    K8S_CRON_JOB,
    K8S_DAEMON_SET,
    K8S_HPA,
    K8S_JOB,
    K8S_NETWORK_POLICY,
    K8S_POD,
    K8S_ROLE,
    K8S_ROLE_BINDING,
    K8S_SERVICE,
    K8S_WORKLOADS,
)
from policies.rules.kubernetes import containers, namespace_of, pod_spec

SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme"
LEGACY_INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal"
ADMIN_ROLES = ("admin", "edit")  # built-in ClusterRoles that read and write secrets
PUBLIC_GROUPS = ("system:anonymous", "system:unauthenticated", "system:authenticated")
READ_VERBS = {"get", "list", "watch", "*"}
ESCALATION_VERBS = {"escalate", "bind", "impersonate"}
# Extended resources of accelerators: NVIDIA/AMD GPUs, AWS Neuron devices, Habana Gaudi.
GPU_RESOURCES = (
    "nvidia.com/gpu",
    "amd.com/gpu",
    "aws.amazon.com/neuron",
    "aws.amazon.com/neurondevice",
    "habana.ai/gaudi",
)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _shown(value: Any) -> str:
    return (
        "unset" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


def _capability(name: Any) -> str:
    text = str(name).upper()
    return text[4:] if text.startswith("CAP_") else text


def _capabilities(args, config):
    allowed = {_capability(c) for c in as_list(config["allowedAddedCapabilities"])}
    for container in containers(pod_spec(args)):
        caps = _mapping(get_path(container, "securityContext", "capabilities"))
        added = [str(c) for c in as_list(caps.get("add")) if _capability(c) not in allowed]
        name = container.get("name")
        if added:
            yield (
                f"container {name} securityContext.capabilities.add is {added}; only "
                f"{sorted(allowed) or 'none'} may be added"
            )
        dropped = [str(c) for c in as_list(caps.get("drop"))]
        if "ALL" not in {_capability(c) for c in dropped}:
            yield (
                f"container {name} securityContext.capabilities.drop is {dropped or 'unset'}, "
                "not [ALL]"
            )


def _effective(container: Mapping[str, Any], pod: Mapping[str, Any], key: str) -> Any:
    """A container's own security setting, else the pod's (Kubernetes' precedence)."""
    own = _mapping(container.get("securityContext")).get(key)
    return own if own is not None else pod.get(key)


def _non_root(args, config):
    spec = pod_spec(args)
    pod = _mapping(spec.get("securityContext"))
    for container in containers(spec):
        name = container.get("name")
        non_root = _effective(container, pod, "runAsNonRoot")
        if non_root is not True:
            yield f"container {name} runAsNonRoot is {_shown(non_root)} (pod/container), not true"
        user = _effective(container, pod, "runAsUser")
        if user is not None and number(user, -1.0) == 0:
            yield f"container {name} runAsUser is 0 (root)"
        escalation = _mapping(container.get("securityContext")).get("allowPrivilegeEscalation")
        if escalation is not False:
            yield (
                f"container {name} securityContext.allowPrivilegeEscalation is "
                f"{_shown(escalation)}, not false"
            )


def _is_internal(annotations: Mapping[str, Any]) -> bool:
    scheme = str(annotations.get(SCHEME) or "").lower()
    return scheme == "internal" or str(annotations.get(LEGACY_INTERNAL) or "").lower() == "true"


def _service_exposure(args, config):
    spec = _mapping(args.props.get("spec"))
    kind = spec.get("type") or "ClusterIP"
    annotations = _mapping(get_path(args.props, "metadata", "annotations"))
    if kind == "NodePort":
        yield "spec.type is NodePort: the service listens on a port of every node"
    elif kind == "LoadBalancer":
        internal = _is_internal(annotations)
        if not (internal and config["allowInternalLoadBalancers"]):
            scheme = "internal" if internal else f"internet-facing ({SCHEME} is not internal)"
            yield f"spec.type is LoadBalancer: an {scheme} AWS load balancer in front of the pods"
    external = as_list(spec.get("externalIPs"))
    if external:
        yield f"spec.externalIPs is {[str(ip) for ip in external]}: reachable outside the cluster"


def _selects_all(selector: Mapping[str, Any]) -> bool:
    """An empty label selector selects everything (matchLabels {} and no expressions)."""
    return not selector.get("matchLabels") and not as_list(selector.get("matchExpressions"))


def _broad(cidr: str) -> bool:
    """/0, or wider than a /8 (IPv4) or /16 (IPv6): `0.0.0.0/1` + `128.0.0.0/1` is /0 too."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return network.prefixlen < (8 if network.version == 4 else 16)


def _ingress_sources(args, config):
    for i, rule in enumerate(as_list(get_path(args.props, "spec", "ingress"))):
        if not isinstance(rule, Mapping):
            continue
        peers = as_list(rule.get("from"))
        if not peers:
            yield f"spec.ingress[{i}] has no from: it admits every source, in or out of cluster"
        for j, peer in enumerate(p for p in peers if isinstance(p, Mapping)):
            selector = peer.get("namespaceSelector")
            if isinstance(selector, Mapping) and _selects_all(selector):
                yield f"spec.ingress[{i}].from[{j}].namespaceSelector is {{}}: every namespace"
            cidr = str(_mapping(peer.get("ipBlock")).get("cidr") or "")
            if _broad(cidr):
                yield f"spec.ingress[{i}].from[{j}].ipBlock.cidr is {cidr}: (almost) any address"


def _bindings(args, config):
    ref = _mapping(args.props.get("roleRef"))
    role, kind = ref.get("name"), ref.get("kind")
    cluster_wide = K8S_CLUSTER_ROLE_BINDING.matches(args)
    if kind == "ClusterRole" and role == "cluster-admin":
        yield "roleRef is ClusterRole cluster-admin: full control"
    elif kind == "ClusterRole" and role in ADMIN_ROLES and cluster_wide:
        yield f"roleRef is ClusterRole {role} bound cluster-wide: writes and secrets everywhere"
    for subject in as_list(args.props.get("subjects")):
        name = _mapping(subject).get("name")
        if name in PUBLIC_GROUPS:
            yield f"subjects include {name}: the role is granted to everyone of that group"


def _role_rules(args, config):
    cluster = K8S_CLUSTER_ROLE.matches(args)
    for i, rule in enumerate(r for r in as_list(args.props.get("rules")) if isinstance(r, Mapping)):
        verbs = {str(v).lower() for v in as_list(rule.get("verbs"))}
        resources = {str(r) for r in as_list(rule.get("resources"))}
        groups = {str(g) for g in as_list(rule.get("apiGroups"))}
        if "*" in verbs and "*" in resources:
            yield f"rules[{i}] grants verbs [*] on resources [*]"
        elif (
            cluster
            and verbs & READ_VERBS
            and resources & {"secrets", "*"}
            and (not groups or groups & {"", "*"})
            and not as_list(rule.get("resourceNames"))
        ):
            yield f"rules[{i}] grants {sorted(verbs & READ_VERBS)} on secrets in every namespace"
        escalation = sorted(verbs & ESCALATION_VERBS)
        if escalation:
            yield f"rules[{i}] grants {escalation}: privilege escalation"


# -- GPU replicas (for cost-gpu-instance-limit) -----------------------------------------------


def _pod_gpus(spec: Mapping[str, Any]) -> dict[str, float]:
    """Accelerators one pod holds: its containers' sum, or its largest init container."""

    def of(container: Mapping[str, Any], resource: str) -> float:
        requested = _mapping(container.get("resources"))
        return max(number(_mapping(requested.get(k)).get(resource)) for k in ("requests", "limits"))

    found: dict[str, float] = {}
    for resource in GPU_RESOURCES:
        main = sum(
            of(c, resource) for c in as_list(spec.get("containers")) if isinstance(c, Mapping)
        )
        init = [
            of(c, resource) for c in as_list(spec.get("initContainers")) if isinstance(c, Mapping)
        ]
        count = max(main, *init) if init else main
        if count > 0:
            found[resource] = count
    return found


def _target(resource: PolicyResource) -> tuple[str, str, str]:
    kind = resource.resource_type.rsplit(":", 1)[-1]
    return namespace_of(resource.props), kind, str(get_path(resource.props, "metadata", "name"))


def _replicas(workload: PolicyResource, scaling: Mapping[tuple[str, str, str], float]) -> float:
    """Pods a workload can run at most: replicas or its autoscaler's maximum, a Job's
    parallelism, one for a Pod (and per node for a DaemonSet: counted once)."""
    spec = _mapping(workload.props.get("spec"))
    if K8S_POD.matches(workload) or K8S_DAEMON_SET.matches(workload):
        return 1.0
    if K8S_CRON_JOB.matches(workload):
        return number(get_path(spec, "jobTemplate", "spec", "parallelism"), 1.0)
    if K8S_JOB.matches(workload):
        return number(spec.get("parallelism"), 1.0)
    return max(number(spec.get("replicas"), 1.0), scaling.get(_target(workload), 0.0))


def kubernetes_gpus(resources: Iterable[PolicyResource]) -> Iterator[tuple[Any, str, float]]:
    """(workload, accelerator resource, units at most) for every workload requesting one."""
    resources = list(resources)
    scaling = {}
    for hpa in K8S_HPA.select(resources):
        ref = _mapping(get_path(hpa.props, "spec", "scaleTargetRef"))
        key = (namespace_of(hpa.props), str(ref.get("kind")), str(ref.get("name")))
        scaling[key] = max(
            scaling.get(key, 0.0), number(get_path(hpa.props, "spec", "maxReplicas"))
        )
    for workload in K8S_WORKLOADS.select(resources):
        gpus = _pod_gpus(pod_spec(workload))
        if gpus:
            replicas = _replicas(workload, scaling)
            for resource, count in gpus.items():
                yield workload, resource, count * replicas


POLICIES = [
    resource_rule(
        "k8s-drop-capabilities",
        selector=K8S_WORKLOADS,
        severity=Severity.HIGH,
        description="Every container drops ALL Linux capabilities and adds none but "
        "allowedAddedCapabilities (Pod Security Standards, restricted).",
        remediation="Set securityContext.capabilities to {drop: [ALL]} and remove the added "
        "capabilities (SYS_ADMIN, NET_ADMIN, ALL...).",
        check=_capabilities,
        defaults={"allowedAddedCapabilities": ["NET_BIND_SERVICE"]},
    ),
    resource_rule(
        "k8s-run-as-non-root",
        selector=K8S_WORKLOADS,
        severity=Severity.HIGH,
        description="Every container runs as non-root (runAsNonRoot true, runAsUser not 0) "
        "with allowPrivilegeEscalation false.",
        remediation="Set runAsNonRoot: true and a non-zero runAsUser in the pod securityContext "
        "and allowPrivilegeEscalation: false in each container's.",
        check=_non_root,
    ),
    resource_rule(
        "k8s-service-not-exposed",
        selector=K8S_SERVICE,
        severity=Severity.HIGH,
        description="Services are ClusterIP: no NodePort, no LoadBalancer (unless internal "
        "and allowInternalLoadBalancers), no externalIPs.",
        remediation="Use type ClusterIP and reach the model through the cluster's ingress; for "
        "an internal NLB, annotate the scheme internal and set allowInternalLoadBalancers.",
        check=_service_exposure,
        defaults={"allowInternalLoadBalancers": False},
    ),
    resource_rule(
        "k8s-network-policy-sources",
        selector=K8S_NETWORK_POLICY,
        severity=Severity.HIGH,
        description="NetworkPolicy ingress rules name their sources: no rule without from, no "
        "namespaceSelector {}, no ipBlock /0.",
        remediation="List the allowed namespaces by kubernetes.io/metadata.name (and pods by "
        "label) in each ingress rule's from.",
        check=_ingress_sources,
    ),
    resource_rule(
        "k8s-no-cluster-admin-binding",
        selector=K8S_ROLE_BINDING | K8S_CLUSTER_ROLE_BINDING,
        severity=Severity.CRITICAL,
        description="No binding to cluster-admin, to admin/edit cluster-wide, or to the "
        "anonymous, unauthenticated or all-authenticated groups.",
        remediation="Bind a namespaced Role with the verbs and resources the service account "
        "needs, to that service account only.",
        check=_bindings,
    ),
    resource_rule(
        "k8s-rbac-least-privilege",
        selector=K8S_ROLE | K8S_CLUSTER_ROLE,
        severity=Severity.HIGH,
        description="Roles grant no * verbs on * resources, no escalate/bind/impersonate, and "
        "ClusterRoles read no secrets without resourceNames.",
        remediation="Name the verbs, resources and (for secrets) resourceNames needed; read "
        "secrets through a namespaced Role.",
        check=_role_rules,
    ),
]
