"""Monthly cost estimate of a planned stack, from the price table in `prices.yaml`.

Names are loaded lazily, so `policies.cost_model.core` (pure) imports without the plan engine: the
policy pack imports it with only `pulumi-policy` and PyYAML installed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlopsctl.cost.model import estimate
    from policies.cost_model.lines import CostEstimate, CostLine, PriceTable, load_prices

__all__ = ["CostEstimate", "CostLine", "PriceTable", "estimate", "load_prices"]
_WHERE = {
    "CostEstimate": "policies.cost_model.lines",
    "CostLine": "policies.cost_model.lines",
    "PriceTable": "policies.cost_model.lines",
    "load_prices": "policies.cost_model.lines",
    "estimate": "mlopsctl.cost.model",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'mlopsctl.cost' has no attribute {name!r}")
