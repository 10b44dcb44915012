"""One instance policy for every consumer: a team whose lab GPU list is narrower than its
environment's gets that list in every planned IAM condition, in Studio, in retraining and
inference validation, and in the policy pack's config.

Expected values come from the stack files (the environment's allow-lists, the change made
here) and from botocore's `AppInstanceType` enum, never from the derived policy itself.
"""

from __future__ import annotations

import json

import botocore.loaders
import pytest
import yaml

from mlopsctl.plan.engine import PlanError
from settings import Project, load_settings, stack_config
from settings.pack_config import pack_config
from tests.conftest import PROJECT_ROOT

NARROW = {"mlops:personas": {"allowGpu": True}, "mlops:lab": {"gpuInstanceTypes": ["ml.g5.xlarge"]}}
DEV_GOVERNANCE = yaml.safe_load((PROJECT_ROOT / "stacks" / "Pulumi.dev.yaml").read_text())[
    "config"
]["mlops:governance"]


def _app_instance_types() -> list[str]:
    model = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    return model["shapes"]["AppInstanceType"]["enum"]


def _conditions(document: dict) -> list[list[str]]:
    found = []
    for statement in document.get("Statement", []):
        for operator in (statement.get("Condition") or {}).values():
            if "sagemaker:InstanceTypes" in operator:
                found.append(sorted(operator["sagemaker:InstanceTypes"]))
    return found


@pytest.fixture(scope="module")
def narrow_plan(request):
    from mlopsctl.plan import plan_stack
    from tests.conftest import deep_merge

    config = stack_config(Project.at(PROJECT_ROOT), "fraud-dev")
    overrides = {k: deep_merge(config.get(k), v) for k, v in NARROW.items()}
    return plan_stack("fraud-dev", overrides=overrides)


def test_the_environment_offers_more_gpu_types_than_the_team_takes():
    assert set(DEV_GOVERNANCE["allowedGpuInstanceTypes"]) > {"ml.g5.xlarge"}


def test_every_iam_instance_type_condition_uses_the_narrow_list(narrow_plan):
    # `system`: the instance type of Studio's own apps (botocore AppInstanceType enum), which
    # every persona needs to open Studio.
    assert "system" in _app_instance_types()
    expected = sorted([*DEV_GOVERNANCE["allowedInstanceTypes"], "ml.g5.xlarge", "system"])
    lists = [
        condition
        for r in narrow_plan.resources
        if r.type in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy")
        for condition in _conditions(json.loads(r.inputs["policy"]))
    ]
    assert lists, "no planned policy limits instance types"
    assert all(found == expected for found in lists), lists


def test_studio_hides_the_gpu_types_the_team_may_not_start(narrow_plan):
    domain = narrow_plan.one("aws:sagemaker/domain:Domain")
    text = json.dumps(domain.inputs)
    app_types = _app_instance_types()
    assert "ml.g6.xlarge" in app_types and "ml.g5.xlarge" in app_types
    hidden = json.loads(text).get("defaultUserSettings", {})
    hidden_text = json.dumps(hidden)
    assert '"ml.g6.xlarge"' in hidden_text  # hidden: outside the team's list
    assert '"ml.g5.xlarge"' not in hidden_text  # offered


@pytest.mark.parametrize(
    ("key", "change"),
    [
        ("mlops:retraining", {"instanceType": "ml.g6.xlarge"}),
        (
            "mlops:inference",
            {
                "model": {"version": 1},
                "sagemaker": {"mode": "realtime", "instanceType": "ml.g6.xlarge"},
            },
        ),
    ],
)
def test_retraining_and_inference_refuse_a_gpu_type_outside_the_team_list(key, change):
    from mlopsctl.plan import plan_stack
    from tests.conftest import deep_merge

    config = stack_config(Project.at(PROJECT_ROOT), "fraud-dev")
    overrides = {k: deep_merge(config.get(k), v) for k, v in {**NARROW, key: change}.items()}
    with pytest.raises(PlanError, match=r"'ml\.g6\.xlarge': not an instance type this team"):
        plan_stack("fraud-dev", overrides=overrides)


def test_the_pack_config_allows_the_narrow_list():
    project = Project.at(PROJECT_ROOT)
    config = stack_config(project, "fraud-dev")
    from tests.conftest import deep_merge

    config = {**config, **{k: deep_merge(config.get(k), v) for k, v in NARROW.items()}}
    settings = load_settings(config, "fraud-dev", project)
    allowed = pack_config(settings, project)["cost-instance-type-allowed"]
    assert allowed["allowedGpuInstanceTypes"] == ["ml.g5.xlarge"]
    assert allowed["allowedInstanceTypes"] == DEV_GOVERNANCE["allowedInstanceTypes"]
