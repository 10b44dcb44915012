"""The team layer's serving section: registry, images, inference endpoint and retraining.

Kept out of `components/team.py` so that the layer stays a list of sections; this wires the
team's key, buckets, personas' roles, tracking and the environment's network into the components.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi

from components.config.retraining import monitor_enabled
from components.inference import SageMakerEndpoint, SageMakerEndpointArgs
from components.inference_kubernetes import KubernetesInference, KubernetesInferenceArgs
from components.registry import Registry, RegistryArgs
from components.retraining import Retraining, RetrainingArgs
from components.tags import kubernetes_labels, standard_tags

if TYPE_CHECKING:
    from components.naming import Naming
    from components.settings import TeamSettings
    from components.team import TeamLayer

# Offline plans see secret config still encrypted; the kubeconfig is then this placeholder.
KUBECONFIG_PLACEHOLDER = "offline-plan-placeholder-kubeconfig"


def build_serving(layer: TeamLayer, settings: TeamSettings, naming: Naming) -> dict[str, Any]:
    """Create the section's components (children of `layer`) and return its exports."""
    child = pulumi.ResourceOptions(parent=layer)
    env = layer.environment
    subnets = env.require_output("privateSubnetIds")
    groups = env.require_output("workloadSecurityGroupIds")
    ml_engineer = layer.personas.role_arns["ml-engineer"]
    endpoint_role = layer.personas.execution_role_arns["endpoint"]
    pipeline_role = layer.personas.execution_role_arns["pipeline"]
    tracking_uri = layer.tracking.tracking_uri
    registry_config = settings.registry
    inference = settings.inference
    pushers = [ml_engineer, *([registry_config.ci_role_arn] if registry_config.ci_role_arn else [])]
    registry = Registry(
        "registry",
        RegistryArgs(
            naming=naming,
            config=registry_config,
            kms_key_arn=layer.key.arn,
            pusher_arns=pushers,
            puller_arns=[endpoint_role, pipeline_role, *registry_config.pull_role_arns],
            production=settings.production,
        ),
        child,
    )
    exports: dict[str, Any] = {
        "ecrRepositoryUrls": {k: r.repository_url for k, r in registry.repositories.items()},
        "imageUris": registry.image_uris,
        "inferenceBackend": inference.backend,
    }
    buckets = {purpose: bucket.name for purpose, bucket in layer.buckets.items()}
    retraining_args = RetrainingArgs(
        naming=naming,
        config=settings.retraining,
        backend=inference.backend,
        image_uri=registry.image_uris["pipeline"],
        pipeline_role_arn=pipeline_role,
        kms_key_arn=layer.key.arn,
        buckets=buckets,
        tracking_uri=tracking_uri,
        subnet_ids=subnets,
        security_group_ids=groups,
    )
    if inference.backend == "kubernetes":
        tags = standard_tags(
            team=settings.team.name,
            environment=settings.environment,
            owner=settings.owner,
            cost_center=settings.cost_center,
            data_classification=settings.team.data_classification,
        )
        namespace = inference.kubernetes.namespace or naming.scope
        labels = kubernetes_labels(tags)
        kube = KubernetesInference(
            "inference",
            KubernetesInferenceArgs(
                config=inference,
                namespace=namespace,
                labels=labels,
                image_uri=registry.image_uris["inference"],
                irsa_role_arn=inference.kubernetes.irsa_role_arn or endpoint_role,
                kubeconfig=inference.kubeconfig_value(KUBECONFIG_PLACEHOLDER),
                tracking_uri=tracking_uri,
            ),
            child,
        )
        retraining_args.kubernetes_provider = kube.provider
        retraining_args.kubernetes_namespace = kube.namespace
        retraining_args.namespace = namespace
        retraining_args.labels = labels
        exports |= {"inferenceNamespace": namespace, "inferenceServiceUrl": kube.service_url}
    elif inference.deploys_model:
        endpoint = SageMakerEndpoint(
            "inference",
            SageMakerEndpointArgs(
                naming=naming,
                config=inference,
                production=settings.production,
                image_uri=registry.image_uris["inference"],
                execution_role_arn=endpoint_role,
                kms_key_arn=layer.key.arn,
                capture_bucket=layer.buckets["capture"].name,
                subnet_ids=subnets,
                security_group_ids=groups,
            ),
            child,
        )
        exports["endpointName"] = endpoint.endpoint.name
        if monitor_enabled(settings):
            retraining_args.monitor_endpoint = endpoint.endpoint
            retraining_args.monitor_endpoint_name = endpoint.endpoint_name
    retraining = Retraining("retraining", retraining_args, child)
    if retraining.pipeline_name is not None:
        exports["retrainingPipelineName"] = retraining.pipeline_name
    return exports
