"""SageMaker rules: Studio domains, notebook instances, endpoints, models, MLflow.

Checkov covers notebooks (CKV_AWS_122/306/307/22), domain KMS (CKV_AWS_187), endpoint KMS
(CKV_AWS_98) and model isolation (CKV_AWS_370); VpcOnly, idle shutdown, data capture and the
MLflow settings are this pack's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from policies.rules.common import as_list, number, of_type, resource_rule, stack_rule

DOMAIN = "aws:sagemaker/domain:Domain"
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
MODEL = "aws:sagemaker/model:Model"
MLFLOW = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"
BUCKET = "aws:s3/bucket:Bucket"
EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def _get(props: Mapping[str, Any], *path: str) -> Any:
    value: Any = props
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _domain_vpc_only(args, config):
    mode = args.props.get("appNetworkAccessType")
    if mode != "VpcOnly":
        yield f"appNetworkAccessType is {mode!r}: Studio traffic must stay in the VPC (VpcOnly)"
    if not as_list(args.props.get("subnetIds")) or not args.props.get("vpcId"):
        yield "no vpcId/subnetIds: the domain must run in the environment's private subnets"


def _domain_kms(args, config):
    if not args.props.get("kmsKeyId"):
        yield "no kmsKeyId: the Studio home EFS volume is encrypted with an AWS-managed key"


def _domain_idle(args, config):
    idle = _get(
        args.props,
        "defaultUserSettings",
        "jupyterLabAppSettings",
        "appLifecycleManagement",
        "idleSettings",
    )
    if not isinstance(idle, Mapping) or idle.get("lifecycleManagement") != "ENABLED":
        yield "JupyterLab idle shutdown (appLifecycleManagement.idleSettings) is not ENABLED"
        return
    timeout = number(idle.get("idleTimeoutInMinutes"))
    limit = number(config["maxIdleTimeoutMinutes"])
    if not 0 < timeout <= limit:
        yield f"idleTimeoutInMinutes is {timeout:g}; allowed: 1-{limit:g}"


def _notebook_internet(args, config):
    value = args.props.get("directInternetAccess")
    if value != "Disabled":
        yield f"directInternetAccess is {value!r} (the AWS default is Enabled); set Disabled"


def _notebook_root(args, config):
    value = args.props.get("rootAccess")
    if value != "Disabled":
        yield f"rootAccess is {value!r} (the AWS default is Enabled); set Disabled"


def _notebook_vpc(args, config):
    if not args.props.get("subnetId"):
        yield "no subnetId: the notebook runs outside the VPC"
    if not as_list(args.props.get("securityGroups")):
        yield "no securityGroups"


def _notebook_kms(args, config):
    if not args.props.get("kmsKeyId"):
        yield "no kmsKeyId: the ML storage volume uses an AWS-managed key"


def _endpoint_kms(args, config):
    if not args.props.get("kmsKeyArn") and not is_serverless(args.props):
        yield "no kmsKeyArn: the endpoint's ML storage volumes use an AWS-managed key"


def is_serverless(endpoint_config: Mapping[str, Any]) -> bool:
    """Serverless variants only: AWS supports no data capture, VPC or network isolation there
    (SageMaker developer guide, "Serverless Inference: feature exclusions", read 2026-11)."""
    variants = [
        v for v in as_list(endpoint_config.get("productionVariants")) if isinstance(v, Mapping)
    ]
    return bool(variants) and all(v.get("serverlessConfig") for v in variants)


def _endpoint_capture(args, config):
    if is_serverless(args.props):
        if not config["serverlessExempt"]:
            yield "serverless endpoint: AWS supports no data capture there; use real-time here"
        return
    capture = args.props.get("dataCaptureConfig")
    if not isinstance(capture, Mapping):
        yield "no dataCaptureConfig: requests and predictions are not captured for monitoring"
        return
    if capture.get("enableCapture") is False:
        yield "dataCaptureConfig.enableCapture is false"
    if number(capture.get("initialSamplingPercentage")) <= 0:
        yield "dataCaptureConfig.initialSamplingPercentage must be above 0"
    if not str(capture.get("destinationS3Uri") or "").startswith("s3://"):
        yield "dataCaptureConfig.destinationS3Uri is not an s3:// URI"
    if not capture.get("kmsKeyId"):
        yield "dataCaptureConfig.kmsKeyId is missing: captured data must use the team key"


def _model_isolation(args, config):
    configs = list(of_type(args.resources, ENDPOINT_CONFIG))
    for model in of_type(args.resources, MODEL):
        isolated = model.props.get("enableNetworkIsolation") is True
        in_vpc = bool(as_list(_get(model.props, "vpcConfig", "subnets")))
        if isolated or in_vpc:
            continue
        name = model.props.get("name")
        users = [
            c
            for c in configs
            if any(
                isinstance(v, Mapping) and v.get("modelName") == name
                for v in as_list(c.props.get("productionVariants"))
            )
            or any(
                d.urn == model.urn for d in c.property_dependencies.get("productionVariants", [])
            )
        ]
        if config["serverlessExempt"] and users and all(is_serverless(c.props) for c in users):
            continue  # served only by serverless endpoints, where AWS supports neither
        yield (
            f"model {model.name}: neither enableNetworkIsolation nor a vpcConfig with subnets",
            model.urn,
        )


def _mlflow_version(args, config):
    version = str(args.props.get("mlflowVersion") or "")
    if not EXACT_VERSION.match(version):
        yield (
            f"mlflowVersion is {version or 'unset'!r}; pin the exact version the service reports "
            "(e.g. 2.16.2): a partial version replaces the server on every update"
        )


def _bucket_of(uri: str) -> str:
    return uri[5:].split("/", 1)[0] if uri.startswith("s3://") else ""


def _mlflow_bucket(args, config):
    buckets = {str(b.props.get("bucket") or ""): b for b in of_type(args.resources, BUCKET)}
    for server in of_type(args.resources, MLFLOW):
        uri = str(server.props.get("artifactStoreUri") or "")
        depends_on_team_bucket = any(
            d.resource_type == BUCKET
            for d in server.property_dependencies.get("artifactStoreUri", [])
        )
        name = _bucket_of(uri)
        if name in buckets or (not uri and depends_on_team_bucket):
            continue
        yield (
            f"tracking server {server.name}: artifactStoreUri {uri or 'unset'!r} is not a "
            "bucket of this team stack (artifacts must stay in the team's KMS-encrypted bucket)",
            server.urn,
        )


POLICIES = [
    resource_rule(
        "sagemaker-domain-vpc-only",
        types=[DOMAIN],
        severity=Severity.HIGH,
        description="Studio domains use appNetworkAccessType VpcOnly in the private subnets.",
        remediation="Set appNetworkAccessType VpcOnly with the environment's vpcId/subnetIds.",
        check=_domain_vpc_only,
    ),
    resource_rule(
        "sagemaker-domain-kms",
        types=[DOMAIN],
        severity=Severity.HIGH,
        description="Studio domains encrypt their home volume with the team's KMS key.",
        remediation="Set kmsKeyId to the team key ARN.",
        check=_domain_kms,
    ),
    resource_rule(
        "sagemaker-domain-idle-shutdown",
        types=[DOMAIN],
        severity=Severity.MEDIUM,
        description="Studio domains shut idle JupyterLab apps down (cost control).",
        remediation="Set defaultUserSettings.jupyterLabAppSettings.appLifecycleManagement."
        "idleSettings with lifecycleManagement ENABLED and idleTimeoutInMinutes.",
        check=_domain_idle,
        defaults={"maxIdleTimeoutMinutes": 240},
    ),
    resource_rule(
        "sagemaker-notebook-no-direct-internet",
        types=[NOTEBOOK],
        severity=Severity.HIGH,
        description="Notebook instances have no direct internet access.",
        remediation="Set directInternetAccess Disabled; reach AWS through VPC endpoints.",
        check=_notebook_internet,
    ),
    resource_rule(
        "sagemaker-notebook-no-root",
        types=[NOTEBOOK],
        severity=Severity.HIGH,
        description="Notebook instances give users no root access.",
        remediation="Set rootAccess Disabled; install packages through lifecycle scripts.",
        check=_notebook_root,
    ),
    resource_rule(
        "sagemaker-notebook-in-vpc",
        types=[NOTEBOOK],
        severity=Severity.HIGH,
        description="Notebook instances run in a private subnet with security groups.",
        remediation="Set subnetId and securityGroups from the environment stack.",
        check=_notebook_vpc,
    ),
    resource_rule(
        "sagemaker-notebook-kms",
        types=[NOTEBOOK],
        severity=Severity.HIGH,
        description="Notebook instance volumes are encrypted with the team's KMS key.",
        remediation="Set kmsKeyId to the team key.",
        check=_notebook_kms,
    ),
    resource_rule(
        "sagemaker-endpoint-config-kms",
        types=[ENDPOINT_CONFIG],
        severity=Severity.HIGH,
        description="Endpoint configurations encrypt instance storage with the team's key.",
        remediation="Set kmsKeyArn to the team key ARN.",
        check=_endpoint_kms,
    ),
    resource_rule(
        "sagemaker-endpoint-data-capture",
        types=[ENDPOINT_CONFIG],
        severity=Severity.MEDIUM,
        description="Endpoint configurations capture requests and predictions (KMS-encrypted) "
        "for model monitoring.",
        remediation="Set dataCaptureConfig with enableCapture true, initialSamplingPercentage "
        "above 0, destinationS3Uri in the team's capture bucket and kmsKeyId.",
        check=_endpoint_capture,
        defaults={"serverlessExempt": True},
    ),
    stack_rule(
        "sagemaker-model-network-isolation",
        severity=Severity.HIGH,
        description="Models run with network isolation or inside the VPC (unless served only by "
        "serverless endpoints and serverlessExempt is true).",
        remediation="Set enableNetworkIsolation true, or a vpcConfig with private subnets.",
        check=_model_isolation,
        defaults={"serverlessExempt": True},
    ),
    resource_rule(
        "sagemaker-mlflow-pinned-version",
        types=[MLFLOW],
        severity=Severity.LOW,
        description="MLflow tracking servers pin an exact MLflow version (major.minor.patch).",
        remediation="Set mlflowVersion to the full version the service reports, e.g. 2.16.2.",
        check=_mlflow_version,
    ),
    stack_rule(
        "sagemaker-mlflow-team-artifact-bucket",
        severity=Severity.HIGH,
        description="MLflow tracking servers store artifacts in a bucket of the team stack.",
        remediation="Set artifactStoreUri to s3://<team artifacts bucket>/<prefix>.",
        check=_mlflow_bucket,
    ),
]
