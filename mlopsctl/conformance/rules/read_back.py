"""Values the provider reads back in another form: planned as written, they show a diff (and
for force-new properties a replacement) on every update.

- `aws:sagemaker/mlflowTrackingServer` `mlflowVersion`: terraform-provider-aws reads the
  version back as major.minor (`normalizeMlflowVersion` in
  internal/service/sagemaker/mlflow_tracking_server.go: "normalizes the MLflow version to
  major/minor format (e.g., "1.26" instead of "1.26.0")"), and the field forces replacement,
  so a patch-level input replaces the server on every update; the API has also refused patch
  versions there. hashicorp/terraform-provider-aws#42276 (fixed by #42435), read 2026-12-01.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mlopsctl.conformance.finding import Finding, Origin, finding
from mlopsctl.conformance.shapes import plain
from mlopsctl.plan.model import Plan

RULE = "provider-read-back"


def major_minor(version: str) -> str:
    match = re.match(r"v?(\d+)(?:\.(\d+))?", version)
    if not match:
        return version
    return f"{match[1]}.{match[2] or 0}"


@dataclass(frozen=True)
class ReadBack:
    resource_type: str
    path: str
    normalise: Callable[[str], str]
    source: str
    consequence: str


READ_BACKS = (
    ReadBack(
        "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer",
        "mlflowVersion",
        major_minor,
        "terraform-provider-aws normalizeMlflowVersion (hashicorp/terraform-provider-aws#42276)",
        "the field forces replacement, so the tracking server is replaced on every update",
    ),
)


def check(plan: Plan) -> list[Finding]:
    found = []
    for read_back in READ_BACKS:
        for resource in plan.of_type(read_back.resource_type):
            value = plain(resource.inputs.get(read_back.path))
            if not isinstance(value, str) or read_back.normalise(value) == value:
                continue
            message = (
                f"'{value}' is read back as '{read_back.normalise(value)}': "
                f"{read_back.consequence}; give '{read_back.normalise(value)}'"
            )
            found.append(
                finding(resource, read_back.path, value, Origin(RULE, read_back.source), message)
            )
    return found
