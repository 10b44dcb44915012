"""Which picture of a stack, in which format: `mlopsctl diagram`'s choices, resolved up front.

Two views: `architecture` (people, account, VPC, components, labelled data flows; the default
for images) and `dependencies` (one node per component, who uses whom; the default for Mermaid
text). The format follows the output file's extension; `--format` must agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlopsctl.plan import Plan, plan_stack
from mlopsctl.render.architecture import Architecture, Group, environment_architecture
from mlopsctl.render.architecture_team import team_architecture

EXTENSIONS = {".png": "png", ".svg": "svg", ".mmd": "mermaid", ".md": "mermaid"}
VIEWS = ("architecture", "dependencies")


class ChoiceError(ValueError):
    """An output name, format and view that do not go together."""


@dataclass(frozen=True)
class Choice:
    format: str  # png | svg | mermaid
    view: str  # architecture | dependencies
    output: Path | None  # None: stdout (Mermaid only)


def resolve(stack: str, output: str | None, fmt: str | None, view: str | None) -> Choice:
    """The format from the output's extension (`--format` must agree), and the view."""
    if output is None:
        chosen = fmt or "mermaid"
        path = None if chosen == "mermaid" else Path(f"{stack}.{chosen}")
    else:
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in EXTENSIONS:
            known = ", ".join(EXTENSIONS)
            raise ChoiceError(
                f"cannot tell the format of {output!r} from its extension {suffix or '(none)'!r}: "
                f"use one of {known}"
            )
        chosen = EXTENSIONS[suffix]
        if fmt is not None and fmt != chosen:
            raise ChoiceError(
                f"--format {fmt} does not match {output!r}, which is {chosen} by its extension; "
                f"drop --format or name the file .{'mmd' if fmt == 'mermaid' else fmt}"
            )
    if view is None:
        view = "dependencies" if chosen == "mermaid" else "architecture"
    return Choice(chosen, view, path)


def architecture(plan: Plan, project_dir: Path | None = None) -> Architecture:
    """The architecture view of a plan; a team stack's VPC comes from its environment's plan."""
    if plan.layer == "environment":
        return environment_architecture(plan)
    team = plan.config.get(f"{plan.project}:team") or {}
    environment_stack = team.get("environmentStack")
    environment = None
    if environment_stack:
        name = str(environment_stack)
        environment = plan_stack(name, project_dir) if project_dir else plan_stack(name)
    return team_architecture(plan, environment)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "'").replace("\n", "<br/>")


def _mermaid_group(group: Group, lines: list[str], counter: list[int]) -> None:
    counter[0] += 1
    lines.append(f'  subgraph g{counter[0]}["{_mermaid_text(group.label)}"]')
    lines.extend(f'    {b.id}["{_mermaid_text(b.label)}"]' for b in group.boxes)
    for child in group.groups:
        _mermaid_group(child, lines, counter)
    lines.append("  end")


def architecture_mermaid(view: Architecture) -> str:
    """The architecture view as a Mermaid flowchart: groups as subgraphs, flows as labels."""
    lines = ["flowchart LR", f"  %% {view.title}"]
    lines.extend(f'  {b.id}(("{_mermaid_text(b.label)}"))' for b in view.people)
    _mermaid_group(view.account, lines, [0])
    lines.extend(f'  {f.source} -->|"{_mermaid_text(f.label)}"| {f.target}' for f in view.flows)
    return "\n".join(lines) + "\n"
