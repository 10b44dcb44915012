"""KMS key policies."""

from __future__ import annotations

from typing import Any


def key_policy(
    *,
    account_id: str,
    partition: str = "aws",
    region: str,
    service_principals: tuple[str, ...] = (),
    log_group_prefix: str | None = None,
) -> dict[str, Any]:
    """Account-administered key: IAM policies of the account grant use, never a `*` principal.

    `service_principals` may encrypt/decrypt for this account only (confused-deputy guard with
    `aws:SourceAccount`); CloudWatch Logs additionally gets the log-group encryption context.
    """
    root = f"arn:{partition}:iam::{account_id}:root"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministersKeyThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if service_principals:
        statements.append(
            {
                "Sid": "ServicesOfThisAccountUseKey",
                "Effect": "Allow",
                "Principal": {"Service": sorted(service_principals)},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey",
                ],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
    if log_group_prefix is not None:
        statements.append(
            {
                "Sid": "CloudWatchLogsEncryptsLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": [
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{partition}:logs:{region}:{account_id}:log-group:{log_group_prefix}*"
                        )
                    }
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
