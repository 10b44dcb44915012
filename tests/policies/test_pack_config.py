"""The pack config comes from the stack's settings only: `mlopsctl plan` and `mlopsctl onboard`
judge with `settings.pack_config` of the planned stack, `mlopsctl pack-config <stack>` writes the
same JSON for `pulumi preview --policy-pack-config`, and the shipped `policies/config/*.json` are
its output for the environment stacks (a test fails when they are stale)."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from mlopsctl.commands.pack_config import pack_config_text
from mlopsctl.policy_runner import (
    CONFIG_DIR,
    derived_pack_config,
    run_plan_policies,
    select_pack_config,
    stack_pack_config,
)
from settings import Project, stack_config
from tests.conftest import ENVIRONMENT_STACKS, PROJECT, PROJECT_ROOT, deep_merge
from tests.onboarding.conftest import mlopsctl
from tests.policies.corpus.cases import SPACE, put
from tests.policies.helpers import change

# fraud-dev's lab takes one GPU type of the two its environment (dev) allows.
NARROW = {"mlops:personas": {"allowGpu": True}, "mlops:lab": {"gpuInstanceTypes": ["ml.g5.xlarge"]}}
GPU_TYPES = "cost-instance-type-allowed"


def _dev_gpu_types() -> list[str]:
    return stack_config(PROJECT, "dev")["mlops:governance"]["allowedGpuInstanceTypes"]


def _copy_project(target: Path) -> Project:
    """Pulumi.yaml and the stack files: enough to derive pack configs."""
    shutil.copytree(PROJECT.stacks_dir, target / PROJECT.stacks_dir.relative_to(PROJECT.root))
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", target)
    return Project.at(target)


@pytest.fixture(scope="module")
def narrow_plan():
    from mlopsctl.plan import plan_stack

    config = stack_config(PROJECT, "fraud-dev")
    return plan_stack(
        "fraud-dev", overrides={k: deep_merge(config.get(k), v) for k, v in NARROW.items()}
    )


def test_shipped_configs_are_the_environment_stacks_generated_configs() -> None:
    shipped = sorted(p.stem for p in CONFIG_DIR.glob("*.json"))
    assert shipped == sorted(ENVIRONMENT_STACKS), "one generated file per environment stack"
    for stack in shipped:
        path = CONFIG_DIR / f"{stack}.json"
        assert path.read_text() == pack_config_text(PROJECT, stack), (
            f"{path.relative_to(PROJECT_ROOT)} is stale (it is generated from the stack files): "
            f"run .venv/bin/mlopsctl pack-config {stack} --output "
            f"{path.relative_to(PROJECT_ROOT)}"
        )


def test_a_narrower_team_gpu_list_narrows_the_pack_config(narrow_plan) -> None:
    assert set(_dev_gpu_types()) > {"ml.g5.xlarge"}  # the environment offers more
    narrow = derived_pack_config(narrow_plan, PROJECT)[GPU_TYPES]
    assert narrow["allowedGpuInstanceTypes"] == ["ml.g5.xlarge"]
    environment = stack_config(PROJECT, "dev")["mlops:governance"]
    assert narrow["allowedInstanceTypes"] == environment["allowedInstanceTypes"]


def test_the_runner_judges_a_team_by_its_own_gpu_list(narrow_plan) -> None:
    """ml.g6.xlarge is in dev's list, not in the team's: caught by default, not under dev.json."""
    narrow_plan = copy.deepcopy(narrow_plan)
    change(
        narrow_plan,
        SPACE,
        None,
        put("spaceSettings.jupyterLabAppSettings.defaultResourceSpec.instanceType", "ml.g6.xlarge"),
    )
    by_default = {v.policy for v in run_plan_policies(narrow_plan, PROJECT) if v.mandatory}
    assert GPU_TYPES in by_default
    shipped = run_plan_policies(narrow_plan, PROJECT, config_path=CONFIG_DIR / "dev.json")
    assert GPU_TYPES not in {v.policy for v in shipped if v.mandatory}


def test_shipped_team_stacks_without_gpus_get_no_gpu_type(plan) -> None:
    for stack in ("churn-dev", "vision-dev", "fraud-prod"):
        config = derived_pack_config(plan(stack))
        assert config[GPU_TYPES]["allowedGpuInstanceTypes"] == [], stack
    for stack in ("churn-dev", "fraud-prod"):
        assert derived_pack_config(plan(stack))["cost-gpu-instance-limit"] == {
            "maxGpuInstancesPerTeam": 0
        }, stack
    # vision-dev serves on Kubernetes: the cluster's GPUs count against the environment's
    # ceiling (dev: 2) whatever personas.allowGpu says, as the settings judge quotaGpus.
    vision = derived_pack_config(plan("vision-dev"))["cost-gpu-instance-limit"]
    assert vision == {"maxGpuInstancesPerTeam": 2}
    assert derived_pack_config(plan("fraud-dev")) == stack_pack_config(PROJECT, "fraud-dev")


def test_the_config_comes_from_the_project_given(tmp_path: Path, plan) -> None:
    """Another project's environment stacks, not the checkout's, name the other accounts."""
    other = _copy_project(tmp_path / "project")
    prod_file = other.stack_path("prod")
    prod_file.write_text(prod_file.read_text().replace("345678901234", "999988887777"))
    config, source = select_pack_config(plan("fraud-dev"), other)
    isolation = config["governance-cross-environment-isolation"]
    assert isolation["otherEnvironmentAccountIds"] == ["999988887777"]
    assert source == "mlopsctl pack-config fraud-dev"


def test_pack_config_command_prints_and_writes_the_stack_config(tmp_path: Path) -> None:
    printed = mlopsctl("pack-config", "fraud-dev")  # .venv/bin/mlopsctl, in the checkout
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == stack_pack_config(PROJECT, "fraud-dev")
    output = tmp_path / "fraud-dev.json"
    written = mlopsctl("pack-config", "fraud-dev", "--output", str(output))
    assert written.returncode == 0 and written.stdout == "", written.stderr
    assert output.read_text() == printed.stdout
    unknown = mlopsctl("pack-config", "fraud-dve")
    assert unknown.returncode == 2 and "did you mean 'fraud-dev'" in unknown.stderr


def test_pack_config_command_uses_the_project_option(tmp_path: Path) -> None:
    other = _copy_project(tmp_path / "project")
    team_file = other.stack_path("fraud-dev")
    text = team_file.read_text()
    assert "gpuInstanceTypes" not in text
    team_file.write_text(
        text.replace("  mlops:lab:\n", "  mlops:lab:\n    gpuInstanceTypes: [ml.g5.xlarge]\n", 1)
    )
    result = mlopsctl("pack-config", "fraud-dev", project=other.root, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[GPU_TYPES]["allowedGpuInstanceTypes"] == ["ml.g5.xlarge"]
