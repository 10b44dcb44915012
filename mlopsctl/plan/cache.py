"""Plans kept on disk (`mlopsctl.disk_cache`), keyed by everything a plan reads.

The key hashes the stack name, its full config, the environment exports it is given, the
program's sources (`__main__.py`, `Pulumi.yaml`, `components/`, `settings/`, `containers/`, both
of the planned project and of the checkout the engine runs from), every stack file of the
project, this engine's own sources, the Python version and the installed SDKs. A plan with the
same key is the same plan, so it is served from the file; a failed plan is never stored.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from mlopsctl import disk_cache

FORMAT = 1
PROGRAM_SOURCES = ("__main__.py", "Pulumi.yaml", "components", "settings", "containers")
SDKS = (
    "pulumi",
    "pulumi-aws",
    "pulumi-docker",
    "pulumi-kubernetes",
    "pydantic",
    "pydantic-core",
    "PyYAML",
    "ruamel.yaml",
)
ENGINE_DIR = Path(__file__).resolve().parent


def plan_key(
    stack: str,
    config: Mapping[str, Any],
    project_dir: Path,
    stacks_dir: Path,
    references: Mapping[str, Any],
    *,
    engine_root: Path,
) -> str:
    return disk_cache.digest(
        FORMAT,
        stack,
        dict(config),
        dict(references),
        sources_digest(project_dir.resolve(), stacks_dir.resolve(), engine_root.resolve()),
    )


def sources_digest(project_dir: Path, stacks_dir: Path, engine_root: Path) -> str:
    """The program's sources in both checkouts and every stack file (a team's settings read
    its environment's file)."""
    roots = dict.fromkeys([project_dir, engine_root])  # the same checkout once
    paths = [root / name for root in roots for name in PROGRAM_SOURCES if (root / name).exists()]
    paths.append(stacks_dir)
    return disk_cache.digest(
        disk_cache.files_digest(paths),
        disk_cache.files_digest([ENGINE_DIR]),
        sys.version,
        _sdk_versions(),
    )


@lru_cache(maxsize=1)
def _sdk_versions() -> dict[str, str]:
    return disk_cache.distribution_versions(SDKS)


def _file(key: str) -> str:
    return f"plans/{key}.json"


def load_plan(key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(the plan's JSON form, its config) stored under `key`, if any."""
    data = disk_cache.read(_file(key))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    plan, config = data.get("plan"), data.get("config")
    return (plan, config) if isinstance(plan, dict) and isinstance(config, dict) else None


def store_plan(key: str, plan: dict[str, Any], config: Mapping[str, Any]) -> None:
    """Keep a plan's JSON form (`Plan.to_json`) and config under `key`."""
    document = {"format": FORMAT, "plan": plan, "config": dict(config)}
    if json.loads(json.dumps(document, default=str)) == document:  # only what JSON keeps as is
        disk_cache.write(_file(key), document)
