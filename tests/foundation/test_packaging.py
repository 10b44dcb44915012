"""The wheel built from the project holds everything its code reads at run time, so components
and tools work installed from it, in another project.

How the files the code opens are listed: the code names each data file with a module-level
`Path` constant built from `__file__` (`PRICES_FILE`, `INTENT_FILE`, `CONFIG_DIR`, ...). So:
- an AST scan checks that every `__file__` lookup of a packaged module sits in such a constant
  (a lookup hidden inside a function would escape the next check, and fails here instead);
- every packaged module is imported from the unpacked wheel, outside the checkout, and each of
  its module-level `Path` values must exist inside one of the wheel's packages. The few that
  point elsewhere are listed in OUTSIDE_PACKAGES with the reason they may;
- the files named by the house issue are checked by explicit list as well, and every file git
  tracks in the package directories (not only the ones the code names today) must be in it;
- last, the wheel's own `mlopsctl` plans a copy of the project from a directory outside it.
Importing the modules (rather than parsing the path expressions) gives the paths exactly as the
installed code computes them.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.onboarding.conftest import copy_project

PACKAGES = ("components", "mlopsctl", "policies", "settings")
# Run-time data the code reads (the house issue's list); each pattern must match a file.
RUNTIME_DATA = (
    "policies/cost_model/prices.yaml",
    "mlopsctl/access/intent.yaml",
    "policies/config/*.json",
    "policies/PulumiPolicy.yaml",
    "components/scripts/*.sh",
)
# Module-level paths that may point outside the wheel's packages, and why.
OUTSIDE_PACKAGES = {
    "mlopsctl.plan.engine.PROJECT_ROOT": "default `project_dir` of the engine API; mlopsctl "
    "always passes the project it resolved from --project or the current directory",
    "mlopsctl.policy_runner.PROJECT_ROOT": "only the parent of CONFIG_DIR (policies/config)",
    "mlopsctl.config_reference.README": "development tool: regenerates the checkout's README",
    "mlopsctl.policy_reference.PROJECT_ROOT": "development tool: writes the checkout's docs",
    "mlopsctl.policy_reference.DOC": "development tool: writes the checkout's docs",
}
BUILD_TIMEOUT_SECONDS = 600  # hang guards only: a build takes seconds, a plan seconds too
IMPORT_TIMEOUT_SECONDS = 600
# `mlopsctl` as the wheel's console script runs it (entry point mlopsctl.cli:run).
_MLOPSCTL = (
    "import mlopsctl.cli, sys; assert mlopsctl.cli.__file__.startswith(sys.argv.pop(1)); "
    "mlopsctl.cli.run()"
)

# Imports every packaged module (except `__main__` entry points, which run on import) from the
# wheel's directory, and prints every module-level Path value as JSON.
_LIST_PATHS = """
import importlib, json, pathlib, sys
root = pathlib.Path(sys.argv[1])
found = {}
names = sorted(
    ".".join(f.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
    for package in sys.argv[2:] for f in (root / package).rglob("*.py")
)
for name in names:
    if name.rsplit(".", 1)[-1] == "__main__":
        continue
    module = importlib.import_module(name)
    assert pathlib.Path(module.__file__).is_relative_to(root), (name, module.__file__)
    for attr, value in vars(module).items():
        if isinstance(value, pathlib.PurePath):
            found[f"{name}.{attr}"] = str(value)
print(json.dumps(found))
"""


def _package_files(root: Path) -> list[str]:
    """Files of the package dirs that ship: tracked by git (a scratch file someone left there
    is not checked), or every file outside a git checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--", *PACKAGES],
        cwd=root,
        env={k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    if listed.returncode == 0 and listed.stdout.strip():
        names = listed.stdout.splitlines()
    else:
        names = [p.relative_to(root).as_posix() for d in PACKAGES for p in (root / d).rglob("*")]
    return sorted(
        n
        for n in names
        if (root / n).is_file() and "__pycache__" not in n and not n.endswith(".pyc")
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built offline as `pip wheel .` builds it, from a copy of what it reads (the
    project file and the package directories), so the checkout gets no build/ directory."""
    source = tmp_path_factory.mktemp("source")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", source)
    for package in PACKAGES:
        shutil.copytree(
            PROJECT_ROOT / package,
            source / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    out = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    result = subprocess.run(
        [*build, "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_holds_the_runtime_data_files(wheel: Path) -> None:
    names = _names(wheel)
    for pattern in RUNTIME_DATA:
        files = sorted(p.relative_to(PROJECT_ROOT).as_posix() for p in PROJECT_ROOT.glob(pattern))
        assert files, f"{pattern}: no such file in the checkout"
        assert [f for f in files if f not in names] == [], pattern


def test_the_wheel_holds_every_file_of_its_packages(wheel: Path) -> None:
    names = _names(wheel)
    assert [f for f in _package_files(PROJECT_ROOT) if f not in names] == []
    assert any(n.startswith("settings/") for n in names), "the settings package is not packaged"


def test_every_file_lookup_is_a_module_level_constant() -> None:
    """`__main__` entry points are exempt: they only put their package on sys.path."""
    hidden = []
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if path.name == "__main__.py":
                continue
            tree = ast.parse(path.read_text())
            top_level = {
                id(node)
                for statement in tree.body
                if isinstance(statement, ast.Assign | ast.AnnAssign)
                for node in ast.walk(statement)
            }
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Name)
                    and node.id == "__file__"
                    and id(node) not in top_level
                ):
                    hidden.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert hidden == [], "name the file in a module-level constant, so it is checked here"


def test_every_file_the_installed_code_names_is_in_the_wheel(unpacked: Path, tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _LIST_PATHS, str(unpacked), *PACKAGES],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # outside the checkout: nothing resolves against it by accident
        env={**os.environ, "PYTHONPATH": str(unpacked)},
        timeout=IMPORT_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    paths = {name: Path(value) for name, value in json.loads(result.stdout).items()}
    assert "mlopsctl.cost.model.PRICES_FILE" in paths and "mlopsctl.access.INTENT_FILE" in paths
    packages = [unpacked / p for p in PACKAGES]
    wrong = {
        name: str(path)
        for name, path in paths.items()
        if name not in OUTSIDE_PACKAGES
        and not (path.exists() and any(path.is_relative_to(p) for p in packages))
    }
    assert wrong == {}, "a path the installed code uses is not inside the wheel's packages"


def test_mlopsctl_from_the_wheel_plans_a_copy_of_the_project(unpacked: Path, tmp_path) -> None:
    """The installed code, in a directory outside the checkout, on a copy of the project."""
    project = copy_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-c", _MLOPSCTL, str(unpacked), "--project", str(project), *args],
            capture_output=True,
            text=True,
            cwd=elsewhere,
            env={**os.environ, "PYTHONPATH": str(unpacked), "COLUMNS": "200", "NO_COLOR": "1"},
            timeout=IMPORT_TIMEOUT_SECONDS,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
        return result

    assert "Access matrix: fraud-dev" in run("access", "fraud-dev").stdout  # the matrix
    env_plan = run("plan", "dev", "--no-tree").stdout  # the pack (configured from the stack)
    assert "Policy verdicts (mlopsctl pack-config dev)" in env_plan and "Estimated cost" in env_plan
    team_plan = json.loads(run("plan", "fraud-dev", "--json", "-").stdout)  # lifecycle scripts
    assert team_plan["exports"]["team"] == "fraud"
    assert [r for r in team_plan["resources"] if "lifecycle" in r["type"].lower()]
