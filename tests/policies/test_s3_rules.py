"""Edge cases of the S3 and destination rules the corpus does not cover: near misses that must
pass, values still unknown at preview, and the fallback when the pack runs without config."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from mlopsctl.plan.model import Plan
from mlopsctl.policy_runner import derived_pack_config, run_policies
from policies.rules import s3, s3_destinations
from policies.rules.s3 import covers_objects, tls_statement_gaps
from tests.conftest import plan_served
from tests.policies.corpus.cases import BUCKET, BUCKET_POLICY, ENDPOINT_CONFIG, put
from tests.policies.helpers import account, add, change, edit_document, resource

LOGGING = "aws:s3/bucketLogging:BucketLogging"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ACL = "aws:s3/bucketAcl:BucketAcl"
POLICIES = {p.name: p for p in [*s3.POLICIES, *s3_destinations.POLICIES]}
ARN = "arn:aws:s3:::mlops-fraud-dev-raw-210987654321"
TLS = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [ARN, f"{ARN}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def messages(plan: Plan, policy: str, *, configured: bool = True) -> list[str]:
    """The policy's messages on the plan, with the stack's derived pack config or none."""
    config = derived_pack_config(plan) if configured else {}
    return [v.message for v in run_policies(plan, config, [POLICIES[policy]])]


@pytest.fixture
def fraud_dev(plan) -> Plan:
    return copy.deepcopy(plan("fraud-dev"))


def _raw_tls(plan: Plan, *statements: dict[str, Any]) -> Plan:
    return change(
        plan,
        BUCKET_POLICY,
        "raw-bucket-policy",
        edit_document("policy", lambda d: d.update(Statement=list(statements))),
    )


# --- s3-tls-only -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "variant",
    [
        {"Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}},
        {"Condition": {"Bool": {"aws:securetransport": False}}},
        {"Principal": {"AWS": "*"}, "Action": ["*"]},
        {"Resource": f"{ARN}*"},
        {"Resource": "*"},
    ],
    ids=["bool-if-exists", "lowercase-key-json-false", "aws-star-action-star", "arn-star", "star"],
)
def test_equivalent_tls_statements_pass(fraud_dev: Plan, variant: dict) -> None:
    _raw_tls(fraud_dev, {**TLS, **variant})
    assert messages(fraud_dev, "s3-tls-only") == []


def test_tls_deny_split_over_two_statements_passes(fraud_dev: Plan) -> None:
    _raw_tls(fraud_dev, {**TLS, "Resource": ARN}, {**TLS, "Sid": "Objects", "Resource": f"{ARN}/*"})
    assert messages(fraud_dev, "s3-tls-only") == []


def test_tls_true_value_is_not_a_deny_of_plain_http(fraud_dev: Plan) -> None:
    _raw_tls(fraud_dev, {**TLS, "Condition": {"Bool": {"aws:SecureTransport": "true"}}})
    assert any(
        "not Bool aws:SecureTransport 'false'" in m for m in messages(fraud_dev, "s3-tls-only")
    )


def test_tls_unknown_policy_is_not_judged(fraud_dev: Plan) -> None:
    """A real preview of a new bucket: the policy (an apply on the bucket ARN) is unknown."""
    change(fraud_dev, BUCKET_POLICY, "raw-bucket-policy", put("policy", None))
    assert messages(fraud_dev, "s3-tls-only") == []


def test_tls_gaps_name_not_resource_and_not_principal() -> None:
    gaps = tls_statement_gaps({**TLS, "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}})
    assert any("NotPrincipal" in g for g in gaps)


@pytest.mark.parametrize(
    ("pattern", "covers"),
    [
        (f"{ARN}/*", True),
        (f"{ARN}*", True),
        ("arn:aws:s3:::*", True),
        ("*", True),
        (f"{ARN}/raw/*", False),
        (f"{ARN}/p*", False),
        (ARN, False),
    ],
)
def test_object_coverage(pattern: str, covers: bool) -> None:
    assert covers_objects(pattern, ARN) is covers


# --- s3-access-logs-owned-target ----------------------------------------------------------
def test_log_target_fallback_without_pack_config(fraud_dev: Plan) -> None:
    """No pack config: the provider's allowedAccountIds (a JSON string) stands in."""
    assert messages(fraud_dev, "s3-access-logs-owned-target", configured=False) == []
    change(fraud_dev, LOGGING, "dvc-bucket-logging", put("targetBucket", "team-scratch-logs"))
    assert messages(fraud_dev, "s3-access-logs-owned-target", configured=False)


def test_log_target_unknown_is_skipped(fraud_dev: Plan) -> None:
    change(fraud_dev, LOGGING, "dvc-bucket-logging", put("targetBucket", None))
    assert messages(fraud_dev, "s3-access-logs-owned-target") == []


def test_inline_bucket_logging_to_foreign_bucket(fraud_dev: Plan) -> None:
    change(fraud_dev, BUCKET, "raw-bucket", put("logging", {"targetBucket": "attacker-logs"}))
    found = messages(fraud_dev, "s3-access-logs-owned-target")
    assert found and "logging.targetBucket 'attacker-logs'" in found[0]


# --- sagemaker-outputs-owned-bucket -----------------------------------------------------------
def test_capture_to_another_team_bucket_of_the_account_passes() -> None:
    """Owned means the platform's buckets (patterns), not this team's: a near miss, judged by
    IAM and by the bucket's policy, not here."""
    planned = plan_served("fraud-prod")
    uri = f"s3://mlops-churn-prod-capture-{account(planned)}/x"
    change(planned, ENDPOINT_CONFIG, None, put("dataCaptureConfig.destinationS3Uri", uri))
    assert messages(planned, "sagemaker-outputs-owned-bucket") == []
    change(planned, ENDPOINT_CONFIG, None, put("dataCaptureConfig.destinationS3Uri", "s3://x/y"))
    assert messages(planned, "sagemaker-outputs-owned-bucket", configured=False)


# --- s3-lifecycle-keeps-current-versions ------------------------------------------------------
def _lifecycle(plan: Plan, name: str, rule: dict[str, Any]) -> Plan:
    return change(plan, LIFECYCLE, name, lambda props: props["rules"].append(rule))


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "markers", "status": "Enabled", "expiration": {"expiredObjectDeleteMarker": True}},
        {"id": "off", "status": "Disabled", "expiration": {"days": 30.0}},
        {"id": "zero", "status": "Enabled", "expiration": {"days": 0.0}},
    ],
    ids=["delete-markers-only", "disabled", "zero-days"],
)
def test_lifecycle_near_misses_pass(fraud_dev: Plan, rule: dict) -> None:
    _lifecycle(fraud_dev, "raw-bucket-lifecycle", rule)
    assert messages(fraud_dev, "s3-lifecycle-keeps-current-versions") == []


def test_log_buckets_may_expire_but_a_purpose_outside_the_list_may_not(plan) -> None:
    dev = copy.deepcopy(plan("dev"))  # access-logs and audit expire after their retention
    assert messages(dev, "s3-lifecycle-keeps-current-versions") == []
    found = [
        v.message
        for v in run_policies(
            dev,
            {"s3-lifecycle-keeps-current-versions": {"logPurposes": ["access-logs"]}},
            [POLICIES["s3-lifecycle-keeps-current-versions"]],
        )
    ]
    assert len(found) == 1 and "(audit)" in found[0]


def test_inline_v6_lifecycle_rule_expiring_current_versions(fraud_dev: Plan) -> None:
    rules = [{"enabled": True, "id": "old", "expiration": {"days": 14}}]
    change(fraud_dev, BUCKET, "curated-bucket", put("lifecycleRules", rules))
    assert messages(fraud_dev, "s3-lifecycle-keeps-current-versions")


# --- s3-no-public-acl -------------------------------------------------------------------------
def _with_acl(plan: Plan, **inputs: Any) -> Plan:
    bucket = resource(plan, BUCKET, "raw-bucket")
    add(plan, ACL, "raw-acl", {"bucket": bucket.inputs["bucket"], **inputs})
    return plan


@pytest.mark.parametrize(("acl", "caught"), [("private", False), ("log-delivery-write", False)])
def test_private_canned_acls_pass(fraud_dev: Plan, acl: str, caught: bool) -> None:
    assert bool(messages(_with_acl(fraud_dev, acl=acl), "s3-no-public-acl")) is caught


def test_inline_bucket_acl_and_email_grant(fraud_dev: Plan) -> None:
    change(fraud_dev, BUCKET, "dvc-bucket", put("acl", "public-read-write"))
    grants = [
        {"type": "AmazonCustomerByEmail", "emailAddress": "x@example.org", "permissions": ["READ"]}
    ]
    change(fraud_dev, BUCKET, "raw-bucket", put("grants", grants))
    found = messages(fraud_dev, "s3-no-public-acl")
    assert len(found) == 2 and any("x@example.org" in m for m in found)


# --- s3-bucket-policy-no-admin-grants --------------------------------------------------------
def _grant(plan: Plan, **statement: Any) -> Plan:
    extra = {"Sid": "Extra", "Effect": "Allow", "Resource": [ARN, f"{ARN}/*"], **statement}
    return _raw_tls(plan, TLS, extra)


AdminCase = Callable[[Plan], dict[str, Any]]


@pytest.mark.parametrize(
    ("statement", "caught"),
    [
        (
            lambda p: {"Principal": {"AWS": f"arn:aws:iam::{account(p)}:root"}, "Action": "s3:*"},
            False,
        ),
        (
            lambda p: {
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
            },
            False,
        ),
        (
            lambda p: {"Principal": {"AWS": "arn:aws:iam::1:role/x"}, "NotAction": "s3:GetObject"},
            True,
        ),
        (lambda p: {"Principal": {"AWS": "arn:aws:iam::1:role/x"}, "Action": "s3:Put*"}, True),
        (
            lambda p: {
                "NotPrincipal": {"AWS": "arn:aws:iam::1:role/x"},
                "Action": "s3:DeleteBucket",
            },
            True,
        ),
    ],
    ids=["own-account-root", "service-put-object", "not-action", "put-star", "not-principal"],
)
def test_admin_grants(fraud_dev: Plan, statement: AdminCase, caught: bool) -> None:
    found = messages(_grant(fraud_dev, **statement(fraud_dev)), "s3-bucket-policy-no-admin-grants")
    assert bool(found) is caught


def test_admin_principals_allowlist(fraud_dev: Plan) -> None:
    role = "arn:aws:iam::210987654321:role/bucket-admin"
    _grant(fraud_dev, Principal={"AWS": role}, Action="s3:PutBucketPolicy")
    policy = POLICIES["s3-bucket-policy-no-admin-grants"]
    allowed = {"s3-bucket-policy-no-admin-grants": {"bucketAdminPrincipals": [role]}}
    assert run_policies(fraud_dev, allowed, [policy]) == []
    assert run_policies(fraud_dev, {}, [policy])
