"""Experiment tracking: one MLflow per team and environment.

`app` (default): a SageMaker MLflow App, serverless (`tracking_app.py`). `sagemaker`: a managed
SageMaker MLflow tracking server with its own least-privilege
role, artifacts under `s3://<artifacts bucket>/mlflow`, stopped and started on a working-hours
schedule (`working_hours`). `self-hosted` (`tracking_self_hosted.py`): the image of
`containers/mlflow/` on ECS Fargate in the private subnets, behind an internal HTTPS load
balancer, with MLflow's basic-auth app, a PostgreSQL backend store on an encrypted RDS instance
whose master credentials live in Secrets Manager, and proxied artifacts in the same bucket prefix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.documents.tracking import (
    MLFLOW_PREFIX,
    WORKING_HOURS_ACTIONS,
    working_hours_input,
    working_hours_schedule_policy,
    working_hours_target_arn,
)
from components.documents.trust import service_trust_policy
from components.naming import Naming
from components.provider import stateful_options
from components.tracking_app import MlflowAppArgs, mlflow_app
from components.tracking_role import MlflowRoleSpec, mlflow_role
from components.tracking_self_hosted import (
    SelfHostedMlflowArgs,
    SelfHostedMlflowSpec,
    self_hosted_mlflow,
)

# SageMaker MLflow versions must be exact (major.minor.patch): a short form makes the provider
# see a change on every apply (hashicorp/terraform-provider-aws#42276).
DEFAULT_MLFLOW_VERSION = "3.0"  # major.minor, as the provider reads it back


@dataclass(frozen=True)
class WorkingHours:
    """EventBridge Scheduler expressions that stop and start a managed server, and their zone."""

    start: str = "cron(0 7 ? * MON-FRI *)"
    stop: str = "cron(0 20 ? * MON-FRI *)"
    timezone: str = "UTC"


@dataclass
class TrackingArgs:
    naming: Naming
    kms_key_arn: pulumi.Input[str]
    artifacts_bucket: pulumi.Input[str]
    artifacts_bucket_arn: pulumi.Input[str]
    kind: Literal["app", "sagemaker", "self-hosted"] = "app"
    production: bool = False
    # App: the team's Studio domain, whose spaces use the app by default.
    studio_domain_id: pulumi.Input[str] | None = None
    # Managed SageMaker MLflow.
    size: Literal["Small", "Medium", "Large"] = "Small"
    mlflow_version: str = DEFAULT_MLFLOW_VERSION
    automatic_model_registration: bool = True
    weekly_maintenance_window_start: str = "Sun:03:00"
    # Stop and start the managed server on this schedule; None: it always runs.
    working_hours: WorkingHours | None = None
    # Self-hosted only: the server's spec (required) and the environment's private network.
    self_hosted: SelfHostedMlflowSpec | None = None
    vpc_id: pulumi.Input[str] | None = None
    subnet_ids: pulumi.Input[list[str]] | None = None
    client_security_group_ids: pulumi.Input[list[str]] | None = None


class Tracking(pulumi.ComponentResource):
    """One MLflow tracking server (type token `mlops:tracking:Tracking`).

    Outputs: `tracking_uri` (the app's or managed server's ARN, or the self-hosted https://
    URL), `environment` (the client variables), `artifact_store_uri`; app and managed server:
    `tracking_server_arn` (the ARN IAM grants name); self-hosted: `database` and
    `auth_secret_arn` (the basic-auth secret to set).
    """

    tracking_uri: pulumi.Output[str]
    tracking_server_arn: pulumi.Output[str] | None
    environment: pulumi.Output[dict[str, str]]
    artifact_store_uri: pulumi.Output[str]
    database: aws.rds.Instance | None = None
    auth_secret_arn: pulumi.Output[str] | None = None

    def __init__(self, name: str, args: TrackingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:tracking:Tracking", name, None, opts)
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self.artifact_store_uri = pulumi.Output.concat(
            "s3://", args.artifacts_bucket, f"/{MLFLOW_PREFIX}"
        )
        self.tracking_server_arn = None
        if args.working_hours is not None and args.kind != "sagemaker":
            raise ValueError("TrackingArgs.working_hours: only a tracking server (kind sagemaker)")
        if args.kind == "app":
            self._app(name)
        elif args.kind == "sagemaker":
            self._sagemaker(name)
        else:
            self._self_hosted(name)
        naming = args.naming
        self.environment = pulumi.Output.all(self.tracking_uri).apply(
            lambda values: {"MLFLOW_TRACKING_URI": values[0], "AWS_REGION": naming.region}
        )
        self.register_outputs({"trackingUri": self.tracking_uri, "environment": self.environment})

    # -- serverless MLflow App --
    def _app(self, name: str) -> None:
        args = self._args
        app = mlflow_app(
            name,
            MlflowAppArgs(
                naming=args.naming,
                kms_key_arn=args.kms_key_arn,
                artifacts_bucket_arn=args.artifacts_bucket_arn,
                artifact_store_uri=self.artifact_store_uri,
                automatic_model_registration=args.automatic_model_registration,
                weekly_maintenance_window_start=args.weekly_maintenance_window_start,
                production=args.production,
                studio_domain_id=args.studio_domain_id,
            ),
            parent=self,
        )
        # The sagemaker-mlflow plugin takes the app's ARN as tracking URI.
        self.tracking_server_arn = app.arn
        self.tracking_uri = app.arn

    # -- self-hosted on ECS Fargate --
    def _self_hosted(self, name: str) -> None:
        args = self._args
        if args.self_hosted is None:
            raise ValueError("TrackingArgs.self_hosted is required with kind self-hosted")
        if args.vpc_id is None or args.subnet_ids is None or args.client_security_group_ids is None:
            raise ValueError(
                "TrackingArgs.vpc_id, subnet_ids and client_security_group_ids are required "
                "with kind self-hosted"
            )
        server = self_hosted_mlflow(
            name,
            SelfHostedMlflowArgs(
                naming=args.naming,
                spec=args.self_hosted,
                kms_key_arn=args.kms_key_arn,
                artifacts_bucket_arn=args.artifacts_bucket_arn,
                artifact_store_uri=self.artifact_store_uri,
                vpc_id=args.vpc_id,
                subnet_ids=args.subnet_ids,
                client_security_group_ids=args.client_security_group_ids,
                production=args.production,
            ),
            parent=self,
        )
        self.database = server.database
        self.auth_secret_arn = server.auth_secret_arn
        self.tracking_uri = server.tracking_uri

    # -- managed SageMaker MLflow --
    def _sagemaker(self, name: str) -> None:
        args, naming = self._args, self._args.naming
        role, policy = mlflow_role(
            MlflowRoleSpec(
                logical=f"{name}-server",
                role_name=naming.name("mlflow-server"),
                policy_name="mlflow-tracking-server",
                description="SageMaker MLflow tracking server: artifacts and model registration",
            ),
            naming=naming,
            artifacts_bucket_arn=args.artifacts_bucket_arn,
            kms_key_arn=args.kms_key_arn,
            automatic_model_registration=args.automatic_model_registration,
            parent=self,
        )
        server_options = stateful_options(args.production, self)
        server = aws.sagemaker.MlflowTrackingServer(
            f"{name}-server",
            tracking_server_name=naming.name("mlflow"),
            artifact_store_uri=self.artifact_store_uri,
            role_arn=role.arn,
            tracking_server_size=args.size,
            mlflow_version=args.mlflow_version,
            automatic_model_registration=args.automatic_model_registration,
            weekly_maintenance_window_start=args.weekly_maintenance_window_start,
            # The role must be able to reach the bucket before the server starts.
            opts=pulumi.ResourceOptions.merge(
                server_options, pulumi.ResourceOptions(depends_on=[policy])
            ),
        )
        self.server_role = role
        self.tracking_server_arn = server.arn
        # With the `sagemaker-mlflow` plugin, MLflow clients take the server ARN as tracking URI.
        self.tracking_uri = server.arn
        self.tracking_server_url = server.tracking_server_url
        if args.working_hours is not None:
            self._working_hours(name, server, args.working_hours)

    def _working_hours(
        self, name: str, server: aws.sagemaker.MlflowTrackingServer, hours: WorkingHours
    ) -> None:
        """Two EventBridge Scheduler schedules stop and start the server (off-hours saving)."""
        naming = self._args.naming
        role = aws.iam.Role(
            f"{name}-schedule-role",
            name=naming.name("mlflow", "scheduler"),
            description="EventBridge Scheduler: may only stop and start the MLflow tracking server",
            assume_role_policy=json.dumps(
                service_trust_policy("scheduler.amazonaws.com", naming.account_id)
            ),
            max_session_duration=3600,
            opts=self._child,
        )
        permission = aws.iam.RolePolicy(
            f"{name}-schedule-policy",
            name="stop-start-mlflow-tracking-server",
            role=role.name,
            policy=server.arn.apply(lambda arn: json.dumps(working_hours_schedule_policy(arn))),
            opts=self._child,
        )
        request = server.tracking_server_name.apply(
            lambda server_name: json.dumps(working_hours_input(server_name))
        )
        for action, expression in (("stop", hours.stop), ("start", hours.start)):
            aws.scheduler.Schedule(
                f"{name}-{action}-schedule",
                name=naming.name("mlflow", action),
                description=(
                    f"Working hours: {WORKING_HOURS_ACTIONS[action]} on the team's MLflow server"
                ),
                schedule_expression=expression,
                schedule_expression_timezone=hours.timezone,
                flexible_time_window={"mode": "OFF"},
                target={
                    "arn": working_hours_target_arn(action, naming.partition),
                    "role_arn": role.arn,
                    "input": request,
                    "retry_policy": {"maximum_retry_attempts": 2},
                },
                opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]),
            )
