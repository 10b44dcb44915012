"""The team's inference service on an existing Kubernetes cluster (EKS).

Per team: a namespace with a ResourceQuota (GPUs included), LimitRange and default-deny
NetworkPolicy (ingress and egress), a ServiceAccount bound to an IAM role (IRSA), and the model
server: Deployment (probes on the serving contract `/ping` :8080, requests and limits, non-root,
read-only root filesystem), Service, HorizontalPodAutoscaler and PodDisruptionBudget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.documents.kubernetes import (
    container_security_context,
    dns_and_https_egress,
    pod_security_context,
)

SERVING_PORT = 8080  # the SageMaker/MLflow serving contract (containers/inference)
APP = "model-server"
GPU = "nvidia.com/gpu"
MODEL_DIR = "/tmp/model"


@dataclass(frozen=True)
class KubernetesServingSpec:
    """Where and how big the model server runs in the team's namespace."""

    namespace: str
    # The cluster: a whole kubeconfig (made secret here) and/or a context of the kubeconfig.
    kubeconfig: str | None = None
    context: str | None = None
    # The model package version served (arn:...:model-package/<group>/<n>): the server
    # downloads its archive at start. None: no model yet, so only the namespace with its
    # guardrails and service account.
    model_package_arn: str | None = None
    # Production: the server refuses a version that is not Approved.
    require_approved: bool = False
    min_replicas: int = 2
    max_replicas: int = 4
    target_cpu_percent: int = 70
    # Requests and limits of one replica (Kubernetes quantities), GPUs per replica.
    cpu_request: str = "500m"
    memory_request: str = "1Gi"
    cpu_limit: str = "1"
    memory_limit: str = "2Gi"
    gpus: int = 0
    # The namespace quota: the team's ceiling in the shared cluster.
    quota_cpu: str = "16"
    quota_memory: str = "64Gi"
    quota_gpus: int = 0
    quota_pods: int = 40
    # Namespaces (by name) whose pods may call the model on 8080; everything else is denied.
    allowed_ingress_namespaces: tuple[str, ...] = ()


@dataclass
class KubernetesInferenceArgs:
    spec: KubernetesServingSpec
    labels: dict[str, str]
    image_uri: pulumi.Input[str]
    irsa_role_arn: pulumi.Input[str]  # the IAM role of the model server's service account


def kubernetes_provider(
    name: str, *, context: str | None, kubeconfig: pulumi.Input[str] | None, parent: pulumi.Resource
) -> k8s.Provider:
    """An explicit provider: nothing may fall back to the operator's ambient kubeconfig."""
    return k8s.Provider(
        name,
        context=context,
        kubeconfig=pulumi.Output.secret(kubeconfig) if kubeconfig else None,
        enable_server_side_apply=True,
        opts=pulumi.ResourceOptions(parent=parent),
    )


# -- documents: the specs of the namespace's guardrails and of the model server ---------------


def quota_spec(spec: KubernetesServingSpec) -> k8s.core.v1.ResourceQuotaSpecArgsDict:
    return {
        "hard": {
            "requests.cpu": spec.quota_cpu,
            "requests.memory": spec.quota_memory,
            "limits.cpu": spec.quota_cpu,
            "limits.memory": spec.quota_memory,
            f"requests.{GPU}": str(spec.quota_gpus),
            "pods": str(spec.quota_pods),
        }
    }


def limit_range_spec(spec: KubernetesServingSpec) -> k8s.core.v1.LimitRangeSpecArgsDict:
    """Defaults for containers that set no requests or limits: the model server's own."""
    return {
        "limits": [
            {
                "type": "Container",
                "default": {"cpu": spec.cpu_limit, "memory": spec.memory_limit},
                "default_request": {
                    "cpu": spec.cpu_request,
                    "memory": spec.memory_request,
                },
            }
        ]
    }


def serving_network_policy_spec(
    namespace: str, allowed: Sequence[str]
) -> k8s.networking.v1.NetworkPolicySpecArgsDict:
    """The model server: 8080 from its namespace and the allowed ones; DNS and HTTPS out."""
    return {
        "pod_selector": {"match_labels": {"app.kubernetes.io/name": APP}},
        "policy_types": ["Ingress", "Egress"],
        "ingress": [
            {
                "from_": [
                    {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": ns}}}
                    for ns in [namespace, *allowed]
                ],
                "ports": [{"protocol": "TCP", "port": SERVING_PORT}],
            }
        ],
        "egress": dns_and_https_egress(),
    }


def model_server_container(args: KubernetesInferenceArgs) -> k8s.core.v1.ContainerArgsDict:
    """The serving container: probes on `/ping`, requests and limits, restricted security."""
    r = args.spec
    requests = {"cpu": r.cpu_request, "memory": r.memory_request}
    limits = {"cpu": r.cpu_limit, "memory": r.memory_limit}
    if r.gpus:
        requests[GPU] = str(r.gpus)
        limits[GPU] = str(r.gpus)
    resources: k8s.core.v1.ResourceRequirementsArgsDict = {"requests": requests, "limits": limits}
    env: list[k8s.core.v1.EnvVarArgsDict] = [{"name": "PORT", "value": str(SERVING_PORT)}]
    if r.model_package_arn:
        region = r.model_package_arn.split(":")[3]
        served: dict[str, str] = {
            "MODEL_PACKAGE_ARN": r.model_package_arn,
            "MODEL_REQUIRE_APPROVED": str(r.require_approved).lower(),
            # The root file system is read-only: the archive is unpacked in the /tmp volume.
            "MODEL_PATH": MODEL_DIR,
            "AWS_DEFAULT_REGION": region,
        }
        for name, value in served.items():
            env.append({"name": name, "value": value})
    probe: k8s.core.v1.ProbeArgsDict = {
        "http_get": {"path": "/ping", "port": SERVING_PORT},
        "timeout_seconds": 5,
    }
    return {
        "name": APP,
        "image": args.image_uri,
        "args": ["serve"],
        "ports": [{"name": "http", "container_port": SERVING_PORT}],
        "env": env,
        "resources": resources,
        "readiness_probe": {**probe, "period_seconds": 10},
        "liveness_probe": {
            **probe,
            "initial_delay_seconds": 60,
            "period_seconds": 20,
            "failure_threshold": 3,
        },
        "security_context": container_security_context(),
        # Writable scratch space only where the server needs it.
        "volume_mounts": [
            {"name": "tmp", "mount_path": "/tmp"},
            {"name": "home", "mount_path": "/home/app"},
        ],
    }


def autoscaler_spec(
    spec: KubernetesServingSpec, deployment_name: pulumi.Input[str]
) -> k8s.autoscaling.v2.HorizontalPodAutoscalerSpecArgsDict:
    return {
        "scale_target_ref": {
            "api_version": "apps/v1",
            "kind": "Deployment",
            "name": deployment_name,
        },
        "min_replicas": spec.min_replicas,
        "max_replicas": spec.max_replicas,
        "metrics": [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {
                        "type": "Utilization",
                        "average_utilization": spec.target_cpu_percent,
                    },
                },
            }
        ],
    }


class KubernetesInference(pulumi.ComponentResource):
    provider: k8s.Provider
    namespace: k8s.core.v1.Namespace
    service_url: str | None

    def __init__(
        self, name: str, args: KubernetesInferenceArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("mlops:inference:KubernetesInference", name, None, opts)
        self._args = args
        spec = args.spec
        self.provider = kubernetes_provider(
            "kubernetes", context=spec.context, kubeconfig=spec.kubeconfig, parent=self
        )
        self.namespace = k8s.core.v1.Namespace(
            "namespace",
            metadata={
                "name": spec.namespace,
                # Pod Security Admission: the namespace only admits "restricted" pods.
                "labels": {**args.labels, "pod-security.kubernetes.io/enforce": "restricted"},
            },
            opts=pulumi.ResourceOptions(parent=self, provider=self.provider),
        )
        self._in_namespace = pulumi.ResourceOptions(
            parent=self, provider=self.provider, depends_on=[self.namespace]
        )
        self._guardrails()
        service_account = k8s.core.v1.ServiceAccount(
            "service-account",
            metadata={
                **self._meta(APP),
                "annotations": {"eks.amazonaws.com/role-arn": args.irsa_role_arn},
            },
            automount_service_account_token=False,
            opts=self._in_namespace,
        )
        self.service_url = None
        if spec.model_package_arn is None:  # no model named yet: the namespace only
            self.register_outputs({"namespace": spec.namespace})
            return
        self._model_server(service_account)
        self.service_url = f"http://{APP}.{spec.namespace}.svc.cluster.local"
        self.register_outputs({"namespace": spec.namespace, "serviceUrl": self.service_url})

    def _meta(self, resource: str) -> k8s.meta.v1.ObjectMetaArgsDict:
        return {
            "name": resource,
            "namespace": self._args.spec.namespace,
            "labels": dict(self._args.labels),
        }

    def _guardrails(self) -> None:
        """Quota, default limits and a default-deny NetworkPolicy (ingress and egress)."""
        args, opts = self._args, self._in_namespace
        k8s.core.v1.ResourceQuota(
            "quota", metadata=self._meta("team-quota"), spec=quota_spec(args.spec), opts=opts
        )
        k8s.core.v1.LimitRange(
            "limits",
            metadata=self._meta("team-limits"),
            spec=limit_range_spec(args.spec),
            opts=opts,
        )
        k8s.networking.v1.NetworkPolicy(
            "default-deny",
            metadata=self._meta("default-deny"),
            spec={"pod_selector": {}, "policy_types": ["Ingress", "Egress"]},
            opts=opts,
        )
        k8s.networking.v1.NetworkPolicy(
            "allow-serving",
            metadata=self._meta("allow-model-server"),
            spec=serving_network_policy_spec(
                args.spec.namespace, args.spec.allowed_ingress_namespaces
            ),
            opts=opts,
        )

    def _model_server(self, service_account: k8s.core.v1.ServiceAccount) -> None:
        """Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget."""
        args, opts = self._args, self._in_namespace
        selector = {"app.kubernetes.io/name": APP}
        deployment = k8s.apps.v1.Deployment(
            "deployment",
            metadata=self._meta(APP),
            spec={
                "replicas": args.spec.min_replicas,
                "selector": {"match_labels": selector},
                "template": {
                    "metadata": {"labels": {**args.labels, **selector}},
                    "spec": {
                        "service_account_name": service_account.metadata["name"],
                        # The server never calls the Kubernetes API; IRSA's webhook projects its
                        # own web-identity token.
                        "automount_service_account_token": False,
                        "security_context": pod_security_context(),
                        "containers": [model_server_container(args)],
                        "volumes": [
                            {"name": "tmp", "empty_dir": {"size_limit": "1Gi"}},
                            {"name": "home", "empty_dir": {"size_limit": "1Gi"}},
                        ],
                    },
                },
            },
            opts=opts,
        )
        self.service = k8s.core.v1.Service(
            "service",
            metadata=self._meta(APP),
            spec={
                "type": "ClusterIP",
                "selector": selector,
                "ports": [{"name": "http", "port": 80, "target_port": SERVING_PORT}],
            },
            opts=opts,
        )
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            "autoscaler",
            metadata=self._meta(APP),
            spec=autoscaler_spec(args.spec, deployment.metadata["name"]),
            opts=opts,
        )
        k8s.policy.v1.PodDisruptionBudget(
            "disruption-budget",
            metadata=self._meta(APP),
            spec={"max_unavailable": 1, "selector": {"match_labels": selector}},
            opts=opts,
        )
