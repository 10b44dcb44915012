"""S3 buckets and their companion resources.

Checkov equivalents: CKV_AWS_18/19/21/53-56/70/145/379, CKV2_AWS_6/61.

- **Joins.** In pulumi-aws v7 versioning, encryption, public-access block, ownership, logging,
  lifecycle and policy are separate resources, so most rules are stack policies that join each
  bucket to its companions. A companion belongs to a bucket when its `bucket` property depends
  on the bucket (property dependencies: this works in a real preview, where a new bucket's name
  is still unknown), or its `bucket` value equals the bucket's name, or it shares the bucket's
  parent component and that component holds one bucket only. The deprecated v6 companion types
  (`aws:s3/bucketVersioningV2:BucketVersioningV2` and the like) count as their v7 types.
- **Access-log bucket.** The bucket tagged `purpose=access-logs` is the only one allowed SSE-S3
  (S3 cannot deliver server access logs to an SSE-KMS bucket) and the only one without logging.
- **TLS only.** A statement counts when it is a Deny of `s3:*` (or `*`) to Principal `*`, with
  `Bool` (or `BoolIfExists`) `aws:SecureTransport` `false` and no other condition, no
  `NotAction`/`NotPrincipal`/`NotResource`; such statements must cover both the bucket ARN and
  `<arn>/*` (AWS Knowledge Center "s3-bucket-policy-for-config-rule" and the AWS Config rule
  s3-bucket-ssl-requests-only, read 2026-12). An Allow conditioned on `true`, a narrowed action
  list, one principal, or the bucket ARN alone leaves plain-HTTP requests allowed elsewhere.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, Severity, StackValidationArgs

from policies.documents import (
    actions,
    document,
    principals,
    statements,
    wildcard_principal_sids,
)
from policies.documents import resources as resources_of
from policies.factory import resource_rule, stack_rule
from policies.props import as_list, merged_tags
from policies.resource_types import (
    S3_BUCKET,
    S3_BUCKET_POLICY,
    S3_ENCRYPTION,
    S3_LIFECYCLE,
    S3_LOGGING,
    S3_OWNERSHIP_CONTROLS,
    S3_PUBLIC_ACCESS_BLOCK,
    S3_VERSIONING,
    ResourceType,
)

ACCESS_LOG_PURPOSE = "access-logs"
PUBLIC_ACCESS_FLAGS = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)
SECURE_TRANSPORT = "aws:securetransport"
# BoolIfExists "false" denies when the key is absent too: stricter, still TLS-only.
TLS_OPERATORS = ("Bool", "BoolIfExists")


def bucket_name(bucket: PolicyResource) -> str:
    return str(bucket.props.get("bucket") or bucket.props.get("id") or "")


def is_access_log_bucket(bucket: PolicyResource) -> bool:
    """The environment's server-access-log target, tagged `purpose=access-logs`."""
    return merged_tags(bucket.props, bucket.provider).get("purpose") == ACCESS_LOG_PURPOSE


def companions(
    resources: list[PolicyResource], bucket: PolicyResource, companion: ResourceType
) -> list[PolicyResource]:
    """The companion resources of type `companion` (or its v6 alias) that configure `bucket`."""
    name = bucket_name(bucket)
    parent = _urn(bucket.parent)
    buckets_under_parent = [
        r for r in S3_BUCKET.select(resources) if parent and _urn(r.parent) == parent
    ]
    found = []
    for r in companion.select(resources):
        depends = any(_urn(d) == bucket.urn for d in r.property_dependencies.get("bucket", []))
        same_name = bool(name) and r.props.get("bucket") == name
        same_parent = (
            len(buckets_under_parent) == 1
            and _urn(r.parent) == parent
            and r.props.get("bucket") in (None, "", name)
        )
        if depends or same_name or same_parent:
            found.append(r)
    return found


def _urn(resource: PolicyResource | None) -> str:
    return resource.urn if resource is not None else ""


def _per_bucket(check):
    """A stack check over each bucket: `check(resources, bucket, config)` yields messages."""

    def run(args: StackValidationArgs, config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        resources = list(args.resources)
        for bucket in S3_BUCKET.select(resources):
            for message in check(resources, bucket, config):
                yield f"bucket {bucket_name(bucket) or bucket.name}: {message}", bucket.urn

    return run


@_per_bucket
def _encryption(resources, bucket, config):
    configs = companions(resources, bucket, S3_ENCRYPTION)
    if not configs:
        yield "no server-side encryption configuration"
        return
    for rule in [rule for c in configs for rule in c.props.get("rules") or []]:
        default = rule.get("applyServerSideEncryptionByDefault") or {}
        algorithm = default.get("sseAlgorithm")
        if algorithm == "AES256" and is_access_log_bucket(bucket):
            continue  # S3 delivers server access logs to SSE-S3 targets only
        if algorithm not in ("aws:kms", "aws:kms:dsse"):
            yield f"sseAlgorithm is {algorithm!r}; SSE-KMS with a customer-managed key is required"
        elif not default.get("kmsMasterKeyId") or "alias/aws/" in str(
            default.get("kmsMasterKeyId")
        ):
            yield "SSE-KMS without a customer-managed key (kmsMasterKeyId missing or AWS-managed)"
        elif rule.get("bucketKeyEnabled") is not True:
            yield "bucketKeyEnabled is not true (S3 Bucket Keys cut KMS request costs)"


@_per_bucket
def _versioning(resources, bucket, config):
    if is_access_log_bucket(bucket) and not config["versionAccessLogs"]:
        return
    states = [
        (c.props.get("versioningConfiguration") or {}).get("status")
        for c in companions(resources, bucket, S3_VERSIONING)
    ]
    if "Enabled" not in states:
        yield f"versioning is not Enabled (found {states or 'no versioning resource'})"


@_per_bucket
def _public_access(resources, bucket, config):
    blocks = companions(resources, bucket, S3_PUBLIC_ACCESS_BLOCK)
    if not blocks:
        yield "no public access block"
        return
    for block in blocks:
        off = [flag for flag in PUBLIC_ACCESS_FLAGS if block.props.get(flag) is not True]
        if off:
            yield f"public access block flags not true: {', '.join(off)}"


def _secure_transport_tests(condition: Any) -> dict[str, list[str]]:
    """{operator: [values]} of each aws:SecureTransport test in a Condition block (condition
    keys are case-insensitive; a value may be a string, a JSON boolean or a list)."""
    found: dict[str, list[str]] = {}
    for operator, tests in condition.items() if isinstance(condition, Mapping) else ():
        for key, value in tests.items() if isinstance(tests, Mapping) else ():
            if str(key).lower() == SECURE_TRANSPORT:
                found[str(operator)] = [str(v).lower() for v in as_list(value)]
    return found


def tls_statement_gaps(statement: Mapping[str, Any]) -> list[str]:
    """Why a statement is not a TLS-only deny: empty when it denies every S3 action to
    every principal whenever aws:SecureTransport is false, with no other condition."""
    gaps = [
        f"uses {key}" for key in ("NotAction", "NotPrincipal", "NotResource") if key in statement
    ]
    if statement.get("Effect") != "Deny":
        gaps.append(f"Effect is {statement.get('Effect')!r}, not 'Deny'")
    if "*" not in principals(statement):
        gaps.append(f"Principal is {statement.get('Principal')!r}, not '*'")
    if not any(a.lower() in ("*", "s3:*") for a in actions(statement)):
        gaps.append(f"Action is {statement.get('Action')!r}, not 's3:*'")
    condition = statement.get("Condition")
    tests = _secure_transport_tests(condition)
    if not any(op in TLS_OPERATORS and "false" in values for op, values in tests.items()):
        gaps.append(f"Condition {tests or condition!r} is not Bool aws:SecureTransport 'false'")
    others = [
        f"{operator} {key}"
        for operator, block in (condition.items() if isinstance(condition, Mapping) else ())
        for key in (block if isinstance(block, Mapping) else {})
        if str(key).lower() != SECURE_TRANSPORT
    ]
    if others:
        gaps.append(f"extra conditions {others} narrow the deny")
    return gaps


def covers_objects(pattern: str, bucket_arn: str) -> bool:
    """Does a Resource pattern match every object ARN `<bucket_arn>/<any key>`? Only when it
    ends in `*` and the rest matches the start of `<bucket_arn>/` (`b/*`, `b*`, `*`), not a
    prefix of keys (`b/raw/*`)."""
    if not pattern.endswith("*"):
        return False
    stem, prefix = pattern.rstrip("*"), f"{bucket_arn}/"
    return any(fnmatch.fnmatchcase(prefix[:i], stem) for i in range(len(prefix) + 1))


def _bucket_arn(bucket: PolicyResource) -> str:
    arn = bucket.props.get("arn")
    if isinstance(arn, str) and arn.startswith("arn:"):
        return arn
    return f"arn:aws:s3:::{bucket_name(bucket)}" if bucket_name(bucket) else ""


def _uncovered(patterns: list[str], arn: str) -> list[str]:
    """The bucket ARN and/or `<arn>/*` when no Resource pattern covers them."""
    if not arn:
        return []  # the bucket's name is still unknown: judge the rest
    found = []
    if not any(fnmatch.fnmatchcase(arn, p) for p in patterns):
        found.append(arn)
    if not any(covers_objects(p, arn) for p in patterns):
        found.append(f"{arn}/*")
    return found


@_per_bucket
def _tls_only(resources, bucket, config):
    values = [p.props.get("policy") for p in companions(resources, bucket, S3_BUCKET_POLICY)]
    docs = [document(v) for v in values]
    if values and any(d is None for d in docs):
        return  # a policy still unknown (a real preview of a new bucket): judged at update
    candidates = [
        s for d in docs for s in statements(d) if _secure_transport_tests(s.get("Condition"))
    ]
    tls = [s for s in candidates if not tls_statement_gaps(s)]
    missing = _uncovered([r for s in tls for r in resources_of(s)], _bucket_arn(bucket))
    if tls and not missing:
        return
    if tls:
        yield f"the TLS-only deny's Resource misses {', '.join(missing)}"
    for statement in [s for s in candidates if s not in tls]:
        gaps = "; ".join(tls_statement_gaps(statement))
        yield f"policy statement {statement.get('Sid', '(no Sid)')} is not a TLS-only deny: {gaps}"
    if not candidates:
        yield "no bucket policy statement denying requests without aws:SecureTransport"


@_per_bucket
def _ownership(resources, bucket, config):
    modes = [
        (c.props.get("rule") or {}).get("objectOwnership")
        for c in companions(resources, bucket, S3_OWNERSHIP_CONTROLS)
    ]
    if "BucketOwnerEnforced" not in modes:
        yield f"object ownership is not BucketOwnerEnforced (found {modes or 'none'}): ACLs stay on"


@_per_bucket
def _access_logging(resources, bucket, config):
    if is_access_log_bucket(bucket):
        return  # the log target does not log into itself
    if not any(c.props.get("targetBucket") for c in companions(resources, bucket, S3_LOGGING)):
        yield "no server access logging to the environment's access-log bucket"


@_per_bucket
def _lifecycle(resources, bucket, config):
    rules = [
        rule
        for c in companions(resources, bucket, S3_LIFECYCLE)
        for rule in c.props.get("rules") or []
        if rule.get("status") == "Enabled"
    ]
    if not any(r.get("noncurrentVersionExpiration") for r in rules):
        yield "no enabled lifecycle rule expiring noncurrent versions"
    if not any(r.get("abortIncompleteMultipartUpload") for r in rules):
        yield "no enabled lifecycle rule aborting incomplete multipart uploads"


def _no_wildcard_principal(args, config):
    for sid in wildcard_principal_sids(args.props.get("policy")):
        yield f"statement {sid} allows principal '*' (public or cross-account access)"


POLICIES = [
    stack_rule(
        "s3-sse-kms-customer-key",
        severity=Severity.HIGH,
        description="Buckets use SSE-KMS with a customer-managed key and S3 Bucket Keys "
        "(only the access-log bucket, tagged purpose=access-logs, may use SSE-S3).",
        remediation="Add a BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms, "
        "kmsMasterKeyId set to the team key ARN and bucketKeyEnabled true.",
        check=_encryption,
    ),
    stack_rule(
        "s3-versioning-enabled",
        severity=Severity.HIGH,
        description="Data, DVC and artifact buckets keep object versions (BucketVersioning "
        "status Enabled), so an overwrite or delete can be undone.",
        remediation="Add a BucketVersioning with versioningConfiguration.status Enabled.",
        check=_versioning,
        defaults={"versionAccessLogs": True},
    ),
    stack_rule(
        "s3-public-access-blocked",
        severity=Severity.CRITICAL,
        description="Every bucket has a public access block with all four flags true.",
        remediation="Add a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, "
        "ignorePublicAcls and restrictPublicBuckets all true.",
        check=_public_access,
    ),
    stack_rule(
        "s3-tls-only",
        severity=Severity.HIGH,
        description="Every bucket policy denies requests made without TLS.",
        remediation="Add a Deny statement for s3:* on the bucket and its objects with condition "
        "Bool aws:SecureTransport false.",
        check=_tls_only,
    ),
    resource_rule(
        "s3-no-wildcard-principal",
        selector=S3_BUCKET_POLICY,
        severity=Severity.CRITICAL,
        description="Bucket policies never Allow the '*' principal.",
        remediation="Name the principals (role ARNs of this account, or service principals "
        "with aws:SourceAccount) instead of '*'.",
        check=_no_wildcard_principal,
    ),
    stack_rule(
        "s3-ownership-enforced",
        severity=Severity.MEDIUM,
        description="Every bucket enforces bucket-owner object ownership (ACLs disabled).",
        remediation="Add BucketOwnershipControls with rule.objectOwnership BucketOwnerEnforced.",
        check=_ownership,
    ),
    stack_rule(
        "s3-access-logging",
        severity=Severity.MEDIUM,
        description="Every bucket except the access-log bucket logs server access.",
        remediation="Add a BucketLogging with targetBucket the environment's access-log bucket.",
        check=_access_logging,
    ),
    stack_rule(
        "s3-lifecycle-rules",
        severity=Severity.LOW,
        description="Every bucket expires noncurrent versions and aborts incomplete multipart "
        "uploads, so versioning does not grow cost forever.",
        remediation="Add a BucketLifecycleConfiguration with enabled noncurrentVersionExpiration "
        "and abortIncompleteMultipartUpload rules.",
        check=_lifecycle,
    ),
]
