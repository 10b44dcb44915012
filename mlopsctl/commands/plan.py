"""`mlopsctl plan <stack>`: what would be created, as a tree, counts by type, and the exports."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from mlopsctl.plan import Plan, plan_stack


def resource_tree(plan: Plan) -> Tree:
    root = Tree(f"[bold]{plan.project}-{plan.stack}[/] ({plan.layer} layer)")
    nodes: dict[str, Tree] = {}
    for resource in plan.resources:
        if resource.type.startswith("pulumi:providers:"):
            continue
        parent = nodes.get(resource.parent, root)
        label = f"{resource.name} [dim]{resource.type}[/]"
        if resource.protect:
            label += (
                " [yellow](protected, retained)[/]"
                if resource.retain_on_delete
                else " [yellow](protected)[/]"
            )
        nodes[resource.urn] = parent.add(label)
    return root


def counts_table(plan: Plan) -> Table:
    table = Table(title="Resources by type")
    table.add_column("type")
    table.add_column("count", justify="right")
    counts = Counter(
        r.type for r in plan.resources if r.custom and not r.type.startswith("pulumi:")
    )
    for type_token, count in sorted(counts.items()):
        table.add_row(type_token, str(count))
    table.add_row("[bold]total[/]", f"[bold]{sum(counts.values())}[/]")
    return table


def exports_table(plan: Plan) -> Table:
    table = Table(title="Stack exports")
    table.add_column("name")
    table.add_column("value", overflow="fold")
    for name, value in plan.exports.items():
        table.add_row(name, value if isinstance(value, str) else json.dumps(value))
    return table


def run(args: argparse.Namespace) -> int:
    console = Console()
    with console.status(f"planning {args.stack} offline…"):
        plan = plan_stack(args.stack)
    if args.json == "-":
        print(json.dumps(plan.to_json(), indent=2, default=str))
        return 0
    if not args.no_tree:
        console.print(resource_tree(plan))
    console.print(counts_table(plan))
    console.print(exports_table(plan))
    if args.json:
        Path(args.json).write_text(json.dumps(plan.to_json(), indent=2, default=str))
        console.print(f"plan written to {args.json}")
    return 0
