"""End to end: the planned DVC remote and MLflow artifact store work for a data scientist, and
refuse writes from the data steward, with real `dvc` and a real `mlflow server` against a
`moto_server` that enforces the planned IAM policies of the assumed persona roles."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.containers.container_test_utils import (
    REQUEST_TIMEOUT,
    slow_test,
    wait_for_http,
)
from tests.support.dvc_client import client_env as dvc_client_env
from tests.support.dvc_client import dvc
from tests.support.mlflow_store import sqlite_store
from tests.support.moto_server import (
    assume_as_trusted_principal,
    free_port,
    load_plan,
    moto_server,
    stop,
)

# Each test starts a server (moto for the module, mlflow) or several child processes (dvc), on
# the shared deadlines for a busy machine; their sum is above `make test`'s 300 s per test.
pytestmark = [pytest.mark.e2e, slow_test]

STACK = "fraud-dev"


@pytest.fixture(autouse=True)
def bounded_mlflow_client(monkeypatch):
    """A refused upload fails at once instead of retrying with back-off for minutes."""
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", str(int(REQUEST_TIMEOUT)))
    # Stream artifacts through the server (proxied access, what the team's clients use); the
    # server's presigned direct-to-S3 downloads are not accepted by moto under authorization.
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD", "false")
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "false")


@pytest.fixture(scope="module")
def cloud(plan, tmp_path_factory):
    planned = plan(STACK)
    region = planned.exports["region"]
    account = planned.config["mlops:accountId"]
    with moto_server(tmp_path_factory.mktemp("moto"), account_id=account, region=region) as srv:
        roles = load_plan(srv, planned)
        yield srv, planned, roles


def role_credentials(cloud, persona: str) -> dict[str, str]:
    server, planned, roles = cloud
    scope = planned.config.get("mlops:namePrefix", "mlops")
    role = roles[f"{scope}-{planned.exports['team']}-{planned.exports['environment']}-{persona}"]
    return assume_as_trusted_principal(server, role)


def client_env(server, credentials: dict[str, str], home: Path) -> dict[str, str]:
    return dvc_client_env(credentials, home, server.region, dropped=("AWS_", "MLFLOW_"))


def dvc_project(cloud, persona: str, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A DVC project configured by the stack's exported commands, plus moto's endpoint."""
    server, planned, _ = cloud
    env = client_env(server, role_credentials(cloud, persona), tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    assert dvc(["init", "--no-scm"], repo, env).returncode == 0
    commands = [shlex.split(c) for c in planned.exports["dvcRemoteCommands"]]
    remote = planned.exports["dvcRemote"]["name"]
    commands.append(["dvc", "remote", "modify", remote, "endpointurl", server.endpoint])
    for command in commands:
        assert command[0] == "dvc"
        result = dvc(command[1:], repo, env)
        assert result.returncode == 0, result.stderr
    return repo, env


def remote_objects(cloud, prefix: str) -> list[dict]:
    server, planned, _ = cloud
    bucket = planned.exports["buckets"]["dvc"]
    listed = server.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
    return listed.get("Contents", [])


def test_data_scientist_pushes_and_pulls_with_dvc(cloud, tmp_path):
    repo, env = dvc_project(cloud, "data-scientist", tmp_path)
    data = os.urandom(64 * 1024)
    (repo / "transactions.bin").write_bytes(data)
    assert dvc(["add", "transactions.bin"], repo, env).returncode == 0
    pushed = dvc(["push"], repo, env)
    assert pushed.returncode == 0, pushed.stderr

    objects = remote_objects(cloud, "dvc/")
    assert objects, "dvc push wrote nothing under the dvc/ prefix of the planned bucket"
    server, planned, _ = cloud
    head = server.client("s3").head_object(
        Bucket=planned.exports["buckets"]["dvc"], Key=objects[0]["Key"]
    )
    # The exported remote config makes every object SSE-KMS under the team key.
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"].endswith(planned.exports["teamKmsKeyArn"].split("/")[-1])

    (repo / "transactions.bin").unlink()
    for cache in (repo / ".dvc" / "cache",):
        subprocess.run(["rm", "-rf", str(cache)], check=True)
    pulled = dvc(["pull"], repo, env)
    assert pulled.returncode == 0, pulled.stderr
    assert (repo / "transactions.bin").read_bytes() == data


def test_data_steward_cannot_push_with_dvc(cloud, tmp_path):
    repo, env = dvc_project(cloud, "data-steward", tmp_path)
    (repo / "steward.bin").write_bytes(b"the steward must not write here" * 100)
    assert dvc(["add", "steward.bin"], repo, env).returncode == 0
    before = {o["Key"] for o in remote_objects(cloud, "dvc/")}
    pushed = dvc(["push"], repo, env)
    assert pushed.returncode != 0
    assert {o["Key"] for o in remote_objects(cloud, "dvc/")} == before


@contextlib.contextmanager
def mlflow_server(cloud, persona: str, tmp_path: Path):
    """`mlflow server` with proxied artifacts in the planned bucket, as the persona's role."""
    server, planned, _ = cloud
    env = client_env(server, role_credentials(cloud, persona), tmp_path)
    env["MLFLOW_S3_ENDPOINT_URL"] = server.endpoint
    # As the platform's tracking server runs it (containers/mlflow/entrypoint.sh): without
    # MLflow 3's GenAI job runner and its eight worker processes.
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    port = free_port()
    log = tmp_path / "mlflow.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "mlflow", "server",
                "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                "--backend-store-uri", sqlite_store(tmp_path / "mlflow.db"),
                "--artifacts-destination", planned.exports["mlflowArtifactStoreUri"],
            ],
            env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        # START_DEADLINE; each poll may take the time left, and a dead server fails at once.
        wait_for_http(f"{url}/health", process, log)
        yield url
    finally:
        stop(process)


def test_data_scientist_tracks_an_experiment_with_mlflow(cloud, tmp_path):
    import mlflow
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    server, planned, _ = cloud
    with mlflow_server(cloud, "data-scientist", tmp_path) as url:
        mlflow.set_tracking_uri(url)
        mlflow.set_experiment("fraud-e2e")
        features = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.2]])
        labels = np.array([0, 1, 0, 1])
        model = LogisticRegression().fit(features, labels)
        note = tmp_path / "note.txt"
        note.write_text("features: amount, merchant risk")
        with mlflow.start_run() as run:
            mlflow.log_param("C", 1.0)
            mlflow.log_metric("accuracy", 1.0)
            mlflow.log_artifact(str(note))
            # Requirements given, not inferred: inference reloads the model in a child
            # process (seconds); what is proven here is where the artifacts land.
            mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"])
        loaded = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
        assert list(loaded.predict(features)) == list(labels)
        fetched = mlflow.get_run(run.info.run_id)
        assert fetched.data.params["C"] == "1.0"
        assert fetched.data.metrics["accuracy"] == 1.0

    bucket = planned.exports["mlflowArtifactStoreUri"].removeprefix("s3://").split("/")[0]
    keys = [
        o["Key"]
        for o in server.client("s3").list_objects_v2(Bucket=bucket, Prefix="mlflow/")["Contents"]
    ]
    assert any(k.endswith("/note.txt") for k in keys)
    assert any(k.endswith("MLmodel") for k in keys)


def test_data_steward_cannot_upload_mlflow_artifacts(cloud, tmp_path):
    import mlflow
    from mlflow.exceptions import MlflowException

    server, planned, _ = cloud
    with mlflow_server(cloud, "data-steward", tmp_path) as url:
        mlflow.set_tracking_uri(url)
        mlflow.set_experiment("steward-e2e")
        note = tmp_path / "steward.txt"
        note.write_text("must not be stored")
        with mlflow.start_run(), pytest.raises(MlflowException) as error:
            mlflow.log_artifact(str(note))
    # The client only sees a 500; the server's log says why: S3 refused the steward's write.
    assert "500" in str(error.value)
    assert "AccessDenied" in (tmp_path / "mlflow.log").read_text()
    bucket = planned.exports["mlflowArtifactStoreUri"].removeprefix("s3://").split("/")[0]
    listed = server.client("s3").list_objects_v2(Bucket=bucket, Prefix="mlflow/")
    assert not any(o["Key"].endswith("/steward.txt") for o in listed.get("Contents", []))
