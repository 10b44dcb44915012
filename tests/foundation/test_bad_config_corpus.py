"""A corpus of bad stack files: each gives one clear error, naming the key (or the file, line
and column), with no secret echoed, before any resource is registered.

Each file in `bad_configs/` is a stack file as a person might write it, with a header:
`# expect: <text the error must contain>` (`{file}` stands for the file's path in the project)
and optionally `# secret: <text that must never appear>`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mlopsctl.plan.engine import PlanError, plan_stack
from settings import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = Path(__file__).parent / "bad_configs"
CORPUS = sorted(CORPUS_DIR.glob("*.yaml"))


def _header(path: Path, name: str) -> str | None:
    match = re.search(rf"^# {name}: (.*)$", path.read_text(), re.M)
    return match.group(1) if match else None


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The program, the project file and the shipped environment stacks, plus the corpus."""
    root = tmp_path_factory.mktemp("bad-config-project")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    (root / "stacks").mkdir()
    for env in ("dev", "prod", "fraud-prod"):  # fraud-prod: a team stack to point at
        shutil.copy(PROJECT_ROOT / "stacks" / f"Pulumi.{env}.yaml", root / "stacks")
    for path in CORPUS:
        shutil.copy(path, root / "stacks" / f"Pulumi.{path.stem}.yaml")
    return root


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_bad_stack_file_gives_one_clear_error_before_any_resource(project, path):
    expected = _header(path, "expect")
    assert expected, f"{path.name} has no '# expect:' header"
    expected = expected.replace("{file}", f"stacks/Pulumi.{path.stem}.yaml")
    with pytest.raises(PlanError) as caught:
        plan_stack(path.stem, project)
    error = caught.value
    assert isinstance(error.__cause__, ConfigError), repr(error.__cause__)
    message = str(error)
    assert expected in message, message
    problems = message.count("\n  - ") if "\n" in message else 1
    assert problems == 1, f"expected exactly one problem, got:\n{message}"
    assert "Traceback" not in message
    secret = _header(path, "secret")
    if secret:
        assert secret not in message
    assert error.registered == 0, "resources were registered before the config error"


def test_corpus_covers_at_least_forty_mistakes():
    assert len(CORPUS) >= 40
    assert len({_header(p, "expect") for p in CORPUS}) == len(CORPUS), "duplicate expectations"
