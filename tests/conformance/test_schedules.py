"""EventBridge Scheduler expressions and time zones on a tracking server's working-hours
schedule (fraud-dev on a managed tracking server, stopped at night).

Expected verdicts come from the EventBridge Scheduler User Guide, "Schedule types on
EventBridge Scheduler" (read 2026-12-01), whose field table and examples are quoted here, and
time zones from the IANA database as Python's zoneinfo ships it.
"""

from __future__ import annotations

import zoneinfo

import pytest

from mlopsctl.conformance import check_plan
from tests.conformance.helpers import one_finding, plan_changed, with_change

SCHEDULE = "aws:scheduler/schedule:Schedule"
NAME = "tracking-stop-schedule"


@pytest.fixture(scope="module")
def fraud():
    return plan_changed("fraud-dev", {"mlops:tracking": {"kind": "sagemaker"}})


def _with(fraud, **change):
    return with_change(fraud, SCHEDULE, NAME, lambda inputs: inputs.update(change))


@pytest.mark.parametrize(
    "bad",
    [
        "cron(0 20 * * MON-FRI *)",  # day-of-month and day-of-week both set
        "cron(0 20 ? * ? *)",  # both '?'
        "cron(0 24 ? * MON-FRI *)",  # hours 0-23
        "cron(60 20 ? * MON-FRI *)",  # minutes 0-59
        "cron(0 20 ? 13 MON *)",  # month 1-12
        "cron(0 20 ? * 8 *)",  # day-of-week 1-7
        "cron(0 20 ? * MON-FRI 2200)",  # year 1970-2199
        "cron(0 20 ? * MON-FRI)",  # five fields
        "cron(0 20 32 * ? *)",  # day-of-month 1-31
        "cron(0 20 ? * MON/2 *)",  # '/' is not a day-of-week wildcard
        "rate(1 hours)",  # a value of 1 takes the singular unit
        "rate(5 minute)",
        "rate(0 minutes)",
        "rate(2 weeks)",
        "every day",
    ],
)
def test_bad_expression_is_named(fraud, bad):
    item = one_finding(
        _with(fraud, scheduleExpression=bad),
        SCHEDULE,
        NAME,
        "scheduleExpression",
        "scheduler-expression",
    )
    assert item.value == bad and "Schedule types" in item.source


@pytest.mark.parametrize(
    "good",
    [
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
        "at(2026-12-24T18:00:00)",
    ],
)
def test_documented_examples_pass(fraud, good):
    changed = _with(fraud, scheduleExpression=good)
    assert [f for f in check_plan(changed) if f.rule == "scheduler-expression"] == []


@pytest.mark.parametrize(
    "bad", ["Europe/Dubln", "CET+1", "Dublin", "../etc/passwd", "posix/Europe/Dublin", "posixrules"]
)
def test_timezone_outside_the_iana_database_is_named(fraud, bad):
    assert bad not in zoneinfo.available_timezones()
    item = one_finding(
        _with(fraud, scheduleExpressionTimezone=bad),
        SCHEDULE,
        NAME,
        "scheduleExpressionTimezone",
        "scheduler-timezone",
    )
    assert item.value == bad and "IANA" in item.source


def test_iana_timezones_pass(fraud):
    for zone in ("Europe/Dublin", "UTC", "America/Argentina/Buenos_Aires", "Asia/Kolkata"):
        assert zone in zoneinfo.available_timezones()
        changed = _with(fraud, scheduleExpressionTimezone=zone)
        assert [f for f in check_plan(changed) if f.rule == "scheduler-timezone"] == []
