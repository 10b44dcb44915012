"""Closing the loop: scheduled retraining with the pipeline image, and data-quality monitoring.

SageMaker backend: a SageMaker Pipeline with one Processing step running the Kedro image, started
by an EventBridge Scheduler schedule whose role may only start that pipeline; and, when the
endpoint captures data, a Model Monitor data-quality job over the captured requests, on a
schedule, network-isolated in the private subnets, with KMS-encrypted volumes and reports.
Kubernetes backend: a CronJob in the team namespace running the same image.
The pipeline gets MLflow (tracking URI, experiment, registered model name), the DVC remote and the
team's data buckets as environment variables (see containers/pipeline/run-pipeline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.config.retraining import RetrainingConfig, model_monitor_image
from components.documents.kubernetes import container_security_context, pod_security_context
from components.documents.retraining import (
    pipeline_definition,
    start_pipeline_policy,
)
from components.documents.trust import service_trust_policy
from components.naming import Naming

# The pipeline image's non-root user (containers/pipeline/Dockerfile).
MONITOR_INPUT_PATH = "/opt/ml/processing/input/endpoint"
MONITOR_OUTPUT_PATH = "/opt/ml/processing/output"


def pipeline_environment(
    *,
    team: str,
    region: str,
    config: RetrainingConfig,
    tracking_uri: str,
    buckets: dict[str, str],
) -> dict[str, str]:
    """The variables `run-pipeline` and the Kedro project read (all plain strings)."""
    return {
        "AWS_DEFAULT_REGION": region,
        "MLFLOW_TRACKING_URI": tracking_uri,
        "MLFLOW_EXPERIMENT_NAME": config.experiment_name or f"{team}-training",
        "MLOPS_REGISTERED_MODEL_NAME": config.registered_model_name or f"{team}-model",
        "MLOPS_DVC_REMOTE_URL": f"s3://{buckets['dvc']}/",
        "MLOPS_TRAINING_DATA": f"s3://{buckets['curated']}/training/training.csv",
        "MLOPS_RAW_BUCKET": buckets["raw"],
        "MLOPS_CURATED_BUCKET": buckets["curated"],
        "MLOPS_ARTIFACTS_BUCKET": buckets["artifacts"],
    }


@dataclass
class RetrainingArgs:
    naming: Naming
    config: RetrainingConfig
    backend: str
    image_uri: pulumi.Input[str]
    pipeline_role_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    buckets: dict[str, pulumi.Input[str]]
    tracking_uri: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]] = field(default_factory=list)
    security_group_ids: pulumi.Input[list[str]] = field(default_factory=list)
    # Model monitoring (SageMaker real-time endpoints with data capture only).
    monitor_endpoint: pulumi.Resource | None = None
    monitor_endpoint_name: str | None = None
    # Kubernetes backend.
    kubernetes_provider: k8s.Provider | None = None
    kubernetes_namespace: pulumi.Resource | None = None
    namespace: str = ""
    labels: dict[str, str] = field(default_factory=dict)


class Retraining(pulumi.ComponentResource):
    def __init__(self, name: str, args: RetrainingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:retraining:Retraining", name, None, opts)
        naming = args.naming
        names = list(args.buckets)
        environment = pulumi.Output.all(args.tracking_uri, *[args.buckets[n] for n in names]).apply(
            lambda v: pipeline_environment(
                team=naming.team,
                region=naming.region,
                config=args.config,
                tracking_uri=v[0],
                buckets=dict(zip(names, v[1:], strict=True)),
            )
        )
        self.pipeline_name: pulumi.Output[str] | None = None
        if args.config.enabled and args.backend == "kubernetes":
            self._cron_job(args, environment)
        elif args.config.enabled:
            self._sagemaker_pipeline(args, environment)
        if args.monitor_endpoint_name:
            self._monitor(args)
        self.register_outputs({})

    def _sagemaker_pipeline(self, args: RetrainingArgs, environment: pulumi.Output) -> None:
        child = pulumi.ResourceOptions(parent=self)
        naming, config = args.naming, args.config
        definition = pulumi.Output.all(
            image=args.image_uri,
            role=args.pipeline_role_arn,
            key=args.kms_key_arn,
            artifacts=args.buckets["artifacts"],
            subnets=args.subnet_ids,
            groups=args.security_group_ids,
            environment=environment,
        ).apply(
            lambda v: json.dumps(
                pipeline_definition(
                    image_uri=v["image"],
                    role_arn=v["role"],
                    instance_type=config.instance_type,
                    volume_size_gb=config.volume_size_gb,
                    max_runtime_seconds=config.max_runtime_hours * 3600,
                    kms_key_arn=v["key"],
                    output_s3_uri=f"s3://{v['artifacts']}/retraining/reports",
                    subnet_ids=v["subnets"],
                    security_group_ids=v["groups"],
                    environment=v["environment"],
                    arguments=config.pipeline_arguments,
                ),
                sort_keys=True,
            )
        )
        pipeline = aws.sagemaker.Pipeline(
            "retraining-pipeline",
            pipeline_name=naming.name("retraining"),
            pipeline_display_name=naming.name("retraining"),
            pipeline_description="Scheduled retraining: the team's Kedro pipeline image",
            role_arn=args.pipeline_role_arn,
            pipeline_definition=definition,
            opts=child,
        )
        self.pipeline_name = pipeline.pipeline_name
        role = aws.iam.Role(
            "retraining-scheduler-role",
            name=naming.name("retraining", "scheduler"),
            description="EventBridge Scheduler: may only start the team's retraining pipeline",
            assume_role_policy=json.dumps(
                service_trust_policy("scheduler.amazonaws.com", naming.account_id)
            ),
            max_session_duration=3600,
            opts=child,
        )
        permission = aws.iam.RolePolicy(
            "retraining-scheduler-policy",
            name="start-retraining-pipeline",
            role=role.name,
            policy=pipeline.arn.apply(lambda arn: json.dumps(start_pipeline_policy(arn))),
            opts=child,
        )
        aws.scheduler.Schedule(
            "retraining-schedule",
            name=naming.name("retraining"),
            description="Starts the retraining pipeline",
            schedule_expression=config.schedule,
            schedule_expression_timezone=config.timezone,
            flexible_time_window={"mode": "FLEXIBLE", "maximum_window_in_minutes": 30},
            target={
                "arn": pipeline.arn,
                "role_arn": role.arn,
                "retry_policy": {"maximum_retry_attempts": 2},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]),
        )

    def _monitor(self, args: RetrainingArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        naming, monitor = args.naming, args.config.monitor
        endpoint = args.monitor_endpoint_name
        network = {
            "enable_inter_container_traffic_encryption": True,
            "enable_network_isolation": True,
            "vpc_config": {
                "subnets": args.subnet_ids,
                "security_group_ids": args.security_group_ids,
            },
        }
        job = aws.sagemaker.DataQualityJobDefinition(
            "data-quality-job",
            name=naming.name("data-quality"),
            role_arn=args.pipeline_role_arn,
            data_quality_app_specification={"image_uri": model_monitor_image(naming.region)},
            data_quality_job_input={
                "endpoint_input": {
                    "endpoint_name": endpoint,
                    "local_path": MONITOR_INPUT_PATH,
                    "s3_input_mode": "File",
                }
            },
            data_quality_job_output_config={
                "kms_key_id": args.kms_key_arn,
                "monitoring_outputs": {
                    "s3_output": {
                        "s3_uri": pulumi.Output.concat(
                            "s3://", args.buckets["capture"], "/monitoring/", endpoint
                        ),
                        "local_path": MONITOR_OUTPUT_PATH,
                        "s3_upload_mode": "EndOfJob",
                    }
                },
            },
            job_resources={
                "cluster_config": {
                    "instance_count": 1,
                    "instance_type": monitor.instance_type,
                    "volume_size_in_gb": 20,
                    "volume_kms_key_id": args.kms_key_arn,
                }
            },
            network_config=network,
            stopping_condition={"max_runtime_in_seconds": monitor.max_runtime_seconds},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[args.monitor_endpoint]),
        )
        aws.sagemaker.MonitoringSchedule(
            "data-quality-schedule",
            name=naming.name("data-quality"),
            monitoring_schedule_config={
                "monitoring_job_definition_name": job.name,
                "monitoring_type": "DataQuality",
                "schedule_config": {"schedule_expression": monitor.schedule},
            },
            opts=child,
        )

    def _cron_job(self, args: RetrainingArgs, environment: pulumi.Output) -> None:
        config = args.config
        opts = pulumi.ResourceOptions(
            parent=self,
            provider=args.kubernetes_provider,
            depends_on=[args.kubernetes_namespace] if args.kubernetes_namespace else [],
        )
        labels = dict(args.labels)
        selector = {"app.kubernetes.io/name": "retraining"}

        def meta(name: str) -> dict:
            return {"name": name, "namespace": args.namespace, "labels": labels}

        account = k8s.core.v1.ServiceAccount(
            "retraining-service-account",
            metadata={
                **meta("retraining"),
                "annotations": {"eks.amazonaws.com/role-arn": args.pipeline_role_arn},
            },
            automount_service_account_token=False,
            opts=opts,
        )
        # The namespace denies all traffic by default; the pipeline needs DNS and HTTPS (S3,
        # STS, MLflow through the VPC's endpoints).
        k8s.networking.v1.NetworkPolicy(
            "retraining-egress",
            metadata=meta("allow-retraining-egress"),
            spec={
                "pod_selector": {"match_labels": selector},
                "policy_types": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                "namespace_selector": {
                                    "match_labels": {"kubernetes.io/metadata.name": "kube-system"}
                                }
                            }
                        ],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    },
                    {"ports": [{"protocol": "TCP", "port": 443}]},
                ],
            },
            opts=opts,
        )
        env = environment.apply(lambda e: [{"name": k, "value": v} for k, v in sorted(e.items())])
        k8s.batch.v1.CronJob(
            "retraining-cronjob",
            metadata=meta("retraining"),
            spec={
                "schedule": config.kubernetes_schedule,
                "time_zone": config.timezone,
                "concurrency_policy": "Forbid",
                "successful_jobs_history_limit": 3,
                "failed_jobs_history_limit": 3,
                "job_template": {
                    "spec": {
                        "backoff_limit": 1,
                        "active_deadline_seconds": config.max_runtime_hours * 3600,
                        "template": {
                            "metadata": {"labels": {**labels, **selector}},
                            "spec": {
                                "restart_policy": "Never",
                                "service_account_name": account.metadata["name"],
                                "automount_service_account_token": False,
                                "security_context": pod_security_context(),
                                "containers": [
                                    {
                                        "name": "pipeline",
                                        "image": args.image_uri,
                                        "args": list(config.pipeline_arguments),
                                        "env": env,
                                        "resources": {
                                            "requests": {"cpu": "1", "memory": "2Gi"},
                                            "limits": {"cpu": "2", "memory": "4Gi"},
                                        },
                                        "security_context": container_security_context(),
                                        # Kedro writes intermediate data and logs under /app.
                                        "volume_mounts": [
                                            {"name": "tmp", "mount_path": "/tmp"},
                                            {"name": "data", "mount_path": "/app/data"},
                                        ],
                                    }
                                ],
                                "volumes": [
                                    {"name": "tmp", "empty_dir": {"size_limit": "2Gi"}},
                                    {"name": "data", "empty_dir": {"size_limit": "10Gi"}},
                                ],
                            },
                        },
                    }
                },
            },
            opts=opts,
        )
