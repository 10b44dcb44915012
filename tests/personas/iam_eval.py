"""A small IAM evaluator for identity policies, for what moto does not evaluate.

Rules (IAM User Guide, "Policy evaluation logic" and "Condition operators", read 2026-11):
an explicit Deny wins; otherwise an Allow is needed; otherwise implicit deny. A statement applies
when its Action/NotAction, Resource/NotResource and every condition match. Conditions: all
operators and all keys must hold (AND), values of one key are ORed. A key missing from the
request makes a condition false, except for negated operators (StringNotEquals, StringNotLike,
ArnNotLike...), `...IfExists`, `Null: true` and `ForAllValues:`, which are true.
Covered operators: String*, Arn*, Bool, Null, with ForAnyValue:/ForAllValues:/IfExists.
"""

from __future__ import annotations

import re
from typing import Any

NEGATED = {"StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"}
LIKE = {"StringLike", "StringNotLike", "ArnLike", "ArnNotLike"}


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _matches_one(base: str, expected: list[str], value: str) -> bool:
    """Does one request value satisfy the (positive form of the) operator?"""
    if base.startswith("Bool"):
        return any(str(value).lower() == str(e).lower() for e in expected)
    if base.replace("Not", "") in LIKE:
        return any(_glob(e, value) for e in expected)
    return value in expected


def _condition_holds(operator: str, key: str, expected: Any, context: dict[str, Any]) -> bool:
    set_op, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    expected = [str(e) for e in _as_list(expected)]
    present = key in context and context[key] is not None
    if base == "Null":
        return (expected[0].lower() == "true") != present
    if not present:
        return if_exists or base in NEGATED or set_op == "ForAllValues"
    values = [str(v) for v in _as_list(context[key])]
    negated = base in NEGATED
    positive = base.replace("Not", "", 1) if negated else base

    def holds(value: str) -> bool:
        hit = _matches_one(positive, expected, value)
        return not hit if negated else hit

    if set_op == "ForAllValues":
        return all(holds(v) for v in values)
    return any(holds(v) for v in values)  # ForAnyValue and single-valued keys


def statement_applies(statement: dict, action: str, resource: str, context: dict) -> bool:
    if "Action" in statement:
        if not any(_glob(a, action, True) for a in _as_list(statement["Action"])):
            return False
    elif any(_glob(a, action, True) for a in _as_list(statement["NotAction"])):
        return False
    if "Resource" in statement:
        if not any(_glob(r, resource) for r in _as_list(statement["Resource"])):
            return False
    elif any(_glob(r, resource) for r in _as_list(statement["NotResource"])):
        return False
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, block in statement.get("Condition", {}).items()
        for key, expected in block.items()
    )


def evaluate(documents: list[dict], action: str, resource: str, context: dict) -> str:
    """'allow' or 'deny' for one request against a principal's identity policies."""
    allowed = False
    for doc in documents:
        for statement in _as_list(doc["Statement"]):
            if statement_applies(statement, action, resource, context):
                if statement["Effect"] == "Deny":
                    return "deny"
                allowed = True
    return "allow" if allowed else "deny"
