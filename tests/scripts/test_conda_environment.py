"""conda_environment.sh with a fake `conda` (records calls; env create/update can be held at a
gate the test opens) and a fake `aws`.

That the script returns while the build goes on is shown without a clock: the fake conda waits
at a closed gate until the script has returned, so a script that waited for the build would
never return (and fail at the run's deadline)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from script_test_helpers import (
    GATE_FUNCTION,
    SCRIPTS_DIR,
    Gate,
    process_alive,
    run_bash,
    wait_for,
    write_executable,
)

from components.lifecycle_scripts import compact_script
from tests.containers.container_test_utils import slow_test

# Each test runs the script and waits for its background job: several child processes.
pytestmark = slow_test

SCRIPT = SCRIPTS_DIR / "conda_environment.sh"
S3_YML = "name: team\nchannels: [conda-forge]\ndependencies: [python=3.11, pandas, ipykernel]\n"
GIT_YML = "name: team\nchannels: [conda-forge]\ndependencies: [python=3.11, polars]\n"
MIRROR = "https://nexus.internal.example/repository/conda"

# Records each call as one shell-quoted line; `env create/update` also record the file they were
# given and the pip index, wait at the gate (FAKE_GATE, see script_test_helpers), and create the
# prefix like conda does.
FAKE_CONDA = f"""#!/bin/bash
{GATE_FUNCTION}record="$FAKE_RECORD"
printf '%q ' conda "$@" >>"$record"; echo >>"$record"
prefix="" file=""
args=("$@")
for ((i = 0; i < ${{#args[@]}}; i++)); do
  case ${{args[i]}} in
    --prefix) prefix=${{args[i+1]}} ;;
    --file) file=${{args[i+1]}} ;;
  esac
done
case "$1 ${{2:-}}" in
  "env create"|"env update")
    {{ echo "--- yml:"; cat "$file"; echo "--- pip index: ${{PIP_INDEX_URL:-}}"; }} >>"$record"
    gate
    mkdir -p "$prefix/conda-meta"
    echo "conda-finished $2" >>"$record" ;;
  "run "*)
    [[ "$*" == *"import ipykernel"* && -n ${{FAKE_NO_IPYKERNEL:-}} ]] && exit 1 ;;
esac
exit 0
"""

# `aws s3 cp [--only-show-errors] s3://bucket/key DEST`, served from FAKE_S3_ROOT/bucket/key.
FAKE_AWS = """#!/bin/bash
printf '%q ' aws "$@" >>"$FAKE_RECORD"; echo >>"$FAKE_RECORD"
[[ $1 == s3 && $2 == cp ]] || exit 2
args=("$@")
src=${args[-2]} dest=${args[-1]}
cp "$FAKE_S3_ROOT/${src#s3://}" "$dest" || { echo "fatal error: 404 Not Found" >&2; exit 1; }
"""


@pytest.fixture
def env(script_env: dict[str, str], fake_bin: Path, tmp_path: Path) -> dict[str, str]:
    write_executable(fake_bin / "conda", FAKE_CONDA)
    write_executable(fake_bin / "aws", FAKE_AWS)
    s3 = tmp_path / "s3" / "team-bucket" / "envs"
    s3.mkdir(parents=True)
    (s3 / "environment.yml").write_text(S3_YML)
    return {
        **script_env,
        "FAKE_RECORD": str(tmp_path / "calls.txt"),
        "FAKE_S3_ROOT": str(tmp_path / "s3"),
        "ENVIRONMENT_YML_SOURCE": "s3://team-bucket/envs/environment.yml",
        "CONDA_ENV_NAME": "team",
    }


def calls(env: dict[str, str]) -> list[list[str]]:
    """The recorded commands, each as its argument list (yml dumps are not commands)."""
    record = Path(env["FAKE_RECORD"])
    if not record.exists():
        return []
    lines = record.read_text().splitlines()
    return [shlex.split(line) for line in lines if line.startswith(("conda ", "aws "))]


def state(env: dict[str, str]) -> Path:
    return Path(env["HOME"]) / ".mlops"


def run_script(env: dict[str, str], script: Path = SCRIPT) -> subprocess.CompletedProcess[str]:
    """Run the script (to its end: it must not wait for the build) and check it succeeded."""
    result = run_bash(script, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def assert_returned_while_building(
    result: subprocess.CompletedProcess[str], gate: Gate, env: dict[str, str], name: str = "team"
) -> None:
    """The script has returned, saying it builds in the background, while the build still runs:
    the job and the fake conda it started are alive, held at the gate, and nothing is done."""
    match = re.search(rf"building '{name}' in the background \(pid (\d+)\)", result.stdout)
    assert match, result.stdout
    conda_pid = gate.wait_reached("the background job to run `conda env create/update`")
    assert process_alive(int(match[1]))
    assert process_alive(conda_pid)
    assert not (state(env) / f"conda-{name}.done").exists()
    assert not (state(env) / f"conda-{name}.failed").exists()
    assert "conda-finished" not in Path(env["FAKE_RECORD"]).read_text()


def wait_done(env: dict[str, str], name: str = "team") -> None:
    done = state(env) / f"conda-{name}.done"
    failed = state(env) / f"conda-{name}.failed"
    wait_for(lambda: done.exists() or failed.exists(), what="the background job")
    log = (state(env) / f"conda-{name}.log").read_text()
    assert done.exists(), f"background job failed:\n{log}"


@pytest.mark.parametrize("compact", [False, True], ids=["source", "compacted"])
def test_s3_source_with_mirror_builds_in_the_background(
    env: dict[str, str], tmp_path: Path, compact: bool
) -> None:
    script = SCRIPT
    if compact:  # the form combine_scripts deploys
        script = tmp_path / "conda_environment.sh"
        script.write_text(compact_script(SCRIPT.read_text()))
    env = {
        **env,
        "PACKAGE_MIRROR_URL": MIRROR + "/",
        "CONDA_CHANNELS": "conda-forge, bioconda",
        "PIP_MIRROR_URL": "https://nexus.internal.example/repository/pypi/simple",
        "KERNEL_DISPLAY_NAME": "Team (fraud)",
    }
    with Gate(tmp_path / "gate") as gate:
        result = run_script({**env, **gate.env}, script=script)
        assert_returned_while_building(result, gate, env)
        gate.open()
        wait_done(env)
    home = env["HOME"]
    rc = ["conda", "config", "--file", f"{home}/.condarc"]
    prefix = f"{home}/.conda/envs/team"
    yml = f"{home}/.mlops/conda-team.environment.yml"
    assert calls(env) == [
        [*rc, "--append", "envs_dirs", f"{home}/.conda/envs"],
        [*rc, "--set", "channel_alias", MIRROR],
        [*rc, "--remove-key", "default_channels"],
        [*rc, "--append", "default_channels", f"{MIRROR}/main"],
        [*rc, "--remove-key", "channels"],
        [*rc, "--append", "channels", "conda-forge"],
        [*rc, "--append", "channels", "bioconda"],
        ["aws", "s3", "cp", "--only-show-errors", env["ENVIRONMENT_YML_SOURCE"], yml],
        ["conda", "env", "create", "--prefix", prefix, "--file", yml],
        ["conda", "run", "--prefix", prefix, "python", "-c", "import ipykernel"],
        ["conda", "run", "--prefix", prefix, "python", "-m", "ipykernel", "install", "--user",
         "--name", "team", "--display-name", "Team (fraud)"],
    ]  # fmt: skip
    record = Path(env["FAKE_RECORD"]).read_text()
    assert f"--- yml:\n{S3_YML}--- pip index: {env['PIP_MIRROR_URL']}\n" in record
    assert "kernel 'Team (fraud)' registered" in (state(env) / "conda-team.log").read_text()


def test_git_path_source_updates_an_existing_environment(
    env: dict[str, str], tmp_path: Path
) -> None:
    repo = Path(env["HOME"]) / "team-repo"
    repo.mkdir()
    (repo / "environment.yml").write_text(GIT_YML)
    run_script(env)  # first start: created from S3 (no gate: the fake conda goes straight on)
    wait_done(env)
    Path(env["FAKE_RECORD"]).unlink()

    env = {**env, "ENVIRONMENT_YML_SOURCE": "team-repo/environment.yml", "FAKE_NO_IPYKERNEL": "1"}
    with Gate(tmp_path / "gate") as gate:
        result = run_script({**env, **gate.env})
        # Also: the first run's done marker is gone (the marker is per run).
        assert_returned_while_building(result, gate, env)
        gate.open()
        wait_done(env)

    prefix = f"{env['HOME']}/.conda/envs/team"
    commands = calls(env)
    assert ["conda", "env", "update", "--prefix", prefix, "--file",
            f"{env['HOME']}/.mlops/conda-team.environment.yml", "--prune"] in commands  # fmt: skip
    assert not [c for c in commands if c[:3] == ["conda", "env", "create"] or c[0] == "aws"]
    assert ["conda", "install", "--yes", "--prefix", prefix, "ipykernel"] in commands
    assert commands[-1][6:9] == ["ipykernel", "install", "--user"]
    assert f"--- yml:\n{GIT_YML}" in Path(env["FAKE_RECORD"]).read_text()


def test_absolute_path_without_mirror_keeps_channels(env: dict[str, str], tmp_path: Path) -> None:
    yml = tmp_path / "checkout" / "environment.yml"
    yml.parent.mkdir()
    yml.write_text(GIT_YML)
    env = {**env, "ENVIRONMENT_YML_SOURCE": str(yml), "CONDA_ENV_NAME": "nlp"}
    run_script(env)
    wait_done(env, "nlp")

    commands = calls(env)
    assert not [c for c in commands if "channel_alias" in c or "channels" in c]
    assert commands[-1][-4:] == ["--name", "nlp", "--display-name", "Python (nlp)"]


def test_a_running_job_is_not_started_twice(env: dict[str, str], tmp_path: Path) -> None:
    with Gate(tmp_path / "gate") as gate:
        env = {**env, **gate.env}
        first = run_script(env)
        assert_returned_while_building(first, gate, env)  # the job is surely still running
        second = run_bash(SCRIPT, env=env)
        gate.open()
        wait_done(env)

    assert second.returncode == 0, second.stderr
    assert "already running" in second.stdout
    creates = [c for c in calls(env) if c[:3] == ["conda", "env", "create"]]
    assert len(creates) == 1


def test_a_failed_download_leaves_a_failed_marker(env: dict[str, str]) -> None:
    env = {**env, "ENVIRONMENT_YML_SOURCE": "s3://team-bucket/envs/missing.yml"}
    run_script(env)  # succeeds: the download runs in the background too
    failed = state(env) / "conda-team.failed"
    wait_for(failed.exists, what="the failed marker")

    assert not (state(env) / "conda-team.done").exists()
    assert not [c for c in calls(env) if c[:2] == ["conda", "env"]]
    assert "404" in (state(env) / "conda-team.log").read_text()


@pytest.mark.parametrize(
    ("name", "value"), [("CONDA_ENV_NAME", "../x"), ("ENVIRONMENT_YML_SOURCE", "")]
)
def test_rejects_bad_settings(env: dict[str, str], name: str, value: str) -> None:
    result = run_bash(SCRIPT, env={**env, name: value})

    assert result.returncode != 0
    assert name in result.stderr
    assert calls(env) == []
