"""Helpers shared by the rule modules: policy construction, config, documents and tags."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

ReportViolation = Callable[..., None]


@dataclass(frozen=True)
class RuleInfo:
    """One row of the registry table: what `mlopsctl plan` and the docs show for a rule."""

    name: str
    severity: Severity
    description: str
    remediation: str
    enforcement: EnforcementLevel
    defaults: Mapping[str, Any]


RULES: dict[str, RuleInfo] = {}


def _schema(defaults: Mapping[str, Any] | None) -> PolicyConfigSchema | None:
    if not defaults:
        return None
    properties = {
        key: {"type": "number"} if value is None else {**_json_type(value), "default": value}
        for key, value in defaults.items()
    }
    return PolicyConfigSchema(properties=properties)


def _json_type(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int | float):
        return {"type": "number"}
    if isinstance(value, list):
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


def _register(
    name: str,
    *,
    severity: Severity,
    description: str,
    remediation: str,
    enforcement: EnforcementLevel,
    defaults: Mapping[str, Any] | None,
) -> str:
    if name in RULES:
        raise ValueError(f"policy {name} defined twice")
    RULES[name] = RuleInfo(name, severity, description, remediation, enforcement, defaults or {})
    return f"[{severity.value.upper()}] {description}"


def resource_rule(
    name: str,
    *,
    types: Iterable[str],
    severity: Severity,
    description: str,
    remediation: str,
    check: Callable[[ResourceValidationArgs, Mapping[str, Any]], Iterable[str]],
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    defaults: Mapping[str, Any] | None = None,
) -> ResourceValidationPolicy:
    """A resource policy for `types`: `check(args, config)` yields one message per violation."""
    wanted = frozenset(types)
    full_description = _register(
        name,
        severity=severity,
        description=description,
        remediation=remediation,
        enforcement=enforcement,
        defaults=defaults,
    )

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in wanted:
            return
        for message in check(args, config_of(args, defaults)):
            report_violation(message)

    return ResourceValidationPolicy(
        name=name,
        description=full_description,
        validate=validate,
        enforcement_level=enforcement,
        config_schema=_schema(defaults),
        severity=severity,
        remediation_steps=remediation,
    )


def stack_rule(
    name: str,
    *,
    severity: Severity,
    description: str,
    remediation: str,
    check: Callable[[StackValidationArgs, Mapping[str, Any]], Iterable[tuple[str, str | None]]],
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    defaults: Mapping[str, Any] | None = None,
) -> StackValidationPolicy:
    """A stack policy: `check(args, config)` yields (message, urn) per violation."""
    full_description = _register(
        name,
        severity=severity,
        description=description,
        remediation=remediation,
        enforcement=enforcement,
        defaults=defaults,
    )

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for message, urn in check(args, config_of(args, defaults)):
            report_violation(message, urn)

    return StackValidationPolicy(
        name=name,
        description=full_description,
        validate=validate,
        enforcement_level=enforcement,
        config_schema=_schema(defaults),
        severity=severity,
        remediation_steps=remediation,
    )


def config_of(args: Any, defaults: Mapping[str, Any] | None) -> dict[str, Any]:
    """The policy's config over its defaults (the CLI applies schema defaults; be safe anyway)."""
    merged = dict(defaults or {})
    merged.update({k: v for k, v in (args.get_config() or {}).items() if v is not None})
    return merged


# --- documents -----------------------------------------------------------------------------


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


def is_sequence(value: Any) -> bool:
    """A list, including CrossGuard's read-only list proxies (a `Sequence`, not a `list`)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if is_sequence(value) else [value]


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


def action_matches(pattern: str, action: str) -> bool:
    """Does an IAM action pattern (may contain * and ?) grant `action`? Case-insensitive."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def actions(statement: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in as_list(statement.get("Action"))]


def resources(statement: Mapping[str, Any]) -> list[str]:
    return [str(r) for r in as_list(statement.get("Resource"))]


# --- resources -----------------------------------------------------------------------------


def tags_of(props: Mapping[str, Any]) -> dict[str, str]:
    tags = props.get("tags")
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {}


def provider_default_tags(provider: Any) -> dict[str, str]:
    """The AWS provider's `defaultTags.tags` (the engine may hand it over as a JSON string)."""
    if provider is None:
        return {}
    raw = (provider.props or {}).get("defaultTags")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return {}
    tags = raw.get("tags") if isinstance(raw, Mapping) else None
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {}


def merged_tags(props: Mapping[str, Any], provider: Any) -> dict[str, str]:
    """What AWS will store: provider default tags overridden by the resource's own tags."""
    return {**provider_default_tags(provider), **tags_of(props)}


def of_type(resources_: Iterable[PolicyResource], *types: str) -> Iterator[PolicyResource]:
    return (r for r in resources_ if r.resource_type in types)


def number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
