"""The team layer: the team's KMS key and data buckets, on the environment's network.

Later components (personas, lab, tracking, registry, inference, retraining) are composed here too.
"""

from __future__ import annotations

import pulumi

from components.config.team import BUCKET_PURPOSES
from components.encryption import KmsKey, KmsKeyArgs
from components.naming import Naming
from components.settings import TeamSettings
from components.storage import LifecycleRules, SecureBucket, SecureBucketArgs


class TeamLayer(pulumi.ComponentResource):
    exports: dict[str, pulumi.Input]

    def __init__(self, settings: TeamSettings, naming: Naming, opts: pulumi.ResourceOptions):
        super().__init__("mlops:layer:Team", naming.scope, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        production = settings.production
        env = pulumi.StackReference(
            "environment",
            stack_name=f"{pulumi.get_organization()}/{pulumi.get_project()}/{settings.team.environment_stack}",
            opts=child,
        )
        self.environment = env

        self.key = KmsKey(
            "team-key",
            KmsKeyArgs(
                alias=naming.kms_alias("data"),
                description=(
                    f"Team {settings.team.name} in {settings.environment}: data, models, notebooks"
                ),
                account_id=settings.account_id,
                region=settings.region,
                production=production,
                service_principals=("sagemaker.amazonaws.com",),
                log_group_prefix=f"/{naming.scope}/",
            ),
            child,
        )
        lifecycle = settings.team.lifecycle
        rules = LifecycleRules(
            noncurrent_version_expiration_days=lifecycle.noncurrent_version_expiration_days,
            abort_incomplete_multipart_upload_days=lifecycle.abort_incomplete_multipart_upload_days,
            transition_to_infrequent_access_days=lifecycle.transition_to_infrequent_access_days,
        )
        access_log_bucket = env.require_output("accessLogBucket")
        self.buckets: dict[str, SecureBucket] = {
            purpose: SecureBucket(
                f"{purpose}-bucket",
                SecureBucketArgs(
                    bucket_name=naming.bucket(purpose),
                    purpose=purpose,
                    data_classification=settings.team.classification_of(purpose),
                    kms_key_arn=self.key.arn,
                    access_log_bucket=access_log_bucket,
                    lifecycle=rules,
                    production=production,
                ),
                child,
            )
            for purpose in BUCKET_PURPOSES
        }
        self.exports: dict[str, pulumi.Input] = {
            "layer": "team",
            "team": settings.team.name,
            "environment": settings.environment,
            "region": settings.region,
            "teamKmsKeyArn": self.key.arn,
            "buckets": {purpose: bucket.name for purpose, bucket in self.buckets.items()},
        }
        # Each section below builds one component and adds its exports. Keep the order:
        # later components use the personas' roles.
        # -- section: personas (components/personas.py) --
        from components.personas import Personas, PersonasArgs

        personas = settings.personas
        governance = settings.env.governance
        self.personas = Personas(
            "personas",
            PersonasArgs(
                naming=naming,
                production=production,
                kms_key_arn=self.key.arn,
                bucket_classifications={
                    p: settings.team.classification_of(p) for p in BUCKET_PURPOSES
                },
                instance_types=[
                    *governance.allowed_instance_types,
                    *(governance.allowed_gpu_instance_types if personas.allow_gpu else []),
                ],
                principals={
                    p: personas.principals_of(p)
                    for p in ("data-scientist", "ml-engineer", "data-steward")
                },
                steward_readable_classifications=list(
                    personas.data_steward_readable_classifications
                ),
                max_session_hours=personas.max_session_hours,
            ),
            child,
        )
        self.exports.update(
            {
                "personaRoleArns": self.personas.role_arns,
                "executionRoleArns": self.personas.execution_role_arns,
            }
        )
        # -- section: lab (components/lab.py) --
        from components.config.lab import allowed_instance_types
        from components.lab import Lab, LabArgs

        cpu_types, gpu_types = allowed_instance_types(
            settings.lab, settings.env, settings.personas.allow_gpu
        )
        self.lab = Lab(
            "lab",
            LabArgs(
                config=settings.lab,
                naming=naming,
                team=settings.team.name,
                production=production,
                kms_key_arn=self.key.arn,
                vpc_id=env.require_output("vpcId"),
                subnet_ids=env.require_output("privateSubnetIds"),
                security_group_ids=env.require_output("workloadSecurityGroupIds"),
                execution_role_arns=self.personas.execution_role_arns,
                allowed_instance_types=cpu_types + gpu_types,
            ),
            child,
        )
        self.exports.update(self.lab.exports)
        # -- section: tracking (components/tracking.py) --
        from components.documents.tracking import dvc_remote, dvc_remote_commands
        from components.tracking import Tracking, TrackingArgs

        # The DVC remote: the team's versioned, SSE-KMS `dvc` bucket, ready for `dvc remote add`.
        self.dvc_remote = pulumi.Output.all(self.buckets["dvc"].name, self.key.arn).apply(
            lambda v: dvc_remote(bucket=v[0], region=settings.region, kms_key_arn=v[1])
        )
        self.tracking = Tracking(
            "tracking",
            TrackingArgs(
                config=settings.tracking,
                naming=naming,
                production=production,
                kms_key_arn=self.key.arn,
                artifacts_bucket=self.buckets["artifacts"].name,
                artifacts_bucket_arn=self.buckets["artifacts"].arn,
                vpc_id=env.require_output("vpcId"),
                subnet_ids=env.require_output("privateSubnetIds"),
                client_security_group_ids=env.require_output("workloadSecurityGroupIds"),
            ),
            child,
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
        # -- section: registry, inference, retraining --
        from components.serving import build_serving

        self.exports.update(build_serving(self, settings, naming))
        self.register_outputs(self.exports)
