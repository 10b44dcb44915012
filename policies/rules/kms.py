"""KMS customer-managed keys and key policies.

Checkov equivalents: CKV_AWS_7 rotation, CKV_AWS_33 no `*` principal.
"""

from __future__ import annotations

from pulumi_policy import Severity

from policies.documents import wildcard_principal_sids
from policies.factory import resource_rule
from policies.resource_types import KMS_KEY, KMS_KEY_POLICY

SYMMETRIC = "SYMMETRIC_DEFAULT"


def _rotation(args, config):
    spec = args.props.get("customerMasterKeySpec") or args.props.get("keySpec") or SYMMETRIC
    if spec == SYMMETRIC and args.props.get("enableKeyRotation") is not True:
        yield "enableKeyRotation is not true on a symmetric customer-managed key"


def _no_wildcard_principal(args, config):
    for sid in wildcard_principal_sids(args.props.get("policy")):
        yield f"key policy statement {sid} allows principal '*'"


POLICIES = [
    resource_rule(
        "kms-key-rotation",
        selector=KMS_KEY,
        severity=Severity.MEDIUM,
        description="Symmetric customer-managed KMS keys rotate their key material yearly.",
        remediation="Set enableKeyRotation: true on the aws.kms.Key.",
        check=_rotation,
    ),
    resource_rule(
        "kms-no-wildcard-principal",
        selector=KMS_KEY | KMS_KEY_POLICY,
        severity=Severity.CRITICAL,
        description="KMS key policies never Allow the '*' principal.",
        remediation="Grant the account root (administered through IAM) or named service "
        "principals with aws:SourceAccount, never '*'.",
        check=_no_wildcard_principal,
    ),
]
