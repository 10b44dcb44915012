"""The lab: SageMaker Studio domains and notebook instances.

Checkov covers notebooks (CKV_AWS_122/306/307/22) and domain KMS (CKV_AWS_187); Studio VpcOnly
and JupyterLab idle shutdown are this pack's own.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import Severity

from policies.factory import resource_rule
from policies.props import as_list, get_path, number
from policies.resource_types import SAGEMAKER_DOMAIN, SAGEMAKER_NOTEBOOK


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
    idle = get_path(
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


POLICIES = [
    resource_rule(
        "sagemaker-domain-vpc-only",
        selector=SAGEMAKER_DOMAIN,
        severity=Severity.HIGH,
        description="Studio domains use appNetworkAccessType VpcOnly in the private subnets.",
        remediation="Set appNetworkAccessType VpcOnly with the environment's vpcId/subnetIds.",
        check=_domain_vpc_only,
    ),
    resource_rule(
        "sagemaker-domain-kms",
        selector=SAGEMAKER_DOMAIN,
        severity=Severity.HIGH,
        description="Studio domains encrypt their home volume with the team's KMS key.",
        remediation="Set kmsKeyId to the team key ARN.",
        check=_domain_kms,
    ),
    resource_rule(
        "sagemaker-domain-idle-shutdown",
        selector=SAGEMAKER_DOMAIN,
        severity=Severity.MEDIUM,
        description="Studio domains shut idle JupyterLab apps down (cost control).",
        remediation="Set defaultUserSettings.jupyterLabAppSettings.appLifecycleManagement."
        "idleSettings with lifecycleManagement ENABLED and idleTimeoutInMinutes.",
        check=_domain_idle,
        defaults={"maxIdleTimeoutMinutes": 240},
    ),
    resource_rule(
        "sagemaker-notebook-no-direct-internet",
        selector=SAGEMAKER_NOTEBOOK,
        severity=Severity.HIGH,
        description="Notebook instances have no direct internet access.",
        remediation="Set directInternetAccess Disabled; reach AWS through VPC endpoints.",
        check=_notebook_internet,
    ),
    resource_rule(
        "sagemaker-notebook-no-root",
        selector=SAGEMAKER_NOTEBOOK,
        severity=Severity.HIGH,
        description="Notebook instances give users no root access.",
        remediation="Set rootAccess Disabled; install packages through lifecycle scripts.",
        check=_notebook_root,
    ),
    resource_rule(
        "sagemaker-notebook-in-vpc",
        selector=SAGEMAKER_NOTEBOOK,
        severity=Severity.HIGH,
        description="Notebook instances run in a private subnet with security groups.",
        remediation="Set subnetId and securityGroups from the environment stack.",
        check=_notebook_vpc,
    ),
    resource_rule(
        "sagemaker-notebook-kms",
        selector=SAGEMAKER_NOTEBOOK,
        severity=Severity.HIGH,
        description="Notebook instance volumes are encrypted with the team's KMS key.",
        remediation="Set kmsKeyId to the team key.",
        check=_notebook_kms,
    ),
]
