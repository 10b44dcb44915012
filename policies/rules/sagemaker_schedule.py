"""Scheduled pipeline runs: a schedule may not change what the pack judged in the pipeline.

The pipeline rules (`sagemaker_pipeline.py`, and `cost-instance-type-allowed`) judge a step's
instance type, role, network and keys with each `{"Get": "Parameters.X"}` at X's
`DefaultValue`. An EventBridge Scheduler schedule that starts the pipeline can pass its own
parameter values (`target.sagemakerPipelineParameters.pipelineParameters`: the Scheduler API's
`SageMakerPipelineParameters.PipelineParameterList`, up to 200 name/value pairs, "the templated
target type for the Amazon SageMaker StartPipelineExecution API operation", botocore service
model `scheduler` 2021-06-30, read 2026-12), so a run could train on an unapproved GPU type,
outside the VPC or without the team key while the plan passed. A schedule therefore may not
override a parameter that a step uses in a judged field; parameters for anything else (a data
date, a threshold) stay free.

- **Target**: the pipeline whose ARN `target.arn` names (`...:pipeline/<name>`, matched without
  regard to case); while the ARN is unknown (a first preview), every pipeline of the stack.
- **Judged fields** (`JUDGED_KEYS`): `InstanceType`, `RoleArn`, `VpcConfig` and
  `NetworkConfig` (with what they hold), `EnableNetworkIsolation`, `KmsKeyId`,
  `VolumeKmsKeyId`: a parameter referenced at or below one of them in a step's `Arguments`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.factory import stack_rule
from policies.props import as_list, get_path, is_sequence
from policies.resource_types import SAGEMAKER_PIPELINE, SCHEDULER_SCHEDULE
from policies.rules.sagemaker_pipeline import (
    parameter_name,
    pipeline_definition,
    pipeline_steps,
)

JUDGED_KEYS = frozenset(
    {
        "InstanceType",
        "RoleArn",
        "VpcConfig",
        "NetworkConfig",
        "EnableNetworkIsolation",
        "KmsKeyId",
        "VolumeKmsKeyId",
    }
)


def _references(value: Any, path: str, judged: bool) -> Iterator[tuple[str, str]]:
    """(parameter name, path) of each `{"Get": "Parameters.X"}` under a judged key."""
    name = parameter_name(value)
    if name is not None:
        if judged:
            yield name, path
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _references(
                item, f"{path}.{key}" if path else str(key), judged or key in JUDGED_KEYS
            )
    elif is_sequence(value):
        for index, item in enumerate(value):
            yield from _references(item, f"{path}[{index}]", judged)


def judged_parameters(props: Mapping[str, Any]) -> dict[str, str]:
    """Parameter name -> where a step uses it in a judged field ("step <name>: <path>")."""
    definition = pipeline_definition(props)
    if definition is None:
        return {}
    found: dict[str, str] = {}
    for step in pipeline_steps(definition.get("Steps")):
        if step.get("Type") == "Condition":
            continue  # its nested steps are visited on their own
        for name, path in _references(step.get("Arguments"), "", False):
            found.setdefault(name, f"step {step.get('Name')}: {path}")
    return found


def _targets(schedule_arn: Any, pipelines: list) -> list:
    if not isinstance(schedule_arn, str):
        return pipelines  # unknown until the pipeline exists: judge against every pipeline
    named = schedule_arn.rpartition(":pipeline/")[2].lower()
    return [p for p in pipelines if str(p.props.get("pipelineName", "")).lower() == named]


def _overrides(args, config):
    pipelines = list(SAGEMAKER_PIPELINE.select(args))
    for schedule in SCHEDULER_SCHEDULE.select(args):
        target = schedule.props.get("target")
        if not isinstance(target, Mapping):
            continue
        passed = as_list(get_path(target, "sagemakerPipelineParameters", "pipelineParameters"))
        for pipeline in _targets(target.get("arn"), pipelines):
            judged = judged_parameters(pipeline.props)
            for parameter in (p for p in passed if isinstance(p, Mapping)):
                where = judged.get(str(parameter.get("name")))
                if where:
                    yield (
                        f"{schedule.name}: passes pipeline parameter {parameter.get('name')!r} = "
                        f"{parameter.get('value')!r} to {pipeline.name}, whose {where} the pack "
                        "judged at the parameter's default",
                        schedule.urn,
                    )


POLICIES = [
    stack_rule(
        "sagemaker-schedule-keeps-judged-parameters",
        severity=Severity.HIGH,
        description="A schedule that starts a pipeline passes no parameter that a step uses for "
        "its instance type, role, network or keys (the pack judged those at their defaults).",
        remediation="Change the parameter's DefaultValue in the pipeline definition (judged by "
        "the pipeline rules) instead of passing it from the schedule's "
        "sagemakerPipelineParameters.",
        check=_overrides,
    ),
]
