"""KMS rules (Checkov CKV_AWS_7 rotation, CKV_AWS_33 no '*' principal)."""

from __future__ import annotations

from pulumi_policy import Severity

from policies.rules.common import (
    allows,
    document,
    has_wildcard_principal,
    resource_rule,
    statements,
)

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
SYMMETRIC = "SYMMETRIC_DEFAULT"


def _rotation(args, config):
    spec = args.props.get("customerMasterKeySpec") or args.props.get("keySpec") or SYMMETRIC
    if spec == SYMMETRIC and args.props.get("enableKeyRotation") is not True:
        yield "enableKeyRotation is not true on a symmetric customer-managed key"


def _no_wildcard_principal(args, config):
    for statement in statements(document(args.props.get("policy"))):
        if allows(statement) and has_wildcard_principal(statement):
            yield f"key policy statement {statement.get('Sid', '(no Sid)')} allows principal '*'"


POLICIES = [
    resource_rule(
        "kms-key-rotation",
        types=[KEY],
        severity=Severity.MEDIUM,
        description="Symmetric customer-managed KMS keys rotate their key material yearly.",
        remediation="Set enableKeyRotation: true on the aws.kms.Key.",
        check=_rotation,
    ),
    resource_rule(
        "kms-no-wildcard-principal",
        types=[KEY, KEY_POLICY],
        severity=Severity.CRITICAL,
        description="KMS key policies never Allow the '*' principal.",
        remediation="Grant the account root (administered through IAM) or named service "
        "principals with aws:SourceAccount, never '*'.",
        check=_no_wildcard_principal,
    ),
]
