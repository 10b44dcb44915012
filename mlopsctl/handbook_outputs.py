"""The handbook's source of values: a team stack's real outputs, or its offline plan.

`pulumi stack output --json -s <stack>` is checked before anything is written from it: a JSON
object, of a team stack, of this team and environment, with every key the handbook needs.
Without it the handbook is written from the offline plan, whose AWS-assigned ids are made up;
`placeholders` names them, and `substitutions` maps each to its real value once outputs are read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from settings import ConfigError

# Keys every deployed team stack exports (components/team_exports.py) that the handbook reads.
REQUIRED_KEYS = (
    "layer",
    "team",
    "environment",
    "region",
    "teamKmsKeyArn",
    "buckets",
    "personaRoleArns",
    "labKind",
    "dvcRemoteCommands",
    "mlflowTrackingUri",
    "ecrRepositoryUrls",
    "modelPackageGroup",
)
REQUIRED_BY_LAB_KIND = {"studio": ("labDomainId",), "notebook-instance": ("labNotebookInstances",)}


def read_outputs(path: Path) -> dict[str, Any]:
    """`pulumi stack output --json` as a dict (secrets shown as "[secret]" stay as they are)."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ConfigError(f"--outputs {path}: no such file") from None
    except OSError as error:
        raise ConfigError(f"--outputs {path}: cannot be read ({error.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"--outputs {path}: not JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); write it with `pulumi stack output --json -s <stack> > {path.name}`"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"--outputs {path}: a JSON {type(data).__name__} where a JSON object of stack "
            "outputs was expected (`pulumi stack output --json`)"
        )
    return data


def check_outputs(
    outputs: Mapping[str, Any], path: Path | str, stack: str, team: str, environment: str
) -> None:
    """The outputs are this team stack's, complete enough to write the handbook from."""
    layer = outputs.get("layer")
    if layer is not None and layer != "team":
        raise ConfigError(
            f"--outputs {path}: layer {layer!r}, not 'team': not the outputs of team stack "
            f"{stack!r} (write them with `pulumi stack output --json -s {stack}`)"
        )
    found = (outputs.get("team"), outputs.get("environment"))
    if None not in found and found != (team, environment):
        raise ConfigError(
            f"--outputs {path}: the outputs of team {found[0]!s} in {found[1]!s}, not of "
            f"stack {stack!r} (team {team} in {environment}); write them with "
            f"`pulumi stack output --json -s {stack}`"
        )
    kind = outputs.get("labKind")
    needed = (*REQUIRED_KEYS, *REQUIRED_BY_LAB_KIND.get(str(kind), ()))
    missing = [k for k in needed if outputs.get(k) in (None, "", {}, [])]
    if missing:
        raise ConfigError(
            f"--outputs {path}: missing {', '.join(missing)}: not the complete outputs of "
            f"{stack!r} (write them with `pulumi stack output --json -s {stack}` after "
            "`pulumi up`)"
        )


def placeholders(exports: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(what, value) of the plan's values that AWS assigns on creation, made up offline."""
    found: list[tuple[str, str]] = []
    if exports.get("labDomainId"):
        found.append(("Studio domain id (and its URL)", str(exports["labDomainId"])))
    if exports.get("teamKmsKeyArn"):
        found.append(("team KMS key ARN (also in the DVC remote)", str(exports["teamKmsKeyArn"])))
    uri = str(exports.get("mlflowTrackingUri") or "")
    if ":mlflow-app/" in uri:
        found.append(("MLflow App ARN (the tracking URI)", uri))
    return found


def substitutions(plan: Mapping[str, Any], outputs: Mapping[str, Any]) -> dict[str, str]:
    """Planned placeholder -> real value, for text derived from the plan (the access cells)."""
    pairs: dict[str, str] = {}
    for key in ("labDomainId", "teamKmsKeyArn", "mlflowTrackingUri"):
        planned, real = plan.get(key), outputs.get(key)
        if isinstance(planned, str) and isinstance(real, str) and planned and planned != real:
            pairs[planned] = real
    return pairs


def substitute(text: str, pairs: Mapping[str, str]) -> str:
    for planned, real in pairs.items():
        text = text.replace(planned, real)
    return text
