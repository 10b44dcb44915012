"""Helpers: the real `mlopsctl` console script, run in a throw-away copy of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT, SHIPPED_STACKS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MLOPSCTL = Path(sys.executable).parent / "mlopsctl"
# A hang guard only (one plan takes seconds; a loaded 2-core machine may take minutes).
COMMAND_TIMEOUT_SECONDS = 600


def mlopsctl(*args: str, project: Path | None = None, cwd: Path | None = None, check: bool = False):
    """Run the console script: `mlopsctl [--project PROJECT] ARGS` in `cwd`.

    Without `project`, mlopsctl finds the project from `cwd` (default: this checkout).
    """
    assert MLOPSCTL.is_file(), f"console script missing: {MLOPSCTL} (pip install -e .)"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    global_options = ["--project", str(project)] if project is not None else []
    result = subprocess.run(
        [str(MLOPSCTL), *global_options, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or PROJECT_ROOT,
        timeout=COMMAND_TIMEOUT_SECONDS,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def copy_project(target: Path) -> Path:
    """The program, Pulumi.yaml and the shipped stack files (only those: a stack file someone
    left in `stacks/` is not copied), so tests never touch the checkout's `stacks/`."""
    target.mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_ROOT / name, target / name)
    stacks_dir = target / PROJECT.stacks_dir.relative_to(PROJECT.root)
    stacks_dir.mkdir()
    for stack in SHIPPED_STACKS:
        shutil.copy(PROJECT.stack_path(stack), stacks_dir)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's program and shipped stack files."""
    return copy_project(tmp_path / "project")


def _checkout_stacks() -> dict[str, tuple[int, int]]:
    """Every file of the checkout's stack dir, with its size and modification time."""
    return {
        p.name: (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(PROJECT.stacks_dir.iterdir())
    }


@pytest.fixture
def untouched_checkout():
    """Fails the test if the checkout's stack dir changed while it ran."""
    before = _checkout_stacks()
    yield
    assert _checkout_stacks() == before, "the checkout's stacks/ changed"
