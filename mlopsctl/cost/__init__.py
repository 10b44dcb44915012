"""Monthly cost estimate of a planned stack, from the price table in `prices.yaml`."""

from mlopsctl.cost.model import CostEstimate, CostLine, PriceTable, estimate, load_prices

__all__ = ["CostEstimate", "CostLine", "PriceTable", "estimate", "load_prices"]
