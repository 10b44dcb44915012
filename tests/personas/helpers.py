"""Shared helpers: the derived matrix of a shipped stack, and the planned documents per role.

Expectations come from the intent (mlopsctl/access/intent.yaml) expanded over the plans; names
from the plans. Nothing here reads the naming helper or the documents' builders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlopsctl.access.cells import Cell, evaluate_cell, explain_cell
from mlopsctl.access.derive import derive_from_facts
from mlopsctl.access.facts import StackFacts, facts_of
from mlopsctl.access.peers import Peers, find_peers
from mlopsctl.plan import Plan, plan_stack
from tests.conftest import PROJECT, policy_document


@dataclass(frozen=True)
class Derived:
    stack: str
    cells: list[Cell]
    facts: dict[str, StackFacts]
    peers: Peers

    def evaluated(self, cell: Cell) -> str:
        return evaluate_cell(cell, self.facts)

    def why(self, cell: Cell) -> str:
        """What decided the evaluator: the acting role's applying statements."""
        reason = explain_cell(cell, self.facts)
        return f" [{reason}]" if reason else ""


def derived_matrix(stack: str) -> Derived:
    peers = find_peers(PROJECT, stack)
    names = [stack, peers.peer, peers.other_environment]
    facts = {s: facts_of(plan_stack(s)) for s in names if s}
    cells = derive_from_facts(
        facts[stack],
        facts.get(peers.peer or ""),
        facts.get(peers.other_environment or ""),
    )
    return Derived(stack, cells, facts, peers)


def mismatches(derived: Derived, cells: list[Cell] | None = None) -> list[str]:
    """Cells the evaluator judges otherwise than the intent, one line each."""
    lines = []
    for cell in derived.cells if cells is None else cells:
        outcome = derived.evaluated(cell)
        if outcome != cell.expect:
            lines.append(
                f"[{cell.step}] {cell.label}: expected {cell.expect}, evaluator says {outcome}"
                + derived.why(cell)
            )
    return lines


def role_documents(plan: Plan) -> dict[str, dict[str, Any]]:
    """role logical name -> {name, trust, policies} from the planned resources."""
    roles: dict[str, dict[str, Any]] = {}
    names = {r.inputs["name"]: r.name for r in plan.of_type("aws:iam/role:Role")}
    for role in plan.of_type("aws:iam/role:Role"):
        roles[role.name] = {
            "name": role.inputs["name"],
            "trust": policy_document(role.inputs["assumeRolePolicy"]),
            "policies": [],
        }
    for policy in plan.of_type("aws:iam/rolePolicy:RolePolicy"):
        owner = names.get(policy.inputs["role"])
        assert owner is not None, f"{policy.name}: attached to an unknown role"
        roles[owner]["policies"].append(policy_document(policy.inputs["policy"]))
    return roles
