"""Exemptions in force: each per-resource exemption that waived a violation, with its reason.

Served last, so that every resource and stack policy has run (see `policies/exemptions.py`).
Advisory: an exemption is a decision on record, shown in the verdicts, never a failure.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Severity

from policies.exemptions import take_applied
from policies.factory import stack_rule


def _in_force(args, config):
    for applied in take_applied():
        yield (
            f"{applied.policy} exempted: {applied.reason} (waived: {applied.message})",
            applied.urn,
        )


POLICIES = [
    stack_rule(
        "exemptions-in-force",
        severity=Severity.LOW,
        description="Lists each per-resource exemption of the pack config that applied, "
        "with its written reason.",
        remediation="Review the exemption; remove it from the stack's mlops:policyExemptions "
        "once the resource complies.",
        check=_in_force,
        enforcement=EnforcementLevel.ADVISORY,
    ),
]
