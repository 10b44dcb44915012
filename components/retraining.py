"""Closing the loop: scheduled retraining with the pipeline image, and data-quality monitoring.

SageMaker backend: a SageMaker Pipeline with one Processing step running the Kedro image, started
by an EventBridge Scheduler schedule whose role may only start that pipeline; and, when the
endpoint captures data, a Model Monitor data-quality job over the captured requests, on a
schedule, network-isolated in the private subnets, with KMS-encrypted volumes and reports.
Kubernetes backend: a CronJob in the team namespace running the same image.
The pipeline gets MLflow (tracking URI, experiment, registered model name), the DVC remote (the
exported `dvcRemote` URL), the DVC-tracked training file and the team's data buckets as
environment variables (see containers/pipeline/run-pipeline).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.documents.kubernetes import (
    container_security_context,
    dns_and_https_egress,
    pod_security_context,
)
from components.documents.retraining import (
    MONITOR_REPORTS_PREFIX,
    pipeline_definition,
    pipeline_environment,
    registered_model_name,
    start_pipeline_policy,
)
from components.documents.trust import service_trust_policy
from components.naming import Naming

MONITOR_INPUT_PATH = "/opt/ml/processing/input/endpoint"
MONITOR_OUTPUT_PATH = "/opt/ml/processing/output"
RETRAINING_SELECTOR = {"app.kubernetes.io/name": "retraining"}
RETRAINING_SERVICE_ACCOUNT = "retraining"


@dataclass(frozen=True)
class MonitorSpec:
    """A data-quality job over an endpoint's captured requests, on a Model Monitor schedule."""

    # The prebuilt `sagemaker-model-monitor-analyzer` image of the region.
    image_uri: str
    schedule: str = "cron(0 * ? * * *)"
    instance_type: str = "ml.m5.large"
    max_runtime_seconds: int = 3600


@dataclass
class DataQualityMonitor:
    """Model Monitor over a SageMaker real-time endpoint that captures data."""

    endpoint: pulumi.Resource  # the job definition waits for it
    endpoint_name: str
    spec: MonitorSpec


@dataclass
class KubernetesTarget:
    """Where the CronJob runs: the team namespace of the inference component's cluster."""

    provider: k8s.Provider
    namespace: str
    labels: dict[str, str] = field(default_factory=dict)
    # The Namespace resource, when this program creates it: the CronJob waits for it.
    namespace_resource: pulumi.Resource | None = None
    # The IRSA role of the CronJob's service account (RETRAINING_SERVICE_ACCOUNT).
    service_account_role_arn: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class RetrainingSpec:
    """When and how the pipeline image retrains the model."""

    enabled: bool = True
    schedule: str = "cron(0 3 ? * MON *)"  # EventBridge Scheduler (SageMaker Pipeline)
    timezone: str = "UTC"
    kubernetes_schedule: str = "0 3 * * 1"  # CronJob
    instance_type: str = "ml.m5.large"
    max_runtime_hours: int = 4
    volume_size_gb: int = 30
    experiment_name: str | None = None  # None: <team>-training
    registered_model_name: str | None = None  # None: <team>-model
    pipeline_arguments: tuple[str, ...] = ("--pipeline", "training")


@dataclass
class RetrainingArgs:
    naming: Naming
    image_uri: pulumi.Input[str]
    pipeline_role_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    # Purpose -> bucket name; needs raw, curated, dvc and artifacts (and capture to monitor).
    buckets: dict[str, pulumi.Input[str]]
    tracking_uri: pulumi.Input[str]
    spec: RetrainingSpec = field(default_factory=RetrainingSpec)
    # None: a SageMaker Pipeline on an EventBridge schedule; else a CronJob in that namespace.
    kubernetes: KubernetesTarget | None = None
    subnet_ids: pulumi.Input[list[str]] = field(default_factory=list)
    security_group_ids: pulumi.Input[list[str]] = field(default_factory=list)
    monitor: DataQualityMonitor | None = None
    # The image the run's model packages name for serving; None: the run registers in MLflow
    # only (no model package).
    inference_image_uri: pulumi.Input[str] | None = None


def env_vars(environment: Mapping[str, str]) -> list[k8s.core.v1.EnvVarArgsDict]:
    return [{"name": k, "value": v} for k, v in sorted(environment.items())]


def cron_job_spec(
    args: RetrainingArgs,
    labels: dict[str, str],
    service_account_name: pulumi.Input[str],
    env: pulumi.Input[Sequence[k8s.core.v1.EnvVarArgsDict]],
) -> k8s.batch.v1.CronJobSpecArgsDict:
    """The CronJob: one pipeline run at a time, restricted security, scratch space for Kedro."""
    return {
        "schedule": args.spec.kubernetes_schedule,
        "time_zone": args.spec.timezone,
        "concurrency_policy": "Forbid",
        "successful_jobs_history_limit": 3,
        "failed_jobs_history_limit": 3,
        "job_template": {
            "spec": {
                "backoff_limit": 1,
                "active_deadline_seconds": args.spec.max_runtime_hours * 3600,
                "template": {
                    "metadata": {"labels": {**labels, **RETRAINING_SELECTOR}},
                    "spec": {
                        "restart_policy": "Never",
                        "service_account_name": service_account_name,
                        "automount_service_account_token": False,
                        "security_context": pod_security_context(),
                        "containers": [
                            {
                                "name": "pipeline",
                                "image": args.image_uri,
                                "args": list(args.spec.pipeline_arguments),
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
    }


class Retraining(pulumi.ComponentResource):
    pipeline_name: pulumi.Output[str] | None

    def __init__(self, name: str, args: RetrainingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:retraining:Retraining", name, None, opts)
        naming = args.naming
        names = list(args.buckets)
        model_name = registered_model_name(
            naming.scope, naming.team, args.spec.registered_model_name
        )
        environment = pulumi.Output.all(
            args.tracking_uri, args.inference_image_uri, *[args.buckets[n] for n in names]
        ).apply(
            lambda v: pipeline_environment(
                team=naming.team,
                region=naming.region,
                tracking_uri=v[0],
                inference_image_uri=v[1],
                buckets=dict(zip(names, v[2:], strict=True)),
                model_name=model_name,
                experiment_name=args.spec.experiment_name,
            )
        )
        self.pipeline_name = None
        if args.spec.enabled and args.kubernetes is not None:
            self._cron_job(args, args.kubernetes, environment)
        elif args.spec.enabled:
            self._sagemaker_pipeline(args, environment)
        if args.monitor is not None:
            self._monitor(args, args.monitor)
        self.register_outputs({})

    def _sagemaker_pipeline(self, args: RetrainingArgs, environment: pulumi.Output) -> None:
        child = pulumi.ResourceOptions(parent=self)
        naming = args.naming
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
                    instance_type=args.spec.instance_type,
                    volume_size_gb=args.spec.volume_size_gb,
                    max_runtime_seconds=args.spec.max_runtime_hours * 3600,
                    kms_key_arn=v["key"],
                    output_s3_uri=f"s3://{v['artifacts']}/retraining/reports",
                    subnet_ids=v["subnets"],
                    security_group_ids=v["groups"],
                    environment=v["environment"],
                    arguments=list(args.spec.pipeline_arguments),
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
        self._schedule(args, pipeline)

    def _schedule(self, args: RetrainingArgs, pipeline: aws.sagemaker.Pipeline) -> None:
        """An EventBridge Scheduler schedule whose role may only start the pipeline."""
        child = pulumi.ResourceOptions(parent=self)
        naming = args.naming
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
            schedule_expression=args.spec.schedule,
            schedule_expression_timezone=args.spec.timezone,
            flexible_time_window={"mode": "FLEXIBLE", "maximum_window_in_minutes": 30},
            target={
                "arn": pipeline.arn,
                "role_arn": role.arn,
                "retry_policy": {"maximum_retry_attempts": 2},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]),
        )

    def _monitor(self, args: RetrainingArgs, monitor: DataQualityMonitor) -> None:
        child = pulumi.ResourceOptions(parent=self)
        naming = args.naming
        endpoint = monitor.endpoint_name
        network: aws.sagemaker.DataQualityJobDefinitionNetworkConfigArgsDict = {
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
            data_quality_app_specification={"image_uri": monitor.spec.image_uri},
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
                            "s3://",
                            args.buckets["capture"],
                            f"/{MONITOR_REPORTS_PREFIX}/",
                            endpoint,
                        ),
                        "local_path": MONITOR_OUTPUT_PATH,
                        "s3_upload_mode": "EndOfJob",
                    }
                },
            },
            job_resources={
                "cluster_config": {
                    "instance_count": 1,
                    "instance_type": monitor.spec.instance_type,
                    "volume_size_in_gb": 20,
                    "volume_kms_key_id": args.kms_key_arn,
                }
            },
            network_config=network,
            stopping_condition={"max_runtime_in_seconds": monitor.spec.max_runtime_seconds},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[monitor.endpoint]),
        )
        aws.sagemaker.MonitoringSchedule(
            "data-quality-schedule",
            name=naming.name("data-quality"),
            monitoring_schedule_config={
                "monitoring_job_definition_name": job.name,
                "monitoring_type": "DataQuality",
                "schedule_config": {"schedule_expression": monitor.spec.schedule},
            },
            opts=child,
        )

    def _cron_job(
        self, args: RetrainingArgs, target: KubernetesTarget, environment: pulumi.Output
    ) -> None:
        depends_on = [target.namespace_resource] if target.namespace_resource else []
        opts = pulumi.ResourceOptions(parent=self, provider=target.provider, depends_on=depends_on)
        labels = dict(target.labels)

        def meta(name: str) -> k8s.meta.v1.ObjectMetaArgsDict:
            return {"name": name, "namespace": target.namespace, "labels": labels}

        if target.service_account_role_arn is None:  # the CronJob needs an AWS identity
            raise ValueError("KubernetesTarget.service_account_role_arn is not set")
        account = k8s.core.v1.ServiceAccount(
            "retraining-service-account",
            metadata={
                **meta(RETRAINING_SERVICE_ACCOUNT),
                "annotations": {"eks.amazonaws.com/role-arn": target.service_account_role_arn},
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
                "pod_selector": {"match_labels": RETRAINING_SELECTOR},
                "policy_types": ["Egress"],
                "egress": dns_and_https_egress(),
            },
            opts=opts,
        )
        env = environment.apply(env_vars)
        k8s.batch.v1.CronJob(
            "retraining-cronjob",
            metadata=meta("retraining"),
            spec=cron_job_spec(args, labels, account.metadata["name"], env),
            opts=opts,
        )
