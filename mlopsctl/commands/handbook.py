"""`mlopsctl handbook <stack>`: the team's onboarding handbook in Markdown.

The team stack is planned offline (the diagram, the derived access cells, the lab facts of its
settings). With `--outputs FILE` (`pulumi stack output --json`), the values are the deployed
stack's, checked to be this stack's and complete; without it, the plan's, and the handbook says
which of them are made up.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from mlopsctl.commands.access import access_matrix, require_team_stack
from mlopsctl.handbook import check_outputs, handbook, lab_facts, read_outputs, substitutions
from mlopsctl.plan import plan_stack
from mlopsctl.render.diagram import build, mermaid
from settings import ConfigError, TeamSettings, load_stack


def _settings(args: argparse.Namespace) -> TeamSettings:
    require_team_stack(args.project, args.stack, "the handbook")
    settings = load_stack(args.project, args.stack)
    if not isinstance(settings, TeamSettings):  # refused above; narrows the type
        raise ConfigError(f"{args.stack!r} is not a team stack")
    return settings


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    settings = _settings(args)
    # Outputs are checked before the (slower) plans: a wrong file fails at once.
    outputs = read_outputs(Path(args.outputs)) if args.outputs else None
    if outputs is not None:
        check_outputs(outputs, args.outputs, args.stack, settings.team_name, settings.environment)
    with console.status(f"planning {args.stack} offline…"):
        plan = plan_stack(args.stack, project_dir=args.project.root)
        matrix = access_matrix(args.project, args.stack)
    exports = outputs if outputs is not None else plan.exports
    text = handbook(
        exports,
        args.stack,
        mermaid(build(plan)),
        lab=lab_facts(settings, plan),
        cells=[j.cell for j in matrix.judged],
        principals=matrix.principals,
        offline=outputs is None,
        pairs=substitutions(plan.exports, outputs) if outputs is not None else None,
    )
    if args.output:
        Path(args.output).write_text(text)
        source = args.outputs or "the offline plan (placeholders named at the top)"
        console.print(f"handbook written to {args.output} (from {source})")
    else:
        print(text, end="")
    return 0
