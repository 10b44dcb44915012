"""The policy pack's verdicts on a plan for `mlopsctl plan`, kept on disk (`mlopsctl.disk_cache`).

The verdicts are a function of the plan, the pack config (derived from the stack's settings, or
the file given) and the code that runs: the policy pack, `settings` (which derives the config),
the runner and the cost model (the budget rule's estimate). The key hashes all of them, the
project's stack files and the installed CrossGuard SDK and IAM linter, so a cached verdict is
the one a fresh run gives; only a hit skips importing CrossGuard and running parliament.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any

from mlopsctl import disk_cache
from mlopsctl.plan.model import Plan
from mlopsctl.violation import Violation
from settings import Project

FORMAT = 1
MLOPSCTL_DIR = Path(__file__).resolve().parent
# What decides a verdict besides the plan: packages found where Python imports them from (a
# checkout or the wheel) without importing them, and the runner's own modules.
PACKAGES = ("policies", "settings")
MODULES = ("policy_runner.py", "cost", "violation.py")
TOOLS = ("pulumi-policy", "parliament", "pulumi")


def policy_verdicts(
    plan: Plan, project: Project, config_path: Path | str | None = None
) -> tuple[dict[str, Any], str, list[Violation]]:
    """(pack config, where it comes from, violations), as `select_pack_config` and
    `run_policies` give them. Raises `PolicyConfigError` on a bad config file."""
    key = None
    if disk_cache.results_enabled():
        key = _key(plan, project, config_path)
        cached = disk_cache.read(f"verdicts/{key}.json")
        if isinstance(cached, dict) and cached.get("format") == FORMAT:
            violations = [Violation(**v) for v in cached["violations"]]
            return cached["config"], cached["source"], violations
    from mlopsctl.policy_runner import run_policies, select_pack_config

    config, source = select_pack_config(plan, project, config_path)
    violations = run_policies(plan, config)
    if key is not None:
        document = {
            "format": FORMAT,
            "config": config,
            "source": source,
            "violations": [v.to_json() for v in violations],
        }
        disk_cache.write(f"verdicts/{key}.json", document)
    return config, source, violations


def _key(plan: Plan, project: Project, config_path: Path | str | None) -> str:
    planned = json.dumps([plan.to_json(), plan.config], sort_keys=True, default=str)
    config_file = _file_bytes(config_path) if config_path else None
    return disk_cache.digest(
        FORMAT,
        hashlib.sha256(planned.encode()).hexdigest(),
        str(config_path or ""),
        config_file,
        disk_cache.files_digest([*_package_dirs(), *(MLOPSCTL_DIR / m for m in MODULES)]),
        disk_cache.files_digest([project.stacks_dir, project.root / "Pulumi.yaml"]),
        disk_cache.distribution_versions(TOOLS),
    )


def _package_dirs() -> list[Path]:
    found = []
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        found += [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    return found


def _file_bytes(path: Path | str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None  # select_pack_config reports the missing file
