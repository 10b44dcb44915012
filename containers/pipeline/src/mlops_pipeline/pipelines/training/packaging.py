"""Package the newly registered MLflow model version as a SageMaker Model Registry version.

The `package_model` node runs after `log_to_mlflow`. It downloads exactly the registered
version (`models:/<name>/<version>`), tars the MLflow model directory with `MLmodel` at the
root of `model.tar.gz` (SageMaker unpacks it into /opt/ml/model, where the inference image's
`serve` finds it), uploads it with SSE-KMS (the bucket's default key, the team's key) and
creates a model package version in the group the platform created, pending manual approval.

Field names and constraints below are those of botocore's SageMaker service model
(botocore/data/sagemaker/2017-07-24/service-2.json):

* CreateModelPackageInput.ModelPackageGroupName is `ArnOrName`: a name of 1-63 characters
  matching `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` (so the registered model name, equal to the group
  name, may hold only letters, digits and hyphens);
* CustomerMetadataProperties is a `CustomerMetadataMap` (1-50 entries) whose keys match
  `[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*` (1-128 characters): '.' is allowed, so `mlflow.version`
  is a valid key; values (1-256 characters) use the same characters;
* ClientToken is 1-36 characters of `[a-zA-Z0-9-]`: a UUID derived from the MLflow version;
* CreateModelPackageOutput holds only ModelPackageArn: the version number comes from
  DescribeModelPackageOutput.ModelPackageVersion.

boto3 reads AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> itself (tests point it at moto).
"""

from __future__ import annotations

import logging
import re
import tarfile
import tempfile
import uuid
from pathlib import Path
from typing import Any

import boto3
import mlflow.artifacts

logger = logging.getLogger(__name__)

# The environment variable behind each `params:model_package` key (conf/base/parameters.yml).
ENV_NAMES = {
    "group": "MLOPS_MODEL_PACKAGE_GROUP",
    "s3_uri": "MLOPS_MODEL_PACKAGE_S3_URI",
    "inference_image": "MLOPS_INFERENCE_IMAGE",
    "team": "MLOPS_TEAM",
}
GROUP_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")  # EntityName / ArnOrName
METADATA_VALUE = re.compile(r"[\w\s.:/=+\-@]{1,256}")  # CustomerMetadataValue, simplified
CONTENT_TYPES = ["application/json", "text/csv"]  # what MLflow's /invocations accepts
RESPONSE_TYPES = ["application/json"]
PENDING = "PendingManualApproval"
# Stable namespace: the same MLflow version always gets the same ClientToken (idempotent retry).
TOKEN_NAMESPACE = uuid.UUID("6f1d3c52-3a4e-4d59-9a35-0c1b9e5b7c11")


def _settings(params: dict[str, Any]) -> dict[str, str] | None:
    """The packaging settings, or None when packaging is off (MLOPS_MODEL_PACKAGE_GROUP unset)."""
    values = {key: str(params.get(key) or "").strip() for key in ENV_NAMES}
    if not values["group"]:
        return None
    missing = [ENV_NAMES[key] for key, value in values.items() if not value]
    if missing:
        raise ValueError(
            f"MLOPS_MODEL_PACKAGE_GROUP is set ({values['group']!r}) but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not"
        )
    if not GROUP_NAME.fullmatch(values["group"]):
        raise ValueError(
            f"MLOPS_MODEL_PACKAGE_GROUP {values['group']!r} is not a SageMaker model package "
            "group name (1-63 letters, digits and hyphens, starting and ending alphanumeric)"
        )
    if not values["s3_uri"].startswith("s3://") or not values["s3_uri"][5:].strip("/"):
        raise ValueError(
            f"MLOPS_MODEL_PACKAGE_S3_URI must be s3://bucket[/prefix], got {values['s3_uri']!r}"
        )
    return values


def _model_data_location(s3_uri: str, group: str, version: str) -> tuple[str, str]:
    """(bucket, key) of `<s3_uri>/<group>/<mlflow version>/model.tar.gz`."""
    bucket, _, prefix = s3_uri.removeprefix("s3://").partition("/")
    parts = [p for p in (prefix.strip("/"), group, version, "model.tar.gz") if p]
    return bucket, "/".join(parts)


def _reset_owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def write_model_tarball(model_dir: Path, tarball: Path) -> list[str]:
    """Tar `model_dir`'s contents with `MLmodel` at the root; returns the top-level names."""
    if not (model_dir / "MLmodel").is_file():
        raise FileNotFoundError(f"{model_dir} is not an MLflow model directory (no MLmodel)")
    names = sorted(p.name for p in model_dir.iterdir())
    with tarfile.open(tarball, "w:gz") as tar:
        for name in names:
            tar.add(model_dir / name, arcname=name, filter=_reset_owner)
    return names


def _metadata(run: dict[str, Any]) -> dict[str, str]:
    metadata = {
        "mlflow.registeredModel": str(run["registered_model_name"]),
        "mlflow.version": str(run["registered_model_version"]),
        "mlflow.runId": str(run["run_id"]),
    }
    bad = {k: v for k, v in metadata.items() if not METADATA_VALUE.fullmatch(v)}
    if bad:
        raise ValueError(f"not valid CustomerMetadataProperties values: {bad}")
    return metadata


def _create_package(settings: dict[str, str], run: dict[str, Any], model_data_url: str) -> str:
    name, version = run["registered_model_name"], str(run["registered_model_version"])
    answer = boto3.client("sagemaker").create_model_package(
        ModelPackageGroupName=settings["group"],
        ModelPackageDescription=f"MLflow model {name} version {version} (run {run['run_id']})",
        InferenceSpecification={
            "Containers": [{"Image": settings["inference_image"], "ModelDataUrl": model_data_url}],
            "SupportedContentTypes": CONTENT_TYPES,
            "SupportedResponseMIMETypes": RESPONSE_TYPES,
        },
        ModelApprovalStatus=PENDING,
        CustomerMetadataProperties=_metadata(run),
        ClientToken=str(uuid.uuid5(TOKEN_NAMESPACE, f"{settings['group']}/{name}/{version}")),
        Tags=[{"Key": "team", "Value": settings["team"]}],
    )
    return answer["ModelPackageArn"]


def package_model(mlflow_run: dict[str, Any], package_params: dict[str, Any]) -> dict[str, Any]:
    """Create a SageMaker model package version from the MLflow version `log_to_mlflow` made.

    Off (returns a `skipped` report) when MLOPS_MODEL_PACKAGE_GROUP is unset, as locally.
    """
    settings = _settings(package_params)
    name = mlflow_run["registered_model_name"]
    version = mlflow_run.get("registered_model_version")
    if settings is None:
        logger.info("MLOPS_MODEL_PACKAGE_GROUP is not set: skipping the SageMaker model package")
        return {"status": "skipped", "reason": "MLOPS_MODEL_PACKAGE_GROUP is not set"}
    if version is None:
        raise ValueError(f"log_to_mlflow registered no model version of {name!r}")
    if settings["group"] != name:
        logger.warning(
            "model package group %r differs from registered model %r", settings["group"], name
        )
    bucket, key = _model_data_location(settings["s3_uri"], settings["group"], str(version))
    model_data_url = f"s3://{bucket}/{key}"
    with tempfile.TemporaryDirectory(prefix="package-model-") as tmp:
        download = Path(tmp) / "model"
        download.mkdir()
        model_dir = Path(
            mlflow.artifacts.download_artifacts(
                artifact_uri=f"models:/{name}/{version}", dst_path=str(download)
            )
        )
        tarball = Path(tmp) / "model.tar.gz"
        write_model_tarball(model_dir, tarball)
        boto3.client("s3").upload_file(
            str(tarball), bucket, key, ExtraArgs={"ServerSideEncryption": "aws:kms"}
        )
    logger.info("Uploaded %s", model_data_url)
    arn = _create_package(settings, mlflow_run, model_data_url)
    described = boto3.client("sagemaker").describe_model_package(ModelPackageName=arn)
    result = {
        "status": "created",
        "model_package_arn": arn,
        "model_package_group": settings["group"],
        "model_package_version": described.get("ModelPackageVersion"),
        "model_approval_status": described.get("ModelApprovalStatus", PENDING),
        "model_data_url": model_data_url,
        "inference_image": settings["inference_image"],
        "registered_model_name": name,
        "registered_model_version": version,
        "run_id": mlflow_run["run_id"],
    }
    logger.info("Created model package %s: %s", arn, result)
    return result
