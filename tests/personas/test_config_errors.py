"""Bad persona config: one clear error each, before any resource is registered."""

from __future__ import annotations

import pytest

from mlopsctl.plan.engine import PlanError
from settings import ConfigError


@pytest.mark.parametrize(
    ("stack", "changes", "expected"),
    [
        (
            "fraud-dev",
            {"mlops:personas": {"dataScientist": {"principals": ["*"]}}},
            ["mlops:personas.dataScientist.principals[0] = '*'", "no wildcards"],
        ),
        (
            "fraud-dev",
            {"mlops:personas": {"mlEngineer": {"principals": ["arn:aws:iam::12:role/x"]}}},
            ["mlops:personas.mlEngineer.principals[0]", "arn:aws:iam::12:role/x", "allowed:"],
        ),
        (
            "fraud-dev",
            {"mlops:personas": {"dataEngineer": {"principals": []}}},
            ["mlops:personas.dataEngineer: unknown key", "dataScientist"],
        ),
        (
            "fraud-dev",
            {"mlops:personas": {"allowGpu": "maybe"}},
            ["mlops:personas.allowGpu = 'maybe'"],
        ),
        (
            "fraud-dev",
            {"mlops:personas": {"maxSessionHours": 24}},
            ["mlops:personas.maxSessionHours = 24", "allowed: an integer from 1 to 12"],
        ),
        (
            "fraud-dev",
            {"mlops:personas": {"dataStewardReadableClassifications": ["secret"]}},
            ["mlops:personas.dataStewardReadableClassifications[0] = 'secret'", "restricted"],
        ),
        (
            "dev",
            {"mlops:governance": {"auditorPrincipals": ["arn:aws:iam::210987654321:root"]}},
            ["mlops:governance.auditorPrincipals[0]", ":root", "allowed:"],
        ),
        (
            "dev",
            {"mlops:personas": {"allowGpu": True}},
            ["mlops:personas: belongs to the team layer"],
        ),
    ],
)
def test_bad_persona_config_gives_one_clear_error(plan_with, stack, changes, expected):
    with pytest.raises(PlanError) as raised:
        plan_with(stack, changes)
    error = raised.value
    assert isinstance(error.__cause__, ConfigError)
    assert error.registered == 0
    message = str(error.__cause__)
    assert message.count("\n  - ") == 1, message
    for fragment in expected:
        assert fragment in message, message


def test_gpu_types_only_when_allowed(plan_with):
    """A compliant training job on the environment's GPU type: allowed only with allowGpu."""
    from mlopsctl.access.cells import evaluate_cell
    from mlopsctl.access.derive import derive_from_facts
    from mlopsctl.access.facts import facts_of
    from mlopsctl.access.intent import parse_intent
    from mlopsctl.plan.engine import stack_config

    gpu = stack_config("dev")["mlops:governance"]["allowedGpuInstanceTypes"][0]
    job = {
        "sagemaker:InstanceTypes": [gpu],
        "sagemaker:VpcSubnets": "{subnets}",
        "sagemaker:VpcSecurityGroupIds": "{security_groups}",
        "sagemaker:VolumeKmsKey": "{key_arn}",
        "sagemaker:InterContainerTrafficEncryption": "true",
        "aws:RequestTag/team": "{team}",
        "aws:TagKeys": ["team"],
    }
    rule = {"step": "train", "who": "human", "personas": ["data-scientist"]}
    rule |= {"actions": ["sagemaker:CreateTrainingJob"], "resource": {"kind": "training-job"}}
    outcomes = {}
    for allow_gpu in (True, False):
        plan = plan_with("churn-dev", {"mlops:personas": {"allowGpu": allow_gpu}})
        facts = facts_of(plan)
        rules = parse_intent({"rules": [{**rule, "context": job, "expect": "allow"}]})
        (cell,) = derive_from_facts(facts, rules=rules)
        outcomes[allow_gpu] = evaluate_cell(cell, {facts.stack: facts})
    assert outcomes == {True: "allow", False: "deny"}, "judge: evaluator"
