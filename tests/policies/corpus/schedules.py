"""Insecure variants: a retraining schedule that passes the pipeline other values than the ones
the pack judged (`sagemaker-schedule-keeps-judged-parameters`).

Each variant gives the shipped retraining step a parameter in a judged field (its default is
compliant, so the pipeline rules pass) and lets the planned schedule pass another value, as
StartPipelineExecution's `PipelineParameters` would at run time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.corpus.cases import Case
from tests.policies.helpers import change, edit_document, resource, team_key_arn

PIPELINE = "aws:sagemaker/pipeline:Pipeline"
SCHEDULE = "aws:scheduler/schedule:Schedule"
RULE = "sagemaker-schedule-keeps-judged-parameters"


def parameterised(
    parameter: str, default: Any, place: Callable[[dict, dict], None], passed: str
) -> Callable[[Plan], None]:
    """The retraining step reads `parameter` (default `default`) where `place(arguments,
    reference)` puts it; the planned schedule passes `passed` for it."""

    def run(plan: Plan) -> None:
        def edit_pipeline(definition: dict) -> None:
            definition.setdefault("Parameters", []).append(
                {"Name": parameter, "Type": "String", "DefaultValue": default}
            )
            place(definition["Steps"][0]["Arguments"], {"Get": f"Parameters.{parameter}"})

        def edit_schedule(props: dict) -> None:
            target = props["target"]
            target["sagemakerPipelineParameters"] = {
                "pipelineParameters": [{"name": parameter, "value": passed}]
            }

        change(plan, PIPELINE, None, edit_document("pipelineDefinition", edit_pipeline))
        change(plan, SCHEDULE, None, edit_schedule)

    return run


def instance_type(arguments: dict, reference: dict) -> None:
    arguments["ProcessingResources"]["ClusterConfig"]["InstanceType"] = reference


def _subnet(arguments: dict, reference: dict) -> None:
    arguments["NetworkConfig"]["VpcConfig"]["Subnets"] = [reference]


def _key_in_join(arguments: dict, reference: dict) -> None:
    prefix = arguments["ProcessingOutputConfig"]["KmsKeyId"].rpartition("/")[0]
    arguments["ProcessingOutputConfig"]["KmsKeyId"] = {
        "Std:Join": {"On": "/", "Values": [prefix, reference]}
    }


def _training_date(arguments: dict, reference: dict) -> None:
    arguments["Environment"]["MLOPS_TRAINING_DATE"] = reference


def key_id(plan: Plan) -> str:
    return team_key_arn(plan).rpartition("/")[2]


def planned_subnet(plan: Plan) -> str:
    """The first subnet the planned retraining step runs in."""
    definition = json.loads(resource(plan, PIPELINE).inputs["pipelineDefinition"])
    return definition["Steps"][0]["Arguments"]["NetworkConfig"]["VpcConfig"]["Subnets"][0]


def scheduled_training_date(plan: Plan) -> None:
    """Compliant: the schedule passes a parameter the step uses only in its environment."""
    parameterised("TrainingDate", "2026-12-01", _training_date, "2026-12-02")(plan)


CASES = [
    Case(
        "schedule-passes-a-gpu-instance-type",
        "fraud-prod",
        RULE,
        parameterised("InstanceType", "ml.m5.xlarge", instance_type, "ml.p4d.24xlarge"),
    ),
    Case(
        "schedule-passes-a-public-subnet",
        "fraud-dev",
        RULE,
        lambda p: parameterised("Subnet", planned_subnet(p), _subnet, "subnet-0public")(p),
    ),
    Case(
        "schedule-passes-another-output-key",
        "fraud-prod",
        RULE,
        lambda p: parameterised("OutputKeyId", key_id(p), _key_in_join, "aws/s3")(p),
    ),
]
