"""The self-hosted tracking server's entrypoint, run for real: MLflow's basic auth is on.

The real `mlflow server --app-name basic-auth` (Flask-WTF is in the dev requirements for this)
is started by the image's entrypoint on a free loopback port, with a SQLite backend and a local
artifacts destination standing in for RDS and S3. Start-up (database migrations, the auth
app) and each password check are slow on a loaded machine: the waits are deadlines, not budgets
(see container_test_utils).
"""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from tests.containers.container_test_utils import (
    CONTAINERS_DIR,
    base_env,
    free_port,
    http_get,
    slow_test,
    stop_process,
    wait_for_http,
)

ENTRYPOINT = CONTAINERS_DIR / "mlflow" / "entrypoint.sh"
ADMIN_PASSWORD = "a-long-admin-password-for-tests"


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    log_path = tmp_path / "server.log"
    env = base_env(
        MLFLOW_BACKEND_STORE_URI=f"sqlite:///{tmp_path / 'mlflow.db'}",
        MLFLOW_ARTIFACTS_DESTINATION=(tmp_path / "artifacts").as_uri(),
        MLFLOW_AUTH_ADMIN_PASSWORD=ADMIN_PASSWORD,
        MLFLOW_FLASK_SERVER_SECRET_KEY="a-static-secret-for-tests",
        MLFLOW_HOST="127.0.0.1",
        MLFLOW_PORT=str(port),
        MLFLOW_WORKERS="1",
        HOME=str(tmp_path),
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["bash", str(ENTRYPOINT)],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", process, log_path)
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop_process(process)


def _commands_of_group(leader: subprocess.Popen) -> list[str]:
    """The command lines of every process in the entrypoint's process group."""
    listed = subprocess.run(
        ["ps", "-eo", "pgid=,args="], capture_output=True, text=True, check=True
    ).stdout
    return [
        args
        for pgid, _, args in (line.strip().partition(" ") for line in listed.splitlines())
        if pgid == str(leader.pid)
    ]


@pytest.mark.e2e
@slow_test
def test_tracking_api_requires_credentials(server):
    url, process = server
    # MLflow 3's GenAI job runner and its huey consumers (eight processes, about 1.9 GB) are
    # off: with them the server outgrows its 2 GB Fargate task.
    commands = _commands_of_group(process)
    assert any("mlflow server" in c or "uvicorn" in c for c in commands), commands
    assert not [c for c in commands if "huey" in c or "_job_runner" in c], commands
    api = f"{url}/api/2.0/mlflow/experiments/search?max_results=1"
    assert http_get(api)[0] == 401
    assert http_get(api, headers=basic("admin", "wrong-password"))[0] == 401
    status, body = http_get(api, headers=basic("admin", ADMIN_PASSWORD))
    assert status == 200, body
