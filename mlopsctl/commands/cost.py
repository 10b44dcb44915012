"""`mlopsctl cost <stack>`: monthly cost estimate, idle and typical, per component."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table

from mlopsctl.cost import estimate
from mlopsctl.plan import plan_stack


def run(args: argparse.Namespace) -> int:
    console = Console()
    with console.status(f"planning {args.stack} offline…"):
        plan = plan_stack(args.stack, project_dir=args.project.root)
    overrides = {
        "notebookHoursPerMemberPerMonth": args.notebook_hours,
        "endpointRequestsPerMonth": args.endpoint_requests,
    }
    result = estimate(plan, assumptions=overrides)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    table = Table(title=f"{args.stack}: monthly cost estimate (USD, {result.region} list prices)")
    table.add_column("component")
    table.add_column("idle", justify="right")
    table.add_column("typical use", justify="right")
    for name, (idle, typical) in sorted(result.by_component().items(), key=lambda i: -i[1][1]):
        table.add_row(name, f"{idle:,.2f}", f"{typical:,.2f}")
    table.add_row(
        "[bold]total[/]",
        f"[bold]{result.idle_monthly_usd:,.2f}[/]",
        f"[bold]{result.typical_monthly_usd:,.2f}[/]",
    )
    console.print(table)
    if args.details:
        lines = Table(title="Cost lines")
        for column in ("component", "item", "idle", "typical"):
            lines.add_column(column, justify="right" if column in ("idle", "typical") else "left")
        for line in result.lines:
            lines.add_row(
                line.component,
                line.item,
                f"{line.idle_monthly_usd:,.2f}",
                f"{line.typical_monthly_usd:,.2f}",
            )
        console.print(lines)
    hours = result.assumptions["notebookHoursPerMemberPerMonth"]
    requests = result.assumptions["endpointRequestsPerMonth"]
    console.print(
        f"typical use assumes {hours:g} notebook hours per member and {requests:,.0f} endpoint "
        "requests a month (--notebook-hours, --endpoint-requests); "
        "prices: mlopsctl/cost/prices.yaml"
    )
    for note in result.assumptions.get("notes", []):
        console.print(f"[yellow]assumed:[/] {note}")
    if result.unpriced:
        console.print(f"[yellow]not priced (no entry in the price table):[/] {result.unpriced}")
    return 0
