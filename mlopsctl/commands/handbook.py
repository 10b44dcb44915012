"""`mlopsctl handbook <stack>`: the team's onboarding handbook in Markdown."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from mlopsctl.handbook import handbook, read_outputs
from mlopsctl.plan import plan_stack
from mlopsctl.render.diagram import build, mermaid


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    with console.status(f"planning {args.stack} offline…"):
        plan = plan_stack(args.stack, project_dir=args.project.root)
    # Real outputs (`pulumi stack output --json`) win; the plan gives the diagram and fallbacks.
    exports = read_outputs(Path(args.outputs)) if args.outputs else plan.exports
    text = handbook(exports, args.stack, mermaid(build(plan)))
    if args.output:
        Path(args.output).write_text(text)
        source = args.outputs or "the offline plan"
        console.print(f"handbook written to {args.output} (from {source})")
    else:
        print(text, end="")
    return 0
