"""`check_plan`: every AWS conformance finding of a plan, API models first, then the rules."""

from __future__ import annotations

from mlopsctl.conformance.api_check import check_api
from mlopsctl.conformance.finding import Finding
from mlopsctl.conformance.rules import RULES
from mlopsctl.plan.model import Plan


def check_plan(plan: Plan) -> list[Finding]:
    """The planned values AWS would reject (or the provider rewrite), in plan order per check."""
    findings = list(check_api(plan).findings)
    for rule in RULES:
        findings.extend(rule(plan))
    return findings
