"""`mlopsctl member add|remove|list <stack>`: the lab members of a team stack.

add and remove edit `mlops:lab.members` keeping the file's comments, then validate, plan and
judge the stack (rolled back on any error); list prints the members from the validated settings.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from mlopsctl.commands.onboard import PROJECT, check_stack, summary
from mlopsctl.commands.onboard_flags import parse_member
from settings import (
    ConfigError,
    Project,
    dump_edited,
    load_for_editing,
    load_stack,
    read_stack_file,
    stack_file_transaction,
    stack_layer,
)


def check_team_stack(project: Project, stack: str) -> None:
    """A clear error for an unknown stack, and for an environment stack (members are a team's)."""
    read_stack_file(project, stack)  # unknown stack: "did you mean" and the known stacks
    if stack_layer(project, stack) == "environment":
        from mlopsctl.cost.shares import teams_sharing

        teams = teams_sharing(project, stack)
        raise ConfigError(
            f"{stack} is an environment stack; members belong to team stacks: "
            + (", ".join(teams) or f"none yet (mlopsctl onboard --team T --env {stack})")
        )


def _edit_members(members: Any, action: str, texts: list[str], instance_type: str | None) -> list:
    """Add or remove members of a round-trip `mlops:lab.members` list in place; their names."""
    from ruamel.yaml.comments import CommentedMap

    names = [m.get("name") for m in members]
    for text in texts:
        if action == "add":
            member = parse_member(text, where=f"{PROJECT}:lab.members:")
            if member["name"] in names:
                raise ConfigError(
                    f"{PROJECT}:lab.members: '{member['name']}' is already a member; "
                    "allowed: a new name"
                )
            entry = CommentedMap(member)
            if instance_type:
                entry["defaultInstanceType"] = instance_type
            entry.fa.set_flow_style()
            members.append(entry)
            names.append(member["name"])
        else:
            if text not in names:
                raise ConfigError(
                    f"{PROJECT}:lab.members: '{text}' is not a member; allowed: "
                    + (", ".join(str(n) for n in names) or "none")
                )
            del members[names.index(text)]
            names.remove(text)
    return names


def list_members(project: Project, stack: str, console: Console) -> int:
    settings = load_stack(project, stack)
    lab = getattr(settings, "lab", None)
    members = list(lab.members) if lab is not None else []
    rows = [(m.name, m.persona, m.default_instance_type) for m in members]
    header = ("name", "persona", "default instance type")
    if console.is_terminal:
        table = Table(title=f"{stack}: {len(rows)} lab member(s)")
        for column in header:
            table.add_column(column)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return 0
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def run(args: argparse.Namespace) -> int:
    """`mlopsctl member add|remove|list <stack> ...`."""
    from ruamel.yaml.comments import CommentedSeq

    console = Console()
    project: Project = args.project
    check_team_stack(project, args.stack)
    if args.action == "list":
        if args.members:
            raise ConfigError(f"member list {args.stack}: takes no member names")
        return list_members(project, args.stack, console)
    if not args.members:
        raise ConfigError(
            f"member {args.action} {args.stack}: name a member, e.g. "
            + ("alice:data-scientist" if args.action == "add" else "alice")
        )
    document = load_for_editing(project, args.stack)
    lab = (document.get("config") or {}).get(f"{PROJECT}:lab")
    if lab is None:
        raise ConfigError(f"stack '{args.stack}': {PROJECT}:lab is not set; the lab holds members")
    members = lab.get("members")
    if members is None:
        members = lab["members"] = CommentedSeq()
    names = _edit_members(members, args.action, args.members, args.instance_type)
    with stack_file_transaction(project, args.stack) as path:
        path.write_text(dump_edited(document))
        plan, violations = check_stack(args.stack, project)
    console.print(summary(plan, violations, path))
    console.print(f"members of {args.stack}: {json.dumps(names)}")
    console.print(
        f"next: pulumi up -s {args.stack} --policy-pack policies --policy-pack-config "
        f"{args.stack}-pack.json (after mlopsctl pack-config {args.stack} --output "
        f"{args.stack}-pack.json)",
        highlight=False,
        soft_wrap=True,
    )
    return 0
