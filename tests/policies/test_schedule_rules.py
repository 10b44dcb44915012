"""`sagemaker-schedule-keeps-judged-parameters`: which schedule, which pipeline, which fields."""

from __future__ import annotations

import pytest

from tests.policies.corpus import schedules
from tests.policies.helpers import caught, change

RULE = schedules.RULE
GPU = schedules.parameterised(
    "InstanceType", "ml.m5.xlarge", schedules.instance_type, "ml.p4d.24xlarge"
)


@pytest.fixture
def fraud_dev(plan):
    return plan("fraud-dev")


def test_the_message_names_schedule_parameter_value_and_field(fraud_dev) -> None:
    GPU(fraud_dev)
    (message,) = caught(fraud_dev)[RULE]
    assert "'InstanceType' = 'ml.p4d.24xlarge'" in message
    assert "step Retrain: ProcessingResources.ClusterConfig.InstanceType" in message


def test_the_pipeline_rules_alone_pass_the_variant(fraud_dev) -> None:
    """What the new rule is for: the default is compliant, so only the schedule is caught."""
    GPU(fraud_dev)
    assert set(caught(fraud_dev)) == {RULE}


def test_a_schedule_of_another_pipeline_is_not_judged_against_this_one(fraud_dev) -> None:
    GPU(fraud_dev)
    other = "arn:aws:sagemaker:eu-west-1:210987654321:pipeline/another-teams-pipeline"
    change(fraud_dev, schedules.SCHEDULE, None, lambda props: props["target"].update(arn=other))
    assert RULE not in caught(fraud_dev)


def test_an_unknown_target_at_preview_is_judged_against_every_pipeline(fraud_dev) -> None:
    GPU(fraud_dev)
    change(fraud_dev, schedules.SCHEDULE, None, lambda props: props["target"].pop("arn"))
    assert RULE in caught(fraud_dev)


def test_a_parameter_outside_judged_fields_may_be_passed(fraud_dev) -> None:
    schedules.scheduled_training_date(fraud_dev)
    assert RULE not in caught(fraud_dev)
