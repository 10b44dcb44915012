"""Retraining documents: the SageMaker Pipeline definition and the scheduler's role policies."""

from __future__ import annotations

from typing import Any

from components.documents.tracking import dvc_remote_url

PIPELINE_OUTPUT_PATH = "/opt/ml/processing/output"
# Model Monitor writes its reports under `s3://<capture bucket>/<prefix>/<endpoint>`.
MONITOR_REPORTS_PREFIX = "monitoring"
# Relative to the Kedro project (/app in the image): the file the data scientist versions with
# `dvc add` and `dvc push`es to the team's DVC remote; `dvc pull` restores it before the run.
TRAINING_DATA_PATH = "data/01_raw/training.csv"


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


# Where a retraining run puts the model package's archive (one per registered version):
# `s3://<artifacts bucket>/model-packages/<group>/<MLflow version>/model.tar.gz`.
MODEL_PACKAGES_PREFIX = "model-packages"


def registered_model_name(scope: str, team: str, name: str | None) -> str:
    """`<scope>-<name>` (default name `<team>-model`): the MLflow registered model and the
    SageMaker model package group the stack creates for it."""
    return f"{scope}-{name or f'{team}-model'}"


def pipeline_environment(
    *,
    team: str,
    region: str,
    tracking_uri: str,
    buckets: dict[str, str],
    model_name: str,
    inference_image_uri: str | None,
    experiment_name: str | None = None,
) -> dict[str, str]:
    """The variables `run-pipeline` and the Kedro project read (all plain strings).

    The run registers a new MLflow version of `model_name` and, with an inference image, packages
    that version as a model package of the group of the same name (PendingManualApproval), which
    is what the endpoint serves once an ML engineer approves it and the stack names it."""
    environment = {
        "AWS_DEFAULT_REGION": region,
        "MLFLOW_TRACKING_URI": tracking_uri,
        "MLFLOW_EXPERIMENT_NAME": experiment_name or f"{team}-training",
        "MLOPS_REGISTERED_MODEL_NAME": model_name,
        "MLOPS_TEAM": team,
        # The remote the data scientist pushes to (the exported `dvcRemote`); run-pipeline
        # `dvc pull`s the project's tracked data from it before `kedro run`.
        "MLOPS_DVC_REMOTE_URL": dvc_remote_url(buckets["dvc"]),
        # The DVC-tracked training file of the project (no persona may write the curated bucket).
        "MLOPS_TRAINING_DATA": TRAINING_DATA_PATH,
        "MLOPS_RAW_BUCKET": buckets["raw"],
        "MLOPS_CURATED_BUCKET": buckets["curated"],
        "MLOPS_ARTIFACTS_BUCKET": buckets["artifacts"],
    }
    if inference_image_uri:
        environment |= {
            "MLOPS_MODEL_PACKAGE_GROUP": model_name,
            "MLOPS_MODEL_PACKAGE_S3_URI": f"s3://{buckets['artifacts']}/{MODEL_PACKAGES_PREFIX}",
            "MLOPS_INFERENCE_IMAGE": inference_image_uri,
        }
    return environment
