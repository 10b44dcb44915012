"""Serving on SageMaker: endpoint configurations and models.

Checkov covers endpoint KMS (CKV_AWS_98) and model isolation (CKV_AWS_370); data capture is this
pack's own.

- **Serverless endpoints**: AWS supports no data capture, VPC or network isolation there
  (SageMaker developer guide, "Serverless Inference: feature exclusions", read 2026-11). With
  `serverlessExempt: true` (dev) a serverless-only endpoint config is exempt from data capture,
  and a model served only by serverless endpoints from isolation; prod sets it `false`, so a
  serverless endpoint in prod is a violation. A serverless endpoint config needs no `kmsKeyArn`
  (it has no instance storage).
- A model is served by an endpoint config whose `productionVariants` name it (`modelName`) or
  depend on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource, Severity

from policies.factory import resource_rule, stack_rule
from policies.props import as_list, get_path, number
from policies.resource_types import SAGEMAKER_ENDPOINT_CONFIG, SAGEMAKER_MODEL


def is_serverless(endpoint_config: Mapping[str, Any]) -> bool:
    """Serverless variants only: AWS supports no data capture, VPC or network isolation there
    (SageMaker developer guide, "Serverless Inference: feature exclusions", read 2026-11)."""
    variants = [
        v for v in as_list(endpoint_config.get("productionVariants")) if isinstance(v, Mapping)
    ]
    return bool(variants) and all(v.get("serverlessConfig") for v in variants)


def _endpoint_kms(args, config):
    if not args.props.get("kmsKeyArn") and not is_serverless(args.props):
        yield "no kmsKeyArn: the endpoint's ML storage volumes use an AWS-managed key"


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


def _serves(endpoint_config: PolicyResource, model: PolicyResource) -> bool:
    """Does the endpoint config serve the model (by name, or by dependency)?"""
    name = model.props.get("name")
    return any(
        isinstance(v, Mapping) and v.get("modelName") == name
        for v in as_list(endpoint_config.props.get("productionVariants"))
    ) or any(
        d.urn == model.urn
        for d in endpoint_config.property_dependencies.get("productionVariants", [])
    )


def _model_isolation(args, config):
    configs = list(SAGEMAKER_ENDPOINT_CONFIG.select(args))
    for model in SAGEMAKER_MODEL.select(args):
        isolated = model.props.get("enableNetworkIsolation") is True
        in_vpc = bool(as_list(get_path(model.props, "vpcConfig", "subnets")))
        if isolated or in_vpc:
            continue
        users = [c for c in configs if _serves(c, model)]
        if config["serverlessExempt"] and users and all(is_serverless(c.props) for c in users):
            continue  # served only by serverless endpoints, where AWS supports neither
        yield (
            f"model {model.name}: neither enableNetworkIsolation nor a vpcConfig with subnets",
            model.urn,
        )


POLICIES = [
    resource_rule(
        "sagemaker-endpoint-config-kms",
        selector=SAGEMAKER_ENDPOINT_CONFIG,
        severity=Severity.HIGH,
        description="Endpoint configurations encrypt instance storage with the team's key.",
        remediation="Set kmsKeyArn to the team key ARN.",
        check=_endpoint_kms,
    ),
    resource_rule(
        "sagemaker-endpoint-data-capture",
        selector=SAGEMAKER_ENDPOINT_CONFIG,
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
]
