"""Plan a stack offline: run `__main__.py` under Pulumi's SDK mock monitor with a stack's config.

Each plan runs on a fresh thread: the Pulumi runtime keeps its state (root stack, config,
settings) in context variables, and a new thread starts with an empty context, so plans never
leak into each other. A team stack's StackReference is answered with the exports of its
environment stack, planned first.

A plan is CPU-bound: importing pulumi-aws, the SDK's work per resource and the garbage collector.
`_collector_paused` and `_LazyServiceFinder` cut the first and the last without changing what is
planned.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import importlib
import importlib.machinery
import json
import re
import runpy
import sys
import threading
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import settings
from mlopsctl.plan.mock_outputs import CloudContext
from mlopsctl.plan.model import Plan
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
        _plan_cached(stack, str(project_dir), _stack_files_fingerprint(project_dir))
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


def _stack_files_fingerprint(project_dir: Path) -> str:
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
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["plan"] = _run_in_fresh_context(
                stack, config, project_dir, stack_references or {}
            )
        except BaseException as error:  # re-raised on the caller's thread
            result["error"] = error

    _install_lazy_aws_services()
    thread = threading.Thread(target=target, name=f"plan-{stack}")
    with _collector_paused():
        thread.start()
        thread.join()
    if "error" in result:
        raise result["error"]
    return result["plan"]


class _Collector:  # how many plans run with the collector paused, and its state before
    lock = threading.Lock()
    pauses = 0
    was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Run a plan without the cyclic garbage collector; keep what it imported out of it after.

    A cold plan creates some 400,000 objects, most of them classes and functions of the modules
    it imports, and CPython runs a full collection over the whole heap each time it grows by a
    quarter: that was a third of a cold `mlopsctl plan`. So the collector is off while programs
    run, and a plan that imported modules ends with `gc.freeze()`: what exists then (mostly the
    modules) is never scanned again. That also pins the cyclic garbage of that plan, once per
    newly imported set of modules, not per plan; other plans' garbage is collected as usual.
    """
    with _Collector.lock:
        if _Collector.pauses == 0:
            _Collector.was_enabled = gc.isenabled()
            gc.disable()
        _Collector.pauses += 1
    modules = len(sys.modules)
    try:
        yield
    finally:
        with _Collector.lock:
            if len(sys.modules) > modules:
                gc.freeze()
            _Collector.pauses -= 1
            if _Collector.pauses == 0 and _Collector.was_enabled:
                gc.enable()


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
    loop = asyncio.new_event_loop()
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
        for task in asyncio.all_tasks(loop):
            task.cancel()  # a failed program leaves RPCs pending: drop them with this plan
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


# -- pulumi-aws service packages that load their resource modules on first use ---------------
# `pulumi_aws/ec2/__init__.py` star-imports all 183 modules of the service (most of a cold plan's
# import time); a program uses a dozen. pulumi-aws defers each service package to first use;
# this also defers the modules in it: a package binds the names the generated `__init__.py`
# would bind, to the same objects, as their modules load, and a name looked up loads its module.
# An `__init__.py` other than the generated pattern, or a module without a literal `__all__`,
# is imported as usual.

_SERVICE_HEADER = ("import builtins as _builtins", "from .. import _utilities", "import typing")
_STAR_IMPORT = re.compile(r"from \.(\w+) import \*")
_ALL_LIST = re.compile(r"^__all__ = \[([^\]]*)\][ \t]*$", re.MULTILINE)


@dataclass
class _ServiceIndex:
    modules: set[str]  # every submodule the generated __init__.py imports
    exports: dict[str, list[str]]  # star-imported module -> its __all__
    owner: dict[str, str]  # exported name -> the last star-imported module exporting it


_SERVICES: dict[str, _ServiceIndex] = {}


def _module_exports(path: Path) -> list[str] | None:
    """The literal `__all__` of a generated module (found in its first MiB), or None."""
    text = ""
    with path.open(encoding="utf-8") as file:
        while len(text) < 1 << 20 and (chunk := file.read(1 << 16)):
            text += chunk
            found = _ALL_LIST.search(text)
            if found:
                rest = re.sub(r"'\w+'", "", found.group(1))  # nothing but names, commas, blanks
                return None if rest.strip(", \n") else re.findall(r"'(\w+)'", found.group(1))
    return None


def _service_index(init: Path) -> _ServiceIndex | None:
    """Read the generated `__init__.py` of a service package; None if it is anything else."""
    modules: set[str] = set()
    exports: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    header = set(_SERVICE_HEADER)
    for line in init.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line in header:
            continue
        if line == "from . import outputs":
            modules.add("outputs")
            continue
        star = _STAR_IMPORT.fullmatch(line)
        names = _module_exports(init.parent / f"{star.group(1)}.py") if star else None
        if star is None or names is None:
            return None
        modules.add(star.group(1))
        exports[star.group(1)] = names
        owner.update(dict.fromkeys(names, star.group(1)))  # a later import rebinds a name
    return _ServiceIndex(modules, exports, owner)


def _bind_exports(package: types.ModuleType, module: str) -> None:
    """Bind in the package the names `from .module import *` would leave bound there."""
    index = _SERVICES[package.__name__]
    loaded = sys.modules[f"{package.__name__}.{module}"]
    for name in index.exports.get(module, ()):
        if index.owner[name] == module:
            package.__dict__[name] = getattr(loaded, name)


class _LazyServicePackage(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        index = _SERVICES[self.__name__]
        module = index.owner.get(name, name)
        if module not in index.modules:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        loaded = importlib.import_module(f"{self.__name__}.{module}")
        _bind_exports(self, module)
        return self.__dict__.get(name, loaded)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        index = _SERVICES.get(self.__name__)
        if index and name in index.exports and isinstance(value, types.ModuleType):
            _bind_exports(self, name)  # the import system just bound the submodule itself

    def __dir__(self) -> list[str]:
        index = _SERVICES[self.__name__]
        return sorted({*self.__dict__, *index.owner, *index.modules})


class _LazyServiceLoader:
    def __init__(self, loader: Any):
        self.loader = loader

    def __getattr__(self, name: str) -> Any:  # create_module, get_source, ... of the real one
        return getattr(self.loader, name)

    def exec_module(self, module: types.ModuleType) -> None:
        try:
            index = _service_index(Path(module.__spec__.origin))
        except (OSError, UnicodeDecodeError):
            index = None
        if index is None:
            self.loader.exec_module(module)
            return
        _SERVICES[module.__name__] = index
        exec(compile("\n".join(_SERVICE_HEADER), module.__spec__.origin, "exec"), module.__dict__)
        module.__class__ = _LazyServicePackage
        for name in index.exports:
            if f"{module.__name__}.{name}" in sys.modules:  # imported before the package ran
                _bind_exports(module, name)


class _LazyServiceFinder:  # on sys.meta_path
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        package, _, service = fullname.partition(".")
        if package != "pulumi_aws" or not service or "." in service or service[0] == "_":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not str(spec.origin).endswith("__init__.py"):
            return spec
        spec.loader = _LazyServiceLoader(spec.loader)
        return spec


def _install_lazy_aws_services() -> None:
    """Service packages of a pulumi-aws imported from now on load their modules on first use."""
    installed = any(isinstance(finder, _LazyServiceFinder) for finder in sys.meta_path)
    if not installed and "pulumi_aws" not in sys.modules:
        sys.meta_path.insert(0, _LazyServiceFinder())
