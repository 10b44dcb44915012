"""Monthly cost of a planned stack: what it costs idle, and with typical use.

Reads the plan generically, by type token and inputs, so it prices whatever components exist:
- idle: what bills with nothing running: interface endpoints per AZ-hour, NAT gateways, their
  public IPv4 addresses and transit gateway attachments per hour, KMS keys, S3/ECR/EFS
  baseline storage, MLflow tracking servers (always on, or the working hours of their stop/start
  schedules), MLflow Apps (no charge), RDS, load balancers, Fargate services, secrets,
  CloudWatch alarms, budgets, real-time endpoint instances at their initial count, notebook and
  space volumes;
- typical: idle plus notebook hours per member, serverless endpoint traffic, scheduled
  retraining and monitoring runs, logs, and the egress data NAT or transit gateways process,
  with the assumptions of the price table (overridable).

Resources this model has no price for, and that `policies.cost_model.free.FREE_TYPES` does not list
as free, are listed in `unpriced`, never silently counted as free. The arithmetic is in
`policies.cost_model.core` (pure: the policy pack runs it too); this module adapts a `Plan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlopsctl.plan import Plan
from policies.cost_model.core import estimate_resources
from policies.cost_model.lines import PRICES_FILE, CostEstimate, CostLine, PriceTable, load_prices
from policies.cost_model.resources import from_plan
from policies.cost_model.schedules import runs_per_month, working_hours_per_week

__all__ = [
    "PRICES_FILE",
    "CostEstimate",
    "CostLine",
    "PriceTable",
    "estimate",
    "load_prices",
    "runs_per_month",
    "working_hours_per_week",
]


def estimate(
    plan: Plan,
    prices: PriceTable | None = None,
    assumptions: Mapping[str, Any] | None = None,
) -> CostEstimate:
    """The monthly cost estimate of a plan (the offline policy runner's budget figure too)."""
    region = str(plan.config.get("aws:region") or plan.exports.get("region") or "")
    return estimate_resources(plan.stack, from_plan(plan), region, prices, assumptions)
