"""Insecure variants: what a hand-written chart or a careless engineer adds to a team's namespace.

Variants of the Kubernetes-serving team stacks: vision-dev as shipped, fraud-dev and churn-dev
planned for real with `mlops:inference.backend: kubernetes` (the config of
tests/conformance/test_shipped_stacks.py). Mutations edit the planned Deployment, CronJob,
Service, NetworkPolicy and HorizontalPodAutoscaler, or add what a chart would (a debug Pod,
RBAC bindings, a Role, a metrics NetworkPolicy); each looks hardened except for one thing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.corpus.cases import DEPLOYMENT, Case, put
from tests.policies.helpers import account, add, change, resource

CRON_JOB = "kubernetes:batch/v1:CronJob"
SERVICE = "kubernetes:core/v1:Service"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
POD = "kubernetes:core/v1:Pod"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1"
CONTAINER = "spec.template.spec.containers.0"
CRON_CONTAINER = "spec.jobTemplate.spec.template.spec.containers.0"
CLUSTER = {
    "context": "arn:aws:eks:eu-west-1:210987654321:cluster/ml-dev",
    "oidcProviderArn": "arn:aws:iam::210987654321:oidc-provider/oidc.eks.eu-west-1"
    ".amazonaws.com/id/5C1A7E0B2D9F4E3A8B6C0D1E2F3A4B5C",
}
KUBERNETES = {"mlops:inference": {"backend": "kubernetes", "kubernetes": CLUSTER}}
# One GPU per replica, at most two replicas: within fraud-dev's ceiling of two GPUs.
GPU_SERVING = {
    "mlops:inference": {
        "backend": "kubernetes",
        "kubernetes": {
            **CLUSTER,
            "gpus": 1,
            "quotaGpus": 2,
            "minReplicas": 1,
            "maxReplicas": 2,
        },
    }
}


def ns(plan: Plan) -> str:
    """The team's namespace (as the program names it)."""
    return resource(plan, "kubernetes:core/v1:Namespace").inputs["metadata"]["name"]


def meta(plan: Plan, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": ns(plan),
        "labels": {"app.kubernetes.io/name": name},
        **extra,
    }


def puts(*edits: Callable[[dict], None]) -> Callable[[dict], None]:
    """Several `put`s on one resource."""

    def run(props: dict) -> None:
        for edit in edits:
            edit(props)

    return run


def on(type_token: str, name: str | None, *edits: Callable[[dict], None]):
    """A mutation: `edits` on the planned resource (the first of its type when name is None)."""
    return lambda plan: change(plan, type_token, name, puts(*edits))


def set_deployment(key: str, value: Any):
    return lambda p: change(p, DEPLOYMENT, None, put(key, value))


def add_rbac(kind: str, name: str, body: dict[str, Any], *, namespaced: bool = True):
    def run(plan: Plan) -> None:
        metadata = meta(plan, name) if namespaced else {"name": name}
        inputs = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": metadata}
        add(plan, f"{RBAC}:{kind}", name, {**inputs, **body})

    return run


def binding(role_kind: str, role: str, subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": [subject],
    }


def cluster_admin_for(account_name: str, kind: str, name: str):
    """A service account of the team made cluster-admin ("it needs to read the config",
    "the pipeline launches Jobs"), by a ClusterRoleBinding or a RoleBinding."""

    def run(plan: Plan) -> None:
        subject = {"kind": "ServiceAccount", "name": account_name, "namespace": ns(plan)}
        body = binding("ClusterRole", "cluster-admin", subject)
        add_rbac(kind, name, body, namespaced=kind == "RoleBinding")(plan)

    return run


def add_debug_pod(plan: Plan) -> None:
    """A troubleshooting pod left behind: team image, limits, no privilege, but root."""
    image = f"{account(plan)}.dkr.ecr.eu-west-1.amazonaws.com/mlops-vision-dev/inference:v1.0.0"
    container = {
        "name": "debug",
        "image": image,
        "command": ["sleep", "infinity"],
        "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}},
        "securityContext": {
            "runAsUser": 0,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": meta(plan, "debug")}
    add(plan, POD, "debug", {**body, "spec": {"containers": [container]}})


def add_mesh_init_container(plan: Plan) -> None:
    """An istio-init style init container: iptables needs NET_ADMIN and NET_RAW."""
    image = resource(plan, DEPLOYMENT).inputs["spec"]["template"]["spec"]["containers"][0]["image"]
    init = {
        "name": "proxy-init",
        "image": image,
        "resources": {"limits": {"cpu": "100m", "memory": "64Mi"}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "runAsNonRoot": True,
            "capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]},
        },
    }
    set_deployment("spec.template.spec.initContainers", [init])(plan)


def add_metrics_policy(plan: Plan) -> None:
    """A "let Prometheus scrape :8080" written without a from: every source may connect."""
    spec = {
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "model-server"}},
        "policyTypes": ["Ingress"],
        "ingress": [{"ports": [{"protocol": "TCP", "port": 8080}]}],
    }
    body: dict[str, Any] = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy"}
    body["metadata"], body["spec"] = meta(plan, "allow-metrics"), spec
    add(plan, NETWORK_POLICY, "allow-metrics", body)


def serving_from(peers: list[dict[str, Any]]):
    return lambda p: change(p, NETWORK_POLICY, "allow-serving", put("spec.ingress.0.from", peers))


def gpu_replicas(replicas: int):
    def run(plan: Plan) -> None:
        gpu = {"nvidia.com/gpu": "1"}
        container = resource(plan, DEPLOYMENT).inputs["spec"]["template"]["spec"]["containers"][0]
        resources = {k: {**container["resources"][k], **gpu} for k in ("requests", "limits")}
        set_deployment(f"{CONTAINER}.resources", resources)(plan)
        set_deployment("spec.replicas", replicas)(plan)

    return run


def cron_gpus(count: str):
    """The retraining CronJob "moved to GPUs": four per run (a key with dots: no `put`)."""

    def run(props: dict[str, Any]) -> None:
        pod = props["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        pod["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] = count

    return run


PUBLIC_LB = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
}
PTRACE = {"drop": ["ALL"], "add": ["cap_sys_ptrace"]}
WILDCARD = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]
SECRETS_READER = [
    {"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list", "watch"]}
]
IMPERSONATE = [{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]}]

CASES = [
    # --- capabilities ---------------------------------------------------------------------
    Case(
        "k8s-capability-sys-admin",
        "vision-dev",
        "k8s-drop-capabilities",
        set_deployment(
            f"{CONTAINER}.securityContext.capabilities", {"drop": ["ALL"], "add": ["SYS_ADMIN"]}
        ),
    ),
    Case(
        "k8s-capability-net-admin-init-container",
        "fraud-dev",
        "k8s-drop-capabilities",
        add_mesh_init_container,
        config=KUBERNETES,
    ),
    Case(
        "k8s-capability-cap-prefix-in-cronjob",
        "vision-dev",
        "k8s-drop-capabilities",
        on(CRON_JOB, None, put(f"{CRON_CONTAINER}.securityContext.capabilities", PTRACE)),
    ),
    Case(
        "k8s-capability-drops-only-net-raw",
        "churn-dev",
        "k8s-drop-capabilities",
        set_deployment(f"{CONTAINER}.securityContext.capabilities", {"drop": ["NET_RAW"]}),
        config=KUBERNETES,
    ),
    # --- root, privilege escalation ---------------------------------------------------------
    Case(
        "k8s-pod-run-as-user-0",
        "vision-dev",
        "k8s-run-as-non-root",
        on(
            DEPLOYMENT,
            None,
            put("spec.template.spec.securityContext.runAsUser", 0),
            put("spec.template.spec.securityContext.runAsNonRoot", None),
            put(f"{CONTAINER}.securityContext.runAsNonRoot", None),
        ),
    ),
    Case(
        "k8s-container-overrides-run-as-non-root",
        "vision-dev",
        "k8s-run-as-non-root",
        set_deployment(f"{CONTAINER}.securityContext.runAsNonRoot", False),
    ),
    Case(
        "k8s-privilege-escalation-unset",
        "fraud-dev",
        "k8s-run-as-non-root",
        set_deployment(f"{CONTAINER}.securityContext.allowPrivilegeEscalation", None),
        config=KUBERNETES,
    ),
    Case("k8s-debug-pod-as-root", "vision-dev", "k8s-run-as-non-root", add_debug_pod),
    # --- services -----------------------------------------------------------------------------
    Case(
        "k8s-service-load-balancer",
        "vision-dev",
        "k8s-service-not-exposed",
        on(SERVICE, None, put("spec.type", "LoadBalancer")),
    ),
    Case(
        "k8s-service-internet-facing-nlb",
        "fraud-dev",
        "k8s-service-not-exposed",
        on(
            SERVICE,
            None,
            put("spec.type", "LoadBalancer"),
            put("metadata.annotations", PUBLIC_LB),
        ),
        config=KUBERNETES,
    ),
    Case(
        "k8s-service-node-port",
        "churn-dev",
        "k8s-service-not-exposed",
        on(
            SERVICE,
            None,
            put("spec.type", "NodePort"),
            put("spec.ports.0.nodePort", 30080),
        ),
        config=KUBERNETES,
    ),
    # --- network policies ---------------------------------------------------------------------
    Case(
        "k8s-netpol-every-namespace",
        "vision-dev",
        "k8s-network-policy-sources",
        serving_from([{"namespaceSelector": {}}]),
    ),
    Case(
        "k8s-netpol-any-namespace-pod-label",
        "vision-dev",
        "k8s-network-policy-sources",
        serving_from(
            [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": "prometheus"}}}]
        ),
    ),
    Case(
        "k8s-netpol-ip-block-anywhere",
        "vision-dev",
        "k8s-network-policy-sources",
        serving_from([{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}]),
    ),
    Case(
        "k8s-netpol-metrics-without-from",
        "fraud-dev",
        "k8s-network-policy-sources",
        add_metrics_policy,
        config=KUBERNETES,
    ),
    Case(
        "k8s-default-deny-opened",
        "vision-dev",
        "k8s-default-deny-network-policy",
        on(NETWORK_POLICY, "default-deny", put("spec.ingress", [{}])),
    ),
    # --- RBAC --------------------------------------------------------------------------------
    Case(
        "k8s-cluster-admin-for-service-account",
        "vision-dev",
        "k8s-no-cluster-admin-binding",
        cluster_admin_for("model-server", "ClusterRoleBinding", "model-server-admin"),
    ),
    Case(
        "k8s-rolebinding-to-cluster-admin",
        "fraud-dev",
        "k8s-no-cluster-admin-binding",
        cluster_admin_for("retraining", "RoleBinding", "retraining-admin"),
        config=KUBERNETES,
    ),
    Case(
        "k8s-edit-bound-cluster-wide",
        "churn-dev",
        "k8s-no-cluster-admin-binding",
        add_rbac(
            "ClusterRoleBinding",
            "churn-engineers-edit",
            binding("ClusterRole", "edit", {"kind": "Group", "name": "churn-ml-engineers"}),
            namespaced=False,
        ),
        config=KUBERNETES,
    ),
    Case(
        "k8s-role-bound-to-all-authenticated",
        "vision-dev",
        "k8s-no-cluster-admin-binding",
        add_rbac(
            "RoleBinding",
            "model-server-readers",
            binding("ClusterRole", "view", {"kind": "Group", "name": "system:authenticated"}),
        ),
    ),
    Case(
        "k8s-role-wildcard",
        "vision-dev",
        "k8s-rbac-least-privilege",
        add_rbac("Role", "model-server-operator", {"rules": WILDCARD}),
    ),
    Case(
        "k8s-cluster-role-reads-secrets",
        "fraud-dev",
        "k8s-rbac-least-privilege",
        add_rbac("ClusterRole", "fraud-config-reader", {"rules": SECRETS_READER}, namespaced=False),
        config=KUBERNETES,
    ),
    Case(
        "k8s-role-impersonates-service-accounts",
        "vision-dev",
        "k8s-rbac-least-privilege",
        add_rbac("Role", "retraining-launcher", {"rules": IMPERSONATE}),
    ),
    # --- GPU replicas against maxGpuInstancesPerTeam -------------------------------------------
    Case(
        "k8s-gpu-replicas-over-quota",
        "fraud-dev",
        "cost-gpu-instance-limit",
        gpu_replicas(4),
        config=KUBERNETES,
    ),
    Case(
        "k8s-gpu-autoscaler-maximum",
        "fraud-dev",
        "cost-gpu-instance-limit",
        on(HPA, None, put("spec.maxReplicas", 6)),
        config=GPU_SERVING,
    ),
    Case(
        "k8s-gpu-stricter-environment",
        "fraud-dev",
        "cost-gpu-instance-limit",
        config=GPU_SERVING,
        pack={"cost-gpu-instance-limit": {"maxGpuInstancesPerTeam": 1}},
    ),
    Case(
        "k8s-gpu-retraining-cronjob",
        "vision-dev",
        "cost-gpu-instance-limit",
        on(CRON_JOB, None, cron_gpus("4")),
    ),
]
