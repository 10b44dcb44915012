"""Plans and policy verdicts served from the disk cache are the ones a fresh run gives, and any
change to what a plan reads (a stack file, the program's source, the policy pack) is planned
afresh. Each test has its own cache directory and counts real program runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsctl.plan import cache as plan_cache
from mlopsctl.plan import engine
from mlopsctl.plan.engine import plan_stack, stack_config
from mlopsctl.policy_verdicts import policy_verdicts
from settings import Project

ROOT = Path(__file__).resolve().parents[2]
STACK = "fraud-dev"


@pytest.fixture
def disk_cache(tmp_path, monkeypatch):
    """An empty cache directory, the disk cache on, and a count of programs really run."""
    monkeypatch.setenv("MLOPSCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MLOPSCTL_CACHE", raising=False)
    runs: list[str] = []
    fresh = engine._run_on_fresh_thread

    def counted(stack, *args, **kwargs):
        runs.append(stack)
        return fresh(stack, *args, **kwargs)

    monkeypatch.setattr(engine, "_run_on_fresh_thread", counted)
    engine._plan_cached.cache_clear()  # plans kept in memory would hide the disk
    engine.use_disk_cache(True)
    yield runs
    engine.use_disk_cache(False)
    engine._plan_cached.cache_clear()


def _project_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for name in ("Pulumi.yaml", "__main__.py"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, copy / name)
    for name in ("components", "settings", "stacks"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "containers").symlink_to(ROOT / "containers")
    return copy


def _plan_json(project: Path, stack: str = STACK) -> dict:
    """The plan's JSON form, resources by URN (the SDK's registration order varies by run)."""
    config = stack_config(stack, project)
    document = engine.plan_config(stack, config, project).to_json()
    document["resources"].sort(key=lambda r: r["urn"])
    return document


def test_a_cached_plan_is_the_fresh_plan_and_runs_no_program(disk_cache, tmp_path):
    project = _project_copy(tmp_path)
    fresh = _plan_json(project)
    assert disk_cache == ["dev", STACK]  # the environment stack, then the team stack
    assert _plan_json(project) == fresh
    assert disk_cache == ["dev", STACK]  # both served from the files
    assert len(list((tmp_path / "cache" / "plans").glob("*.json"))) == 2


def test_an_edited_stack_file_is_planned_afresh(disk_cache, tmp_path):
    project = _project_copy(tmp_path)
    before = _plan_json(project)
    path = project / "stacks" / f"Pulumi.{STACK}.yaml"
    path.write_text(path.read_text().replace("idleTimeoutMinutes: 60", "idleTimeoutMinutes: 90"))
    after = _plan_json(project)
    assert disk_cache[2:] == ["dev", STACK]
    assert after != before


def _team_key(project: Path) -> str:
    stacks = Project.at(project).stacks_dir
    return plan_cache.plan_key(
        STACK, stack_config(STACK, project), project, stacks, {"dev": {}}, engine_root=project
    )


@pytest.mark.parametrize(
    "edited",
    [
        "components/storage.py",
        "settings/catalog.py",
        "containers/inference/Dockerfile",
        "__main__.py",
        "Pulumi.yaml",
        "stacks/Pulumi.dev.yaml",  # a team's settings read its environment's file
    ],
)
def test_any_edit_to_what_a_plan_reads_changes_its_key(tmp_path, edited):
    """In-process plans reuse imported modules, so the key is what stands for a fresh run."""
    project = _project_copy(tmp_path)
    (project / "containers").unlink()
    shutil.copytree(ROOT / "containers", project / "containers")
    before = _team_key(project)
    assert _team_key(project) == before  # nothing edited: the same key
    path = project / edited
    path.write_text(path.read_text() + "\n# an edit\n")
    assert _team_key(project) != before


def test_a_failed_plan_is_not_stored(disk_cache, tmp_path):
    with pytest.raises(engine.PlanError):
        plan_stack("dev", overrides={"mlops:layer": "no-such-layer"})
    with pytest.raises(engine.PlanError):
        plan_stack("dev", overrides={"mlops:layer": "no-such-layer"})
    assert disk_cache == ["dev", "dev"]
    assert not list((tmp_path / "cache").glob("plans/*.json"))


def test_a_corrupt_cache_file_is_planned_again(disk_cache, tmp_path):
    project = _project_copy(tmp_path)
    fresh = _plan_json(project)
    for path in (tmp_path / "cache" / "plans").glob("*.json"):
        path.write_text(path.read_text()[:100])
    engine._plan_cached.cache_clear()
    assert _plan_json(project) == fresh
    assert disk_cache == ["dev", STACK, "dev", STACK]


def test_cached_verdicts_are_the_fresh_verdicts(disk_cache, monkeypatch):
    import mlopsctl.policy_runner as runner

    project = Project.at(ROOT)
    plan = plan_stack(STACK, ROOT, {"mlops:owner": "someone-else@example.com"})
    calls = []
    real = runner.run_policies
    monkeypatch.setattr(runner, "run_policies", lambda *a: calls.append(1) or real(*a))
    fresh = policy_verdicts(plan, project)
    again = policy_verdicts(plan, project)
    assert calls == [1]
    assert again == fresh
    assert fresh[2] == real(plan, fresh[0])  # what the pack finds, not a stored constant


def test_verdicts_follow_the_plan(disk_cache):
    """A plan that differs in one value is judged again, and the verdict differs."""
    project = Project.at(ROOT)
    plan = plan_stack(STACK, ROOT)
    config, _source, good = policy_verdicts(plan, project)
    required = config.get("governance-required-tags", {}).get("requiredTags") or ["team"]
    tagged = next(r for r in plan.resources if r.custom and r.inputs.get("tags"))
    tagged.inputs["tags"] = dict.fromkeys(required, "")  # blanked: over the provider's defaults
    stripped = policy_verdicts(plan, project)[2]
    assert {v.urn for v in stripped} - {v.urn for v in good} == {tagged.urn}


def test_the_cli_prints_the_same_with_and_without_the_cache(tmp_path):
    command = [str(Path(sys.executable).parent / "mlopsctl"), "plan", STACK, "--json", "-"]
    env_on = {"MLOPSCTL_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    outputs = []
    for env in (env_on, env_on, {**env_on, "MLOPSCTL_CACHE": "off"}):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        document["resources"].sort(key=lambda r: r["urn"])  # registration order may vary
        outputs.append(document)
    assert outputs[0] == outputs[1] == outputs[2]
    assert list((tmp_path / "cache").glob("plans/*.json"))
    assert list((tmp_path / "cache").glob("verdicts/*.json"))
