"""The team's onboarding handbook, in Markdown, rendered from `templates/handbook.md.j2`.

Values come from the stack's real outputs (`pulumi stack output --json`) or, without them, from
the offline plan, in which case the handbook says so at the top and names the made-up values
(`handbook_outputs.py`). The journey's steps are in `handbook_journey.py`; the persona section
is the stack's own derived access cells (`mlopsctl/access`), grouped by journey step, never the
intent's raw templates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlopsctl.handbook_journey import LabFacts, Repository, journey
from mlopsctl.handbook_outputs import (
    check_outputs,
    placeholders,
    read_outputs,
    substitute,
    substitutions,
)

if TYPE_CHECKING:
    from mlopsctl.access.cells import Cell
    from mlopsctl.plan import Plan
    from settings import TeamSettings

TEMPLATE_DIR = Path(__file__).resolve().with_name("templates")
TEMPLATE = "handbook.md.j2"

__all__ = ["check_outputs", "handbook", "lab_facts", "read_outputs", "substitutions"]


def lab_facts(settings: TeamSettings, plan: Plan | None = None) -> LabFacts:
    """The lab as the stack's settings describe it (members, repositories, environment.yml)."""
    lab = settings.lab
    members = tuple((m.name, m.persona, m.sso_user_name or m.name) for m in lab.members)
    repositories = tuple(
        Repository(r.name, r.url, r.branch, r.directory) for r in lab.code_repositories
    )
    yml = lab.environment_yml
    environment_yml = None
    if yml is not None:
        where = yml.bucket if yml.source == "s3" else (yml.repository or "")
        environment_yml = (yml.source, where, yml.path)
    cronjobs = plan.of_type("kubernetes:batch/v1:CronJob") if plan is not None else []
    cronjob = (cronjobs[0].inputs.get("metadata") or {}).get("name") if cronjobs else None
    return LabFacts(
        kind=lab.kind,
        auth_mode=lab.auth_mode,
        members=members,
        repositories=repositories,
        environment_yml=environment_yml,
        retraining_cronjob=cronjob,
    )


def _facts_from_exports(exports: Mapping[str, Any]) -> LabFacts:
    """Without settings: members from the exported user profiles (or notebook instances)."""
    members = exports.get("labUserProfiles") or exports.get("labNotebookInstances") or {}
    return LabFacts(
        kind=str(exports.get("labKind", "studio")),
        members=tuple((str(m), "", str(m)) for m in sorted(members)),
    )


def _shown(cell: Cell, principals: frozenset[str]) -> bool:
    """A cell of this stack on its own resources; a trust cell only for its real callers."""
    if cell.relation != "own":
        return False
    return not cell.trust or cell.principal in principals


def access_groups(
    cells: Sequence[Cell], principals: frozenset[str] = frozenset(), pairs: Mapping[str, str] = {}
) -> list[dict[str, Any]]:
    """The stack's own cells as table rows, grouped by journey step in the intent's order."""
    groups: dict[str, list[list[str]]] = {}
    seen: set[tuple[str, ...]] = set()
    for c in cells:
        if not _shown(c, principals):
            continue
        who = f"{c.persona} via `{c.principal}`" if c.trust else c.persona
        row = [who, f"`{c.action}`", f"`{substitute(c.resource, pairs)}`", f"**{c.expect}**"]
        row.append(c.why)
        key = (c.step, *row)
        if key in seen:
            continue
        seen.add(key)
        groups.setdefault(c.step or "other", []).append([v.replace("|", "\\|") for v in row])
    return [{"step": step, "rows": rows} for step, rows in groups.items()]


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def handbook(
    exports: Mapping[str, Any],
    stack: str,
    diagram_mermaid: str | None = None,
    *,
    lab: LabFacts | None = None,
    cells: Sequence[Cell] = (),
    principals: frozenset[str] = frozenset(),
    offline: bool = True,
    pairs: Mapping[str, str] | None = None,
) -> str:
    """The Markdown handbook of one team stack.

    `offline`: the exports are the plan's (the handbook opens with what is made up). `pairs`:
    planned placeholder -> real value, applied to the cells (derived from the plan).
    """
    lab = lab or _facts_from_exports(exports)
    team = str(exports.get("team", stack))
    context = {
        "team": team,
        "environment": exports.get("environment", ""),
        "stack": stack,
        "region": exports.get("region", ""),
        "offline": offline,
        "placeholders": placeholders(exports) if offline else [],
        "steps": journey(exports, lab, stack, team),
        "roles": sorted((exports.get("personaRoleArns") or {}).items()),
        "access": access_groups(cells, principals, pairs or {}),
        "buckets": list((exports.get("buckets") or {}).items()),
        "diagram": diagram_mermaid.rstrip() if diagram_mermaid else "",
    }
    text = _environment().get_template(TEMPLATE).render(context)
    return text.rstrip() + "\n"
