"""The team layer: key and buckets, personas, lab, tracking, then the serving section.

The layer only wires: it turns the team's settings into each section's plain Args (the lab,
tracking and serving use the personas' roles, and serving uses tracking), and `team_exports`
assembles the stack's exports from the sections' outputs. Network ids come from the
environment stack through a StackReference.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pulumi

from components.budget import TeamBudget, TeamBudgetArgs
from components.encryption import KmsKey, KmsKeyArgs
from components.inference import BlueGreenDeployment, EndpointSpec
from components.inference_kubernetes import KubernetesServingSpec
from components.lab import CodeRepositorySpec, EnvironmentYml, Lab, LabArgs, LabMember
from components.naming import Naming
from components.personas import Personas, PersonasArgs
from components.registry import IMAGES, RegistrySpec
from components.retraining import MonitorSpec, RetrainingSpec
from components.serving import Serving, ServingArgs
from components.storage import LifecycleRules, SecureBucket, SecureBucketArgs
from components.tags import kubernetes_labels
from components.team_exports import team_exports
from components.team_protection import protected_object_keys
from components.tracking import Tracking, TrackingArgs, WorkingHours
from components.tracking_self_hosted import SelfHostedMlflowSpec
from settings import TeamSettings
from settings.catalog import BUCKET_PURPOSES, PERSONAS, model_monitor_image
from settings.derived import contract_drift
from settings.models.inference import InferenceConfig
from settings.models.tracking import SelfHostedConfig

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# Offline plans see secret config still encrypted; the kubeconfig is then this placeholder.
KUBECONFIG_PLACEHOLDER = "offline-plan-placeholder-kubeconfig"
Spec = TypeVar("Spec", bound="DataclassInstance")


class TeamLayer(pulumi.ComponentResource):
    exports: dict[str, pulumi.Input]

    def __init__(
        self,
        settings: TeamSettings,
        naming: Naming,
        tags: Mapping[str, str],
        opts: pulumi.ResourceOptions,
        project_dir: Path | None = None,
    ):
        """`tags`: the standard tags of the team (the AWS provider's default tags);
        `project_dir`: the Pulumi project (images are built from its containers/)."""
        super().__init__("mlops:layer:Team", naming.scope, None, opts)
        self.settings, self.naming = settings, naming
        self.project_dir = project_dir or Path.cwd()
        self.child = pulumi.ResourceOptions(parent=self)
        stack_name = f"{pulumi.get_organization()}/{pulumi.get_project()}"
        self.environment = pulumi.StackReference(
            "environment",
            stack_name=f"{stack_name}/{settings.team.environment_stack}",
            opts=self.child,
        )
        key = self._key()
        buckets = self._buckets(key)
        personas = self._personas(key)
        lab = self._lab(key, personas)
        tracking = self._tracking(key, buckets, lab)
        # The grants name the team's Studio domain and its MLflow (an app's ARN is AWS's).
        personas.grant(lab.domain_id, tracking.tracking_server_arn)
        serving = self._serving(key, buckets, personas, tracking, tags)
        self.budget = self._budget(tags)
        self.exports = team_exports(
            team=settings.team.name,
            environment=settings.environment,
            region=settings.region,
            inference_backend=settings.inference.backend,
            registered_model_prefix=f"{naming.scope}-",
            key=key,
            buckets=buckets,
            personas=personas,
            lab=lab,
            tracking=tracking,
            serving=serving,
        )
        self.register_outputs(self.exports)

    def _env(self, name: str) -> pulumi.Output:
        """An output of the deployed environment stack, once its contract matches the file."""
        if not hasattr(self, "_contract"):
            self._contract = self.environment.require_output("teamContract").apply(
                self._check_contract
            )
        return pulumi.Output.all(self.environment.require_output(name), self._contract).apply(
            lambda values: values[0]
        )

    def _check_contract(self, deployed: Any) -> bool:
        env = self.settings.env
        drift = contract_drift(deployed, env.team_contract)
        if drift:
            raise pulumi.RunError(
                f"environment stack '{env.stack}' as deployed differs from its stack file in "
                f"{'; '.join(drift)}; run `pulumi up -s {env.stack}` first"
            )
        return True

    def _key(self) -> KmsKey:
        settings, naming = self.settings, self.naming
        return KmsKey(
            "team-key",
            KmsKeyArgs(
                alias=naming.kms_alias("data"),
                description=(
                    f"Team {settings.team.name} in {settings.environment}: data, models, notebooks"
                ),
                account_id=settings.account_id,
                region=settings.region,
                production=settings.production,
                service_principals=("sagemaker.amazonaws.com",),
                log_group_prefix=f"/{naming.scope}/",
            ),
            self.child,
        )

    def _buckets(self, key: KmsKey) -> dict[str, SecureBucket]:
        settings, naming = self.settings, self.naming
        lifecycle = settings.team.lifecycle
        rules = LifecycleRules(
            noncurrent_version_expiration_days=lifecycle.noncurrent_version_expiration_days,
            abort_incomplete_multipart_upload_days=lifecycle.abort_incomplete_multipart_upload_days,
            transition_to_infrequent_access_days=lifecycle.transition_to_infrequent_access_days,
        )
        return {
            purpose: SecureBucket(
                f"{purpose}-bucket",
                SecureBucketArgs(
                    bucket_name=naming.bucket(purpose),
                    purpose=purpose,
                    data_classification=settings.team.classification_of(purpose),
                    kms_key_arn=key.arn,
                    access_log_bucket=self._env("accessLogBucket"),
                    lifecycle=rules,
                    production=settings.production,
                ),
                self.child,
            )
            for purpose in BUCKET_PURPOSES
        }

    def _personas(self, key: KmsKey) -> Personas:
        settings = self.settings
        yml = settings.lab.environment_yml
        personas = settings.personas
        return Personas(
            "personas",
            PersonasArgs(
                naming=self.naming,
                kms_key_arn=key.arn,
                bucket_classifications={
                    p: settings.team.classification_of(p) for p in BUCKET_PURPOSES
                },
                instance_types=list(settings.instances.all_types),
                personas=PERSONAS,
                production=settings.production,
                principals={p: personas.principals_of(p) for p in PERSONAS},
                steward_readable_classifications=list(
                    personas.data_steward_readable_classifications
                ),
                max_session_hours=personas.max_session_hours,
                lab_kind=settings.lab.kind,
                lab_auth_mode=settings.lab.auth_mode,
                lab_members={m.name: m.persona for m in settings.lab.members},
                tracking_kind=settings.tracking.kind,
                protected_object_keys=protected_object_keys(
                    (yml.bucket, yml.path) if yml is not None and yml.source == "s3" else None,
                ),
            ),
            self.child,
        )

    def _lab(self, key: KmsKey, personas: Personas) -> Lab:
        settings, naming, lab = self.settings, self.naming, self.settings.lab
        yml = lab.environment_yml
        return Lab(
            "lab",
            LabArgs(
                naming=naming,
                team=settings.team.name,
                kms_key_arn=key.arn,
                vpc_id=self._env("vpcId"),
                subnet_ids=self._env("privateSubnetIds"),
                security_group_ids=self._env("workloadSecurityGroupIds"),
                execution_role_arns=personas.execution_role_arns,
                kind=lab.kind,
                production=settings.production,
                auth_mode=lab.auth_mode,
                idle_timeout_minutes=lab.idle_timeout_minutes,
                members=[_from_config(LabMember, m) for m in lab.members],
                allowed_instance_types=list(settings.instances.lab),
                code_repositories=[
                    _from_config(CodeRepositorySpec, r) for r in lab.code_repositories
                ],
                environment_yml=(
                    None
                    if yml is None
                    else _from_config(
                        EnvironmentYml,
                        yml,
                        bucket=naming.bucket(yml.bucket) if yml.source == "s3" else None,
                    )
                ),
                package_mirror_url=lab.package_mirror_url,
                pip_mirror_url=lab.pip_mirror_url,
                notebook_volume_size_gb=lab.notebook_volume_size_gb,
                home_efs_retention=lab.home_efs_retention,
            ),
            self.child,
        )

    def _tracking(self, key: KmsKey, buckets: Mapping[str, SecureBucket], lab: Lab) -> Tracking:
        settings, tracking = self.settings, self.settings.tracking
        return Tracking(
            "tracking",
            TrackingArgs(
                naming=self.naming,
                kms_key_arn=key.arn,
                artifacts_bucket=buckets["artifacts"].name,
                artifacts_bucket_arn=buckets["artifacts"].arn,
                kind=tracking.kind,
                production=settings.production,
                studio_domain_id=lab.domain_id if lab.kind == "studio" else None,
                size=tracking.size,
                mlflow_version=tracking.mlflow_version,
                automatic_model_registration=tracking.automatic_model_registration,
                weekly_maintenance_window_start=tracking.weekly_maintenance_window_start,
                working_hours=(
                    _from_config(WorkingHours, tracking.working_hours)
                    if tracking.working_hours_on(settings.production)
                    else None
                ),
                self_hosted=(
                    _self_hosted_spec(tracking.self_hosted, self.project_dir)
                    if tracking.kind == "self-hosted"
                    else None
                ),
                vpc_id=self._env("vpcId"),
                subnet_ids=self._env("privateSubnetIds"),
                client_security_group_ids=self._env("workloadSecurityGroupIds"),
            ),
            self.child,
        )

    def _serving(
        self,
        key: KmsKey,
        buckets: Mapping[str, SecureBucket],
        personas: Personas,
        tracking: Tracking,
        tags: Mapping[str, str],
    ) -> Serving:
        settings = self.settings
        registry, retraining = settings.registry, settings.retraining
        images = {i: uri for i in IMAGES if (uri := getattr(registry.images, i))}
        monitor = (
            _from_config(
                MonitorSpec, retraining.monitor, image_uri=model_monitor_image(settings.region)
            )
            if settings.monitoring_enabled
            else None
        )
        return Serving(
            "serving",
            ServingArgs(
                naming=self.naming,
                kms_key_arn=key.arn,
                buckets={purpose: bucket.name for purpose, bucket in buckets.items()},
                ml_engineer_role_arn=personas.role_arns["ml-engineer"],
                endpoint_role_arn=personas.execution_role_arns["endpoint"],
                pipeline_role_arn=personas.execution_role_arns["pipeline"],
                tracking_uri=tracking.tracking_uri,
                subnet_ids=self._env("privateSubnetIds"),
                security_group_ids=self._env("workloadSecurityGroupIds"),
                production=settings.production,
                project_dir=self.project_dir,
                registry=_from_config(RegistrySpec, registry, images=images),
                # Development: data scientists push experiment images too (production: never).
                extra_pusher_arns=[
                    *([registry.ci_role_arn] if registry.ci_role_arn else []),
                    *([] if settings.production else [personas.role_arns["data-scientist"]]),
                ],
                extra_puller_arns=list(registry.pull_role_arns),
                model_version=settings.inference.model.version,
                endpoint=_endpoint_spec(settings.inference, settings.production),
                kubernetes=_kubernetes_spec(settings.inference, self.naming),
                kubernetes_labels=kubernetes_labels(dict(tags)),
                oidc_provider_arn=settings.inference.kubernetes.oidc_provider_arn,
                kubernetes_role_arn=settings.inference.kubernetes.irsa_role_arn,
                guardrail_policy_arn=personas.guardrail_policy_arn,
                tracking_server_arn=tracking.tracking_server_arn,
                tracking_kind=settings.tracking.kind,
                retraining=_from_config(RetrainingSpec, retraining),
                monitor=monitor,
            ),
            self.child,
        )

    def _budget(self, tags: Mapping[str, str]) -> TeamBudget:
        """An AWS Budget on what the provider tagged with the team and environment."""
        team, alerts = self.settings.team, self.settings.team.budget_alerts
        return TeamBudget(
            "budget",
            TeamBudgetArgs(
                naming=self.naming,
                monthly_limit_usd=team.monthly_budget_usd,
                owner_email=self.settings.owner,
                cost_allocation_tags={key: tags[key] for key in ("team", "environment")},
                forecasted_threshold_percent=alerts.forecasted_percent,
                actual_threshold_percent=alerts.actual_percent,
                extra_subscriber_emails=tuple(alerts.extra_emails),
            ),
            self.child,
        )


def _from_config(cls: type[Spec], config: Any, **fields: Any) -> Spec:
    """`cls` (a component's plain, frozen dataclass) from the config model's attributes of the
    same names, plus `fields`. A field the config lacks is an error, never a silent default;
    lists become tuples."""
    values = dict(fields)
    for f in dataclasses.fields(cls):
        if f.name not in values:
            if not hasattr(config, f.name):
                raise TypeError(f"{type(config).__name__} has no {f.name!r} for {cls.__name__}")
            value = getattr(config, f.name)
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


def _endpoint_spec(inference: InferenceConfig, production: bool) -> EndpointSpec | None:
    """The SageMaker endpoint, if that is the backend and a model is named."""
    if inference.backend != "sagemaker" or not inference.deploys_model:
        return None
    sm = inference.sagemaker
    return _from_config(
        EndpointSpec,
        sm,
        mode="realtime" if sm.resolved_mode(production) == "realtime" else "serverless",
        deployment=_from_config(BlueGreenDeployment, sm.deployment),
    )


def _kubernetes_spec(inference: InferenceConfig, naming: Naming) -> KubernetesServingSpec | None:
    """The Kubernetes backend's namespace and model server (namespace only without a model)."""
    if inference.backend != "kubernetes":
        return None
    kube = inference.kubernetes
    return _from_config(
        KubernetesServingSpec,
        kube,
        namespace=kube.namespace or naming.scope,
        kubeconfig=inference.kubeconfig_value(KUBECONFIG_PLACEHOLDER),
        # Set by the serving section from mlops:inference.model.version and production.
        model_package_arn=None,
        require_approved=False,
    )


def _self_hosted_spec(config: SelfHostedConfig, project_dir: Path) -> SelfHostedMlflowSpec:
    if config.certificate_arn is None:  # refused by the settings before any resource
        raise ValueError("mlops:tracking.selfHosted.certificateArn is required")
    return _from_config(SelfHostedMlflowSpec, config, project_dir=project_dir)
