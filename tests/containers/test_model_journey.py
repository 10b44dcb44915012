"""The planned model journey, run for real: DVC data -> retraining image -> registry -> endpoint.

Everything the images are given comes from the plan JSON of fraud-dev serving model package
version 1 (`mlops:inference.model.version: 1`, what the team sets once that version exists),
not rebuilt here:

1. the SageMaker pipeline's `pipelineDefinition` (its step's entrypoint, arguments and
   environment), the exported `dvcRemote` / `dvcRemoteCommands`, and the SageMaker model's
   container environment;
2. a data scientist's git repo (the Kedro template) configures the DVC remote with the exported
   commands, `dvc add`s a tiny training CSV at the planned MLOPS_TRAINING_DATA path and pushes it
   to the planned bucket on a loopback moto_server;
3. the pipeline image's planned entrypoint (`run-pipeline`, found on PATH as in the image) runs
   in that repo with the planned environment: it `dvc pull`s the data from MLOPS_DVC_REMOTE_URL
   (local copy and DVC cache deleted first), trains, logs a run and registers a version under
   the planned MLOPS_REGISTERED_MODEL_NAME, then packages that version into the planned model
   package group (created first, as the stack does) as version 1, PendingManualApproval; its
   ARN is the one the planned SageMaker Model serves;
4. the package's archive, unpacked as SageMaker unpacks it in /opt/ml/model, is served by the
   inference image's entrypoint with the planned model environment: `/ping` and
   `/invocations` answer.

Planned values that cannot be used as they are, and what replaces them:

* MLFLOW_TRACKING_URI is the team's SageMaker MLflow App's ARN: it needs the real service. The
  test checks, offline, that MLflow resolves the sagemaker-mlflow plugin's stores for that exact
  ARN (as test_mlflow_plugin.py does), then uses a local SQLite tracking/registry store instead.
* AWS: the planned bucket lives on moto, reached through AWS_ENDPOINT_URL (and, for the data
  scientist's push, a `--local` `endpointurl` next to the exported remote commands); the
  credentials are moto's administrator keys, not the execution role's.
* SageMaker's own download of the package's archive is done by the test (boto3 on moto); the
  listen port is a free loopback port.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import plan_variant
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
from tests.containers.test_mlflow_plugin import RESOLVE_STORES
from tests.support.mlflow_store import sqlite_store
from tests.support.moto_server import moto_server

# MLflow and pandas are imported where they are used, not at module top: importing them costs
# seconds of collection in every pytest worker.
if TYPE_CHECKING:
    import pandas as pd

pytestmark = [pytest.mark.e2e, slow_test]  # moto_server, kedro, dvc and a scoring server

STACK = "fraud-dev"
SERVED_VERSION = 1  # the first version a retraining run packages
GROUP = "aws:sagemaker/modelPackageGroup:ModelPackageGroup"
TEMPLATE = CONTAINERS_DIR / "pipeline"
SERVE_SCRIPT = CONTAINERS_DIR / "inference" / "serve"
FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract_years"]
TINY_ROWS = 40  # of the template's 60-row sample: 30 training rows after the 25% test split
# Nothing from the caller's AWS setup may be used: only the keys given explicitly.
NO_AWS_FILES = ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


def _planned(plan: dict) -> dict:
    """The values the journey takes from the plan JSON."""
    by_type: dict[str, list[dict]] = {}
    for resource in plan["resources"]:
        by_type.setdefault(resource["type"], []).append(resource)
    pipelines = by_type.get("aws:sagemaker/pipeline:Pipeline", [])
    models = by_type.get("aws:sagemaker/model:Model", [])
    assert len(pipelines) == 1 and len(models) == 1, "step 1 (plan): one pipeline, one model"
    (step,) = json.loads(pipelines[0]["inputs"]["pipelineDefinition"])["Steps"]
    app = step["Arguments"]["AppSpecification"]
    return {
        "entrypoint": app["ContainerEntrypoint"],
        "arguments": app.get("ContainerArguments", []),
        "env": step["Arguments"]["Environment"],
        "model_env": models[0]["inputs"]["primaryContainer"].get("environment", {}),
        "model_package": models[0]["inputs"]["primaryContainer"]["modelPackageName"],
        "group": next(r for r in plan["resources"] if r["type"] == GROUP)["inputs"][
            "modelPackageGroupName"
        ],
        "dvc_remote": plan["exports"]["dvcRemote"],
        "dvc_commands": plan["exports"]["dvcRemoteCommands"],
        "account": plan["exports"]["mlflowTrackingUri"].split(":")[4],
    }


def _aws_env(tmp_path: Path, creds: dict[str, str], **extra: str) -> dict[str, str]:
    env = base_env(GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp_path))
    for key in [k for k in env if k.startswith("AWS_")]:  # profile, token, endpoint...
        del env[key]
    env.update({key: str(tmp_path / f"no-{key.lower()}") for key in NO_AWS_FILES})
    env.update(creds, AWS_EC2_METADATA_DISABLED="true", **extra)
    return env


def _sh(step: str, args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    assert result.returncode == 0, (
        f"{step}: {shlex.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    return result


def _resolve_stores(arn: str, tmp_path: Path) -> subprocess.Popen:
    """Start resolving MLflow's stores for the planned ARN offline (fake keys, no sockets).

    In the background: it only imports MLflow and the plugin, next to the DVC steps.
    """
    creds = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    env = _aws_env(
        tmp_path, creds, AWS_DEFAULT_REGION=arn.split(":")[3], AWS_SESSION_TOKEN="testing"
    )
    return subprocess.Popen(
        [sys.executable, "-c", RESOLVE_STORES, arn],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_sagemaker_stores(proc: subprocess.Popen, arn: str) -> None:
    """The planned ARN is one the sagemaker-mlflow plugin accepts (test_mlflow_plugin.py)."""
    step = "step 3 (planned MLFLOW_TRACKING_URI)"
    out, err = proc.communicate(timeout=COMMAND_TIMEOUT)
    assert proc.returncode == 0, f"{step}: resolving {arn} failed:\n{err[-5000:]}"
    stores = json.loads(out.strip().splitlines()[-1])
    region = arn.split(":")[3]
    assert stores["tracking"].startswith("sagemaker_mlflow."), f"{step}: {stores}"
    assert stores["registry"].startswith("sagemaker_mlflow."), f"{step}: {stores}"
    # fraud-dev's MLflow is an MLflow App: the plugin calls its regional app host.
    assert stores["host"] == f"https://mlflow.sagemaker.{region}.app.aws", f"{step}: {stores}"
    assert stores["auth"] == "arn", f"{step}: {stores}"


def _data_scientist_pushes(repo: Path, planned: dict, endpoint: str, env: dict) -> bytes:
    """Step 2: the template in a git repo, data tracked with DVC and pushed to the remote."""
    import pandas as pd

    step = "step 2 (dvc push to the planned remote)"
    shutil.copytree(
        TEMPLATE, repo, ignore=shutil.ignore_patterns("__pycache__", "mlruns", "mlflow.db")
    )
    data_path = planned["env"]["MLOPS_TRAINING_DATA"]
    assert not Path(data_path).is_absolute(), f"{step}: {data_path} is not in the project"
    data = repo / data_path
    data.parent.mkdir(parents=True, exist_ok=True)
    tiny = pd.read_csv(TEMPLATE / "data" / "01_raw" / "training.csv").head(TINY_ROWS)
    assert list(tiny.columns) == [*FEATURES, "churned"], f"{step}: template schema changed"
    tiny.to_csv(data, index=False)

    _sh(step, ["git", "init", "-q"], repo, env)
    _sh(step, ["dvc", "init", "-q"], repo, env)
    for command in planned["dvc_commands"]:
        _sh(step, shlex.split(command), repo, env)
    name = planned["dvc_remote"]["name"]
    # Only this machine's config (.dvc/config.local, not committed) knows about moto.
    _sh(step, ["dvc", "remote", "modify", "--local", name, "endpointurl", endpoint], repo, env)
    _sh(step, ["dvc", "add", "-q", data_path], repo, env)
    _sh(step, ["dvc", "push"], repo, env)
    return data.read_bytes()


def _pushed_keys(server, url: str) -> list[str]:
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    listing = server.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for o in listing.get("Contents", [])]


def _run_pipeline(repo: Path, planned: dict, env: dict, tmp_path: Path) -> str:
    """Step 3: the planned entrypoint and arguments, on PATH as in the image, in the repo."""
    bin_dir = tmp_path / "image-bin"
    bin_dir.mkdir()
    (bin_dir / planned["entrypoint"][0]).symlink_to(repo / "run-pipeline")
    env = dict(env, PATH=f"{bin_dir}:{env['PATH']}")
    result = _sh(
        "step 3 (pipeline entrypoint)", [*planned["entrypoint"], *planned["arguments"]], repo, env
    )
    return result.stderr


def _registered_version(tracking_uri: str, planned: dict, data_path: str) -> int:
    from mlflow import MlflowClient

    step = "step 3 (run logged, model registered)"
    env = planned["env"]
    client = MlflowClient(tracking_uri=tracking_uri)
    experiment = client.get_experiment_by_name(env["MLFLOW_EXPERIMENT_NAME"])
    assert experiment is not None, f"{step}: no experiment {env['MLFLOW_EXPERIMENT_NAME']!r}"
    runs = client.search_runs([experiment.experiment_id])
    assert [r.info.status for r in runs] == ["FINISHED"], f"{step}: runs {runs}"
    run = runs[0]
    assert run.data.tags["mlops.training_data"] == data_path, f"{step}: {run.data.tags}"
    # The pulled tiny data set was trained on, not the template's 60-row sample.
    assert run.data.params["n_train_rows"] == str(TINY_ROWS * 3 // 4), f"{step}: {run.data}"
    name = env["MLOPS_REGISTERED_MODEL_NAME"]
    names = [m.name for m in client.search_registered_models()]
    assert names == [name], f"{step}: registered {names}, planned {name!r}"
    versions = client.search_model_versions(f"name='{name}'")
    assert [v.run_id for v in versions] == [run.info.run_id], f"{step}: versions {versions}"
    return int(versions[0].version)


def _serve_and_predict(start_process, planned: dict, overrides: dict, row: pd.DataFrame):
    """Step 4: the inference entrypoint with the planned model environment."""
    port = free_port()
    env = base_env(**planned["model_env"], **overrides)
    env.update(SAGEMAKER_BIND_TO_PORT=str(port), HOST="127.0.0.1")
    proc, log_path = start_process(["bash", str(SERVE_SCRIPT), "serve"], env=env, name="serve")
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/ping", proc, log_path)
    status, _ = http_get(f"{base}/ping")
    assert status == 200, "step 4 (serve): /ping"
    status, body = post_json(f"{base}/invocations", {"dataframe_split": row.to_dict("split")})
    assert status == 200, f"step 4 (serve): /invocations answered {status}: {body}"
    assert overrides["MODEL_PATH"] in log_path.read_text(errors="replace"), "step 4: model path"
    return body["predictions"]


def _the_package_sagemaker_serves(server, planned: dict, model_dir: Path) -> dict:
    """Step 3's package, as SageMaker reads it for the planned Model: approval status, and the
    archive unpacked into `model_dir` (what SageMaker mounts at /opt/ml/model)."""
    step = "step 3 (model package)"
    sagemaker = server.client("sagemaker")
    package = sagemaker.describe_model_package(ModelPackageName=planned["model_package"])
    assert package["ModelPackageArn"] == planned["model_package"], f"{step}: {package}"
    assert package["ModelPackageGroupName"] == planned["group"], f"{step}: {package}"
    container = package["InferenceSpecification"]["Containers"][0]
    assert container["Image"] == planned["env"]["MLOPS_INFERENCE_IMAGE"], f"{step}: image"
    url = container["ModelDataUrl"]
    assert url.startswith(planned["env"]["MLOPS_MODEL_PACKAGE_S3_URI"] + "/"), f"{step}: {url}"
    bucket, _, key = url.removeprefix("s3://").partition("/")
    archive = model_dir.parent / "model.tar.gz"
    server.client("s3").download_file(bucket, key, str(archive))
    model_dir.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(model_dir, filter="data")
    assert (model_dir / "MLmodel").is_file(), f"{step}: no MLmodel at the archive's root"
    return package


def _push_pull_and_train(tmp_path: Path, planned: dict, resolving: subprocess.Popen):
    """Steps 2 and 3 against the planned bucket on moto; returns the tracking URI and data."""
    env = planned["env"]
    remote_url = planned["dvc_remote"]["url"]
    region = env["AWS_DEFAULT_REGION"]
    with moto_server(tmp_path, account_id=planned["account"], region=region) as server:
        # Step 2: the planned DVC bucket and a data scientist's push.
        # What the first `pulumi up` created: the DVC and artifacts buckets, the empty group.
        for bucket in (
            remote_url.removeprefix("s3://").split("/")[0],
            env["MLOPS_ARTIFACTS_BUCKET"],
        ):
            server.client("s3").create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
            )
        server.client("sagemaker").create_model_package_group(
            ModelPackageGroupName=planned["group"]
        )
        aws = _aws_env(tmp_path, server.admin)
        repo = tmp_path / "repo"
        pushed = _data_scientist_pushes(repo, planned, server.endpoint, aws)
        assert _pushed_keys(server, remote_url), "step 2: nothing pushed to the planned remote"

        # Step 3: the image holds the committed project: no data, no DVC cache, no local config.
        data_path = env["MLOPS_TRAINING_DATA"]
        (repo / data_path).unlink()
        shutil.rmtree(repo / ".dvc" / "cache")
        (repo / ".dvc" / "config.local").unlink()
        _assert_sagemaker_stores(resolving, env["MLFLOW_TRACKING_URI"])
        tracking_uri = sqlite_store(tmp_path / "mlflow.db")
        run_env = {**aws, **env, "MLFLOW_TRACKING_URI": tracking_uri}
        run_env["AWS_ENDPOINT_URL"] = server.endpoint
        log = _run_pipeline(repo, planned, run_env, tmp_path)
        package = _the_package_sagemaker_serves(server, planned, tmp_path / "opt-ml-model")
    assert package["ModelApprovalStatus"] == "PendingManualApproval", "step 3: not pending"
    assert f"using DVC remote {remote_url}" in log, f"step 3: no pull from the remote:\n{log}"
    restored = repo / data_path
    assert restored.is_file(), f"step 3: {data_path} not restored by dvc pull:\n{log}"
    assert restored.read_bytes() == pushed, "step 3: restored data differs from the pushed one"
    return tracking_uri, restored


def test_planned_pipeline_trains_registers_and_serves(tmp_path: Path, start_process):
    import pandas as pd

    # Step 1: the plan JSON.
    served = {"mlops:inference": {"model": {"version": SERVED_VERSION}}}
    plan = plan_variant(STACK, served).to_json()
    planned = _planned(plan)
    env = planned["env"]
    assert env["MLOPS_DVC_REMOTE_URL"] == planned["dvc_remote"]["url"], "step 1: DVC remote"
    assert env["MLFLOW_TRACKING_URI"] == plan["exports"]["mlflowTrackingUri"], "step 1: tracking"
    assert planned["entrypoint"] == ["run-pipeline"], f"step 1: entrypoint {planned}"

    resolving = _resolve_stores(env["MLFLOW_TRACKING_URI"], tmp_path)
    try:
        tracking_uri, restored = _push_pull_and_train(tmp_path, planned, resolving)
    finally:  # normally done already; not left behind when an earlier step failed
        if resolving.poll() is None:
            resolving.kill()
            resolving.communicate()
    version = _registered_version(tracking_uri, planned, env["MLOPS_TRAINING_DATA"])

    assert version == SERVED_VERSION, "step 3: the first run registers MLflow version 1"

    # Step 4: the endpoint serves the package's archive, where SageMaker unpacks it.
    row = pd.read_csv(restored)[FEATURES].astype("float64").head(1)
    overrides = {"MODEL_PATH": str(tmp_path / "opt-ml-model")}
    predictions = _serve_and_predict(start_process, planned, overrides, row)
    assert len(predictions) == 1 and predictions[0] in (0, 1), f"step 4: {predictions}"
