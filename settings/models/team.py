"""Config of the team layer's foundation: `mlops:team`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from settings.catalog import BucketPurpose
from settings.models.base import StrictModel
from settings.values import (
    DataClassification,
    Email,
    StackName,
    TeamName,
    check,
    int_range,
)


class LifecycleConfig(StrictModel):
    """Lifecycle rules applied to every team bucket."""

    noncurrent_version_expiration_days: Annotated[int, int_range(1, 3650)] = 90
    abort_incomplete_multipart_upload_days: Annotated[int, int_range(1, 30)] = 7
    # 0 keeps objects in S3 Standard; S3 requires at least 30 days before Standard-IA.
    transition_to_infrequent_access_days: Annotated[
        int, check(lambda v: v == 0 or 30 <= v <= 3650, "0 (off) or 30-3650 days")
    ] = 0


# Alert thresholds are percentages of the monthly budget; AWS takes any non-negative number,
# and suggests 50-200 % (Budgets API reference, `Notification`, read 2026-12).
BudgetPercent = Annotated[
    float, check(lambda v: 0 < v <= 1000, "a percentage of the budget above 0 and up to 1000")
]


class BudgetAlertsConfig(StrictModel):
    """`mlops:team.budgetAlerts`: e-mails to `mlops:owner` (and `extraEmails`) when the month's
    spend is forecast to pass `forecastedPercent` of `monthlyBudgetUsd`, and when it passes
    `actualPercent`."""

    forecasted_percent: BudgetPercent = 100.0
    actual_percent: BudgetPercent = 80.0
    # A notification has at most 10 e-mail subscribers, the owner being one (API reference).
    extra_emails: Annotated[
        list[Email],
        check(lambda v: len(v) <= 9 and len(set(v)) == len(v), "up to 9 distinct e-mail addresses"),
    ] = Field(default_factory=list)


class TeamConfig(StrictModel):
    """`mlops:team`: who the team is, which environment it lives in, and its data defaults."""

    name: TeamName
    environment_stack: StackName
    data_classification: DataClassification = "confidential"
    bucket_classification: dict[BucketPurpose, DataClassification] = Field(default_factory=dict)
    lifecycle: LifecycleConfig = Field(default_factory=LifecycleConfig)
    monthly_budget_usd: Annotated[
        float, check(lambda v: 0 < v <= 1_000_000, "a number above 0 and up to 1000000")
    ] = 2000.0
    budget_alerts: BudgetAlertsConfig = Field(default_factory=BudgetAlertsConfig)

    def classification_of(self, purpose: BucketPurpose) -> str:
        return self.bucket_classification.get(purpose, self.data_classification)
