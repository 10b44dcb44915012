"""`mlopsctl diagram <stack>`: the planned stack's architecture picture, or its dependencies.

The output's extension picks the format (.png, .svg, .mmd/.md); `--format` must agree with it.
`--view architecture` (default for images) draws people, the account, the VPC, components and
labelled data flows with AWS icons; `--view dependencies` (default for Mermaid text) the
component graph, one node per component.
"""

from __future__ import annotations

import argparse

from rich.console import Console

from mlopsctl.plan import Plan, plan_stack
from mlopsctl.render import diagram as dependencies
from mlopsctl.render.architecture import Architecture
from mlopsctl.render.diagram import GraphvizMissing
from mlopsctl.render.views import Choice, ChoiceError, architecture, architecture_mermaid, resolve
from settings import ConfigError


def _mermaid(choice: Choice, text: str, console: Console) -> None:
    if choice.output is None:
        print(text, end="")
        return
    choice.output.parent.mkdir(parents=True, exist_ok=True)
    choice.output.write_text(text)
    console.print(f"mermaid {choice.view} diagram written to {choice.output}")


def _image(choice: Choice, plan: Plan, view: Architecture | None) -> str:
    """Draw the image; a summary of what it shows."""
    assert choice.output is not None
    try:
        if view is None:
            graph = dependencies.build(plan)
            dependencies.render(graph, choice.output, choice.format)
            return f"{len(graph.nodes)} components, {len(graph.edges)} links"
        from mlopsctl.render.picture import draw

        draw(view, choice.output, choice.format)
        return f"{len(view.flows)} data flows"
    except GraphvizMissing as error:
        raise ConfigError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    try:
        choice = resolve(args.stack, args.output, args.format, args.view)
    except ChoiceError as error:
        raise ConfigError(str(error)) from None
    project_dir = args.project.root
    with console.status(f"planning {args.stack} offline…"):
        plan = plan_stack(args.stack, project_dir=project_dir)
        view = architecture(plan, project_dir) if choice.view == "architecture" else None
    if choice.format == "mermaid":
        if view is None:
            text = dependencies.mermaid(dependencies.build(plan))
        else:
            text = architecture_mermaid(view)
        _mermaid(choice, text, console)
        return 0
    summary = _image(choice, plan, view)
    console.print(f"{choice.format} {choice.view} picture written to {choice.output} ({summary})")
    return 0
