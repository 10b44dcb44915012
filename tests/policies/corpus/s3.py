"""Insecure variants: S3 buckets and their companions."""

from __future__ import annotations

from tests.policies.corpus.cases import (
    BUCKET_POLICY,
    PAB,
    SSE,
    Case,
    add_statement,
    put,
)
from tests.policies.helpers import (
    account,
    change,
    edit_document,
    remove,
)

CASES = [
    Case(
        "public-bucket",
        "fraud-dev",
        "s3-public-access-blocked",
        lambda p: change(p, PAB, "raw-bucket-public-access", put("blockPublicPolicy", False)),
    ),
    Case(
        "dvc-remote-without-versioning",
        "fraud-dev",
        "s3-versioning-enabled",
        lambda p: remove(p, "aws:s3/bucketVersioning:BucketVersioning", "dvc-bucket-versioning"),
    ),
    Case(
        "artifacts-versioning-suspended",
        "fraud-prod",
        "s3-versioning-enabled",
        lambda p: change(
            p,
            "aws:s3/bucketVersioning:BucketVersioning",
            "artifacts-bucket-versioning",
            put("versioningConfiguration.status", "Suspended"),
        ),
    ),
    Case(
        "raw-bucket-sse-s3",
        "fraud-dev",
        "s3-sse-kms-customer-key",
        lambda p: change(
            p,
            SSE,
            "raw-bucket-encryption",
            put("rules.0.applyServerSideEncryptionByDefault", {"sseAlgorithm": "AES256"}),
        ),
    ),
    Case(
        "aws-managed-key",
        "fraud-dev",
        "s3-sse-kms-customer-key",
        lambda p: change(
            p,
            SSE,
            "curated-bucket-encryption",
            put("rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId", "alias/aws/s3"),
        ),
    ),
    Case(
        "bucket-key-off",
        "fraud-prod",
        "s3-sse-kms-customer-key",
        lambda p: change(p, SSE, "dvc-bucket-encryption", put("rules.0.bucketKeyEnabled", False)),
    ),
    Case(
        "audit-bucket-sse-s3",
        "dev",
        "s3-sse-kms-customer-key",
        lambda p: change(
            p,
            SSE,
            "audit-encryption",
            put("rules.0.applyServerSideEncryptionByDefault", {"sseAlgorithm": "AES256"}),
        ),
    ),
    Case(
        "no-tls-statement",
        "fraud-dev",
        "s3-tls-only",
        lambda p: change(
            p,
            BUCKET_POLICY,
            "curated-bucket-policy",
            edit_document("policy", lambda d: d.update(Statement=[])),
        ),
    ),
    Case(
        "public-read-bucket-policy",
        "fraud-dev",
        "s3-no-wildcard-principal",
        lambda p: change(
            p,
            BUCKET_POLICY,
            "curated-bucket-policy",
            add_statement(
                {
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::mlops-fraud-dev-curated-{account(p)}/*",
                }
            ),
        ),
    ),
    Case(
        "acls-enabled",
        "fraud-dev",
        "s3-ownership-enforced",
        lambda p: change(
            p,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "raw-bucket-ownership",
            put("rule.objectOwnership", "ObjectWriter"),
        ),
    ),
    Case(
        "no-access-logging",
        "fraud-dev",
        "s3-access-logging",
        lambda p: remove(p, "aws:s3/bucketLogging:BucketLogging", "capture-bucket-logging"),
    ),
    Case(
        "no-lifecycle",
        "fraud-prod",
        "s3-lifecycle-rules",
        lambda p: remove(
            p,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "raw-bucket-lifecycle",
        ),
    ),
]
