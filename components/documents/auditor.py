"""The environment's governance (auditor) role: read configurations, policies, logs, audit data."""

from __future__ import annotations

from typing import Any

from components.documents.iam import (
    AUDIT_READ_SAGEMAKER,
    BUCKET_CONFIG_READ,
    ECR_PUSH,
    ENDPOINT_CHANGES,
    PIPELINE_CHANGES,
    document,
    statement,
)


def auditor_policy(
    *,
    partition: str,
    account_id: str,
    region: str,
    name_prefix: str,
    environment: str,
    audit_bucket_arn: str,
    environment_key_arn: str,
) -> dict[str, Any]:
    """Environment-wide governance: read configurations, policies, logs and audit data only."""

    def arn(service: str, resource: str, regional: bool = True) -> str:
        where = region if regional else ""
        return f"arn:{partition}:{service}:{where}:{account_id}:{resource}"

    env_buckets = f"arn:{partition}:s3:::{name_prefix}-*-{environment}-*"
    return document(
        statement("ReadBucketConfiguration", BUCKET_CONFIG_READ, env_buckets),
        statement("ListAuditBucket", ["s3:ListBucket"], audit_bucket_arn),
        statement(
            "ReadAuditData", ["s3:GetObject", "s3:GetObjectVersion"], f"{audit_bucket_arn}/*"
        ),
        statement("DecryptAuditData", ["kms:Decrypt", "kms:DescribeKey"], environment_key_arn),
        statement(
            "ReadRolesAndPolicies",
            [
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
            ],
            [
                arn("iam", f"role/{name_prefix}-*", False),
                arn("iam", f"policy/{name_prefix}-*", False),
            ],
        ),
        statement(
            "ReadKeyConfiguration",
            ["kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:DescribeKey"],
            arn("kms", "key/*"),
        ),
        statement(
            "ReadLogs",
            ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogStreams"],
            [arn("logs", f"log-group:/{name_prefix}/*"), arn("logs", "log-group:/aws/sagemaker/*")],
        ),
        statement("ReadSageMaker", AUDIT_READ_SAGEMAKER, "*"),
        # Discovery and audit-trail reads support no resource-level permission (read 2026-11).
        statement(
            "DiscoverAndReadAuditTrail",
            [
                "tag:GetResources",
                "tag:GetTagKeys",
                "tag:GetTagValues",
                "logs:DescribeLogGroups",
                "cloudtrail:LookupEvents",
                "iam:ListRoles",
                "iam:ListPolicies",
                "kms:ListKeys",
                "kms:ListAliases",
            ],
            "*",
        ),
        statement(
            "DenyDataAccessAndChanges",
            [
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                *ENDPOINT_CHANGES,
                *PIPELINE_CHANGES,
                *ECR_PUSH,
            ],
            "*",
            effect="Deny",
        ),
    )
