"""Idle-cost targets of the development stacks (USD a month, eu-west-1 list prices):
fraud-dev idles at <= $30 with its tracking at <= $5 (an MLflow App), the dev environment at
<= $90 (one-AZ interface endpoints outside production)."""

from __future__ import annotations

import pytest

from mlopsctl.cost import estimate
from mlopsctl.plan import plan_stack
from settings.stack_files import read_stack_file
from tests.conftest import PROJECT

FRAUD_DEV_IDLE_MAX = 30.0
FRAUD_DEV_TRACKING_IDLE_MAX = 5.0
DEV_IDLE_MAX = 90.0

_TRACKING_KIND = (read_stack_file(PROJECT, "fraud-dev").config.get("mlops:tracking") or {}).get(
    "kind", "app"
)
needs_app_tracking = pytest.mark.xfail(
    _TRACKING_KIND != "app",
    reason="needs the lead's change: fraud-dev on mlops:tracking.kind app "
    f"(aws:sagemaker/mlflowApp:MlflowApp); its stack file says kind {_TRACKING_KIND!r}",
    strict=True,
)


@needs_app_tracking
def test_fraud_dev_idles_at_30_usd_a_month_at_most() -> None:
    result = estimate(plan_stack("fraud-dev"))
    assert result.unpriced == []
    assert result.idle_monthly_usd <= FRAUD_DEV_IDLE_MAX, result.by_component()


@needs_app_tracking
def test_fraud_dev_tracking_idles_at_5_usd_a_month_at_most() -> None:
    plan = plan_stack("fraud-dev")
    assert plan.of_type("aws:sagemaker/mlflowApp:MlflowApp")
    idle, _ = estimate(plan).by_component()["tracking"]
    assert idle <= FRAUD_DEV_TRACKING_IDLE_MAX


def test_dev_environment_idles_at_90_usd_a_month_at_most() -> None:
    result = estimate(plan_stack("dev"))
    assert result.unpriced == []
    assert result.idle_monthly_usd <= DEV_IDLE_MAX, result.by_component()
