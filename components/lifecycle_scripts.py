"""Lifecycle configuration scripts for SageMaker Studio (JupyterLab apps) and notebook instances.

Pure functions, no Pulumi: `render_script` bakes settings into one of the bash scripts in
`components/scripts/`, `combine_scripts` joins rendered scripts into the single script that a
lifecycle configuration holds (a notebook instance has one on-start script, a Studio lifecycle
configuration is one script), and `to_base64` encodes it for the API. `lab_lifecycle_script` is
the one script of a team's lab: idle-kernel shutdown, then the team's conda environment.

A script declares each setting it reads as `: "${NAME:=default}"`; those are the only names
`render_script` accepts.
"""

from __future__ import annotations

import base64
import re
import shlex
from collections.abc import Mapping
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parent / "scripts"

# AWS limit (SageMaker API Reference, as of 2026-11): CreateNotebookInstanceLifecycleConfig
# `NotebookInstanceLifecycleHook.Content` and CreateStudioLifecycleConfig
# `StudioLifecycleConfigContent` have "Maximum length of 16384". The guides say "each script has a
# limit of 16384 characters", but the field holds the base64-encoded script, so that is what is
# checked: the script itself may have at most 16384 / 4 * 3 = 12288 bytes.
MAX_CONTENT_LENGTH = 16384
MAX_SCRIPT_BYTES = MAX_CONTENT_LENGTH // 4 * 3

_DECLARATION = re.compile(r'^: "\$\{([A-Za-z_][A-Za-z0-9_]*):=', re.MULTILINE)
_PART_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]*$")
_HEREDOC = re.compile(r"""(?<!<)<<(?!<)(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2""")
_PART_END = "MLOPS_PART_END"

# Notebook instances: the lifecycle script runs as root, the notebook user is ec2-user, and only
# /home/ec2-user/SageMaker survives a stop/start; Jupyter runs from the JupyterSystemEnv conda
# environment (SageMaker Developer Guide, "Customize a notebook instance using a lifecycle
# configuration script", and the aws-samples repository
# amazon-sagemaker-notebook-instance-lifecycle-config-samples, read 2026-11).
NOTEBOOK_USER = "ec2-user"
NOTEBOOK_PERSISTENT_DIR = "SageMaker"
NOTEBOOK_SETTINGS = {
    "JUPYTER_CMD": "/home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/jupyter",
    "CONDA_CMD": "/home/ec2-user/anaconda3/bin/conda",
    "CONDA_ENVS_DIR": "/home/ec2-user/SageMaker/.conda/envs",
    "MLOPS_STATE_DIR": "/home/ec2-user/SageMaker/.mlops",
}


def available_scripts() -> list[str]:
    """Names of the scripts in `components/scripts/`, without `.sh`."""
    return sorted(path.stem for path in SCRIPTS_DIR.glob("*.sh"))


def script_path(name: str) -> Path:
    """The file of script `name` (`idle_kernel_shutdown` or `idle_kernel_shutdown.sh`)."""
    stem = name.removesuffix(".sh")
    if stem not in available_scripts():
        raise ValueError(f"unknown script {name!r}; available: {', '.join(available_scripts())}")
    return SCRIPTS_DIR / f"{stem}.sh"


def declared_variables(name: str) -> tuple[str, ...]:
    """The settings script `name` declares (`: "${NAME:=default}"`), in file order."""
    return tuple(_DECLARATION.findall(script_path(name).read_text(encoding="utf-8")))


def check_size(script: str) -> str:
    """Return `script` unchanged, or raise ValueError if AWS would reject it as too long."""
    encoded = len(to_base64(script))
    if encoded > MAX_CONTENT_LENGTH:
        raise ValueError(
            f"lifecycle script is {len(script.encode())} bytes, {encoded} characters once "
            f"base64-encoded; SageMaker accepts at most {MAX_CONTENT_LENGTH} encoded characters "
            f"(a script of at most {MAX_SCRIPT_BYTES} bytes)"
        )
    return script


def render_script(name: str, variables: Mapping[str, str]) -> str:
    """Script `name` with `export NAME=value` lines for `variables` right after the shebang.

    Only settings the script declares are accepted; values are shell-quoted and must be one
    line (the idle-kernel script re-writes its settings into the copy it installs).
    """
    declared = declared_variables(name)
    unknown = sorted(set(variables) - set(declared))
    if unknown:
        raise ValueError(
            f"script {name!r} has no setting {', '.join(unknown)}; it declares: "
            f"{', '.join(declared)}"
        )
    exports = []
    for key in sorted(variables):
        value = variables[key]
        if not isinstance(value, str):
            raise TypeError(f"{key} must be a string, not {type(value).__name__}")
        if any(char in value for char in "\n\r\0"):
            raise ValueError(f"{key} must be a single line without NUL characters")
        exports.append(f"export {key}={shlex.quote(value)}\n")
    shebang, _, body = script_path(name).read_text(encoding="utf-8").partition("\n")
    header = "# Settings rendered by components/lifecycle_scripts.py\n" if exports else ""
    return check_size(f"{shebang}\n{header}{''.join(exports)}{body}")


def compact_script(script: str) -> str:
    """`script` without blank lines, whole-line comments and indentation, for the size limit.

    The shebang and heredoc bodies are kept as they are, and so is the indentation of a line
    continued with a backslash. Trailing comments stay (removing them needs a shell parser), and
    the script must not have quoted strings that span lines.
    """
    lines = script.splitlines(keepends=True)
    kept = lines[:1]
    terminator, dash, continued = None, False, False
    for line in lines[1:]:
        if terminator is not None:
            kept.append(line)
            if (line.lstrip("\t") if dash else line).rstrip("\n") == terminator:
                terminator = None
            continue
        stripped = line.strip()
        if not continued and (not stripped or stripped.startswith("#")):
            continue
        kept.append(line if continued else line.lstrip(" \t"))
        continued = stripped.endswith("\\")
        match = _HEREDOC.search(line)
        if match:
            dash, terminator = bool(match.group(1)), match.group(3)
    return "".join(kept)


def combine_scripts(
    parts: Mapping[str, str], *, run_as: str | None = None, compact: bool = True
) -> str:
    """One lifecycle script that writes each rendered part to a file and runs it, in order.

    Parts run from files because they re-launch themselves in the background. `run_as` runs
    them as that user (`sudo -u USER -i`): notebook instance scripts run as root, the notebook
    user is `ec2-user`. `compact` applies `compact_script` to each part, for the size limit.
    """
    if not parts:
        raise ValueError("combine_scripts needs at least one part")
    if run_as is not None and not _USER_NAME.match(run_as):
        raise ValueError(f"invalid user name {run_as!r}")
    runner = f"sudo -u {run_as} -i bash" if run_as else "bash"
    out = [
        "#!/bin/bash\n",
        "# Generated by components/lifecycle_scripts.py: runs each part from its own file.\n",
        "set -euo pipefail\n",
        'dir=$(mktemp -d "${TMPDIR:-/tmp}/mlops-lifecycle.XXXXXX")\nchmod 755 "$dir"\n',
    ]
    for name, script in parts.items():
        if not _PART_NAME.match(name):
            raise ValueError(f"invalid part name {name!r}")
        if _PART_END in script.splitlines():
            raise ValueError(f"part {name!r} contains the line {_PART_END}")
        body = compact_script(script) if compact else script
        if not body.endswith("\n"):
            body += "\n"
        file = f'"$dir/{name}.sh"'
        out.append(f"cat >{file} <<'{_PART_END}'\n{body}{_PART_END}\n{runner} {file}\n")
    return check_size("".join(out))


def to_base64(script: str) -> str:
    """The base64 form that lifecycle configuration content must have."""
    return base64.b64encode(script.encode("utf-8")).decode("ascii")


def lab_lifecycle_script(
    *,
    notebook_instance: bool,
    idle_timeout_minutes: int,
    environment_yml_source: str | None = None,
    conda_env_name: str = "",
    package_mirror_url: str = "",
    pip_mirror_url: str = "",
) -> str:
    """The lab's one script: idle-kernel shutdown, then the conda environment if a source is set.

    `environment_yml_source` is an s3:// URI or a path relative to the notebook user's home;
    the environment is named `conda_env_name` and registered as kernel "Python (<name>)".
    """
    common = NOTEBOOK_SETTINGS if notebook_instance else {}
    idle = {"IDLE_TIMEOUT_MINUTES": str(idle_timeout_minutes)}
    idle.update({k: v for k, v in common.items() if k in ("JUPYTER_CMD", "MLOPS_STATE_DIR")})
    parts = {"idle-kernel-shutdown": render_script("idle_kernel_shutdown", idle)}
    if environment_yml_source is not None:
        conda = {
            "ENVIRONMENT_YML_SOURCE": environment_yml_source,
            "CONDA_ENV_NAME": conda_env_name,
            "KERNEL_DISPLAY_NAME": f"Python ({conda_env_name})",
            "PACKAGE_MIRROR_URL": package_mirror_url,
            "PIP_MIRROR_URL": pip_mirror_url,
        }
        conda.update({k: v for k, v in common.items() if k != "JUPYTER_CMD"})
        parts["conda-environment"] = render_script("conda_environment", conda)
    return combine_scripts(parts, run_as=NOTEBOOK_USER if notebook_instance else None)
