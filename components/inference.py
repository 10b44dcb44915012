"""The team's inference endpoint on SageMaker: model, endpoint config, endpoint, alarms, scaling.

Real-time endpoints run in the team's private subnets (or network-isolated), encrypt their
volumes with the team key, capture requests and responses to the `capture` bucket, update
blue/green with automatic rollback on the 5XX and latency alarms, and scale on invocations per
instance. Serverless endpoints (the default outside production) cost nothing when idle, but AWS
supports on them neither VPC configuration, network isolation, data capture nor Model Monitor
(SageMaker developer guide, "Serverless Inference: feature exclusions", read 2026-11), so those
settings apply to real-time endpoints only. The Kubernetes backend lives in
`components/inference_kubernetes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.config.inference import InferenceConfig
from components.naming import Naming

VARIANT = "primary"
# SageMaker endpoint metrics (SageMaker "Monitor SageMaker with CloudWatch", read 2026-11):
# Invocation5XXErrors is a count, ModelLatency is in microseconds.
METRIC_NAMESPACE = "AWS/SageMaker"


@dataclass
class SageMakerEndpointArgs:
    naming: Naming
    config: InferenceConfig
    production: bool
    image_uri: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    capture_bucket: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    security_group_ids: pulumi.Input[list[str]]


class SageMakerEndpoint(pulumi.ComponentResource):
    endpoint: aws.sagemaker.Endpoint
    endpoint_name: str
    realtime: bool

    def __init__(
        self, name: str, args: SageMakerEndpointArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("mlops:inference:SageMakerEndpoint", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        config, sm, naming = args.config, args.config.sagemaker, args.naming
        self.realtime = sm.resolved_mode(args.production) == "realtime"
        self.endpoint_name = naming.name("endpoint")

        environment = {"SAGEMAKER_MODEL_SERVER_WORKERS": "1"}
        if config.model.uri:
            environment["MODEL_URI"] = config.model.uri
        # Models are immutable in SageMaker: auto-named, so a change creates a new model and a
        # new endpoint config, and the endpoint moves to them blue/green.
        model = aws.sagemaker.Model(
            naming.name("model"),
            execution_role_arn=args.execution_role_arn,
            primary_container={
                "image": args.image_uri,
                "model_data_url": config.model.data_url,
                "environment": environment,
            },
            enable_network_isolation=sm.network_isolation if self.realtime else None,
            vpc_config=(
                {"subnets": args.subnet_ids, "security_group_ids": args.security_group_ids}
                if self.realtime
                else None
            ),
            opts=child,
        )
        variant: dict = {"variant_name": VARIANT, "model_name": model.name}
        if self.realtime:
            variant |= {
                "instance_type": sm.instance_type,
                "initial_instance_count": sm.min_instances,
            }
        else:
            variant["serverless_config"] = {
                "memory_size_in_mb": sm.serverless_memory_mb,
                "max_concurrency": sm.serverless_max_concurrency,
            }
        capture = None
        if self.realtime:
            capture = {
                "enable_capture": True,
                "initial_sampling_percentage": sm.data_capture_percent,
                "destination_s3_uri": pulumi.Output.concat(
                    "s3://", args.capture_bucket, "/", self.endpoint_name
                ),
                "kms_key_id": args.kms_key_arn,
                "capture_options": [{"capture_mode": "Input"}, {"capture_mode": "Output"}],
                "capture_content_type_header": {"json_content_types": ["application/json"]},
            }
        endpoint_config = aws.sagemaker.EndpointConfiguration(
            naming.name("endpoint-config"),
            production_variants=[variant],
            kms_key_arn=args.kms_key_arn,
            data_capture_config=capture,
            opts=child,
        )

        dimensions = {"EndpointName": self.endpoint_name, "VariantName": VARIANT}
        errors = aws.cloudwatch.MetricAlarm(
            "endpoint-5xx",
            name=naming.name("endpoint", "5xx"),
            alarm_description="Model container 5XX errors; rolls back a blue/green update",
            namespace=METRIC_NAMESPACE,
            metric_name="Invocation5XXErrors",
            dimensions=dimensions,
            statistic="Sum",
            period=60,
            evaluation_periods=2,
            threshold=sm.max_server_errors_per_minute,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            opts=child,
        )
        latency = aws.cloudwatch.MetricAlarm(
            "endpoint-latency",
            name=naming.name("endpoint", "latency"),
            alarm_description="Model latency above target; rolls back a blue/green update",
            namespace=METRIC_NAMESPACE,
            metric_name="ModelLatency",
            dimensions=dimensions,
            statistic="Average",
            period=60,
            evaluation_periods=3,
            threshold=sm.max_latency_ms * 1000,  # ModelLatency is in microseconds
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            opts=child,
        )
        deployment = sm.deployment
        routing: dict = {
            "type": deployment.traffic,
            "wait_interval_in_seconds": deployment.wait_seconds,
        }
        step = {"type": "CAPACITY_PERCENT", "value": deployment.step_percent}
        if deployment.traffic == "CANARY":
            routing["canary_size"] = step
        elif deployment.traffic == "LINEAR":
            routing["linear_step_size"] = step
        self.endpoint = aws.sagemaker.Endpoint(
            "endpoint",
            name=self.endpoint_name,
            endpoint_config_name=endpoint_config.name,
            deployment_config={
                "blue_green_update_policy": {
                    "traffic_routing_configuration": routing,
                    "termination_wait_in_seconds": deployment.termination_wait_seconds,
                },
                "auto_rollback_configuration": {
                    "alarms": [{"alarm_name": errors.name}, {"alarm_name": latency.name}]
                },
            },
            opts=child,
        )
        if self.realtime:
            target = aws.appautoscaling.Target(
                "endpoint-scaling-target",
                service_namespace="sagemaker",
                resource_id=self.endpoint.name.apply(lambda n: f"endpoint/{n}/variant/{VARIANT}"),
                scalable_dimension="sagemaker:variant:DesiredInstanceCount",
                min_capacity=sm.min_instances,
                max_capacity=sm.max_instances,
                opts=child,
            )
            aws.appautoscaling.Policy(
                "endpoint-scaling-policy",
                policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace,
                resource_id=target.resource_id,
                scalable_dimension=target.scalable_dimension,
                target_tracking_scaling_policy_configuration={
                    "target_value": sm.target_invocations_per_instance,
                    "predefined_metric_specification": {
                        "predefined_metric_type": "SageMakerVariantInvocationsPerInstance"
                    },
                    "scale_in_cooldown": 300,
                    "scale_out_cooldown": 60,
                },
                opts=child,
            )
        self.register_outputs({"endpointName": self.endpoint.name})
