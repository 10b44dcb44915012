"""`mlopsctl plan <stack>`: what would be created, as a tree, counts by type, the exports, the
policy pack's verdicts and the AWS conformance findings (exit status 3 when a mandatory policy is
violated, 4 when a planned value is one AWS or the provider would refuse)."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from mlopsctl.commands.progress import stage
from mlopsctl.plan import Plan, plan_stack
from mlopsctl.plan.prerequisites import Prerequisite, prerequisites
from mlopsctl.policy_verdicts import policy_verdicts
from mlopsctl.violation import PolicyConfigError, Violation


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


def verdicts_table(violations: list[Violation], config_source: str) -> Table:
    table = Table(title=f"Policy verdicts ({config_source}): {len(violations)} violation(s)")
    for column in ("policy", "enforcement", "severity", "resource", "message"):
        table.add_column(column, overflow="fold")
    for v in sorted(violations, key=lambda v: (not v.mandatory, v.policy, v.urn)):
        style = "red" if v.mandatory else "yellow"
        table.add_row(
            f"[{style}]{v.policy}[/]",
            v.enforcement,
            v.severity,
            v.urn.rsplit("::", 1)[-1],
            v.message,
        )
    if not violations:
        table.add_row("[green]all policies pass[/]", "", "", "", "")
    return table


def conformance_table(findings: list) -> Table:
    """What AWS or the provider would refuse, each finding with its rule and source."""
    table = Table(title=f"AWS conformance: {len(findings)} rejection(s)")
    for column in ("resource", "property", "value", "rule", "source", "message"):
        table.add_column(column, overflow="fold")
    for f in findings:
        table.add_row(
            f"[red]{f.name}[/] [dim]{f.resource_type}[/]",
            f.path,
            str(f.value)[:80],
            f.rule,
            f.source,
            f.message,
        )
    if not findings:
        table.add_row("[green]every planned value is one AWS accepts[/]", "", "", "", "", "")
    return table


def cost_line(plan: Plan) -> str:
    from mlopsctl.cost.model import estimate

    cost = estimate(plan)
    return (
        f"Estimated cost: [bold]${cost.idle_monthly_usd:,.2f}[/]/month idle, "
        f"${cost.typical_monthly_usd:,.2f}/month typical use "
        f"(`mlopsctl cost {plan.stack}` for the breakdown)"
    )


def prerequisites_table(needed: list[Prerequisite]) -> Table:
    table = Table(title="Prerequisites outside this stack (must exist before `pulumi up`)")
    for column in ("kind", "value", "needed by"):
        table.add_column(column, overflow="fold")
    for item in needed:
        table.add_row(item.kind, item.value, ", ".join(item.needed_by))
    return table


def run(args: argparse.Namespace) -> int:
    console = Console()
    if args.stack not in args.project.stacks():  # the one error line, with "did you mean"
        plan_stack(args.stack, project_dir=args.project.root)
    with stage(f"planning {args.stack} offline…"):
        plan = plan_stack(args.stack, project_dir=args.project.root)
    try:  # the stack's derived pack config, unless --policy-config FILE
        _config, config_source, violations = policy_verdicts(
            plan, args.project, getattr(args, "policy_config", None)
        )
    except PolicyConfigError as error:
        Console(stderr=True).print(f"[bold red]error:[/] {error}", highlight=False)
        return 2
    from mlopsctl.conformance import check_plan, findings_to_json

    findings = check_plan(plan)
    needed = prerequisites(plan)
    # 3: a mandatory policy violation; 4: a value AWS would refuse (both: 3).
    status = 3 if any(v.mandatory for v in violations) else (4 if findings else 0)
    document = {
        **plan.to_json(),
        "conformance": findings_to_json(findings),
        "prerequisites": [p.to_json() for p in needed],
    }
    if args.json == "-":
        print(json.dumps(document, indent=2, default=str))
        Console(stderr=True).print(verdicts_table(violations, config_source))
        Console(stderr=True).print(conformance_table(findings))
        return status
    if not args.no_tree:
        console.print(resource_tree(plan))
    console.print(counts_table(plan))
    console.print(exports_table(plan))
    console.print(verdicts_table(violations, config_source))
    console.print(conformance_table(findings))
    if needed:
        console.print(prerequisites_table(needed))
    console.print(cost_line(plan))
    if args.json:
        Path(args.json).write_text(json.dumps(document, indent=2, default=str))
        console.print(f"plan written to {args.json}")
    return status
