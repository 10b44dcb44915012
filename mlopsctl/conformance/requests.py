"""How a planned resource becomes AWS API requests: the vocabulary of the mapping tables.

A resource type maps to one or more `Request`s (service + operation of botocore's models). The
provider's camelCase property names are, with few exceptions, the request members' names in
camelCase: an unlisted property is matched to the member of the same name, ignoring case
(`volumeSizeInGb` -> `VolumeSizeInGB`), at every depth. The exceptions are written down:

- `renames`: plan key path (dots, no list indices, e.g. `healthCheck.path`) -> member path in
  the request (e.g. `HealthCheckPath`, `LifecycleConfiguration.Rules`, `OnStart[].Content`:
  `[]` is the one item of a list the provider builds). A target is resolved from the request's
  input shape, or inside a list from the list's item shape. `SKIP`: the property is not part of
  any request checked here (provider-only settings such as `forceDestroy`, or an operation not
  mapped). `FLATTEN`: an object whose children are mapped one by one through `renames`.
- `transforms`: plan key path -> function turning the planned value into the request value
  (JSON text into a list, a boolean into `ENABLED`/`DISABLED`).
- `claims`: the top-level properties a secondary request takes (e.g. `deletionWindowInDays` of a
  KMS key goes to `ScheduleKeyDeletion`); the first request takes all the others.
- `supplied`: required members the provider or the engine fills in (auto-names, the ids of the
  resource itself, idempotency tokens), so their absence from the plan is no finding.

Properties with no member of their name are skipped (not guessed) and listed by
`mlopsctl.conformance.api_check.unmapped_properties`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SKIP = "<skip>"
FLATTEN = "<flatten>"


@dataclass(frozen=True)
class Request:
    service: str
    operation: str
    renames: Mapping[str, str] = field(default_factory=dict)
    transforms: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    claims: frozenset[str] | None = None
    supplied: frozenset[str] = frozenset()


def request(
    service: str,
    operation: str,
    renames: Mapping[str, str] | None = None,
    *,
    transforms: Mapping[str, Callable[[Any], Any]] | None = None,
    claims: tuple[str, ...] | None = None,
    supplied: tuple[str, ...] = (),
) -> Request:
    return Request(
        service,
        operation,
        dict(renames or {}),
        dict(transforms or {}),
        frozenset(claims) if claims is not None else None,
        frozenset(supplied),
    )


def json_text(value: Any) -> Any:
    """A property the provider takes as JSON text and sends as a structure."""
    return json.loads(value) if isinstance(value, str) else value


def enabled_disabled(value: Any) -> Any:
    return ("ENABLED" if value else "DISABLED") if isinstance(value, bool) else value


def load_balancer_scheme(value: Any) -> Any:
    """`internal: true` -> `Scheme: internal` (terraform-provider-aws lb resource)."""
    return ("internal" if value else "internet-facing") if isinstance(value, bool) else value
