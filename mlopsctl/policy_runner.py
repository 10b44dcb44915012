"""Run the CrossGuard policy pack offline on a plan, with the very policy objects the pack serves.

`pulumi preview --policy-pack policies` hands each policy `ResourceValidationArgs` (resource
inputs) and `StackValidationArgs` (every resource's outputs, with parents and dependencies as
`PolicyResource` objects). This module builds the same arguments from a `Plan`, applies the
pack config the way the CLI does (schema defaults, `all` and per-policy enforcement levels), and
collects the violations.

The pack config is, by default, the one `settings.pack_config` derives from the planned stack's
settings (`derived_pack_config`), exactly what `mlopsctl pack-config <stack>` writes for
`pulumi preview --policy-pack-config`; a team stack gets its own instance policy (e.g. a lab GPU
list narrower than its environment's). A file (`--policy-config FILE`) replaces it.
`policies/config/<environment stack>.json` are such files, generated for the environment stacks.

Offline additions, both documented in docs/policies.md:
- `opts.retain_on_delete` is set on each resource's options (CrossGuard does not expose it);
- the budget rule gets `estimatedMonthlyCostUsd` from `mlopsctl.cost.estimate(plan)` when that
  module exists, and `monthlyBudgetUsd` from the stack's `mlops:team.monthlyBudgetUsd`, unless
  the pack config sets them.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from mlopsctl.pack_facts import complete_pack_config
from mlopsctl.plan import engine as plan_engine
from mlopsctl.plan.model import Plan, PlannedResource
from mlopsctl.violation import PolicyConfigError, Violation
from policies.exemptions import EXEMPTIONS_KEY, MIN_REASON
from policies.registry import RULES, all_policies
from settings import Project, load_settings, load_stack

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = PROJECT_ROOT / "policies" / "config"
BUDGET_POLICY = "cost-monthly-budget"


def derived_pack_config(plan: Plan, project: Project | None = None) -> dict[str, Any]:
    """The pack config of the planned stack, derived from its settings (the plan's config, so
    overrides count). `project`: the one the plan was made from (default: the plan engine's)."""
    project = project or Project.at(plan_engine.PROJECT_ROOT)
    source = f"pack config of {plan.stack}"
    config = complete_pack_config(load_settings(plan.config, plan.stack, project), project, source)
    _check_config(config, source)
    return config


def stack_pack_config(project: Project, stack: str) -> dict[str, Any]:
    """The pack config of a stack file, as `mlopsctl pack-config <stack>` writes it."""
    source = f"pack config of {stack}"
    config = complete_pack_config(load_stack(project, stack), project, source)
    _check_config(config, source)
    return config


def select_pack_config(
    plan: Plan, project: Project | None = None, config_path: Path | str | None = None
) -> tuple[dict[str, Any], str]:
    """(config, where it comes from): the file when given, else derived from the stack."""
    if config_path:
        return load_pack_config(config_path), Path(config_path).name
    return derived_pack_config(plan, project), f"mlopsctl pack-config {plan.stack}"


def load_pack_config(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in CONFIG_DIR.glob("*.json")))
        raise PolicyConfigError(f"no policy config file {path} (shipped: {known})")
    try:
        config = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise PolicyConfigError(f"policy config {path} is not valid JSON: {error}") from error
    if not isinstance(config, dict):
        raise PolicyConfigError(f"policy config {path} must be a JSON object")
    _check_config(config, str(path))
    return config


def _check_config(config: Mapping[str, Any], source: str) -> None:
    levels = {level.value for level in EnforcementLevel}
    for key, value in config.items():
        if key != "all" and key not in RULES:
            raise PolicyConfigError(
                f"{source}: unknown policy {key!r}; allowed: all, {', '.join(sorted(RULES))}"
            )
        level = value if isinstance(value, str) else (value or {}).get("enforcementLevel")
        if level is not None and level not in levels:
            raise PolicyConfigError(
                f"{source}: {key}.enforcementLevel {level!r}; allowed: {', '.join(sorted(levels))}"
            )
        if isinstance(value, dict) and key in RULES:
            _check_exemptions(value.get(EXEMPTIONS_KEY), f"{source}: {key}.{EXEMPTIONS_KEY}")
            allowed_keys = ["enforcementLevel", EXEMPTIONS_KEY, *RULES[key].defaults]
            unknown = set(value) - set(allowed_keys)
            if unknown:
                allowed = ", ".join(allowed_keys)
                raise PolicyConfigError(
                    f"{source}: {key} has unknown keys {', '.join(sorted(unknown))}; "
                    f"allowed: {allowed}"
                )


def _check_exemptions(entries: Any, where: str) -> None:
    """What the CLI's schema check of the `exemptions` key refuses, refused here too."""
    if entries is None:
        return
    if not isinstance(entries, list):
        raise PolicyConfigError(f"{where} = {entries!r}: allowed: a list of {{resource, reason}}")
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        reason = str(entry.get("reason") or "").strip() if isinstance(entry, dict) else ""
        if not resource or len(reason) < MIN_REASON:
            raise PolicyConfigError(
                f"{where}[{index}] = {entry!r}: allowed: {{resource: a logical name or URN, "
                f"reason: at least {MIN_REASON} characters}}"
            )


def enforcement_of(policy: Policy, config: Mapping[str, Any]) -> EnforcementLevel:
    """Per-policy level, else `all`, else the policy's own (the CLI's order)."""
    for key in (policy.name, "all"):
        value = config.get(key)
        level = value if isinstance(value, str) else (value or {}).get("enforcementLevel")
        if level:
            return EnforcementLevel(level)
    return policy.enforcement_level or EnforcementLevel.ADVISORY


def policy_config(policy: Policy, config: Mapping[str, Any]) -> dict[str, Any]:
    """Schema defaults, then the file's properties for this policy (the CLI applies defaults)."""
    values = {
        key: spec["default"]
        for key, spec in (policy.config_schema.properties if policy.config_schema else {}).items()
        if "default" in spec
    }
    own = config.get(policy.name)
    if isinstance(own, dict):
        values.update({k: v for k, v in own.items() if k != "enforcementLevel"})
    return values


def _options(resource: PlannedResource) -> PolicyResourceOptions:
    opts = PolicyResourceOptions(
        protect=resource.protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.parent or None,
    )
    opts.retain_on_delete = resource.retain_on_delete  # offline only: not in CrossGuard's opts
    return opts


def _provider(plan: Plan, resource: PlannedResource) -> PolicyProviderResource | None:
    provider = plan.provider_of(resource)
    if provider is None:
        return None
    return PolicyProviderResource(provider.type, provider.inputs, provider.urn, provider.name)


def stack_resources(plan: Plan) -> list[PolicyResource]:
    """Every planned resource as CrossGuard's stack validation sees it (outputs as props)."""
    built = {
        r.urn: PolicyResource(
            resource_type=r.type,
            props=r.outputs or r.inputs,
            urn=r.urn,
            name=r.name,
            opts=_options(r),
            provider=_provider(plan, r),
            parent=None,
            dependencies=[],
            property_dependencies={},
        )
        for r in plan.resources
    }
    for r in plan.resources:
        policy_resource = built[r.urn]
        policy_resource.parent = built.get(r.parent)
        policy_resource.dependencies = [built[u] for u in r.dependencies if u in built]
        policy_resource.property_dependencies = {
            key: [built[u] for u in urns if u in built]
            for key, urns in r.property_dependencies.items()
        }
    return list(built.values())


def _fill_budget(plan: Plan, config: dict[str, Any]) -> dict[str, Any]:
    """Budget from the team config, estimate from mlopsctl.cost when it is installed."""
    raw = config.get(BUDGET_POLICY)
    section = dict(raw) if isinstance(raw, dict) else {}
    if isinstance(raw, str):
        section["enforcementLevel"] = raw
    team = plan.config.get(f"{plan.project}:team")
    if isinstance(team, str):
        try:
            team = json.loads(team)
        except json.JSONDecodeError:
            team = None
    if (
        "monthlyBudgetUsd" not in section
        and isinstance(team, dict)
        and team.get("monthlyBudgetUsd")
    ):
        section["monthlyBudgetUsd"] = team["monthlyBudgetUsd"]
    if "estimatedMonthlyCostUsd" not in section and section.get("monthlyBudgetUsd"):
        section["estimatedMonthlyCostUsd"] = estimated_monthly_cost(plan)
    return {**config, BUDGET_POLICY: section}


def estimated_monthly_cost(plan: Plan) -> float:
    """The typical monthly cost of the plan (USD), as `mlopsctl cost` computes it."""
    from mlopsctl.cost import estimate

    return estimate(plan).typical_monthly_usd


def run_policies(
    plan: Plan,
    config: Mapping[str, Any] | None = None,
    policies: Sequence[Policy] | None = None,
) -> list[Violation]:
    """Every violation of the pack on the plan (disabled policies are not run)."""
    effective = _fill_budget(plan, dict(config or {}))
    resources = stack_resources(plan)
    violations: list[Violation] = []
    for policy in policies if policies is not None else all_policies():
        level = enforcement_of(policy, effective)
        if level != EnforcementLevel.DISABLED:
            violations.extend(
                _run_one(policy, level, policy_config(policy, effective), plan, resources)
            )
    return violations


def _run_one(
    policy: Policy,
    level: EnforcementLevel,
    settings: dict[str, Any],
    plan: Plan,
    resources: list[PolicyResource],
) -> list[Violation]:
    severity = RULES[policy.name].severity.value if policy.name in RULES else ""
    found: list[Violation] = []

    def reporter(default_urn: str):
        def report(message: str, urn: str | None = None) -> None:
            found.append(Violation(policy.name, level.value, severity, urn or default_urn, message))

        return report

    if isinstance(policy, ResourceValidationPolicy):
        by_urn = {r.urn: r for r in resources}
        # The pack's own rules say which types they judge: only those resources are offered.
        selector = RULES[policy.name].selector if policy.name in RULES else None
        for r in plan.resources:
            if selector is not None and r.type not in selector.tokens:
                continue
            args = ResourceValidationArgs(
                resource_type=r.type,
                props=r.inputs,
                urn=r.urn,
                name=r.name,
                opts=by_urn[r.urn].opts,
                provider=by_urn[r.urn].provider,
                config=settings,
            )
            for validate in _validators(policy):
                _call(validate, args, reporter(r.urn))
    elif isinstance(policy, StackValidationPolicy):
        _call(
            policy.validate, StackValidationArgs(resources=resources, config=settings), reporter("")
        )
    return found


def _validators(policy: ResourceValidationPolicy) -> list:
    validate = policy.validate
    return list(validate) if isinstance(validate, list) else [validate] if validate else []


def _call(validate, args, report) -> None:
    result = validate(args, report)
    if inspect.isawaitable(result):
        import asyncio

        asyncio.run(result)


def run_plan_policies(
    plan: Plan, project: Project | None = None, *, config_path: Path | str | None = None
) -> list[Violation]:
    """Run the pack with the stack's derived pack config (or the given file's)."""
    return run_policies(plan, select_pack_config(plan, project, config_path)[0])
