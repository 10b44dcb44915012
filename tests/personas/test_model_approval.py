"""Who registers and who approves a model version in the team's SageMaker Model Registry.

Judged by the project's evaluator against the planned documents of each human role (inline and
attached managed policies). Names come from the plans: the group is
`<registeredModelPrefix>fraud-classifier`, a version `model-package/<group>/<n>` (lower-case, as
SageMaker writes it into ARNs).
"""

from __future__ import annotations

import pytest

from mlopsctl.access.evaluator import evaluate
from mlopsctl.access.facts import StackFacts, facts_of
from mlopsctl.plan import plan_stack

UPDATE = "sagemaker:UpdateModelPackage"
CREATE = "sagemaker:CreateModelPackage"
CREATE_GROUP = "sagemaker:CreateModelPackageGroup"
MODEL = "fraud-classifier"
TAGGED = {"aws:RequestTag/team": "fraud", "aws:TagKeys": ["team"]}


def _approval(status: str) -> dict:
    return {"sagemaker:ModelApprovalStatus": status}


@pytest.fixture(scope="module")
def stacks() -> dict[str, tuple[StackFacts, str]]:
    """stack -> (facts, registeredModelPrefix)."""
    out = {}
    for stack in ("fraud-dev", "fraud-prod"):
        plan = plan_stack(stack)
        out[stack] = (facts_of(plan), str(plan.exports["registeredModelPrefix"]))
    return out


def _arn(facts: StackFacts, resource: str) -> str:
    return f"arn:{facts.partition}:sagemaker:{facts.region}:{facts.account}:{resource}".lower()


def _group(facts: StackFacts, prefix: str) -> str:
    return _arn(facts, f"model-package-group/{prefix}{MODEL}")


def _version(facts: StackFacts, prefix: str, n: int = 1) -> str:
    return _arn(facts, f"model-package/{prefix}{MODEL}/{n}")


def _judge(facts: StackFacts, persona: str, action: str, resource: str, context: dict) -> str:
    role = facts.human_role(persona)
    assert role is not None, f"{facts.stack}: no {persona} role planned"
    return evaluate(list(role.policies), action, resource, context)


@pytest.mark.parametrize("stack", ["fraud-dev", "fraud-prod"])
@pytest.mark.parametrize("status", ["Approved", "Rejected"])
def test_ml_engineer_approves_own_team_version(stacks, stack, status):
    facts, prefix = stacks[stack]
    resource = _version(facts, prefix)
    assert _judge(facts, "ml-engineer", UPDATE, resource, _approval(status)) == "allow"


@pytest.mark.parametrize("stack", ["fraud-dev", "fraud-prod"])
def test_ml_engineer_cannot_approve_another_teams_version(stacks, stack):
    facts, _ = stacks[stack]
    resource = _arn(facts, "model-package/mlops-churn-dev-x/1")
    assert _judge(facts, "ml-engineer", UPDATE, resource, _approval("Approved")) == "deny"


@pytest.mark.parametrize("stack", ["fraud-dev", "fraud-prod"])
def test_ml_engineer_registers_tagged(stacks, stack):
    facts, prefix = stacks[stack]
    group, version = _group(facts, prefix), _version(facts, prefix)
    assert _judge(facts, "ml-engineer", CREATE_GROUP, group, TAGGED) == "allow"
    assert _judge(facts, "ml-engineer", CREATE, version, TAGGED) == "allow"
    assert _judge(facts, "ml-engineer", "sagemaker:AddTags", group, TAGGED) == "allow"


@pytest.mark.parametrize("stack", ["fraud-dev", "fraud-prod"])
@pytest.mark.parametrize("persona", ["ml-engineer", "data-scientist"])
def test_untagged_registration_is_refused(stacks, stack, persona):
    facts, prefix = stacks[stack]
    assert _judge(facts, persona, CREATE_GROUP, _group(facts, prefix), {}) == "deny"
    assert _judge(facts, persona, CREATE, _version(facts, prefix), {}) == "deny"
    other_team = {"aws:RequestTag/team": "churn", "aws:TagKeys": ["team"]}
    assert _judge(facts, persona, CREATE_GROUP, _group(facts, prefix), other_team) == "deny"


def test_data_scientist_registers_pending_in_development(stacks):
    facts, prefix = stacks["fraud-dev"]
    group, version = _group(facts, prefix), _version(facts, prefix)
    assert _judge(facts, "data-scientist", CREATE_GROUP, group, TAGGED) == "allow"
    assert _judge(facts, "data-scientist", CREATE, version, TAGGED) == "allow"
    pending = {**TAGGED, **_approval("PendingManualApproval")}
    assert _judge(facts, "data-scientist", CREATE, version, pending) == "allow"
    # metadata only (no status in the request), or back to pending
    assert _judge(facts, "data-scientist", UPDATE, version, {}) == "allow"
    assert (
        _judge(facts, "data-scientist", UPDATE, version, _approval("PendingManualApproval"))
        == "allow"
    )


@pytest.mark.parametrize("stack", ["fraud-dev", "fraud-prod"])
@pytest.mark.parametrize("status", ["Approved", "Rejected"])
def test_data_scientist_never_approves(stacks, stack, status):
    """Only the ML engineer approves or rejects, in every environment."""
    facts, prefix = stacks[stack]
    version = _version(facts, prefix)
    assert _judge(facts, "data-scientist", UPDATE, version, _approval(status)) == "deny"
    registered = {**TAGGED, **_approval(status)}
    assert _judge(facts, "data-scientist", CREATE, version, registered) == "deny"


def test_production_denies_data_scientist_approval_explicitly(stacks):
    """The production guardrail is an explicit Deny: another grant cannot lift it."""
    facts, prefix = stacks["fraud-prod"]
    role = facts.human_role("data-scientist")
    broad = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}],
    }
    version = _version(facts, prefix)
    documents = [*role.policies, broad]
    assert evaluate(documents, UPDATE, version, _approval("Approved")) == "deny"
    assert evaluate(documents, CREATE, version, {**TAGGED, **_approval("Approved")}) == "deny"
    assert evaluate(documents, UPDATE, version, _approval("PendingManualApproval")) == "allow"


def test_data_steward_neither_registers_nor_approves(stacks):
    for stack in ("fraud-dev", "fraud-prod"):
        facts, prefix = stacks[stack]
        version = _version(facts, prefix)
        assert _judge(facts, "data-steward", UPDATE, version, _approval("Approved")) == "deny"
        assert _judge(facts, "data-steward", CREATE_GROUP, _group(facts, prefix), TAGGED) == "deny"
