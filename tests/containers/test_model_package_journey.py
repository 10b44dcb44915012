"""A registered MLflow version becomes a SageMaker model package that both backends serve.

Run for real against a loopback moto_server (S3 + SageMaker), no Docker:

1. the platform's side: the artifacts bucket and the model package group (the stack creates
   both; the pipeline never creates the group);
2. the Kedro template's nodes (its parameters resolved by Kedro from the packaging variables)
   train and register MLflow version 1 in a local SQLite registry; its `package_model` node
   uploads the version's model.tar.gz (MLmodel at its root, SSE-KMS) to the documented key and
   creates package version 1, PendingManualApproval, tagged with the team on the request itself
   (moto keeps no tags for model packages, so its request recording is read instead);
3. Kubernetes: the inference entrypoint with MODEL_PACKAGE_ARN and MODEL_REQUIRE_APPROVED=true
   refuses the pending package with one error line; the ML engineer approves it
   (UpdateModelPackage); the entrypoint then fetches it into MODEL_PATH and serves it;
4. SageMaker: the tarball extracted into a directory (what SageMaker does with /opt/ml/model)
   and served with MODEL_PATH; both servers answer /ping and the same predictions.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

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
from tests.support.mlflow_store import sqlite_store
from tests.support.moto_server import MotoServer, moto_server

# pandas is imported where it is used, not at module top: importing it costs seconds of
# collection in every pytest worker.
if TYPE_CHECKING:
    import pandas as pd

pytestmark = [pytest.mark.e2e, slow_test]  # moto_server and two scoring servers

TEMPLATE = CONTAINERS_DIR / "pipeline"
SERVE_SCRIPT = CONTAINERS_DIR / "inference" / "serve"
FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract_years"]
ACCOUNT, REGION, TEAM = "123456789012", "eu-west-1", "fraud"
GROUP = "mlops-fraud-dev-fraud-classifier"  # = MLOPS_REGISTERED_MODEL_NAME
BUCKET = "mlops-fraud-dev-artifacts-e2e"
PACKAGES_URI = f"s3://{BUCKET}/model-packages"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/mlops-fraud-dev-inference:1.0.0"
# AWS's documented form of a versioned model package ARN.
PACKAGE_ARN = re.compile(rf"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}/1")
NO_AWS_FILES = ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


def _aws_env(tmp_path: Path, server: MotoServer, **extra: str) -> dict[str, str]:
    """Child environment reaching moto with the administrator's keys, nothing of the caller's."""
    env = base_env(HOME=str(tmp_path))
    for key in [k for k in env if k.startswith("AWS_")]:
        del env[key]
    env.update({key: str(tmp_path / f"no-{key.lower()}") for key in NO_AWS_FILES})
    env.update(
        server.admin,
        AWS_DEFAULT_REGION=REGION,
        AWS_ENDPOINT_URL=server.endpoint,
        AWS_EC2_METADATA_DISABLED="true",
        **extra,
    )
    return env


def _platform_creates(server: MotoServer) -> None:
    """Step 1: what the team stack owns: the artifacts bucket and the package group."""
    server.client("s3").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    server.client("sagemaker").create_model_package_group(
        ModelPackageGroupName=GROUP,
        ModelPackageGroupDescription="fraud classifier",
        Tags=[{"Key": "team", "Value": TEAM}],
    )


def _pipeline_params(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> dict:
    """The template's parameters as Kedro resolves them (oc.env, as in settings.py)."""
    from kedro.config import OmegaConfigLoader
    from omegaconf.resolvers import oc

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    loader = OmegaConfigLoader(
        conf_source=str(TEMPLATE / "conf"),
        base_env="base",
        default_run_env="local",
        custom_resolvers={"oc.env": oc.env},
    )
    return loader["parameters"]


def _train_and_package(tmp_path: Path, aws: dict[str, str], monkeypatch) -> tuple[dict, dict]:
    """Step 2: the template's nodes, in order, with the packaging variables set.

    In-process rather than `kedro run` (test_kedro_pipeline.py and the planned journey run
    that): the same node functions and parameters, a fraction of the time.
    """
    for key in [k for k in os.environ if k.startswith(("AWS_", "MLFLOW_"))]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # a SQLite store puts its artifacts in ./mlruns
    params = _pipeline_params(
        monkeypatch,
        dict(
            aws,
            MLFLOW_TRACKING_URI=sqlite_store(tmp_path / "mlflow.db"),
            MLFLOW_EXPERIMENT_NAME="package-journey",
            MLOPS_REGISTERED_MODEL_NAME=GROUP,
            MLOPS_MODEL_PACKAGE_GROUP=GROUP,
            MLOPS_MODEL_PACKAGE_S3_URI=PACKAGES_URI,
            MLOPS_INFERENCE_IMAGE=IMAGE,
            MLOPS_TEAM=TEAM,
        ),
    )
    assert params["model_package"] == {
        "group": GROUP,
        "s3_uri": PACKAGES_URI,
        "inference_image": IMAGE,
        "team": TEAM,
    }, f"step 2: {params['model_package']}"
    monkeypatch.syspath_prepend(str(TEMPLATE / "src"))
    import pandas as pd
    from mlops_pipeline.pipelines.training import nodes, packaging

    data = pd.read_csv(TEMPLATE / "data" / "01_raw" / "training.csv")
    X_train, X_test, y_train, y_test = nodes.split_data(data, params["split"])
    model = nodes.train_model(X_train, y_train, params["model"], params["split"])
    metrics = nodes.evaluate_model(model, X_test, y_test)
    mlflow_run = nodes.log_to_mlflow(
        model,
        metrics,
        X_train,
        model_params=params["model"],
        split_params=params["split"],
        mlflow_params=params["mlflow"],
    )
    assert mlflow_run["registered_model_version"] == 1, f"step 2: {mlflow_run}"
    report = packaging.package_model(mlflow_run, params["model_package"])
    assert report["registered_model_version"] == 1 and report["run_id"] == mlflow_run["run_id"]
    return mlflow_run, report


def _recorded(recording: Path, target: str) -> list[dict]:
    """Bodies of the recorded SageMaker requests with X-Amz-Target `SageMaker.<target>`."""
    bodies = []
    for line in recording.read_text().splitlines():
        entry = json.loads(line)
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        if headers.get("x-amz-target") == f"SageMaker.{target}":
            body = entry["body"]
            bodies.append(json.loads(base64.b64decode(body) if entry["body_encoded"] else body))
    return bodies


def _assert_package(server: MotoServer, report: dict, recording: Path) -> str:
    """Step 2's outcome: the package version, its tarball and the CreateModelPackage request."""
    step = "step 2 (model package)"
    arn = report["model_package_arn"]
    assert PACKAGE_ARN.fullmatch(arn), f"{step}: ARN {arn}"
    key = f"model-packages/{GROUP}/1/model.tar.gz"
    assert report["model_data_url"] == f"s3://{BUCKET}/{key}", f"{step}: {report}"
    assert report["model_package_version"] == 1, f"{step}: {report}"
    package = server.client("sagemaker").describe_model_package(ModelPackageName=arn)
    assert package["ModelApprovalStatus"] == "PendingManualApproval", f"{step}: {package}"
    assert package["ModelPackageGroupName"] == GROUP, f"{step}: {package}"
    (container,) = package["InferenceSpecification"]["Containers"]
    assert container["Image"] == IMAGE, f"{step}: {container}"
    assert container["ModelDataUrl"] == report["model_data_url"], f"{step}: {container}"
    assert package["CustomerMetadataProperties"] == {
        "mlflow.registeredModel": GROUP,
        "mlflow.version": "1",
        "mlflow.runId": report["run_id"],
    }, f"{step}: {package}"
    head = server.client("s3").head_object(Bucket=BUCKET, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms", f"{step}: {head}"
    (request,) = _recorded(recording, "CreateModelPackage")
    assert request["Tags"] == [{"Key": "team", "Value": TEAM}], f"{step}: {request}"
    assert request["InferenceSpecification"]["SupportedContentTypes"] == [
        "application/json",
        "text/csv",
    ]
    assert request["InferenceSpecification"]["SupportedResponseMIMETypes"] == ["application/json"]
    return arn


def _sagemaker_unpacks(server: MotoServer, report: dict, tmp_path: Path) -> Path:
    """Step 4's model: the tarball unpacked the way SageMaker fills /opt/ml/model."""
    bucket, _, key = report["model_data_url"].removeprefix("s3://").partition("/")
    tarball = tmp_path / "model.tar.gz"
    server.client("s3").download_file(bucket, key, str(tarball))
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
        assert "MLmodel" in names, f"step 2: MLmodel not at the tarball's root: {names}"
        assert not any(n.startswith(("/", "..")) for n in names), f"step 2: {names}"
        opt_ml_model = tmp_path / "opt-ml-model"
        tar.extractall(opt_ml_model, filter="data")
    return opt_ml_model


def _serve_env(**overrides: str) -> tuple[dict[str, str], str]:
    """The inference entrypoint's environment: no AWS access unless added (SageMaker's path)."""
    port = free_port()
    env = base_env(SAGEMAKER_BIND_TO_PORT=str(port), HOST="127.0.0.1", **overrides)
    for key in [k for k in env if k.startswith("AWS_")]:
        del env[key]
    return env, f"http://127.0.0.1:{port}"


def _refuses_unapproved(aws: dict[str, str], arn: str, model_path: Path) -> None:
    """Step 3: a pending package with MODEL_REQUIRE_APPROVED=true is not served."""
    env = dict(
        aws, MODEL_PACKAGE_ARN=arn, MODEL_REQUIRE_APPROVED="true", MODEL_PATH=str(model_path)
    )
    result = subprocess.run(
        ["bash", str(SERVE_SCRIPT), "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    step = "step 3 (unapproved package)"
    assert result.returncode != 0, f"{step}: served anyway:\n{result.stderr[-3000:]}"
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, f"{step}: {result.stderr}"
    assert "PendingManualApproval" in errors[0] and "not Approved" in errors[0], errors
    assert "Traceback" not in result.stderr, f"{step}: {result.stderr}"
    assert not (model_path / "MLmodel").exists(), f"{step}: the model was fetched"


def _start_serve(start, env: dict[str, str], base: str, name: str, row: pd.DataFrame) -> tuple:
    proc, log_path = start(["bash", str(SERVE_SCRIPT), "serve"], env=env, name=name)
    return proc, log_path, base, row


def _answers(started: tuple, step: str) -> list:
    proc, log_path, base, row = started
    wait_for_http(f"{base}/ping", proc, log_path)
    status, _ = http_get(f"{base}/ping")
    assert status == 200, f"{step}: /ping answered {status}"
    status, body = post_json(f"{base}/invocations", {"dataframe_split": row.to_dict("split")})
    assert status == 200, f"{step}: /invocations answered {status}: {body}"
    return body["predictions"]


def test_registered_version_becomes_a_served_model_package(
    tmp_path: Path, start_process, monkeypatch: pytest.MonkeyPatch
):
    import pandas as pd

    recording = tmp_path / "moto-recording.jsonl"
    # Read by moto_server (started with this environment): every request is recorded.
    monkeypatch.setenv("MOTO_ENABLE_RECORDING", "true")
    monkeypatch.setenv("MOTO_RECORDER_FILEPATH", str(recording))
    with moto_server(tmp_path, account_id=ACCOUNT, region=REGION) as server:
        _platform_creates(server)
        aws = _aws_env(tmp_path, server)
        _, report = _train_and_package(tmp_path, aws, monkeypatch)
        arn = _assert_package(server, report, recording)
        row = pd.read_csv(TEMPLATE / "data" / "01_raw" / "training.csv")[FEATURES].head(2)
        row = row.astype("float64")

        # Step 4 starts first (the servers' start is the slow part); asked after step 3.
        sm_env, sm_base = _serve_env(MODEL_PATH=str(_sagemaker_unpacks(server, report, tmp_path)))
        sagemaker = _start_serve(start_process, sm_env, sm_base, "serve-sagemaker", row)

        k8s_model = tmp_path / "k8s-tmp" / "model"  # the pod's emptyDir /tmp/model
        _refuses_unapproved(aws, arn, k8s_model)
        server.client("sagemaker").update_model_package(
            ModelPackageArn=arn, ModelApprovalStatus="Approved", ApprovalDescription="e2e"
        )
        k8s_env, k8s_base = _serve_env(
            MODEL_PACKAGE_ARN=arn, MODEL_REQUIRE_APPROVED="true", MODEL_PATH=str(k8s_model)
        )
        k8s_env.update({k: v for k, v in aws.items() if k.startswith("AWS_")})
        k8s = _start_serve(start_process, k8s_env, k8s_base, "serve-k8s", row)
        k8s_predictions = _answers(k8s, "step 3 (Kubernetes, approved package)")
        sm_predictions = _answers(sagemaker, "step 4 (SageMaker, /opt/ml/model)")

    assert len(k8s_predictions) == 2 and set(k8s_predictions) <= {0, 1}, k8s_predictions
    assert k8s_predictions == sm_predictions, "the two backends serve different models"
    assert (k8s_model / "MLmodel").is_file(), "step 3: MLmodel not at MODEL_PATH's root"
    log = (tmp_path / "serve-k8s.log").read_text(errors="replace")
    assert f"fetched model package {arn} (Approved)" in log, log[-3000:]
