"""EventBridge Scheduler schedule expressions and time zones.

Source: EventBridge Scheduler User Guide, "Schedule types on EventBridge Scheduler"
(https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html), read 2026-12-01:
`rate(value unit)` with a positive integer and unit minute(s)|hour(s)|day(s) (singular for 1);
`cron(minutes hours day-of-month month day-of-week year)`, six fields: minutes 0-59 `, - * /`,
hours 0-23 `, - * /`, day-of-month 1-31 `, - * ? / L W`, month 1-12 or JAN-DEC `, - * /`,
day-of-week 1-7 or SUN-SAT `, - * ? L #`, year 1970-2199 `, - * /`; one of day-of-month and
day-of-week must be `?`; `at(yyyy-mm-ddThh:mm:ss)` for one-time schedules.
`ScheduleExpressionTimezone`: a time zone of the IANA database (CreateSchedule API reference),
checked with Python's zoneinfo.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import NamedTuple

from mlopsctl.conformance.finding import Finding, Origin, finding
from mlopsctl.plan.model import Plan

SCHEDULE = "aws:scheduler/schedule:Schedule"
SOURCE = "EventBridge Scheduler User Guide: Schedule types (read 2026-12-01)"
TZ_SOURCE = "EventBridge Scheduler CreateSchedule.ScheduleExpressionTimezone: IANA time zone"
EXPRESSION = Origin("scheduler-expression", SOURCE)
TIMEZONE = Origin("scheduler-timezone", TZ_SOURCE)
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


class Field(NamedTuple):
    name: str
    low: int
    high: int
    wildcards: str
    names: tuple[str, ...] = ()


FIELDS = (
    Field("minutes", 0, 59, ",-*/"),
    Field("hours", 0, 23, ",-*/"),
    Field("day-of-month", 1, 31, ",-*?/LW"),
    Field("month", 1, 12, ",-*/", tuple(_MONTHS)),
    Field("day-of-week", 1, 7, ",-*?L#", tuple(_DAYS)),
    Field("year", 1970, 2199, ",-*/"),
)


def _number(text: str, spec: Field) -> bool:
    if text in spec.names:
        return True
    return text.isdigit() and spec.low <= int(text) <= spec.high


def _range_ok(text: str, spec: Field) -> bool:
    low, _, high = text.partition("-")
    return _number(low, spec) and _number(high, spec)


def _item_ok(text: str, spec: Field) -> bool:
    if "/" in text:
        start, _, step = text.partition("/")
        start_ok = start == "*" or _number(start, spec) or ("-" in start and _range_ok(start, spec))
        return "/" in spec.wildcards and start_ok and step.isdigit() and int(step) > 0
    if "-" in text:
        return _range_ok(text, spec)
    return _number(text, spec)


def _special_ok(text: str, spec: Field) -> bool:
    """`L`, `W` and `#` forms of the day fields."""
    if spec.name == "day-of-month":
        return text == "L" or (text.endswith("W") and _number(text[:-1], spec))
    if spec.name == "day-of-week":
        if text.endswith("L"):
            return text == "L" or _number(text[:-1], spec)
        day, _, nth = text.partition("#")
        return bool(nth) and _number(day, spec) and nth in "12345" and len(nth) == 1
    return False


def cron_field_problem(text: str, spec: Field) -> str | None:
    if text in ("*", "?"):
        return None if text in spec.wildcards else f"'?' is not allowed in {spec.name}"
    if any(mark in text for mark in "LW#") and _special_ok(text, spec):
        return None
    if all(_item_ok(item, spec) for item in text.split(",")) and (
        "," not in text or "," in spec.wildcards
    ):
        return None
    names = f" or {spec.names[0]}-{spec.names[-1]}" if spec.names else ""
    return f"{spec.name} '{text}' is not {spec.low}-{spec.high}{names} with {spec.wildcards}"


def _rate_problem(body: str) -> str | None:
    match = re.fullmatch(r"(\d+) (minute|hour|day)(s?)", body)
    if not match:
        return "a rate is 'rate(value unit)', unit minute(s), hour(s) or day(s)"
    value = int(match[1])
    if value < 1:
        return "a rate's value must be a positive integer"
    if (match[3] == "s") != (value > 1):
        return "a rate of 1 takes a singular unit, larger values a plural one"
    return None


def _at_problem(body: str) -> str | None:
    try:
        datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return "a one-time schedule is 'at(yyyy-mm-ddThh:mm:ss)'"
    return None


def _cron_problem(body: str) -> str | None:
    fields = body.split()
    if len(fields) != len(FIELDS):
        return f"a cron expression has {len(FIELDS)} fields, this one {len(fields)}"
    for text, spec in zip(fields, FIELDS, strict=True):
        problem = cron_field_problem(text, spec)
        if problem:
            return problem
    if (fields[2] == "?") == (fields[4] == "?"):
        return "exactly one of day-of-month and day-of-week must be '?'"
    return None


_BODY_PROBLEMS = {"cron": _cron_problem, "rate": _rate_problem, "at": _at_problem}


def expression_problem(expression: str) -> str | None:
    """Why EventBridge Scheduler refuses `expression` (None: it accepts it)."""
    match = re.fullmatch(r"(cron|rate|at)\((.*)\)", expression)
    if not match:
        return "not a cron(...), rate(...) or at(...) expression"
    return _BODY_PROBLEMS[match[1]](match[2])


# Files of a tz installation that are not zones of the database (or are its other builds).
_NOT_ZONES = frozenset({"posixrules", "localtime", "Factory"})


@cache
def is_iana_zone(name: str) -> bool:
    """A zone of the IANA time zone database, looked up with zoneinfo (the system's tzdata or
    the tzdata package): cheaper than listing every zone, which costs tens of milliseconds."""
    import zoneinfo

    parts = name.split("/")
    if not name or name in _NOT_ZONES or parts[0] in ("", "posix", "right") or ".." in parts:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def check(plan: Plan) -> list[Finding]:
    found = []
    for resource in plan.of_type(SCHEDULE):
        expression = resource.inputs.get("scheduleExpression")
        if isinstance(expression, str) and (problem := expression_problem(expression)):
            message = f"'{expression}': {problem}"
            found.append(
                finding(
                    resource,
                    "scheduleExpression",
                    expression,
                    EXPRESSION,
                    message,
                )
            )
        zone = resource.inputs.get("scheduleExpressionTimezone")
        if isinstance(zone, str) and not is_iana_zone(zone):
            found.append(
                finding(
                    resource,
                    "scheduleExpressionTimezone",
                    zone,
                    TIMEZONE,
                    f"'{zone}' is not an IANA time zone name, e.g. Europe/Dublin",
                )
            )
    return found
