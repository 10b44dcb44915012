"""Helpers for the lifecycle script tests: paths, fake commands, bounded waits, gates."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.containers.container_test_utils import COMMAND_TIMEOUT

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPTS_DIR = REPO_ROOT / "components" / "scripts"

BASH = shutil.which("bash") or "/bin/bash"
REAL_DATE = shutil.which("date") or "/bin/date"

# A fake command that calls `gate` stops there until the test opens the gate (FAKE_GATE unset:
# it goes straight on). On arrival it writes its pid to $FAKE_GATE.reached, so the test knows
# the work has started and is still under way, whatever the speed of the machine.
GATE_FUNCTION = """gate() {
  [[ -n ${FAKE_GATE:-} ]] || return 0
  echo "$$" >"$FAKE_GATE.reached.tmp" && mv -f "$FAKE_GATE.reached.tmp" "$FAKE_GATE.reached"
  until [[ -e $FAKE_GATE.open ]]; do sleep 0.05; done
}
"""


def write_executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def wait_for(
    condition: Callable[[], bool], timeout: float = COMMAND_TIMEOUT, what: str = ""
) -> None:
    """Poll `condition` every 50 ms; fail the test after `timeout` seconds.

    The default is the shared deadline of a child process: what is waited for is a script's
    background job, which a busy machine may run slowly; the deadline only stops a hang.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(0.05)


def run_bash(
    script: Path, *args: str, env: dict[str, str], timeout: float = COMMAND_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASH, str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def process_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


class Gate:
    """The test's side of GATE_FUNCTION: pass `env` to the script, see a fake arrive, open it.

    Use as a context manager: leaving the block opens the gate, so that no fake is left waiting
    when a test fails before it opens the gate itself.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        self.env = {"FAKE_GATE": str(base)}
        self._reached = base.with_name(base.name + ".reached")
        self._open = base.with_name(base.name + ".open")

    def reached(self) -> bool:
        return self._reached.exists()

    def wait_reached(self, what: str = "the fake command to reach the gate") -> int:
        """Wait until a fake waits at the gate; its pid."""
        wait_for(self.reached, what=what)
        return int(self._reached.read_text())

    def open(self) -> None:
        self._open.touch()

    def __enter__(self) -> Gate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.open()
