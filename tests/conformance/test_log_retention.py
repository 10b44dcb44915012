"""CloudWatch Logs retention on the self-hosted MLflow log group: only the documented periods.

The allowed values are read from botocore's documentation of PutRetentionPolicy
`retentionInDays` (the API reference text), not from the checker.
"""

from __future__ import annotations

import re

import pytest

from mlopsctl.conformance import check_plan
from tests.conformance.helpers import (
    SELF_HOSTED,
    botocore_member,
    one_finding,
    plan_changed,
    with_change,
)

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DOCUMENTED = {
    int(n)
    for n in re.findall(
        r"\d+",
        botocore_member("logs", "PutRetentionPolicy", "retentionInDays")
        .documentation.split("Possible values are:")[1]
        .split(".")[0],
    )
}


@pytest.fixture(scope="module")
def planned():
    return plan_changed("fraud-dev", SELF_HOSTED)


def test_documented_values():
    assert {1, 7, 30, 90, 365, 3653} <= DOCUMENTED and 31 not in DOCUMENTED


@pytest.mark.parametrize("days", [2, 31, 100, 4000])
def test_undocumented_retention_is_named(planned, days):
    assert days not in DOCUMENTED
    (group,) = planned.of_type(LOG_GROUP)
    changed = with_change(
        planned, LOG_GROUP, group.name, lambda i: i.update(retentionInDays=float(days))
    )
    item = one_finding(changed, LOG_GROUP, group.name, "retentionInDays", "logs-retention-days")
    assert "PutRetentionPolicy" in item.source


def test_documented_retention_passes(planned):
    (group,) = planned.of_type(LOG_GROUP)
    for days in sorted(DOCUMENTED):
        changed = with_change(
            planned, LOG_GROUP, group.name, lambda i, d=days: i.update(retentionInDays=d)
        )
        assert [f for f in check_plan(changed) if f.rule == "logs-retention-days"] == []
