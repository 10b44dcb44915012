"""Monthly cost of a planned stack: what it costs idle, and with typical use.

Reads the plan generically, by type token and inputs, so it prices whatever components exist:
- idle: what bills with nothing running: interface endpoints per AZ-hour, NAT gateways, their
  public IPv4 addresses and transit gateway attachments per hour, KMS keys, S3/ECR/EFS
  baseline storage, MLflow tracking servers (always on, or the working hours of their stop/start
  schedules), RDS, load balancers, Fargate services,
  secrets, real-time endpoint instances at their initial count, notebook and space volumes;
- typical: idle plus notebook hours per member, serverless endpoint traffic, scheduled
  retraining runs and the egress data NAT or transit gateways process, with the assumptions
  of the price table (overridable).

Resources this model has no price for are listed in `unpriced`, never silently counted as free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlopsctl.cost.lines import PRICES_FILE, CostEstimate, CostLine, PriceTable, load_prices
from mlopsctl.cost.pricer import Pricer
from mlopsctl.cost.schedules import runs_per_month, working_hours_per_week
from mlopsctl.plan import Plan
from mlopsctl.render.grouping import components

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
    """The monthly cost estimate of a plan; the policy pack's budget rule calls this."""
    region = str(plan.config.get("aws:region") or plan.exports.get("region") or "")
    table = prices or load_prices(region, overrides=assumptions)
    pricer = Pricer(plan, table)
    seen: set[str] = set()
    for component in components(plan):
        for resource in component.resources:
            seen.add(resource.urn)
            pricer.price(component.name, resource)
    for resource in plan.resources:  # resources outside any component (other programs)
        if resource.custom and resource.urn not in seen:
            pricer.price("(stack)", resource)
    idle = sum(line.idle_monthly_usd for line in pricer.lines)
    typical = sum(line.typical_monthly_usd for line in pricer.lines)
    assumptions_used = dict(table.assumptions)
    if pricer.notes:
        assumptions_used["notes"] = pricer.notes
    return CostEstimate(
        stack=plan.stack,
        region=table.region,
        idle_monthly_usd=idle,
        typical_monthly_usd=typical,
        lines=pricer.lines,
        unpriced=sorted(pricer.unpriced),
        assumptions=assumptions_used,
    )
