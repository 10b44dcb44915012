"""The team budget: the component planned by the offline engine in a small program of its own,
and its settings (`mlops:team.budgetAlerts`) through the settings models.

Expected values come from the inputs given here and from AWS's documented forms (Budgets API
reference `Budget`, `Expression`, `Notification`; pulumi-aws 7.51 `budgets/budget.py` examples;
read 2026-12): a user-defined tag in a `TagKeyValue` cost filter is `user:<key>$<value>`, an
`And` expression takes one `Tags` operand per tag, named by the tag key as written.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

import settings
from mlopsctl.conformance import check_plan
from mlopsctl.plan.engine import run_program
from mlopsctl.plan.model import Plan, PlannedResource
from settings import ConfigError, Project
from settings.loader import load_settings

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "budget-check"
BUDGET = "aws:budgets/budget:Budget"
OWNER = "fraud-lead@example.com"
EXTRA = ["finops@example.com", "cto@example.com"]

PROGRAM = """
import json
import pulumi
from components.budget import TeamBudget, TeamBudgetArgs
from components.naming import Naming

config = pulumi.Config()
naming = Naming(
    prefix="mlops",
    team=config.require("team"),
    environment=config.require("environment"),
    account_id=config.require("accountId"),
    region="eu-west-1",
)
budget = TeamBudget(
    "budget",
    TeamBudgetArgs(
        naming=naming,
        monthly_limit_usd=float(config.require("limit")),
        owner_email=config.require("owner"),
        cost_allocation_tags=json.loads(config.require("tags")),
        forecasted_threshold_percent=float(config.require("forecasted")),
        actual_threshold_percent=float(config.require("actual")),
        extra_subscriber_emails=tuple(json.loads(config.require("extra"))),
    ),
)
pulumi.export("budgetName", budget.name)
"""


def plan_budget(work: Path, **values: Any) -> Plan:
    """Plan the program with `values` (team, environment, limit, owner, tags, thresholds)."""
    (work / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n")
    (work / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    given = {
        "accountId": "210987654321",
        "team": "fraud",
        "environment": "dev",
        "limit": 1500,
        "owner": OWNER,
        "tags": {"team": "fraud", "environment": "dev"},
        "forecasted": 100,
        "actual": 80,
        "extra": [],
        **values,
    }
    config = {"aws:region": "eu-west-1"}
    for key, value in given.items():
        config[f"{PROJECT}:{key}"] = value if isinstance(value, str) else json.dumps(value)
    return run_program("dev", config, work)


def the_budget(plan: Plan) -> PlannedResource:
    (budget,) = plan.of_type(BUDGET)
    return budget


@pytest.fixture(scope="module")
def two_tags(tmp_path_factory) -> Plan:
    return plan_budget(tmp_path_factory.mktemp("budget"), extra=EXTRA)


@pytest.fixture(scope="module")
def team_only(tmp_path_factory) -> Plan:
    return plan_budget(
        tmp_path_factory.mktemp("budget-team"),
        team="churn",
        limit=750.5,
        tags={"team": "churn"},
        forecasted=120,
        actual=50,
    )


def test_a_monthly_cost_budget_named_after_the_scope_with_the_limit_in_usd(two_tags):
    inputs = the_budget(two_tags).inputs
    assert inputs["name"] == "mlops-fraud-dev-monthly"
    assert two_tags.exports["budgetName"] == "mlops-fraud-dev-monthly"
    assert inputs["budgetType"] == "COST"
    assert inputs["timeUnit"] == "MONTHLY"
    assert inputs["limitUnit"] == "USD"
    # The API's Spend.Amount is a decimal string.
    assert re.fullmatch(r"\d+(\.\d+)?", inputs["limitAmount"])
    assert float(inputs["limitAmount"]) == 1500


def test_two_tags_are_both_required_through_an_and_expression(two_tags):
    inputs = the_budget(two_tags).inputs
    assert "costFilters" not in inputs  # CostFilters' tag values are alternatives (OR)
    operands = inputs["filterExpression"]["ands"]
    assert sorted((o["tags"]["key"], o["tags"]["values"]) for o in operands) == [
        ("environment", ["dev"]),
        ("team", ["fraud"]),
    ]
    assert all(set(o) == {"tags"} for o in operands)
    assert inputs["metrics"] == "UnblendedCost"  # the provider requires metrics with it


def test_one_tag_is_the_documented_tag_key_value_cost_filter(team_only):
    inputs = the_budget(team_only).inputs
    assert inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:team$churn"]}]
    assert "filterExpression" not in inputs
    assert "metrics" not in inputs
    assert inputs["name"] == "mlops-churn-dev-monthly"
    assert float(inputs["limitAmount"]) == 750.5


def _alerts(plan: Plan) -> dict[str, dict[str, Any]]:
    notifications = the_budget(plan).inputs["notifications"]
    alerts = {n["notificationType"]: n for n in notifications}
    assert len(alerts) == len(notifications) == 2
    return alerts


def test_the_owner_and_the_extra_addresses_get_a_forecast_and_an_actual_alert(two_tags):
    alerts = _alerts(two_tags)
    assert alerts["FORECASTED"]["threshold"] == 100
    assert alerts["ACTUAL"]["threshold"] == 80
    for alert in alerts.values():
        assert alert["comparisonOperator"] == "GREATER_THAN"
        assert alert["thresholdType"] == "PERCENTAGE"
        assert alert["subscriberEmailAddresses"] == [OWNER, *EXTRA]


def test_thresholds_are_the_ones_given(team_only):
    alerts = _alerts(team_only)
    assert (alerts["FORECASTED"]["threshold"], alerts["ACTUAL"]["threshold"]) == (120, 50)
    assert alerts["ACTUAL"]["subscriberEmailAddresses"] == [OWNER]


def test_aws_would_accept_the_planned_budgets(two_tags, team_only):
    for plan in (two_tags, team_only):
        assert {(f.rule, f.path): f.message for f in check_plan(plan)} == {}


def test_the_owner_listed_again_is_subscribed_once(tmp_path):
    plan = plan_budget(tmp_path, extra=[OWNER, "finops@example.com"])
    emails = _alerts(plan)["ACTUAL"]["subscriberEmailAddresses"]
    assert emails == [OWNER, "finops@example.com"]


# -- settings: mlops:team.budgetAlerts -----------------------------------------------------------

SETTINGS_PROJECT = Project.at(ROOT)


def team_settings(alerts: dict[str, Any] | None) -> Any:
    config = settings.stack_config(SETTINGS_PROJECT, "fraud-dev")
    team = dict(config["mlops:team"])
    if alerts is not None:
        team["budgetAlerts"] = alerts
    return load_settings({**config, "mlops:team": team}, "fraud-dev", SETTINGS_PROJECT)


def test_the_defaults_alert_at_a_forecast_of_100_and_an_actual_80_percent():
    alerts = team_settings(None).team.budget_alerts
    assert (alerts.forecasted_percent, alerts.actual_percent) == (100, 80)
    assert alerts.extra_emails == []


def test_good_values_are_taken_as_written():
    alerts = team_settings(
        {"forecastedPercent": 150, "actualPercent": 0.5, "extraEmails": EXTRA}
    ).team.budget_alerts
    assert (alerts.forecasted_percent, alerts.actual_percent) == (150, 0.5)
    assert alerts.extra_emails == EXTRA


PERCENT_ALLOWED = "allowed: a percentage of the budget above 0 and up to 1000"


@pytest.mark.parametrize(
    ("alerts", "expected"),
    [
        ({"actualPercent": 0}, f"mlops:team.budgetAlerts.actualPercent = 0: {PERCENT_ALLOWED}"),
        (
            {"forecastedPercent": 1001},
            f"mlops:team.budgetAlerts.forecastedPercent = 1001: {PERCENT_ALLOWED}",
        ),
        (
            {"actualPercent": -5},
            f"mlops:team.budgetAlerts.actualPercent = -5: {PERCENT_ALLOWED}",
        ),
        (
            {"extraEmails": ["finops"]},
            "mlops:team.budgetAlerts.extraEmails[0] = 'finops': allowed: an e-mail address",
        ),
        (
            {"extraEmails": [f"p{i}@example.com" for i in range(10)]},
            "mlops:team.budgetAlerts.extraEmails = ",
        ),
        (
            {"extraEmails": ["a@example.com", "a@example.com"]},
            "allowed: up to 9 distinct e-mail addresses",
        ),
        ({"threshold": 90}, "mlops:team.budgetAlerts.threshold"),
    ],
    ids=["zero", "over-1000", "negative", "not-an-email", "ten-extra", "twice", "unknown-key"],
)
def test_a_bad_value_is_one_error_naming_key_value_and_what_is_allowed(alerts, expected):
    with pytest.raises(ConfigError) as caught:
        team_settings(alerts)
    message = str(caught.value)
    assert message.count("\n  - ") == 1, message
    assert expected in message, message
