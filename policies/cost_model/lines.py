"""Prices and the estimate's lines: the price table (prices.yaml) and the result types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PRICES_FILE = Path(__file__).with_name("prices.yaml")


@dataclass(frozen=True)
class PriceTable:
    hours_per_month: float
    region: str
    prices: Mapping[str, Mapping[str, Any]]
    assumptions: Mapping[str, Any]

    def rate(self, item: str, variant: str | None = None) -> float | None:
        entry = self.prices.get(item)
        if entry is None:
            return None
        usd = entry["usd"]
        if isinstance(usd, Mapping):
            return None if variant is None else usd.get(variant)
        return float(usd)

    def assume(self, name: str) -> Any:
        return self.assumptions[name]


@cache
def _read(path: str) -> dict[str, Any]:
    # libyaml's safe loader when PyYAML was built with it: the same document, 10x faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_text(), Loader=loader)


def load_prices(
    region: str, path: Path = PRICES_FILE, overrides: Mapping[str, Any] | None = None
) -> PriceTable:
    """The price table of `region` (or the file's default region), with assumption overrides."""
    data = _read(str(path))
    regions = data["regions"]
    chosen = region if region in regions else data["defaultRegion"]
    assumptions = {k: v["value"] for k, v in data["assumptions"].items()}
    assumptions.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return PriceTable(float(data["hoursPerMonth"]), chosen, regions[chosen], assumptions)


@dataclass
class CostLine:
    component: str  # component name, e.g. `raw-bucket`, `network`
    item: str  # what is billed, e.g. `3 interface endpoints x 2 AZ`
    idle_monthly_usd: float
    typical_monthly_usd: float  # includes the idle part


@dataclass
class CostEstimate:
    stack: str
    region: str
    idle_monthly_usd: float
    typical_monthly_usd: float
    lines: list[CostLine] = field(default_factory=list)
    unpriced: list[str] = field(default_factory=list)  # resource types without a price here
    assumptions: dict[str, Any] = field(default_factory=dict)

    def by_component(self) -> dict[str, tuple[float, float]]:
        totals: dict[str, tuple[float, float]] = {}
        for line in self.lines:
            idle, typical = totals.get(line.component, (0.0, 0.0))
            totals[line.component] = (
                idle + line.idle_monthly_usd,
                typical + line.typical_monthly_usd,
            )
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "region": self.region,
            "idleMonthlyUsd": round(self.idle_monthly_usd, 2),
            "typicalMonthlyUsd": round(self.typical_monthly_usd, 2),
            "components": {
                name: {"idleMonthlyUsd": round(i, 2), "typicalMonthlyUsd": round(t, 2)}
                for name, (i, t) in self.by_component().items()
            },
            "lines": [
                {
                    "component": line.component,
                    "item": line.item,
                    "idleMonthlyUsd": round(line.idle_monthly_usd, 4),
                    "typicalMonthlyUsd": round(line.typical_monthly_usd, 4),
                }
                for line in self.lines
            ],
            "unpriced": self.unpriced,
            "assumptions": self.assumptions,
        }
