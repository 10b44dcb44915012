"""IAM identity and trust policies.

Checkov equivalents: CKV_AWS_62/63/355 (no admin, no `*` action, no `*` resource),
CKV_AWS_286-290 (privilege escalation, exposure, exfiltration), plus parliament's lint.

- **Documents judged**: `aws:iam/role:Role` `inlinePolicies` and `assumeRolePolicy`,
  `rolePolicy`, `policy`, `userPolicy`, `groupPolicy`. Documents still unknown at preview time
  (computed at deploy time) are skipped; they are judged offline, where the plan resolves them.
- **Data-plane actions** are a fixed list here (`DATA_PLANE_ACTIONS`: S3 object reads/writes
  and ListBucket, KMS crypto, secrets, SSM parameters, DynamoDB items, RDS IAM auth, endpoint
  invocation, ECR image pull/push); an action pattern such as `s3:Get*` counts when it matches
  one. A service-wide `svc:*` is a violation only on Resource `*` (clients need
  `sagemaker-mlflow:*` on a tracking-server ARN).
- **iam:PassRole** needs a positive `iam:PassedToService` condition (StringEquals/StringLike)
  whose values are service names, not patterns (`*`, `sagemaker*`), and a Resource naming roles,
  not `*` or `role/*` (IAM User Guide, "Grant a user permissions to pass a role to an AWS
  service", read 2026-12). Grants through attached AWS-managed policies are judged by
  `iam-privilege-escalation` (iam_escalation.py).
- **parliament**: findings whose parliament severity is MEDIUM or above fail (LOW such as
  `UNKNOWN_ACTION` and `RESOURCE_STAR` do not). Default `ignoredFindings`:
  `RESOURCE_MISMATCH:sagemaker-mlflow:AccessUI`: parliament 1.6.4's bundled action database
  expects `*` for that action, while AWS's Service Authorization Reference lists the
  mlflow-tracking-server resource (read 2026-11). Entries are `ISSUE` or `ISSUE:action`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from policies.documents import (
    action_matches,
    actions,
    allows,
    document,
    resources,
    statements,
    wildcard_principal_sids,
)
from policies.factory import resource_rule
from policies.props import as_list
from policies.resource_types import IAM_IDENTITY_POLICIES, IAM_ROLE

# Actions that read or write data (objects, keys, secrets, records): never on Resource "*".
DATA_PLANE_ACTIONS = (
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:ListBucket",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "rds-db:connect",
    "sagemaker:InvokeEndpoint",
    "ecr:BatchGetImage",
    "ecr:PutImage",
)
PARLIAMENT_BLOCKING = ("MEDIUM", "HIGH", "CRITICAL")
# Findings that are gaps of parliament 1.6.4's bundled action database, not of the documents:
# `ISSUE` or `ISSUE:action`. sagemaker-mlflow:AccessUI takes the mlflow-tracking-server resource
# (Service Authorization Reference, Amazon SageMaker with MLflow, read 2026-11); parliament
# expects "*".
PARLIAMENT_KNOWN_GAPS = ["RESOURCE_MISMATCH:sagemaker-mlflow:AccessUI"]


def identity_documents(args: ResourceValidationArgs) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, document) for each known identity policy on the resource."""
    props = args.props
    if IAM_ROLE.matches(args):
        for inline in as_list(props.get("inlinePolicies")):
            doc = document(inline.get("policy")) if isinstance(inline, Mapping) else None
            if doc:
                yield f"inline policy {inline.get('name', '')}", doc
        return
    doc = document(props.get("policy"))
    if doc:
        yield "policy", doc


def _allow_statements(args) -> Iterator[tuple[str, dict[str, Any]]]:
    for label, doc in identity_documents(args):
        for statement in statements(doc):
            if allows(statement):
                yield f"{label} statement {statement.get('Sid', '(no Sid)')}", statement


def _no_admin(args, config):
    for where, statement in _allow_statements(args):
        if any(a in ("*", "*:*") for a in actions(statement)) and "*" in resources(statement):
            yield f"{where} grants every action on every resource (administrator access)"


def _no_wildcard_action(args, config):
    for where, statement in _allow_statements(args):
        if statement.get("NotAction") is not None:
            yield f"{where} uses NotAction with Allow (grants everything not listed)"
        for action in actions(statement):
            service_wide = action.endswith(":*") and "*" in resources(statement)
            if action in ("*", "*:*") or service_wide:
                yield f"{where} allows action {action!r}" + (
                    " on Resource '*'" if service_wide else ""
                )


def _no_wildcard_data_resource(args, config):
    for where, statement in _allow_statements(args):
        if "*" not in resources(statement):
            continue
        data = sorted(
            {d for a in actions(statement) for d in DATA_PLANE_ACTIONS if action_matches(a, d)}
        )
        if data:
            yield f"{where} allows data-plane actions {', '.join(data)} on Resource '*'"


def _passed_to_service(statement: Mapping[str, Any]) -> list[str]:
    """The iam:PassedToService values of positive string conditions ([] when absent)."""
    condition = statement.get("Condition") or {}
    values: list[str] = []
    for operator, keys in condition.items() if isinstance(condition, Mapping) else []:
        if not str(operator).startswith(("StringEquals", "StringLike", "ForAnyValue:String")):
            continue
        for key, value in (keys or {}).items() if isinstance(keys, Mapping) else []:
            if str(key).lower() == "iam:passedtoservice":
                values.extend(str(v) for v in as_list(value))
    return values


def _every_role(pattern: str) -> bool:
    """Resource `*`, or every role of an account (`arn:aws:iam::<any>:role/*`)."""
    return pattern == "*" or (pattern.endswith(":role/*") and ":iam::" in pattern)


def _passrole(args, config):
    for where, statement in _allow_statements(args):
        if not any(action_matches(a, "iam:PassRole") for a in actions(statement)):
            continue
        services = _passed_to_service(statement)
        if not services:
            yield f"{where} allows iam:PassRole without an iam:PassedToService condition"
        for service in (s for s in services if "*" in s or "?" in s):
            yield f"{where} allows iam:PassRole with iam:PassedToService {service!r} (a wildcard)"
        for pattern in (r for r in resources(statement) if _every_role(r)):
            yield f"{where} allows iam:PassRole on Resource {pattern!r} (every role)"


def _trust(args, config):
    for sid in wildcard_principal_sids(args.props.get("assumeRolePolicy")):
        yield f"trust policy statement {sid} trusts principal '*'"


@lru_cache(maxsize=4096)
def _parliament_findings(policy_json: str) -> tuple[tuple[str, str, Any], ...]:
    """(issue, parliament severity, detail) of each finding on one policy document.

    Memoised on the document's text: parliament's analysis is a pure function of it, and the
    same documents recur across resources, stacks and previews (a preview judges each again).
    """
    import warnings

    with warnings.catch_warnings():  # parliament 1.6.4 imports the deprecated pkg_resources
        warnings.simplefilter("ignore", UserWarning)
        from parliament import analyze_policy_string
    from parliament import config as parliament_config

    return tuple(
        (
            finding.issue,
            (parliament_config.get(finding.issue) or {}).get("severity", "MEDIUM"),
            finding.detail,
        )
        for finding in analyze_policy_string(policy_json).findings
    )


def _parliament(args, config):
    ignored = set(config["ignoredFindings"])
    for label, doc in identity_documents(args):
        for issue, severity, detail in _parliament_findings(json.dumps(doc, sort_keys=True)):
            acted = [d.get("action") for d in as_list(detail) if isinstance(d, Mapping)]
            keys = {issue} if not acted else {f"{issue}:{a}" for a in acted}
            if severity in PARLIAMENT_BLOCKING and issue not in ignored and not keys <= ignored:
                yield f"{label}: parliament {severity} {issue}: {detail}"


POLICIES = [
    resource_rule(
        "iam-no-admin",
        selector=IAM_IDENTITY_POLICIES,
        severity=Severity.CRITICAL,
        description="No identity policy grants '*:*' (every action on every resource).",
        remediation="Grant the persona's actions on the team's resources only.",
        check=_no_admin,
    ),
    resource_rule(
        "iam-no-wildcard-action",
        selector=IAM_IDENTITY_POLICIES,
        severity=Severity.HIGH,
        description="No identity policy allows the '*' action, NotAction, or a whole service "
        "('svc:*') on Resource '*'.",
        remediation="List the actions the persona needs; scope service-wide actions to ARNs.",
        check=_no_wildcard_action,
    ),
    resource_rule(
        "iam-no-wildcard-data-resource",
        selector=IAM_IDENTITY_POLICIES,
        severity=Severity.HIGH,
        description="Data-plane actions (S3 objects, KMS crypto, secrets, endpoint invocation) "
        "are never allowed on Resource '*'.",
        remediation="Scope data-plane statements to the team's bucket, key and secret ARNs.",
        check=_no_wildcard_data_resource,
    ),
    resource_rule(
        "iam-passrole-restricted",
        selector=IAM_IDENTITY_POLICIES,
        severity=Severity.HIGH,
        description="iam:PassRole is only allowed on named roles, with an iam:PassedToService "
        "condition naming a service (no wildcard).",
        remediation="Add Condition StringEquals iam:PassedToService sagemaker.amazonaws.com "
        "(or the service that needs the role) and scope Resource to the role ARNs.",
        check=_passrole,
    ),
    resource_rule(
        "iam-trust-no-wildcard",
        selector=IAM_ROLE,
        severity=Severity.CRITICAL,
        description="Role trust policies never trust the '*' principal.",
        remediation="Trust named service principals or this account's roles only.",
        check=_trust,
    ),
    resource_rule(
        "iam-parliament-lint",
        selector=IAM_IDENTITY_POLICIES,
        severity=Severity.MEDIUM,
        description="Every identity policy passes parliament's lint (findings above LOW fail).",
        remediation="Fix the document parliament reports (unknown actions, mismatched "
        "resources or conditions).",
        check=_parliament,
        defaults={"ignoredFindings": PARLIAMENT_KNOWN_GAPS},
    ),
]
