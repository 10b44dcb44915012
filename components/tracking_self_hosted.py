"""The `self-hosted` tracking kind: MLflow on ECS Fargate behind an internal HTTPS load balancer.

The image of `containers/mlflow/` (built and pushed to the team's ECR, or a configured image),
MLflow's basic-auth app, a PostgreSQL backend store on an encrypted RDS instance whose master
credentials live in Secrets Manager, and proxied artifacts in the team's artifacts bucket.
A mixin of `components.tracking.Tracking`, so every resource stays a child of that component.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pulumi
import pulumi_aws as aws

from components.documents.tracking import (
    mlflow_task_policy,
    task_execution_policy,
)
from components.documents.trust import service_trust_policy
from components.provider import stateful_options

if TYPE_CHECKING:
    from components.tracking import TrackingArgs

MLFLOW_CONTAINER_DIR = Path(__file__).resolve().parent.parent / "containers" / "mlflow"
MLFLOW_PORT = 5000
DB_PORT = 5432
# Fargate runs the image built for this platform (the Dockerfile's base is multi-arch).
IMAGE_PLATFORM = "linux/amd64"
# TLS 1.3 + 1.2 only (Elastic Load Balancing, "Security policies for your Application Load
# Balancer", read 2026-11).
ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"

# RFC 1918 ranges in MLflow's host-pattern syntax.
PRIVATE_HOST_PATTERNS = ("10.*", "192.168.*", *(f"172.{i}.*" for i in range(16, 32)))

# The container's entrypoint wants one SQLAlchemy URI; ECS injects the RDS-managed credentials
# as separate secret values, so this wrapper URL-encodes them into the URI, then hands over.
_BACKEND_URI_WRAPPER = (
    "import os; from urllib.parse import quote; e = os.environ; "
    "e['MLFLOW_BACKEND_STORE_URI'] = 'postgresql://%s:%s@%s:%s/%s' % ("
    "quote(e.pop('DB_USERNAME'), safe=''), quote(e.pop('DB_PASSWORD'), safe=''), "
    "e['DB_HOST'], e['DB_PORT'], e['DB_NAME']); "
    "os.execv('/usr/local/bin/mlflow-entrypoint', ['mlflow-entrypoint'])"
)


class SelfHostedMlflow:
    """The self-hosted kind's resources; `self` is the Tracking component."""

    _args: TrackingArgs
    _child: pulumi.ResourceOptions

    # -- self-hosted on ECS Fargate --
    def _self_hosted(self, name: str) -> None:
        args, naming = self._args, self._args.naming
        hosted = args.config.self_hosted
        child = self._child
        production = args.production

        alb_sg = aws.ec2.SecurityGroup(
            f"{name}-alb",
            vpc_id=args.vpc_id,
            description="MLflow internal load balancer: HTTPS from the team's workloads only",
            tags={"Name": naming.name("mlflow-alb")},
            opts=child,
        )
        task_sg = aws.ec2.SecurityGroup(
            f"{name}-task",
            vpc_id=args.vpc_id,
            description="MLflow tasks: MLflow port from the load balancer only",
            tags={"Name": naming.name("mlflow-task")},
            opts=child,
        )
        db_sg = aws.ec2.SecurityGroup(
            f"{name}-db",
            vpc_id=args.vpc_id,
            description="MLflow backend store: PostgreSQL from the MLflow tasks only",
            tags={"Name": naming.name("mlflow-db")},
            opts=child,
        )
        client_sg = pulumi.Output.from_input(args.client_security_group_ids).apply(
            lambda ids: ids[0]
        )
        rules = [
            (aws.vpc.SecurityGroupIngressRule, "alb-https-in", alb_sg, 443, client_sg),
            (aws.vpc.SecurityGroupEgressRule, "alb-to-task", alb_sg, MLFLOW_PORT, task_sg.id),
            (aws.vpc.SecurityGroupIngressRule, "task-from-alb", task_sg, MLFLOW_PORT, alb_sg.id),
            (aws.vpc.SecurityGroupEgressRule, "task-to-db", task_sg, DB_PORT, db_sg.id),
            (aws.vpc.SecurityGroupIngressRule, "db-from-task", db_sg, DB_PORT, task_sg.id),
        ]
        for rule_type, rule_name, group, port, peer in rules:
            rule_type(
                f"{name}-{rule_name}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=peer,
                opts=child,
            )
        # The VPC has no internet route: HTTPS out reaches the S3 gateway and interface
        # endpoints (ECR, logs, Secrets Manager) only.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-task-https-out",
            security_group_id=task_sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            description="AWS APIs through VPC endpoints",
            opts=child,
        )

        db = self._database(name, db_sg)
        auth_secret = aws.secretsmanager.Secret(
            f"{name}-auth",
            name=naming.name("mlflow-auth"),
            description=(
                "MLflow basic-auth: JSON {admin_password, flask_secret_key}; set once with "
                "put-secret-value before the service starts"
            ),
            kms_key_id=args.kms_key_arn,
            recovery_window_in_days=30 if production else 7,
            opts=child,
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/{naming.scope}/mlflow",
            retention_in_days=365 if production else 30,
            kms_key_id=args.kms_key_arn,
            opts=child,
        )
        image, repository_arn = self._image(name)

        execution_role = aws.iam.Role(
            f"{name}-execution-role",
            name=naming.name("mlflow-execution"),
            description="ECS: start the MLflow task (image, logs, its secrets)",
            assume_role_policy=json.dumps(
                service_trust_policy("ecs-tasks.amazonaws.com", naming.account_id)
            ),
            opts=child,
        )
        db_secret_arn = db.master_user_secrets.apply(lambda secrets: secrets[0].secret_arn)
        execution_policy = aws.iam.RolePolicy(
            f"{name}-execution-policy",
            name="mlflow-task-execution",
            role=execution_role.id,
            policy=pulumi.Output.all(
                db_secret_arn, auth_secret.arn, args.kms_key_arn, log_group.arn, repository_arn
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
            opts=child,
        )
        task_role = aws.iam.Role(
            f"{name}-task-role",
            name=naming.name("mlflow-task"),
            description="MLflow server: proxied artifacts in the team's artifacts bucket",
            assume_role_policy=json.dumps(
                service_trust_policy("ecs-tasks.amazonaws.com", naming.account_id)
            ),
            opts=child,
        )
        task_policy = aws.iam.RolePolicy(
            f"{name}-task-policy",
            name="mlflow-artifacts",
            role=task_role.id,
            policy=pulumi.Output.all(args.artifacts_bucket_arn, args.kms_key_arn).apply(
                lambda v: json.dumps(mlflow_task_policy(bucket_arn=v[0], kms_key_arn=v[1]))
            ),
            opts=child,
        )

        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            name=naming.name("mlflow")[:32],
            internal=True,
            load_balancer_type="application",
            subnets=args.subnet_ids,
            security_groups=[alb_sg.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=production,
            opts=child,
        )
        target_group = aws.lb.TargetGroup(
            f"{name}-targets",
            name=naming.name("mlflow")[:32],
            port=MLFLOW_PORT,
            protocol="HTTP",
            target_type="ip",
            vpc_id=args.vpc_id,
            health_check=aws.lb.TargetGroupHealthCheckArgs(path="/health", matcher="200"),
            opts=child,
        )
        listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=ALB_SSL_POLICY,
            certificate_arn=hosted.certificate_arn,
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)
            ],
            opts=child,
        )

        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=naming.name("mlflow"),
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            opts=child,
        )
        container = pulumi.Output.all(
            image,
            self.artifact_store_uri,
            db.address,
            db_secret_arn,
            auth_secret.arn,
            log_group.name,
            alb.dns_name,
        ).apply(lambda v: json.dumps([_container_definition(v, region=naming.region)]))
        task = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=naming.name("mlflow"),
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(hosted.cpu),
            memory=str(hosted.memory_mib),
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture="X86_64"
            ),
            container_definitions=container,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[execution_policy, task_policy]),
        )
        aws.ecs.Service(
            f"{name}-service",
            name="mlflow",
            cluster=cluster.arn,
            task_definition=task.arn,
            desired_count=hosted.desired_count,
            launch_type="FARGATE",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.subnet_ids,
                security_groups=[task_sg.id],
                assign_public_ip=False,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=target_group.arn,
                    container_name="mlflow",
                    container_port=MLFLOW_PORT,
                )
            ],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=True, rollback=True
            ),
            enable_execute_command=False,
            propagate_tags="SERVICE",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[listener]),
        )
        self.database = db
        self.auth_secret_arn = auth_secret.arn
        self.tracking_uri = pulumi.Output.concat("https://", alb.dns_name)

    def _database(self, name: str, db_sg: aws.ec2.SecurityGroup) -> aws.rds.Instance:
        args, naming = self._args, self._args.naming
        hosted = args.config.self_hosted
        production = args.production
        subnets = aws.rds.SubnetGroup(
            f"{name}-db-subnets",
            name=naming.name("mlflow"),
            subnet_ids=args.subnet_ids,
            description="MLflow backend store: the environment's private subnets",
            opts=self._child,
        )
        return aws.rds.Instance(
            f"{name}-db",
            identifier=naming.name("mlflow"),
            engine="postgres",
            engine_version=hosted.db_engine_version,
            instance_class=hosted.db_instance_class,
            allocated_storage=hosted.db_allocated_storage_gib,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            db_name="mlflow",
            username="mlflow",
            # RDS generates and rotates the password in Secrets Manager, under the team key.
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args.kms_key_arn,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[db_sg.id],
            publicly_accessible=False,
            multi_az=production,
            backup_retention_period=hosted.db_backup_retention_days,
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            deletion_protection=production,
            skip_final_snapshot=not production,
            final_snapshot_identifier=naming.name("mlflow-final") if production else None,
            opts=stateful_options(production, self),
        )

    def _image(self, name: str) -> tuple[pulumi.Input[str], pulumi.Input[str | None]]:
        """The configured image, or containers/mlflow/ built and pushed to the team's ECR."""
        args, naming = self._args, self._args.naming
        configured = args.config.self_hosted.image
        if configured is not None:
            return configured, None
        import pulumi_docker as docker  # only self-hosted stacks without `image` need it

        repository = aws.ecr.Repository(
            f"{name}-repository",
            name=naming.name("mlflow"),
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
                scan_on_push=True
            ),
            encryption_configurations=[
                aws.ecr.RepositoryEncryptionConfigurationArgs(
                    encryption_type="KMS", kms_key=args.kms_key_arn
                )
            ],
            opts=self._child,
        )
        token = aws.ecr.get_authorization_token_output(registry_id=repository.registry_id)
        image = docker.Image(
            f"{name}-image",
            # Tags are immutable: tag with a digest of the build context, so a change pushes a
            # new tag and an unchanged context pushes nothing.
            image_name=pulumi.Output.concat(
                repository.repository_url, ":", container_context_digest()
            ),
            build=docker.DockerBuildArgs(
                # Relative to the project directory, where Pulumi runs the program.
                context="containers/mlflow",
                dockerfile="containers/mlflow/Dockerfile",
                platform=IMAGE_PLATFORM,
            ),
            registry=docker.RegistryArgs(
                server=repository.repository_url,
                username=token.user_name,
                password=pulumi.Output.secret(token.password),
            ),
            opts=self._child,
        )
        return image.image_name, repository.arn


def container_context_digest(directory: Path = MLFLOW_CONTAINER_DIR) -> str:
    """A short digest of every file of the build context (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _container_definition(values: list[str], *, region: str) -> dict:
    """`values`: image, artifacts destination, DB host, DB secret, auth secret, log group, ALB."""
    image, artifacts_destination, db_host, db_secret_arn, auth_secret_arn, log_group, alb = values
    alb_dns_name = alb
    env = {
        "MLFLOW_ARTIFACTS_DESTINATION": artifacts_destination,
        "MLFLOW_HOST": "0.0.0.0",
        "MLFLOW_PORT": str(MLFLOW_PORT),
        "MLFLOW_AUTH_DEFAULT_PERMISSION": "READ",
        # Host-header allow-list: the load balancer's name, and private addresses for its
        # health checks (which use the task's IP).
        "MLFLOW_SERVER_ALLOWED_HOSTS": ",".join((alb_dns_name, *PRIVATE_HOST_PATTERNS)),
        "DB_HOST": db_host,
        "DB_PORT": str(DB_PORT),
        "DB_NAME": "mlflow",
        "AWS_REGION": region,
    }
    secrets = {
        "DB_USERNAME": f"{db_secret_arn}:username::",
        "DB_PASSWORD": f"{db_secret_arn}:password::",
        "MLFLOW_AUTH_ADMIN_PASSWORD": f"{auth_secret_arn}:admin_password::",
        "MLFLOW_FLASK_SERVER_SECRET_KEY": f"{auth_secret_arn}:flask_secret_key::",
    }
    return {
        "name": "mlflow",
        "image": image,
        "essential": True,
        "entryPoint": ["python", "-c", _BACKEND_URI_WRAPPER],
        "portMappings": [{"containerPort": MLFLOW_PORT, "protocol": "tcp"}],
        "environment": [{"name": k, "value": v} for k, v in sorted(env.items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(secrets.items())],
        "user": "10001:10001",
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": log_group,
                "awslogs-region": region,
                "awslogs-stream-prefix": "mlflow",
            },
        },
    }
