"""Serverless MLflow: a SageMaker MLflow App per team and environment (tracking kind `app`).

No instance runs while nobody logs: AWS bills no app hours (docs/tracking.md, with the source).
The app writes artifacts under `s3://<artifacts bucket>/mlflow` with its own role (the same
least-privilege document as the tracking server's: that prefix, the team key through S3, and
with automatic registration the team's model package groups), is the default MLflow of the
team's Studio domain, and is never the account's default. Clients call it by ARN through the
sagemaker-mlflow plugin, which signs for the `sagemaker` service: the permission is
`sagemaker:CallMlflowAppApi` on the app (components/documents/team_statements.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.naming import Naming
from components.provider import stateful_options
from components.tracking_role import MlflowRoleSpec, mlflow_role


@dataclass
class MlflowAppArgs:
    naming: Naming
    kms_key_arn: pulumi.Input[str]
    artifacts_bucket_arn: pulumi.Input[str]
    artifact_store_uri: pulumi.Input[str]
    automatic_model_registration: bool
    weekly_maintenance_window_start: str
    production: bool
    # The team's Studio domain, whose spaces use this app by default; None: no Studio lab.
    studio_domain_id: pulumi.Input[str] | None = None


def mlflow_app(name: str, args: MlflowAppArgs, parent: pulumi.Resource) -> aws.sagemaker.MlflowApp:
    """The app and its role; in production the app (its run history) is protected and retained."""
    naming = args.naming
    role, policy = mlflow_role(
        MlflowRoleSpec(
            logical=f"{name}-app",
            role_name=naming.name("mlflow-app"),
            policy_name="mlflow-app",
            description="SageMaker MLflow App: artifacts and model registration",
        ),
        naming=naming,
        artifacts_bucket_arn=args.artifacts_bucket_arn,
        kms_key_arn=args.kms_key_arn,
        automatic_model_registration=args.automatic_model_registration,
        parent=parent,
    )
    mode = "Enabled" if args.automatic_model_registration else "Disabled"
    return aws.sagemaker.MlflowApp(
        f"{name}-app",
        name=naming.name("mlflow"),
        artifact_store_uri=args.artifact_store_uri,
        role_arn=role.arn,
        model_registration_mode=f"AutoModelRegistration{mode}",
        weekly_maintenance_window_start=args.weekly_maintenance_window_start,
        account_default_status="DISABLED",
        default_domain_id_lists=(
            [args.studio_domain_id] if args.studio_domain_id is not None else None
        ),
        # The role must reach the bucket before the app starts.
        opts=pulumi.ResourceOptions.merge(
            stateful_options(args.production, parent), pulumi.ResourceOptions(depends_on=[policy])
        ),
    )
