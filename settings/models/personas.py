"""Config of the team layer's personas: `mlops:personas`.

Who may assume each persona's role. Principals come from config only, never `*`: IAM Identity
Center permission-set roles, account roles or users, or a SAML provider (federated sign-in).
A persona without principals can be assumed by nobody (its trust policy is an explicit deny), so
a stack can be deployed before the identity provider is wired and opened up by adding them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from settings.models.base import StrictModel
from settings.values import (
    DataClassification,
    IamPrincipalArn,
    check,
    int_range,
)

Principals = Annotated[
    list[IamPrincipalArn],
    check(lambda v: len(v) == len(set(v)), "a list of distinct principal ARNs"),
    check(lambda v: len(v) <= 20, "at most 20 principals per persona"),
]


class PersonaTrust(StrictModel):
    """Who may assume one persona's role."""

    principals: Principals = Field(default_factory=list)


class PersonasConfig(StrictModel):
    """`mlops:personas`: trusted principals per persona, GPU switch, steward data access."""

    data_scientist: PersonaTrust = Field(default_factory=PersonaTrust)
    ml_engineer: PersonaTrust = Field(default_factory=PersonaTrust)
    data_steward: PersonaTrust = Field(default_factory=PersonaTrust)
    # GPU instance types (the environment's governance.allowedGpuInstanceTypes) may be started.
    allow_gpu: bool = False
    # Classifications of team data the data steward may read; others: metadata only.
    data_steward_readable_classifications: list[DataClassification] = Field(default_factory=list)
    # STS session length for the human roles; IAM allows 1-12 hours (IAM CreateRole
    # MaxSessionDuration, read 2026-11).
    max_session_hours: Annotated[int, int_range(1, 12)] = 4

    def principals_of(self, persona: str) -> list[str]:
        return list(getattr(self, persona.replace("-", "_")).principals)
