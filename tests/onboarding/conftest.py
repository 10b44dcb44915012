"""Helpers: the real `mlopsctl` console script, run in a throw-away copy of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MLOPSCTL = Path(sys.executable).parent / "mlopsctl"


def mlopsctl(*args: str, project: Path | None = None, check: bool = False):
    """Run the console script; `project` redirects stack files via MLOPS_PROJECT_DIR."""
    assert MLOPSCTL.is_file(), f"console script missing: {MLOPSCTL} (pip install -e .)"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    if project is not None:
        env["MLOPS_PROJECT_DIR"] = str(project)
    result = subprocess.run(
        [str(MLOPSCTL), *args], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's program and stack files, so tests never touch `stacks/`."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_ROOT / name, target / name)
    shutil.copytree(PROJECT_ROOT / "stacks", target / "stacks")
    return target
