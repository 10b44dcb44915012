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
    on = plan_with("churn-dev", {"mlops:personas": {"allowGpu": True}})
    from tests.personas.helpers import role_documents
    from tests.personas.iam_eval import evaluate

    docs = role_documents(on)["data-scientist"]["policies"]
    context = {"sagemaker:InstanceTypes": ["ml.g5.xlarge"]}
    arn = "arn:aws:sagemaker:eu-west-1:210987654321:space/d-0123456789ab/mlops-churn-dev-s"
    assert evaluate(docs, "sagemaker:CreateSpace", arn, context) == "allow"
