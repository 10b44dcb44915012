"""mlopsctl entry point: one sub-command per platform-team task."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from rich.console import Console

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], str]] = {
    # name: (help, add_arguments, "module:function")
}


def _register(name: str, help_text: str, target: str) -> Callable:
    def decorator(add_arguments: Callable[[argparse.ArgumentParser], None]) -> Callable:
        COMMANDS[name] = (help_text, add_arguments, target)
        return add_arguments

    return decorator


@_register(
    "plan", "plan a stack offline: resource tree, counts, exports", "mlopsctl.commands.plan:run"
)
def _plan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "stack", help="stack name, e.g. fraud-dev (file stacks/Pulumi.<stack>.yaml)"
    )
    parser.add_argument(
        "--json", metavar="FILE", help="also write the plan as JSON ('-' for stdout)"
    )
    parser.add_argument("--no-tree", action="store_true", help="print counts and exports only")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlopsctl", description="The MLOps platform team's command line (offline by default)."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, function_name = COMMANDS[args.command][2].split(":")
    import importlib

    from components.settings import ConfigError
    from mlopsctl.plan.engine import PlanError

    console = Console(stderr=True)
    try:
        return int(getattr(importlib.import_module(module_name), function_name)(args) or 0)
    except (ConfigError, PlanError) as error:
        cause = error.__cause__ if isinstance(error, PlanError) else None
        message = str(cause) if isinstance(cause, ConfigError) else str(error)
        console.print(f"[bold red]error:[/] {message}", highlight=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
