"""Plan a stack offline: run `__main__.py` under Pulumi's SDK mock monitor with a stack's config.

Each plan runs on a fresh thread: the Pulumi runtime keeps its state (root stack, config,
settings) in context variables, and a new thread starts with an empty context, so plans never
leak into each other. The SDK's monitor calls run inline on that thread (`mlopsctl.plan.inline`),
not on a thread pool. A team stack's StackReference is answered with the exports of its
environment stack, planned first.

`mlopsctl.plan.speed` makes each program run cheaper without changing what is planned;
`use_disk_cache()` (the CLI's default) serves a plan whose inputs are unchanged from
`mlopsctl.plan.cache`.
"""

from __future__ import annotations

import asyncio
import copy
import json
import runpy
import sys
import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import settings
from mlopsctl.plan.cache import load_plan, plan_key, store_plan
from mlopsctl.plan.inline import PlanLoop, install_inline_sync_await
from mlopsctl.plan.mock_outputs import CloudContext
from mlopsctl.plan.model import Plan
from mlopsctl.plan.speed import (
    collector_paused,
    install_lazy_aws_services,
    without_source_positions,
)
from settings import ConfigError, Project

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER_SECRET = "offline-plan-placeholder-secret"


class PlanError(Exception):
    """The program failed while planning (a config error, or a bug the plan surfaced).

    `registered` counts the resources registered before the failure (zero for config errors,
    which must be raised before any resource).
    """

    def __init__(self, message: str, registered: int = 0):
        super().__init__(message)
        self.registered = registered


def project_name(project_dir: Path = PROJECT_ROOT) -> str:
    return _project(project_dir).name


def _project(project_dir: Path) -> Project:
    try:
        return Project.at(project_dir)
    except ConfigError as error:
        raise PlanError(str(error)) from error


def stack_config(stack: str, project_dir: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The config the CLI would give the program: Pulumi.yaml defaults, then the stack file
    (read by `settings`, the only reader of stack files)."""
    try:
        return settings.stack_config(_project(project_dir), stack)
    except ConfigError as error:
        raise PlanError(str(error)) from error


def _runtime_value(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"secure"}:
        return PLACEHOLDER_SECRET
    if isinstance(value, str):
        return value
    return json.dumps(value)


def plan_stack(
    stack: str,
    project_dir: Path = PROJECT_ROOT,
    overrides: Mapping[str, Any] | None = None,
) -> Plan:
    """Plan one stack (and, for a team stack, its environment stack first).

    `overrides` replaces config keys (full names such as `mlops:team`; None removes a key), for
    tests and for `mlopsctl onboard`. Plans without overrides are cached while the stack files
    are unchanged; callers always get their own copy.
    """
    if overrides:
        config = stack_config(stack, project_dir)
        for key, value in overrides.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        return plan_config(stack, config, project_dir)
    return copy.deepcopy(
        _plan_cached(stack, str(project_dir), stack_files_fingerprint(project_dir))
    )


def plan_config(stack: str, config: Mapping[str, Any], project_dir: Path = PROJECT_ROOT) -> Plan:
    """Plan a stack from an explicit config (full keys), answering its environment reference."""
    project = project_name(project_dir)
    references: dict[str, dict[str, Any]] = {}
    team = config.get(f"{project}:team")
    env_stack = team.get("environmentStack") if isinstance(team, dict) else None
    if isinstance(env_stack, str) and _project(project_dir).has_stack(env_stack):
        env_config = stack_config(env_stack, project_dir)
        if env_config.get(f"{project}:layer") == "environment":
            references[env_stack] = plan_stack(env_stack, project_dir).exports
    return run_program(stack, config, project_dir, references)


def stack_files_fingerprint(project_dir: Path) -> str:
    """Cache key part that changes whenever a stack file or Pulumi.yaml changes."""
    project = _project(project_dir)
    files = [*map(project.stack_path, project.stacks()), project.root / "Pulumi.yaml"]
    return "|".join(f"{f.name}:{f.stat().st_mtime_ns}:{f.stat().st_size}" for f in files)


@lru_cache(maxsize=32)
def _plan_cached(stack: str, project_dir: str, _fingerprint: str) -> Plan:
    directory = Path(project_dir)
    return plan_config(stack, stack_config(stack, directory), directory)


def run_program(
    stack: str,
    config: Mapping[str, Any],
    project_dir: Path = PROJECT_ROOT,
    stack_references: Mapping[str, dict[str, Any]] | None = None,
) -> Plan:
    """Run the program once with the given config (full keys) and collect the plan."""
    key = None
    if _DiskCache.enabled:
        key = plan_key(
            stack,
            config,
            project_dir,
            _project(project_dir).stacks_dir,
            stack_references or {},
            engine_root=PROJECT_ROOT,
        )
        cached = load_plan(key)
        if cached is not None:
            return Plan.from_json(*cached)
    plan = _run_on_fresh_thread(stack, config, project_dir, stack_references)
    if key is not None:
        store_plan(key, plan.to_json(), plan.config)
    return plan


class _DiskCache:
    enabled = False


def use_disk_cache(enabled: bool = True) -> None:
    """Serve plans from, and keep them in, the disk cache from now on (in this process)."""
    _DiskCache.enabled = enabled


def _run_on_fresh_thread(
    stack: str,
    config: Mapping[str, Any],
    project_dir: Path,
    stack_references: Mapping[str, dict[str, Any]] | None,
) -> Plan:
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["plan"] = _run_in_fresh_context(
                stack, config, project_dir, stack_references or {}
            )
        except BaseException as error:  # re-raised on the caller's thread
            result["error"] = error

    install_lazy_aws_services()
    without_source_positions()
    install_inline_sync_await()
    thread = threading.Thread(target=target, name=f"plan-{stack}")
    with collector_paused():
        thread.start()
        thread.join()
    if "error" in result:
        raise result["error"]
    return result["plan"]


def _run_in_fresh_context(
    stack: str,
    config: Mapping[str, Any],
    project_dir: Path,
    stack_references: Mapping[str, dict[str, Any]],
) -> Plan:
    import pulumi
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime import settings as pulumi_settings

    from mlopsctl.plan.monitor import PlanMocks, RecordingMonitor

    project = project_name(project_dir)
    loop = PlanLoop()  # the SDK's monitor calls run inline: no thread pool, no waiting
    asyncio.set_event_loop(loop)
    ctx = CloudContext(
        account_id=str(config.get(f"{project}:accountId", "123456789012")),
        region=str(config.get("aws:region", "us-east-1")),
    )
    mocks = PlanMocks(ctx, {_qualified(project, k): v for k, v in stack_references.items()})
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_all_config({k: _runtime_value(v) for k, v in config.items()})
    pulumi_mocks.set_mocks(
        mocks,
        project=project,
        stack=stack,
        preview=False,
        monitor=monitor,
        organization="organization",
    )
    # MockSettings leaves these two at their context-variable defaults, which are shared by all
    # threads: a failed plan would leave its never-finishing tasks there for the next plan.
    pulumi_settings.SETTINGS.outputs = set()
    pulumi_settings.SETTINGS.lock = threading.Lock()
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    try:
        stack_resource = pulumi_settings.get_root_resource()
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
        loop.run_until_complete(pulumi.runtime.stack.wait_for_rpcs())
        exports = loop.run_until_complete(_resolve(getattr(stack_resource, "outputs", {})))
    except Exception as error:
        registered = len(monitor.planned_resources())
        _drop_pending(loop)  # a failed program leaves RPCs pending: drop them with this plan
        # The program turns a ConfigError into pulumi.RunError (no traceback under the CLI).
        cause = error.__cause__ if isinstance(error.__cause__, ConfigError) else error
        raise PlanError(str(error), registered) from cause
    finally:
        # Stop the executor threads the SDK ran its RPCs on, or every plan leaves them for the
        # interpreter to join at exit. The loop itself is not closed: the SDK's threads keep
        # references to it and closing makes their garbage collection fail noisily.
        loop.run_until_complete(loop.shutdown_default_executor())
        asyncio.set_event_loop(None)
    return Plan(
        stack=stack,
        project=project,
        config=dict(config),
        resources=monitor.planned_resources(),
        exports=exports,
    )


def _drop_pending(loop: asyncio.AbstractEventLoop, rounds: int = 100) -> None:
    """Cancel the loop's tasks and let them finish cancelling (a bounded number of loop turns),
    so none is left to be destroyed pending."""
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    for _ in range(rounds):
        if all(task.done() for task in tasks):
            return
        loop.run_until_complete(asyncio.sleep(0))


def _qualified(project: str, stack: str) -> str:
    return f"organization/{project}/{stack}"


async def _resolve(value: Any) -> Any:
    """Turn exported Outputs (possibly nested in dicts/lists) into plain values."""
    import pulumi

    if isinstance(value, pulumi.Output):
        return await _resolve(await value.future())
    if isinstance(value, dict):
        return {k: await _resolve(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [await _resolve(v) for v in value]
    return value
