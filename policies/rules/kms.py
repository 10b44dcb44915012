"""KMS customer-managed keys, key policies, whose keys encrypt the platform's data, and who
administers them.

Checkov equivalents: CKV_AWS_7 rotation, CKV_AWS_33 no `*` principal, CKV_AWS_227 (key
enabled) is the nearest to the deletion window; none checks whose key a resource uses.

- **kms-customer-key-of-platform**: the key a bucket's default encryption
  (`rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId`), a Studio domain, notebook
  instance, log group, secret, file system, MLflow App (`kmsKeyId`), an endpoint config
  (`kmsKeyArn`, `dataCaptureConfig.kmsKeyId`, `asyncInferenceConfig.outputConfig.kmsKeyId`),
  an ECR repository (`encryptionConfigurations[].kmsKey`) or a database (`kmsKeyId`,
  `masterUserSecretKmsKeyId`, `performanceInsightsKmsKeyId`) names is a customer-managed key of
  a platform account: not a key ARN of an outside account (its owner can disable it, read
  every grant, or delete it and the data with it), not an AWS-managed key (`alias/aws/<svc>`,
  reserved for AWS managed keys whose policies nobody can change: AWS KMS Developer Guide,
  "Aliases in AWS KMS" and "Create aliases", read 2026-12). Whether a key is set at all is the
  presence rules' job (s3-sse-kms-customer-key, sagemaker-domain-kms, sagemaker-notebook-kms,
  sagemaker-endpoint-config-kms, ecr-kms-encryption); s3-sse-kms-customer-key also refuses an
  `alias/aws/` SSE key. A bare key id or a customer alias is in the resource's own account.
  In-stack references pass: the plan holds the planned key's ARN in the stack's account.
- **kms-no-persona-key-admin**: persona roles (`<prefix>-<team>-<env>-data-scientist`,
  `-ml-engineer`, `-data-steward`, and their `-exec` roles) get no key administration
  (`KEY_ADMIN_ACTIONS`, matched by `kms:*`, `kms:Put*`, `kms:Schedule*`, ...): not in inline
  policies, role policies, customer managed policies planned in the stack and attached to them
  (the attachment's `policyArn` resolved to the planned policy's `arn`, or its dependency), nor
  in key policies naming the role. Key usage (Encrypt, Decrypt, GenerateDataKey, CreateGrant
  for AWS resources) stays allowed.
- **kms-production-deletion-window**: a production key (`production` fact) keeps the longest
  waiting period before deletion, 30 days (AWS allows 7-30, default 30: KMS API
  ScheduleKeyDeletion `PendingWindowInDays`, read 2026-12). Without pack config the production
  flag is unknown and the rule judges nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, Severity

from policies.documents import (
    action_matches,
    actions,
    allows,
    document,
    principals,
    statements,
    wildcard_principal_sids,
)
from policies.factory import resource_rule, stack_rule
from policies.platform_facts import account_of, facts
from policies.props import as_list, number
from policies.resource_types import (
    CLOUDWATCH_LOG_GROUP,
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    KMS_KEY,
    KMS_KEY_POLICY,
    RDS_INSTANCE,
    S3_ENCRYPTION,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_ENDPOINT_CONFIG,
    SAGEMAKER_MLFLOW_APP,
    SAGEMAKER_NOTEBOOK,
    SECRETSMANAGER_SECRET,
    ResourceType,
    ResourceTypes,
)
from policies.rules.accounts import platform_accounts

SYMMETRIC = "SYMMETRIC_DEFAULT"
# Where each type names its key; `[]` steps into every item of a list.
KEY_PROPS: tuple[tuple[ResourceType, tuple[str, ...]], ...] = (
    (S3_ENCRYPTION, ("rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId",)),
    (SAGEMAKER_DOMAIN, ("kmsKeyId",)),
    (SAGEMAKER_NOTEBOOK, ("kmsKeyId",)),
    (
        SAGEMAKER_ENDPOINT_CONFIG,
        ("kmsKeyArn", "dataCaptureConfig.kmsKeyId", "asyncInferenceConfig.outputConfig.kmsKeyId"),
    ),
    (SAGEMAKER_MLFLOW_APP, ("kmsKeyId",)),
    (ECR_REPOSITORY, ("encryptionConfigurations[].kmsKey",)),
    (CLOUDWATCH_LOG_GROUP, ("kmsKeyId",)),
    (SECRETSMANAGER_SECRET, ("kmsKeyId",)),
    (EFS_FILE_SYSTEM, ("kmsKeyId",)),
    (RDS_INSTANCE, ("kmsKeyId", "masterUserSecretKmsKeyId", "performanceInsightsKmsKeyId")),
)
KEY_USERS = ResourceTypes(*(selector for selector, _ in KEY_PROPS))
AWS_MANAGED_ALIAS = re.compile(r"(^|:)alias/aws/")
# Key administration (AWS KMS API reference): changing who may use a key, its existence, its
# material or its aliases. CreateGrant is left out: SageMaker needs it on the execution roles
# (with kms:GrantIsForAWSResource) to encrypt the volumes it attaches.
KEY_ADMIN_ACTIONS = (
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:CreateKey",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
    "kms:ImportKeyMaterial",
    "kms:DeleteImportedKeyMaterial",
    "kms:ReplicateKey",
    "kms:UpdatePrimaryRegion",
    "kms:RevokeGrant",
)
PERSONAS = ("data-scientist", "ml-engineer", "data-steward")
MIN_PRODUCTION_WINDOW_DAYS = 30


def _rotation(args, config):
    spec = args.props.get("customerMasterKeySpec") or args.props.get("keySpec") or SYMMETRIC
    if spec == SYMMETRIC and args.props.get("enableKeyRotation") is not True:
        yield "enableKeyRotation is not true on a symmetric customer-managed key"


def _no_wildcard_principal(args, config):
    for sid in wildcard_principal_sids(args.props.get("policy")):
        yield f"key policy statement {sid} allows principal '*'"


def _values(value: Any, steps: list[str], label: str) -> Iterator[tuple[str, Any]]:
    """(label, value) at a dotted path; `name[]` steps into every item of a list."""
    if not steps:
        yield label, value
        return
    step, rest = steps[0], steps[1:]
    if not isinstance(value, Mapping):
        return
    if step.endswith("[]"):
        key = step[:-2]
        for index, item in enumerate(as_list(value.get(key))):
            yield from _values(item, rest, f"{label}{key}[{index}].")
    else:
        yield from _values(value.get(step), rest, f"{label}{step}.")


def key_references(args) -> Iterator[tuple[str, str]]:
    """(property path, key id/ARN/alias) of each key the resource names."""
    for selector, paths in KEY_PROPS:
        if not selector.matches(args):
            continue
        for path in paths:
            for label, value in _values(args.props, path.split("."), ""):
                if isinstance(value, str) and value:
                    yield label.rstrip("."), value


def _platform_key(args, config):
    accounts = platform_accounts(config, [args])
    for prop, key in key_references(args):
        if AWS_MANAGED_ALIAS.search(key):
            yield f"{prop} {key!r} is an AWS-managed key, not the platform's customer-managed key"
            continue
        account = account_of(key) if key.startswith("arn:") else None
        if accounts and account and account not in accounts:
            yield (
                f"{prop} {key!r} is a key of account {account}, outside the platform's "
                f"accounts ({', '.join(sorted(accounts))})"
            )


def _persona_pattern(config: Mapping[str, Any]) -> re.Pattern[str]:
    prefix = re.escape(str(config.get("namePrefix") or "mlops"))
    return re.compile(rf"^{prefix}-.+-({'|'.join(PERSONAS)})(-exec)?$")


def _role_name(value: Any) -> str:
    """The role name of a role ARN (`arn:aws:iam::1:role/path/name`) or of a plain name."""
    text = str(value or "")
    return text.rsplit("/", 1)[-1] if ":role/" in text else text


def _admin_grants(doc: Mapping[str, Any] | None) -> Iterator[tuple[str, list[str]]]:
    """(Sid, the action patterns granting key administration) per Allow statement."""
    for statement in statements(doc):
        if not allows(statement):
            continue
        granting = [
            a
            for a in actions(statement)
            if a.lower().startswith("kms:")
            and any(action_matches(a, admin) for admin in KEY_ADMIN_ACTIONS)
        ]
        if granting:
            yield str(statement.get("Sid", "(no Sid)")), granting


def _depends(resource: PolicyResource, prop: str, selector: ResourceType) -> list[PolicyResource]:
    return [d for d in resource.property_dependencies.get(prop, []) if selector.matches(d)]


def _attached_role(resource: PolicyResource) -> str:
    role = resource.props.get("role")
    if not role:
        deps = _depends(resource, "role", IAM_ROLE)
        role = deps[0].props.get("name") if deps else ""
    return _role_name(role)


def _identity_grants(resources: list[PolicyResource]) -> Iterator[tuple[str, str, Any, str]]:
    """(role name, where, document, urn) of every identity policy reaching a role."""
    policies = list(IAM_POLICY.select(resources))
    by_arn = {str(p.props.get("arn")): p for p in policies if p.props.get("arn")}
    for role in IAM_ROLE.select(resources):
        name = str(role.props.get("name") or role.name)
        for inline in as_list(role.props.get("inlinePolicies")):
            if isinstance(inline, Mapping):
                yield (
                    name,
                    f"inline policy {inline.get('name', '')}",
                    inline.get("policy"),
                    role.urn,
                )
        for arn in as_list(role.props.get("managedPolicyArns")):
            if str(arn) in by_arn:
                yield name, f"managed policy {arn}", by_arn[str(arn)].props.get("policy"), role.urn
    for rp in IAM_ROLE_POLICY.select(resources):
        where = f"role policy {rp.props.get('name') or rp.name}"
        yield _attached_role(rp), where, rp.props.get("policy"), rp.urn
    for attachment in IAM_ROLE_POLICY_ATTACHMENT.select(resources):
        arn = str(attachment.props.get("policyArn") or "")
        deps = _depends(attachment, "policyArn", IAM_POLICY)
        policy = by_arn.get(arn) or (deps[0] if deps else None)
        if policy is not None:
            where = f"attached policy {arn or policy.name}"
            yield _attached_role(attachment), where, policy.props.get("policy"), attachment.urn


def _persona_key_admin(args, config):
    persona = _persona_pattern(config)
    resources = list(args.resources)
    for role, where, doc, urn in _identity_grants(resources):
        if not persona.match(role):
            continue
        for sid, granting in _admin_grants(document(doc)):
            yield (
                f"persona role {role}: {where} statement {sid} grants key administration "
                f"({', '.join(granting)})",
                urn,
            )
    for key in (KMS_KEY | KMS_KEY_POLICY).select(resources):
        doc = document(key.props.get("policy"))
        for statement in statements(doc):
            roles = [_role_name(p) for p in principals(statement) if ":role/" in p]
            admins = dict(_admin_grants({"Statement": [statement]}))
            for role in (r for r in roles if persona.match(r)):
                for sid, granting in admins.items():
                    yield (
                        f"{key.name}: key policy statement {sid} grants persona role {role} "
                        f"key administration ({', '.join(granting)})",
                        key.urn,
                    )


def _deletion_window(args, config):
    if not config.get("production"):
        return
    # Unset: AWS's default, 30 days; unknown or odd-typed: not judged.
    days = number(args.props.get("deletionWindowInDays"), MIN_PRODUCTION_WINDOW_DAYS)
    if days < MIN_PRODUCTION_WINDOW_DAYS:
        yield (
            f"deletionWindowInDays is {days:g} on a production key; keep "
            f"{MIN_PRODUCTION_WINDOW_DAYS} days so a scheduled deletion can still be cancelled"
        )


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
    resource_rule(
        "kms-customer-key-of-platform",
        selector=KEY_USERS,
        severity=Severity.HIGH,
        description="Buckets, Studio domains, notebooks, endpoint configs, repositories, log "
        "groups, secrets and databases use a customer-managed key of a platform account, not "
        "an outside account's key nor an AWS-managed alias/aws/ key.",
        remediation="Name the team key (its ARN, or the stack's aws.kms.Key arn output).",
        check=_platform_key,
        defaults=facts("trustedAccountIds", "accountId"),
    ),
    stack_rule(
        "kms-no-persona-key-admin",
        severity=Severity.HIGH,
        description="Persona roles (data scientist, ML engineer, data steward and their -exec "
        "roles) are granted no KMS key administration (kms:*, kms:Put*, kms:Schedule*...).",
        remediation="Grant personas key usage only (kms:Decrypt, kms:GenerateDataKey, "
        "kms:DescribeKey on the team key); key administration stays with the platform account.",
        check=_persona_key_admin,
        defaults=facts("namePrefix"),
    ),
    resource_rule(
        "kms-production-deletion-window",
        selector=KMS_KEY,
        severity=Severity.MEDIUM,
        description="Production KMS keys keep a 30-day deletion window.",
        remediation="Set deletionWindowInDays: 30 (or leave it unset: AWS defaults to 30).",
        check=_deletion_window,
        defaults=facts("production"),
    ),
]
