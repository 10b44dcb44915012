"""AWS accepts every planned value: zero findings on every shipped stack and on a matrix of
variants (each lab kind, each tracking kind, each inference backend and mode, production on and
off, GPU on and off). Findings are printed (`pytest -s`) before the assertion.
"""

from __future__ import annotations

import json

import pytest

from mlopsctl.conformance import check_plan, findings_to_json
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import CERT, NOTEBOOK_LAB, REALTIME, SELF_HOSTED, plan_changed
from tests.conftest import SERVED, SHIPPED_STACKS, deep_merge

KUBERNETES = {
    "mlops:inference": {
        "backend": "kubernetes",
        "model": {"version": 3},
        "kubernetes": {
            "context": "arn:aws:eks:eu-west-1:210987654321:cluster/ml-dev",
            "oidcProviderArn": "arn:aws:iam::210987654321:oidc-provider/oidc.eks.eu-west-1"
            ".amazonaws.com/id/5C1A7E0B2D9F4E3A8B6C0D1E2F3A4B5C",
        },
    }
}
PROD_SELF_HOSTED = {
    "mlops:tracking": {
        "kind": "self-hosted",
        "selfHosted": {"certificateArn": CERT.replace("210987654321", "345678901234")},
    }
}
GPU_OFF = {"mlops:personas": {"allowGpu": False}}
GPU_ON = {"mlops:personas": {"allowGpu": True}}
GPU_ENDPOINT = {
    "mlops:personas": {"allowGpu": True},
    "mlops:inference": {
        "sagemaker": {"mode": "realtime", "instanceType": "ml.g5.xlarge", "maxInstances": 2}
    },
}
VARIANTS = {
    "fraud-dev lab notebook-instance": ("fraud-dev", NOTEBOOK_LAB),
    "fraud-dev gpu off": ("fraud-dev", GPU_OFF),
    "fraud-dev gpu endpoint": ("fraud-dev", GPU_ENDPOINT),
    "churn-dev gpu on": ("churn-dev", GPU_ON),
    "vision-dev kubernetes (shipped) realtime retraining off": (
        "vision-dev",
        {"mlops:retraining": {"enabled": False}},
    ),
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
def test_aws_accepts_every_value_of_a_shipped_stack(stack):
    assert _report(stack, plan_stack(stack)) == []


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_aws_accepts_every_value_of_a_variant(label):
    """Each variant serves a model version (the shipped stacks name none yet), so endpoints,
    models and model servers are checked too."""
    stack, changes = VARIANTS[label]
    assert _report(label, plan_changed(stack, deep_merge(SERVED, changes))) == []
