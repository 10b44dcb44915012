"""`mlopsctl access <stack>`: the access matrix of a stack, derived from its plan and judged.

The stack is planned offline, with its peers among the project's stacks (another team of the
same environment; the same team in another environment). The policy intent
(mlopsctl/access/intent.yaml) is expanded over those plans into cells (mlopsctl/access/derive.py),
and every cell is evaluated against the planned IAM documents (mlopsctl/access/evaluator.py). A
cell whose evaluation differs from the intent is shown in red and the command exits 1. The matrix
is per team stack: an environment stack is refused, naming the environment's team stacks.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mlopsctl.access.cells import Cell, evaluate_cell
from mlopsctl.access.derive import derive_from_facts
from mlopsctl.access.facts import StackFacts, facts_of
from mlopsctl.access.peers import find_peers
from mlopsctl.plan import plan_stack
from settings import ConfigError, Project, read_stack_file

# Request keys evaluated but not printed: the resource's tags but `team`, and the caller of a
# trust cell (shown as its persona's principal).
HIDDEN = ("aws:ResourceTag/", "aws:PrincipalArn", "aws:PrincipalAccount")
SHOWN = ("aws:ResourceTag/team",)
COLUMNS = ("step", "persona", "action", "resource", "context", "expected", "evaluated", "why")
COLUMNS += ("proof",)


@dataclass(frozen=True)
class Judged:
    cell: Cell
    evaluated: str

    @property
    def ok(self) -> bool:
        return self.evaluated == self.cell.expect


@dataclass(frozen=True)
class Matrix:
    stack: str
    peer: str | None
    other_environment: str | None
    judged: list[Judged]
    # The acting stack's configured principals (callers of its persona roles).
    principals: frozenset[str] = frozenset()

    @property
    def mismatches(self) -> list[Judged]:
        return [j for j in self.judged if not j.ok]


def _facts(project: Project, stack: str | None) -> StackFacts | None:
    return facts_of(plan_stack(stack, project.root)) if stack else None


def team_stacks_of(project: Project, environment_stack: str) -> list[str]:
    """The team stacks whose `mlops:team.environmentStack` is `environment_stack`."""
    found = []
    for name in project.stacks():
        try:
            config = read_stack_file(project, name).config
        except ConfigError:
            continue  # an unreadable stack is reported by its own commands
        team = config.get(f"{project.name}:team")
        if isinstance(team, dict) and team.get("environmentStack") == environment_stack:
            found.append(name)
    return sorted(found)


def require_team_stack(project: Project, stack: str, what: str) -> None:
    """A clear error for an unknown stack, and for an environment stack (`what` is per team)."""
    config = read_stack_file(project, stack).config
    if config.get(f"{project.name}:layer") != "environment":
        return
    teams = team_stacks_of(project, stack)
    listed = (
        ", ".join(teams) if teams else "none yet (mlopsctl onboard --team T --env " + stack + ")"
    )
    raise ConfigError(
        f"{stack!r} is an environment stack: {what} is per team stack; the team stacks of "
        f"environment {stack!r}: {listed}"
    )


def access_matrix(project: Project, stack: str) -> Matrix:
    """Plan the team stack and its peers, derive its cells and evaluate each."""
    require_team_stack(project, stack, "the access matrix")
    peers = find_peers(project, stack)
    acting = _facts(project, stack)
    assert acting is not None
    peer = _facts(project, peers.peer)
    other = _facts(project, peers.other_environment)
    facts = {f.stack: f for f in (acting, peer, other) if f is not None}
    cells = derive_from_facts(acting, peer, other)
    if not cells:
        raise ConfigError(
            f"{stack}: the policy intent gives no cell on this stack's plan; its access would "
            "go unchecked (see mlopsctl/access/intent.yaml)"
        )
    judged = [Judged(c, evaluate_cell(c, facts)) for c in cells]
    principals = frozenset(arn for arns in acting.principals.values() for arn in arns)
    return Matrix(stack, peers.peer, peers.other_environment, judged, principals)


def context_text(cell: Cell) -> str:
    shown = {k: v for k, v in cell.context.items() if not k.startswith(HIDDEN) or k in SHOWN}
    return ", ".join(
        f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in shown.items()
    )


def _peers_text(matrix: Matrix) -> str:
    return f"peer: {matrix.peer or 'none'}; other environment: {matrix.other_environment or 'none'}"


def matrix_table(matrix: Matrix) -> Table:
    table = Table(title=f"Access matrix: {matrix.stack}", caption=_peers_text(matrix))
    for column in ("persona", "action", "resource", "context", "expected", "evaluated", "proof"):
        table.add_column(column, overflow="fold")
    for j in matrix.judged:
        c = j.cell
        who = f"{c.persona} ← {c.principal}" if c.trust else c.persona
        evaluated = j.evaluated if j.ok else f"[bold red]{j.evaluated}[/]"
        table.add_row(
            escape(who),
            c.action,
            escape(c.resource),
            escape(context_text(c)),
            c.expect,
            evaluated,
            c.proof,
            style=None if j.ok else "red",
        )
    return table


def summary(matrix: Matrix) -> str:
    cells = [j.cell for j in matrix.judged]
    allowed = sum(c.expect == "allow" for c in cells)
    moto = sum(c.proof == "moto" for c in cells)
    return (
        f"{len(cells)} cells: {allowed} allow, {len(cells) - allowed} deny expected "
        f"({moto} also proven in moto by the tests); {len(matrix.mismatches)} mismatches."
    )


def _md(values: Sequence[str]) -> str:
    return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"


def matrix_markdown(matrix: Matrix) -> str:
    lines = [
        f"# Access matrix: {matrix.stack}",
        "",
        "Derived from the stack's plan and the policy intent (`mlopsctl/access/intent.yaml`); "
        f"{_peers_text(matrix)}. Each cell is evaluated against the planned IAM documents; the "
        "tests also try the `moto` cells in moto with IAM authorization on.",
        "",
        _md(COLUMNS),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for j in matrix.judged:
        c = j.cell
        who = f"{c.persona} ← `{c.principal}`" if c.trust else c.persona
        evaluated = j.evaluated if j.ok else f"**{j.evaluated} (mismatch)**"
        row = [c.step, who, f"`{c.action}`", f"`{c.resource}`", context_text(c)]
        row += [f"**{c.expect}**", evaluated, c.why, c.proof]
        lines.append(_md(row))
    return "\n".join([*lines, "", summary(matrix), ""])


def run(args: argparse.Namespace) -> int:
    matrix = access_matrix(args.project, args.stack)
    console = Console()
    console.print(matrix_table(matrix))
    console.print(summary(matrix), style="red" if matrix.mismatches else None)
    if args.markdown:
        Path(args.markdown).write_text(matrix_markdown(matrix))
        console.print(f"Markdown written to {args.markdown}")
    return 1 if matrix.mismatches else 0
