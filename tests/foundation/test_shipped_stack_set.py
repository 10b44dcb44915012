"""The suite's shipped stacks are the stack files git tracks: a stack file someone left in
`stacks/` (an onboarded `Pulumi.ledger-dev.yaml`) never changes what the tests plan.

Each test works on a temporary copy of the project file and the stack files, never on the
checkout's `stacks/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from settings import Project
from tests.conftest import PROJECT, SHIPPED_STACKS, shipped_stacks

GIT_TIMEOUT_SECONDS = 120  # hang guard only


def _copy(target: Path) -> Project:
    target.mkdir()
    shutil.copy(PROJECT.root / "Pulumi.yaml", target)
    stacks = target / PROJECT.stacks_dir.relative_to(PROJECT.root)
    stacks.mkdir()
    for stack in SHIPPED_STACKS:
        shutil.copy(PROJECT.stack_path(stack), stacks)
    return Project.at(target)


def _git(*args: str, cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_CEILING_DIRECTORIES"] = str(cwd.parent)  # never find an enclosing repository
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        timeout=GIT_TIMEOUT_SECONDS,
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Project:
    """A git checkout of the project whose stack files are all tracked."""
    project = _copy(tmp_path / "checkout")
    _git("init", "-q", cwd=project.root)
    _git("add", "Pulumi.yaml", str(project.stacks_dir), cwd=project.root)
    return project


def _onboard_someone(project: Project) -> None:
    source = project.stack_path(SHIPPED_STACKS[-1]).read_text()
    project.stack_path("ledger-dev").write_text(source)


def test_the_checkout_ships_its_tracked_stacks():
    assert shipped_stacks(PROJECT) == SHIPPED_STACKS
    assert {"dev", "prod"} <= set(SHIPPED_STACKS)


def test_an_untracked_stack_file_is_not_shipped(checkout: Project):
    before = shipped_stacks(checkout)
    assert before == SHIPPED_STACKS
    _onboard_someone(checkout)
    assert "ledger-dev" in checkout.stacks()  # on disk, as a person left it
    assert shipped_stacks(checkout) == before


def test_a_tracked_stack_file_that_was_deleted_is_not_shipped(checkout: Project):
    checkout.stack_path(SHIPPED_STACKS[0]).unlink()
    assert shipped_stacks(checkout) == SHIPPED_STACKS[1:]


def test_outside_a_git_checkout_every_stack_file_is_shipped(tmp_path: Path):
    """An unpacked release (no git, or a work tree that tracks none of its stack files)."""
    project = _copy(tmp_path / "unpacked")
    _onboard_someone(project)
    assert shipped_stacks(project) == sorted([*SHIPPED_STACKS, "ledger-dev"])
