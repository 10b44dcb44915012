"""SecureBucket: one S3 bucket with every companion resource a governed data bucket needs.

In pulumi-aws v7 versioning, encryption, public-access block, ownership, logging, lifecycle and
policy are separate resources; this component creates all of them, parented to itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.documents.storage import bucket_policy
from components.provider import stateful_options


@dataclass(frozen=True)
class LifecycleRules:
    noncurrent_version_expiration_days: int = 90
    abort_incomplete_multipart_upload_days: int = 7
    transition_to_infrequent_access_days: int = 0  # 0: off
    expiration_days: int = 0  # 0: keep current objects forever


@dataclass
class SecureBucketArgs:
    bucket_name: str
    purpose: str
    data_classification: str
    # SSE-KMS with this customer-managed key. None means SSE-S3, allowed only for the
    # server-access-log bucket: S3 cannot deliver access logs to an SSE-KMS bucket.
    kms_key_arn: pulumi.Input[str] | None
    access_log_bucket: pulumi.Input[str] | None
    lifecycle: LifecycleRules = field(default_factory=LifecycleRules)
    production: bool = False
    extra_policy_statements: list[dict[str, Any]] = field(default_factory=list)


class SecureBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("mlops:storage:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            force_destroy=False,
            tags={"data-classification": args.data_classification, "purpose": args.purpose},
            opts=stateful_options(args.production, self),
        )
        bucket_id = self.bucket.id
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"
            ),
            opts=child,
        )
        by_default = (
            aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
        )
        if args.kms_key_arn is not None:
            default = by_default(sse_algorithm="aws:kms", kms_master_key_id=args.kms_key_arn)
        else:
            default = by_default(sse_algorithm="AES256")
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=default,
                    bucket_key_enabled=args.kms_key_arn is not None,
                )
            ],
            opts=child,
        )
        # Policies after the public-access block, so a policy is never briefly public.
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket_id,
            policy=self.bucket.arn.apply(
                lambda arn: json.dumps(bucket_policy(arn, args.extra_policy_statements))
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access, ownership]),
        )
        if args.access_log_bucket is not None:
            aws.s3.BucketLogging(
                f"{name}-logging",
                bucket=bucket_id,
                target_bucket=args.access_log_bucket,
                target_prefix=f"{args.bucket_name}/",
                opts=child,
            )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            rules=_lifecycle_rules(args.lifecycle),
            opts=child,
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.register_outputs({"name": self.name, "arn": self.arn})


def _lifecycle_rules(rules: LifecycleRules) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    everything = aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix="")
    result = [
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id="expire-noncurrent-versions",
            status="Enabled",
            filter=everything,
            noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=rules.noncurrent_version_expiration_days
            ),
        ),
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id="abort-incomplete-multipart-uploads",
            status="Enabled",
            filter=everything,
            abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=rules.abort_incomplete_multipart_upload_days
            ),
        ),
    ]
    if rules.transition_to_infrequent_access_days:
        result.append(
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="transition-to-standard-ia",
                status="Enabled",
                filter=everything,
                transitions=[
                    aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                        days=rules.transition_to_infrequent_access_days, storage_class="STANDARD_IA"
                    )
                ],
            )
        )
    if rules.expiration_days:
        result.append(
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-current-objects",
                status="Enabled",
                filter=everything,
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                    days=rules.expiration_days
                ),
            )
        )
    return result
