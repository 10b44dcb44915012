"""Where bucket data goes, and what can delete or expose it: log and capture destinations,
lifecycle expiration of current versions, public ACLs, bucket-management grants.

Checkov has no equivalent for the destinations; CKV_AWS_20 (public-read ACL) and CKV_AWS_70
(bucket policy write/admin actions) are the nearest for the ACL and grant rules.

- **Owned buckets.** A destination is the platform's when its bucket matches the pack config's
  `ownedBucketPatterns` (`mlopsctl` fills them from the stack); without that config, when it is
  `<namePrefix>-*-<account>` for the account of the resource's provider (`allowedAccountIds`).
  With neither, the rule cannot tell and stays silent.
- **Access logs.** S3 delivers server access logs to "any bucket that you own" (S3 API
  reference, `LoggingEnabled.TargetBucket`, read 2026-12): a hand-made bucket of the account is
  outside the platform's encryption, retention and access controls, and the logs say who read
  which object. Logging a bucket into itself makes each delivery a logged request.
- **SageMaker outputs.** An endpoint config's `dataCaptureConfig.destinationS3Uri` (requests
  and predictions), async inference `outputConfig.s3OutputPath`/`s3FailurePath` (predictions)
  and a data-quality job's `monitoringOutputs.s3Output.s3Uri` (statistics of the traffic) are
  written by SageMaker with the platform's role: to any bucket that role or the bucket's own
  policy lets it write, in any account (SageMaker developer guide "Capture data from real-time
  endpoint" and "Asynchronous inference", read 2026-12). MLflow artifact stores are judged by
  `sagemaker-mlflow-team-artifact-bucket` (tracking.py, stricter: a bucket of the stack).
- **Current versions.** On a data bucket, an enabled lifecycle `expiration` (days or date, even
  under a prefix filter) deletes data: on a versioning-enabled bucket it adds a delete marker,
  making the current version noncurrent, and `noncurrentVersionExpiration` then removes it for
  good; on an unversioned bucket it removes the object at once (S3 user guide "Expiring
  objects" and "Lifecycle configuration elements", read 2026-12). `expiredObjectDeleteMarker`
  only removes delete markers with no versions left, and stays allowed. Log buckets (purposes
  in `logPurposes`, default access-logs and audit) expire logs after their retention on purpose.
- **ACLs.** Canned `public-read`, `public-read-write` and `authenticated-read`, and grants to
  the AllUsers or AuthenticatedUsers groups, open a bucket to everyone or to every AWS account
  (S3 user guide "Access control list (ACL) overview", read 2026-12); an e-mail grantee is
  another account. BucketOwnerEnforced makes S3 refuse such ACLs, but the resource states the
  intent, and ownership controls can be changed back.
- **Bucket management.** Bucket policies in this program grant data access to services only;
  managing a bucket (its policy, ACL, lifecycle, versioning, encryption, logging, public access
  block, deletion) belongs to the deploying identity's IAM policy. A bucket policy granting it
  lets that principal undo every other rule here, unless the principal is in
  `bucketAdminPrincipals` or is the stack account itself (`arn:aws:iam::<account>:root`
  delegates to that account's IAM policies: IAM user guide "AWS account principals", read
  2026-12).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity, StackValidationArgs

from policies.documents import action_matches, actions, allows, document, principals, statements
from policies.factory import resource_rule, stack_rule
from policies.platform_facts import bucket_of, facts, is_owned_bucket, trusted_accounts
from policies.props import as_list, get_path, merged_tags, number
from policies.resource_types import (
    S3_ACL,
    S3_BUCKET,
    S3_BUCKET_POLICY,
    S3_LIFECYCLE,
    S3_LOGGING,
    SAGEMAKER_DATA_QUALITY_JOB_DEFINITION,
    SAGEMAKER_ENDPOINT_CONFIG,
)
from policies.rules.s3 import bucket_name, companions

# Where SageMaker writes: (type-independent) prop paths; a list on the way is walked.
SAGEMAKER_OUTPUTS = (
    ("dataCaptureConfig", "destinationS3Uri"),
    ("asyncInferenceConfig", "outputConfig", "s3OutputPath"),
    ("asyncInferenceConfig", "outputConfig", "s3FailurePath"),
    ("dataQualityJobOutputConfig", "monitoringOutputs", "s3Output", "s3Uri"),
)
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)
BUCKET_ADMIN_ACTIONS = (
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:DeleteBucket",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketAcl",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketLogging",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutReplicationConfiguration",
)


def owned(name: str, config: Mapping[str, Any], resource: Any) -> bool | None:
    """Is bucket `name` the platform's? None when neither the pack config's patterns nor an
    account (config or provider) says."""
    accounts = trusted_accounts(config, [resource])
    if not [p for p in as_list(config.get("ownedBucketPatterns")) if p] and not accounts:
        return None
    return is_owned_bucket(name, config, accounts)


def _values(props: Any, path: tuple[str, ...]) -> list[Any]:
    """Every value at `path`, walking lists (CrossGuard proxies included) on the way."""
    found = [props]
    for key in path:
        found = [
            item.get(key)
            for value in found
            for item in as_list(value)
            if isinstance(item, Mapping) and item.get(key) is not None
        ]
    return found


def _log_targets(args, config):
    prop = "logging.targetBucket" if S3_BUCKET.matches(args) else "targetBucket"
    path = ("logging", "targetBucket") if S3_BUCKET.matches(args) else ("targetBucket",)
    source = args.props.get("bucket")
    for target in _values(args.props, path):
        if not isinstance(target, str) or not target:
            continue  # unknown until the environment's outputs resolve
        name = bucket_of(target) or target
        if name == source:
            yield f"{prop} {target!r} is the logged bucket itself: each delivery is logged again"
        elif owned(name, config, args) is False:
            yield (
                f"{prop} {target!r} is not a bucket the platform owns: access logs (who read "
                "which object) would leave its retention and access controls"
            )


def _sagemaker_outputs(args, config):
    for path in SAGEMAKER_OUTPUTS:
        for uri in _values(args.props, path):
            if not isinstance(uri, str) or not uri.startswith("s3://"):
                continue  # unknown, or not an S3 URI (sagemaker-endpoint-data-capture judges)
            name = bucket_of(uri) or ""
            if name and owned(name, config, args) is False:
                yield (
                    f"{'.'.join(path)} {uri!r} is not a bucket the platform owns: SageMaker "
                    "would write requests, predictions or their statistics there"
                )


def _expirations(rule: Any, enabled_key: str, enabled_value: Any) -> list[str]:
    """`days N` / `date D` of each current-version expiration of an enabled rule."""
    if not isinstance(rule, Mapping) or rule.get(enabled_key) != enabled_value:
        return []
    found = []
    for expiration in as_list(rule.get("expiration")):
        if not isinstance(expiration, Mapping):
            continue
        if number(expiration.get("days")) > 0:
            found.append(f"days {int(number(expiration.get('days')))}")
        if expiration.get("date"):
            found.append(f"date {expiration.get('date')}")
    return found


def _keeps_current_versions(
    args: StackValidationArgs, config: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    resources = list(args.resources)
    log_purposes = {str(p) for p in as_list(config["logPurposes"])}
    for bucket in S3_BUCKET.select(resources):
        purpose = merged_tags(bucket.props, bucket.provider).get("purpose")
        if purpose in log_purposes:
            continue  # logs expire after their retention on purpose
        configured = [
            (c, rule, "status", "Enabled")
            for c in companions(resources, bucket, S3_LIFECYCLE)
            for rule in as_list(c.props.get("rules"))
        ] + [
            (bucket, rule, "enabled", True) for rule in as_list(bucket.props.get("lifecycleRules"))
        ]
        for owner, rule, key, value in configured:
            for expiration in _expirations(rule, key, value):
                where = get_path(rule, "filter", "prefix") or rule.get("prefix") or ""
                yield (
                    f"bucket {bucket_name(bucket) or bucket.name} ({purpose or 'no purpose'}): "
                    f"{owner.name} rule {rule.get('id') or '(no id)'} expiration {expiration}"
                    f"{f' under prefix {where!r}' if where else ''} expires current versions: "
                    "they turn noncurrent, then noncurrent-version expiration deletes them",
                    owner.urn,
                )


def _public_acl(args, config):
    acl = args.props.get("acl")
    if acl in PUBLIC_CANNED_ACLS:
        yield f"acl {acl!r} opens the bucket to everyone or to every AWS account"
    if S3_BUCKET.matches(args):
        grants, prop = as_list(args.props.get("grants")), "grants"
    else:
        grants = as_list(get_path(args.props, "accessControlPolicy", "grants"))
        prop = "accessControlPolicy.grants"
    for grant in [g for g in grants if isinstance(g, Mapping)]:
        nested = grant.get("grantee")
        grantee: Mapping[str, Any] = nested if isinstance(nested, Mapping) else grant
        permission = grant.get("permission") or grant.get("permissions")
        if grantee.get("uri") in PUBLIC_GROUPS:
            yield f"{prop}: {permission} granted to {grantee.get('uri')}"
        elif grantee.get("type") == "AmazonCustomerByEmail":
            email = grantee.get("emailAddress")
            yield f"{prop}: {permission} granted to {email!r}, another account"


def _admin_actions(statement: Mapping[str, Any]) -> list[str]:
    """The bucket-management actions an Allow statement grants (NotAction: all it leaves)."""
    if "NotAction" in statement:
        excluded = [str(a) for a in as_list(statement.get("NotAction"))]
        return [a for a in BUCKET_ADMIN_ACTIONS if not any(action_matches(x, a) for x in excluded)]
    return [
        a for a in BUCKET_ADMIN_ACTIONS if any(action_matches(p, a) for p in actions(statement))
    ]


def _admin_grants(args, config):
    admins = {str(p) for p in as_list(config["bucketAdminPrincipals"])}
    # The stack account's own root delegates to its IAM policies: no grant by itself.
    own = trusted_accounts(config, [args])
    admins |= {f"arn:aws:iam::{a}:root" for a in own} | set(own)
    for statement in statements(document(args.props.get("policy"))):
        granted = _admin_actions(statement) if allows(statement) else []
        if not granted:
            continue
        grantees = [p for p in principals(statement) if p not in admins]
        if "NotPrincipal" in statement:
            grantees.append(f"everyone but {statement.get('NotPrincipal')!r}")
        if grantees:
            yield (
                f"statement {statement.get('Sid', '(no Sid)')} grants {', '.join(granted)} to "
                f"{', '.join(grantees)}: bucket management belongs to the deployer's IAM policy"
            )


POLICIES = [
    resource_rule(
        "s3-access-logs-owned-target",
        selector=S3_LOGGING | S3_BUCKET,
        severity=Severity.HIGH,
        description="Server access logs go to a bucket the platform owns, never the logged "
        "bucket itself.",
        remediation="Set targetBucket to the environment's access-log bucket "
        "(the team stack reads it from the environment's accessLogBucket output).",
        check=_log_targets,
        defaults=facts("accountId", "namePrefix", "ownedBucketPatterns"),
    ),
    resource_rule(
        "sagemaker-outputs-owned-bucket",
        selector=SAGEMAKER_ENDPOINT_CONFIG | SAGEMAKER_DATA_QUALITY_JOB_DEFINITION,
        severity=Severity.HIGH,
        description="SageMaker data capture, async inference outputs and monitoring reports go "
        "to buckets the platform owns.",
        remediation="Point destinationS3Uri, s3OutputPath, s3FailurePath and monitoring s3Uri at "
        "the team's capture bucket (s3://<team capture bucket>/<prefix>).",
        check=_sagemaker_outputs,
        defaults=facts("accountId", "namePrefix", "ownedBucketPatterns"),
    ),
    stack_rule(
        "s3-lifecycle-keeps-current-versions",
        severity=Severity.HIGH,
        description="Lifecycle rules never expire current object versions of data buckets (log "
        "buckets, by purpose tag, may).",
        remediation="Remove the expiration (days/date) from the data bucket's lifecycle rules; "
        "expire noncurrent versions only (noncurrentVersionExpiration).",
        check=_keeps_current_versions,
        defaults={"logPurposes": ["access-logs", "audit"]},
    ),
    resource_rule(
        "s3-no-public-acl",
        selector=S3_ACL | S3_BUCKET,
        severity=Severity.CRITICAL,
        description="No bucket ACL opens a bucket to everyone, every AWS account or an e-mail "
        "grantee.",
        remediation="Remove the BucketAcl (ACLs stay disabled under BucketOwnerEnforced); grant "
        "access with IAM or bucket policies naming this account's roles.",
        check=_public_acl,
    ),
    resource_rule(
        "s3-bucket-policy-no-admin-grants",
        selector=S3_BUCKET_POLICY,
        severity=Severity.HIGH,
        description="Bucket policies never grant bucket management (policy, ACL, lifecycle, "
        "versioning, encryption, logging, deletion) to a principal outside "
        "bucketAdminPrincipals.",
        remediation="Drop the management actions from the bucket policy; the deploying role's "
        "IAM policy manages buckets.",
        check=_admin_grants,
        defaults={"bucketAdminPrincipals": [], **facts("accountId")},
    ),
]
