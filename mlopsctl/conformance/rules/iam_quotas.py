"""IAM policy size quotas, counted as IAM counts them: characters without white space.

Source: IAM User Guide, "IAM and AWS STS quotas, name requirements, and character limits"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), read 2026-12-01:
the inline policies of a role together at most 10,240 characters, a managed policy at most
6,144, a role trust policy at most 2,048 (the default, raisable to 4,096 with Service Quotas);
"IAM does not count white space when calculating the size of a policy against these quotas".
"""

from __future__ import annotations

import re
from collections import defaultdict

from mlopsctl.conformance.finding import Finding, Origin, finding
from mlopsctl.conformance.rules.policy_documents import (
    MANAGED_POLICY,
    ROLE,
    ROLE_POLICY,
    TRUST,
    Document,
    documents,
)
from mlopsctl.plan.model import Plan

RULE = "iam-policy-size"
SOURCE = "IAM User Guide: IAM and AWS STS quotas, character limits (read 2026-12-01)"
ROLE_INLINE_TOTAL = 10_240
MANAGED_POLICY_MAX = 6_144
TRUST_POLICY_MAX = 2_048
_WHITE_SPACE = re.compile(r"\s+")


def policy_size(text: str) -> int:
    """The size IAM counts: characters other than white space."""
    return len(_WHITE_SPACE.sub("", text))


def _single(document: Document, limit: int, what: str) -> Finding:
    size = policy_size(document.text)
    message = f"{what} has {size} characters without white space; IAM allows {limit}"
    return finding(document.resource, document.path, document.text, Origin(RULE, SOURCE), message)


def _inline_totals(inline: dict[str, list[Document]]) -> list[Finding]:
    found = []
    for role, docs in inline.items():
        sizes = [(policy_size(d.text), d) for d in docs]
        total = sum(size for size, _ in sizes)
        if total <= ROLE_INLINE_TOTAL:
            continue
        largest = max(sizes, key=lambda pair: pair[0])[1]
        parts = ", ".join(
            f"{d.resource.name} {size}"
            for size, d in sorted(sizes, reverse=True, key=lambda p: p[0])
        )
        message = (
            f"the inline policies of role {role} total {total} characters without white "
            f"space ({parts}); IAM allows {ROLE_INLINE_TOTAL} per role"
        )
        found.append(
            finding(largest.resource, largest.path, largest.text, Origin(RULE, SOURCE), message)
        )
    return found


def check(plan: Plan) -> list[Finding]:
    found: list[Finding] = []
    inline: dict[str, list[Document]] = defaultdict(list)
    for document in documents(plan):
        inputs = document.resource.inputs
        if document.kind == TRUST:
            if policy_size(document.text) > TRUST_POLICY_MAX:
                found.append(_single(document, TRUST_POLICY_MAX, "the trust policy"))
        elif document.resource.type == MANAGED_POLICY:
            if policy_size(document.text) > MANAGED_POLICY_MAX:
                found.append(_single(document, MANAGED_POLICY_MAX, "the managed policy"))
        elif document.resource.type == ROLE_POLICY:
            inline[str(inputs.get("role") or document.resource.urn)].append(document)
        elif document.resource.type == ROLE:
            inline[str(inputs.get("name") or document.resource.urn)].append(document)
    return found + _inline_totals(inline)
