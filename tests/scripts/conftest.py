"""Fixtures for the lifecycle script tests: fake commands first on PATH, a temporary HOME."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Make `components` and the helper module importable whatever pytest's import mode and cwd.
for _path in (Path(__file__).resolve().parents[2], Path(__file__).resolve().parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    """A directory for fake commands, put first on PATH by `script_env`."""
    path = tmp_path / "fakebin"
    path.mkdir()
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def script_env(fake_bin: Path, home: Path) -> dict[str, str]:
    """A clean environment: fakes first on PATH, a temporary HOME, no caller settings."""
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env["PATH"] = f"{fake_bin}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    env["HOME"] = str(home)
    return env
