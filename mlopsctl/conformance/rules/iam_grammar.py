"""The IAM JSON policy grammar, for every policy document the plan sends.

Sources (IAM User Guide, read 2026-12-01): "Grammar of the IAM JSON policy language"
(reference_policies_grammar.html): Version 2012-10-17 or 2008-10-17; Statement; Sid; Effect
Allow|Deny; Principal|NotPrincipal `*` or {AWS, Service, Federated, CanonicalUser}; Action|
NotAction; Resource|NotResource; Condition {operator: {key: value(s)}}. "IAM JSON policy
elements: Condition operators" (reference_policies_elements_condition_operators.html): the
operator names, `...IfExists` on all but Null, `ForAllValues:`/`ForAnyValue:` set operators.
"IAM JSON policy elements: Principal": identity-based policies cannot name a principal.
"IAM JSON policy elements: Sid": IAM takes ASCII letters and digits only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from mlopsctl.conformance.finding import Finding, Origin, finding
from mlopsctl.conformance.rules.policy_documents import (
    ENDPOINT,
    IDENTITY,
    RESOURCE,
    TRUST,
    Document,
    documents,
)
from mlopsctl.plan.model import Plan

RULE = "iam-policy-grammar"
SOURCE = "IAM User Guide: Grammar of the IAM JSON policy language (read 2026-12-01)"
OPERATOR_SOURCE = "IAM User Guide: IAM JSON policy elements: Condition operators (read 2026-12-01)"
VERSIONS = ("2012-10-17", "2008-10-17")
TOP_LEVEL = {"Version", "Id", "Statement"}
STATEMENT = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
PRINCIPAL_TYPES = {"AWS", "Service", "Federated", "CanonicalUser"}
OPERATORS = set(
    [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    ]
)
_ACTION = re.compile(r"\*|[a-z0-9-]+:[A-Za-z0-9*?]+")
_IAM_SID = re.compile(r"[A-Za-z0-9]*")
# Principal: forbidden, required or optional; Resource: required or optional.
_KIND_RULES = {
    IDENTITY: ("forbidden", "required"),
    TRUST: ("required", "optional"),
    RESOURCE: ("required", "optional"),
    ENDPOINT: ("optional", "optional"),
}


def operator_problem(name: str) -> str | None:
    base = name
    for prefix in ("ForAllValues:", "ForAnyValue:"):
        base = base.removeprefix(prefix)
    if base.endswith("IfExists") and base != "IfExists":
        if base == "NullIfExists":
            return "Null takes no IfExists"
        base = base.removesuffix("IfExists")
    return None if base in OPERATORS else f"'{name}' is not a condition operator"


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def _principal_problem(value: Any) -> str | None:
    if value == "*":
        return None
    if not isinstance(value, dict) or not value:
        return "Principal is '*' or an object of AWS, Service, Federated, CanonicalUser"
    unknown = set(value) - PRINCIPAL_TYPES
    if unknown:
        return f"Principal types {sorted(unknown)} are not AWS, Service, Federated, CanonicalUser"
    if any(_strings(v) is None for v in value.values()):
        return "Principal values are strings or lists of strings"
    return None


def _condition_problems(value: Any) -> Iterator[str]:
    if not isinstance(value, dict):
        yield "Condition is an object of operators"
        return
    for operator, keys in value.items():
        problem = operator_problem(operator)
        if problem:
            yield problem
        elif not isinstance(keys, dict) or not keys:
            yield f"{operator} takes an object of condition keys"


def _element_problems(statement: dict[str, Any], kind: str) -> Iterator[str]:
    principal_rule, resource_rule = _KIND_RULES[kind]
    has_principal = "Principal" in statement or "NotPrincipal" in statement
    if principal_rule == "forbidden" and has_principal:
        yield "an identity-based policy cannot name a Principal"
    if principal_rule == "required" and not has_principal:
        yield "a trust or resource policy statement needs a Principal"
    actions = [k for k in ("Action", "NotAction") if k in statement]
    if len(actions) != 1:
        yield "a statement has exactly one of Action and NotAction"
    resources = [k for k in ("Resource", "NotResource") if k in statement]
    if len(resources) > 1 or (resource_rule == "required" and not resources):
        yield "a statement has exactly one of Resource and NotResource"
    for key in actions:
        items = _strings(statement[key])
        if items is None or any(not _ACTION.fullmatch(a) for a in items):
            yield f"{key} entries are '*' or 'service:action' strings: {statement[key]!r}"
    for name in resources:
        items = _strings(statement[name])
        if items is None or any(r != "*" and not r.startswith("arn:") for r in items):
            yield f"{name} entries are '*' or ARNs: {statement[name]!r}"


def statement_problems(statement: Any, kind: str) -> Iterator[str]:
    if not isinstance(statement, dict):
        yield "a statement is an object"
        return
    unknown = set(statement) - STATEMENT
    if unknown:
        yield f"unknown statement elements {sorted(unknown)}"
    if statement.get("Effect") not in ("Allow", "Deny"):
        yield f"Effect is Allow or Deny, not {statement.get('Effect')!r}"
    sid = statement.get("Sid")
    if (
        sid is not None
        and kind in (IDENTITY, TRUST)
        and not (isinstance(sid, str) and _IAM_SID.fullmatch(sid))
    ):
        yield f"IAM takes only ASCII letters and digits in a Sid: {sid!r}"
    yield from _element_problems(statement, kind)
    for key in ("Principal", "NotPrincipal"):
        if key in statement and (problem := _principal_problem(statement[key])):
            yield problem
    if "Condition" in statement:
        yield from _condition_problems(statement["Condition"])


def document_problems(document: Any, kind: str) -> Iterator[str]:
    if not isinstance(document, dict):
        yield "a policy document is a JSON object"
        return
    unknown = set(document) - TOP_LEVEL
    if unknown:
        yield f"unknown top-level elements {sorted(unknown)}"
    if "Version" in document and document["Version"] not in VERSIONS:
        yield f"Version is {' or '.join(VERSIONS)}, not {document['Version']!r}"
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        yield "Statement is a statement or a non-empty list of statements"
        return
    for index, statement in enumerate(statements):
        for problem in statement_problems(statement, kind):
            yield f"Statement[{index}]: {problem}"


def _origin(problem: str) -> Origin:
    about_operators = "condition operator" in problem or "IfExists" in problem
    return Origin(RULE, OPERATOR_SOURCE if about_operators else SOURCE)


def _check_document(document: Document) -> list[Finding]:
    try:
        parsed = document.parsed()
    except json.JSONDecodeError as error:
        problems = [f"not valid JSON: {error}"]
    else:
        problems = list(document_problems(parsed, document.kind))
    return [
        finding(
            document.resource,
            document.path,
            document.text,
            _origin(problem),
            f"{document.kind} policy: {problem}",
        )
        for problem in problems
    ]


def check(plan: Plan) -> list[Finding]:
    return [item for document in documents(plan) for item in _check_document(document)]
