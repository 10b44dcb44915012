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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pulumi
import pulumi_aws as aws

from components.naming import Naming

if TYPE_CHECKING:
    from pulumi_aws.sagemaker import (
        EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationArgsDict as Routing,
    )

VARIANT = "primary"
# SageMaker endpoint metrics (SageMaker "Monitor SageMaker with CloudWatch", read 2026-11):
# Invocation5XXErrors is a count, ModelLatency is in microseconds.
METRIC_NAMESPACE = "AWS/SageMaker"


@dataclass(frozen=True)
class BlueGreenDeployment:
    """How an endpoint update shifts traffic (SageMaker deployment guardrails)."""

    traffic: Literal["ALL_AT_ONCE", "CANARY", "LINEAR"] = "ALL_AT_ONCE"
    step_percent: int = 10  # canary size or linear step
    wait_seconds: int = 300
    termination_wait_seconds: int = 300


@dataclass(frozen=True)
class EndpointSpec:
    """How an endpoint serves: serverless or real-time, size, alarms, updates."""

    # None: real-time in production, serverless elsewhere.
    mode: Literal["serverless", "realtime"] | None = None
    # Real-time only.
    instance_type: str = "ml.m5.large"
    min_instances: int = 1
    max_instances: int = 2
    target_invocations_per_instance: int = 100
    data_capture_percent: int = 100
    network_isolation: bool = True
    # Serverless only.
    serverless_memory_mb: int = 2048
    serverless_max_concurrency: int = 5
    # Alarms that roll a blue/green update back.
    max_server_errors_per_minute: int = 5
    max_latency_ms: int = 1000
    deployment: BlueGreenDeployment = field(default_factory=BlueGreenDeployment)


@dataclass
class SageMakerEndpointArgs:
    naming: Naming
    # The versioned model package served (`model-package/<group>/<n>`): its inference
    # specification names the image and the model.tar.gz, which SageMaker unpacks in
    # /opt/ml/model (so a network-isolated container needs no S3 or MLflow access).
    model_package_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    capture_bucket: pulumi.Input[str]  # bucket name; captures go under <endpoint name>/
    subnet_ids: pulumi.Input[list[str]]
    security_group_ids: pulumi.Input[list[str]]
    spec: EndpointSpec = field(default_factory=EndpointSpec)
    production: bool = False

    @property
    def realtime(self) -> bool:
        mode = self.spec.mode or ("realtime" if self.production else "serverless")
        return mode == "realtime"


def production_variant(
    args: SageMakerEndpointArgs, model_name: pulumi.Input[str]
) -> aws.sagemaker.EndpointConfigurationProductionVariantArgsDict:
    """The endpoint's one variant: instances (real-time) or a serverless config."""
    variant: aws.sagemaker.EndpointConfigurationProductionVariantArgsDict = {
        "variant_name": VARIANT,
        "model_name": model_name,
    }
    if args.realtime:
        variant |= {
            "instance_type": args.spec.instance_type,
            "initial_instance_count": args.spec.min_instances,
        }
    else:
        variant["serverless_config"] = {
            "memory_size_in_mb": args.spec.serverless_memory_mb,
            "max_concurrency": args.spec.serverless_max_concurrency,
        }
    return variant


def data_capture_config(
    args: SageMakerEndpointArgs, endpoint_name: str
) -> aws.sagemaker.EndpointConfigurationDataCaptureConfigArgsDict | None:
    """Requests and responses to `s3://<capture bucket>/<endpoint>` (real-time only)."""
    if not args.realtime:
        return None
    return {
        "enable_capture": True,
        "initial_sampling_percentage": args.spec.data_capture_percent,
        "destination_s3_uri": pulumi.Output.concat(
            "s3://", args.capture_bucket, "/", endpoint_name
        ),
        "kms_key_id": args.kms_key_arn,
        "capture_options": [{"capture_mode": "Input"}, {"capture_mode": "Output"}],
        "capture_content_type_header": {"json_content_types": ["application/json"]},
    }


def deployment_config(
    deployment: BlueGreenDeployment, alarm_names: list[pulumi.Input[str]]
) -> aws.sagemaker.EndpointDeploymentConfigArgsDict:
    """Blue/green updates, rolled back automatically when one of the alarms fires."""
    routing: Routing = {
        "type": deployment.traffic,
        "wait_interval_in_seconds": deployment.wait_seconds,
    }
    if deployment.traffic == "CANARY":
        routing["canary_size"] = {"type": "CAPACITY_PERCENT", "value": deployment.step_percent}
    elif deployment.traffic == "LINEAR":
        routing["linear_step_size"] = {"type": "CAPACITY_PERCENT", "value": deployment.step_percent}
    return {
        "blue_green_update_policy": {
            "traffic_routing_configuration": routing,
            "termination_wait_in_seconds": deployment.termination_wait_seconds,
        },
        "auto_rollback_configuration": {"alarms": [{"alarm_name": n} for n in alarm_names]},
    }


class SageMakerEndpoint(pulumi.ComponentResource):
    endpoint: aws.sagemaker.Endpoint
    endpoint_name: str
    realtime: bool

    def __init__(
        self, name: str, args: SageMakerEndpointArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("mlops:inference:SageMakerEndpoint", name, None, opts)
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        naming = args.naming
        self.realtime = args.realtime
        self.endpoint_name = naming.name("endpoint")
        model = self._model()
        endpoint_config = aws.sagemaker.EndpointConfiguration(
            naming.name("endpoint-config"),
            production_variants=[production_variant(args, model.name)],
            kms_key_arn=args.kms_key_arn,
            data_capture_config=data_capture_config(args, self.endpoint_name),
            opts=self._child,
        )
        alarms = self._rollback_alarms()
        self.endpoint = aws.sagemaker.Endpoint(
            "endpoint",
            name=self.endpoint_name,
            endpoint_config_name=endpoint_config.name,
            deployment_config=deployment_config(args.spec.deployment, [a.name for a in alarms]),
            opts=self._child,
        )
        if self.realtime:
            self._autoscaling()
        self.register_outputs({"endpointName": self.endpoint.name})

    def _model(self) -> aws.sagemaker.Model:
        args = self._args
        # Models are immutable in SageMaker: auto-named, so serving another version creates a
        # new model and a new endpoint config, and the endpoint moves to them blue/green.
        return aws.sagemaker.Model(
            args.naming.name("model"),
            execution_role_arn=args.execution_role_arn,
            primary_container={
                "model_package_name": args.model_package_arn,
                "environment": {"SAGEMAKER_MODEL_SERVER_WORKERS": "1"},
            },
            enable_network_isolation=args.spec.network_isolation if self.realtime else None,
            vpc_config=(
                {"subnets": args.subnet_ids, "security_group_ids": args.security_group_ids}
                if self.realtime
                else None
            ),
            opts=self._child,
        )

    def _rollback_alarms(self) -> list[aws.cloudwatch.MetricAlarm]:
        """5XX errors and model latency of the variant: either rolls a blue/green update back."""
        args, naming = self._args, self._args.naming
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
            threshold=args.spec.max_server_errors_per_minute,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            opts=self._child,
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
            threshold=args.spec.max_latency_ms * 1000,  # ModelLatency is in microseconds
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            opts=self._child,
        )
        return [errors, latency]

    def _autoscaling(self) -> None:
        """Scale the real-time variant on invocations per instance."""
        args = self._args
        target = aws.appautoscaling.Target(
            "endpoint-scaling-target",
            service_namespace="sagemaker",
            resource_id=self.endpoint.name.apply(lambda n: f"endpoint/{n}/variant/{VARIANT}"),
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=args.spec.min_instances,
            max_capacity=args.spec.max_instances,
            opts=self._child,
        )
        aws.appautoscaling.Policy(
            "endpoint-scaling-policy",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            resource_id=target.resource_id,
            scalable_dimension=target.scalable_dimension,
            target_tracking_scaling_policy_configuration={
                "target_value": args.spec.target_invocations_per_instance,
                "predefined_metric_specification": {
                    "predefined_metric_type": "SageMakerVariantInvocationsPerInstance"
                },
                "scale_in_cooldown": 300,
                "scale_out_cooldown": 60,
            },
            opts=self._child,
        )
