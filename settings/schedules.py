"""Schedule expressions: EventBridge Scheduler cron/rate and Kubernetes CronJob cron.

Pure functions returning why an expression is invalid (None: it is valid), so one validator
serves every key that holds a schedule (tracking working hours, retraining, monitoring).
"""

from __future__ import annotations

import re

# EventBridge Scheduler expressions (Scheduler user guide, "Schedule types on EventBridge
# Scheduler", docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html, read
# 2026-11): cron(minutes hours day-of-month month day-of-week year), where exactly one of
# day-of-month and day-of-week is `?`, or rate(value unit), singular unit for 1.
SCHEDULER_ALLOWED = (
    "an EventBridge Scheduler expression: cron(minutes hours day-of-month month day-of-week "
    "year) with exactly one of day-of-month/day-of-week '?', e.g. cron(0 7 ? * MON-FRI *), "
    "or rate(N minute(s)|hour(s)|day(s)), e.g. rate(12 hours)"
)
KUBERNETES_CRON_ALLOWED = (
    "a five-field cron schedule (minute hour day-of-month month day-of-week), e.g. 0 3 * * 1"
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
Field = tuple[str, int, int, tuple[str, ...]]  # name, lowest, highest, names instead of numbers
_SCHEDULER_FIELDS: tuple[Field, ...] = (
    ("minutes", 0, 59, ()),
    ("hours", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 1, 7, _DAYS),
    ("year", 1970, 2199, ()),
)
# Kubernetes CronJob schedule (kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/,
# "Schedule syntax", read 2026-11): day-of-week 0-6 (Sunday 0; 7 is accepted as Sunday too).
_KUBERNETES_FIELDS: tuple[Field, ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 0, 7, _DAYS),
)


def _value_ok(token: str, field: Field) -> bool:
    _, low, high, names = field
    return token.upper() in names or (token.isdigit() and low <= int(token) <= high)


def _item_ok(item: str, field: Field) -> bool:
    """One list item of a cron field: `*`, `n`, `n-m`, each with an optional `/step`."""
    base, slash, step = item.partition("/")
    if slash and not (step.isdigit() and int(step) >= 1):
        return False
    if base == "*":
        return True
    first, dash, last = base.partition("-")
    return _value_ok(first, field) and (not dash or _value_ok(last, field))


def _list_ok(text: str, field: Field) -> bool:
    return all(item and _item_ok(item, field) for item in text.split(","))


def _scheduler_field_ok(text: str, index: int) -> bool:
    field = _SCHEDULER_FIELDS[index]
    if (
        (text == "?" and index in (2, 4))
        or (index == 2 and re.fullmatch(r"L|LW|([1-9]|[12]\d|3[01])W", text))
        or (index == 4 and text == "L")
    ):
        return True
    last_or_nth = re.fullmatch(r"(\w+)(L|#[1-5])", text) if index == 4 else None
    if last_or_nth:
        return _value_ok(last_or_nth.group(1), field)
    return _list_ok(text, field)


def _rate_problem(expression: str) -> str | None:
    rate = re.fullmatch(r"rate\((\d+) (minute|hour|day)(s?)\)", expression)
    if not rate:
        return "not a cron(...) or rate(...) expression"
    value, plural = int(rate.group(1)), rate.group(3) == "s"
    if value < 1:
        return "a rate needs a positive value"
    if plural != (value > 1):
        return "a rate of 1 takes a singular unit, other values a plural one"
    return None


def scheduler_expression_problem(expression: str, allow_rate: bool = True) -> str | None:
    """Why `expression` is not a recurring EventBridge Scheduler expression (None: it is)."""
    cron = re.fullmatch(r"cron\(([^()]*)\)", expression)
    if not cron:
        return _rate_problem(expression) if allow_rate else "not a cron(...) expression"
    fields = cron.group(1).split()
    if len(fields) != len(_SCHEDULER_FIELDS):
        return f"a cron expression has {len(_SCHEDULER_FIELDS)} fields, this one {len(fields)}"
    for index, text in enumerate(fields):
        if not _scheduler_field_ok(text, index):
            return f"{_SCHEDULER_FIELDS[index][0]} field '{text}' is not valid"
    if (fields[2] == "?") == (fields[4] == "?"):
        return "exactly one of day-of-month and day-of-week must be '?'"
    return None


def kubernetes_cron_problem(expression: str) -> str | None:
    """Why `expression` is not a Kubernetes CronJob schedule (None: it is)."""
    if expression.startswith("@"):
        allowed = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
        return None if expression in allowed else f"unknown macro '{expression}'"
    fields = expression.split()
    if len(fields) != len(_KUBERNETES_FIELDS):
        return f"a cron schedule has {len(_KUBERNETES_FIELDS)} fields, this one {len(fields)}"
    for text, field in zip(fields, _KUBERNETES_FIELDS, strict=True):
        if text != "?" and not _list_ok(text, field):
            return f"{field[0]} field '{text}' is not valid"
    return None
