"""Container images: ECR repositories and repository policies.

Checkov equivalents: CKV_AWS_51 immutable tags, CKV_AWS_163 scan on push, CKV_AWS_136 KMS,
CKV_AWS_32 no public repository policy.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import Severity

from policies.documents import wildcard_principal_sids
from policies.factory import resource_rule
from policies.props import as_list
from policies.resource_types import ECR_REPOSITORY, ECR_REPOSITORY_POLICY


def _immutable(args, config):
    value = args.props.get("imageTagMutability")
    if value != "IMMUTABLE":
        yield f"imageTagMutability is {value!r} (AWS default MUTABLE); set IMMUTABLE"


def _scan(args, config):
    scanning = args.props.get("imageScanningConfiguration")
    if not (isinstance(scanning, Mapping) and scanning.get("scanOnPush") is True):
        yield "imageScanningConfiguration.scanOnPush is not true"


def _kms(args, config):
    configs = [
        c for c in as_list(args.props.get("encryptionConfigurations")) if isinstance(c, Mapping)
    ]
    if not any(c.get("encryptionType") == "KMS" and c.get("kmsKey") for c in configs):
        yield "no encryptionConfigurations with encryptionType KMS and the team's kmsKey"


def _no_public_policy(args, config):
    for sid in wildcard_principal_sids(args.props.get("policy")):
        yield f"repository policy statement {sid} allows '*'"


POLICIES = [
    resource_rule(
        "ecr-immutable-tags",
        selector=ECR_REPOSITORY,
        severity=Severity.MEDIUM,
        description="ECR repositories have immutable image tags (a deployed tag never changes).",
        remediation="Set imageTagMutability IMMUTABLE.",
        check=_immutable,
    ),
    resource_rule(
        "ecr-scan-on-push",
        selector=ECR_REPOSITORY,
        severity=Severity.MEDIUM,
        description="ECR repositories scan every pushed image.",
        remediation="Set imageScanningConfiguration.scanOnPush true.",
        check=_scan,
    ),
    resource_rule(
        "ecr-kms-encryption",
        selector=ECR_REPOSITORY,
        severity=Severity.MEDIUM,
        description="ECR repositories encrypt images with the team's KMS key.",
        remediation="Set encryptionConfigurations [{encryptionType: KMS, kmsKey: <team key>}].",
        check=_kms,
    ),
    resource_rule(
        "ecr-no-public-policy",
        selector=ECR_REPOSITORY_POLICY,
        severity=Severity.CRITICAL,
        description="ECR repository policies never Allow the '*' principal.",
        remediation="Grant named roles of this account only.",
        check=_no_public_policy,
    ),
]
