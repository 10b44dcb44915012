"""The team's inference service on an existing Kubernetes cluster (EKS).

Per team: a namespace with a ResourceQuota (GPUs included), LimitRange and default-deny
NetworkPolicy (ingress and egress), a ServiceAccount bound to an IAM role (IRSA), and the model
server: Deployment (probes on the serving contract `/ping` :8080, requests and limits, non-root,
read-only root filesystem), Service, HorizontalPodAutoscaler and PodDisruptionBudget.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.config.inference import InferenceConfig
from components.documents.kubernetes import container_security_context, pod_security_context

SERVING_PORT = 8080  # the SageMaker/MLflow serving contract (containers/inference)
APP = "model-server"
GPU = "nvidia.com/gpu"
# The serving image's non-root user (containers/inference/Dockerfile).


@dataclass
class KubernetesInferenceArgs:
    config: InferenceConfig
    namespace: str
    labels: dict[str, str]
    image_uri: pulumi.Input[str]
    irsa_role_arn: pulumi.Input[str]
    kubeconfig: pulumi.Input[str] | None
    tracking_uri: pulumi.Input[str] | None = None


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


class KubernetesInference(pulumi.ComponentResource):
    provider: k8s.Provider
    namespace: k8s.core.v1.Namespace

    def __init__(
        self, name: str, args: KubernetesInferenceArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("mlops:inference:KubernetesInference", name, None, opts)
        kube = args.config.kubernetes
        self.provider = kubernetes_provider(
            "kubernetes", context=kube.context, kubeconfig=args.kubeconfig, parent=self
        )
        child = pulumi.ResourceOptions(parent=self, provider=self.provider)
        ns = args.namespace
        labels = dict(args.labels)
        app_labels = {**labels, "app.kubernetes.io/name": APP}
        selector = {"app.kubernetes.io/name": APP}

        self.namespace = k8s.core.v1.Namespace(
            "namespace",
            metadata={
                "name": ns,
                # Pod Security Admission: the namespace only admits "restricted" pods.
                "labels": {**labels, "pod-security.kubernetes.io/enforce": "restricted"},
            },
            opts=child,
        )
        in_ns = pulumi.ResourceOptions(
            parent=self, provider=self.provider, depends_on=[self.namespace]
        )

        def meta(resource: str) -> dict:
            return {"name": resource, "namespace": ns, "labels": labels}

        k8s.core.v1.ResourceQuota(
            "quota",
            metadata=meta("team-quota"),
            spec={
                "hard": {
                    "requests.cpu": kube.quota_cpu,
                    "requests.memory": kube.quota_memory,
                    "limits.cpu": kube.quota_cpu,
                    "limits.memory": kube.quota_memory,
                    f"requests.{GPU}": str(kube.quota_gpus),
                    "pods": str(kube.quota_pods),
                }
            },
            opts=in_ns,
        )
        k8s.core.v1.LimitRange(
            "limits",
            metadata=meta("team-limits"),
            spec={
                "limits": [
                    {
                        "type": "Container",
                        "default": {"cpu": kube.cpu_limit, "memory": kube.memory_limit},
                        "default_request": {"cpu": kube.cpu_request, "memory": kube.memory_request},
                    }
                ]
            },
            opts=in_ns,
        )
        k8s.networking.v1.NetworkPolicy(
            "default-deny",
            metadata=meta("default-deny"),
            spec={"pod_selector": {}, "policy_types": ["Ingress", "Egress"]},
            opts=in_ns,
        )
        k8s.networking.v1.NetworkPolicy(
            "allow-serving",
            metadata=meta("allow-model-server"),
            spec={
                "pod_selector": {"match_labels": selector},
                "policy_types": ["Ingress", "Egress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespace_selector": {
                                    "match_labels": {"kubernetes.io/metadata.name": allowed}
                                }
                            }
                            for allowed in [ns, *kube.allowed_ingress_namespaces]
                        ],
                        "ports": [{"protocol": "TCP", "port": SERVING_PORT}],
                    }
                ],
                # DNS, and HTTPS for S3/MLflow/STS (through the VPC's endpoints: the private
                # subnets have no internet route).
                "egress": [
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
                ],
            },
            opts=in_ns,
        )
        service_account = k8s.core.v1.ServiceAccount(
            "service-account",
            metadata={
                **meta(APP),
                "annotations": {"eks.amazonaws.com/role-arn": args.irsa_role_arn},
            },
            automount_service_account_token=False,
            opts=in_ns,
        )
        self.service_url: str | None = None
        if not args.config.deploys_model:  # no model named yet: the namespace only
            self.register_outputs({"namespace": ns})
            return

        resources = {
            "requests": {"cpu": kube.cpu_request, "memory": kube.memory_request},
            "limits": {"cpu": kube.cpu_limit, "memory": kube.memory_limit},
        }
        if kube.gpus:
            resources["requests"][GPU] = str(kube.gpus)
            resources["limits"][GPU] = str(kube.gpus)
        env = [{"name": "PORT", "value": str(SERVING_PORT)}]
        if args.config.model.uri:
            env.append({"name": "MODEL_URI", "value": args.config.model.uri})
        if args.tracking_uri is not None:
            env.append({"name": "MLFLOW_TRACKING_URI", "value": args.tracking_uri})
        probe = {"http_get": {"path": "/ping", "port": SERVING_PORT}, "timeout_seconds": 5}
        deployment = k8s.apps.v1.Deployment(
            "deployment",
            metadata=meta(APP),
            spec={
                "replicas": kube.min_replicas,
                "selector": {"match_labels": selector},
                "template": {
                    "metadata": {"labels": app_labels},
                    "spec": {
                        "service_account_name": service_account.metadata["name"],
                        # The server never calls the Kubernetes API; IRSA's webhook projects its
                        # own web-identity token.
                        "automount_service_account_token": False,
                        "security_context": pod_security_context(),
                        "containers": [
                            {
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
                        ],
                        "volumes": [
                            {"name": "tmp", "empty_dir": {"size_limit": "1Gi"}},
                            {"name": "home", "empty_dir": {"size_limit": "1Gi"}},
                        ],
                    },
                },
            },
            opts=in_ns,
        )
        self.service = k8s.core.v1.Service(
            "service",
            metadata=meta(APP),
            spec={
                "type": "ClusterIP",
                "selector": selector,
                "ports": [{"name": "http", "port": 80, "target_port": SERVING_PORT}],
            },
            opts=in_ns,
        )
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            "autoscaler",
            metadata=meta(APP),
            spec={
                "scale_target_ref": {
                    "api_version": "apps/v1",
                    "kind": "Deployment",
                    "name": deployment.metadata["name"],
                },
                "min_replicas": kube.min_replicas,
                "max_replicas": kube.max_replicas,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {
                                "type": "Utilization",
                                "average_utilization": kube.target_cpu_percent,
                            },
                        },
                    }
                ],
            },
            opts=in_ns,
        )
        k8s.policy.v1.PodDisruptionBudget(
            "disruption-budget",
            metadata=meta(APP),
            spec={"max_unavailable": 1, "selector": {"match_labels": selector}},
            opts=in_ns,
        )
        self.service_url = f"http://{APP}.{ns}.svc.cluster.local"
        self.register_outputs({"namespace": ns, "serviceUrl": self.service_url})
