"""Edge cases of the Kubernetes rules (policies/rules/kubernetes_workloads.py, the default-deny
rule of policies/rules/kubernetes.py, the Kubernetes GPU count of cost-gpu-instance-limit) the
corpus does not cover: near misses that must pass, missing or odd-typed props, the pack run
with no config, and the counting of GPU replicas."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from mlopsctl.policy_runner import run_policies
from policies.rules import kubernetes_workloads as kw
from tests.conftest import SERVED, deep_merge, plan_variant
from tests.policies.corpus.kubernetes_attacks import GPU_SERVING, NETWORK_POLICY
from tests.policies.helpers import add, caught, change, violations

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
POD = "kubernetes:core/v1:Pod"
SERVICE = "kubernetes:core/v1:Service"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1"
HARDENED = {
    "allowPrivilegeEscalation": False,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
}


def _args(token: str, **props: Any) -> SimpleNamespace:
    return SimpleNamespace(resource_type=token, props=props, name="r", urn=f"urn:{token}::r")


def _pod(*containers: dict[str, Any], **spec: Any) -> SimpleNamespace:
    return _args(POD, metadata={"namespace": "t"}, spec={"containers": list(containers), **spec})


def _container(name: str = "c", **context: Any) -> dict[str, Any]:
    return {"name": name, "image": "x", "securityContext": {**HARDENED, **context}}


def _messages(check, args, config: dict[str, Any] | None = None) -> list[str]:
    return list(check(args, config or {}))


CAPS = {"allowedAddedCapabilities": ["NET_BIND_SERVICE"]}


@pytest.mark.parametrize(
    ("capabilities", "bad"),
    [
        ({"drop": ["ALL"]}, False),
        ({"drop": ["all"]}, False),  # runtimes upper-case the names
        ({"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}, False),  # restricted allows it
        ({"drop": ["ALL"], "add": ["CAP_NET_BIND_SERVICE"]}, False),
        ({"drop": ["ALL"], "add": ["NET_ADMIN"]}, True),
        ({"drop": ["ALL"], "add": ["ALL"]}, True),
        ({"drop": ["NET_RAW", "SYS_ADMIN"]}, True),
        ({}, True),
        ("ALL", True),  # odd-typed: no crash, not dropped
    ],
)
def test_capabilities(capabilities: Any, bad: bool) -> None:
    pod = _pod(_container(capabilities=capabilities))
    assert bool(_messages(kw._capabilities, pod, CAPS)) is bad


def test_ephemeral_and_init_containers_are_judged_and_config_narrows_adds() -> None:
    added = _container("debug", capabilities={"drop": ["ALL"], "add": ["SYS_PTRACE"]})
    pod = _pod(_container(), ephemeralContainers=[added])
    assert "debug" in _messages(kw._capabilities, pod, CAPS)[0]
    bind = _container("init", capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})
    pod = _pod(_container(), initContainers=[bind])
    assert not _messages(kw._capabilities, pod, CAPS)
    assert _messages(kw._capabilities, pod, {"allowedAddedCapabilities": []})


def test_non_root_follows_kubernetes_precedence() -> None:
    plain = {"name": "c", "securityContext": {"allowPrivilegeEscalation": False}}
    # The pod's runAsNonRoot covers containers that set none.
    assert not _messages(kw._non_root, _pod(plain, securityContext={"runAsNonRoot": True}))
    # A container's own runAsUser wins over the pod's 0.
    pod = _pod(_container(runAsUser=10001), securityContext={"runAsUser": 0})
    assert not _messages(kw._non_root, pod)
    # ... and a container's 0 over the pod's non-root user.
    pod = _pod(_container(runAsUser=0.0), securityContext={"runAsUser": 10001})
    assert _messages(kw._non_root, pod) == ["container c runAsUser is 0 (root)"]
    assert _messages(kw._non_root, _pod(plain)) == [
        "container c runAsNonRoot is unset (pod/container), not true"
    ]


def test_missing_specs_do_not_crash() -> None:
    assert not _messages(kw._non_root, _args(DEPLOYMENT, spec=None))
    assert not _messages(kw._capabilities, _args(DEPLOYMENT), CAPS)
    assert not _messages(kw._service_exposure, _args(SERVICE, spec=None, metadata=None))
    assert not _messages(kw._ingress_sources, _args(NETWORK_POLICY, spec={"ingress": None}))
    assert not _messages(kw._role_rules, _args(f"{RBAC}:ClusterRole", rules=None))
    assert not _messages(kw._bindings, _args(f"{RBAC}:RoleBinding", roleRef=None))
    # A container without a securityContext: every restricted setting is missing.
    bare = _pod({"name": "c", "image": "x"})
    assert len(_messages(kw._non_root, bare)) == 2
    assert len(_messages(kw._capabilities, bare, CAPS)) == 1


INTERNAL = {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}
LEGACY = {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}


@pytest.mark.parametrize(
    ("spec", "annotations", "allow", "bad"),
    [
        ({}, {}, False, False),  # ClusterIP by default
        ({"type": "ClusterIP"}, {}, False, False),
        ({"type": "LoadBalancer"}, INTERNAL, True, False),  # the opt-in
        ({"type": "LoadBalancer"}, LEGACY, True, False),
        ({"type": "LoadBalancer"}, INTERNAL, False, True),  # not opted in
        ({"type": "LoadBalancer"}, {}, True, True),  # in-tree default: internet-facing
        ({"type": "NodePort"}, INTERNAL, True, True),
        ({"type": "ClusterIP", "externalIPs": ["203.0.113.10"]}, {}, False, True),
    ],
)
def test_service_exposure(spec: dict, annotations: dict, allow: bool, bad: bool) -> None:
    service = _args(SERVICE, metadata={"annotations": annotations}, spec=spec)
    found = _messages(kw._service_exposure, service, {"allowInternalLoadBalancers": allow})
    assert bool(found) is bad


@pytest.mark.parametrize(
    ("peer", "bad"),
    [
        ({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}, False),
        ({"podSelector": {}}, False),  # every pod of the policy's own namespace
        ({"ipBlock": {"cidr": "10.0.0.0/8"}}, False),
        ({"ipBlock": {"cidr": "not-a-cidr"}}, False),
        ({"namespaceSelector": {"matchLabels": {}}}, True),
        ({"namespaceSelector": {"matchExpressions": []}}, True),
        ({"ipBlock": {"cidr": "0.0.0.0/1"}}, True),  # half the internet
        ({"ipBlock": {"cidr": "::/0"}}, True),
    ],
)
def test_ingress_peers(peer: dict, bad: bool) -> None:
    policy = _args(NETWORK_POLICY, spec={"ingress": [{"from": [peer]}]})
    assert bool(_messages(kw._ingress_sources, policy)) is bad


def test_only_ingress_is_judged_and_empty_ingress_denies() -> None:
    egress = {"egress": [{"ports": [{"port": 443}]}], "ingress": []}
    assert not _messages(kw._ingress_sources, _args(NETWORK_POLICY, spec=egress))
    assert _messages(kw._ingress_sources, _args(NETWORK_POLICY, spec={"ingress": [{"from": []}]}))


def _binding(kind: str, role: str, subject: str = "team") -> SimpleNamespace:
    ref = {"kind": "ClusterRole", "name": role}
    return _args(f"{RBAC}:{kind}", roleRef=ref, subjects=[{"kind": "Group", "name": subject}])


def test_bindings() -> None:
    assert not _messages(kw._bindings, _binding("RoleBinding", "admin"))  # a namespace's admin
    assert not _messages(kw._bindings, _binding("ClusterRoleBinding", "view"))
    assert _messages(kw._bindings, _binding("ClusterRoleBinding", "admin"))
    assert _messages(kw._bindings, _binding("RoleBinding", "cluster-admin"))
    assert _messages(kw._bindings, _binding("RoleBinding", "view", "system:unauthenticated"))


def _rules(kind: str, *rules: dict[str, Any]) -> SimpleNamespace:
    return _args(f"{RBAC}:{kind}", rules=list(rules))


SECRETS = {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}


def test_role_rules() -> None:
    assert not _messages(kw._role_rules, _rules("Role", SECRETS))  # its own namespace only
    assert not _messages(kw._role_rules, _rules("ClusterRole", {**SECRETS, "resourceNames": ["a"]}))
    pods = {"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]}
    assert not _messages(kw._role_rules, _rules("ClusterRole", pods))
    assert _messages(kw._role_rules, _rules("ClusterRole", SECRETS))
    everything = {"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list"]}
    assert _messages(kw._role_rules, _rules("ClusterRole", everything))  # secrets among them
    assert _messages(kw._role_rules, _rules("Role", {**pods, "resources": ["*"]}))
    bind = {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["bind"]}
    assert _messages(kw._role_rules, _rules("Role", bind))


# -- GPU replicas -------------------------------------------------------------------------------


def _gpu_workload(token: str, name: str, gpus: str, **spec: Any) -> SimpleNamespace:
    container = {"name": "c", "resources": {"limits": {"nvidia.com/gpu": gpus}}}
    pod = {"containers": [container]}
    body = {"template": {"spec": pod}, **spec}
    if token.endswith("CronJob"):
        body = {"jobTemplate": {"spec": body}}
    return _args(token, metadata={"name": name, "namespace": "t"}, spec=body)


def _hpa(name: str, maximum: int, namespace: str = "t") -> SimpleNamespace:
    ref = {"kind": "Deployment", "name": name}
    return _args(
        HPA, metadata={"namespace": namespace}, spec={"scaleTargetRef": ref, "maxReplicas": maximum}
    )


def _counted(*resources: SimpleNamespace) -> list[float]:
    return [count for _, _, count in kw.kubernetes_gpus(cast(Any, resources))]


def test_gpu_replicas_and_autoscaler_maximum() -> None:
    serve = _gpu_workload(DEPLOYMENT, "serve", "1", replicas=3)
    assert _counted(serve) == [3.0]
    assert _counted(serve, _hpa("serve", 5)) == [5.0]
    assert _counted(serve, _hpa("serve", 2)) == [3.0]  # replicas above the autoscaler's max
    assert _counted(serve, _hpa("other", 9), _hpa("serve", 9, namespace="u")) == [3.0]
    assert _counted(_gpu_workload(DEPLOYMENT, "one", "2")) == [2.0]  # replicas default 1


def test_gpus_of_jobs_and_init_containers() -> None:
    job = _gpu_workload("kubernetes:batch/v1:Job", "train", "4", parallelism=2)
    cron = _gpu_workload("kubernetes:batch/v1:CronJob", "nightly", "1", parallelism=3)
    assert _counted(job, cron) == [8.0, 3.0]
    init = {"name": "warm", "resources": {"requests": {"nvidia.com/gpu": "2"}}}
    main = {"name": "c", "resources": {"limits": {"nvidia.com/gpu": "1", "cpu": "1"}}}
    pod = _pod(main, main, initContainers=[init])
    assert _counted(pod) == [2.0]  # init containers run before, not beside, the others
    neuron = {"name": "n", "resources": {"limits": {"aws.amazon.com/neuron": "1"}}}
    assert [r for _, r, _ in kw.kubernetes_gpus(cast(Any, [_pod(neuron)]))] == [
        "aws.amazon.com/neuron"
    ]


@pytest.fixture(scope="module")
def gpu_serving():
    return plan_variant("fraud-dev", deep_merge(SERVED, GPU_SERVING))


def test_gpu_serving_at_the_ceiling_passes(gpu_serving) -> None:
    assert "cost-gpu-instance-limit" not in caught(gpu_serving)


def test_without_pack_config_kubernetes_gpus_count_against_zero(gpu_serving) -> None:
    found = [v for v in run_policies(gpu_serving, {}) if v.policy == "cost-gpu-instance-limit"]
    assert found and "2 x nvidia.com/gpu" in found[0].message


def test_without_pack_config_the_served_cluster_stack_passes_the_kubernetes_rules(served) -> None:
    plan = served("vision-dev")
    found = {v.policy for v in run_policies(plan, {}) if v.policy.startswith("k8s-")}
    assert found == set()


def test_default_deny_without_policy_types_still_denies_ingress(served) -> None:
    plan = served("vision-dev")

    def drop_types(props: dict) -> None:
        props["spec"].pop("policyTypes")

    change(plan, NETWORK_POLICY, "default-deny", drop_types)
    assert "k8s-default-deny-network-policy" not in caught(plan)
    change(
        plan, NETWORK_POLICY, "default-deny", lambda props: props["spec"].update(podSelector=None)
    )
    assert "k8s-default-deny-network-policy" in caught(plan)


def add_least_privilege_rbac(plan) -> None:
    """What the model server may be granted: a Role reading its own ConfigMap, bound in its
    namespace to its service account (a compliant case for the two RBAC rules)."""
    namespace = "mlops-vision-dev"
    read = {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "watch"]}
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role"}
    meta = {"name": "model-config-reader", "namespace": namespace}
    add(plan, f"{RBAC}:Role", "config-reader", {**role, "metadata": meta, "rules": [read]})
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": meta["name"]},
        "subjects": [{"kind": "ServiceAccount", "name": "model-server", "namespace": namespace}],
    }
    add(plan, f"{RBAC}:RoleBinding", "config-reader", binding)


def test_a_least_privilege_role_and_binding_pass(served) -> None:
    plan = served("vision-dev")
    add_least_privilege_rbac(plan)
    found = {v.policy for v in violations(plan) if v.policy.startswith("k8s-")}
    assert found == set()
    change(plan, f"{RBAC}:Role", "config-reader", lambda p: p["rules"][0].update(verbs=["*"]))
    change(plan, f"{RBAC}:Role", "config-reader", lambda p: p["rules"][0].update(resources=["*"]))
    assert "k8s-rbac-least-privilege" in caught(plan)
