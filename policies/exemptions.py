"""Per-resource exemptions, kept in the pack config with a written reason.

Every policy takes `exemptions`: a list of `{"resource": <logical name or URN>, "reason": ...}`.
A violation on an exempted resource is not reported by its policy; the exemption is recorded
here instead, and the advisory stack policy `exemptions-in-force` (served last, after every
resource policy has run, as `pulumi preview` runs stack policies after resource policies)
reports each exemption that applied, with its reason, so that it shows in the verdicts. An
exemption without a reason of at least `MIN_REASON` characters does not apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policies.props import as_list

EXEMPTIONS_KEY = "exemptions"
MIN_REASON = 10
# JSON schema of the key, so that `pulumi preview --policy-pack-config` validates it too.
EXEMPTIONS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "default": [],
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string", "minLength": 1},
            "reason": {"type": "string", "minLength": MIN_REASON},
        },
        "required": ["resource", "reason"],
    },
}


@dataclass(frozen=True)
class AppliedExemption:
    policy: str
    urn: str
    reason: str
    message: str  # the violation it waived


# Filled by the policies while the engine analyses resources; read and cleared by the
# `exemptions-in-force` stack policy (one analyzer process serves one preview).
APPLIED: list[AppliedExemption] = []


def _name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if "::" in urn else urn


def exemption_for(config: Mapping[str, Any], urn: str, name: str | None = None) -> str | None:
    """The reason of the exemption that covers the resource, or None."""
    name = name or _name_of(urn)
    for entry in as_list(config.get(EXEMPTIONS_KEY)):
        if not isinstance(entry, Mapping):
            continue
        reason = str(entry.get("reason") or "").strip()
        if entry.get("resource") in (urn, name) and len(reason) >= MIN_REASON:
            return reason
    return None


def record(policy: str, urn: str, reason: str, message: str) -> None:
    APPLIED.append(AppliedExemption(policy, urn, reason, message))


def take_applied() -> list[AppliedExemption]:
    """The exemptions applied since the last call (and forget them)."""
    applied = list(dict.fromkeys(APPLIED))
    APPLIED.clear()
    return applied
