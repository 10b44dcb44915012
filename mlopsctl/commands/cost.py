"""`mlopsctl cost <stack>`: monthly cost estimate, idle and typical, per component.

Also: the types it could not price (`unpriced`), the environment's share per team stack
(`--json`: `environmentShare`), and with `--chart FILE` a bar chart (.png or .svg).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from mlopsctl.cost import CostEstimate, estimate
from mlopsctl.cost.chart import ChartError, chart_format, write_chart
from mlopsctl.cost.shares import EnvironmentShare, environment_stack_of, share_of
from mlopsctl.plan import plan_stack
from settings import Project
from settings.stack_files import stack_layer

USAGE_ERROR = 2


def _share(project: Project, stack: str, result: CostEstimate, overrides: dict) -> Any:
    """The environment's share: of this environment stack, or of a team stack's environment."""
    if stack_layer(project, stack) == "environment":
        return share_of(project, result)
    env = environment_stack_of(project, stack)
    if env is None or not project.has_stack(env):
        return None
    return share_of(project, estimate(plan_stack(env, project_dir=project.root), None, overrides))


def run(args: argparse.Namespace) -> int:
    console = Console()
    chart = Path(args.chart) if getattr(args, "chart", None) else None
    if chart is not None:
        try:
            chart_format(chart)
        except ChartError as error:
            console.print(f"[red]error:[/] {error}")
            return USAGE_ERROR
    project: Project = args.project
    with console.status(f"planning {args.stack} offline…"):
        plan = plan_stack(args.stack, project_dir=project.root)
        overrides = {
            "notebookHoursPerMemberPerMonth": args.notebook_hours,
            "endpointRequestsPerMonth": args.endpoint_requests,
        }
        result = estimate(plan, assumptions=overrides)
        share = _share(project, args.stack, result, overrides)
    if chart is not None:
        write_chart(result, chart)
    if args.json:
        data = result.to_json()
        data["environmentShare"] = share.to_json() if share else None
        print(json.dumps(data, indent=2))
        return 0
    _print_table(console, args.stack, result)
    if args.details:
        _print_lines(console, result)
    _print_footer(console, args.stack, result, share)
    if chart is not None:
        console.print(f"chart: {chart}")
    return 0


def _print_table(console: Console, stack: str, result: CostEstimate) -> None:
    table = Table(title=f"{stack}: monthly cost estimate (USD, {result.region} list prices)")
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
    for unpriced in result.unpriced:
        table.add_row(f"[yellow]unpriced: {unpriced}[/]", "?", "?")
    console.print(table)


def _print_lines(console: Console, result: CostEstimate) -> None:
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


def _print_footer(
    console: Console, stack: str, result: CostEstimate, share: EnvironmentShare | None
) -> None:
    if share is not None and share.environment == stack:
        teams = ", ".join(share.teams) or "none"
        console.print(
            f"environment {stack}: {share.idle_monthly_usd:,.2f} idle / "
            f"{share.typical_monthly_usd:,.2f} typical a month, shared by {len(share.teams)} "
            f"team stacks ({teams}): {share.idle_per_team:,.2f} idle / "
            f"{share.typical_per_team:,.2f} typical each"
        )
    elif share is not None:
        console.print(
            f"share of environment {share.environment} (not in the total above; split "
            f"equally over {len(share.teams)} team stacks): {share.idle_per_team:,.2f} idle / "
            f"{share.typical_per_team:,.2f} typical a month"
        )
    hours = result.assumptions["notebookHoursPerMemberPerMonth"]
    requests = result.assumptions["endpointRequestsPerMonth"]
    console.print(
        f"typical use assumes {hours:g} notebook hours per member and {requests:,.0f} endpoint "
        "requests a month (--notebook-hours, --endpoint-requests); "
        "prices: policies/cost_model/prices.yaml"
    )
    for note in result.assumptions.get("notes", []):
        console.print(f"[yellow]assumed:[/] {note}")
    if result.unpriced:
        console.print(
            f"[yellow]unpriced (billable types with no price in the table, not in the "
            f"totals):[/] {', '.join(result.unpriced)}"
        )
