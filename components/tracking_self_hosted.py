"""The `self-hosted` tracking kind: MLflow on ECS Fargate behind an internal HTTPS load balancer.

The image of `containers/mlflow/` (built and pushed to the team's ECR, or a given image),
MLflow's basic-auth app, a PostgreSQL backend store on an encrypted RDS instance whose master
credentials live in Secrets Manager, and proxied artifacts in the team's artifacts bucket.
`self_hosted_mlflow` registers every resource as a child of the given parent (the
`components.tracking.Tracking` component); the image and the load balancer and service come from
`tracking_self_hosted_image.py` and `tracking_self_hosted_service.py`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.documents.tracking import (
    DB_PORT,
    MLFLOW_DB_NAME,
    MLFLOW_PORT,
    mlflow_container_definition,
    mlflow_task_policy,
    task_execution_policy,
)
from components.documents.trust import service_trust_policy
from components.naming import Naming
from components.provider import stateful_options
from components.tracking_self_hosted_image import build_mlflow_image
from components.tracking_self_hosted_service import (
    FargateTask,
    fargate_service,
    internal_load_balancer,
)


@dataclass(frozen=True)
class SelfHostedMlflowSpec:
    """Size and sources of a self-hosted MLflow server."""

    # ACM certificate of the internal load balancer's HTTPS listener (required: basic-auth
    # credentials never travel in clear text).
    certificate_arn: str
    # An image pinned by tag or digest; None: build containers/mlflow/ and push it to a new
    # ECR repository of the team (needs a Docker engine).
    image: str | None = None
    # The Pulumi project directory holding containers/mlflow/ (used when `image` is None).
    project_dir: Path = field(default_factory=Path.cwd)
    # Fargate task size (AWS Fargate task CPU and memory table, read 2026-11).
    cpu: int = 1024
    memory_mib: int = 2048
    desired_count: int = 1
    db_instance_class: str = "db.t4g.micro"
    db_allocated_storage_gib: int = 20
    db_engine_version: str = "17"  # PostgreSQL major version; RDS picks the minor
    db_backup_retention_days: int = 7


@dataclass
class SelfHostedMlflowArgs:
    naming: Naming
    spec: SelfHostedMlflowSpec
    kms_key_arn: pulumi.Input[str]
    artifacts_bucket_arn: pulumi.Input[str]
    artifact_store_uri: pulumi.Input[str]  # s3://<bucket>/<prefix>, MLflow's artifact root
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    # Workloads allowed to call the server (the first group is allowed on HTTPS).
    client_security_group_ids: pulumi.Input[list[str]]
    production: bool = False


@dataclass
class SelfHostedMlflow:
    """What a self-hosted server gives its clients and operators."""

    tracking_uri: pulumi.Output[str]
    database: aws.rds.Instance
    auth_secret_arn: pulumi.Output[str]


def self_hosted_mlflow(
    name: str, args: SelfHostedMlflowArgs, parent: pulumi.Resource
) -> SelfHostedMlflow:
    """Register the self-hosted server's resources as children of `parent`."""
    return _Builder(name, args, parent).build()


@dataclass
class _SecurityGroups:
    alb: aws.ec2.SecurityGroup
    task: aws.ec2.SecurityGroup
    db: aws.ec2.SecurityGroup


@dataclass
class _TaskRoles:
    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    policies: list[aws.iam.RolePolicy]


class _Builder:
    def __init__(self, name: str, args: SelfHostedMlflowArgs, parent: pulumi.Resource):
        self.name, self.args, self.parent = name, args, parent
        self.naming, self.spec = args.naming, args.spec
        self.child = pulumi.ResourceOptions(parent=parent)

    def build(self) -> SelfHostedMlflow:
        name, naming, args = self.name, self.naming, self.args
        groups = self._security_groups()
        db = self._database(groups.db)
        auth_secret, log_group = self._secret_and_logs()
        if self.spec.image is not None:
            image, repository_arn = self.spec.image, None
        else:
            built = build_mlflow_image(
                name, naming, args.kms_key_arn, self.child, self.spec.project_dir
            )
            image, repository_arn = built.image_name, built.repository_arn
        db_secret_arn = db.master_user_secrets.apply(lambda secrets: secrets[0].secret_arn)
        roles = self._roles(db_secret_arn, auth_secret.arn, log_group.arn, repository_arn)
        front = internal_load_balancer(
            name,
            naming,
            vpc_id=args.vpc_id,
            subnet_ids=args.subnet_ids,
            security_group=groups.alb,
            certificate_arn=self.spec.certificate_arn,
            production=args.production,
            opts=self.child,
        )
        container = pulumi.Output.all(
            image,
            args.artifact_store_uri,
            db.address,
            db_secret_arn,
            auth_secret.arn,
            log_group.name,
            front.alb.dns_name,
        ).apply(lambda v: json.dumps([self._container_definition(v)]))
        spec = self.spec
        task = FargateTask(
            cpu=spec.cpu,
            memory_mib=spec.memory_mib,
            desired_count=spec.desired_count,
            container_definitions=container,
            execution_role_arn=roles.execution_role.arn,
            task_role_arn=roles.task_role.arn,
            role_policies=roles.policies,
        )
        fargate_service(
            name,
            naming,
            task=task,
            subnet_ids=args.subnet_ids,
            security_group=groups.task,
            load_balancer=front,
            parent=self.parent,
        )
        return SelfHostedMlflow(
            tracking_uri=pulumi.Output.concat("https://", front.alb.dns_name),
            database=db,
            auth_secret_arn=auth_secret.arn,
        )

    def _container_definition(self, values: list[str]) -> dict:
        """`values`: image, artifacts URI, DB host, DB secret, auth secret, log group, ALB name."""
        image, artifacts, db_host, db_secret_arn, auth_secret_arn, log_group, alb = values
        return mlflow_container_definition(
            image=image,
            artifacts_destination=artifacts,
            db_host=db_host,
            db_secret_arn=db_secret_arn,
            auth_secret_arn=auth_secret_arn,
            log_group=log_group,
            alb_dns_name=alb,
            region=self.naming.region,
        )

    def _secret_and_logs(self) -> tuple[aws.secretsmanager.Secret, aws.cloudwatch.LogGroup]:
        """The basic-auth secret (set by the operator) and the server's log group."""
        name, naming, args = self.name, self.naming, self.args
        auth_secret = aws.secretsmanager.Secret(
            f"{name}-auth",
            name=naming.name("mlflow-auth"),
            description=(
                "MLflow basic-auth: JSON {admin_password, flask_secret_key}; set once with "
                "put-secret-value before the service starts"
            ),
            kms_key_id=args.kms_key_arn,
            recovery_window_in_days=30 if args.production else 7,
            opts=self.child,
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/{naming.scope}/mlflow",
            retention_in_days=365 if args.production else 30,
            kms_key_id=args.kms_key_arn,
            opts=self.child,
        )
        return auth_secret, log_group

    def _security_groups(self) -> _SecurityGroups:
        """Load balancer <- clients (HTTPS), task <- load balancer, database <- task only."""
        name, naming, args = self.name, self.naming, self.args
        groups = _SecurityGroups(
            alb=aws.ec2.SecurityGroup(
                f"{name}-alb",
                vpc_id=args.vpc_id,
                # EC2 group descriptions allow only a-zA-Z0-9. _-:/()#,@[]+=&;{}!$* (no apostrophe;
                # EC2 API reference, CreateSecurityGroup.GroupDescription, read 2026-12).
                description="MLflow internal load balancer: HTTPS from the team workloads only",
                tags={"Name": naming.name("mlflow-alb")},
                opts=self.child,
            ),
            task=aws.ec2.SecurityGroup(
                f"{name}-task",
                vpc_id=args.vpc_id,
                description="MLflow tasks: MLflow port from the load balancer only",
                tags={"Name": naming.name("mlflow-task")},
                opts=self.child,
            ),
            db=aws.ec2.SecurityGroup(
                f"{name}-db",
                vpc_id=args.vpc_id,
                description="MLflow backend store: PostgreSQL from the MLflow tasks only",
                tags={"Name": naming.name("mlflow-db")},
                opts=self.child,
            ),
        )
        client_sg = pulumi.Output.from_input(args.client_security_group_ids).apply(
            lambda ids: ids[0]
        )
        alb, task, db = groups.alb, groups.task, groups.db
        rules = [
            (aws.vpc.SecurityGroupIngressRule, "alb-https-in", alb, 443, client_sg),
            (aws.vpc.SecurityGroupEgressRule, "alb-to-task", alb, MLFLOW_PORT, task.id),
            (aws.vpc.SecurityGroupIngressRule, "task-from-alb", task, MLFLOW_PORT, alb.id),
            (aws.vpc.SecurityGroupEgressRule, "task-to-db", task, DB_PORT, db.id),
            (aws.vpc.SecurityGroupIngressRule, "db-from-task", db, DB_PORT, task.id),
        ]
        for rule_type, rule_name, group, port, peer in rules:
            rule_type(
                f"{name}-{rule_name}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=peer,
                opts=self.child,
            )
        # The VPC has no internet route: HTTPS out reaches the S3 gateway and interface
        # endpoints (ECR, logs, Secrets Manager) only.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-task-https-out",
            security_group_id=task.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            description="AWS APIs through VPC endpoints",
            opts=self.child,
        )
        return groups

    def _database(self, db_sg: aws.ec2.SecurityGroup) -> aws.rds.Instance:
        name, naming, args, spec = self.name, self.naming, self.args, self.spec
        production = args.production
        subnets = aws.rds.SubnetGroup(
            f"{name}-db-subnets",
            name=naming.name("mlflow"),
            subnet_ids=args.subnet_ids,
            description="MLflow backend store: the environment's private subnets",
            opts=self.child,
        )
        return aws.rds.Instance(
            f"{name}-db",
            identifier=naming.name("mlflow"),
            engine="postgres",
            engine_version=spec.db_engine_version,
            instance_class=spec.db_instance_class,
            allocated_storage=spec.db_allocated_storage_gib,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            db_name=MLFLOW_DB_NAME,
            username="mlflow",
            # RDS generates and rotates the password in Secrets Manager, under the team key.
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args.kms_key_arn,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[db_sg.id],
            publicly_accessible=False,
            multi_az=production,
            backup_retention_period=spec.db_backup_retention_days,
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            deletion_protection=production,
            skip_final_snapshot=not production,
            final_snapshot_identifier=naming.name("mlflow-final") if production else None,
            opts=stateful_options(production, self.parent),
        )

    def _roles(
        self,
        db_secret_arn: pulumi.Output[str | None],  # RDS manages it: set once the DB exists
        auth_secret_arn: pulumi.Output[str],
        log_group_arn: pulumi.Output[str],
        repository_arn: pulumi.Input[str | None],
    ) -> _TaskRoles:
        """ECS's execution role (image, logs, secrets) and the server's task role (artifacts)."""
        name, naming, args = self.name, self.naming, self.args
        trust = json.dumps(service_trust_policy("ecs-tasks.amazonaws.com", naming.account_id))
        execution_role = aws.iam.Role(
            f"{name}-execution-role",
            name=naming.name("mlflow-execution"),
            description="ECS: start the MLflow task (image, logs, its secrets)",
            assume_role_policy=trust,
            opts=self.child,
        )
        execution_policy = aws.iam.RolePolicy(
            f"{name}-execution-policy",
            name="mlflow-task-execution",
            role=execution_role.id,
            policy=pulumi.Output.all(
                db_secret_arn, auth_secret_arn, args.kms_key_arn, log_group_arn, repository_arn
            ).apply(
                lambda v: json.dumps(
                    task_execution_policy(
                        secret_arns=[v[0], v[1]],
                        kms_key_arn=v[2],
                        log_group_arn=v[3],
                        repository_arn=v[4],
                    )
                )
            ),
            opts=self.child,
        )
        task_role = aws.iam.Role(
            f"{name}-task-role",
            name=naming.name("mlflow-task"),
            description="MLflow server: proxied artifacts in the team's artifacts bucket",
            assume_role_policy=trust,
            opts=self.child,
        )
        task_policy = aws.iam.RolePolicy(
            f"{name}-task-policy",
            name="mlflow-artifacts",
            role=task_role.id,
            policy=pulumi.Output.all(args.artifacts_bucket_arn, args.kms_key_arn).apply(
                lambda v: json.dumps(mlflow_task_policy(bucket_arn=v[0], kms_key_arn=v[1]))
            ),
            opts=self.child,
        )
        return _TaskRoles(execution_role, task_role, [execution_policy, task_policy])
