"""ECR lifecycle policies: fraud-dev's planned policy with one rule property changed.

Expected verdicts: Amazon ECR User Guide, "Lifecycle policy properties in Amazon ECR" (read
2026-12-01): unique rulePriority, the `any` rule last; tagStatus tagged|untagged|any, tagged
with a tagPrefixList or tagPatternList, untagged with neither; countUnit days with the
sinceImage* count types only; countNumber a positive integer; action type expire|transition.
"""

from __future__ import annotations

import json

import pytest

from mlopsctl.conformance import check_plan
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import one_finding, with_change

POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy"


@pytest.fixture(scope="module")
def fraud():
    return plan_stack("fraud-dev")


@pytest.fixture(scope="module")
def policy(fraud):
    return fraud.of_type(POLICY)[0]


def _rules(policy):
    return json.loads(policy.inputs["policy"])["rules"]


def _changed(fraud, policy, edit):
    def change(inputs):
        document = json.loads(inputs["policy"])
        edit(document["rules"])
        inputs["policy"] = json.dumps(document)

    return with_change(fraud, POLICY, policy.name, change)


def test_planned_policy_has_an_untagged_and_a_tagged_rule(policy):
    rules = _rules(policy)
    assert {rule["selection"]["tagStatus"] for rule in rules} == {"untagged", "tagged"}
    assert _untagged(rules)["rulePriority"] < _tagged(rules)["rulePriority"]


def _untagged(rules):
    return next(r for r in rules if r["selection"]["tagStatus"] == "untagged")


def _tagged(rules):
    return next(r for r in rules if r["selection"]["tagStatus"] == "tagged")


EDITS = {
    "repeated priority": lambda rules: rules[1].update(rulePriority=rules[0]["rulePriority"]),
    "tagged without prefixes": lambda rules: _tagged(rules)["selection"].pop("tagPrefixList"),
    "untagged with prefixes": lambda rules: _untagged(rules)["selection"].update(
        tagPrefixList=["v"]
    ),
    "since without unit": lambda rules: _untagged(rules)["selection"].pop("countUnit"),
    "count with unit": lambda rules: _tagged(rules)["selection"].update(countUnit="days"),
    "zero count": lambda rules: _tagged(rules)["selection"].update(countNumber=0),
    "unknown count type": lambda rules: _tagged(rules)["selection"].update(countType="imageCount"),
    "unknown action": lambda rules: _tagged(rules)["action"].update(type="delete"),
    "unknown status": lambda rules: _tagged(rules)["selection"].update(tagStatus="all"),
    # the untagged rule (priority 1, below the tagged rule's 2) made the catch-all
    "any not last": lambda rules: _untagged(rules).update(
        selection={"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 100}
    ),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_bad_rule_is_named(fraud, policy, case):
    changed = _changed(fraud, policy, EDITS[case])
    found = [f for f in check_plan(changed) if f.rule == "ecr-lifecycle-policy"]
    assert found, case
    item = (
        one_finding(changed, POLICY, policy.name, "policy", "ecr-lifecycle-policy")
        if len(found) == 1
        else found[0]
    )
    assert item.name == policy.name and item.path == "policy"
    assert "Lifecycle policy properties" in item.source


def test_planned_policy_passes(fraud, policy):
    assert [f for f in check_plan(fraud) if f.rule == "ecr-lifecycle-policy"] == []
