"""Derive the access matrix of a stack from its plan and the policy intent. Pure.

    cells = derive(plan_stack("fraud-dev"), peer=plan_stack("churn-dev"),
                   other_environment=plan_stack("fraud-prod"))

Each rule of `intent.yaml` is expanded over the acting stack's roles (the persona's role, or the
SageMaker execution role its members' profiles use) and the resources its `resource` names in the
stack itself, in the peer (another team of the same environment; for an environment stack, a
team of that environment) or in the other environment's stack. Names and ARNs come from the
plans (`facts.py`) or from AWS's documented formats (`arns.py`); the expected outcome is the
rule's, never computed from the policies.
"""

from __future__ import annotations

import re
from typing import Any

from mlopsctl.access import INTENT_FILE
from mlopsctl.access.cells import Cell, unique
from mlopsctl.access.evaluator import account_of
from mlopsctl.access.facts import StackFacts, facts_of
from mlopsctl.access.intent import CALLERS, Rule, load_intent
from mlopsctl.access.targets import Resolved, resolve
from mlopsctl.plan import Plan

# SAML federation: the caller is the identity provider and the call is sts:AssumeRoleWithSAML;
# AWS sign-in's SAML endpoint is the assertion's audience (IAM User Guide, "Configure SAML
# assertions for the authentication response", read 2026-11).
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
ASSUME_WITH_SAML = "sts:AssumeRoleWithSAML"
# Principals of the account that no intent names: an unrelated role, and one tagged as if it
# were one of the team's people (ABAC tags anyone with iam:TagRole could set).
ACCOUNT_PRINCIPAL = "any-principal-of-the-account"
TAGGED_PRINCIPAL = "tagged-principal-of-the-account"


def _acting_roles(rule: Rule, stack: StackFacts) -> list[tuple[str, Any]]:
    """(persona, role) pairs acting for the rule in the stack."""
    if rule.who == "human":
        return [(p, stack.human_role(p)) for p in rule.personas if stack.human_role(p)]
    if rule.who == "execution":
        return [(p, stack.execution_role(p)) for p in rule.personas if stack.execution_role(p)]
    roles = [r for r in stack.roles if r.persona == rule.who]
    return [(rule.who, r) for r in roles[:1]]


def _applies(rule: Rule, persona: str, stack: StackFacts) -> bool:
    when = rule.when
    if "authMode" in when and stack.auth_mode != when["authMode"]:
        return False
    if "production" in when and stack.production != bool(when["production"]):
        return False
    if "principals" in when:
        configured = bool(stack.principals.get(persona))
        return configured == (when["principals"] == "configured")
    return True


def _fill(template: Any, values: dict[str, Any]) -> Any:
    if isinstance(template, list):
        filled = [_fill(t, values) for t in template]
        return [v for v in filled if v is not None]
    if not isinstance(template, str):
        return template
    whole = re.fullmatch(r"\{(\w+)\}", template)
    if whole:
        value = values.get(whole.group(1))
        return list(value) if isinstance(value, tuple) else value
    return template.format(**values)


def _context(rule: Rule, action: str, resolved: Resolved, acting: StackFacts) -> dict[str, Any]:
    values = {
        "team": acting.team,
        "key_arn": acting.key_arn,
        "subnets": acting.subnets,
        "security_groups": acting.security_groups,
        "job_instance_type": acting.job_instance_type,
        **resolved.values,
    }
    context: dict[str, Any] = {}
    if resolved.tags is not None and action.startswith(("sagemaker:", "sagemaker-mlflow:")):
        # AWS adds the tags of an existing resource to the request (IAM User Guide, "AWS
        # global condition context keys", aws:ResourceTag).
        context = {f"aws:ResourceTag/{k}": v for k, v in sorted(resolved.tags.items())}
    for key, template in rule.context.items():
        value = _fill(template, values)
        if value is None or value == []:
            context.pop(key, None)
        else:
            context[key] = value
    return context


def _role_cells(rule: Rule, acting: StackFacts, others: dict[str, StackFacts]) -> list[Cell]:
    other = others.get(rule.resource.team)
    if other is None:
        return []
    cells = []
    for persona, role in _acting_roles(rule, acting):
        if not _applies(rule, persona, acting):
            continue
        for resolved in resolve(rule.resource, persona, acting, other):
            for action in rule.actions:
                cells.append(
                    Cell(
                        stack=acting.stack,
                        persona=role.label,
                        principal=role.arn,
                        action=action,
                        resource=resolved.arn,
                        expect=rule.expect,
                        step=rule.step,
                        target=resolved.stack,
                        relation=rule.resource.team,
                        context=_context(rule, action, resolved, acting),
                        why=rule.why,
                    )
                )
    return cells


def _caller(arn: str, action: str) -> tuple[str, str, dict[str, Any]]:
    """(action, caller kind, request context) of a principal calling sts."""
    if ":saml-provider/" in arn:
        return ASSUME_WITH_SAML, "Federated", {"SAML:aud": SAML_AUDIENCE}
    return action, "AWS", {"aws:PrincipalArn": arn, "aws:PrincipalAccount": account_of(arn)}


def _callers(who: str, persona: str, acting: StackFacts, peer: StackFacts | None) -> list:
    """(caller ARN, principal tags) of a trust rule's callers."""
    account_role = f"arn:{acting.partition}:iam::{acting.account}:role/"
    if who == "caller:configured":
        return [(arn, {}) for arn in acting.principals.get(persona, ())]
    if who == "caller:account":
        return [(account_role + ACCOUNT_PRINCIPAL, {})]
    if who == "caller:tagged":
        return [(account_role + TAGGED_PRINCIPAL, {"team": acting.team, "persona": persona})]
    if peer is None or peer.layer != "team":
        return []
    if peer.principals.get(persona):
        return [(arn, {}) for arn in peer.principals[persona]]
    peer_role = f"arn:{peer.partition}:iam::{peer.account}:role/{TAGGED_PRINCIPAL}"
    return [(peer_role, {"team": peer.team, "persona": persona})]


def _trust_cells(rule: Rule, acting: StackFacts, peer: StackFacts | None) -> list[Cell]:
    cells = []
    for persona in rule.personas:
        role = acting.human_role(persona)
        if role is None or not _applies(rule, persona, acting):
            continue
        for arn, tags in _callers(rule.who, persona, acting, peer):
            for requested in rule.actions:
                action, kind, context = _caller(arn, requested)
                context |= {f"aws:PrincipalTag/{k}": v for k, v in tags.items()}
                cells.append(
                    Cell(
                        stack=acting.stack,
                        persona=persona,
                        principal=arn,
                        action=action,
                        resource=role.arn,
                        expect=rule.expect,
                        step=rule.step,
                        target=acting.stack,
                        relation="own",
                        context=context,
                        why=rule.why,
                        caller_kind=kind,
                    )
                )
    return cells


def derive_from_facts(
    acting: StackFacts,
    peer: StackFacts | None = None,
    other_environment: StackFacts | None = None,
    rules: tuple[Rule, ...] | None = None,
) -> list[Cell]:
    others = {"own": acting, "peer": peer, "other-environment": other_environment}
    others = {k: v for k, v in others.items() if v is not None}
    cells: list[Cell] = []
    for rule in rules if rules is not None else load_intent():
        if rule.who in CALLERS:
            cells += _trust_cells(rule, acting, peer)
        else:
            cells += _role_cells(rule, acting, others)
    if rules is None and (missing := uncovered_mlflow(acting, cells)):
        raise CoverageError(
            f"{acting.stack}: the intent ({INTENT_FILE.name}) gives no cell on its planned "
            f"MLflow {', '.join(f'{k} {a}' for k, a in missing.items())}: write rules for kind "
            f"{', '.join(missing)}"
        )
    return unique(cells)


class CoverageError(ValueError):
    """The stack plans an MLflow no intent rule names: its access would go unchecked."""


def uncovered_mlflow(acting: StackFacts, cells: list[Cell]) -> dict[str, str]:
    """The acting team's planned MLflow (kind -> ARN) that no cell of its own names."""
    named = {c.resource for c in cells if c.relation == "own" and c.stack == acting.stack}
    return {kind: arn for kind, arn in acting.mlflow.items() if arn not in named}


def derive(
    plan: Plan,
    peer: Plan | None = None,
    other_environment: Plan | None = None,
    rules: tuple[Rule, ...] | None = None,
) -> list[Cell]:
    """The cells of `plan`'s stack: its roles acting on its own resources and on the peer's and
    the other environment's (when given)."""
    return derive_from_facts(
        facts_of(plan),
        facts_of(peer) if peer is not None else None,
        facts_of(other_environment) if other_environment is not None else None,
        rules,
    )
