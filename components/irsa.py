"""An IAM role for one Kubernetes service account (IRSA), with its permissions inline.

The role trusts exactly `system:serviceaccount:<namespace>:<name>` of the cluster's IAM OIDC
provider (a prerequisite outside the stack); the ServiceAccount names it in its
`eks.amazonaws.com/role-arn` annotation (components/documents/irsa.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.documents.irsa import irsa_trust_policy
from components.naming import Naming

MAX_ROLE_NAME = 64  # IAM quotas: role names (read 2026-11)


@dataclass
class ServiceAccountRoleArgs:
    naming: Naming
    purpose: str  # part of the role name: <scope>-<purpose>-irsa
    oidc_provider_arn: str
    namespace: str
    service_account: str
    policy: pulumi.Input[dict[str, Any]]  # the permission document
    # The team's guardrail policy (explicit denies every team role carries); None: none.
    guardrail_policy_arn: pulumi.Input[str] | None = None


class ServiceAccountRole(pulumi.ComponentResource):
    """Outputs: `role_arn`."""

    role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: ServiceAccountRoleArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("mlops:kubernetes:ServiceAccountRole", name, None, opts)
        naming = args.naming
        role_name = naming.name(args.purpose, "irsa")
        if len(role_name) > MAX_ROLE_NAME:
            raise ValueError(f"role name '{role_name}' is longer than IAM's {MAX_ROLE_NAME}")
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role",
            name=role_name,
            description=(
                f"IRSA: service account {args.namespace}/{args.service_account} of team "
                f"{naming.team} in {naming.environment}"
            ),
            assume_role_policy=json.dumps(
                irsa_trust_policy(args.oidc_provider_arn, args.namespace, args.service_account)
            ),
            tags={"role-kind": "kubernetes-service-account"},
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-permissions",
            role=role.name,
            policy=pulumi.Output.from_input(args.policy).apply(json.dumps),
            opts=child,
        )
        if args.guardrail_policy_arn is not None:
            aws.iam.RolePolicyAttachment(
                f"{name}-guardrails",
                role=role.name,
                policy_arn=args.guardrail_policy_arn,
                opts=child,
            )
        self.role_arn = role.arn
        self.register_outputs({"roleArn": self.role_arn})
