"""The inference image's entrypoint serves the SageMaker contract with MLflow's server.

The entrypoint script (containers/inference/serve) is started directly with bash, as
SageMaker would start the image (`serve` argument), against a real MLflow model.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.containers.container_test_utils import (
    COMMAND_TIMEOUT,
    CONTAINERS_DIR,
    base_env,
    free_port,
    http_get,
    post_json,
    slow_test,
    wait_for_http,
)

pytestmark = [pytest.mark.e2e, slow_test]  # starts real MLflow scoring servers on loopback

SERVE_SCRIPT = CONTAINERS_DIR / "inference" / "serve"
FEATURES = ["x1", "x2", "x3"]


@pytest.fixture(scope="module")
def sklearn_model(tmp_path_factory: pytest.TempPathFactory):
    """A tiny LogisticRegression saved as an MLflow model directory."""
    # MLflow, pandas and scikit-learn are imported here, not at module top: importing them
    # costs seconds of collection in every pytest worker.
    import mlflow.sklearn
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(7)
    frame = pd.DataFrame(rng.normal(size=(60, 3)), columns=FEATURES)
    target = (frame["x1"] + 0.5 * frame["x2"] - frame["x3"] > 0).astype(int)
    model = LogisticRegression(max_iter=200).fit(frame, target)
    model_dir = tmp_path_factory.mktemp("model") / "model"
    # Requirements given, not inferred (inference reloads the model in a child process, for
    # seconds): `--env-manager local` serves with this environment whatever the model lists.
    mlflow.sklearn.save_model(
        model, str(model_dir), input_example=frame.head(3), pip_requirements=["scikit-learn"]
    )
    return model, model_dir


def test_serve_answers_ping_and_invocations(sklearn_model, start_process, tmp_path: Path):
    import numpy as np
    import pandas as pd

    model, model_dir = sklearn_model
    port = free_port()
    env = base_env(MODEL_PATH=str(model_dir), SAGEMAKER_BIND_TO_PORT=str(port), HOST="127.0.0.1")

    proc, log_path = start_process(["bash", str(SERVE_SCRIPT), "serve"], env=env, name="serve")
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/ping", proc, log_path)

    status, _ = http_get(f"{base}/ping")
    assert status == 200

    rng = np.random.default_rng(11)
    batch = pd.DataFrame(rng.normal(size=(8, 3)), columns=FEATURES)
    expected = model.predict(batch).tolist()

    status, body = post_json(
        f"{base}/invocations", {"dataframe_split": batch.to_dict(orient="split")}
    )
    assert status == 200
    assert body["predictions"] == expected

    # The tensor-style "inputs" payload is accepted too.
    status, body = post_json(f"{base}/invocations", {"inputs": batch.to_dict(orient="records")})
    assert status == 200
    assert body["predictions"] == expected

    # The log proves the model path and port were wired through the entrypoint.
    log = log_path.read_text(errors="replace")
    assert str(model_dir) in log
    assert f":{port}" in log


def test_serve_finds_model_unpacked_one_level_deep(sklearn_model, start_process, tmp_path: Path):
    """A model.tar.gz that contains `model/` unpacks to /opt/ml/model/model/MLmodel."""
    import pandas as pd

    model, model_dir = sklearn_model
    mount = tmp_path / "opt_ml_model"
    mount.mkdir()
    # A real copy: MLflow refuses artifacts that resolve outside the model dir (symlinks).
    shutil.copytree(model_dir, mount / "model")
    port = free_port()
    env = base_env(MODEL_PATH=str(mount), PORT=str(port), HOST="127.0.0.1")

    proc, log_path = start_process(["bash", str(SERVE_SCRIPT)], env=env, name="serve-nested")
    wait_for_http(f"http://127.0.0.1:{port}/ping", proc, log_path)
    batch = pd.DataFrame([[0.1, 0.2, 0.3]], columns=FEATURES)
    status, body = post_json(
        f"http://127.0.0.1:{port}/invocations",
        {"dataframe_split": batch.to_dict(orient="split")},
    )
    assert status == 200
    assert body["predictions"] == model.predict(batch).tolist()


def test_serve_fails_clearly_without_a_model(tmp_path: Path):
    env = base_env(MODEL_PATH=str(tmp_path / "missing"), PORT=str(free_port()))
    result = subprocess.run(
        ["bash", str(SERVE_SCRIPT), "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode != 0
    assert "does not exist" in result.stderr
