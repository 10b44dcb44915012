"""Edge cases of the SageMaker lab, pipeline and monitoring rules the corpus does not cover:
near misses that must pass, unknown values, and the fallbacks without pack config."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from mlopsctl.plan.model import Plan
from policies.rules.sagemaker_pipeline import (
    has_instance_storage,
    pipeline_instance_types,
    pipeline_steps,
    resolve,
)
from tests.conftest import plan_served
from tests.policies.corpus.cases import DOMAIN, SPACE, put
from tests.policies.corpus.sagemaker_attacks import (
    MONITOR_JOB,
    PIPELINE,
    PROFILE,
    _idle,
    _retrain,
    _training_step,
)
from tests.policies.helpers import caught, change, edit_document, resource, team_key_arn

ROLE_RULE = "sagemaker-team-execution-role"
MEMBER_IDLE = "sagemaker-member-idle-shutdown"
NETWORK = "sagemaker-pipeline-step-network"
KMS = "sagemaker-pipeline-step-kms"
MONITORING = "sagemaker-monitoring-job-isolation"
RETAINED = "sagemaker-production-domain-retained"


@pytest.fixture
def fraud_dev(plan) -> Plan:
    return copy.deepcopy(plan("fraud-dev"))


@pytest.fixture(scope="module")
def _served_prod() -> Plan:
    return plan_served("fraud-prod")


@pytest.fixture
def fraud_prod(_served_prod: Plan) -> Plan:
    return copy.deepcopy(_served_prod)


def _steps(plan: Plan, *steps: dict[str, Any]) -> Plan:
    """Replace the pipeline's steps."""

    def edit(document: dict) -> None:
        document["Steps"] = list(steps)

    return change(plan, PIPELINE, None, edit_document("pipelineDefinition", edit))


# --- idle shutdown --------------------------------------------------------------------------


def test_a_profile_at_the_limit_passes_and_one_minute_more_fails(fraud_dev: Plan) -> None:
    settings = {"lifecycleManagement": "ENABLED", "idleTimeoutInMinutes": 240}
    change(fraud_dev, PROFILE, "lab-profile-alice", _idle("userSettings", settings))
    assert MEMBER_IDLE not in caught(fraud_dev)
    change(
        fraud_dev,
        PROFILE,
        "lab-profile-alice",
        _idle("userSettings", {**settings, "idleTimeoutInMinutes": 241}),
    )
    assert MEMBER_IDLE in caught(fraud_dev)


def test_a_space_without_idle_settings_inherits_the_domain(fraud_dev: Plan) -> None:
    change(
        fraud_dev,
        SPACE,
        "lab-space-bob",
        put("spaceSettings.jupyterLabAppSettings.appLifecycleManagement", None),
    )
    assert MEMBER_IDLE not in caught(fraud_dev)


def test_an_unknown_idle_timeout_is_not_judged(fraud_dev: Plan) -> None:
    change(
        fraud_dev, PROFILE, "lab-profile-bob", _idle("userSettings", {"idleTimeoutInMinutes": None})
    )
    assert MEMBER_IDLE not in caught(fraud_dev)


def test_the_limit_comes_from_the_pack_config(fraud_dev: Plan) -> None:
    """Shipped spaces stop after 60 minutes: a 30-minute limit makes them violations."""
    assert MEMBER_IDLE in caught(fraud_dev, {MEMBER_IDLE: {"maxIdleTimeoutMinutes": 30}})


# --- execution roles ------------------------------------------------------------------------


def _churn_role(plan: Plan) -> Plan:
    arn = "arn:aws:iam::210987654321:role/mlops-churn-dev-data-scientist-exec"
    return change(plan, PROFILE, "lab-profile-alice", put("userSettings.executionRole", arn))


def test_without_team_scope_the_planned_roles_are_the_allowed_set(fraud_dev: Plan) -> None:
    no_scope = {ROLE_RULE: {"teamScope": ""}}
    assert ROLE_RULE not in caught(fraud_dev, no_scope)
    assert ROLE_RULE in caught(_churn_role(fraud_dev), no_scope)


def test_a_role_of_the_team_under_a_path_passes(fraud_dev: Plan) -> None:
    arn = "arn:aws:iam::210987654321:role/teams/mlops-fraud-dev-data-scientist-exec"
    change(fraud_dev, PROFILE, "lab-profile-alice", put("userSettings.executionRole", arn))
    assert ROLE_RULE not in caught(fraud_dev)


def test_a_team_whose_name_prefixes_another_is_not_confused(fraud_dev: Plan) -> None:
    """`mlops-fraud-dev` must not accept `mlops-fraud-devops-...` roles."""
    arn = "arn:aws:iam::210987654321:role/mlops-fraud-devops-data-scientist-exec"
    change(fraud_dev, PROFILE, "lab-profile-alice", put("userSettings.executionRole", arn))
    assert ROLE_RULE in caught(fraud_dev)


def test_an_unknown_execution_role_is_not_judged(fraud_dev: Plan) -> None:
    change(fraud_dev, PROFILE, "lab-profile-alice", put("userSettings.executionRole", None))
    assert ROLE_RULE not in caught(fraud_dev)


# --- pipeline steps -------------------------------------------------------------------------


def test_a_hardened_training_step_passes_network_and_kms(fraud_dev: Plan) -> None:
    _steps(fraud_dev, _retrain(fraud_dev), _training_step(fraud_dev))
    found = caught(fraud_dev)
    assert NETWORK not in found and KMS not in found


def test_nvme_instances_need_no_volume_key_but_others_do(fraud_dev: Plan) -> None:
    def step(instance_type: str) -> dict[str, Any]:
        resources = {"InstanceCount": 1, "InstanceType": instance_type}
        return _training_step(fraud_dev, ResourceConfig=resources)

    nvme, plain = step("ml.g5.xlarge"), step("ml.m5.large")
    _steps(fraud_dev, nvme)
    assert KMS not in caught(fraud_dev)
    _steps(fraud_dev, plain)
    assert any("ResourceConfig.VolumeKmsKeyId" in m for m in caught(fraud_dev)[KMS])


def test_a_tuning_step_is_judged_through_its_training_definition(fraud_dev: Plan) -> None:
    definition = _training_step(fraud_dev, VpcConfig=None)["Arguments"]
    tuning = {"Name": "Tune", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": definition}}
    _steps(fraud_dev, tuning)
    assert any("step Tune (Tuning)" in m for m in caught(fraud_dev)[NETWORK])


def test_a_transform_step_needs_keys_but_takes_its_network_from_the_model(fraud_dev: Plan) -> None:
    transform = {
        "Name": "Score",
        "Type": "Transform",
        "Arguments": {
            "ModelName": "mlops-fraud-dev-model",
            "TransformOutput": {"S3OutputPath": "s3://mlops-fraud-dev-artifacts-210987654321/x"},
            "TransformResources": {"InstanceCount": 1, "InstanceType": "ml.m5.large"},
        },
    }
    _steps(fraud_dev, transform)
    found = caught(fraud_dev)
    assert NETWORK not in found
    assert len(found[KMS]) == 2  # TransformOutput.KmsKeyId, TransformResources.VolumeKmsKeyId
    key = team_key_arn(fraud_dev)
    transform["Arguments"]["TransformOutput"]["KmsKeyId"] = key
    transform["Arguments"]["TransformResources"]["VolumeKmsKeyId"] = key
    _steps(fraud_dev, transform)
    assert KMS not in caught(fraud_dev)


def test_a_processing_step_without_outputs_needs_no_output_key(fraud_dev: Plan) -> None:
    step = copy.deepcopy(_retrain(fraud_dev))
    del step["Arguments"]["ProcessingOutputConfig"]
    _steps(fraud_dev, step)
    assert KMS not in caught(fraud_dev)


def test_an_unknown_pipeline_definition_is_not_judged(fraud_dev: Plan) -> None:
    change(fraud_dev, PIPELINE, None, put("pipelineDefinition", None))
    found = caught(fraud_dev)
    assert NETWORK not in found and KMS not in found


def test_parameters_resolve_to_their_defaults() -> None:
    parameters = {"Type": "ml.m5.large", "Key": None}
    assert resolve({"Get": "Parameters.Type"}, parameters) == "ml.m5.large"
    assert resolve({"Get": "Parameters.Key"}, parameters) is None
    assert resolve({"Get": "Parameters.Missing"}, parameters) is None
    join = {"Std:Join": {"On": "/", "Values": ["a", "b"]}}
    assert resolve(join, parameters) == join  # another function: counts as set
    assert resolve({"Get": "Steps.Train.ModelArtifacts"}, parameters) == {
        "Get": "Steps.Train.ModelArtifacts"
    }


def test_instance_types_of_nested_steps_and_parameters_are_found() -> None:
    definition = {
        "Parameters": [{"Name": "T", "DefaultValue": "ml.p4d.24xlarge"}, {"Name": "U"}],
        "Steps": [
            {
                "Name": "If",
                "Type": "Condition",
                "Arguments": {
                    "IfSteps": [
                        {
                            "Name": "A",
                            "Type": "Training",
                            "Arguments": {
                                "ResourceConfig": {"InstanceType": {"Get": "Parameters.T"}}
                            },
                        }
                    ],
                    "ElseSteps": [
                        {
                            "Name": "B",
                            "Type": "Processing",
                            "Arguments": {"InstanceType": {"Get": "Parameters.U"}},
                        }
                    ],
                },
            }
        ],
    }
    props = {"pipelineDefinition": json.dumps(definition)}
    assert [s["Name"] for s in pipeline_steps(definition["Steps"])] == ["If", "A", "B"]
    assert list(pipeline_instance_types(props)) == ["ml.p4d.24xlarge"]
    assert list(pipeline_instance_types({"pipelineDefinition": "not json"})) == []


@pytest.mark.parametrize(
    ("instance_type", "nvme"),
    [
        ("ml.m5d.large", True),
        ("ml.g4dn.xlarge", True),
        ("ml.p4d.24xlarge", True),
        ("ml.g5.xlarge", True),
        ("ml.m5.large", False),
        ("ml.c5.xlarge", False),
        ("ml.p3.2xlarge", False),
        (None, False),
        ({"Get": "Parameters.T"}, False),
    ],
)
def test_instance_storage(instance_type: Any, nvme: bool) -> None:
    assert has_instance_storage(instance_type) is nvme


# --- Model Monitor --------------------------------------------------------------------------


def test_a_monitor_on_two_instances_needs_inter_container_encryption(fraud_prod: Plan) -> None:
    change(fraud_prod, MONITOR_JOB, None, put("jobResources.clusterConfig.instanceCount", 2))
    assert MONITORING not in caught(fraud_prod)  # shipped: encryption is on
    change(
        fraud_prod,
        MONITOR_JOB,
        None,
        put("networkConfig.enableInterContainerTrafficEncryption", False),
    )
    assert any("enableInterContainerTrafficEncryption" in m for m in caught(fraud_prod)[MONITORING])


def test_a_schedule_with_an_unknown_job_definition_name_is_not_judged(fraud_prod: Plan) -> None:
    schedule = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"
    change(
        fraud_prod,
        schedule,
        None,
        put("monitoringScheduleConfig.monitoringJobDefinitionName", None),
    )
    assert MONITORING not in caught(fraud_prod)


# --- production Studio ----------------------------------------------------------------------


def test_outside_production_the_home_efs_may_be_deleted(fraud_dev: Plan) -> None:
    """Non-production domains delete their home EFS on destroy (components/lab.py)."""
    assert resource(fraud_dev, DOMAIN).inputs["retentionPolicy"]["homeEfsFileSystem"] == "Delete"
    assert RETAINED not in caught(fraud_dev)


def test_a_production_space_must_be_protected_too(fraud_prod: Plan) -> None:
    assert RETAINED not in caught(fraud_prod)
    resource(fraud_prod, SPACE, "lab-space-bob").protect = False
    assert caught(fraud_prod)[RETAINED] == [
        "production Studio space is not protected (opts.protect is false)"
    ]


def test_without_the_production_fact_nothing_is_judged(fraud_prod: Plan) -> None:
    change(fraud_prod, DOMAIN, None, put("retentionPolicy.homeEfsFileSystem", "Delete"))
    assert RETAINED not in caught(fraud_prod, {RETAINED: {"production": False}})
