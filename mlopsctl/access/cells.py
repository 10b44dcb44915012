"""A cell of the access matrix, and how the evaluator judges it against the planned documents."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mlopsctl.access.evaluator import evaluate, evaluate_trust, explain
from mlopsctl.access.facts import StackFacts

# Services whose authorization moto (5.2) evaluates against the resource, with conditions
# ignored: an S3/IAM cell without a request context is proven in moto as well.
MOTO_SERVICES = frozenset({"s3", "iam"})
MOTO, EVALUATOR = "moto", "evaluator"


@dataclass(frozen=True)
class Cell:
    stack: str  # the stack whose role acts (or whose role is assumed, for a trust cell)
    persona: str  # data-scientist, data-scientist-exec, endpoint-exec, auditor, ...
    principal: str  # the acting role's ARN; for a trust cell, the caller
    action: str
    resource: str  # an ARN, or "*"
    expect: str  # allow | deny
    step: str = ""
    target: str = ""  # the stack the resource belongs to
    relation: str = "own"  # own | peer | other-environment
    context: dict[str, Any] = field(default_factory=dict)
    why: str = ""
    caller_kind: str = ""  # AWS or Federated for a trust cell (the resource is the role)

    @property
    def trust(self) -> bool:
        return bool(self.caller_kind)

    @property
    def proof(self) -> str:
        """Who decides the cell in the tests: moto where it judges the service, else the
        evaluator (which `mlopsctl access` runs on every cell)."""
        service = self.action.split(":")[0]
        return (
            MOTO if service in MOTO_SERVICES and not self.context and not self.trust else EVALUATOR
        )

    @property
    def key(self) -> tuple[str, ...]:
        context = json.dumps(self.context, sort_keys=True)
        return (self.stack, self.principal, self.action, self.resource, context)

    @property
    def label(self) -> str:
        extra = f" {json.dumps(self.context, sort_keys=True)}" if self.context else ""
        who = f"{self.persona} ({self.principal})" if self.trust else self.persona
        return f"{self.stack}/{who} {self.action} {self.resource}{extra}"


def evaluate_cell(cell: Cell, facts: Mapping[str, StackFacts]) -> str:
    """'allow' or 'deny': the evaluator on the acting role's planned documents."""
    stack = facts[cell.stack]
    if cell.trust:
        role = stack.role_by_arn(cell.resource)
        if role is None:
            raise LookupError(f"{cell.label}: no planned role {cell.resource}")
        return evaluate_trust(
            role.trust, cell.action, cell.principal, cell.context, cell.caller_kind
        )
    role = stack.role_by_arn(cell.principal)
    if role is None:
        raise LookupError(f"{cell.label}: no planned role {cell.principal}")
    return evaluate(list(role.policies), cell.action, cell.resource, request_context(cell, stack))


def request_context(cell: Cell, stack: StackFacts) -> dict[str, Any]:
    """The cell's context plus the keys AWS puts in every request of a role session
    (IAM User Guide, "AWS global condition context keys": aws:PrincipalArn and
    aws:PrincipalAccount are always present)."""
    return {"aws:PrincipalArn": cell.principal, "aws:PrincipalAccount": stack.account} | dict(
        cell.context
    )


def explain_cell(cell: Cell, facts: Mapping[str, StackFacts]) -> str:
    """The acting role's statements that apply to the cell's request (identity cells)."""
    role = facts[cell.stack].role_by_arn(cell.principal)
    if cell.trust or role is None:
        return ""
    applied = explain(list(role.policies), cell.action, cell.resource, cell.context)
    return ", ".join(applied) if applied else "no statement applies"


def unique(cells: Iterable[Cell]) -> list[Cell]:
    seen: dict[tuple[str, ...], Cell] = {}
    for cell in cells:
        seen.setdefault(cell.key, cell)
    return list(seen.values())
