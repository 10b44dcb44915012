"""The project's IAM policy evaluator: identity policies, and trust policies for sts:AssumeRole*.

It judges what moto cannot (moto authorizes only S3, IAM and STS against a resource, and ignores
conditions), and it is what `mlopsctl access` evaluates every cell with.

Rules (IAM User Guide, "Policy evaluation logic", "IAM JSON policy elements: Principal" and
"Condition operators", read 2026-11): an explicit Deny wins; otherwise an Allow is needed;
otherwise implicit deny. A statement applies when its Action/NotAction, Resource/NotResource (or,
in a trust policy, Principal) and every condition match. Conditions: all operators and all keys
must hold (AND), the values of one key are ORed. A key missing from the request makes a
condition false, except for negated operators (StringNotEquals, StringNotLike, ArnNotLike...),
`...IfExists`, `Null: true` and `ForAllValues:`, which are true.
Covered operators: String*, Arn*, Bool, Null, with ForAnyValue:/ForAllValues:/IfExists.

Trust policies: a principal `arn:aws:iam::<account>:root` (or the bare account id) stands for
every principal of that account; a role ARN also matches the sessions of that role
(`arn:aws:sts::<account>:assumed-role/<name>/<session>`); `Federated` matches the identity
provider the caller signs in with; `"*"` matches anyone. `NotPrincipal` is not supported (the
project never writes it) and is refused rather than guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

NEGATED = {"StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"}
LIKE = {"StringLike", "StringNotLike", "ArnLike", "ArnNotLike"}
ALLOW, DENY = "allow", "deny"


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


@lru_cache(maxsize=8192)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """IAM's wildcards: `*` any run of characters, `?` one character (the matrix asks the same
    patterns thousands of times)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.IGNORECASE if ignore_case else 0)


def _as_list(value: Any) -> list:
    if value is None:
        return []
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


def _action_matches(statement: dict, action: str) -> bool:
    if "Action" in statement:
        return any(_glob(a, action, True) for a in _as_list(statement["Action"]))
    return not any(_glob(a, action, True) for a in _as_list(statement["NotAction"]))


def _conditions_hold(statement: dict, context: dict) -> bool:
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, block in statement.get("Condition", {}).items()
        for key, expected in block.items()
    )


def statement_applies(statement: dict, action: str, resource: str, context: dict) -> bool:
    if not _action_matches(statement, action):
        return False
    if "Resource" in statement:
        if not any(_glob(r, resource) for r in _as_list(statement["Resource"])):
            return False
    elif any(_glob(r, resource) for r in _as_list(statement["NotResource"])):
        return False
    return _conditions_hold(statement, context)


def _decide(statements: list[dict], applies) -> str:
    allowed = False
    for statement in statements:
        if applies(statement):
            if statement["Effect"] == "Deny":
                return DENY
            allowed = True
    return ALLOW if allowed else DENY


def evaluate(documents: list[dict], action: str, resource: str, context: dict) -> str:
    """'allow' or 'deny' for one request against a principal's identity policies."""
    statements = [s for doc in documents for s in _as_list(doc["Statement"])]
    return _decide(statements, lambda s: statement_applies(s, action, resource, context))


def explain(documents: list[dict], action: str, resource: str, context: dict) -> list[str]:
    """The statements (Effect:Sid) that apply to a request: why `evaluate` decided as it did."""
    statements = [s for doc in documents for s in _as_list(doc["Statement"])]
    return [
        f"{s['Effect']}:{s.get('Sid', '?')}"
        for s in statements
        if statement_applies(s, action, resource, context)
    ]


def account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def _aws_principal_matches(principal: str, caller: str) -> bool:
    if principal in ("*", caller):
        return True
    if re.fullmatch(r"\d{12}", principal):
        principal = f"arn:aws:iam::{principal}:root"
    if principal.endswith(":root"):
        return account_of(principal) == account_of(caller) and ":iam::" in principal
    session = re.fullmatch(r"arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/[^/]+", caller)
    if session and ":role/" in principal:
        partition, account, name = session.groups()
        return principal.startswith(f"arn:{partition}:iam::{account}:role/") and (
            principal.rsplit("/", 1)[1] == name
        )
    return False


def principal_matches(block: Any, caller: str, kind: str = "AWS") -> bool:
    """Does a statement's `Principal` name the caller (`kind`: AWS, Federated or Service)?"""
    if block == "*":
        return True
    if not isinstance(block, dict):
        raise ValueError(f"unsupported Principal {block!r}")
    if kind == "AWS":
        return any(_aws_principal_matches(p, caller) for p in _as_list(block.get("AWS")))
    return caller in _as_list(block.get(kind)) or "*" in _as_list(block.get(kind))


def evaluate_trust(trust: dict, action: str, caller: str, context: dict, kind: str = "AWS") -> str:
    """'allow' or 'deny' for `caller` calling `action` (sts:AssumeRole, ...WithSAML) on a role.

    `context` holds the request's keys, e.g. aws:PrincipalTag/team, aws:PrincipalAccount,
    SAML:aud. Only the role's trust policy is judged: a caller of the same account also needs
    an identity policy allowing the call, which the trust policy cannot grant or refuse.
    """
    statements = _as_list(trust["Statement"])
    for statement in statements:
        if "NotPrincipal" in statement:
            raise ValueError("NotPrincipal is not supported by this evaluator")

    def applies(statement: dict) -> bool:
        return (
            _action_matches(statement, action)
            and principal_matches(statement.get("Principal"), caller, kind)
            and _conditions_hold(statement, context)
        )

    return _decide(statements, applies)
