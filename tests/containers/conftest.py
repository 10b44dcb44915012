"""Fixtures for the container tests (helpers live in container_test_utils.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.containers.container_test_utils import stop_process


@pytest.fixture
def start_process(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen, Path]]]:
    """Start background processes in their own session; always stopped on teardown."""
    started: list[subprocess.Popen] = []

    def _start(args: list[str], env: dict[str, str], cwd: Path | None = None, name: str = "proc"):
        log_path = tmp_path / f"{name}.log"
        log = log_path.open("wb")
        proc = subprocess.Popen(
            args,
            env=env,
            cwd=cwd or tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        started.append(proc)
        return proc, log_path

    yield _start
    for proc in started:
        stop_process(proc)
