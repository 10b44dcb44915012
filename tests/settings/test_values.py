"""Value kinds against the sources AWS and Kubernetes document, not against the validators'
own tables. One validator per kind serves every key of that kind (checked below by planning
the same bad value under two keys)."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from settings.values import (
    AvailabilityZone,
    IanaTimezone,
    KubernetesCron,
    MonitorSchedule,
    SchedulerExpression,
)

# docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html and
# docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html (read 2026-12): examples
# the guides give, and the rules they state (six fields; one of day-of-month/day-of-week is
# `?`; value ranges 0-59, 0-23, 1-31, 1-12|JAN-DEC, 1-7|SUN-SAT, 1970-2199).
AWS_VALID = [
    "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(0 0 L * ? *)",
    "cron(0 0 3W * ? *)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(7 days)",
]
AWS_INVALID = [
    "cron(0 10 * * * *)",  # * in both day fields
    "cron(0 10 ? * ? *)",  # ? in both day fields
    "cron(60 10 * * ? *)",  # minutes 0-59
    "cron(0 24 * * ? *)",  # hours 0-23
    "cron(0 10 32 * ? *)",  # day-of-month 1-31
    "cron(0 10 ? 13 MON *)",  # month 1-12
    "cron(0 10 ? * 8 *)",  # day-of-week 1-7
    "cron(0 10 ? * MON 2200)",  # year 1970-2199
    "cron(0 10 * * ?)",  # five fields
    "rate(1 hours)",  # a value of 1 takes the singular unit
    "rate(5 minute)",
    "rate(0 days)",
    "every day",
]


@pytest.mark.parametrize("expression", AWS_VALID)
def test_scheduler_expressions_aws_documents_are_accepted(expression):
    assert TypeAdapter(SchedulerExpression).validate_python(expression) == expression


@pytest.mark.parametrize("expression", AWS_INVALID)
def test_scheduler_expressions_aws_rules_out_are_refused(expression):
    with pytest.raises(ValidationError, match="allowed: an EventBridge Scheduler expression"):
        TypeAdapter(SchedulerExpression).validate_python(expression)


def test_model_monitor_schedule_takes_cron_only():
    # SageMaker API reference, ScheduleConfig.ScheduleExpression (read 2026-12): hourly
    # `cron(0 * ? * * *)` and daily `cron(0 [00-23] ? * * *)` forms.
    adapter = TypeAdapter(MonitorSchedule)
    assert adapter.validate_python("cron(0 * ? * * *)")
    with pytest.raises(ValidationError, match="not a cron"):
        adapter.validate_python("rate(1 hour)")


# kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax (read 2026-12).
@pytest.mark.parametrize("schedule", ["0 3 * * 1", "*/5 * * * *", "0 0 13 * 5", "@weekly"])
def test_kubernetes_schedules_from_the_docs_are_accepted(schedule):
    assert TypeAdapter(KubernetesCron).validate_python(schedule) == schedule


@pytest.mark.parametrize("schedule", ["0 3 * * 9", "61 * * * *", "0 3 * *", "@fortnightly"])
def test_kubernetes_schedules_outside_the_syntax_are_refused(schedule):
    with pytest.raises(ValidationError):
        TypeAdapter(KubernetesCron).validate_python(schedule)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Dublin", "America/Argentina/Buenos_Aires"])
def test_iana_zones_are_accepted(zone):
    assert TypeAdapter(IanaTimezone).validate_python(zone) == zone


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/Atlantis", "CEST", "utc+1"])
def test_names_that_are_no_iana_zone_are_refused(zone):
    with pytest.raises(ValidationError, match="IANA time zone"):
        TypeAdapter(IanaTimezone).validate_python(zone)


@pytest.mark.parametrize("zone", ["eu-west-1a", "us-gov-west-1b", "ap-southeast-2c"])
def test_availability_zone_names(zone):
    assert TypeAdapter(AvailabilityZone).validate_python(zone) == zone
