"""The Kedro template really trains, logs and registers a model in MLflow.

`kedro run` is executed for real in a copy of containers/pipeline, against a
throw-away SQLite tracking/registry database.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.containers.container_test_utils import (
    COMMAND_TIMEOUT,
    CONTAINERS_DIR,
    VENV_BIN,
    base_env,
    slow_test,
)
from tests.support.mlflow_store import sqlite_store

# MLflow and pandas are imported inside the tests that use them, not at module top: importing
# them costs seconds of collection in every pytest worker.
if TYPE_CHECKING:
    from mlflow import MlflowClient

TEMPLATE = CONTAINERS_DIR / "pipeline"
SAMPLE_DATA = TEMPLATE / "data" / "01_raw" / "training.csv"
FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract_years"]


def _copy_template(dest: Path) -> Path:
    shutil.copytree(
        TEMPLATE,
        dest,
        ignore=shutil.ignore_patterns("__pycache__", "mlruns", "mlflow.db", "*.json"),
    )
    return dest


def _mlflow_env(tmp_path: Path, experiment: str, model_name: str, **extra: str) -> dict:
    return base_env(
        MLFLOW_TRACKING_URI=sqlite_store(tmp_path / "mlflow.db"),
        MLFLOW_EXPERIMENT_NAME=experiment,
        MLOPS_REGISTERED_MODEL_NAME=model_name,
        **extra,
    )


def _run(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    assert result.returncode == 0, (
        f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    return result


def _single_run(client: MlflowClient, experiment: str):
    exp = client.get_experiment_by_name(experiment)
    assert exp is not None, f"experiment {experiment!r} was not created"
    runs = client.search_runs([exp.experiment_id])
    assert len(runs) == 1
    return exp, runs[0]


@slow_test
def test_kedro_run_logs_and_registers_model(tmp_path: Path):
    import mlflow.pyfunc
    import pandas as pd
    from mlflow import MlflowClient

    project = _copy_template(tmp_path / "project")
    experiment, model_name = "churn-test", "churn-classifier-test"
    env = _mlflow_env(tmp_path, experiment, model_name)

    _run([str(VENV_BIN / "kedro"), "run"], cwd=project, env=env)

    client = MlflowClient(tracking_uri=env["MLFLOW_TRACKING_URI"])
    exp, run = _single_run(client, experiment)
    assert run.info.status == "FINISHED"

    params = run.data.params
    assert params["model_type"] == "LogisticRegression"
    assert params["C"] == "1.0"
    assert params["max_iter"] == "500"
    assert params["test_size"] == "0.25"
    assert params["random_state"] == "42"
    assert params["features"] == ",".join(FEATURES)
    assert params["n_train_rows"] == "45"  # 75% of the 60 sample rows
    assert run.data.tags["mlops.training_data"] == "data/01_raw/training.csv"

    metrics = run.data.metrics
    assert set(metrics) >= {"accuracy", "f1", "roc_auc"}
    assert all(0.0 <= metrics[k] <= 1.0 for k in ("accuracy", "f1", "roc_auc"))
    # The learnable signal in the sample data is real: better than a coin flip.
    assert metrics["roc_auc"] > 0.6

    # Kedro persisted the same metrics and the run summary through the catalog.
    reported = json.loads((project / "data/08_reporting/metrics.json").read_text())
    assert reported == pytest.approx({k: metrics[k] for k in reported})
    summary = json.loads((project / "data/08_reporting/mlflow_run.json").read_text())
    assert summary["run_id"] == run.info.run_id

    assert "metrics.json" in [a.path for a in client.list_artifacts(run.info.run_id)]

    logged = client.search_logged_models(experiment_ids=[exp.experiment_id])
    assert [m.source_run_id for m in logged] == [run.info.run_id]

    versions = client.search_model_versions(f"name='{model_name}'")
    assert [(int(v.version), v.run_id) for v in versions] == [(1, run.info.run_id)]
    assert summary["registered_model_version"] == 1

    # The registered model is a working pyfunc model.
    model = mlflow.pyfunc.load_model(logged[0].artifact_location)
    sample = pd.read_csv(SAMPLE_DATA)[FEATURES].astype("float64").head(10)
    predictions = list(model.predict(sample))
    assert len(predictions) == 10
    assert set(predictions) <= {0, 1}


@slow_test
def test_entrypoint_uses_training_data_override(tmp_path: Path):
    """MLOPS_TRAINING_DATA replaces the catalog's path; run-pipeline execs kedro run."""
    import pandas as pd
    from mlflow import MlflowClient

    project = _copy_template(tmp_path / "project")
    data = pd.read_csv(SAMPLE_DATA).head(40)
    override = tmp_path / "elsewhere" / "pulled.csv"
    override.parent.mkdir()
    data.to_csv(override, index=False)
    # The committed sample must not be what gets read.
    (project / "data/01_raw/training.csv").unlink()

    experiment, model_name = "override-test", "override-model"
    env = _mlflow_env(tmp_path, experiment, model_name, MLOPS_TRAINING_DATA=str(override))
    _run(["bash", str(project / "run-pipeline")], cwd=project, env=env)

    client = MlflowClient(tracking_uri=env["MLFLOW_TRACKING_URI"])
    _, run = _single_run(client, experiment)
    assert run.data.params["n_train_rows"] == "30"  # 75% of 40 rows
    assert run.data.tags["mlops.training_data"] == str(override)
    versions = client.search_model_versions(f"name='{model_name}'")
    assert [v.run_id for v in versions] == [run.info.run_id]


def test_sample_data_is_reproducible():
    import pandas as pd

    spec = importlib.util.spec_from_file_location(
        "make_sample_data", TEMPLATE / "scripts" / "make_sample_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.generate() == SAMPLE_DATA.read_text(encoding="utf-8")
    frame = pd.read_csv(SAMPLE_DATA)
    assert list(frame.columns) == [*FEATURES, "churned"]
    assert 24 <= len(frame) <= 100
    assert set(frame["churned"]) == {0, 1}
