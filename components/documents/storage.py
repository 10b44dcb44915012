"""Bucket policies."""

from __future__ import annotations

from typing import Any


def tls_only_statement(bucket_arn: str) -> dict[str, Any]:
    """Deny every request over plain HTTP (a Deny with `*` principal is the only `*` allowed)."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy(
    bucket_arn: str, extra_statements: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [tls_only_statement(bucket_arn), *(extra_statements or [])],
    }


def access_log_delivery_statement(
    bucket_arn: str, account_id: str, partition: str = "aws"
) -> dict[str, Any]:
    """Let S3 server access logging of this account's buckets write here."""
    return {
        "Sid": "S3ServerAccessLogsDelivery",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{bucket_arn}/*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": f"arn:{partition}:s3:::*"},
        },
    }


def flow_log_delivery_statements(
    bucket_arn: str, account_id: str, region: str, prefix: str, partition: str = "aws"
) -> list[dict[str, Any]]:
    """Let VPC flow logs of this account deliver under `prefix` (AWS's documented policy)."""
    source = {
        "StringEquals": {"aws:SourceAccount": account_id},
        "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:{region}:{account_id}:*"},
    }
    return [
        {
            "Sid": "FlowLogsDeliveryWrite",
            "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/{prefix}AWSLogs/{account_id}/*",
            "Condition": source,
        },
        {
            "Sid": "FlowLogsDeliveryAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": bucket_arn,
            "Condition": source,
        },
    ]
