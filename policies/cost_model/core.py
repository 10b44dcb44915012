"""The cost model as a pure function of a stack's resources: what `mlopsctl cost` runs on a plan
and the policy pack's budget rule runs on what `pulumi preview` shows it.

Imports only the standard library and PyYAML (a dependency of the `pulumi` SDK, so present
wherever the pack runs); the price table is read from `prices.yaml` next to this file, found by
path, not through the project's packages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .lines import CostEstimate, PriceTable, load_prices
from .pricer import Pricer
from .resources import CostResource, Inventory, from_policy_resources


def estimate_resources(
    stack: str,
    resources: Iterable[CostResource],
    region: str = "",
    prices: PriceTable | None = None,
    assumptions: Mapping[str, Any] | None = None,
) -> CostEstimate:
    """The monthly cost estimate of a stack's resources (region: the AWS provider's if unset)."""
    inventory = Inventory(resources)
    table = prices or load_prices(region or inventory.region(), overrides=assumptions)
    pricer = Pricer(inventory, table)
    for resource in inventory.resources:
        if resource.is_priced_kind:
            pricer.price(inventory.component_of(resource), resource)
    assumptions_used = dict(table.assumptions)
    if pricer.notes:
        assumptions_used["notes"] = pricer.notes
    return CostEstimate(
        stack=stack,
        region=table.region,
        idle_monthly_usd=sum(line.idle_monthly_usd for line in pricer.lines),
        typical_monthly_usd=sum(line.typical_monthly_usd for line in pricer.lines),
        lines=pricer.lines,
        unpriced=sorted(pricer.unpriced),
        assumptions=assumptions_used,
    )


def estimate_policy_resources(resources: Iterable[Any], stack: str = "") -> CostEstimate:
    """The estimate of the resources of a CrossGuard `StackValidationArgs` (`PolicyResource`s)."""
    return estimate_resources(stack, from_policy_resources(resources))
