"""`mlopsctl access <stack>`: the access matrix as a table and as Markdown.

The matrix is data (mlopsctl/access/matrix.yaml, shipped in the package): persona x action x
resource -> allow | deny. This module loads it, resolves its symbolic resources
(`object:fraud-dev/raw`) to the ARNs the naming of the project's stack produces, and renders it.
The tests (tests/personas/) prove every cell against the planned IAM documents.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from components.naming import Naming
from mlopsctl.access import MATRIX_FILE
from mlopsctl.commands import locate_project
from settings import Project, read_stack_file

# Services whose authorization moto evaluates against the resource (moto 5.2, read 2026-11).
MOTO_SERVICES = frozenset({"s3", "iam"})


@dataclass(frozen=True)
class Cell:
    stack: str
    persona: str
    action: str
    resource: str
    expect: str
    context: dict[str, Any] = field(default_factory=dict)
    why: str = ""

    @property
    def proven_in_moto(self) -> bool:
        """moto decides S3/IAM cells whose outcome does not depend on conditions."""
        return self.action.split(":")[0] in MOTO_SERVICES and not self.context

    @property
    def label(self) -> str:
        extra = f" {self.context}" if self.context else ""
        return f"{self.stack}/{self.persona} {self.action} {self.resource}{extra}"


def load_matrix(path: Path = MATRIX_FILE) -> list[Cell]:
    cells = []
    for raw in yaml.safe_load(path.read_text())["cells"]:
        cell = Cell(**raw)
        if cell.expect not in ("allow", "deny"):
            raise ValueError(f"{cell.label}: expect must be allow or deny, not {cell.expect!r}")
        cells.append(cell)
    return cells


def naming_of(stack: str, project: Project | None = None) -> Naming:
    """The naming of a stack, from its stack file alone (no plan needed).

    `project` defaults to the one mlopsctl would find from the current directory.
    """
    config = read_stack_file(project or locate_project(), stack).config
    team = config.get("mlops:team") or {}
    return Naming(
        prefix=config.get("mlops:namePrefix", "mlops"),
        team=team.get("name", "platform"),
        environment=config["mlops:environment"],
        account_id=str(config["mlops:accountId"]),
        region=config["aws:region"],
    )


def resolve(
    resource: str, key_arns: dict[str, str] | None = None, project: Project | None = None
) -> str:
    """`object:fraud-dev/raw` -> `arn:aws:s3:::<bucket>/matrix/sample.csv`, and so on."""
    kind, _, rest = resource.partition(":")
    if kind == "arn":
        stack, service, name = rest.split(":", 2)
        naming = naming_of(stack, project)
        return naming.arn(service, name.format(scope=naming.scope))
    if kind == "key":
        if not key_arns or rest not in key_arns:
            raise KeyError(f"{resource}: the key ARN of stack {rest} is only known from its plan")
        return key_arns[rest]
    stack, _, name = rest.partition("/")
    naming = naming_of(stack, project)
    if kind == "object":
        return f"{naming.bucket_arn(name)}/matrix/sample.csv"
    if kind == "bucket":
        return naming.bucket_arn(name)
    if kind == "role":
        return f"arn:{naming.partition}:iam::{naming.account_id}:role/{naming.name(name)}"
    raise ValueError(f"unknown resource kind in {resource!r}")


def cells_of(stack: str, cells: list[Cell]) -> list[Cell]:
    """The cells where the stack's roles act, or whose resource belongs to the stack."""
    return [
        c
        for c in cells
        if c.stack == stack
        or f":{stack}/" in c.resource
        or f":{stack}:" in c.resource
        or c.resource == f"key:{stack}"
    ]


def _proof(cell: Cell) -> str:
    return "moto + evaluator" if cell.proven_in_moto else "evaluator"


def _context(cell: Cell) -> str:
    return ", ".join(f"{k}={v}" for k, v in cell.context.items())


def matrix_table(stack: str, cells: list[Cell]) -> Table:
    table = Table(title=f"Access matrix: {stack}")
    for column in ("acting stack", "persona", "action", "resource", "context", "expect", "proof"):
        table.add_column(column, overflow="fold")
    for cell in cells:
        colour = "green" if cell.expect == "allow" else "red"
        table.add_row(
            cell.stack,
            cell.persona,
            cell.action,
            cell.resource,
            _context(cell),
            f"[{colour}]{cell.expect}[/]",
            _proof(cell),
        )
    return table


def matrix_markdown(stack: str, cells: list[Cell]) -> str:
    lines = [
        f"# Access matrix: {stack}",
        "",
        "Declared in `mlopsctl/access/matrix.yaml`; each cell is proven against the stack's "
        "planned IAM documents (moto with IAM authorization on, and the policy evaluator of the "
        "tests).",
        "",
        "| acting stack | persona | action | resource | context | expect | why | proof |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in cells:
        row = [
            c.stack,
            c.persona,
            f"`{c.action}`",
            f"`{c.resource}`",
            _context(c),
            f"**{c.expect}**",
            c.why,
            _proof(c),
        ]
        lines.append("| " + " | ".join(v.replace("|", "\\|") for v in row) + " |")
    allowed = sum(c.expect == "allow" for c in cells)
    lines += ["", f"{len(cells)} cells: {allowed} allow, {len(cells) - allowed} deny.", ""]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    read_stack_file(args.project, args.stack)  # a clear error for an unknown stack
    cells = cells_of(args.stack, load_matrix())
    console = Console()
    console.print(matrix_table(args.stack, cells))
    if args.markdown:
        Path(args.markdown).write_text(matrix_markdown(args.stack, cells))
        console.print(f"Markdown written to {args.markdown}")
    return 0
