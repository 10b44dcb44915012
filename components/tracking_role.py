"""The role a SageMaker-run MLflow (tracking server or MLflow App) acts with.

Trusted by `sagemaker.amazonaws.com` from this account only; allowed the artifact prefix, the
team key through S3 and, with automatic registration, the team's model package groups
(`tracking_server_policy`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents.tracking import tracking_server_policy
from components.documents.trust import service_trust_policy
from components.naming import Naming


@dataclass(frozen=True)
class MlflowRoleSpec:
    logical: str  # Pulumi name prefix, e.g. "tracking-server"
    role_name: str  # physical name, e.g. <scope>-mlflow-server
    policy_name: str
    description: str


def mlflow_role(
    spec: MlflowRoleSpec,
    *,
    naming: Naming,
    artifacts_bucket_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    automatic_model_registration: bool,
    parent: pulumi.Resource,
) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{spec.logical}-role",
        name=spec.role_name,
        description=spec.description,
        assume_role_policy=json.dumps(
            service_trust_policy("sagemaker.amazonaws.com", naming.account_id)
        ),
        max_session_duration=3600,
        opts=child,
    )
    policy = aws.iam.RolePolicy(
        f"{spec.logical}-policy",
        name=spec.policy_name,
        role=role.id,
        policy=pulumi.Output.all(artifacts_bucket_arn, kms_key_arn).apply(
            lambda values: json.dumps(
                tracking_server_policy(
                    bucket_arn=values[0],
                    kms_key_arn=values[1],
                    automatic_model_registration=automatic_model_registration,
                    partition=naming.partition,
                    region=naming.region,
                    account_id=naming.account_id,
                    scope=naming.scope,
                )
            )
        ),
        opts=child,
    )
    return role, policy
