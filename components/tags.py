"""The tags every taggable AWS resource carries.

They are applied as the AWS provider's `default_tags` (see `components/provider.py`), so no
resource can forget them; resources add only what differs (a bucket's `data-classification`,
a `purpose`). The policy pack checks the merged result.
"""

from __future__ import annotations

REQUIRED_TAG_KEYS: tuple[str, ...] = (
    "team",
    "environment",
    "owner",
    "cost-center",
    "data-classification",
    "managed-by",
)
MANAGED_BY = "pulumi"


def standard_tags(
    *, team: str, environment: str, owner: str, cost_center: str, data_classification: str
) -> dict[str, str]:
    return {
        "team": team,
        "environment": environment,
        "owner": owner,
        "cost-center": cost_center,
        "data-classification": data_classification,
        "managed-by": MANAGED_BY,
    }


def kubernetes_labels(tags: dict[str, str]) -> dict[str, str]:
    """The same tags as Kubernetes labels (label values allow no '@')."""
    return {f"mlops.io/{key}": value.replace("@", "_at_") for key, value in tags.items()}
