"""Insecure variants: whose keys encrypt the platform's data, who administers them, and how
fast a production key can disappear.

999988887777 is an account outside the platform; its key ARNs look exactly like the team's.
"""

from __future__ import annotations

import json
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.corpus.cases import (
    DOMAIN,
    ENDPOINT_CONFIG,
    KEY,
    REPO,
    ROLE,
    ROLE_POLICY,
    SSE,
    Case,
    add_notebook,
    add_statement,
    put,
)
from tests.policies.helpers import account, add, change, region, team_key_arn

FOREIGN = "999988887777"
POLICY = "aws:iam/policy:Policy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PLATFORM_KEY = "kms-customer-key-of-platform"
PERSONA_ADMIN = "kms-no-persona-key-admin"
WINDOW = "kms-production-deletion-window"


def foreign_key(plan: Plan) -> str:
    return f"arn:aws:kms:{region(plan)}:{FOREIGN}:key/6f1c2a9e-4b7d-4e0a-9c3f-2d8e1b5a7c40"


def _sse_key(bucket: str, key):
    def mutate(plan: Plan) -> None:
        value = key(plan) if callable(key) else key
        path = "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"
        change(plan, SSE, f"{bucket}-bucket-encryption", put(path, value))

    return mutate


def _endpoint_config(key: str, value):
    def mutate(plan: Plan) -> None:
        config = next(r.name for r in plan.of_type(ENDPOINT_CONFIG))
        change(plan, ENDPOINT_CONFIG, config, put(key, value(plan)))

    return mutate


def _log_group(plan: Plan) -> None:
    """A hand-written log group for a batch job, encrypted with a shared-services key."""
    scope = f"mlops-{plan.stack}"
    add(
        plan,
        LOG_GROUP,
        "batch-scoring-logs",
        {"name": f"/{scope}/batch-scoring", "retentionInDays": 30.0, "kmsKeyId": foreign_key(plan)},
        {"arn": f"arn:aws:logs:{region(plan)}:{account(plan)}:log-group:/{scope}/batch-scoring"},
    )


def _grant(role_policy: str, statement: dict[str, Any]):
    """Add `statement` (on the team key) to a persona's role policy."""

    def mutate(plan: Plan) -> None:
        stated = {"Resource": team_key_arn(plan), **statement}
        change(plan, ROLE_POLICY, role_policy, add_statement(stated))

    return mutate


def _inline(role: str, statement: dict[str, Any]):
    """An inline policy added to a persona role, the way a quick fix in the console looks."""

    def mutate(plan: Plan) -> None:
        document = {"Version": "2012-10-17", "Statement": [statement]}

        def edit(props: dict) -> None:
            props.setdefault("inlinePolicies", []).append(
                {"name": "key-fix", "policy": json.dumps(document)}
            )

        change(plan, ROLE, role, edit)

    return mutate


def _team_read(statement: dict[str, Any]):
    """Add `statement` to the managed team-read policy, attached to every persona role."""
    return lambda p: change(p, POLICY, "team-read", add_statement(statement))


def _key_policy_persona(plan: Plan) -> None:
    role = f"arn:aws:iam::{account(plan)}:role/mlops-{plan.stack}-data-steward"
    statement = {
        "Sid": "StewardManagesKey",
        "Effect": "Allow",
        "Principal": {"AWS": role},
        "Action": "kms:*",
        "Resource": "*",
    }
    change(plan, KEY, None, add_statement(statement))


CASES = [
    Case("keys-sse-aws-managed-alias", "churn-dev", PLATFORM_KEY, _sse_key("raw", "alias/aws/s3")),
    Case(
        "keys-sse-foreign-account-key", "fraud-prod", PLATFORM_KEY, _sse_key("curated", foreign_key)
    ),
    Case(
        "keys-sse-aws-managed-alias-arn",
        "dev",
        PLATFORM_KEY,
        lambda p: change(
            p,
            SSE,
            "audit-encryption",
            put(
                "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId",
                f"arn:aws:kms:{region(p)}:{account(p)}:alias/aws/s3",
            ),
        ),
    ),
    Case(
        "keys-domain-foreign-account-key",
        "fraud-dev",
        PLATFORM_KEY,
        lambda p: change(p, DOMAIN, None, put("kmsKeyId", foreign_key(p))),
    ),
    Case(
        "keys-endpoint-config-aws-managed-alias",
        "fraud-prod",
        PLATFORM_KEY,
        _endpoint_config(
            "kmsKeyArn", lambda p: f"arn:aws:kms:{region(p)}:{account(p)}:alias/aws/sagemaker"
        ),
    ),
    Case(
        "keys-data-capture-foreign-key",
        "fraud-prod",
        PLATFORM_KEY,
        _endpoint_config("dataCaptureConfig.kmsKeyId", foreign_key),
    ),
    Case(
        "keys-ecr-foreign-account-key",
        "vision-dev",
        PLATFORM_KEY,
        lambda p: change(
            p, REPO, "repo-inference", put("encryptionConfigurations.0.kmsKey", foreign_key(p))
        ),
    ),
    Case(
        "keys-notebook-aws-managed-alias",
        "fraud-dev",
        PLATFORM_KEY,
        add_notebook(kmsKeyId="alias/aws/sagemaker"),
    ),
    Case("keys-log-group-foreign-key", "churn-dev", PLATFORM_KEY, _log_group),
    Case(
        "keys-persona-role-policy-kms-star",
        "fraud-dev",
        PERSONA_ADMIN,
        _grant(
            "data-scientist-permissions",
            {"Sid": "KeyEverything", "Effect": "Allow", "Action": "kms:*"},
        ),
    ),
    Case(
        "keys-persona-exec-put-and-schedule",
        "churn-dev",
        PERSONA_ADMIN,
        _grant(
            "ml-engineer-exec-permissions",
            {"Sid": "RotateOurOwnKey", "Effect": "Allow", "Action": ["kms:Put*", "kms:Schedule*"]},
        ),
    ),
    Case(
        "keys-persona-inline-create-star",
        "vision-dev",
        PERSONA_ADMIN,
        _inline(
            "data-scientist",
            {"Effect": "Allow", "Action": ["kms:Create*", "kms:Describe*"], "Resource": "*"},
        ),
    ),
    Case(
        "keys-persona-attached-policy-disable",
        "fraud-prod",
        PERSONA_ADMIN,
        _team_read(
            {
                "Sid": "ManageTeamKey",
                "Effect": "Allow",
                "Action": ["kms:DisableKey", "kms:Describe*"],
                "Resource": "arn:aws:kms:eu-west-1:345678901234:key/*",
            }
        ),
    ),
    Case("keys-key-policy-persona-admin", "fraud-dev", PERSONA_ADMIN, _key_policy_persona),
    Case(
        "keys-prod-team-key-window-7",
        "fraud-prod",
        WINDOW,
        lambda p: change(p, KEY, None, put("deletionWindowInDays", 7.0)),
    ),
    Case(
        "keys-prod-environment-key-window-14",
        "prod",
        WINDOW,
        lambda p: change(p, KEY, None, put("deletionWindowInDays", 14.0)),
    ),
]
