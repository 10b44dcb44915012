"""Results kept on disk between `mlopsctl` runs, each under a key that hashes all it depends on.

A cached result is a copy of what the computation returns for exactly these inputs, never a
second source: any change to an input (a stack file, a source file of the program, an installed
package) makes a new key, and a missing, unreadable or corrupt file is computed again.

Directory: `$MLOPSCTL_CACHE_DIR`, else `$XDG_CACHE_HOME/mlopsctl`, else `~/.cache/mlopsctl`.
`MLOPSCTL_CACHE=off` turns caching of plans and verdicts off (the distilled botocore models are
always kept). Without a writable directory results live in memory only.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

_SKIPPED_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def cache_dir() -> Path:
    configured = os.environ.get("MLOPSCTL_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlopsctl"


def results_enabled() -> bool:
    """Whether plans and policy verdicts may be served from the cache."""
    return os.environ.get("MLOPSCTL_CACHE", "on").strip().lower() not in {"off", "0", "no"}


def read(name: str) -> Any | None:
    try:
        return json.loads((cache_dir() / name).read_text())
    except (OSError, ValueError):
        return None


def write(name: str, data: Any) -> None:
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as tmp:
            json.dump(data, tmp, separators=(",", ":"), default=str)
        os.replace(tmp.name, path)  # readers see the old file or the whole new one
    except OSError:
        pass  # an unwritable cache only costs time


def digest(*parts: Any) -> str:
    """A short hex key of JSON-serialisable parts."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def files_digest(paths: Iterable[Path]) -> str:
    """The hash of the content and path (as given: absolute for a resolved root) of every file
    at or under `paths`: the same sources elsewhere make another key, since a plan may name
    its project's own paths (an image build context)."""
    hasher = hashlib.sha256()
    for root in paths:
        for path in sorted(_files(root)):
            hasher.update(str(path).encode() + b"\0")
            try:
                hasher.update(path.read_bytes())
            except OSError:
                hasher.update(b"<unreadable>")
            hasher.update(b"\0")
    return hasher.hexdigest()


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    found: list[Path] = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = [d for d in subdirs if d not in _SKIPPED_DIRS]
        found.extend(Path(directory) / n for n in names if not n.endswith((".pyc", ".pyo")))
    return found


def distribution_versions(names: Iterable[str]) -> dict[str, str]:
    """The installed version of each distribution ('' when not installed)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions
