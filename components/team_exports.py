"""The team stack's outputs, assembled from its sections (the only place they are named)."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from components.documents.tracking import dvc_remote, dvc_remote_commands
from components.encryption import KmsKey
from components.lab import Lab
from components.personas import Personas
from components.serving import Serving
from components.storage import SecureBucket
from components.tracking import Tracking


def team_exports(
    *,
    team: str,
    environment: str,
    region: str,
    inference_backend: str,
    registered_model_prefix: str,
    key: KmsKey,
    buckets: Mapping[str, SecureBucket],
    personas: Personas,
    lab: Lab,
    tracking: Tracking,
    serving: Serving,
) -> dict[str, pulumi.Input]:
    """The team stack's outputs, from the sections' outputs (the only place they are named)."""
    # The DVC remote: the team's versioned, SSE-KMS `dvc` bucket, ready for `dvc remote add`.
    remote = pulumi.Output.all(buckets["dvc"].name, key.arn).apply(
        lambda v: dvc_remote(bucket=v[0], region=region, kms_key_arn=v[1])
    )
    exports: dict[str, pulumi.Input] = {
        "layer": "team",
        "team": team,
        "environment": environment,
        "region": region,
        "teamKmsKeyArn": key.arn,
        "buckets": {purpose: bucket.name for purpose, bucket in buckets.items()},
        "personaRoleArns": personas.role_arns,
        "executionRoleArns": personas.execution_role_arns,
        **_lab_exports(lab),
        "dvcRemote": remote,
        "dvcRemoteCommands": remote.apply(dvc_remote_commands),
        "mlflowTrackingUri": tracking.tracking_uri,
        "mlflowEnvironment": tracking.environment,
        "mlflowArtifactStoreUri": tracking.artifact_store_uri,
        "ecrRepositoryUrls": serving.repository_urls,
        "imageUris": serving.image_uris,
        "inferenceBackend": inference_backend,
        # MLflow registered models mirrored into the SageMaker registry must start with this.
        "registeredModelPrefix": registered_model_prefix,
        # Retraining runs add a pending version here; an ML engineer approves what is served.
        "modelPackageGroup": serving.model_package_group,
    }
    if serving.served_model_package_arn is not None:
        exports["servedModelPackageArn"] = serving.served_model_package_arn
    if inference_backend == "kubernetes":  # no service URL until a model is named
        exports["inferenceNamespace"] = serving.namespace
        exports["inferenceServiceUrl"] = serving.service_url
    if serving.endpoint_name is not None:
        exports["endpointName"] = serving.endpoint_name
    if serving.retraining_pipeline_name is not None:
        exports["retrainingPipelineName"] = serving.retraining_pipeline_name
    return exports


def _lab_exports(lab: Lab) -> dict[str, pulumi.Input]:
    if lab.kind == "studio":
        outputs = {
            "labDomainId": lab.domain_id,
            "labDomainUrl": lab.domain_url,
            "labUserProfiles": lab.user_profiles,
            "labSpaces": lab.spaces,
            "labLifecycleConfigArn": lab.lifecycle_config_arn,
        }
    else:
        outputs = {
            "labNotebookInstances": lab.notebook_instances,
            "labLifecycleConfigName": lab.lifecycle_config_name,
        }
    return {"labKind": lab.kind, **{k: v for k, v in outputs.items() if v is not None}}
