"""mlopsctl entry point: one sub-command per platform-team task.

Every sub-command works on one project (`mlopsctl --project DIR`, else the nearest directory at
or above the current one whose Pulumi.yaml is this blueprint's; see mlopsctl/commands/), which
is resolved here and handed to the command as `args.project`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], str]] = {
    # name: (help, add_arguments, "module:function")
}


def _register(name: str, help_text: str, target: str) -> Callable:
    def decorator(add_arguments: Callable[[argparse.ArgumentParser], None]) -> Callable:
        COMMANDS[name] = (help_text, add_arguments, target)
        return add_arguments

    return decorator


@_register(
    "plan",
    "plan a stack offline: resource tree, counts, exports, policy verdicts, AWS conformance "
    "(exit 3 on a mandatory violation, 4 on a value AWS would refuse)",
    "mlopsctl.commands.plan:run",
)
def _plan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "stack", help="stack name, e.g. fraud-dev (file stacks/Pulumi.<stack>.yaml)"
    )
    parser.add_argument(
        "--json", metavar="FILE", help="also write the plan as JSON ('-' for stdout)"
    )
    parser.add_argument("--no-tree", action="store_true", help="print counts and exports only")
    parser.add_argument(
        "--policy-config",
        metavar="FILE",
        help="policy pack config file (default: derived from the stack's settings, as "
        "`mlopsctl pack-config STACK` prints it)",
    )


@_register(
    "pack-config",
    "the policy pack config of a stack, derived from its settings (JSON for "
    "`pulumi preview --policy-pack policies --policy-pack-config FILE`)",
    "mlopsctl.commands.pack_config:run",
)
def _pack_config_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name, e.g. fraud-dev")
    parser.add_argument("--output", metavar="FILE", help="write the JSON here (default: stdout)")


@_register(
    "onboard",
    "onboard a team: write stacks/Pulumi.<team>-<env>.yaml, validate, plan, check policies",
    "mlopsctl.commands.onboard:run",
)
def _onboard_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--team", required=True, help="team name, e.g. fraud")
    parser.add_argument("--env", required=True, help="environment stack, e.g. dev")
    parser.add_argument(
        "--member",
        action="append",
        metavar="NAME:PERSONA",
        help="a lab member, e.g. alice:data-scientist (repeatable; personas: data-scientist, "
        "ml-engineer, data-steward)",
    )
    parser.add_argument(
        "--principal",
        action="append",
        metavar="PERSONA=ARN",
        help="who may assume a persona's role, e.g. data-scientist=arn:aws:iam::<account>:role/"
        "<role> (repeatable; mlops:personas.<persona>.principals)",
    )
    parser.add_argument(
        "--repository",
        action="append",
        metavar="NAME=URL[@BRANCH]",
        help="a git repository the lab clones, e.g. models=https://git.example.com/t/models.git"
        "@main (repeatable; mlops:lab.codeRepositories)",
    )
    parser.add_argument(
        "--environment-yml",
        metavar="REPOSITORY:PATH",
        help="the lab's conda environment file in a --repository (mlops:lab.environmentYml)",
    )
    parser.add_argument(
        "--conda-mirror", metavar="URL", help="conda mirror (mlops:lab.packageMirrorUrl)"
    )
    parser.add_argument("--pip-mirror", metavar="URL", help="PyPI index (mlops:lab.pipMirrorUrl)")
    parser.add_argument("--gpu", action="store_true", help="allow the environment's GPU types")
    parser.add_argument("--owner", metavar="EMAIL", help="owner tag (default: the env's owner)")
    parser.add_argument("--cost-center", metavar="CC", help="cost-center tag (default: env's)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing stack file")


@_register(
    "member",
    "list, add or remove lab members of a team stack (changes validated, planned, rolled back "
    "on error)",
    "mlopsctl.commands.member:run",
)
def _member_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "add", "remove"])
    parser.add_argument("stack", help="team stack, e.g. fraud-dev")
    parser.add_argument(
        "members", nargs="*", metavar="MEMBER", help="add: NAME:PERSONA ...; remove: NAME ..."
    )
    parser.add_argument("--instance-type", help="defaultInstanceType of added members")


@_register(
    "model",
    "the Model Registry versions of a team stack, and which one it serves "
    "(mlops:inference.model.version; checked, planned, rolled back on error)",
    "mlopsctl.commands.model:run",
)
def _model_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    versions = actions.add_parser("versions", help="list the group's versions (from AWS)")
    versions.add_argument("stack", help="team stack, e.g. fraud-dev")
    serve = actions.add_parser("serve", help="pin the version the stack serves")
    serve.add_argument("stack", help="team stack, e.g. fraud-dev")
    which = serve.add_mutually_exclusive_group(required=True)
    which.add_argument("--version", type=int, metavar="N", help="the model package version")
    which.add_argument("--latest-approved", action="store_true", help="the newest Approved version")
    serve.add_argument(
        "--allow-unapproved",
        action="store_true",
        help="serve a version that is not Approved (refused in production stacks)",
    )


@_register(
    "cost", "monthly cost estimate of a stack: idle and typical use", "mlopsctl.commands.cost:run"
)
def _cost_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name, e.g. fraud-dev")
    parser.add_argument("--notebook-hours", type=float, help="notebook hours per member a month")
    parser.add_argument("--endpoint-requests", type=float, help="requests per endpoint a month")
    parser.add_argument("--details", action="store_true", help="also list every cost line")
    parser.add_argument("--json", action="store_true", help="print the estimate as JSON")
    parser.add_argument(
        "--chart", metavar="FILE", help="also write a bar chart per component (.png or .svg)"
    )


@_register(
    "diagram",
    "architecture picture of a planned stack (AWS icons, data flows), or its dependency graph",
    "mlopsctl.commands.diagram:run",
)
def _diagram_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name, e.g. fraud-dev")
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="file to write; its extension picks the format: .png, .svg, .mmd or .md (Mermaid) "
        "(default: Mermaid text on stdout)",
    )
    parser.add_argument(
        "--format",
        choices=["mermaid", "png", "svg"],
        help="output format; must agree with --output's extension (without --output, png/svg "
        "write <stack>.png/.svg)",
    )
    parser.add_argument(
        "--view",
        choices=["architecture", "dependencies"],
        help="architecture: people, account, VPC, components and data flows (default for "
        "images); dependencies: one node per component, who uses whom (default for Mermaid)",
    )


@_register(
    "handbook", "the team's onboarding handbook (Markdown)", "mlopsctl.commands.handbook:run"
)
def _handbook_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="team stack, e.g. fraud-dev")
    parser.add_argument(
        "--outputs", metavar="FILE", help="`pulumi stack output --json` file (default: plan)"
    )
    parser.add_argument("--output", metavar="FILE", help="write the handbook here")


@_register(
    "access",
    "print the access matrix of a stack (persona x action x resource -> allow/deny)",
    "mlopsctl.commands.access:run",
)
def _access_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name, e.g. fraud-dev")
    parser.add_argument("--markdown", metavar="FILE", help="also write the matrix as Markdown")


class _VersionAction(argparse.Action):
    """`--version`: the installed distribution's version, read only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=str(kwargs.get("help", "")))

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from mlopsctl import version

        print(f"mlopsctl {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlopsctl", description="The MLOps platform team's command line (offline by default)."
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="print mlopsctl's version and exit"
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        dest="project_dir",
        type=Path,
        help="the project to work on (default: the nearest directory at or above the current "
        "one with this project's Pulumi.yaml)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, function_name = COMMANDS[args.command][2].split(":")
    import importlib

    from mlopsctl import disk_cache
    from mlopsctl.commands import locate_project
    from mlopsctl.plan.engine import PlanError, use_disk_cache
    from settings import ConfigError

    use_disk_cache(disk_cache.results_enabled())
    console = Console(stderr=True)
    try:
        args.project = locate_project(args.project_dir)
        return int(getattr(importlib.import_module(module_name), function_name)(args) or 0)
    except (ConfigError, PlanError) as error:
        cause = error.__cause__ if isinstance(error, PlanError) else None
        message = str(cause) if isinstance(cause, ConfigError) else str(error)
        console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
        return 2


def run() -> None:
    """Console-script entry point: exit without tearing the interpreter down.

    A plan loads the large pulumi-aws modules; finalizing them takes longer than many plans
    (about 0.7 s on a 2-core machine), so the process ends with `os._exit` once output is flushed.
    """
    import os

    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
