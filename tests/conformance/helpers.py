"""Shared helpers of the conformance tests: plans with one value changed, and botocore truth.

Expected allowed values come from botocore's models (loaded here through botocore's own API,
not through the checker's distilled copy) or from AWS documentation quoted in the tests.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.session import get_session

from mlopsctl.conformance import Finding, check_plan
from mlopsctl.plan import Plan, PlannedResource
from tests.conftest import SECRETS_ENDPOINT, plan_variant

CERT = "arn:aws:acm:eu-west-1:210987654321:certificate/0e6d2f6a-1111-2222-3333-444455556666"
# Notebook instances take other instance types than Studio (botocore's CreateNotebookInstance
# enum has ml.m5.xlarge but no ml.m5.large): the members get types that kind accepts.
NOTEBOOK_LAB = {
    "mlops:lab": {
        "kind": "notebook-instance",
        "members": [
            {"name": "alice", "persona": "data-scientist", "defaultInstanceType": "ml.t3.medium"},
            {"name": "bob", "persona": "ml-engineer", "defaultInstanceType": "ml.m5.xlarge"},
            {"name": "carol", "persona": "data-steward", "defaultInstanceType": "ml.t3.medium"},
        ],
    }
}
SELF_HOSTED = {
    "mlops:tracking": {
        "kind": "self-hosted",
        "selfHosted": {"certificateArn": CERT},
        "workingHours": {"enabled": None},
    }
}
# A real-time endpoint serving model package version 3 (shipped stacks name no version yet).
REALTIME = {"mlops:inference": {"model": {"version": 3}, "sagemaker": {"mode": "realtime"}}}


@cache
def _planned(stack: str, changes_json: str) -> Plan:
    changes = json.loads(changes_json)
    # Self-hosted MLflow needs the environment's opt-in Secrets Manager endpoint.
    self_hosted = (changes.get("mlops:tracking") or {}).get("kind") == "self-hosted"
    return plan_variant(stack, changes, SECRETS_ENDPOINT if self_hosted else None)


def plan_changed(stack: str, changes: dict[str, Any]) -> Plan:
    """Like the `plan_with` fixture (deep-merged config changes), usable from module fixtures;
    planned once per session, each caller gets its own copy."""
    return copy.deepcopy(_planned(stack, json.dumps(changes, sort_keys=True)))


def resource(plan: Plan, type_token: str, name: str) -> PlannedResource:
    return plan.one(type_token, name)


def with_change(
    plan: Plan, type_token: str, name: str, change: Callable[[dict[str, Any]], None]
) -> Plan:
    """A copy of `plan` whose resource `name` of `type_token` has its inputs changed in place."""
    changed = copy.deepcopy(plan)
    change(changed.one(type_token, name).inputs)
    return changed


def findings_for(
    plan: Plan, type_token: str, name: str, path: str | None = None, rule: str | None = None
) -> list[Finding]:
    return [
        f
        for f in check_plan(plan)
        if f.resource_type == type_token
        and f.name == name
        and (path is None or f.path == path)
        and (rule is None or f.rule == rule)
    ]


def one_finding(plan: Plan, type_token: str, name: str, path: str, rule: str) -> Finding:
    """The single finding of a rule on one resource and path; also checks it names them."""
    found = findings_for(plan, type_token, name, path, rule)
    assert len(found) == 1, (found, check_plan(plan))
    item = found[0]
    target = plan.one(type_token, name)
    assert item.urn == target.urn and item.resource_type == type_token and item.name == name
    assert item.source and item.message
    return item


def _input_shape(service: str, operation: str) -> Any:
    return get_session().get_service_model(service).operation_model(operation).input_shape


@cache
def botocore_member(service: str, operation: str, member_path: str) -> Any:
    """A request member's shape, from botocore itself: `member_path` like
    `ProductionVariants.InstanceType` (lists on the way are stepped through)."""
    shape = _input_shape(service, operation)
    for index, name in enumerate(member_path.split(".")):
        if index:
            while shape.type_name == "list":
                shape = shape.member
        shape = shape.members[name]
    return shape


def botocore_shape(service: str, operation: str, member_path: str) -> Any:
    """Like `botocore_member`, and through the member's own list to its items."""
    shape = botocore_member(service, operation, member_path)
    while shape.type_name == "list":
        shape = shape.member
    return shape


def botocore_required(service: str, operation: str) -> list[str]:
    return list(_input_shape(service, operation).required_members)
