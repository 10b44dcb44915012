"""Make offline plans cheaper without changing what is planned.

A plan is CPU-bound: importing pulumi-aws, the SDK's work per resource and the garbage collector.
`install_lazy_aws_services` defers pulumi-aws modules to first use, `without_source_positions`
drops the call stacks the SDK records for diagnostics no offline plan shows, and
`collector_paused` keeps the garbage collector off while programs run.
"""

from __future__ import annotations

import gc
import importlib
import importlib.machinery
import re
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def without_source_positions() -> None:
    """The SDK records each resource's call stack and source file for the engine's diagnostics
    (`traceback.extract_stack`, a tenth of a plan's time); an offline plan never shows them."""
    from pulumi.runtime import resource as sdk_resource
    from pulumi.runtime.proto import source_pb2

    sdk_resource._get_stack_trace = source_pb2.StackTrace  # an empty stack trace


class _Collector:  # how many plans run with the collector paused, and its state before
    lock = threading.Lock()
    pauses = 0
    was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
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


def install_lazy_aws_services() -> None:
    """Service packages of a pulumi-aws imported from now on load their modules on first use."""
    installed = any(isinstance(finder, _LazyServiceFinder) for finder in sys.meta_path)
    if not installed and "pulumi_aws" not in sys.modules:
        sys.meta_path.insert(0, _LazyServiceFinder())
