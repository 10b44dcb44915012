"""Insecure variants: IAM identity and trust policies."""

from __future__ import annotations

from tests.policies.corpus.cases import (
    ROLE,
    Case,
    add_statement,
    first_role_policy,
)
from tests.policies.helpers import (
    account,
    change,
    edit_document,
)

CASES = [
    Case(
        "admin-role",
        "fraud-dev",
        "iam-no-admin",
        lambda p: first_role_policy(
            p,
            "ml-engineer",
            add_statement({"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}),
        ),
    ),
    Case(
        "wildcard-service-action",
        "fraud-dev",
        "iam-no-wildcard-action",
        lambda p: first_role_policy(
            p,
            "data-scientist",
            add_statement({"Sid": "AllS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        ),
    ),
    Case(
        "read-every-bucket",
        "fraud-prod",
        "iam-no-wildcard-data-resource",
        lambda p: first_role_policy(
            p,
            "data-scientist",
            add_statement(
                {"Sid": "ReadAll", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
            ),
        ),
    ),
    Case(
        "passrole-anywhere",
        "fraud-dev",
        "iam-passrole-restricted",
        lambda p: first_role_policy(
            p,
            "ml-engineer",
            add_statement(
                {
                    "Sid": "Pass",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": f"arn:aws:iam::{account(p)}:role/mlops-fraud-dev-*",
                }
            ),
        ),
    ),
    Case(
        "trust-anyone",
        "fraud-dev",
        "iam-trust-no-wildcard",
        lambda p: change(
            p,
            ROLE,
            next(r.name for r in p.of_type(ROLE)),
            edit_document(
                "assumeRolePolicy",
                lambda d: d["Statement"].append(
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
                ),
            ),
        ),
    ),
    # parliament MEDIUM RESOURCE_MISMATCH: an object action on the bucket ARN grants nothing.
    Case(
        "object-action-on-bucket-arn",
        "churn-dev",
        "iam-parliament-lint",
        lambda p: first_role_policy(
            p,
            "data-scientist",
            add_statement(
                {
                    "Sid": "Mismatch",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::mlops-churn-dev-raw-{account(p)}",
                }
            ),
        ),
    ),
]
