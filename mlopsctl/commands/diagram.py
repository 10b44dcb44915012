"""`mlopsctl diagram <stack>`: the planned stack's components and who uses whom."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from mlopsctl.plan import plan_stack
from mlopsctl.render.diagram import GraphvizMissing, build, mermaid, render
from settings import ConfigError


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    with console.status(f"planning {args.stack} offline…"):
        plan = plan_stack(args.stack, project_dir=args.project.root)
    diagram = build(plan)
    if args.format == "mermaid":
        text = mermaid(diagram)
        if args.output:
            Path(args.output).write_text(text)
            console.print(f"mermaid diagram written to {args.output}")
        else:
            print(text, end="")
        return 0
    output = Path(args.output or f"{args.stack}.{args.format}")
    try:
        render(diagram, output, args.format)
    except GraphvizMissing as error:
        raise ConfigError(str(error)) from None
    console.print(
        f"{args.format} diagram written to {output} "
        f"({len(diagram.nodes)} components, {len(diagram.edges)} links)"
    )
    return 0
