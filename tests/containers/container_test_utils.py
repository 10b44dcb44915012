"""Helpers for the container tests: repo paths, free ports, HTTP polling, process control."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTAINERS_DIR = REPO_ROOT / "containers"
VENV_BIN = Path(sys.executable).parent

# Deadlines sized for a busy 2-core machine (`make test` runs two workers, next to other work):
# they only stop a hang, so a slow but healthy server or child process never fails a test.
# Measured on such a machine under load: MLflow's basic-auth server ready in 45-65 s, one
# authenticated request 7 s, one `kedro run` 30 s.
START_DEADLINE = 480.0  # a server (mlflow, the inference server) answering its health URL
REQUEST_TIMEOUT = 180.0  # one HTTP request to a started server
COMMAND_TIMEOUT = 480.0  # one child process (an entrypoint, dvc, kedro run, hadolint)
# Tests that start servers or several child processes get their own pytest-timeout, above the
# sum of their deadlines; `make test`'s `--timeout 300` stays the hang guard for the others.
SLOW_TEST_TIMEOUT = 1800
slow_test = pytest.mark.timeout(SLOW_TEST_TIMEOUT)


def free_port() -> int:
    """Return a loopback port that was free a moment ago (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**overrides: str) -> dict[str, str]:
    """Environment for child processes: the venv's binaries first on PATH, no telemetry."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    # Start from a clean slate: nothing from the caller's shell may leak into the
    # entrypoints' configuration.
    for key in [k for k in env if k.startswith(("MLFLOW_", "MLOPS_", "SAGEMAKER_", "DVC_"))]:
        del env[key]
    for key in ("MODEL_URI", "MODEL_PATH", "MODEL_SERVER_WORKERS", "MODEL_SERVER_TIMEOUT"):
        env.pop(key, None)
    env.pop("PORT", None)
    env.pop("HOST", None)
    env["KEDRO_DISABLE_TELEMETRY"] = "true"
    env["DO_NOT_TRACK"] = "1"
    env["MLFLOW_DISABLE_TELEMETRY"] = "true"
    env.update(overrides)
    return env


def post_json(url: str, payload: dict) -> tuple[int, dict]:
    """(status, decoded JSON body) of a JSON POST to a started server."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as resp:
        return resp.status, json.loads(resp.read())


def http_get(url: str, timeout: float = REQUEST_TIMEOUT, headers: dict[str, str] | None = None):
    """GET returning (status, body) without raising on HTTP error codes."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_for_http(
    url: str,
    proc: subprocess.Popen,
    log_path: Path,
    timeout: float = START_DEADLINE,
    expected: int = 200,
) -> None:
    """Poll ``url`` until it answers ``expected``; fail fast if ``proc`` died.

    Each poll may take as long as the time left: a loaded server that is slow to answer its
    first request is waited for, not cut off and asked again.
    """
    deadline = time.monotonic() + timeout
    last = "no answer"
    while (left := deadline - time.monotonic()) > 0:
        if proc.poll() is not None:
            pytest.fail(
                f"process exited with {proc.returncode} before {url} was ready:\n"
                f"{log_path.read_text(errors='replace')[-4000:]}"
            )
        try:
            status, _ = http_get(url, timeout=max(1.0, min(REQUEST_TIMEOUT, left)))
            if status == expected:
                return
            last = f"HTTP {status}"
        except (OSError, http.client.HTTPException) as err:  # refused or reset while starting
            last = repr(err)
        time.sleep(0.25)
    pytest.fail(
        f"{url} not ready after {timeout}s ({last}):\n"
        f"{log_path.read_text(errors='replace')[-4000:]}"
    )


def stop_process(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Stop the whole process group started with start_new_session=True."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)
    # Children (e.g. uvicorn workers) share the group; make sure none is left.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
