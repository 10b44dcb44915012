"""Config of the team layer's foundation: `mlops:team`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from settings.catalog import BucketPurpose
from settings.models.base import StrictModel
from settings.values import (
    DataClassification,
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

    def classification_of(self, purpose: BucketPurpose) -> str:
        return self.bucket_classification.get(purpose, self.data_classification)
