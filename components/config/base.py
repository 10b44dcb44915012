"""Shared building blocks for the config models: strict camelCase models and constrained types.

Every constrained type carries a message that says what is allowed, so that a bad value is
reported as `key: value is not allowed; <what is allowed>` (see `components/settings.py`).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class StrictModel(BaseModel):
    """Config model: camelCase keys as written in the stack file, unknown keys are errors."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        strict=False,
    )


def pattern(regex: str, allowed: str):
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"allowed: {allowed}")
        return value

    return AfterValidator(check)


def _int_range(low: int, high: int):
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"allowed: an integer from {low} to {high}")
        return value

    return AfterValidator(check)


def check(predicate, allowed: str):
    """A validator that rejects values failing `predicate`, saying what is allowed."""

    def run(value):
        if not predicate(value):
            raise ValueError(f"allowed: {allowed}")
        return value

    return AfterValidator(run)


def int_range(low: int, high: int):
    """An int constrained to [low, high] with an 'allowed' message."""
    return Annotated[int, _int_range(low, high)]


# Team and environment names become part of bucket, role and SageMaker names, and of ARN
# prefixes used for team isolation in IAM. No hyphens: `fraud` must never be a prefix of
# another team's `fraud-x-...` resources.
TeamName = Annotated[
    str,
    pattern(
        r"[a-z][a-z0-9]{1,15}",
        "2-16 lowercase letters or digits, starting with a letter",
    ),
]
EnvironmentName = Annotated[
    str,
    pattern(r"[a-z][a-z0-9]{1,7}", "2-8 lowercase letters or digits, starting with a letter"),
]
NamePrefix = Annotated[
    str,
    pattern(
        r"[a-z][a-z0-9]{1,11}",
        "2-12 lowercase letters or digits, starting with a letter",
    ),
]
AccountId = Annotated[str, pattern(r"\d{12}", "a 12-digit AWS account id")]
Region = Annotated[
    str, pattern(r"[a-z]{2}(-gov)?-[a-z]+-\d", "an AWS region name such as eu-west-1")
]
Email = Annotated[str, pattern(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", "an e-mail address")]
CostCenter = Annotated[
    str, pattern(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", "1-64 letters, digits or _.:-")
]
AvailabilityZone = Annotated[
    str,
    pattern(
        r"[a-z]{2}(-gov)?-[a-z]+-\d[a-z]",
        "an availability zone name such as eu-west-1a",
    ),
]
IamRoleArn = Annotated[
    str,
    pattern(
        r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+",
        "an IAM role ARN such as arn:aws:iam::123456789012:role/Name (no wildcards)",
    ),
]
IamPrincipalArn = Annotated[
    str,
    pattern(
        r"arn:aws[a-z-]*:iam::\d{12}:(role|saml-provider|user)/[\w+=,.@/-]+",
        "an IAM role, user or SAML provider ARN (no wildcards)",
    ),
]

InstanceType = Annotated[
    str,
    pattern(
        r"ml\.[a-z0-9]+\.[0-9]*x?(large|medium|small|metal)",
        "a SageMaker instance type such as ml.m5.large",
    ),
]

DataClassification = Literal["public", "internal", "confidential", "restricted"]
DATA_CLASSIFICATIONS: tuple[str, ...] = (
    "public",
    "internal",
    "confidential",
    "restricted",
)
