"""KMS keys with rotation, an alias and a policy administered through the account's IAM."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.documents.kms import key_policy
from components.provider import stateful_options

# KMS allows a deletion window of 7-30 days (AWS KMS ScheduleKeyDeletion, read 2026-11):
# the longest in production, the shortest elsewhere so dev keys do not linger.
PRODUCTION_DELETION_WINDOW_DAYS = 30
DEFAULT_DELETION_WINDOW_DAYS = 7


@dataclass
class KmsKeyArgs:
    alias: str
    description: str
    account_id: str
    region: str
    production: bool = False
    service_principals: tuple[str, ...] = ()
    log_group_prefix: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


class KmsKey(pulumi.ComponentResource):
    key: aws.kms.Key
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: KmsKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:encryption:KmsKey", name, None, opts)
        policy = key_policy(
            account_id=args.account_id,
            region=args.region,
            service_principals=args.service_principals,
            log_group_prefix=args.log_group_prefix,
        )
        self.key = aws.kms.Key(
            name,
            description=args.description,
            enable_key_rotation=True,
            deletion_window_in_days=(
                PRODUCTION_DELETION_WINDOW_DAYS if args.production else DEFAULT_DELETION_WINDOW_DAYS
            ),
            policy=json.dumps(policy),
            tags=args.tags or None,
            opts=stateful_options(args.production, self),
        )
        aws.kms.Alias(
            f"{name}-alias",
            name=args.alias,
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.arn})
