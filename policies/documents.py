"""Reading IAM-style policy documents held in planned resources' props."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from typing import Any

from policies.props import as_list


def document(value: Any) -> dict[str, Any] | None:
    """A policy document from a prop (JSON string or dict); None when absent or unknown."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def statements(doc: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not doc:
        return []
    found = doc.get("Statement", [])
    return [s for s in as_list(found) if isinstance(s, Mapping)]


def allows(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Allow"


def principals(statement: Mapping[str, Any]) -> list[str]:
    """Every principal value of a statement (`"*"` stays `"*"`)."""
    principal = statement.get("Principal")
    if principal is None:
        return []
    if isinstance(principal, str):
        return [principal]
    values: list[str] = []
    for value in principal.values() if isinstance(principal, Mapping) else []:
        values.extend(str(v) for v in as_list(value))
    return values


def has_wildcard_principal(statement: Mapping[str, Any]) -> bool:
    return "*" in principals(statement)


def wildcard_principal_sids(value: Any) -> list[str]:
    """The Sid (or `(no Sid)`) of each Allow statement of a document that allows `'*'`."""
    return [
        str(statement.get("Sid", "(no Sid)"))
        for statement in statements(document(value))
        if allows(statement) and has_wildcard_principal(statement)
    ]


def action_matches(pattern: str, action: str) -> bool:
    """Does an IAM action pattern (may contain * and ?) grant `action`? Case-insensitive."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def actions(statement: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in as_list(statement.get("Action"))]


def resources(statement: Mapping[str, Any]) -> list[str]:
    return [str(r) for r in as_list(statement.get("Resource"))]
