"""botocore's API models, cut down to the input shapes of the operations the checker maps.

Reading botocore's compressed models costs about a second per process (sagemaker and ec2 alone
are 6 MB of JSON), far more than a plan may spend on conformance. So the input shapes of the
mapped operations, and every shape they reach, are distilled once (types, members, `required`,
`enum`, `pattern`, `min`, `max`) and kept in a cache file keyed by botocore's version, the
operations and this format. The cache is a copy of botocore's data, never a second source: a
new botocore installation, or a new operation, makes a new file.

The cache directory is `mlopsctl.disk_cache`'s. Without a writable directory the distilled
models live in memory only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mlopsctl import disk_cache

FORMAT = 1
_KEPT = ("type", "required", "enum", "pattern", "min", "max")
Shape = dict[str, Any]


@dataclass
class ServiceModel:
    """The distilled input shapes of one service."""

    service: str
    operations: dict[str, str]  # operation -> its input shape name
    shapes: dict[str, Shape]
    _lowered: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def input_shape(self, operation: str) -> str:
        return self.operations[operation]

    def shape(self, name: str) -> Shape:
        return self.shapes[name]

    def member(self, structure: str, key: str) -> tuple[str, str] | None:
        """(member name, member shape) of `structure` whose name equals `key` ignoring case."""
        lowered = self._lowered.get(structure)
        if lowered is None:
            members = self.shapes[structure].get("members", {})
            lowered = {name.lower(): name for name in members}
            self._lowered[structure] = lowered
        name = lowered.get(key.lower())
        if name is None:
            return None
        return name, self.shapes[structure]["members"][name]


def _distill(model: dict[str, Any], operations: Iterable[str]) -> dict[str, Any]:
    shapes: dict[str, Shape] = {}
    inputs = {op: model["operations"][op]["input"]["shape"] for op in operations}
    pending = list(inputs.values())
    while pending:
        name = pending.pop()
        if name in shapes:
            continue
        source = model["shapes"][name]
        shape = {key: source[key] for key in _KEPT if key in source}
        if "members" in source:
            shape["members"] = {m: spec["shape"] for m, spec in source["members"].items()}
            pending.extend(shape["members"].values())
        for part in ("member", "key", "value"):
            if part in source:
                shape[part] = source[part]["shape"]
                pending.append(shape[part])
        shapes[name] = shape
    return {"operations": inputs, "shapes": shapes}


def _botocore_identity() -> list[Any]:
    """botocore's location and the size and time of its `__init__.py`, which holds its version
    (found without importing botocore, which costs more than reading the cache)."""
    spec = importlib.util.find_spec("botocore")
    origin = spec.origin if spec and spec.origin else ""
    stat = os.stat(origin) if origin else None
    return [origin, stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0]


def cache_file(wanted: dict[str, list[str]]) -> str:
    key = json.dumps([FORMAT, _botocore_identity(), wanted], sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"conformance-models-{digest}.json"


def _read_cache(name: str) -> dict[str, Any] | None:
    data = disk_cache.read(name)
    return data if isinstance(data, dict) else None


def distill_from_botocore(wanted: dict[str, list[str]]) -> dict[str, Any]:
    from botocore.loaders import Loader

    loader = Loader()
    return {
        service: _distill(loader.load_service_model(service, "service-2"), sorted(operations))
        for service, operations in wanted.items()
    }


_LOADED: dict[str, dict[str, ServiceModel]] = {}


def load_models(wanted: dict[str, list[str]]) -> dict[str, ServiceModel]:
    """The distilled models of `{service: [operation, ...]}`, from memory, cache or botocore."""
    wanted = {service: sorted(set(ops)) for service, ops in sorted(wanted.items())}
    path = cache_file(wanted)
    key = path
    if key not in _LOADED:
        data = _read_cache(path)
        if data is None or set(data) != set(wanted):
            data = distill_from_botocore(wanted)
            disk_cache.write(path, data)
        _LOADED[key] = {
            service: ServiceModel(service, part["operations"], part["shapes"])
            for service, part in data.items()
        }
    return _LOADED[key]
