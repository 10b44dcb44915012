"""`mlopsctl onboard`: write a team stack file, then prove it (`mlopsctl member` is in member.py).

Every change is validated with the program's own settings model, planned offline and, when the
policy pack's offline runner is present, judged by the policy pack. A failed check rolls the
file back (a new file is removed), so a stack file on disk is always one that plans.
Files go to the stack config dir of the project mlopsctl works on (`mlopsctl --project DIR`, else
the one found from the current directory); stack files are read and written through `settings`.
"""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.table import Table

from mlopsctl.commands.onboard_flags import LabExtras, lab_extras, parse_member, persona_key
from mlopsctl.commands.progress import stage
from mlopsctl.plan import Plan, plan_stack
from mlopsctl.policy_runner import Violation, run_plan_policies
from settings import (
    ConfigError,
    Project,
    environment_stacks,
    load_stack,
    read_stack_file,
    stack_file_transaction,
)
from settings.models.tracking import MLFLOW_APP_HOST
from settings.values import TeamName

PROJECT = "mlops"


# -- checks: settings, plan, policies -----------------------------------------------------------


def check_stack(
    stack: str, project: Project, console: Console | None = None
) -> tuple[Plan, list[Violation]]:
    """Validate, plan and judge a stack file; raises ConfigError on any failure.

    Each stage is shown on stderr (a spinner in a terminal, one line otherwise); `console` is
    accepted for callers that pass one and not used.
    """
    del console
    with stage(f"validating {stack}…"):
        load_stack(project, stack)
    with stage(f"planning {stack} offline…"):
        plan = plan_stack(stack, project_dir=project.root)
    with stage(f"running the policy pack on {stack}…"):
        violations = run_plan_policies(plan, project)
    mandatory = [v for v in violations if v.mandatory]
    if mandatory:
        listed = "\n".join(f"  - {v}" for v in mandatory)
        raise ConfigError(f"stack '{stack}': mandatory policy violations:\n{listed}")
    return plan, violations


# -- parsing ------------------------------------------------------------------------------------


def _check_team_name(team: str) -> None:
    try:
        TypeAdapter(TeamName).validate_python(team)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(f"--team '{team}': {message}") from None


def _environment_config(env: str, project: Project) -> dict[str, Any]:
    environments = environment_stacks(project)
    if env not in environments:
        hint = difflib.get_close_matches(env, environments, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        raise ConfigError(
            f"--env '{env}': no environment stack of that name in {project.stacks_dir}"
            f"{suggestion}; allowed: {', '.join(environments) or 'none'}"
        )
    return read_stack_file(project, env).config


# -- the stack file -----------------------------------------------------------------------------


def _flow(value: Any) -> str:
    """A YAML flow value (`{name: alice, persona: data-scientist}`), as the shipped stacks use."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1000).strip()
    return text.removesuffix("\n...").strip()


def _personas_lines(gpu: bool, extras: LabExtras) -> list[str]:
    if not gpu and not extras.principals:
        return []
    lines = [
        "  # Who may assume each persona's role; a persona without principals: nobody.",
        f"  {PROJECT}:personas:",
    ]
    for persona, arns in extras.principals.items():
        lines += [f"    {persona_key(persona)}:", "      principals:"]
        lines += [f"        - {_flow(arn)}" for arn in arns]
    if gpu:
        lines.append("    allowGpu: true  # the environment's GPU types may be started")
    return lines


def _lab_lines(members: list[dict[str, str]], extras: LabExtras) -> list[str]:
    lines = [
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
    if extras.repositories:
        lines.append("    codeRepositories:")
        lines += [f"      - {_flow(r)}" for r in extras.repositories]
    if extras.environment_yml:
        lines.append(f"    environmentYml: {_flow(extras.environment_yml)}")
    if extras.conda_mirror:
        lines.append(f"    packageMirrorUrl: {_flow(extras.conda_mirror)}")
    if extras.pip_mirror:
        lines.append(f"    pipMirrorUrl: {_flow(extras.pip_mirror)}")
    return lines


def _undeclared(
    declared: dict[str, dict[str, Any]], gpu: bool, members: list, extras: LabExtras
) -> None:
    """Refuse options whose key this project does not declare."""
    if (gpu or extras.principals) and f"{PROJECT}:personas" not in declared:
        raise ConfigError(f"--gpu/--principal: this project declares no {PROJECT}:personas key")
    lab_options = members or extras.repositories or extras.conda_mirror or extras.pip_mirror
    if lab_options and f"{PROJECT}:lab" not in declared:
        raise ConfigError(f"--member/--repository/mirrors: this project declares no {PROJECT}:lab")


def _tracking_lines(env_config: dict[str, Any]) -> list[str]:
    """Serverless MLflow (nothing billed while idle) when the environment reaches the app's
    host; else the smallest managed tracking server, reached through its interface endpoint."""
    egress = (env_config.get(f"{PROJECT}:network") or {}).get("egress") or {}
    host = MLFLOW_APP_HOST.format(region=env_config["aws:region"])
    mode = egress.get("mode", "none")
    if mode in ("nat", "transit-gateway") or (
        mode == "private" and host in egress.get("hosts", [])
    ):
        return [
            "  # Serverless MLflow (a SageMaker MLflow App): nothing billed but S3 while idle.",
            f"  {PROJECT}:tracking:",
            "    kind: app",
        ]
    return [
        f"  # Managed SageMaker MLflow, smallest size: the environment does not reach {host}",
        "  # (the serverless MLflow App's host), so a tracking server behind its endpoint.",
        f"  {PROJECT}:tracking:",
        "    kind: sagemaker",
        "    size: Small",
    ]


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
    extras: LabExtras | None = None,
) -> str:
    """The team stack file, commented like the shipped ones; only declared keys are written."""
    extras = extras or LabExtras()
    _undeclared(declared, gpu, members, extras)
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
        lines += _tracking_lines(env_config)
    lines += _personas_lines(gpu, extras)
    if f"{PROJECT}:lab" in declared:
        lines += _lab_lines(members, extras)
    return "\n".join(lines) + "\n"


def summary(plan: Plan, violations: list[Any], path: Path) -> Table:
    table = Table(title=f"{plan.stack}: checked", show_header=False)
    table.add_column("check")
    table.add_column("result")
    table.add_row("stack file", str(path))
    table.add_row("settings", "valid")
    table.add_row("offline plan", f"{sum(1 for r in plan.resources if r.custom)} resources")
    table.add_row("policy pack", f"{len(violations)} advisory findings, 0 mandatory")
    return table


# -- the command --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from mlopsctl.commands.onboard_next_steps import print_after_onboarding

    console = Console()
    project: Project = args.project
    _check_team_name(args.team)
    env_config = _environment_config(args.env, project)
    members = [parse_member(m) for m in args.member or []]
    extras = lab_extras(
        getattr(args, "principal", None),
        getattr(args, "repository", None),
        getattr(args, "environment_yml", None),
        getattr(args, "conda_mirror", None),
        getattr(args, "pip_mirror", None),
    )
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
        extras=extras,
    )
    with stack_file_transaction(project, stack) as path:
        with stage(f"writing {path.relative_to(project.root)}…"):
            path.write_text(text)
        plan, violations = check_stack(stack, project)
    console.print(summary(plan, violations, path))
    network = env_config.get(f"{PROJECT}:network")
    egress = network.get("egress") if isinstance(network, dict) else None
    egress = egress if isinstance(egress, dict) else {}
    print_after_onboarding(
        console,
        extras,
        stack=stack,
        env=args.env,
        region=str(env_config["aws:region"]),
        egress_mode=str(egress.get("mode", "none")),
    )
    return 0
