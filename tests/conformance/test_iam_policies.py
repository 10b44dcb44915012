"""The IAM policy grammar and size quotas, on fraud-dev's planned roles and policies.

Expected verdicts: IAM User Guide (read 2026-12-01) "Grammar of the IAM JSON policy
language", "IAM JSON policy elements: Condition operators" and "IAM and AWS STS quotas" (inline
policies of a role together 10,240 characters, a managed policy 6,144, a role trust policy
2,048; "IAM does not count white space").
"""

from __future__ import annotations

import json

import pytest

from mlopsctl.conformance import check_plan
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import one_finding, with_change

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED = "aws:iam/policy:Policy"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
INLINE_TOTAL, MANAGED_MAX, TRUST_MAX = 10_240, 6_144, 2_048  # the IAM quotas page


@pytest.fixture(scope="module")
def fraud():
    return plan_stack("fraud-dev")


def _size(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _policies(fraud):
    return sorted(fraud.of_type(ROLE_POLICY), key=lambda r: -_size(r.inputs["policy"]))


def _edit(document_key: str, edit):
    def change(inputs):
        document = json.loads(inputs[document_key])
        edit(document)
        inputs[document_key] = json.dumps(document)

    return change


def _grammar(plan, type_token, name, path):
    return one_finding(plan, type_token, name, path, "iam-policy-grammar")


def test_effect_is_allow_or_deny(fraud):
    role = fraud.of_type(ROLE)[0].name
    changed = with_change(
        fraud,
        ROLE,
        role,
        _edit("assumeRolePolicy", lambda d: d["Statement"][0].update(Effect="allow")),
    )
    item = _grammar(changed, ROLE, role, "assumeRolePolicy")
    assert "Statement[0]" in item.message and "Effect" in item.message
    assert "Grammar of the IAM JSON policy language" in item.source


def test_identity_policy_names_no_principal(fraud):
    policy = _policies(fraud)[0].name
    changed = with_change(
        fraud,
        ROLE_POLICY,
        policy,
        _edit("policy", lambda d: d["Statement"][0].update(Principal={"AWS": "*"})),
    )
    assert "Principal" in _grammar(changed, ROLE_POLICY, policy, "policy").message


def test_resource_policy_needs_a_principal(fraud):
    bucket_policy = fraud.of_type(BUCKET_POLICY)[0].name
    changed = with_change(
        fraud,
        BUCKET_POLICY,
        bucket_policy,
        _edit("policy", lambda d: d["Statement"][0].pop("Principal")),
    )
    assert "Principal" in _grammar(changed, BUCKET_POLICY, bucket_policy, "policy").message


@pytest.mark.parametrize("operator", ["StringEqual", "NullIfExists", "ForEveryValue:StringLike"])
def test_unknown_condition_operator(fraud, operator):
    role = fraud.of_type(ROLE)[0].name

    def edit(document):
        document["Statement"][0]["Condition"] = {operator: {"aws:PrincipalTag/team": "fraud"}}

    changed = with_change(fraud, ROLE, role, _edit("assumeRolePolicy", edit))
    item = _grammar(changed, ROLE, role, "assumeRolePolicy")
    assert "Condition operators" in item.source


@pytest.mark.parametrize(
    "operator",
    ["ForAnyValue:StringLikeIfExists", "ForAllValues:StringEquals", "Null", "BoolIfExists"],
)
def test_documented_condition_operators_pass(fraud, operator):
    role = fraud.of_type(ROLE)[0].name

    def edit(document):
        document["Statement"][0]["Condition"] = {operator: {"aws:PrincipalTag/team": "fraud"}}

    changed = with_change(fraud, ROLE, role, _edit("assumeRolePolicy", edit))
    assert [f for f in check_plan(changed) if f.rule == "iam-policy-grammar"] == []


def test_version_and_action_forms(fraud):
    policy = _policies(fraud)[0].name

    def edit(document):
        document["Version"] = "2012-10-18"
        document["Statement"][0]["Action"] = ["s3 GetObject"]

    changed = with_change(fraud, ROLE_POLICY, policy, _edit("policy", edit))
    messages = [f.message for f in check_plan(changed) if f.rule == "iam-policy-grammar"]
    assert any("Version" in m for m in messages) and any("Action" in m for m in messages)


def test_inline_policies_of_a_role_are_counted_together(fraud):
    largest, *others = _policies(fraud)
    extra = next(
        p
        for p in others
        if _size(p.inputs["policy"]) + _size(largest.inputs["policy"]) > INLINE_TOTAL
    )
    assert _size(largest.inputs["policy"]) <= INLINE_TOTAL
    changed = with_change(
        fraud, ROLE_POLICY, extra.name, lambda i: i.update(role=largest.inputs["role"])
    )
    item = one_finding(changed, ROLE_POLICY, largest.name, "policy", "iam-policy-size")
    assert largest.inputs["role"] in item.message and str(INLINE_TOTAL) in item.message
    assert "IAM and AWS STS quotas" in item.source


def test_white_space_is_not_counted(fraud):
    largest = _policies(fraud)[0]
    padded = json.dumps(json.loads(largest.inputs["policy"]), indent=12)
    assert len(padded) > INLINE_TOTAL >= _size(padded)
    changed = with_change(fraud, ROLE_POLICY, largest.name, lambda i: i.update(policy=padded))
    assert [f for f in check_plan(changed) if f.rule == "iam-policy-size"] == []


def test_managed_policy_quota(fraud):
    """No shipped stack plans a managed policy: a planned inline policy above 6,144 characters
    is turned into one (its type token is the one value changed)."""
    policy = next(p for p in _policies(fraud) if _size(p.inputs["policy"]) > MANAGED_MAX)
    changed = with_change(fraud, ROLE_POLICY, policy.name, lambda i: None)
    changed.one(ROLE_POLICY, policy.name).type = MANAGED
    item = one_finding(changed, MANAGED, policy.name, "policy", "iam-policy-size")
    assert str(MANAGED_MAX) in item.message


def test_trust_policy_quota(fraud):
    role = fraud.of_type(ROLE)[0].name
    principals = [f"arn:aws:iam::210987654321:role/a-long-role-name-{n:04d}" for n in range(60)]

    def edit(document):
        document["Statement"][0]["Principal"] = {"AWS": principals}

    changed = with_change(fraud, ROLE, role, _edit("assumeRolePolicy", edit))
    assert _size(changed.one(ROLE, role).inputs["assumeRolePolicy"]) > TRUST_MAX
    item = one_finding(changed, ROLE, role, "assumeRolePolicy", "iam-policy-size")
    assert str(TRUST_MAX) in item.message
