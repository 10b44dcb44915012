"""The checker on every shipped stack and on the variants: what it finds today.

Not asserted to be empty yet: the components have known findings the lead engineer fixes
(reported with this checker). The test prints them (`pytest -s`) and checks that each finding
is well formed and names a planned resource.
"""

from __future__ import annotations

import json

import pytest

from mlopsctl.conformance import check_plan, findings_to_json
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import CERT, NOTEBOOK_LAB, REALTIME, SELF_HOSTED, plan_changed
from tests.conftest import SHIPPED_STACKS

KUBERNETES = {
    "mlops:inference": {
        "backend": "kubernetes",
        "model": {"dataUrl": None, "uri": "models:/fraud-classifier/3"},
        "kubernetes": {"context": "arn:aws:eks:eu-west-1:210987654321:cluster/ml-dev"},
    }
}
PROD_SELF_HOSTED = {
    "mlops:tracking": {
        "kind": "self-hosted",
        "selfHosted": {"certificateArn": CERT.replace("210987654321", "345678901234")},
    }
}
VARIANTS = {
    "fraud-dev lab notebook-instance": ("fraud-dev", NOTEBOOK_LAB),
    "fraud-dev tracking self-hosted": ("fraud-dev", SELF_HOSTED),
    "fraud-dev inference kubernetes": ("fraud-dev", KUBERNETES),
    "fraud-dev inference realtime": ("fraud-dev", REALTIME),
    "fraud-prod (production) lab notebook-instance": ("fraud-prod", NOTEBOOK_LAB),
    "fraud-prod (production) tracking self-hosted": ("fraud-prod", PROD_SELF_HOSTED),
}


def _report(label, plan):
    findings = check_plan(plan)
    urns = {r.urn for r in plan.resources}
    for item in findings:
        assert item.urn in urns and item.rule and item.source and item.message
    json.dumps(findings_to_json(findings))
    print(f"\n{label}: {len(findings)} finding(s)")
    for item in findings:
        print(f"  {item.resource_type} {item.name} {item.path} = {str(item.value)[:60]!r}")
        print(f"    {item.rule} [{item.source}] {item.message}")
    return findings


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack(stack):
    _report(stack, plan_stack(stack))


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_variant(label):
    stack, changes = VARIANTS[label]
    _report(label, plan_changed(stack, changes))
