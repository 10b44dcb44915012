"""components/lifecycle_scripts.py and the static quality of components/scripts/*.sh."""

from __future__ import annotations

import base64
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from script_test_helpers import BASH, SCRIPTS_DIR, run_bash, write_executable

from components import lifecycle_scripts as ls
from tests.containers.container_test_utils import COMMAND_TIMEOUT, slow_test

SCRIPT_FILES = sorted(SCRIPTS_DIR.glob("*.sh"))
SHELLCHECK = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")

# The longest values a real deployment could plausibly pass (notebook-instance paths, a
# 63-character bucket, long mirror URLs, a 64-character token).
MAX_VALUES: dict[str, dict[str, str]] = {
    "idle_kernel_shutdown": {
        "IDLE_TIMEOUT_MINUTES": "10080",
        "CHECK_INTERVAL_MINUTES": "59",
        "DRY_RUN": "false",
        "JUPYTER_CMD": "/home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/jupyter",
        "JUPYTER_SERVER_URL": "https://127.0.0.1:8443/jupyterlab/default/",
        "JUPYTER_SERVER_TOKEN": "f" * 64,
        "MLOPS_METADATA_FILE": "/opt/ml/metadata/resource-metadata.json",
        "MLOPS_STATE_DIR": "/home/ec2-user/SageMaker/.mlops/idle-kernel-shutdown",
        "MLOPS_SCHEDULER": "auto",
    },
    "conda_environment": {
        "ENVIRONMENT_YML_SOURCE": "s3://" + "b" * 63 + "/teams/" + "k" * 200 + "/environment.yml",
        "CONDA_ENV_NAME": "e" * 64,
        "KERNEL_DISPLAY_NAME": "Python 3.11 (" + "d" * 80 + ")",
        "PACKAGE_MIRROR_URL": "https://artifactory.shared-services.corp.example.com/artifactory/"
        "api/conda/conda-remote-virtual-repository",
        "CONDA_CHANNELS": "conda-forge,pytorch,nvidia,bioconda,defaults",
        "PIP_MIRROR_URL": "https://artifactory.shared-services.corp.example.com/artifactory/"
        "api/pypi/pypi-remote-virtual-repository/simple",
        "CONDA_CMD": "/home/ec2-user/anaconda3/condabin/conda",
        "AWS_CMD": "/usr/local/bin/aws",
        "CONDARC_FILE": "/home/ec2-user/SageMaker/.mlops/condarc",
        "CONDA_ENVS_DIR": "/home/ec2-user/SageMaker/.mlops/conda/envs",
        "MLOPS_STATE_DIR": "/home/ec2-user/SageMaker/.mlops/conda-environment",
    },
}


def shellcheck(path: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SHELLCHECK, "--shell=bash", "--severity=style", path],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def test_every_script_is_covered() -> None:
    assert set(ls.available_scripts()) == set(MAX_VALUES)
    assert [path.stem for path in SCRIPT_FILES] == ls.available_scripts()


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=lambda path: path.name)
def test_shellcheck_is_clean(path: Path) -> None:
    result = shellcheck(str(path))

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=lambda path: path.name)
def test_scripts_are_strict_bash(path: Path) -> None:
    lines = path.read_text().splitlines()

    assert lines[0] == "#!/bin/bash"
    assert "set -euo pipefail" in lines[:20]


@pytest.mark.parametrize("name", sorted(MAX_VALUES))
def test_declared_settings_are_the_documented_interface(name: str) -> None:
    declared = ls.declared_variables(name)
    text = ls.script_path(name).read_text()

    assert set(declared) == set(MAX_VALUES[name])
    for variable in declared:  # each is described in the header
        assert f"#   {variable} " in text, variable


@pytest.mark.parametrize("name", sorted(MAX_VALUES))
def test_rendered_with_maximal_values_fits_the_aws_limit(name: str) -> None:
    script = ls.render_script(f"{name}.sh", MAX_VALUES[name])

    assert len(ls.to_base64(script)) <= ls.MAX_CONTENT_LENGTH
    assert len(script) <= ls.MAX_CONTENT_LENGTH


@slow_test  # bash -n, then shellcheck
def test_both_scripts_combined_with_maximal_values_fit_and_are_clean() -> None:
    parts = {name: ls.render_script(name, values) for name, values in MAX_VALUES.items()}
    combined = ls.combine_scripts(parts, run_as="ec2-user")

    assert len(ls.to_base64(combined)) <= ls.MAX_CONTENT_LENGTH
    syntax = subprocess.run(
        [BASH, "-n"], input=combined, text=True, timeout=COMMAND_TIMEOUT, check=False
    )
    assert syntax.returncode == 0
    result = shellcheck("-", stdin=combined)
    assert result.returncode == 0, result.stdout


def test_render_without_values_is_the_script_itself() -> None:
    path = ls.script_path("idle_kernel_shutdown")

    assert ls.render_script("idle_kernel_shutdown", {}) == path.read_text()


def test_render_exports_shell_quoted_values_after_the_shebang(tmp_path: Path) -> None:
    tricky = {
        "KERNEL_DISPLAY_NAME": 'Team\'s "env" $(touch pwned) `id` $HOME ; rm -rf /',
        "ENVIRONMENT_YML_SOURCE": "s3://bucket/path with spaces/environment.yml",
        "PACKAGE_MIRROR_URL": "",
    }
    script = ls.render_script("conda_environment", tricky)

    lines = script.splitlines()
    assert lines[0] == "#!/bin/bash"
    assert lines[2:5] == [
        f"export {key}={shlex.quote(tricky[key])}" for key in sorted(tricky)
    ]  # fmt: skip
    # The shell reads back exactly the given values, and runs nothing.
    header = script.split("set -euo pipefail")[0]
    probe = tmp_path / "probe.sh"
    probe.write_text(header + "".join(f'printf "%s\\0" "${key}"\n' for key in sorted(tricky)))
    result = subprocess.run(
        [BASH, str(probe)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=True,
    )
    assert result.stdout.split("\0")[:-1] == [tricky[key] for key in sorted(tricky)]
    assert not (tmp_path / "pwned").exists()


def test_render_rejects_an_unknown_variable() -> None:
    with pytest.raises(ValueError, match="has no setting IDLE_TIMEOUT_MINUTE;"):
        ls.render_script("idle_kernel_shutdown", {"IDLE_TIMEOUT_MINUTE": "60"})
    with pytest.raises(ValueError, match="has no setting CONDA_ENV_NAME"):
        ls.render_script("idle_kernel_shutdown", {"CONDA_ENV_NAME": "x"})


def test_render_rejects_an_oversize_result() -> None:
    # Fits the 16384-character wording of the docs, but not once base64-encoded.
    value = "x" * 12_000

    with pytest.raises(ValueError, match="at most 16384 encoded characters"):
        ls.render_script("conda_environment", {"PIP_MIRROR_URL": value})


def test_render_rejects_multiline_and_non_string_values() -> None:
    with pytest.raises(ValueError, match="single line"):
        ls.render_script("conda_environment", {"CONDA_CHANNELS": "a\nb"})
    with pytest.raises(TypeError, match="must be a string"):
        ls.render_script("idle_kernel_shutdown", {"IDLE_TIMEOUT_MINUTES": 60})  # type: ignore[dict-item]


def test_unknown_script_name() -> None:
    with pytest.raises(ValueError, match="unknown script 'nope'"):
        ls.render_script("nope", {})


def test_check_size_limit_is_on_the_base64_content() -> None:
    largest = "#" * ls.MAX_SCRIPT_BYTES

    assert ls.check_size(largest) == largest
    with pytest.raises(ValueError):
        ls.check_size(largest + "#")


def test_to_base64_round_trips() -> None:
    script = "#!/bin/bash\necho 'héllo'\n"

    assert base64.b64decode(ls.to_base64(script)).decode() == script


def test_compact_script_keeps_shebang_heredocs_and_continuations() -> None:
    script = (
        "#!/bin/bash\n"
        "# comment\n"
        "\n"
        "  echo one \\\n"
        "    two   # trailing comments stay\n"
        "if true; then\n"
        "    cat <<'EOF' | tr a b\n"
        "  # kept: heredoc body\n"
        "\n"
        "EOF\n"
        "fi\n"
        "x=$(cat <<<text)\n"
        "    # dropped\n"
    )

    assert ls.compact_script(script) == (
        "#!/bin/bash\n"
        "echo one \\\n"
        "    two   # trailing comments stay\n"
        "if true; then\n"
        "cat <<'EOF' | tr a b\n"
        "  # kept: heredoc body\n"
        "\n"
        "EOF\n"
        "fi\n"
        "x=$(cat <<<text)\n"
    )


def test_combined_script_runs_each_part_in_order(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    parts = {
        "first": f'#!/bin/bash\n# first part\necho "first $0" >>{out}\n',
        "second": f"#!/bin/bash\ncat >>{out} <<EOF\nsecond\nEOF\n",
    }
    combined = tmp_path / "on-start.sh"
    combined.write_text(ls.combine_scripts(parts))

    result = run_bash(combined, env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith(f"first {tmp_path}/mlops-lifecycle.")
    assert lines[0].endswith("/first.sh")
    assert lines[1:] == ["second"]


def test_combined_script_stops_at_a_failing_part(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    parts = {"fails": "#!/bin/bash\nexit 3\n", "never": f"#!/bin/bash\necho ran >{out}\n"}
    combined = tmp_path / "on-start.sh"
    combined.write_text(ls.combine_scripts(parts))

    result = run_bash(combined, env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)})

    assert result.returncode == 3
    assert not out.exists()


def test_combined_script_runs_parts_as_the_notebook_user(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    calls = tmp_path / "sudo.txt"
    write_executable(fake_bin / "sudo", f'#!/bin/bash\necho "$@" >>{calls}\nexec "${{@:4}}"\n')
    combined = tmp_path / "on-start.sh"
    combined.write_text(ls.combine_scripts({"part": "#!/bin/bash\necho hi\n"}, run_as="ec2-user"))

    result = run_bash(combined, env={"PATH": f"{fake_bin}:/usr/bin:/bin", "TMPDIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    assert result.stdout == "hi\n"
    assert calls.read_text().startswith(f"-u ec2-user -i bash {tmp_path}/mlops-lifecycle.")


@pytest.mark.parametrize(
    ("parts", "run_as", "message"),
    [
        ({}, None, "at least one part"),
        ({"../evil": "#!/bin/bash\n"}, None, "invalid part name"),
        ({"p": "#!/bin/bash\nMLOPS_PART_END\n"}, None, "contains the line"),
        ({"p": "#!/bin/bash\n"}, "root; reboot", "invalid user name"),
        ({"p": "#!/bin/bash\n" + "echo x\n" * 2000}, None, "at most 16384"),
    ],
)
def test_combine_rejects(parts: dict[str, str], run_as: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ls.combine_scripts(parts, run_as=run_as)
