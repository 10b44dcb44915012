"""CloudWatch Logs retention periods: only the listed numbers of days.

Source: CloudWatch Logs API Reference, PutRetentionPolicy `retentionInDays` (also the
documentation string of botocore's logs model; the model itself has no enum), read 2026-12-01:
"Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
1827, 2192, 2557, 2922, 3288, and 3653". The provider takes 0 for "never expire" and then
sends no PutRetentionPolicy at all.
"""

from __future__ import annotations

from mlopsctl.conformance.finding import Finding, Origin, finding
from mlopsctl.conformance.shapes import plain
from mlopsctl.plan.model import Plan

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ORIGIN = Origin(
    "logs-retention-days",
    "CloudWatch Logs API Reference: PutRetentionPolicy retentionInDays (read 2026-12-01)",
)
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
NEVER_EXPIRE = 0


def check(plan: Plan) -> list[Finding]:
    found = []
    for resource in plan.of_type(LOG_GROUP):
        days = plain(resource.inputs.get("retentionInDays"))
        if not isinstance(days, int | float) or isinstance(days, bool):
            continue
        if days != NEVER_EXPIRE and days not in RETENTION_DAYS:
            nearest = min(RETENTION_DAYS, key=lambda allowed: abs(allowed - days))
            message = f"{days:g} days is not a retention period Logs offers; nearest: {nearest}"
            found.append(finding(resource, "retentionInDays", days, ORIGIN, message))
    return found
