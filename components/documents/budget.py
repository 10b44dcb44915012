"""The pieces of a team's AWS Budget, as plain data (pulumi-aws `aws.budgets.Budget` inputs).

Which costs a budget sees is chosen by the cost-allocation tags its stack puts on every
resource (the provider's default tags, `components/tags.py`). AWS Budgets has two filter forms
(AWS Billing and Cost Management API reference, `Budget` and `Expression`; pulumi-aws 7.51
`budgets/budget.py`; read 2026-12):

- `CostFilters`: a map from a filter name to values; for a user-defined tag the name is
  `TagKeyValue` and each value is `user:<key>$<value>`. The values of one name are alternatives
  (OR), and the map has one `TagKeyValue` entry, so it can say "team fraud" but not "team fraud
  AND environment dev".
- `FilterExpression` (with `Metrics`): an expression tree; `And` of one `Tags` operand per tag
  (`Key` is the tag key as written on the resource, `Values` its value) says exactly that.

One tag therefore gives the `TagKeyValue` cost filter, several give an `And` expression.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

TAG_KEY_VALUE = "TagKeyValue"
# User-defined cost allocation tags carry the `user:` prefix in billing data (AWS Billing user
# guide, "Using AWS cost allocation tags", read 2026-12).
USER_TAG_PREFIX = "user:"
# The metric a FilterExpression budget aggregates: what a CostFilters budget tracks by default
# (unblended cost; AWS Billing user guide, "Managing your costs with AWS Budgets", read 2026-12).
METRIC = "UnblendedCost"
# A notification has at most 10 e-mail subscribers (API reference, `Notification`, read 2026-12).
MAX_EMAIL_SUBSCRIBERS = 10


def limit_amount(usd: float) -> str:
    """The budget limit as the API's decimal string, without exponent: 1500.0 -> '1500'."""
    if usd <= 0:
        raise ValueError(f"a budget limit must be above 0 USD, not {usd}")
    return format(Decimal(str(usd)).normalize(), "f")


def tag_key_value(key: str, value: str) -> str:
    """A `TagKeyValue` cost-filter value for a user-defined tag: `user:team$fraud`."""
    return f"{USER_TAG_PREFIX}{key}${value}"


def tag_filter(tags: Mapping[str, str]) -> dict[str, Any]:
    """The Budget inputs that restrict it to resources carrying every one of `tags`:
    `cost_filters` for one tag, `filter_expression` and `metrics` for several."""
    if not tags:
        raise ValueError("a team budget needs at least one cost allocation tag to filter on")
    items = sorted(tags.items())
    if len(items) == 1:
        key, value = items[0]
        return {"cost_filters": [{"name": TAG_KEY_VALUE, "values": [tag_key_value(key, value)]}]}
    return {
        "filter_expression": {
            "ands": [{"tags": {"key": key, "values": [value]}} for key, value in items]
        },
        "metrics": METRIC,
    }


def subscribers(owner_email: str, extra_emails: Sequence[str] = ()) -> list[str]:
    """The owner first, then the extra addresses, each once."""
    emails = list(dict.fromkeys([owner_email, *extra_emails]))
    if len(emails) > MAX_EMAIL_SUBSCRIBERS:
        raise ValueError(
            f"a budget notification takes at most {MAX_EMAIL_SUBSCRIBERS} e-mail subscribers, "
            f"not {len(emails)}"
        )
    return emails


def notifications(
    *, forecasted_percent: float, actual_percent: float, emails: Sequence[str]
) -> list[dict[str, Any]]:
    """Two alerts to `emails`: forecasted spend above one share of the limit, actual spend
    above another (percentages of the limit)."""
    for name, percent in (("forecasted", forecasted_percent), ("actual", actual_percent)):
        if percent <= 0:
            raise ValueError(f"the {name} threshold must be above 0 %, not {percent}")
    return [
        {
            "notification_type": kind,
            "comparison_operator": "GREATER_THAN",
            "threshold": float(percent),
            "threshold_type": "PERCENTAGE",
            "subscriber_email_addresses": list(emails),
        }
        for kind, percent in (("FORECASTED", forecasted_percent), ("ACTUAL", actual_percent))
    ]
