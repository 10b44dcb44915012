"""How a rule is declared: `resource_rule` / `stack_rule` build the CrossGuard policy objects
and record each rule's registry row (severity, remediation, enforcement, config defaults)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.exemptions import EXEMPTIONS_KEY, EXEMPTIONS_SCHEMA, exemption_for, record
from policies.resource_types import Selector

ReportViolation = Callable[..., None]
ResourceCheck = Callable[[ResourceValidationArgs, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[[StackValidationArgs, Mapping[str, Any]], Iterable[tuple[str, str | None]]]


@dataclass(frozen=True)
class RuleInfo:
    """One row of the registry table: what `mlopsctl plan` and the docs show for a rule."""

    name: str
    severity: Severity
    description: str
    remediation: str
    enforcement: EnforcementLevel
    defaults: Mapping[str, Any]
    kind: Literal["resource", "stack"] = "resource"
    selector: Selector | None = None  # the types a resource rule judges; None for stack rules


RULES: dict[str, RuleInfo] = {}


def _schema(defaults: Mapping[str, Any] | None) -> PolicyConfigSchema:
    properties: dict[str, Any] = {
        key: {"type": "number"} if value is None else {**_json_type(value), "default": value}
        for key, value in (defaults or {}).items()
    }
    properties[EXEMPTIONS_KEY] = EXEMPTIONS_SCHEMA
    return PolicyConfigSchema(properties=properties)


def _json_type(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int | float):
        return {"type": "number"}
    if isinstance(value, list):
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


def _register(info: RuleInfo) -> str:
    if info.name in RULES:
        raise ValueError(f"policy {info.name} defined twice")
    RULES[info.name] = info
    return f"[{info.severity.value.upper()}] {info.description}"


def config_of(args: Any, defaults: Mapping[str, Any] | None) -> dict[str, Any]:
    """The policy's config over its defaults (the CLI applies schema defaults; be safe anyway)."""
    merged = dict(defaults or {})
    merged.update({k: v for k, v in (args.get_config() or {}).items() if v is not None})
    return merged


def resource_rule(
    name: str,
    *,
    selector: Selector,
    severity: Severity,
    description: str,
    remediation: str,
    check: ResourceCheck,
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    defaults: Mapping[str, Any] | None = None,
) -> ResourceValidationPolicy:
    """A resource policy on the types of `selector`: `check(args, config)` yields one message
    per violation."""
    info = RuleInfo(
        name,
        severity,
        description,
        remediation,
        enforcement,
        dict(defaults or {}),
        kind="resource",
        selector=selector,
    )
    full_description = _register(info)

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not selector.matches(args):
            return
        config = config_of(args, defaults)
        for message in check(args, config):
            reason = exemption_for(config, args.urn, args.name)
            if reason:
                record(name, args.urn, reason, message)
            else:
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
    check: StackCheck,
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    defaults: Mapping[str, Any] | None = None,
) -> StackValidationPolicy:
    """A stack policy: `check(args, config)` yields (message, urn) per violation."""
    info = RuleInfo(
        name, severity, description, remediation, enforcement, dict(defaults or {}), kind="stack"
    )
    full_description = _register(info)

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        config = config_of(args, defaults)
        for message, urn in check(args, config):
            reason = exemption_for(config, urn) if urn else None
            if reason and urn:
                record(name, urn, reason, message)
            else:
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
