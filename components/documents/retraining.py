"""Retraining documents: the SageMaker Pipeline definition and the scheduler's role policies."""

from __future__ import annotations

from typing import Any

PIPELINE_OUTPUT_PATH = "/opt/ml/processing/output"
# Model Monitor writes its reports under `s3://<capture bucket>/<prefix>/<endpoint>`.
MONITOR_REPORTS_PREFIX = "monitoring"


def pipeline_definition(
    *,
    image_uri: str,
    role_arn: str,
    instance_type: str,
    volume_size_gb: int,
    max_runtime_seconds: int,
    kms_key_arn: str,
    output_s3_uri: str,
    subnet_ids: list[str],
    security_group_ids: list[str],
    environment: dict[str, str],
    arguments: list[str],
) -> dict[str, Any]:
    """A one-step pipeline: a Processing job running the pipeline image's `run-pipeline`.

    A Processing step (not Training) because SageMaker training starts images as
    `<image> train`, while the Kedro image's entrypoint takes `kedro run` arguments. The step's
    arguments are the CreateProcessingJob request (SageMaker Pipelines definition schema 2020-12-01,
    read 2026-11). The job runs in the team's private subnets (it needs MLflow and S3 through VPC
    endpoints, so it is not network-isolated), with KMS on its volume and outputs.
    """
    return {
        "Version": "2020-12-01",
        "Metadata": {},
        "Parameters": [],
        "Steps": [
            {
                "Name": "Retrain",
                "Type": "Processing",
                "Arguments": {
                    "AppSpecification": {
                        "ImageUri": image_uri,
                        "ContainerEntrypoint": ["run-pipeline"],
                        "ContainerArguments": list(arguments),
                    },
                    "RoleArn": role_arn,
                    "Environment": dict(sorted(environment.items())),
                    "ProcessingResources": {
                        "ClusterConfig": {
                            "InstanceCount": 1,
                            "InstanceType": instance_type,
                            "VolumeSizeInGB": volume_size_gb,
                            "VolumeKmsKeyId": kms_key_arn,
                        }
                    },
                    "ProcessingOutputConfig": {
                        "KmsKeyId": kms_key_arn,
                        "Outputs": [
                            {
                                "OutputName": "reports",
                                "S3Output": {
                                    "S3Uri": output_s3_uri,
                                    "LocalPath": PIPELINE_OUTPUT_PATH,
                                    "S3UploadMode": "EndOfJob",
                                },
                            }
                        ],
                    },
                    "NetworkConfig": {
                        "EnableInterContainerTrafficEncryption": True,
                        "EnableNetworkIsolation": False,
                        "VpcConfig": {
                            "Subnets": list(subnet_ids),
                            "SecurityGroupIds": list(security_group_ids),
                        },
                    },
                    "StoppingCondition": {"MaxRuntimeInSeconds": max_runtime_seconds},
                },
            }
        ],
    }


def start_pipeline_policy(pipeline_arn: str) -> dict[str, Any]:
    """The scheduler's only permission: start this one pipeline."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "StartRetrainingPipeline",
                "Effect": "Allow",
                "Action": "sagemaker:StartPipelineExecution",
                "Resource": pipeline_arn,
            }
        ],
    }
