"""run-pipeline: optional `dvc pull` before `kedro run`, checked with recording stand-ins."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.containers.container_test_utils import (
    COMMAND_TIMEOUT,
    CONTAINERS_DIR,
    base_env,
    slow_test,
)

ENTRYPOINT = CONTAINERS_DIR / "pipeline" / "run-pipeline"
# The project dirs used here are not git work trees, like the project in the image.
NO_SCM = ["dvc", "config", "--local", "core.no_scm", "true"]

RECORDER = """#!{python}
import json, os, sys
with open({log!r}, "a") as fh:
    fh.write(json.dumps({{"tool": {tool!r}, "argv": sys.argv[1:], "cwd": os.getcwd()}}) + "\\n")
# FAKE_<TOOL>_FAIL_ON=<subcommand> makes that subcommand fail.
fail_on = os.environ.get("FAKE_{tool_upper}_FAIL_ON")
sys.exit(1 if fail_on and sys.argv[1:2] == [fail_on] else 0)
"""


@pytest.fixture
def fakes(tmp_path: Path):
    """Stand-in `dvc` and `kedro` executables that append their argv to calls.jsonl."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.jsonl"
    for tool in ("dvc", "kedro"):
        script = bin_dir / tool
        script.write_text(
            RECORDER.format(python=sys.executable, log=str(log), tool=tool, tool_upper=tool.upper())
        )
        script.chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.kedro]\n")

    def run(*args: str, **env_vars: str):

        env = base_env(**env_vars)
        env["PATH"] = f"{bin_dir}:{env['PATH']}"
        result = subprocess.run(
            ["bash", str(ENTRYPOINT), *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return result, [[c["tool"], *c["argv"]] for c in calls]

    return project, run


def test_without_dvc_repo_runs_kedro_only(fakes):
    _, run = fakes
    result, calls = run("--pipeline", "training")
    assert result.returncode == 0, result.stderr
    assert calls == [["kedro", "run", "--pipeline", "training"]]


def test_dvc_repo_with_remote_pulls_before_kedro(fakes):
    project, run = fakes
    (project / ".dvc").mkdir()
    result, calls = run(
        MLOPS_DVC_REMOTE_URL="s3://bucket/dvc-store",
        MLOPS_DVC_TARGETS="data/01_raw/training.csv.dvc other.dvc",
    )
    assert result.returncode == 0, result.stderr
    remote_add = ["remote", "add", "--local", "--default", "--force", "mlops"]
    assert calls == [
        NO_SCM,
        ["dvc", *remote_add, "s3://bucket/dvc-store"],
        ["dvc", "pull", "data/01_raw/training.csv.dvc", "other.dvc"],
        ["kedro", "run"],
    ]


def test_dvc_repo_without_remote_override_pulls_everything(fakes):
    project, run = fakes
    (project / ".dvc").mkdir()
    result, calls = run()
    assert result.returncode == 0, result.stderr
    assert calls == [NO_SCM, ["dvc", "pull"], ["kedro", "run"]]


def test_failed_dvc_pull_stops_before_training(fakes):
    project, run = fakes
    (project / ".dvc").mkdir()
    result, calls = run(FAKE_DVC_FAIL_ON="pull")
    assert result.returncode != 0
    assert calls == [NO_SCM, ["dvc", "pull"]]


def test_pull_disabled(fakes):
    project, run = fakes
    (project / ".dvc").mkdir()
    result, calls = run(MLOPS_DVC_PULL="false")
    assert result.returncode == 0, result.stderr
    assert calls == [["kedro", "run"]]


def test_forced_pull_without_dvc_repo_fails_clearly(fakes):
    _, run = fakes
    result, calls = run(MLOPS_DVC_PULL="true")
    assert result.returncode == 64
    assert "not a DVC repository" in result.stderr
    assert calls == []


def test_project_dir_must_be_a_kedro_project(fakes, tmp_path: Path):
    _, run = fakes
    result, calls = run(MLOPS_PROJECT_DIR=str(tmp_path / "bin"))
    assert result.returncode == 64
    assert "not a Kedro project" in result.stderr
    assert calls == []


@slow_test
def test_real_dvc_pull_restores_training_data(tmp_path: Path):
    """End to end with the real `dvc`: data pushed from a git-hosted DVC project is
    pulled into a git-less copy (as in the image) from MLOPS_DVC_REMOTE_URL."""
    sample = CONTAINERS_DIR / "pipeline" / "data" / "01_raw" / "training.csv"
    env = base_env(GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp_path))

    def sh(*args: str, cwd: Path) -> None:
        result = subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
        )
        assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"

    # A developer's checkout: DVC in a sub-directory of a git repo, data pushed to a remote.
    source = tmp_path / "repo" / "pipeline"
    (source / "data" / "01_raw").mkdir(parents=True)
    sh("git", "init", "-q", cwd=source.parent)
    sh("dvc", "init", "--subdir", "-q", cwd=source)
    shutil.copy(sample, source / "data" / "01_raw" / "training.csv")
    sh("dvc", "add", "-q", "data/01_raw/training.csv", cwd=source)
    developer_remote = tmp_path / "developer-remote"
    sh("dvc", "remote", "add", "-d", "developer", str(developer_remote), cwd=source)
    sh("dvc", "push", "-q", cwd=source)
    # The cloud remote holds the same objects; the developer's one is gone, so only
    # MLOPS_DVC_REMOTE_URL can satisfy the pull.
    remote = tmp_path / "cloud-remote"
    shutil.move(developer_remote, remote)

    # The image: tracked files without git, the data itself absent.
    image = tmp_path / "image"
    image.mkdir()
    shutil.copytree(source / ".dvc", image / ".dvc", ignore=shutil.ignore_patterns("cache", "tmp"))
    (image / "data" / "01_raw").mkdir(parents=True)
    shutil.copy(
        source / "data" / "01_raw" / "training.csv.dvc",
        image / "data" / "01_raw" / "training.csv.dvc",
    )
    (image / "pyproject.toml").write_text("[tool.kedro]\n")

    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    log = tmp_path / "kedro-calls.jsonl"
    kedro = fake_bin / "kedro"
    kedro.write_text(
        RECORDER.format(python=sys.executable, log=str(log), tool="kedro", tool_upper="KEDRO")
    )
    kedro.chmod(0o755)
    # tmp_path is outside any git work tree, like /app in the image.
    run_env = dict(env, MLOPS_DVC_REMOTE_URL=str(remote), PATH=f"{fake_bin}:{env['PATH']}")
    result = subprocess.run(
        ["bash", str(ENTRYPOINT), "--pipeline", "training"],
        cwd=image,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    restored = image / "data" / "01_raw" / "training.csv"
    assert restored.read_bytes() == sample.read_bytes()
    calls = [json.loads(line)["argv"] for line in log.read_text().splitlines()]
    assert calls == [["run", "--pipeline", "training"]]
