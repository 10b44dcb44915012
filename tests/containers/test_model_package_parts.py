"""The model package's parts, fast: the pipeline node's wiring and settings, the inference
helper's refusals and safe extraction, and what the pipeline image's build context keeps.

test_model_package_journey.py runs them together against moto.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.containers.container_test_utils import (
    COMMAND_TIMEOUT,
    CONTAINERS_DIR,
    base_env,
    free_port,
)

TEMPLATE = CONTAINERS_DIR / "pipeline"
HELPER = CONTAINERS_DIR / "inference" / "fetch_model_package.py"
ARN = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-fraud-dev-clf/3"
RUN = {"registered_model_name": "mlops-fraud-dev-clf", "registered_model_version": 3}
FULL = {
    "group": "mlops-fraud-dev-clf",
    "s3_uri": "s3://bucket/model-packages",
    "inference_image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/inference:1",
    "team": "fraud",
}


@pytest.fixture
def packaging(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(TEMPLATE / "src"))
    from mlops_pipeline.pipelines.training import packaging

    return packaging


@pytest.fixture(scope="module")
def helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fetch_model_package", HELPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_package_model_runs_after_log_to_mlflow_and_is_reported(monkeypatch):
    monkeypatch.syspath_prepend(str(TEMPLATE / "src"))
    from mlops_pipeline.pipelines.training import create_pipeline

    nodes = {n.name: n for n in create_pipeline().nodes}
    assert nodes["package_model"].inputs == ["mlflow_run", "params:model_package"]
    assert nodes["package_model"].outputs == ["model_package"]
    assert [n.name for n in create_pipeline().nodes][-1] == "package_model"
    catalog = yaml.safe_load((TEMPLATE / "conf" / "base" / "catalog.yml").read_text())
    assert catalog["model_package"] == {
        "type": "json.JSONDataset",
        "filepath": "data/08_reporting/model_package.json",
    }


def test_package_settings_default_to_unset(monkeypatch):
    from kedro.config import OmegaConfigLoader
    from omegaconf.resolvers import oc

    for name in ("MLOPS_MODEL_PACKAGE_GROUP", "MLOPS_MODEL_PACKAGE_S3_URI", "MLOPS_TEAM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLOPS_INFERENCE_IMAGE", "img:1")
    loader = OmegaConfigLoader(
        conf_source=str(TEMPLATE / "conf"),
        base_env="base",
        default_run_env="local",
        custom_resolvers={"oc.env": oc.env},
    )
    assert loader["parameters"]["model_package"] == {
        "group": None,
        "s3_uri": None,
        "inference_image": "img:1",
        "team": None,
    }


def test_package_model_skips_without_a_group(packaging, caplog):
    caplog.set_level("INFO")
    for params in ({}, dict.fromkeys(FULL), {**FULL, "group": "  "}):
        assert packaging.package_model({**RUN, "run_id": "r"}, params)["status"] == "skipped"
    assert "skipping the SageMaker model package" in caplog.text


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"team": None, "s3_uri": ""}, "MLOPS_MODEL_PACKAGE_S3_URI, MLOPS_TEAM are not"),
        ({"inference_image": None}, "MLOPS_INFERENCE_IMAGE is not"),
        ({"group": "mlops.fraud_clf"}, "is not a SageMaker model package group name"),
        ({"group": "a" * 64}, "is not a SageMaker model package group name"),
        ({"s3_uri": "bucket/prefix"}, "must be s3://bucket[/prefix]"),
    ],
)
def test_package_model_refuses_incomplete_settings(packaging, override: dict, message: str):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        packaging.package_model({**RUN, "run_id": "r"}, {**FULL, **override})


def test_model_data_key_is_group_then_mlflow_version(packaging):
    assert packaging._model_data_location("s3://b/model-packages/", "g", "3") == (
        "b",
        "model-packages/g/3/model.tar.gz",
    )
    assert packaging._model_data_location("s3://b", "g", "3") == ("b", "g/3/model.tar.gz")


def test_tarball_has_mlmodel_at_its_root(packaging, tmp_path: Path):
    model = tmp_path / "model"
    (model / "nested").mkdir(parents=True)
    (model / "MLmodel").write_text("flavors: {}\n")
    (model / "nested" / "x.txt").write_text("x")
    tarball = tmp_path / "model.tar.gz"
    assert packaging.write_model_tarball(model, tarball) == ["MLmodel", "nested"]
    with tarfile.open(tarball) as tar:
        assert sorted(tar.getnames()) == ["MLmodel", "nested", "nested/x.txt"]
        assert {m.uid for m in tar.getmembers()} == {0}
    with pytest.raises(FileNotFoundError, match="no MLmodel"):
        packaging.write_model_tarball(model / "nested", tmp_path / "other.tar.gz")


def _run_helper(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = base_env(HOME=str(tmp_path), AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s", **env)
    return subprocess.run(
        [sys.executable, str(HELPER)],
        env=clean,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def _one_error_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("[serve] ERROR: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MODEL_PACKAGE_ARN": "mlops-fraud-dev-clf/3"}, "is not a model package ARN"),
        ({"MODEL_PACKAGE_ARN": ARN, "MODEL_REQUIRE_APPROVED": "maybe"}, "must be true or false"),
    ],
)
def test_helper_refuses_bad_settings_in_one_line(tmp_path: Path, env: dict, message: str):
    result = _run_helper(tmp_path, **env)
    assert result.returncode == 64
    assert message in _one_error_line(result)


def test_helper_reports_an_unreachable_api_in_one_line(tmp_path: Path):
    unreachable = f"http://127.0.0.1:{free_port()}"
    result = _run_helper(
        tmp_path,
        MODEL_PACKAGE_ARN=ARN,
        MODEL_PATH=str(tmp_path / "model"),
        AWS_ENDPOINT_URL=unreachable,
        AWS_MAX_ATTEMPTS="1",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
    )
    assert result.returncode == 1
    line = _one_error_line(result)
    assert f"cannot fetch model package {ARN}" in line and unreachable in line, line


def test_helper_only_clears_its_own_model_path(helper, tmp_path: Path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not ours")
    with pytest.raises(helper.Refused, match="is not empty") as refused:
        helper._prepare(foreign)
    assert refused.value.code == 64 and (foreign / "keep.txt").exists()
    earlier = tmp_path / "earlier"
    (earlier / "sub").mkdir(parents=True)
    (earlier / helper.MARKER).write_text(ARN)
    (earlier / "MLmodel").write_text("old")
    helper._prepare(earlier)
    assert list(earlier.iterdir()) == []


def test_helper_refuses_an_unapproved_package_when_approval_is_required(helper):
    package = {"ModelApprovalStatus": "Rejected", "ModelPackageStatus": "Completed"}
    with pytest.raises(helper.Refused, match="is Rejected, not Approved"):
        helper._model_data_url(ARN, package, require_approved=True)
    package["InferenceSpecification"] = {"Containers": [{"ModelDataUrl": "s3://b/k.tar.gz"}]}
    assert helper._model_data_url(ARN, package, require_approved=False) == "s3://b/k.tar.gz"


def _tarball(path: Path, member: tarfile.TarInfo, data: bytes = b"x") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        member.size = len(data) if member.isfile() else 0
        tar.addfile(member, io.BytesIO(data) if member.isfile() else None)
    return path


@pytest.mark.parametrize("name", ["../evil.txt", "link-out", "dev"])
def test_helper_extraction_refuses_members_leaving_model_path(helper, tmp_path: Path, name: str):
    member = tarfile.TarInfo(name)
    if name == "link-out":
        member.type, member.linkname = tarfile.SYMTYPE, "../../outside"
    if name == "dev":
        member.type = tarfile.CHRTYPE
    tarball = _tarball(tmp_path / "bad.tar.gz", member)
    target = tmp_path / "deep" / "model"
    with pytest.raises(tarfile.FilterError):
        helper.extract_tarball(tarball, target)
    assert not (tmp_path / "deep" / "evil.txt").exists()
    assert not target.exists() or not any(target.iterdir())


def test_helper_extracts_absolute_names_inside_model_path(helper, tmp_path: Path):
    tarball = _tarball(tmp_path / "abs.tar.gz", tarfile.TarInfo("/abs/evil.txt"))
    helper.extract_tarball(tarball, tmp_path / "model")  # the "data" filter strips the "/"
    assert (tmp_path / "model" / "abs" / "evil.txt").read_bytes() == b"x"


def test_pipeline_image_keeps_dvc_metadata_but_not_local_state():
    pathspec = pytest.importorskip("pathspec")
    lines = (TEMPLATE / ".dockerignore").read_text().splitlines()
    ignored = pathspec.GitIgnoreSpec.from_lines(lines)
    kept = [".dvc/config", ".dvc/.gitignore", "data/01_raw/training.csv.dvc", "dvc.lock"]
    kept += ["conf/base/catalog.yml", "src/mlops_pipeline/settings.py", "run-pipeline"]
    dropped = [".dvc/config.local", ".dvc/cache/files/md5/ab/cdef", ".dvc/tmp/lock"]
    dropped += [".git/config", ".git/objects/ab/cdef", "mlflow.db", "data/08_reporting/m.json"]
    assert [p for p in kept if ignored.match_file(p)] == [], "dropped from the image"
    assert [p for p in dropped if not ignored.match_file(p)] == [], "kept in the image"
