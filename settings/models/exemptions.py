"""`mlops:policyExemptions`: per-resource exemptions from rules of the policy pack, per policy:

    mlops:policyExemptions:
      kms-key-rotation:
        - resource: team-key      # the logical name `mlopsctl plan` shows, or the URN
          reason: key material is imported from the HSM and rotated by hand (SEC-1234)

They reach the pack config (`mlopsctl pack-config`), never the program: an exemption changes a
verdict, not a resource. The policy names are checked against the pack when the pack config is
built (settings know nothing of the pack).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from settings.models.base import StrictModel
from settings.values import check, pattern

PolicyName = Annotated[str, pattern(r"[a-z0-9][a-z0-9-]{2,63}", "a policy name of the pack")]
Reason = Annotated[
    str,
    check(lambda v: len(v.strip()) >= 20, "a written reason of at least 20 characters"),
]


class ResourceExemption(StrictModel):
    resource: Annotated[str, check(lambda v: bool(v.strip()), "a logical name or URN")]
    reason: Reason


PolicyExemptions = Annotated[
    dict[PolicyName, Annotated[list[ResourceExemption], Field(min_length=1, max_length=50)]],
    Field(max_length=50),
]
