"""`mlopsctl onboard` and `mlopsctl member`: write or change a team stack file, then prove it.

Every change is validated with the program's own settings model, planned offline and, when the
policy pack's offline runner is present, judged by the policy pack. A failed check rolls the
file back (a new file is removed), so a stack file on disk is always one that plans.
Files go to the stack config dir of the project mlopsctl works on (`mlopsctl --project DIR`, else
the one found from the current directory); stack files are read and written through `settings`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.table import Table

from mlopsctl.plan import Plan, plan_stack
from mlopsctl.policy_runner import Violation, run_plan_policies
from settings import (
    ConfigError,
    Project,
    dump_edited,
    environment_stacks,
    load_for_editing,
    load_stack,
    read_stack_file,
    stack_file_transaction,
)
from settings.values import TeamName

PROJECT = "mlops"
DEFAULT_PERSONA = "data-scientist"


# -- checks: settings, plan, policies -----------------------------------------------------------


def check_stack(stack: str, project: Project, console: Console) -> tuple[Plan, list[Violation]]:
    """Validate, plan and judge a stack file; raises ConfigError on any failure."""
    with console.status(f"validating {stack}…"):
        load_stack(project, stack)
    with console.status(f"planning {stack} offline…"):
        plan = plan_stack(stack, project_dir=project.root)
    with console.status(f"running the policy pack on {stack}…"):
        violations = run_plan_policies(plan, project)
    mandatory = [v for v in violations if v.mandatory]
    if mandatory:
        listed = "\n".join(f"  - {v}" for v in mandatory)
        raise ConfigError(f"stack '{stack}': mandatory policy violations:\n{listed}")
    return plan, violations


# -- parsing ------------------------------------------------------------------------------------


def parse_member(text: str) -> dict[str, str]:
    name, sep, persona = text.partition(":")
    if not name:
        raise ConfigError(f"--member '{text}': allowed: name:persona, e.g. alice:data-scientist")
    return {"name": name, "persona": persona if sep else DEFAULT_PERSONA}


def _check_team_name(team: str) -> None:
    try:
        TypeAdapter(TeamName).validate_python(team)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(f"--team '{team}': {message}") from None


def _environment_config(env: str, project: Project) -> dict[str, Any]:
    environments = environment_stacks(project)
    if env not in environments:
        raise ConfigError(
            f"--env '{env}': no environment stack of that name in {project.stacks_dir}; "
            f"allowed: {', '.join(environments) or 'none'}"
        )
    return read_stack_file(project, env).config


# -- the stack file -----------------------------------------------------------------------------


def _flow(value: Any) -> str:
    """A YAML flow value (`{name: alice, persona: data-scientist}`), as the shipped stacks use."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1000).strip()
    return text.removesuffix("\n...").strip()


def render_team_stack(
    *,
    declared: dict[str, dict[str, Any]],
    team: str,
    env: str,
    env_config: dict[str, Any],
    members: list[dict[str, str]],
    gpu: bool,
    owner: str | None,
    cost_center: str | None,
) -> str:
    """The team stack file, commented like the shipped ones; only declared keys are written."""
    production = bool(env_config.get(f"{PROJECT}:production", False))
    lines = [
        f"# Team layer: the {team} team in {env}. Written by `mlopsctl onboard`; edit freely, then",
        f"# check with `mlopsctl plan {team}-{env}`.",
        "config:",
        f"  aws:region: {env_config['aws:region']}",
        f"  {PROJECT}:layer: team",
        f"  {PROJECT}:environment: {env_config[f'{PROJECT}:environment']}",
    ]
    if production:
        lines.append(f"  {PROJECT}:production: true")
    lines += [
        f"  {PROJECT}:owner: {owner or env_config[f'{PROJECT}:owner']}",
        f"  {PROJECT}:costCenter: {cost_center or env_config[f'{PROJECT}:costCenter']}",
        f'  {PROJECT}:accountId: "{env_config[f"{PROJECT}:accountId"]}"',
        f"  {PROJECT}:team:",
        f"    name: {team}",
        f"    environmentStack: {env}",
        "    dataClassification: confidential",
        "    lifecycle:",
        f"      noncurrentVersionExpirationDays: {365 if production else 30}",
        "      abortIncompleteMultipartUploadDays: 7",
        f"    monthlyBudgetUsd: {6000 if production else 1500}",
    ]
    if f"{PROJECT}:tracking" in declared:
        lines += [
            "  # Managed SageMaker MLflow, smallest size: enough for one team's experiments.",
            f"  {PROJECT}:tracking:",
            "    kind: sagemaker",
            "    size: Small",
        ]
    if gpu and f"{PROJECT}:personas" in declared:
        lines += [
            "  # GPU instance types of the environment's allow-list may be started.",
            f"  {PROJECT}:personas:",
            "    allowGpu: true",
        ]
    elif gpu:
        raise ConfigError(f"--gpu: this project declares no {PROJECT}:personas key yet")
    if f"{PROJECT}:lab" in declared:
        lines += [
            "  # The lab: a VPC-only Studio domain, IAM sign-in, idle apps stop after an hour.",
            f"  {PROJECT}:lab:",
            "    kind: studio",
            "    authMode: IAM",
            "    idleTimeoutMinutes: 60",
        ]
        if members:
            lines.append("    members:")
            lines += [f"      - {_flow(m)}" for m in members]
        else:
            lines.append("    members: []")
    elif members:
        raise ConfigError(f"--member: this project declares no {PROJECT}:lab key yet")
    return "\n".join(lines) + "\n"


def _next_steps(stack: str) -> Table:
    table = Table(title="Next steps", show_header=False)
    table.add_column("step")
    table.add_column("command")
    table.add_row("1. review", f"mlopsctl plan {stack}; mlopsctl cost {stack}")
    table.add_row("2. create the stack", f"pulumi stack init {stack}")
    table.add_row("3. deploy (policy-gated)", f"pulumi up -s {stack} --policy-pack policies")
    table.add_row("4. hand over", f"mlopsctl handbook {stack} --output {stack}-handbook.md")
    return table


def _summary(plan: Plan, violations: list[Any], path: Path) -> Table:
    table = Table(title=f"{plan.stack}: checked", show_header=False)
    table.add_column("check")
    table.add_column("result")
    table.add_row("stack file", str(path))
    table.add_row("settings", "valid")
    table.add_row("offline plan", f"{sum(1 for r in plan.resources if r.custom)} resources")
    table.add_row("policy pack", f"{len(violations)} advisory findings, 0 mandatory")
    return table


# -- commands -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    console = Console()
    project: Project = args.project
    _check_team_name(args.team)
    env_config = _environment_config(args.env, project)
    members = [parse_member(m) for m in args.member or []]
    stack = f"{args.team}-{args.env}"
    path = project.stack_path(stack)
    if path.exists() and not args.force:
        raise ConfigError(f"{path} already exists; allowed: --force to overwrite it")
    text = render_team_stack(
        declared=project.declared,
        team=args.team,
        env=args.env,
        env_config=env_config,
        members=members,
        gpu=args.gpu,
        owner=args.owner,
        cost_center=args.cost_center,
    )
    with stack_file_transaction(project, stack) as path:
        path.write_text(text)
        plan, violations = check_stack(stack, project, console)
    console.print(_summary(plan, violations, path))
    console.print(_next_steps(stack))
    return 0


def _edit_members(members: Any, action: str, texts: list[str], instance_type: str | None) -> list:
    """Add or remove members of a round-trip `mlops:lab.members` list in place; their names."""
    from ruamel.yaml.comments import CommentedMap

    names = [m.get("name") for m in members]
    for text in texts:
        if action == "add":
            member = parse_member(text)
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


def run_member(args: argparse.Namespace) -> int:
    """`mlopsctl member add|remove <stack> ...`: edit `mlops:lab.members`, keeping comments."""
    from ruamel.yaml.comments import CommentedSeq

    console = Console()
    project: Project = args.project
    document = load_for_editing(project, args.stack)  # a clear error for an unknown stack
    lab = (document.get("config") or {}).get(f"{PROJECT}:lab")
    if lab is None:
        raise ConfigError(f"stack '{args.stack}': {PROJECT}:lab is not set; the lab holds members")
    members = lab.get("members")
    if members is None:
        members = lab["members"] = CommentedSeq()
    names = _edit_members(members, args.action, args.members, args.instance_type)
    with stack_file_transaction(project, args.stack) as path:
        path.write_text(dump_edited(document))
        plan, violations = check_stack(args.stack, project, console)
    console.print(_summary(plan, violations, path))
    console.print(f"members of {args.stack}: {json.dumps(names)}")
    console.print(f"next: pulumi up -s {args.stack}")
    return 0
