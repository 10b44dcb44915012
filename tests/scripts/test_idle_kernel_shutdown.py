"""idle_kernel_shutdown.sh against a fake Jupyter server (a real HTTP server on loopback)."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from script_test_helpers import (
    GATE_FUNCTION,
    REAL_DATE,
    SCRIPTS_DIR,
    Gate,
    process_alive,
    run_bash,
    wait_for,
    write_executable,
)

from components.lifecycle_scripts import compact_script
from tests.containers.container_test_utils import slow_test

SCRIPT = SCRIPTS_DIR / "idle_kernel_shutdown.sh"
# Years away from the real clock: a script that read the time anywhere but `date` would see
# every kernel as active in the future and shut nothing down.
NOW = datetime(2031, 3, 4, 12, 0, 0, tzinfo=UTC)
BASE_URL = "/jupyterlab/default/"
TOKEN = "s3cret-token"


def iso(moment: datetime) -> str:
    """Jupyter's format: microseconds and a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


KERNELS = [
    # Idle for 61 minutes with a browser tab still connected: the case Studio cannot catch.
    {"id": "old-idle", "execution_state": "idle", "connections": 1,
     "last_activity": iso(NOW - timedelta(minutes=61))},
    # Another timestamp form (offset, no fraction), idle for 5 hours.
    {"id": "old-idle-offset", "execution_state": "idle", "connections": 0,
     "last_activity": (NOW - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00")},
    # Busy for 3 hours (a long training cell): never shut down.
    {"id": "busy", "execution_state": "busy", "connections": 0,
     "last_activity": iso(NOW - timedelta(hours=3))},
    {"id": "starting", "execution_state": "starting", "connections": 0,
     "last_activity": iso(NOW - timedelta(hours=3))},
    # Idle, but used 10 minutes ago.
    {"id": "recent-idle", "execution_state": "idle", "connections": 0,
     "last_activity": iso(NOW - timedelta(minutes=10))},
]  # fmt: skip
EXPECTED_SHUTDOWN = {"old-idle", "old-idle-offset"}


class FakeJupyter:
    """Serves GET/DELETE {base_url}api/kernels like jupyter_server, and records requests."""

    def __init__(self) -> None:
        self.kernels = [dict(kernel, name="python3") for kernel in KERNELS]
        self.requests: list[tuple[str, str, str | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: object = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self) -> bool:
                fake.requests.append((self.command, self.path, self.headers.get("Authorization")))
                return self.headers.get("Authorization") == f"token {TOKEN}"

            def do_GET(self) -> None:
                if not self._authorized():
                    self._reply(403, {"message": "Forbidden"})
                elif self.path == f"{BASE_URL}api/kernels":
                    self._reply(200, fake.kernels)
                else:
                    self._reply(404, {"message": "Not Found"})

            def do_DELETE(self) -> None:
                prefix = f"{BASE_URL}api/kernels/"
                kernel_id = self.path.removeprefix(prefix)
                ids = [kernel["id"] for kernel in fake.kernels]
                if not self._authorized():
                    self._reply(403, {"message": "Forbidden"})
                elif self.path.startswith(prefix) and kernel_id in ids:
                    fake.kernels = [k for k in fake.kernels if k["id"] != kernel_id]
                    self._reply(204)
                else:
                    self._reply(404, {"message": "Not Found"})

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def deleted(self) -> set[str]:
        return {path.rsplit("/", 1)[1] for method, path, _ in self.requests if method == "DELETE"}


@pytest.fixture
def jupyter() -> Iterator[FakeJupyter]:
    fake = FakeJupyter()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def env(
    script_env: dict[str, str], fake_bin: Path, tmp_path: Path, jupyter: FakeJupyter
) -> dict[str, str]:
    server = {
        "base_url": BASE_URL,
        "hostname": "0.0.0.0",
        "port": jupyter.port,
        "secure": False,
        "token": TOKEN,
        "url": f"http://127.0.0.1:{jupyter.port}{BASE_URL}",
        "root_dir": "/home/sagemaker-user",
    }
    # `jupyter server list --json` prints one JSON object per running server (after the gate,
    # FAKE_GATE, which the test can hold closed, see script_test_helpers).
    write_executable(
        fake_bin / "jupyter",
        f"#!/bin/bash\n{GATE_FUNCTION}"
        '[[ "$*" == "server list --json" ]] || { echo "unexpected: $*" >&2; exit 2; }\n'
        "gate\n"
        f"echo {json.dumps(json.dumps(server))}\n",
    )
    # Every call of `date` sees the same fixed "now".
    write_executable(
        fake_bin / "date", f'#!/bin/bash\nexec {REAL_DATE} -d @{int(NOW.timestamp())} "$@"\n'
    )
    metadata = tmp_path / "resource-metadata.json"
    metadata.write_text(
        json.dumps(
            {
                "AppType": "JupyterLab",
                "DomainId": "d-abc123",
                "SpaceName": "alice-space",
                "ResourceName": "default",
                "ResourceArn": "arn:aws:sagemaker:eu-west-1:123456789012:app/d-abc123/x",
            }
        )
    )
    return {
        **script_env,
        "IDLE_TIMEOUT_MINUTES": "60",
        "MLOPS_METADATA_FILE": str(metadata),
        "MLOPS_STATE_DIR": str(tmp_path / "state"),
    }


@pytest.mark.parametrize("compact", [False, True], ids=["source", "compacted"])
def test_check_shuts_down_only_idle_kernels_past_the_timeout(
    env: dict[str, str], jupyter: FakeJupyter, tmp_path: Path, compact: bool
) -> None:
    script = SCRIPT
    if compact:  # the form combine_scripts deploys
        script = tmp_path / "idle_kernel_shutdown.sh"
        script.write_text(compact_script(SCRIPT.read_text()))
    result = run_bash(script, "check", env=env)

    assert result.returncode == 0, result.stderr
    assert jupyter.deleted == EXPECTED_SHUTDOWN
    remaining = {kernel["id"] for kernel in jupyter.kernels}
    assert remaining == {"busy", "starting", "recent-idle"}
    assert all(auth == f"token {TOKEN}" for _, _, auth in jupyter.requests)
    # Logged: which resource, what was shut down and what was kept, with the fixed clock.
    assert "resource default (JupyterLab)" in result.stdout
    assert "shut down kernel old-idle (python3, 1 connection(s)): idle for 61 min" in result.stdout
    assert "keep kernel busy" in result.stdout
    assert "keep kernel recent-idle (python3, 0 connection(s)): idle for 10 min" in result.stdout
    assert result.stdout.startswith("2031-03-04T12:00:00Z idle-kernel-shutdown: ")


def test_check_respects_the_timeout_setting(env: dict[str, str], jupyter: FakeJupyter) -> None:
    result = run_bash(SCRIPT, "check", env={**env, "IDLE_TIMEOUT_MINUTES": "120"})

    assert result.returncode == 0, result.stderr
    assert jupyter.deleted == {"old-idle-offset"}


def test_dry_run_only_logs(env: dict[str, str], jupyter: FakeJupyter) -> None:
    result = run_bash(SCRIPT, "check", env={**env, "DRY_RUN": "true"})

    assert result.returncode == 0, result.stderr
    assert jupyter.deleted == set()
    assert "dry run: would shut down kernel old-idle " in result.stdout


def test_explicit_server_url_skips_discovery(
    env: dict[str, str], jupyter: FakeJupyter, fake_bin: Path
) -> None:
    (fake_bin / "jupyter").unlink()  # notebook instances: no jupyter CLI for this user
    result = run_bash(
        SCRIPT,
        "check",
        env={
            **env,
            "JUPYTER_SERVER_URL": f"http://127.0.0.1:{jupyter.port}{BASE_URL}",
            "JUPYTER_SERVER_TOKEN": TOKEN,
        },
    )

    assert result.returncode == 0, result.stderr
    assert jupyter.deleted == EXPECTED_SHUTDOWN


def test_check_fails_visibly_when_the_server_rejects_it(
    env: dict[str, str], jupyter: FakeJupyter, fake_bin: Path
) -> None:
    result = run_bash(
        SCRIPT,
        "check",
        env={
            **env,
            "JUPYTER_CMD": str(fake_bin / "missing"),
            "JUPYTER_SERVER_URL": f"http://127.0.0.1:{jupyter.port}{BASE_URL}",
            "JUPYTER_SERVER_TOKEN": "wrong",
        },
    )

    assert result.returncode != 0
    assert "cannot list kernels" in result.stdout
    assert jupyter.deleted == set()


@slow_test  # three script runs
def test_install_with_cron_is_idempotent_and_the_copy_runs_without_environment(
    env: dict[str, str], jupyter: FakeJupyter, fake_bin: Path, tmp_path: Path
) -> None:
    crontab_file = tmp_path / "crontab.txt"
    crontab_file.write_text("0 3 * * * /usr/local/bin/someone-elses-job\n")
    write_executable(
        fake_bin / "crontab",
        "#!/bin/bash\n"
        f"f={crontab_file}\n"
        'case "$1" in\n'
        '  -l) [[ -f $f ]] && cat "$f" || { echo "no crontab" >&2; exit 1; } ;;\n'
        '  -) cat >"$f.new" && mv "$f.new" "$f" ;;\n'
        "  *) exit 2 ;;\n"
        "esac\n",
    )
    env = {**env, "MLOPS_SCHEDULER": "cron", "CHECK_INTERVAL_MINUTES": "7"}

    for _ in range(2):
        result = run_bash(SCRIPT, env=env)
        assert result.returncode == 0, result.stderr

    installed = Path(env["MLOPS_STATE_DIR"]) / "idle_kernel_shutdown.sh"
    log = Path(env["MLOPS_STATE_DIR"]) / "idle_kernel_shutdown.log"
    lines = crontab_file.read_text().splitlines()
    assert lines == [
        "0 3 * * * /usr/local/bin/someone-elses-job",
        f"*/7 * * * * {installed} check >>{log} 2>&1 # mlops-idle-kernel-shutdown",
    ]
    assert os.access(installed, os.X_OK)
    assert installed.read_text().count("export IDLE_TIMEOUT_MINUTES=") == 1
    assert jupyter.requests == []  # install only schedules

    # Cron runs the copy with an (almost) empty environment: settings and PATH are baked in.
    result = run_bash(installed, "check", env={"HOME": env["HOME"]})
    assert result.returncode == 0, result.stderr
    assert jupyter.deleted == EXPECTED_SHUTDOWN


@slow_test  # two script runs and waits for the background loops
def test_install_without_cron_starts_one_background_loop(
    env: dict[str, str], jupyter: FakeJupyter, tmp_path: Path
) -> None:
    env = {**env, "MLOPS_SCHEDULER": "loop"}
    pid_file = Path(env["MLOPS_STATE_DIR"]) / "idle_kernel_shutdown.pid"
    pids: list[int] = []
    # The loop's first check is held at the gate (in `jupyter server list`) until install has
    # returned: an install that waited for the loop, or for its first check, would never return
    # (and fail at the run's deadline). No clock is involved.
    with Gate(tmp_path / "gate") as gate:
        try:
            result = run_bash(SCRIPT, env={**env, **gate.env})
            assert result.returncode == 0, result.stderr
            pids.append(int(pid_file.read_text()))
            assert re.search(rf"background loop started \(pid {pids[0]}\)", result.stdout)
            # Install has returned while the loop runs its first check, which has not yet
            # reached the server.
            gate.wait_reached("the loop's first check")
            assert process_alive(pids[0])
            assert jupyter.requests == []

            # The loop checks at once, then every CHECK_INTERVAL_MINUTES.
            gate.open()
            wait_for(lambda: jupyter.deleted == EXPECTED_SHUTDOWN, what="the first check")
            assert process_alive(pids[0])

            # Installing again replaces the loop (new settings apply) instead of adding one.
            result = run_bash(SCRIPT, env=env)
            assert result.returncode == 0, result.stderr
            pids.append(int(pid_file.read_text()))
            assert pids[1] != pids[0]
            wait_for(lambda: not process_alive(pids[0]), what="the old loop to stop")
            assert process_alive(pids[1])
        finally:
            for pid in pids:
                if process_alive(pid):
                    os.kill(pid, signal.SIGTERM)
    # Outside the block, the gate is open: a loop stopped during a held check can end.
    wait_for(lambda: not any(process_alive(pid) for pid in pids), what="the loops to stop")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("IDLE_TIMEOUT_MINUTES", "1h"),
        ("IDLE_TIMEOUT_MINUTES", "0"),
        ("CHECK_INTERVAL_MINUTES", "60"),
        ("MLOPS_SCHEDULER", "x"),
    ],
)
def test_rejects_bad_settings(env: dict[str, str], name: str, value: str) -> None:
    result = run_bash(SCRIPT, env={**env, name: value})

    assert result.returncode != 0
    assert name in result.stderr
