"""Rules AWS (and Kubernetes, and the provider) document outside botocore's models.

Each module checks one family and names its source and the date it was read; each has
`check(plan) -> list[Finding]`.
"""

from __future__ import annotations

from collections.abc import Callable

from mlopsctl.conformance.finding import Finding
from mlopsctl.conformance.rules import (
    ecr_lifecycle,
    iam_grammar,
    iam_quotas,
    kubernetes_names,
    log_retention,
    read_back,
    s3_bucket_names,
    schedules,
    security_groups,
    tags,
)
from mlopsctl.plan.model import Plan

RULES: tuple[Callable[[Plan], list[Finding]], ...] = (
    s3_bucket_names.check,
    schedules.check,
    iam_grammar.check,
    iam_quotas.check,
    tags.check,
    ecr_lifecycle.check,
    kubernetes_names.check,
    log_retention.check,
    security_groups.check,
    read_back.check,
)
