"""How often EventBridge schedules run, and how long working-hours schedules keep things on.

Read from the schedule expressions the plan holds (EventBridge Scheduler, "Schedule types",
read 2026-11); only the shapes the cost model needs are understood.
"""

from __future__ import annotations

import re

# Weeks in a month (52.2 / 12), for weekly schedules.
WEEKS_PER_MONTH = 4.35
_DAILY_CRON = re.compile(r"cron\((\d{1,2}) (\d{1,2}) \? \* (\S+) \*\)")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


def runs_per_month(expression: str) -> float:
    """Runs a month of an EventBridge schedule: `rate(N unit)` exactly, `cron(...)` roughly
    (hours `*` = 24 runs a day, `3,15` = 2; days of month or week listed by comma)."""
    rate = re.fullmatch(r"rate\((\d+)\s+(minute|hour|day)s?\)", expression.strip())
    if rate:
        per_day = {"minute": 1440, "hour": 24, "day": 1}[rate.group(2)] / int(rate.group(1))
        return round(per_day * 30, 2)
    cron = re.fullmatch(r"cron\((.+)\)", expression.strip())
    if cron:
        fields = cron.group(1).split()
        if len(fields) >= 5:
            hours, day_of_month, day_of_week = fields[1], fields[2], fields[4]
            per_day = 24 if hours == "*" else len(hours.split(","))
            if day_of_month not in ("*", "?"):
                return float(len(day_of_month.split(",")) * per_day)
            if day_of_week not in ("*", "?"):
                return round(WEEKS_PER_MONTH * len(day_of_week.split(",")) * per_day, 2)
            return 30.0 * per_day
        return 30.0
    return 0.0 if expression.startswith("at(") else 30.0


def working_hours_per_week(start: str, stop: str) -> float | None:
    """Hours a week between a start and a stop `cron(M H ? * DAYS *)` on the same days.

    Only that shape is read (e.g. cron(0 7 ? * MON-FRI *) and cron(0 20 ? * MON-FRI *): 13 h x 5
    days = 65 h); anything else (other days, rates, a stop before the start) gives None.
    """
    first, last = _DAILY_CRON.fullmatch(start.strip()), _DAILY_CRON.fullmatch(stop.strip())
    if not first or not last or first.group(3).upper() != last.group(3).upper():
        return None
    days = _weekday_count(first.group(3).upper())
    on = (
        int(last.group(2)) * 60
        + int(last.group(1))
        - int(first.group(2)) * 60
        - int(first.group(1))
    )
    if days is None or on <= 0:
        return None
    return days * on / 60


def _weekday_count(field: str) -> int | None:
    """Distinct days of a cron day-of-week field of names or 1-7 (SUN=1), lists and ranges."""
    if field == "*":
        return 7

    def index(token: str) -> int | None:
        if token in _WEEKDAYS:
            return _WEEKDAYS.index(token)
        return int(token) - 1 if token.isdigit() and 1 <= int(token) <= 7 else None

    days: set[int] = set()
    for item in field.split(","):
        low, dash, high = item.partition("-")
        first, last = index(low), index(high) if dash else index(low)
        if first is None or last is None or last < first:
            return None
        days.update(range(first, last + 1))
    return len(days)
