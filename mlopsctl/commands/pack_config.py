"""`mlopsctl pack-config <stack>`: the policy pack's config for a stack, derived from its settings.

    mlopsctl pack-config fraud-dev --output fraud-dev.json
    pulumi preview -s fraud-dev --policy-pack policies --policy-pack-config fraud-dev.json

It is the config `mlopsctl plan` judges the stack with (`settings.pack_config`): the instance-type
allow-lists of the stack's instance policy (a team's own, narrower lists), the GPU ceiling, the
production flag, the other environments' account ids and names, the restricted reader roles and
the serverless exemptions. `policies/config/dev.json` and `prod.json` are its output for the
environment stacks (`mlopsctl pack-config dev --output policies/config/dev.json`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from mlopsctl.policy_runner import PolicyConfigError, stack_pack_config
from settings import Project


def render(config: dict[str, Any]) -> str:
    """The JSON text `mlopsctl pack-config` prints and writes."""
    return json.dumps(config, indent=2) + "\n"


def pack_config_text(project: Project, stack: str) -> str:
    return render(stack_pack_config(project, stack))


def run(args: argparse.Namespace) -> int:
    errors = Console(stderr=True)
    try:
        text = pack_config_text(args.project, args.stack)
    except PolicyConfigError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False)
        return 2
    if args.output and args.output != "-":
        Path(args.output).write_text(text)
        errors.print(f"pack config of {args.stack} written to {args.output}", highlight=False)
    else:
        sys.stdout.write(text)
    return 0
