"""The self-hosted MLflow's front: internal HTTPS load balancer, ECS cluster, task and service.

Functions of `components/tracking_self_hosted.py`, which registers these resources as children of
the Tracking component.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents.tracking import MLFLOW_PORT
from components.naming import Naming

# TLS 1.3 + 1.2 only (Elastic Load Balancing, "Security policies for your Application Load
# Balancer", read 2026-11).
ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# Load balancer and target group names are at most 32 characters (ELB API reference, read
# 2026-11).
MAX_ELB_NAME = 32


@dataclass
class LoadBalancer:
    alb: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    listener: aws.lb.Listener


@dataclass
class FargateTask:
    """What the MLflow service runs: size, container and roles."""

    cpu: int
    memory_mib: int
    desired_count: int
    container_definitions: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    task_role_arn: pulumi.Input[str]
    # The roles' policies: the task starts only once its roles may do their work.
    role_policies: Sequence[pulumi.Resource]


def internal_load_balancer(
    name: str,
    naming: Naming,
    *,
    vpc_id: pulumi.Input[str],
    subnet_ids: pulumi.Input[list[str]],
    security_group: aws.ec2.SecurityGroup,
    certificate_arn: str,
    production: bool,
    opts: pulumi.ResourceOptions,
) -> LoadBalancer:
    """The internal application load balancer: HTTPS only, with the given certificate."""
    alb = aws.lb.LoadBalancer(
        f"{name}-alb",
        name=naming.name("mlflow")[:MAX_ELB_NAME],
        internal=True,
        load_balancer_type="application",
        subnets=subnet_ids,
        security_groups=[security_group.id],
        drop_invalid_header_fields=True,
        enable_deletion_protection=production,
        opts=opts,
    )
    target_group = aws.lb.TargetGroup(
        f"{name}-targets",
        name=naming.name("mlflow")[:MAX_ELB_NAME],
        port=MLFLOW_PORT,
        protocol="HTTP",
        target_type="ip",
        vpc_id=vpc_id,
        health_check=aws.lb.TargetGroupHealthCheckArgs(path="/health", matcher="200"),
        opts=opts,
    )
    listener = aws.lb.Listener(
        f"{name}-https",
        load_balancer_arn=alb.arn,
        port=443,
        protocol="HTTPS",
        ssl_policy=ALB_SSL_POLICY,
        certificate_arn=certificate_arn,
        default_actions=[
            aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)
        ],
        opts=opts,
    )
    return LoadBalancer(alb, target_group, listener)


def fargate_service(
    name: str,
    naming: Naming,
    *,
    task: FargateTask,
    subnet_ids: pulumi.Input[list[str]],
    security_group: aws.ec2.SecurityGroup,
    load_balancer: LoadBalancer,
    parent: pulumi.Resource,
) -> aws.ecs.Service:
    """The ECS cluster, task definition and Fargate service behind the load balancer."""
    cluster = aws.ecs.Cluster(
        f"{name}-cluster",
        name=naming.name("mlflow"),
        settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
        opts=pulumi.ResourceOptions(parent=parent),
    )
    definition = aws.ecs.TaskDefinition(
        f"{name}-task",
        family=naming.name("mlflow"),
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        cpu=str(task.cpu),
        memory=str(task.memory_mib),
        execution_role_arn=task.execution_role_arn,
        task_role_arn=task.task_role_arn,
        runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
            operating_system_family="LINUX", cpu_architecture="X86_64"
        ),
        container_definitions=task.container_definitions,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(task.role_policies)),
    )
    return aws.ecs.Service(
        f"{name}-service",
        name="mlflow",
        cluster=cluster.arn,
        task_definition=definition.arn,
        desired_count=task.desired_count,
        launch_type="FARGATE",
        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
            subnets=subnet_ids,
            security_groups=[security_group.id],
            assign_public_ip=False,
        ),
        load_balancers=[
            aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=load_balancer.target_group.arn,
                container_name="mlflow",
                container_port=MLFLOW_PORT,
            )
        ],
        deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
            enable=True, rollback=True
        ),
        enable_execute_command=False,
        propagate_tags="SERVICE",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[load_balancer.listener]),
    )
