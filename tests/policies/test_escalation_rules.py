"""Edge cases of the IAM escalation rules (policies/rules/iam_escalation.py), of the permission
graph they read (policies/iam_graph.py), of iam-passrole-restricted and of the restricted-readers
rule's attached policies, that the corpus does not cover: near misses that must pass, unknown
values, the fallback without cloudsplaining or pack config, the self-hosted MLflow variant."""

from __future__ import annotations

import copy
import json
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from mlopsctl.plan.model import Plan
from mlopsctl.policy_runner import derived_pack_config, run_policies
from policies import iam_graph
from policies.rules import iam_escalation
from settings import Project
from tests.conftest import SECRETS_ENDPOINT, project_with_environment
from tests.policies.corpus.cases import ROLE, add_statement, first_role_policy, put
from tests.policies.corpus.escalation import (
    ATTACHMENT,
    AWS_POLICY,
    attach,
    attached_policy,
    managed_arns,
    trust,
)
from tests.policies.helpers import account, add, caught, change

ESCALATION = "iam-privilege-escalation"
ADMIN = "iam-no-admin-managed-policy"
TRUST = "iam-service-trust-source-condition"
PASSROLE = "iam-passrole-restricted"
READERS = "governance-restricted-data-readers"
CERT = "arn:aws:acm:eu-west-1:210987654321:certificate/0e6d2f6a-1111-2222-3333-444455556666"
SELF_HOSTED = {"mlops:tracking": {"kind": "self-hosted", "selfHosted": {"certificateArn": CERT}}}


@pytest.fixture(scope="module")
def fraud_dev() -> Plan:
    from mlopsctl.plan.engine import plan_stack

    return plan_stack("fraud-dev")


@pytest.fixture
def planned(fraud_dev: Plan) -> Plan:
    return copy.deepcopy(fraud_dev)


def _allow(action: Any, resource: Any) -> dict[str, Any]:
    return {"Sid": "Extra", "Effect": "Allow", "Action": action, "Resource": resource}


def _with(planned: Plan, persona: str, statement: dict[str, Any]) -> Plan:
    first_role_policy(planned, persona, add_statement(statement))
    return planned


# --- the graph's statement semantics -----------------------------------------------------------


def test_not_action_and_not_resource_are_read_as_aws_does() -> None:
    everything_but_iam = {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}
    assert iam_graph.grants_action(everything_but_iam, "s3:GetObject")
    assert not iam_graph.grants_action(everything_but_iam, "iam:PutRolePolicy")
    assert not iam_graph.grants_action({**everything_but_iam, "Effect": "Deny"}, "s3:GetObject")
    not_one_bucket = {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::a/*"}
    assert iam_graph.covers_resource(not_one_bucket, "arn:aws:s3:::b/k")
    assert not iam_graph.covers_resource(not_one_bucket, "arn:aws:s3:::a/k")


@pytest.mark.parametrize(
    ("patterns", "action", "granted"),
    [
        # IAM JSON policy elements, "Action": action names are case-insensitive, and `*` or
        # `?` match any run of characters or one character (IAM User Guide, read 2026-12).
        (["IAM:putrolepolicy"], "iam:PutRolePolicy", True),
        (["iam:Put*Policy"], "iam:PutRolePolicy", True),
        (["iam:Put?olePolicy"], "iam:PutRolePolicy", True),
        (["iam:Put?Policy"], "iam:PutRolePolicy", False),
        (["s3:GetObject", "iam:Attach*"], "iam:AttachRolePolicy", True),
        (["iam:PutRolePolicy"], "iam:PutRolePolicyX", False),  # the whole name, not a prefix
        ([], "iam:PutRolePolicy", False),
    ],
)
def test_action_patterns_match_as_iam_matches_them(patterns, action, granted) -> None:
    statement = {"Effect": "Allow", "Action": patterns, "Resource": "*"}
    assert iam_graph.grants_action(statement, action) is granted
    # The compiled matcher the escalation rule asks many actions gives the same answers.
    assert iam_graph.action_matcher(statement)(action) is granted
    excluded = {"Effect": "Allow", "NotAction": patterns, "Resource": "*"}
    assert iam_graph.grants_action(excluded, action) is (not granted)


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:iam::aws:policy/AdministratorAccess", "AdministratorAccess"),
        ("arn:aws:iam::aws:policy/job-function/DataScientist", "DataScientist"),
        ("arn:aws-us-gov:iam::aws:policy/IAMFullAccess", "IAMFullAccess"),
        ("arn:aws:iam::210987654321:policy/AdministratorAccess", None),  # a customer's own
        (None, None),  # unknown at preview
    ],
)
def test_aws_managed_policies_are_known_by_the_aws_account_only(arn: Any, name: Any) -> None:
    assert iam_graph.aws_managed_name(arn) == name


# --- iam-privilege-escalation ------------------------------------------------------------------


def test_iam_reads_are_no_escalation(planned: Plan) -> None:
    _with(
        planned,
        "data-steward",
        _allow(["iam:Get*", "iam:List*", "iam:GenerateServiceLastAccessedDetails"], "*"),
    )
    assert ESCALATION not in caught(planned)


def test_a_deny_of_escalation_actions_is_no_grant(planned: Plan) -> None:
    _with(
        planned,
        "ml-engineer",
        {**_allow(["iam:PutRolePolicy", "iam:Attach*"], "*"), "Effect": "Deny"},
    )
    assert ESCALATION not in caught(planned)


def test_a_service_method_counts_on_every_resource_only(planned: Plan) -> None:
    """lambda:UpdateFunctionCode on one named function is a deploy right; on '*' it lets the
    role run code as any function's role (cloudsplaining's EditExistingLambdaFunctionWithRole)."""
    function = f"arn:aws:lambda:eu-west-1:{account(planned)}:function:mlops-fraud-dev-scorer"
    _with(planned, "ml-engineer", _allow("lambda:UpdateFunctionCode", function))
    assert ESCALATION not in caught(planned)
    _with(planned, "ml-engineer", _allow("lambda:UpdateFunctionCode", "*"))
    assert any("EditExistingLambdaFunctionWithRole" in m for m in caught(planned)[ESCALATION])


def test_sts_assume_role_on_named_roles_passes(planned: Plan) -> None:
    _with(
        planned,
        "ml-engineer",
        _allow(
            "sts:AssumeRole",
            f"arn:aws:iam::{account(planned)}:role/mlops-fraud-dev-ml-engineer-exec",
        ),
    )
    assert ESCALATION not in caught(planned)


def test_without_cloudsplaining_the_rhino_list_stands_in(planned: Plan, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "cloudsplaining.shared.constants", None)
    iam_escalation.escalation_methods.cache_clear()
    try:
        methods = iam_escalation.escalation_methods()
        assert methods == {k: tuple(v) for k, v in iam_escalation.FALLBACK_METHODS.items()}
        _with(
            planned,
            "data-scientist",
            _allow("iam:PutRolePolicy", f"arn:aws:iam::{account(planned)}:role/x"),
        )
        assert ESCALATION in caught(planned)
    finally:
        monkeypatch.undo()
        iam_escalation.escalation_methods.cache_clear()
    assert "PassExistingRoleToNewSageMakerTrainingJob" in iam_escalation.escalation_methods()


def test_an_attachment_whose_policy_is_unknown_is_skipped(planned: Plan) -> None:
    """At preview a new policy's ARN may be unknown and its dependency absent: nothing to judge,
    and nothing crashes."""
    add(planned, ATTACHMENT, "unknown-attachment", {"role": "mlops-fraud-dev-data-scientist"})
    add(planned, ATTACHMENT, "unknown-role", {"policyArn": AWS_POLICY + "AdministratorAccess"})
    change(planned, ROLE, "data-scientist", put("managedPolicyArns", [None, 7]))
    change(planned, ROLE, "data-steward", put("inlinePolicies", [{"name": "x"}]))
    assert not {ESCALATION, ADMIN} & set(caught(planned))


def test_rules_run_without_pack_config(planned: Plan) -> None:
    attach("ml-engineer-exec", AWS_POLICY + "IAMFullAccess")(planned)
    found = {v.policy for v in run_policies(planned, {}) if v.mandatory}
    assert {ESCALATION, ADMIN} <= found


# --- iam-no-admin-managed-policy ---------------------------------------------------------------


def test_read_only_and_unlisted_managed_policies_pass_the_admin_rule(planned: Plan) -> None:
    attach("data-steward", AWS_POLICY + "AmazonSageMakerReadOnly")(planned)
    managed_arns("data-steward-exec", "CloudWatchLogsReadOnlyAccess")(planned)
    found = caught(planned)
    assert ADMIN not in found and ESCALATION not in found


def test_forbidden_managed_policies_are_configurable(planned: Plan) -> None:
    attach("data-steward", AWS_POLICY + "job-function/SystemAdministrator")(planned)
    assert ADMIN not in caught(planned)
    assert ADMIN in caught(planned, {ADMIN: {"forbiddenManagedPolicies": ["SystemAdministrator"]}})


# --- iam-passrole-restricted -------------------------------------------------------------------


def test_passrole_to_one_service_on_a_prefix_of_team_roles_passes(planned: Plan) -> None:
    roles = f"arn:aws:iam::{account(planned)}:role/mlops-fraud-dev-*-exec"
    condition = {"StringEquals": {"iam:PassedToService": ["sagemaker.amazonaws.com"]}}
    _with(planned, "ml-engineer", {**_allow("iam:PassRole", roles), "Condition": condition})
    assert PASSROLE not in caught(planned)


def test_passrole_with_a_negative_condition_is_unrestricted(planned: Plan) -> None:
    roles = f"arn:aws:iam::{account(planned)}:role/mlops-fraud-dev-pipeline-exec"
    condition = {"StringNotEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    _with(planned, "ml-engineer", {**_allow("iam:PassRole", roles), "Condition": condition})
    assert PASSROLE in caught(planned)


# --- iam-service-trust-source-condition --------------------------------------------------------


def _trust(**condition: Any) -> Any:
    statement = {"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole"}
    return statement if not condition else {**statement, "Condition": condition}


@pytest.mark.parametrize(
    ("service", "condition", "flagged"),
    [
        (
            "sagemaker.amazonaws.com",
            {"ArnLike": {"aws:SourceArn": "arn:aws:sagemaker:*:1:*"}},
            False,
        ),
        ("sagemaker.amazonaws.com", {"StringEquals": {"AWS:SourceAccount": "210987654321"}}, False),
        (
            "sagemaker.amazonaws.com",
            {"StringEquals": {"aws:PrincipalAccount": "210987654321"}},
            True,
        ),
        ("sagemaker.amazonaws.com", {"StringLike": {"aws:SourceArn": "*"}}, True),
        (
            "pods.eks.amazonaws.com",
            {
                "StringEquals": {
                    "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:eu-west-1:1:cluster/c"
                }
            },
            False,
        ),
        (
            "ecs-tasks.amazonaws.com",
            {"StringEquals": {"aws:RequestTag/eks-cluster-arn": "c"}},
            True,
        ),
        ("ec2.amazonaws.com", {}, False),  # EC2 sets no source keys
        ("lambda.amazonaws.com", {}, False),
    ],
)
def test_service_trust_conditions(service: str, condition: dict, flagged: bool) -> None:
    statement = _trust(**condition)
    statement["Principal"] = {"Service": [service]}
    args = SimpleNamespace(props={"assumeRolePolicy": json.dumps({"Statement": [statement]})})
    config = {"exemptServices": iam_escalation.EXEMPT_SERVICES}
    assert bool(list(iam_escalation._service_trust(args, config))) is flagged


def test_exempt_services_are_configurable(planned: Plan) -> None:
    def ec2_only(doc: dict) -> None:
        doc["Statement"] = [{**_trust(), "Principal": {"Service": "ec2.amazonaws.com"}}]

    trust("pipeline-exec", ec2_only)(planned)
    assert TRUST not in caught(planned)
    assert TRUST in caught(planned, {TRUST: {"exemptServices": []}})


def test_unknown_trust_policy_is_skipped(planned: Plan) -> None:
    change(planned, ROLE, "pipeline-exec", put("assumeRolePolicy", None))
    assert TRUST not in caught(planned)


@pytest.mark.parametrize(("stack", "environment"), [("fraud-dev", "dev")])
def test_self_hosted_mlflow_ecs_trusts_are_compliant(
    plan_with, stack: str, environment: str
) -> None:
    """Self-hosted MLflow's ECS task roles trust ecs-tasks.amazonaws.com with aws:SourceAccount."""
    variant = plan_with(stack, SELF_HOSTED, SECRETS_ENDPOINT)
    config = derived_pack_config(
        variant, Project.at(project_with_environment(environment, SECRETS_ENDPOINT))
    )
    trusts = [r.inputs.get("assumeRolePolicy") or "" for r in variant.of_type(ROLE)]
    assert any("ecs-tasks.amazonaws.com" in t for t in trusts)
    mine = {TRUST, ESCALATION, ADMIN, PASSROLE, READERS}
    assert {v.policy for v in run_policies(variant, config) if v.mandatory} & mine == set()


# --- governance-restricted-data-readers through attached policies ------------------------------


def test_an_allowed_reader_may_hold_s3_read_only(planned: Plan) -> None:
    attach("data-scientist", AWS_POLICY + "AmazonS3ReadOnlyAccess")(planned)
    assert READERS not in caught(planned)


def test_sagemaker_full_access_reads_tagged_objects_of_any_bucket(planned: Plan) -> None:
    """Its object statements name `*sagemaker*` buckets, and allow s3:GetObject on '*' for
    objects tagged SageMaker=true: a conditional read of the restricted bucket still is one."""
    managed_arns("data-steward", "AmazonSageMakerFullAccess")(planned)
    found = caught(planned)
    assert any("AmazonSageMakerFullAccess" in m for m in found[READERS])
    assert ESCALATION in found


def test_a_policy_attached_by_dependency_is_read(planned: Plan) -> None:
    raw = next(r for r in planned.of_type("aws:s3/bucket:Bucket") if r.name == "raw-bucket")
    read = _allow("s3:GetObject*", f"arn:aws:s3:::{raw.inputs['bucket']}/*")
    attached_policy("data-steward", read, by_dependency=True)(planned)
    assert any("data-steward" in m for m in caught(planned)[READERS])
