"""The team layer's serving section: registries, images, inference endpoint and retraining.

A child component of the team layer (`mlops:team:Serving`). It builds the Args of `Registry`,
`SageMakerEndpoint` or `KubernetesInference`, and `Retraining` once each, from the specs the
layer gives and the outputs these components give each other (image URIs, the Kubernetes
provider and namespace, the endpoint to monitor), wired to the team's key, buckets, roles,
tracking server and the environment's network.

The model: retraining runs register versions of `<scope>-<name>` in MLflow and package each as a
version of the SageMaker model package group of that name, which this section creates (it exists
from the first `pulumi up`, before any run). What is served is the version `model_version` names
(`model-package/<group>/<n>`); without one, no endpoint and no model server are deployed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.documents.irsa import PodAccess, model_server_policy, retraining_pod_policy
from components.documents.retraining import registered_model_name
from components.inference import EndpointSpec, SageMakerEndpoint, SageMakerEndpointArgs
from components.inference_kubernetes import APP as MODEL_SERVER
from components.inference_kubernetes import (
    KubernetesInference,
    KubernetesInferenceArgs,
    KubernetesServingSpec,
)
from components.irsa import ServiceAccountRole, ServiceAccountRoleArgs
from components.naming import Naming
from components.provider import moved_child_options, stateful_options
from components.registry import Registry, RegistryArgs, RegistrySpec
from components.retraining import (
    RETRAINING_SERVICE_ACCOUNT,
    DataQualityMonitor,
    KubernetesTarget,
    MonitorSpec,
    Retraining,
    RetrainingArgs,
    RetrainingSpec,
)


@dataclass
class ServingArgs:
    naming: Naming
    kms_key_arn: pulumi.Input[str]
    buckets: Mapping[str, pulumi.Input[str]]  # purpose -> bucket name
    ml_engineer_role_arn: pulumi.Input[str]  # pushes images
    endpoint_role_arn: pulumi.Input[str]  # execution role of models and endpoints
    pipeline_role_arn: pulumi.Input[str]  # execution role of pipelines and their jobs
    tracking_uri: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    security_group_ids: pulumi.Input[list[str]]
    production: bool = False
    # The Pulumi project directory: images without a given URI are built from its containers/.
    project_dir: Path = field(default_factory=Path.cwd)
    registry: RegistrySpec = field(default_factory=RegistrySpec)
    extra_pusher_arns: Sequence[pulumi.Input[str]] = ()  # a CI role; dev data scientists
    extra_puller_arns: Sequence[str] = ()  # e.g. the EKS node role (kubelet pulls images)
    # The model package version to serve; None: no model is served yet.
    model_version: int | None = None
    # At most one inference backend: a SageMaker endpoint (deployed once a version is named),
    # or the Kubernetes one (its namespace exists before a model is named).
    endpoint: EndpointSpec | None = None
    kubernetes: KubernetesServingSpec | None = None
    # Kubernetes: the team's standard tags as labels; the cluster's IAM OIDC provider, which
    # the service accounts' roles (IRSA) trust; a role of one's own for the model server
    # (None: one is created); the managed tracking server the pods read (None: self-hosted).
    kubernetes_labels: Mapping[str, str] = field(default_factory=dict)
    oidc_provider_arn: str | None = None
    kubernetes_role_arn: pulumi.Input[str] | None = None
    # The team's guardrail policy, attached to the service accounts' roles like every team role.
    guardrail_policy_arn: pulumi.Input[str] | None = None
    tracking_server_arn: pulumi.Input[str] | None = None
    tracking_kind: str = "sagemaker"  # app | sagemaker | self-hosted
    retraining: RetrainingSpec = field(default_factory=RetrainingSpec)
    # Model Monitor over the SageMaker endpoint's captured data; None: no monitoring.
    monitor: MonitorSpec | None = None


class Serving(pulumi.ComponentResource):
    """Outputs: `repository_urls` and `image_uris` (image -> URI); `model_package_group`;
    `served_model_package_arn` (None until a version is named); with a SageMaker endpoint
    `endpoint_name`; on Kubernetes `namespace` and `service_url` (None until a model is named);
    with a retraining pipeline `retraining_pipeline_name`. Outputs that do not apply are None."""

    repository_urls: dict[str, pulumi.Output[str]]
    model_package_group: pulumi.Output[str]
    served_model_package_arn: str | None
    image_uris: dict[str, pulumi.Output[str]]
    endpoint_name: pulumi.Output[str] | None
    namespace: str | None
    service_url: str | None
    retraining_pipeline_name: pulumi.Output[str] | None

    def __init__(self, name: str, args: ServingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:team:Serving", name, None, opts)
        if args.endpoint is not None and args.kubernetes is not None:
            raise ValueError("ServingArgs: give `endpoint` or `kubernetes`, not both")
        self._args = args
        # Registry, inference and retraining were children of the team layer before this
        # section was a component: aliased, so deployed stacks keep them (and their children).
        self._child = moved_child_options(self, opts.parent if opts else None)
        self.endpoint_name = self.namespace = self.service_url = None
        registry = Registry("registry", self._registry_args(), self._child)
        self.repository_urls = {k: r.repository_url for k, r in registry.repositories.items()}
        self.image_uris = registry.image_uris
        self._group_name = registered_model_name(
            args.naming.scope, args.naming.team, args.retraining.registered_model_name
        )
        self.model_package_group = self._model_package_group()
        self.served_model_package_arn = (
            args.naming.arn("sagemaker", f"model-package/{self._group_name}/{args.model_version}")
            if args.model_version is not None
            else None
        )
        kubernetes: KubernetesTarget | None = None
        monitor: DataQualityMonitor | None = None
        if args.kubernetes is not None:
            kubernetes = self._kubernetes_inference(args.kubernetes)
        elif args.endpoint is not None and self.served_model_package_arn is not None:
            monitor = self._sagemaker_endpoint(args.endpoint, self.served_model_package_arn)
        retraining_args = self._retraining_args(kubernetes, monitor)
        retraining = Retraining("retraining", retraining_args, self._child)
        self.retraining_pipeline_name = retraining.pipeline_name
        self.register_outputs(
            {
                "repositoryUrls": self.repository_urls,
                "imageUris": self.image_uris,
                "modelPackageGroup": self.model_package_group,
                "servedModelPackageArn": self.served_model_package_arn,
                "endpointName": self.endpoint_name,
                "namespace": self.namespace,
                "serviceUrl": self.service_url,
                "retrainingPipelineName": self.retraining_pipeline_name,
            }
        )

    def _registry_args(self) -> RegistryArgs:
        args = self._args
        return RegistryArgs(
            naming=args.naming,
            kms_key_arn=args.kms_key_arn,
            pusher_arns=[args.ml_engineer_role_arn, *args.extra_pusher_arns],
            puller_arns=[args.endpoint_role_arn, args.pipeline_role_arn, *args.extra_puller_arns],
            spec=args.registry,
            production=args.production,
            project_dir=args.project_dir,
        )

    def _model_package_group(self) -> pulumi.Output[str]:
        """The group retraining runs add versions to; in production it (and so the registry's
        history) survives a destroy or a replacement."""
        args = self._args
        group = aws.sagemaker.ModelPackageGroup(
            "model-package-group",
            model_package_group_name=self._group_name,
            model_package_group_description=(
                f"Versions of team {args.naming.team}'s model in {args.naming.environment}, "
                "one per retraining run; served once approved and named in mlops:inference"
            ),
            opts=stateful_options(args.production, self),
        )
        return group.model_package_group_name

    def _kubernetes_inference(self, spec: KubernetesServingSpec) -> KubernetesTarget:
        """The model server in the team namespace; returns where retraining's CronJob runs."""
        args = self._args
        spec = replace(
            spec,
            model_package_arn=self.served_model_package_arn,
            require_approved=args.production,
        )
        labels = dict(args.kubernetes_labels)
        server_role = args.kubernetes_role_arn or self._service_account_role(
            spec, MODEL_SERVER, model_server_policy
        )
        server = KubernetesInference(
            "inference",
            KubernetesInferenceArgs(
                spec=spec,
                labels=labels,
                image_uri=self.image_uris["inference"],
                irsa_role_arn=server_role,
            ),
            self._child,
        )
        self.namespace, self.service_url = spec.namespace, server.service_url
        retraining_role = (
            self._service_account_role(spec, RETRAINING_SERVICE_ACCOUNT, retraining_pod_policy)
            if args.retraining.enabled
            else None
        )
        return KubernetesTarget(
            provider=server.provider,
            namespace=spec.namespace,
            labels=labels,
            namespace_resource=server.namespace,
            service_account_role_arn=retraining_role,
        )

    def _service_account_role(
        self, spec: KubernetesServingSpec, service_account: str, policy: Callable[[PodAccess], dict]
    ) -> pulumi.Output[str]:
        """The IRSA role of one service account of the team namespace, with `policy`."""
        args = self._args
        if args.oidc_provider_arn is None:
            raise ValueError(f"ServingArgs.oidc_provider_arn is needed for {service_account}")
        purposes = sorted(args.buckets)
        access = pulumi.Output.all(
            args.kms_key_arn, args.tracking_server_arn, *[args.buckets[p] for p in purposes]
        ).apply(
            lambda v: PodAccess(
                ecr_repositories_arn=args.naming.arn("ecr", f"repository/{args.naming.scope}/*"),
                kms_key_arn=v[0],
                bucket_arns={
                    p: f"arn:{args.naming.partition}:s3:::{name}"
                    for p, name in zip(purposes, v[2:], strict=True)
                },
                model_package_group_arn=args.naming.arn(
                    "sagemaker", f"model-package-group/{self._group_name}"
                ),
                tracking_server_arn=v[1],
                model_package_arn=spec.model_package_arn,
                mlflow_kind="app" if args.tracking_kind == "app" else "tracking-server",
            )
        )
        role = ServiceAccountRole(
            f"{service_account}-irsa",
            ServiceAccountRoleArgs(
                naming=args.naming,
                purpose=service_account,
                oidc_provider_arn=args.oidc_provider_arn,
                namespace=spec.namespace,
                service_account=service_account,
                policy=access.apply(policy),
                guardrail_policy_arn=args.guardrail_policy_arn,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        return role.role_arn

    def _sagemaker_endpoint(
        self, spec: EndpointSpec, model_package_arn: str
    ) -> DataQualityMonitor | None:
        """The SageMaker endpoint; returns its data-quality monitor when monitoring is on."""
        args = self._args
        endpoint = SageMakerEndpoint(
            "inference",
            SageMakerEndpointArgs(
                naming=args.naming,
                model_package_arn=model_package_arn,
                execution_role_arn=args.endpoint_role_arn,
                kms_key_arn=args.kms_key_arn,
                capture_bucket=args.buckets["capture"],
                subnet_ids=args.subnet_ids,
                security_group_ids=args.security_group_ids,
                spec=spec,
                production=args.production,
            ),
            self._child,
        )
        self.endpoint_name = endpoint.endpoint.name
        if args.monitor is None:
            return None
        return DataQualityMonitor(
            endpoint=endpoint.endpoint, endpoint_name=endpoint.endpoint_name, spec=args.monitor
        )

    def _retraining_args(
        self, kubernetes: KubernetesTarget | None, monitor: DataQualityMonitor | None
    ) -> RetrainingArgs:
        args = self._args
        return RetrainingArgs(
            naming=args.naming,
            image_uri=self.image_uris["pipeline"],
            inference_image_uri=self.image_uris["inference"],
            pipeline_role_arn=args.pipeline_role_arn,
            kms_key_arn=args.kms_key_arn,
            buckets=dict(args.buckets),
            tracking_uri=args.tracking_uri,
            spec=args.retraining,
            kubernetes=kubernetes,
            subnet_ids=args.subnet_ids,
            security_group_ids=args.security_group_ids,
            monitor=monitor,
        )
