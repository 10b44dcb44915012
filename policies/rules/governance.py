"""Data governance: tags, classification, restricted readers, isolation, production data.

What the data-governance persona asks and none of the common rule sets covers: the required
tags and classification values, who may read restricted data, no grant across environments,
and production data protected from deletion.

- **Tags** are judged as AWS will store them: the AWS provider's `defaultTags.tags`
  (`args.provider.props` in CrossGuard, `plan.provider_of` offline; the engine may pass it as a
  JSON string, both forms are read), overridden by the resource's own `tags`. Taggable types are
  a fixed list here (`TAGGABLE`).
- **Restricted readers**: grants are Allow statements with `s3:GetObject`/`s3:GetObjectVersion`
  (or a wildcard that matches them) on a resource pattern matching an object of a bucket whose
  merged `data-classification` is `restricted`; the grantee is the role (inline policy, or
  `RolePolicy.role`, or its property dependency) or the bucket-policy principal (last path
  segment of the ARN). `restrictedReaderRoles` are glob patterns on role names. Every way a
  statement reaches a role counts (`policies.iam_graph`): inline policies, `RolePolicy`,
  customer-managed policies attached by `RolePolicyAttachment`/`PolicyAttachment` or
  `managedPolicyArns`, and AWS-managed ones by name (AmazonS3FullAccess, AmazonS3ReadOnlyAccess,
  ReadOnlyAccess, AdministratorAccess, PowerUserAccess...). NotAction and NotResource count.
- **Cross-environment isolation** scans every `policy`, `assumeRolePolicy` and inline policy
  Allow statement's principals and principal conditions (`aws:PrincipalArn`,
  `aws:PrincipalAccount`, `aws:SourceAccount`) for the other environments' account ids or names
  (`-dev-`, `/dev/`...).
- **Production protection**: CrossGuard's `PolicyResourceOptions` has `protect` but no
  `retainOnDelete`; with the CLI only `protect` is checked. Offline the runner adds
  `opts.retain_on_delete` from the plan, and the rule checks both. Stateful types are a fixed
  list here (`STATEFUL`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity, StackValidationArgs

from policies.documents import (
    allows,
    document,
    principals,
    statements,
)
from policies.factory import resource_rule, stack_rule
from policies.iam_graph import covers_resource, grants_action, identity_grants
from policies.props import as_list, merged_tags
from policies.resource_types import (
    CLOUDWATCH_EVENT_RULE,
    CLOUDWATCH_LOG_GROUP,
    DYNAMODB_TABLE,
    EC2_EIP,
    EC2_FLOW_LOG,
    EC2_INTERNET_GATEWAY,
    EC2_NAT_GATEWAY,
    EC2_ROUTE_TABLE,
    EC2_SECURITY_GROUP,
    EC2_SUBNET,
    EC2_TRANSIT_GATEWAY_VPC_ATTACHMENT,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    IAM_POLICY,
    IAM_ROLE,
    KMS_KEY,
    RDS_CLUSTER,
    RDS_INSTANCE,
    S3_BUCKET,
    S3_BUCKET_POLICY,
    SAGEMAKER_CODE_REPOSITORY,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_ENDPOINT,
    SAGEMAKER_ENDPOINT_CONFIG,
    SAGEMAKER_MLFLOW,
    SAGEMAKER_MODEL,
    SAGEMAKER_NOTEBOOK,
    SAGEMAKER_PIPELINE,
    SAGEMAKER_SPACE,
    SAGEMAKER_USER_PROFILE,
    SECRETSMANAGER_SECRET,
    SFN_STATE_MACHINE,
    ResourceTypes,
)

REQUIRED_TAGS = ["team", "environment", "owner", "cost-center", "data-classification", "managed-by"]
CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"]
# Resource types that take `tags` in pulumi-aws v7 and that this platform creates.
TAGGABLE = ResourceTypes(
    S3_BUCKET,
    KMS_KEY,
    IAM_ROLE,
    IAM_POLICY,
    EC2_VPC,
    EC2_SUBNET,
    EC2_SECURITY_GROUP,
    EC2_VPC_ENDPOINT,
    EC2_ROUTE_TABLE,
    EC2_FLOW_LOG,
    EC2_INTERNET_GATEWAY,
    EC2_NAT_GATEWAY,
    EC2_EIP,
    EC2_TRANSIT_GATEWAY_VPC_ATTACHMENT,
    CLOUDWATCH_LOG_GROUP,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_USER_PROFILE,
    SAGEMAKER_SPACE,
    SAGEMAKER_NOTEBOOK,
    SAGEMAKER_MODEL,
    SAGEMAKER_ENDPOINT_CONFIG,
    SAGEMAKER_ENDPOINT,
    SAGEMAKER_MLFLOW,
    SAGEMAKER_CODE_REPOSITORY,
    SAGEMAKER_PIPELINE,
    ECR_REPOSITORY,
    RDS_INSTANCE,
    SECRETSMANAGER_SECRET,
    SFN_STATE_MACHINE,
    CLOUDWATCH_EVENT_RULE,
)
# Resources holding data or keys that a mistaken destroy or replacement must not delete.
STATEFUL = ResourceTypes(
    S3_BUCKET, KMS_KEY, ECR_REPOSITORY, RDS_INSTANCE, RDS_CLUSTER, EFS_FILE_SYSTEM, DYNAMODB_TABLE
)
READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion")
POLICY_DOCUMENT_PROPS = ("policy", "assumeRolePolicy")


def _required_tags(args, config):
    tags = merged_tags(args.props, args.provider)
    missing = [k for k in config["requiredTags"] if not tags.get(k)]
    if missing:
        yield f"missing required tags {', '.join(missing)} (after the provider's defaultTags)"


def _classification(args, config):
    value = merged_tags(args.props, args.provider).get("data-classification")
    allowed = config["allowedClassifications"]
    if value is not None and value not in allowed:
        yield f"data-classification {value!r} is not allowed; allowed: {', '.join(allowed)}"


def _role_name_of(value: str) -> str:
    """The role name in a role ARN (`arn:aws:iam::1:role/path/name`) or a plain name."""
    return value.rsplit("/", 1)[-1] if ":role/" in value or "/" in value else value


def _grants(args: StackValidationArgs) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """(grantee role name or principal, how, statement, urn to blame) for each statement that
    reaches a role (`policies.iam_graph`: inline, RolePolicy, attached customer-managed and
    AWS-managed policies) and for each bucket-policy principal."""
    for grant in identity_grants(args.resources):
        yield grant.role, grant.via, dict(grant.statement), grant.urn
    for r in S3_BUCKET_POLICY.select(args):
        for statement in statements(document(r.props.get("policy"))):
            for principal in principals(statement):
                yield _role_name_of(principal), f"bucket policy {r.name}", statement, r.urn


def _reads(statement: Mapping[str, Any], bucket: str) -> bool:
    if not allows(statement) or not bucket:
        return False
    object_arn = f"arn:aws:s3:::{bucket}/any-object"
    return any(grants_action(statement, read) for read in READ_ACTIONS) and covers_resource(
        statement, object_arn
    )


def _restricted_readers(args, config):
    allowed = config["restrictedReaderRoles"]
    restricted = [
        str(b.props.get("bucket") or "")
        for b in S3_BUCKET.select(args)
        if merged_tags(b.props, b.provider).get("data-classification") == "restricted"
    ]
    seen: set[tuple[str, str, str]] = set()
    for grantee, via, statement, urn in _grants(args):
        if any(fnmatch.fnmatchcase(grantee, p) for p in allowed):
            continue
        for bucket in restricted:
            if _reads(statement, bucket) and (grantee, bucket, urn) not in seen:
                seen.add((grantee, bucket, urn))
                yield (
                    f"{grantee} may read restricted bucket {bucket} through {via} "
                    f"(allowed readers: {', '.join(allowed) or 'none'})",
                    urn,
                )


def _foreign_reference(text: str, accounts: list[str], environments: list[str]) -> str | None:
    for account in accounts:
        if re.search(rf"(^|[^0-9]){re.escape(account)}([^0-9]|$)", text):
            return f"account {account}"
    for env in environments:
        if re.search(rf"(^|[-/:_]){re.escape(env)}([-/_]|$)", text.split(":", 5)[-1]):
            return f"environment {env}"
    return None


def _statement_principals(statement: Mapping[str, Any]) -> list[str]:
    values = principals(statement)
    for operator in (statement.get("Condition") or {}).values():
        for key, value in (operator or {}).items():
            if key.lower() in ("aws:principalarn", "aws:principalaccount", "aws:sourceaccount"):
                values.extend(str(v) for v in as_list(value))
    return values


def _isolation(args, config):
    accounts = [str(a) for a in config["otherEnvironmentAccountIds"]]
    environments = [str(e) for e in config["otherEnvironmentNames"]]
    if not (accounts or environments):
        return
    for r in args.resources:
        docs = [document(r.props.get(p)) for p in POLICY_DOCUMENT_PROPS]
        docs += [document((i or {}).get("policy")) for i in as_list(r.props.get("inlinePolicies"))]
        for statement in (s for doc in docs for s in statements(doc)):
            if not allows(statement):
                continue
            for principal in _statement_principals(statement):
                found = _foreign_reference(principal, accounts, environments)
                if found:
                    yield (
                        f"{r.name}: statement {statement.get('Sid', '(no Sid)')} grants "
                        f"{principal} of {found} (another environment)",
                        r.urn,
                    )


def _protection(args, config):
    if not config["production"]:
        return
    for r in STATEFUL.select(args):
        if not r.opts.protect:
            yield f"{r.name}: production {r.resource_type} is not protected", r.urn
        # CrossGuard does not expose retainOnDelete; the offline runner adds it to opts.
        if getattr(r.opts, "retain_on_delete", None) is False:
            yield f"{r.name}: production {r.resource_type} is not retained on delete", r.urn


POLICIES = [
    resource_rule(
        "governance-required-tags",
        selector=TAGGABLE,
        severity=Severity.MEDIUM,
        description="Taggable resources carry the required tags (team, environment, owner, "
        "cost-center, data-classification, managed-by) after the provider's defaultTags.",
        remediation="Set the tags in the AWS provider's defaultTags (the platform does) or on "
        "the resource.",
        check=_required_tags,
        defaults={"requiredTags": REQUIRED_TAGS},
    ),
    resource_rule(
        "governance-data-classification",
        selector=TAGGABLE,
        severity=Severity.MEDIUM,
        description="data-classification tags use the allowed values only.",
        remediation="Use one of public, internal, confidential, restricted.",
        check=_classification,
        defaults={"allowedClassifications": CLASSIFICATIONS},
    ),
    stack_rule(
        "governance-restricted-data-readers",
        severity=Severity.HIGH,
        description="Buckets classified restricted are readable (s3:GetObject) only by the "
        "roles the pack config allows (restrictedReaderRoles, glob patterns on role names).",
        remediation="Remove the read grant, or classify the bucket lower, or add the persona to "
        "restrictedReaderRoles after a data-governance review.",
        check=_restricted_readers,
        defaults={"restrictedReaderRoles": []},
    ),
    stack_rule(
        "governance-cross-environment-isolation",
        severity=Severity.CRITICAL,
        description="No policy grants a principal of another environment (its account ids or "
        "environment names in principal ARNs and principal conditions).",
        remediation="Share data between environments by promotion pipelines, never by grants "
        "to the other environment's principals.",
        check=_isolation,
        defaults={"otherEnvironmentAccountIds": [], "otherEnvironmentNames": []},
    ),
    stack_rule(
        "governance-production-protection",
        severity=Severity.HIGH,
        description="In production, stateful resources (buckets, KMS keys, ECR repositories, "
        "databases, file systems) are protected and retained on delete.",
        remediation="Create them with ResourceOptions(protect=True, retain_on_delete=True).",
        check=_protection,
        defaults={"production": False},
    ),
]
