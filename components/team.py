"""The team layer: key and buckets, personas, lab, tracking, then registry, inference, retraining.

Order matters: the lab, tracking and serving use the personas' roles, and serving uses tracking.
Network ids come from the environment stack through a StackReference.
"""

from __future__ import annotations

import pulumi

from components.config.lab import allowed_instance_types
from components.config.personas import PERSONAS
from components.config.team import BUCKET_PURPOSES
from components.documents.tracking import dvc_remote, dvc_remote_commands
from components.encryption import KmsKey, KmsKeyArgs
from components.lab import Lab, LabArgs
from components.naming import Naming
from components.personas import Personas, PersonasArgs
from components.serving import build_serving
from components.settings import TeamSettings
from components.storage import LifecycleRules, SecureBucket, SecureBucketArgs
from components.tracking import Tracking, TrackingArgs


class TeamLayer(pulumi.ComponentResource):
    exports: dict[str, pulumi.Input]

    def __init__(self, settings: TeamSettings, naming: Naming, opts: pulumi.ResourceOptions):
        super().__init__("mlops:layer:Team", naming.scope, None, opts)
        self.settings = settings
        self.naming = naming
        self.child = pulumi.ResourceOptions(parent=self)
        stack_name = f"{pulumi.get_organization()}/{pulumi.get_project()}"
        self.environment = pulumi.StackReference(
            "environment",
            stack_name=f"{stack_name}/{settings.team.environment_stack}",
            opts=self.child,
        )
        self._data()
        self._personas()
        self._lab()
        self._tracking()
        self.exports.update(build_serving(self, settings, naming))
        self.register_outputs(self.exports)

    def _env(self, name: str) -> pulumi.Output:
        return self.environment.require_output(name)

    def _data(self) -> None:
        settings, naming = self.settings, self.naming
        self.key = KmsKey(
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
        lifecycle = settings.team.lifecycle
        rules = LifecycleRules(
            noncurrent_version_expiration_days=lifecycle.noncurrent_version_expiration_days,
            abort_incomplete_multipart_upload_days=lifecycle.abort_incomplete_multipart_upload_days,
            transition_to_infrequent_access_days=lifecycle.transition_to_infrequent_access_days,
        )
        self.buckets: dict[str, SecureBucket] = {
            purpose: SecureBucket(
                f"{purpose}-bucket",
                SecureBucketArgs(
                    bucket_name=naming.bucket(purpose),
                    purpose=purpose,
                    data_classification=settings.team.classification_of(purpose),
                    kms_key_arn=self.key.arn,
                    access_log_bucket=self._env("accessLogBucket"),
                    lifecycle=rules,
                    production=settings.production,
                ),
                self.child,
            )
            for purpose in BUCKET_PURPOSES
        }
        self.exports = {
            "layer": "team",
            "team": settings.team.name,
            "environment": settings.environment,
            "region": settings.region,
            "teamKmsKeyArn": self.key.arn,
            "buckets": {purpose: bucket.name for purpose, bucket in self.buckets.items()},
        }

    def _personas(self) -> None:
        settings = self.settings
        personas = settings.personas
        governance = settings.env.governance
        gpu_types = governance.allowed_gpu_instance_types if personas.allow_gpu else []
        self.personas = Personas(
            "personas",
            PersonasArgs(
                naming=self.naming,
                production=settings.production,
                kms_key_arn=self.key.arn,
                bucket_classifications={
                    p: settings.team.classification_of(p) for p in BUCKET_PURPOSES
                },
                instance_types=[*governance.allowed_instance_types, *gpu_types],
                principals={p: personas.principals_of(p) for p in PERSONAS},
                steward_readable_classifications=list(
                    personas.data_steward_readable_classifications
                ),
                max_session_hours=personas.max_session_hours,
            ),
            self.child,
        )
        self.exports["personaRoleArns"] = self.personas.role_arns
        self.exports["executionRoleArns"] = self.personas.execution_role_arns

    def _lab(self) -> None:
        settings = self.settings
        cpu_types, gpu_types = allowed_instance_types(
            settings.lab, settings.env, settings.personas.allow_gpu
        )
        self.lab = Lab(
            "lab",
            LabArgs(
                config=settings.lab,
                naming=self.naming,
                team=settings.team.name,
                production=settings.production,
                kms_key_arn=self.key.arn,
                vpc_id=self._env("vpcId"),
                subnet_ids=self._env("privateSubnetIds"),
                security_group_ids=self._env("workloadSecurityGroupIds"),
                execution_role_arns=self.personas.execution_role_arns,
                allowed_instance_types=cpu_types + gpu_types,
            ),
            self.child,
        )
        self.exports.update(self.lab.exports)

    def _tracking(self) -> None:
        settings = self.settings
        # The DVC remote: the team's versioned, SSE-KMS `dvc` bucket, ready for `dvc remote add`.
        self.dvc_remote = pulumi.Output.all(self.buckets["dvc"].name, self.key.arn).apply(
            lambda v: dvc_remote(bucket=v[0], region=settings.region, kms_key_arn=v[1])
        )
        self.tracking = Tracking(
            "tracking",
            TrackingArgs(
                config=settings.tracking,
                naming=self.naming,
                production=settings.production,
                kms_key_arn=self.key.arn,
                artifacts_bucket=self.buckets["artifacts"].name,
                artifacts_bucket_arn=self.buckets["artifacts"].arn,
                vpc_id=self._env("vpcId"),
                subnet_ids=self._env("privateSubnetIds"),
                client_security_group_ids=self._env("workloadSecurityGroupIds"),
            ),
            self.child,
        )
        self.exports.update(
            {
                "dvcRemote": self.dvc_remote,
                "dvcRemoteCommands": self.dvc_remote.apply(dvc_remote_commands),
                "mlflowTrackingUri": self.tracking.tracking_uri,
                "mlflowEnvironment": self.tracking.environment,
                "mlflowArtifactStoreUri": self.tracking.artifact_store_uri,
            }
        )
