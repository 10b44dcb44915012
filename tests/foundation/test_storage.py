"""SecureBucket: every companion resource a governed data bucket needs, on every bucket."""

from __future__ import annotations

import pytest

from tests.conftest import SHIPPED_STACKS, TEAM_STACKS, policy_document

COMPANIONS = {
    "versioning": "aws:s3/bucketVersioning:BucketVersioning",
    "encryption": "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "public-access": "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "ownership": "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "policy": "aws:s3/bucketPolicy:BucketPolicy",
    "lifecycle": "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
}


def companions(plan, bucket):
    """Companion resources of a planned bucket, joined by the `bucket` input as AWS joins them."""
    name = bucket.outputs["bucket"]
    return {
        kind: [r for r in plan.of_type(type_token) if r.inputs.get("bucket") == name]
        for kind, type_token in COMPANIONS.items()
    }


def buckets(plan):
    return plan.of_type("aws:s3/bucket:Bucket")


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_bucket_has_every_companion_once(plan, stack):
    result = plan(stack)
    assert buckets(result)
    for bucket in buckets(result):
        for kind, found in companions(result, bucket).items():
            assert len(found) == 1, f"{bucket.name}: {kind} x{len(found)}"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_versioning_public_access_ownership(plan, stack):
    result = plan(stack)
    for bucket in buckets(result):
        parts = companions(result, bucket)
        assert parts["versioning"][0].inputs["versioningConfiguration"]["status"] == "Enabled"
        block = parts["public-access"][0].inputs
        for flag in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        ):
            assert block[flag] is True, f"{bucket.name}: {flag}"
        assert parts["ownership"][0].inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"
        assert bucket.inputs.get("forceDestroy") is False


@pytest.mark.parametrize("stack", TEAM_STACKS)
def test_team_buckets_use_sse_kms_with_the_team_key_and_bucket_key(plan, stack):
    result = plan(stack)
    team_key = result.exports["teamKmsKeyArn"]
    for bucket in buckets(result):
        rule = companions(result, bucket)["encryption"][0].inputs["rules"][0]
        default = rule["applyServerSideEncryptionByDefault"]
        assert default["sseAlgorithm"] == "aws:kms"
        assert default["kmsMasterKeyId"] == team_key
        assert rule["bucketKeyEnabled"] is True


def test_only_the_access_log_bucket_uses_sse_s3(plan):
    result = plan("dev")
    algorithms = {
        b.outputs["bucket"]: companions(result, b)["encryption"][0].inputs["rules"][0][
            "applyServerSideEncryptionByDefault"
        ]["sseAlgorithm"]
        for b in buckets(result)
    }
    assert algorithms == {
        result.exports["accessLogBucket"]: "AES256",
        result.exports["auditBucket"]: "aws:kms",
    }


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_bucket_policy_denies_plain_http(plan, stack):
    result = plan(stack)
    for bucket in buckets(result):
        document = policy_document(companions(result, bucket)["policy"][0].inputs["policy"])
        arn = bucket.outputs["arn"]
        deny = [
            s
            for s in document["Statement"]
            if s["Effect"] == "Deny"
            and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        ]
        assert deny, f"{bucket.name}: no TLS-only statement"
        assert set(deny[0]["Resource"]) == {arn, f"{arn}/*"}
        assert deny[0]["Action"] == "s3:*"
        for statement in document["Statement"]:
            if statement["Effect"] == "Allow":
                assert statement["Principal"] != "*"


def test_lifecycle_rules_come_from_config(plan_with):
    result = plan_with(
        "fraud-dev",
        {
            "mlops:team": {
                "lifecycle": {
                    "noncurrentVersionExpirationDays": 45,
                    "abortIncompleteMultipartUploadDays": 3,
                    "transitionToInfrequentAccessDays": 60,
                }
            }
        },
    )
    for lifecycle in result.of_type(COMPANIONS["lifecycle"]):
        rules = {r["id"]: r for r in lifecycle.inputs["rules"]}
        assert (
            rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"]["noncurrentDays"]
            == 45
        )
        assert (
            rules["abort-incomplete-multipart-uploads"]["abortIncompleteMultipartUpload"][
                "daysAfterInitiation"
            ]
            == 3
        )
        assert rules["transition-to-standard-ia"]["transitions"][0] == {
            "days": 60,
            "storageClass": "STANDARD_IA",
        }
        assert all(r["status"] == "Enabled" for r in rules.values())


def test_access_logs_go_to_the_environment_log_bucket_under_the_bucket_name(plan):
    result = plan("fraud-dev")
    env = plan("dev")
    for bucket in buckets(result):
        logging = [
            r
            for r in result.of_type("aws:s3/bucketLogging:BucketLogging")
            if r.inputs["bucket"] == bucket.outputs["bucket"]
        ]
        assert len(logging) == 1
        assert logging[0].inputs["targetBucket"] == env.exports["accessLogBucket"]
        assert logging[0].inputs["targetPrefix"] == f"{bucket.outputs['bucket']}/"


def test_access_log_bucket_accepts_s3_log_delivery_from_this_account_only(plan):
    result = plan("dev")
    log_bucket = result.exports["accessLogBucket"]
    policy = next(
        r for r in result.of_type(COMPANIONS["policy"]) if r.inputs["bucket"] == log_bucket
    )
    statements = policy_document(policy.inputs["policy"])["Statement"]
    delivery = next(s for s in statements if s["Sid"] == "S3ServerAccessLogsDelivery")
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert delivery["Condition"]["StringEquals"]["aws:SourceAccount"] == result.exports["accountId"]
