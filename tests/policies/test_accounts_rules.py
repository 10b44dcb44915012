"""Edge cases of the account-boundary and key rules the corpus does not cover: the fallback to
the provider's allowedAccountIds without pack config, accounts the settings trust on purpose,
unknown or odd-typed values, and near misses that must pass."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from mlopsctl.plan.engine import plan_stack
from mlopsctl.plan.model import Plan
from mlopsctl.policy_runner import run_policies
from policies.registry import all_policies
from tests.conftest import TEAM_STACKS, plan_served
from tests.policies.corpus.accounts import mlflow_task
from tests.policies.corpus.cases import (
    BUCKET_POLICY,
    KEY,
    MODEL,
    ROLE,
    ROLE_POLICY,
    SSE,
    add_statement,
    put,
)
from tests.policies.helpers import account, caught, change, edit_document, team_key_arn

FOREIGN = "999988887777"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
MINE = (
    "accounts-no-foreign-grant",
    "accounts-trust-external-id",
    "accounts-model-artifacts-owned",
    "accounts-task-images-from-platform-ecr",
    "kms-customer-key-of-platform",
    "kms-no-persona-key-admin",
    "kms-production-deletion-window",
)


@pytest.fixture(scope="module")
def shipped() -> Callable[[str], Plan]:
    """A private copy of a shipped stack's plan (served for team stacks), cached per module."""
    cache: dict[str, Plan] = {}

    def get(stack: str) -> Plan:
        if stack not in cache:
            cache[stack] = plan_served(stack) if stack in TEAM_STACKS else plan_stack(stack)
        return copy.deepcopy(cache[stack])

    return get


def without_pack_config(plan: Plan) -> dict[str, list[str]]:
    """My rules' mandatory messages with no pack config at all (`pulumi preview` without
    --policy-pack-config): facts at their defaults."""
    policies = [p for p in all_policies() if p.name in MINE]
    found: dict[str, list[str]] = {}
    for v in run_policies(plan, {"all": "mandatory"}, policies):
        found.setdefault(v.policy, []).append(v.message)
    return found


def mine(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: v for k, v in found.items() if k in MINE}


def foreign_read(plan: Plan, principal: str) -> Plan:
    bucket = next(r for r in plan.of_type(BUCKET_POLICY) if r.name == "raw-bucket-policy")
    statement = {
        "Sid": "Read",
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket.inputs['bucket']}/*",
    }
    return change(plan, BUCKET_POLICY, "raw-bucket-policy", add_statement(statement))


def trust(plan: Plan, statement: dict) -> Plan:
    edit = edit_document("assumeRolePolicy", lambda d: d["Statement"].append(statement))
    return change(plan, ROLE, "ml-engineer", edit)


def test_without_pack_config_the_provider_accounts_stand_in(shipped) -> None:
    """The provider's allowedAccountIds arrives as a JSON string; a foreign grant is still
    caught, and the stack's own account is still trusted."""
    assert not without_pack_config(shipped("fraud-dev"))
    caught_foreign = without_pack_config(foreign_read(shipped("fraud-dev"), f"{FOREIGN}"))
    assert "accounts-no-foreign-grant" in caught_foreign
    own = foreign_read(
        shipped("fraud-dev"), "arn:aws:iam::210987654321:role/mlops-ci-image-builder"
    )
    assert "accounts-no-foreign-grant" not in without_pack_config(own)


def test_no_accounts_known_judges_no_account_but_still_refuses_not_principal(shipped) -> None:
    plan = foreign_read(shipped("churn-dev"), FOREIGN)
    for provider in (r for r in plan.resources if r.type == "pulumi:providers:aws"):
        provider.inputs.pop("allowedAccountIds", None)
    assert "accounts-no-foreign-grant" not in without_pack_config(plan)
    statement = {
        "Effect": "Allow",
        "NotPrincipal": {"AWS": "arn:aws:iam::210987654321:role/x"},
        "Action": "s3:GetObject",
        "Resource": "*",
    }
    change(plan, BUCKET_POLICY, "dvc-bucket-policy", add_statement(statement))
    assert "accounts-no-foreign-grant" in without_pack_config(plan)


def test_an_account_the_settings_trust_on_purpose_may_be_granted(shipped) -> None:
    plan = trust(
        shipped("fraud-dev"),
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"},
            "Action": "sts:AssumeRole",
        },
    )
    assert {"accounts-no-foreign-grant", "accounts-trust-external-id"} <= set(caught(plan))
    trusted = {"trustedAccountIds": ["210987654321", FOREIGN]}
    found = caught(
        plan, {"accounts-no-foreign-grant": trusted, "accounts-trust-external-id": trusted}
    )
    assert not mine(found)


def test_external_id_satisfies_the_trust_rule_but_not_the_grant_rule(shipped) -> None:
    plan = trust(
        shipped("fraud-dev"),
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:role/vendor"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "abc-123"}},
        },
    )
    found = caught(plan)
    assert "accounts-trust-external-id" not in found
    assert "accounts-no-foreign-grant" in found


def test_deny_statements_and_odd_documents_are_not_grants(shipped) -> None:
    plan = shipped("fraud-dev")
    deny = {"Effect": "Deny", "Principal": {"AWS": FOREIGN}, "Action": "s3:*", "Resource": "*"}
    change(plan, BUCKET_POLICY, "raw-bucket-policy", add_statement(deny))
    change(plan, BUCKET_POLICY, "dvc-bucket-policy", put("policy", "not json"))
    change(plan, ROLE, "data-steward", put("assumeRolePolicy", None))
    change(plan, KEY, None, put("policy", 42))
    assert not mine(caught(plan))


def test_model_from_the_team_ecr_and_bucket_passes_a_lookalike_does_not(shipped) -> None:
    plan = shipped("fraud-dev")
    model = next(r.name for r in plan.of_type(MODEL))
    own = {
        "image": "210987654321.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/inference:v0.3.1",
        "modelDataUrl": "s3://mlops-fraud-dev-artifacts-210987654321/models/model.tar.gz",
        "modelPackageName": None,
    }
    for key, value in own.items():
        change(plan, MODEL, model, put(f"primaryContainer.{key}", value))
    assert "accounts-model-artifacts-owned" not in caught(plan)
    # Another team's ECR in another account, under the same repository name.
    image = "999988887777.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/inference:v0.3.1"
    change(plan, MODEL, model, put("primaryContainer.image", image))
    assert "accounts-model-artifacts-owned" in caught(plan)
    allowed = {"accounts-model-artifacts-owned": {"allowedImageAccounts": [FOREIGN]}}
    assert "accounts-model-artifacts-owned" not in caught(plan, allowed)


def test_task_definitions_unknown_or_from_the_team_ecr_pass(shipped) -> None:
    plan = shipped("fraud-dev")
    mlflow_task("210987654321.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev-mlflow:a71046af")(
        plan
    )
    assert "accounts-task-images-from-platform-ecr" not in caught(plan)
    change(plan, TASK_DEFINITION, "tracking-task", put("containerDefinitions", None))
    assert "accounts-task-images-from-platform-ecr" not in caught(plan)
    image = "docker.io/library/mlflow:2.19.0"
    change(
        plan,
        TASK_DEFINITION,
        "tracking-task",
        put("containerDefinitions", [{"name": "mlflow", "image": image}]),
    )
    assert "docker.io" in " ".join(caught(plan)["accounts-task-images-from-platform-ecr"])


def test_customer_aliases_and_key_ids_of_the_account_pass(shipped) -> None:
    plan = shipped("churn-dev")
    path = "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"
    change(plan, SSE, "raw-bucket-encryption", put(path, "alias/mlops-churn-dev-data"))
    key_id = team_key_arn(plan).rsplit("/", 1)[-1]
    change(plan, SSE, "curated-bucket-encryption", put(path, key_id))
    alias_arn = f"arn:aws:kms:eu-west-1:{account(plan)}:alias/mlops-churn-dev-data"
    change(plan, SSE, "dvc-bucket-encryption", put(path, alias_arn))
    assert "kms-customer-key-of-platform" not in caught(plan)
    change(plan, SSE, "dvc-bucket-encryption", put(path, alias_arn.replace("mlops-", "aws/")))
    assert "kms-customer-key-of-platform" in caught(plan)


def test_key_usage_and_non_persona_roles_are_not_key_administration(shipped) -> None:
    plan = shipped("fraud-dev")
    usage = {
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:Describe*"],
        "Resource": team_key_arn(plan),
    }
    change(plan, ROLE_POLICY, "data-scientist-permissions", add_statement(usage))
    admin = {"Effect": "Allow", "Action": "kms:*", "Resource": team_key_arn(plan)}
    change(plan, ROLE_POLICY, "retraining-scheduler-policy", add_statement(admin))
    assert "kms-no-persona-key-admin" not in caught(plan)
    # The same admin grant through a role ARN in a role policy's `role` (not a plain name).
    arn = f"arn:aws:iam::{account(plan)}:role/mlops-fraud-dev-data-steward-exec"
    change(plan, ROLE_POLICY, "retraining-scheduler-policy", put("role", arn))
    assert "kms-no-persona-key-admin" in caught(plan)


def test_deletion_window_judged_in_production_only(shipped) -> None:
    dev = shipped("fraud-dev")
    assert next(iter(dev.of_type(KEY))).inputs["deletionWindowInDays"] == 7
    assert "kms-production-deletion-window" not in caught(dev)
    prod = shipped("fraud-prod")
    change(prod, KEY, None, put("deletionWindowInDays", None))  # AWS default: 30 days
    assert "kms-production-deletion-window" not in caught(prod)
    change(prod, KEY, None, put("deletionWindowInDays", 29.0))
    assert "kms-production-deletion-window" in caught(prod)
