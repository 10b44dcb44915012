"""SageMaker resource types -> SageMaker API requests (botocore service `sagemaker`)."""

from __future__ import annotations

from mlopsctl.conformance.requests import SKIP, Request, request

SAGEMAKER = "sagemaker"
_PREFIX = "aws:sagemaker/"

SAGEMAKER_REQUESTS: dict[str, tuple[Request, ...]] = {
    # retentionPolicy is a DeleteDomain parameter.
    f"{_PREFIX}domain:Domain": (request(SAGEMAKER, "CreateDomain", {"retentionPolicy": SKIP}),),
    f"{_PREFIX}userProfile:UserProfile": (request(SAGEMAKER, "CreateUserProfile"),),
    f"{_PREFIX}space:Space": (request(SAGEMAKER, "CreateSpace"),),
    f"{_PREFIX}app:App": (request(SAGEMAKER, "CreateApp"),),
    f"{_PREFIX}studioLifecycleConfig:StudioLifecycleConfig": (
        request(SAGEMAKER, "CreateStudioLifecycleConfig"),
    ),
    f"{_PREFIX}notebookInstance:NotebookInstance": (
        request(
            SAGEMAKER,
            "CreateNotebookInstance",
            {
                "name": "NotebookInstanceName",
                "volumeSize": "VolumeSizeInGB",
                "securityGroups": "SecurityGroupIds",
            },
        ),
    ),
    # The provider takes each script as one base64 string, the API a list of hooks.
    f"{_PREFIX}notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration": (
        request(
            SAGEMAKER,
            "CreateNotebookInstanceLifecycleConfig",
            {
                "name": "NotebookInstanceLifecycleConfigName",
                "onCreate": "OnCreate[].Content",
                "onStart": "OnStart[].Content",
            },
            supplied=("NotebookInstanceLifecycleConfigName",),
        ),
    ),
    f"{_PREFIX}codeRepository:CodeRepository": (request(SAGEMAKER, "CreateCodeRepository"),),
    f"{_PREFIX}mlflowTrackingServer:MlflowTrackingServer": (
        request(SAGEMAKER, "CreateMlflowTrackingServer"),
    ),
    f"{_PREFIX}mlflowApp:MlflowApp": (request(SAGEMAKER, "CreateMlflowApp"),),
    f"{_PREFIX}model:Model": (
        request(SAGEMAKER, "CreateModel", {"name": "ModelName"}, supplied=("ModelName",)),
    ),
    f"{_PREFIX}endpointConfiguration:EndpointConfiguration": (
        request(
            SAGEMAKER,
            "CreateEndpointConfig",
            {"name": "EndpointConfigName", "kmsKeyArn": "KmsKeyId", "namePrefix": SKIP},
            supplied=("EndpointConfigName",),
        ),
    ),
    f"{_PREFIX}endpoint:Endpoint": (
        request(SAGEMAKER, "CreateEndpoint", {"name": "EndpointName"}, supplied=("EndpointName",)),
    ),
    f"{_PREFIX}modelPackageGroup:ModelPackageGroup": (
        request(SAGEMAKER, "CreateModelPackageGroup"),
    ),
    # ClientRequestToken: the provider's idempotency token.
    f"{_PREFIX}pipeline:Pipeline": (
        request(SAGEMAKER, "CreatePipeline", supplied=("ClientRequestToken",)),
    ),
    f"{_PREFIX}dataQualityJobDefinition:DataQualityJobDefinition": (
        request(
            SAGEMAKER,
            "CreateDataQualityJobDefinition",
            {"name": "JobDefinitionName"},
            supplied=("JobDefinitionName",),
        ),
    ),
    f"{_PREFIX}monitoringSchedule:MonitoringSchedule": (
        request(
            SAGEMAKER,
            "CreateMonitoringSchedule",
            {"name": "MonitoringScheduleName"},
            supplied=("MonitoringScheduleName",),
        ),
    ),
}
