"""The environment's governance role: read-only on configurations, logs and audit data.

Assumed by the configured principals (never `*`), or else by this account's principals tagged
`persona=auditor`; may read every team's bucket configuration, roles, keys and logs of the
environment, and the audit bucket's objects, and change nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.documents.auditor import auditor_policy
from components.documents.iam import human_trust_policy
from components.naming import Naming
from components.provider import moved_child_options

PERSONA = "auditor"


@dataclass
class AuditorArgs:
    naming: Naming  # the environment's (reserved team `platform`)
    audit_bucket_arn: pulumi.Input[str]
    environment_key_arn: pulumi.Input[str]
    principals: list[str] = field(default_factory=list)  # IAM/SAML principal ARNs, never `*`
    max_session_hours: int = 4


class Auditor(pulumi.ComponentResource):
    """The auditor role and its inline policy (type token `mlops:governance:Auditor`)."""

    role: aws.iam.Role
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AuditorArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:governance:Auditor", name, None, opts)
        naming = args.naming
        # The role and its policy were children of the environment layer before this component.
        child = moved_child_options(self, opts.parent if opts else None)
        self.role = aws.iam.Role(
            name,
            name=naming.name(PERSONA),
            description=f"Governance auditor of environment {naming.environment} (read-only)",
            assume_role_policy=json.dumps(
                human_trust_policy(
                    list(args.principals),
                    account_id=naming.account_id,
                    partition=naming.partition,
                )
            ),
            max_session_duration=args.max_session_hours * 3600,
            tags={"persona": PERSONA},
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-permissions",
            role=self.role.name,
            name="permissions",
            policy=pulumi.Output.all(args.audit_bucket_arn, args.environment_key_arn).apply(
                lambda arns: json.dumps(
                    auditor_policy(
                        partition=naming.partition,
                        account_id=naming.account_id,
                        region=naming.region,
                        name_prefix=naming.prefix,
                        environment=naming.environment,
                        audit_bucket_arn=arns[0],
                        environment_key_arn=arns[1],
                    )
                )
            ),
            opts=child,
        )
        self.role_arn = self.role.arn
        self.register_outputs({"roleArn": self.role_arn})
