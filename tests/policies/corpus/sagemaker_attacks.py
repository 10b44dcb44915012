"""Insecure variants: SageMaker lab, pipelines and monitoring, as another hand would write them.

Member overrides that undo the domain's idle shutdown, another team's execution role, pipeline
steps (hand-written, hidden in a Condition step, or behind a parameter default) outside the VPC
or without the team key, Model Monitor jobs with the network on, production Studio unprotected.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.corpus.cases import DOMAIN, SPACE, Case, add_notebook, put
from tests.policies.helpers import account, change, edit_document, resource, team_key_arn

PROFILE = "aws:sagemaker/userProfile:UserProfile"
PIPELINE = "aws:sagemaker/pipeline:Pipeline"
MONITOR_JOB = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"
SCHEDULE = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"
IDLE = "jupyterLabAppSettings.appLifecycleManagement.idleSettings"
DEV_ACCOUNT = "210987654321"


def _idle(settings: str, idle: dict[str, Any]) -> Callable[[dict], None]:
    """Set `<settings>.jupyterLabAppSettings.appLifecycleManagement.idleSettings`."""

    def run(props: dict) -> None:
        apps = props.setdefault(settings, {}).setdefault("jupyterLabAppSettings", {})
        apps["appLifecycleManagement"] = {"idleSettings": idle}

    return run


def _profile(name: str, edit: Callable[[dict], None]) -> Callable[[Plan], Any]:
    return lambda p: change(p, PROFILE, f"lab-profile-{name}", edit)


def _retrain(plan: Plan) -> dict[str, Any]:
    """The shipped Processing step (the team's Kedro retraining), as planned."""
    document = resource(plan, PIPELINE).inputs["pipelineDefinition"]
    return json.loads(document)["Steps"][0]


def _training_step(plan: Plan, name: str = "Train", **overrides: Any) -> dict[str, Any]:
    """A hand-written Training step built from the retraining step's role, network and key;
    `overrides` replace top-level Arguments (None removes one)."""
    retrain = _retrain(plan)["Arguments"]
    key = team_key_arn(plan)
    arguments: dict[str, Any] = {
        "AlgorithmSpecification": {
            "TrainingImage": retrain["AppSpecification"]["ImageUri"],
            "TrainingInputMode": "File",
        },
        "RoleArn": retrain["RoleArn"],
        "OutputDataConfig": {
            "S3OutputPath": retrain["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"],
            "KmsKeyId": key,
        },
        "ResourceConfig": {
            "InstanceCount": 1,
            "InstanceType": "ml.m5.large",
            "VolumeSizeInGB": 30,
            "VolumeKmsKeyId": key,
        },
        "VpcConfig": copy.deepcopy(retrain["NetworkConfig"]["VpcConfig"]),
        "EnableNetworkIsolation": True,
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }
    for field, value in overrides.items():
        if value is None:
            arguments.pop(field, None)
        else:
            arguments[field] = value
    return {"Name": name, "Type": "Training", "Arguments": arguments}


def _pipeline(edit: Callable[[Plan, dict], None]) -> Callable[[Plan], Any]:
    """Edit the planned pipeline definition (`edit(plan, definition)`)."""
    return lambda p: change(
        p, PIPELINE, None, edit_document("pipelineDefinition", lambda d: edit(p, d))
    )


def _add_step(**overrides: Any) -> Callable[[Plan], Any]:
    return _pipeline(lambda p, d: d["Steps"].append(_training_step(p, **overrides)))


def _retrain_args(path: str, value: Any) -> Callable[[Plan], Any]:
    """Change `Arguments.<path>` of the shipped Retrain step (None removes it)."""
    return _pipeline(lambda p, d: put(f"Steps.0.Arguments.{path}", value)(d))


def _hidden_in_condition(plan: Plan, definition: dict) -> None:
    """A Condition step whose IfSteps train outside the VPC: who reads nested steps?"""
    step = _training_step(plan, "TrainIfDrift", VpcConfig=None, EnableNetworkIsolation=False)
    definition["Steps"].append(
        {
            "Name": "CheckDrift",
            "Type": "Condition",
            "Arguments": {
                "Conditions": [{"Type": "Equals", "LeftValue": 1, "RightValue": 1}],
                "IfSteps": [step],
                "ElseSteps": [],
            },
        }
    )


def _parameter(name: str, default: Any) -> Callable[[dict], None]:
    return lambda d: d["Parameters"].append(
        {"Name": name, "Type": "String", "DefaultValue": default}
    )


def _instance_from_parameter(plan: Plan, definition: dict) -> None:
    _parameter("InstanceType", "ml.g5.12xlarge")(definition)
    cluster = definition["Steps"][0]["Arguments"]["ProcessingResources"]["ClusterConfig"]
    cluster["InstanceType"] = {"Get": "Parameters.InstanceType"}


def _key_from_empty_parameter(plan: Plan, definition: dict) -> None:
    _parameter("OutputKmsKeyId", "")(definition)
    output = definition["Steps"][0]["Arguments"]["ProcessingOutputConfig"]
    output["KmsKeyId"] = {"Get": "Parameters.OutputKmsKeyId"}


def _definition_in_s3(plan: Plan) -> None:
    def run(props: dict) -> None:
        props.pop("pipelineDefinition", None)
        props["pipelineDefinitionS3Location"] = {
            "bucket": f"mlops-churn-dev-artifacts-{DEV_ACCOUNT}",
            "objectKey": "pipelines/retraining.json",
        }

    change(plan, PIPELINE, None, run)


def _role(stack: str, persona: str) -> str:
    return f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-{stack}-{persona}"


def _unprotect_domain(plan: Plan) -> None:
    resource(plan, DOMAIN).protect = False


def _monitor(path: str, value: Any) -> Callable[[Plan], Any]:
    return lambda p: change(p, MONITOR_JOB, None, put(path, value))


CASES = [
    # --- idle shutdown undone below the domain ------------------------------------------------
    Case(
        "sagemaker-profile-idle-disabled",
        "fraud-dev",
        "sagemaker-member-idle-shutdown",
        _profile("alice", _idle("userSettings", {"lifecycleManagement": "DISABLED"})),
    ),
    Case(
        "sagemaker-profile-idle-week-ceiling",
        "fraud-prod",
        "sagemaker-member-idle-shutdown",
        _profile(
            "bob",
            _idle(
                "userSettings",
                {
                    "lifecycleManagement": "ENABLED",
                    "idleTimeoutInMinutes": 60,
                    "maxIdleTimeoutInMinutes": 10080,
                },
            ),
        ),
    ),
    Case(
        "sagemaker-space-idle-year",
        "fraud-dev",
        "sagemaker-member-idle-shutdown",
        lambda p: change(
            p, SPACE, "lab-space-bob", put(f"spaceSettings.{IDLE}.idleTimeoutInMinutes", 525600)
        ),
    ),
    Case(
        "sagemaker-space-code-editor-two-weeks",
        "fraud-prod",
        "sagemaker-member-idle-shutdown",
        lambda p: change(
            p,
            SPACE,
            "lab-space-alice",
            put(
                "spaceSettings.codeEditorAppSettings",
                {"appLifecycleManagement": {"idleSettings": {"idleTimeoutInMinutes": 20160}}},
            ),
        ),
    ),
    Case(
        "sagemaker-domain-idle-ceiling-a-year",
        "churn-dev",
        "sagemaker-domain-idle-shutdown",
        lambda p: change(
            p, DOMAIN, None, put(f"defaultUserSettings.{IDLE}.maxIdleTimeoutInMinutes", 525600)
        ),
    ),
    Case(
        "sagemaker-domain-shared-spaces-idle-off",
        "vision-dev",
        "sagemaker-domain-idle-shutdown",
        lambda p: change(
            p, DOMAIN, None, _idle("defaultSpaceSettings", {"lifecycleManagement": "DISABLED"})
        ),
    ),
    Case(
        "sagemaker-lab-idle-a-week",
        "fraud-dev",
        "sagemaker-member-idle-shutdown",
        config={"mlops:lab": {"idleTimeoutMinutes": 10080}},
    ),
    Case(
        "sagemaker-lab-idle-a-year",
        "churn-dev",
        "sagemaker-domain-idle-shutdown",
        config={"mlops:lab": {"idleTimeoutMinutes": 525600}},
    ),
    # --- another team's execution role --------------------------------------------------------
    Case(
        "sagemaker-profile-churn-role",
        "fraud-dev",
        "sagemaker-team-execution-role",
        _profile(
            "alice", put("userSettings.executionRole", _role("churn-dev", "data-scientist-exec"))
        ),
    ),
    Case(
        "sagemaker-shared-spaces-fraud-role",
        "vision-dev",
        "sagemaker-team-execution-role",
        lambda p: change(
            p,
            DOMAIN,
            None,
            put("defaultSpaceSettings.executionRole", _role("fraud-dev", "ml-engineer-exec")),
        ),
    ),
    Case(
        "sagemaker-notebook-fraud-role",
        "churn-dev",
        "sagemaker-team-execution-role",
        add_notebook(roleArn=_role("fraud-dev", "data-scientist-exec")),
    ),
    Case(
        "sagemaker-pipeline-step-dev-role",
        "fraud-prod",
        "sagemaker-team-execution-role",
        _retrain_args("RoleArn", _role("fraud-dev", "pipeline-exec")),
    ),
    # --- pipeline steps: network --------------------------------------------------------------
    Case(
        "sagemaker-training-step-no-vpc",
        "fraud-dev",
        "sagemaker-pipeline-step-network",
        _add_step(VpcConfig=None),
    ),
    Case(
        "sagemaker-training-step-not-isolated",
        "churn-dev",
        "sagemaker-pipeline-step-network",
        _add_step(EnableNetworkIsolation=False),
    ),
    Case(
        "sagemaker-processing-step-vpc-dropped",
        "fraud-prod",
        "sagemaker-pipeline-step-network",
        _retrain_args("NetworkConfig.VpcConfig", None),
    ),
    Case(
        "sagemaker-training-hidden-in-condition",
        "fraud-dev",
        "sagemaker-pipeline-step-network",
        _pipeline(_hidden_in_condition),
    ),
    Case(
        "sagemaker-pipeline-definition-in-s3",
        "churn-dev",
        "sagemaker-pipeline-step-network",
        _definition_in_s3,
    ),
    Case(
        "sagemaker-processing-must-be-isolated",
        "fraud-prod",
        "sagemaker-pipeline-step-network",
        pack={"sagemaker-pipeline-step-network": {"isolatedStepTypes": ["Processing"]}},
    ),
    # --- pipeline steps: keys -----------------------------------------------------------------
    Case(
        "sagemaker-training-output-aws-key",
        "fraud-prod",
        "sagemaker-pipeline-step-kms",
        lambda p: _add_step(
            OutputDataConfig={"S3OutputPath": f"s3://mlops-fraud-prod-artifacts-{account(p)}/train"}
        )(p),
    ),
    Case(
        "sagemaker-processing-volume-aws-key",
        "churn-dev",
        "sagemaker-pipeline-step-kms",
        _retrain_args("ProcessingResources.ClusterConfig.VolumeKmsKeyId", None),
    ),
    Case(
        "sagemaker-processing-key-empty-parameter",
        "fraud-dev",
        "sagemaker-pipeline-step-kms",
        _pipeline(_key_from_empty_parameter),
    ),
    # --- instance types of steps and monitors -------------------------------------------------
    Case(
        "sagemaker-processing-step-p4d",
        "fraud-prod",
        "cost-instance-type-allowed",
        _retrain_args("ProcessingResources.ClusterConfig.InstanceType", "ml.p4d.24xlarge"),
    ),
    Case(
        "sagemaker-step-gpu-parameter-default",
        "fraud-dev",
        "cost-instance-type-allowed",
        _pipeline(_instance_from_parameter),
    ),
    Case(
        "sagemaker-monitor-large-instance",
        "fraud-prod",
        "cost-instance-type-allowed",
        _monitor("jobResources.clusterConfig.instanceType", "ml.m5.4xlarge"),
    ),
    # --- Model Monitor ------------------------------------------------------------------------
    Case(
        "sagemaker-monitor-no-vpc",
        "fraud-prod",
        "sagemaker-monitoring-job-isolation",
        _monitor("networkConfig.vpcConfig", None),
    ),
    Case(
        "sagemaker-monitor-not-isolated",
        "fraud-prod",
        "sagemaker-monitoring-job-isolation",
        _monitor("networkConfig.enableNetworkIsolation", False),
    ),
    Case(
        "sagemaker-monitor-volume-aws-key",
        "fraud-prod",
        "sagemaker-monitoring-job-isolation",
        _monitor("jobResources.clusterConfig.volumeKmsKeyId", None),
    ),
    Case(
        "sagemaker-monitor-schedule-foreign-definition",
        "fraud-prod",
        "sagemaker-monitoring-job-isolation",
        lambda p: change(
            p,
            SCHEDULE,
            None,
            put(
                "monitoringScheduleConfig.monitoringJobDefinitionName", "mlops-fraud-prod-dq-manual"
            ),
        ),
    ),
    # --- production Studio --------------------------------------------------------------------
    Case(
        "sagemaker-prod-domain-efs-delete",
        "fraud-prod",
        "sagemaker-production-domain-retained",
        lambda p: change(p, DOMAIN, None, put("retentionPolicy.homeEfsFileSystem", "Delete")),
    ),
    Case(
        "sagemaker-prod-domain-unprotected",
        "fraud-prod",
        "sagemaker-production-domain-retained",
        _unprotect_domain,
    ),
]
