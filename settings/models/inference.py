"""Config of the team's inference endpoint: `mlops:inference`.

Two backends: `sagemaker` (default; serverless or real-time) and `kubernetes` (an existing
cluster). Both serve a version of the team's registered model: a SageMaker Model Registry model
package in the group `<scope>-<retraining.registeredModelName>`, which the stack creates and the
retraining pipeline fills. Without `model.version` no endpoint is deployed, so a first `pulumi up`
needs no model yet: the team trains, an ML engineer approves a version, then names it here
(`mlopsctl model serve`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from settings.models.base import StrictModel
from settings.values import IamRoleArn, InstanceType, OidcProviderArn, int_range, pattern

# Kubernetes quantities (Kubernetes API reference, Quantity, read 2026-11).
CpuQuantity = Annotated[str, pattern(r"\d+(\.\d+)?m?", "a CPU quantity such as 500m or 2")]
MemoryQuantity = Annotated[
    str, pattern(r"\d+(Ki|Mi|Gi|Ti)", "a memory quantity such as 512Mi or 4Gi")
]
KubeName = Annotated[
    str, pattern(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", "a DNS-1123 label, e.g. ingress-nginx")
]
ContextName = Annotated[str, pattern(r"[A-Za-z0-9][\w.:@/-]{0,252}", "a kubeconfig context name")]


class ModelConfig(StrictModel):
    """The version to serve: a model package version of the team's group (1, 2, ...). Changing
    it rolls the endpoint over blue/green (the Kubernetes deployment rolls)."""

    # Versions count from 1 and a versioned ARN ends in /[0-9]{1,9} (botocore's SageMaker model:
    # ModelPackageVersion min 1, VersionedArnOrName pattern; botocore 1.43.117, read 2026-12).
    version: Annotated[int, int_range(1, 999_999_999)] | None = None


class DeploymentConfig(StrictModel):
    """Blue/green traffic shifting of endpoint updates (SageMaker deployment guardrails)."""

    traffic: Literal["ALL_AT_ONCE", "CANARY", "LINEAR"] = "ALL_AT_ONCE"
    step_percent: Annotated[int, int_range(1, 50)] = 10  # canary size or linear step
    # SageMaker allows 0-3600 (API reference, read 2026-11).
    wait_seconds: Annotated[int, int_range(0, 3600)] = 300
    termination_wait_seconds: Annotated[int, int_range(0, 3600)] = 300


class SageMakerConfig(StrictModel):
    # None: serverless outside production (pay per request), real-time in production.
    mode: Literal["serverless", "realtime"] | None = None
    # Real-time only.
    instance_type: InstanceType = "ml.m5.large"
    min_instances: Annotated[int, int_range(1, 20)] = 1
    max_instances: Annotated[int, int_range(1, 20)] = 2
    target_invocations_per_instance: Annotated[int, int_range(1, 100_000)] = 100
    data_capture_percent: Annotated[int, int_range(1, 100)] = 100
    network_isolation: bool = True
    # Serverless only: memory 1024-6144 MB in 1 GB steps, concurrency 1-200 (SageMaker
    # ServerlessConfig API reference, read 2026-11).
    serverless_memory_mb: Literal[1024, 2048, 3072, 4096, 5120, 6144] = 2048
    serverless_max_concurrency: Annotated[int, int_range(1, 200)] = 5
    # Alarms that roll a blue/green update back.
    max_server_errors_per_minute: Annotated[int, int_range(1, 100_000)] = 5
    max_latency_ms: Annotated[int, int_range(1, 60_000)] = 1000
    deployment: DeploymentConfig = Field(default_factory=DeploymentConfig)

    @model_validator(mode="after")
    def _bounds(self) -> SageMakerConfig:
        if self.min_instances > self.max_instances:
            raise ValueError(
                f"minInstances = {self.min_instances} is greater than maxInstances = "
                f"{self.max_instances}; allowed: minInstances <= maxInstances"
            )
        return self

    def resolved_mode(self, production: bool) -> str:
        return self.mode or ("realtime" if production else "serverless")


class KubernetesConfig(StrictModel):
    context: ContextName | None = None  # a context of the operator's kubeconfig
    namespace: KubeName | None = None  # default: the team scope, e.g. mlops-vision-dev
    # IRSA: the cluster's IAM OIDC provider (a prerequisite outside the stack, docs/inference.md);
    # the stack creates one role per service account trusting only that account of it.
    oidc_provider_arn: OidcProviderArn | None = None
    # Bring your own role for the model server's service account instead (its trust policy is
    # yours to keep to system:serviceaccount:<namespace>:model-server).
    irsa_role_arn: IamRoleArn | None = None
    min_replicas: Annotated[int, int_range(1, 50)] = 2
    max_replicas: Annotated[int, int_range(1, 50)] = 4
    target_cpu_percent: Annotated[int, int_range(10, 100)] = 70
    cpu_request: CpuQuantity = "500m"
    memory_request: MemoryQuantity = "1Gi"
    cpu_limit: CpuQuantity = "1"
    memory_limit: MemoryQuantity = "2Gi"
    # nvidia.com/gpu per replica; 0 (the default): CPU-only replicas request no GPU.
    gpus: Annotated[int, int_range(0, 8)] = 0
    # Namespace quota: the team's ceiling in the shared cluster.
    quota_cpu: CpuQuantity = "16"
    quota_memory: MemoryQuantity = "64Gi"
    quota_gpus: Annotated[int, int_range(0, 64)] = 0
    quota_pods: Annotated[int, int_range(1, 500)] = 40
    # Namespaces (by name) whose pods may call the model on 8080; everything else is denied.
    allowed_ingress_namespaces: list[KubeName] = Field(default_factory=list)

    @model_validator(mode="after")
    def _bounds(self) -> KubernetesConfig:
        if self.min_replicas > self.max_replicas:
            raise ValueError(
                f"minReplicas = {self.min_replicas} is greater than maxReplicas = "
                f"{self.max_replicas}; allowed: minReplicas <= maxReplicas"
            )
        if self.gpus * self.max_replicas > self.quota_gpus:
            raise ValueError(
                f"gpus = {self.gpus} x maxReplicas = {self.max_replicas} exceeds quotaGpus = "
                f"{self.quota_gpus}; allowed: gpus * maxReplicas <= quotaGpus"
            )
        return self


class InferenceConfig(StrictModel):
    """`mlops:inference`: how the team's model is served."""

    backend: Literal["sagemaker", "kubernetes"] = "sagemaker"
    model: ModelConfig = Field(default_factory=ModelConfig)
    sagemaker: SageMakerConfig = Field(default_factory=SageMakerConfig)
    kubernetes: KubernetesConfig = Field(default_factory=KubernetesConfig)
    # A whole kubeconfig, as secret config (`pulumi config set --secret --path
    # inference.kubeconfig`). A still-encrypted value ({secure: ...}, as the offline plan sees
    # it) is accepted and replaced by a placeholder.
    kubeconfig: str | dict[str, Any] | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _backend_needs(self) -> InferenceConfig:
        if isinstance(self.kubeconfig, dict) and set(self.kubeconfig) != {"secure"}:
            raise ValueError("kubeconfig: allowed: a string or a secret ({secure: ...})")
        if self.backend == "kubernetes" and not self.kubernetes.context and not self.kubeconfig:
            raise ValueError(
                "backend = 'kubernetes' names no cluster; allowed: set "
                "kubernetes.context (a kubeconfig context) or the secret kubeconfig"
            )
        return self

    @property
    def deploys_model(self) -> bool:
        return self.model.version is not None

    def kubeconfig_value(self, placeholder: str) -> str | None:
        if isinstance(self.kubeconfig, dict):
            return placeholder
        return self.kubeconfig
