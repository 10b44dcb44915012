"""A policy violation and a bad pack config as `mlopsctl` reports them (readable without
importing CrossGuard)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MANDATORY = "mandatory"  # pulumi_policy.EnforcementLevel.MANDATORY.value


@dataclass(frozen=True)
class Violation:
    policy: str
    enforcement: str  # "mandatory" | "advisory" | "remediate"
    severity: str
    urn: str
    message: str

    @property
    def mandatory(self) -> bool:
        return self.enforcement == MANDATORY

    def __str__(self) -> str:
        return f"{self.policy} ({self.enforcement}): {self.message} [{self.urn}]"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class PolicyConfigError(ValueError):
    """The pack config file is missing, not JSON, or names unknown policies/levels."""
