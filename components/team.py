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
                description=f"Team {settings.team.name} in {settings.environment}: data, models, notebooks",
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
        # -- section: lab (components/lab.py) --
        # -- section: tracking (components/tracking.py) --
        # -- section: registry, inference, retraining --
        self.register_outputs(self.exports)
