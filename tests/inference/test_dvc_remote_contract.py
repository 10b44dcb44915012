"""One DVC remote: what the team is told to push to is what scheduled retraining pulls from."""

from __future__ import annotations

import json

import pytest

from components.documents.retraining import TRAINING_DATA_PATH
from mlopsctl.handbook import handbook


def _sagemaker_step_environment(plan) -> dict[str, str]:
    pipeline = plan.one("aws:sagemaker/pipeline:Pipeline").inputs
    (step,) = json.loads(pipeline["pipelineDefinition"])["Steps"]
    return step["Arguments"]["Environment"]


def _cron_job_environment(plan) -> dict[str, str]:
    (cron,) = plan.of_type("kubernetes:batch/v1:CronJob")
    pod = cron.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    return {e["name"]: e["value"] for e in container["env"]}


@pytest.mark.parametrize(
    ("stack", "environment_of"),
    [
        ("fraud-dev", _sagemaker_step_environment),
        ("fraud-prod", _sagemaker_step_environment),
        ("vision-dev", _cron_job_environment),
    ],
)
def test_pipeline_pulls_from_exactly_the_exported_dvc_remote(plan, stack, environment_of):
    planned = plan(stack)
    remote = planned.exports["dvcRemote"]["url"]
    bucket = planned.exports["buckets"]["dvc"]
    assert remote == f"s3://{bucket}/dvc"
    variables = environment_of(planned)
    assert variables["MLOPS_DVC_REMOTE_URL"] == remote
    # The commands the team runs configure that same URL.
    (add,) = [c for c in planned.exports["dvcRemoteCommands"] if " remote add " in c]
    assert add.split()[-1] == remote


def test_pipeline_trains_on_the_dvc_tracked_file_not_the_read_only_curated_bucket(plan):
    planned = plan("fraud-dev")
    variables = _sagemaker_step_environment(planned)
    curated = planned.exports["buckets"]["curated"]
    assert variables["MLOPS_TRAINING_DATA"] == TRAINING_DATA_PATH
    assert curated not in variables["MLOPS_TRAINING_DATA"]


def test_handbook_names_the_same_remote_and_the_file_retraining_reads(plan):
    exports = plan("fraud-dev").exports
    text = handbook(exports, "fraud-dev")
    remote = exports["dvcRemote"]["url"]
    assert f"`{remote}`" in text
    assert f"dvc remote add --default --force storage {remote}" in text
    assert f"dvc add {TRAINING_DATA_PATH}" in text
    pipeline_remote = _sagemaker_step_environment(plan("fraud-dev"))["MLOPS_DVC_REMOTE_URL"]
    assert pipeline_remote in text
