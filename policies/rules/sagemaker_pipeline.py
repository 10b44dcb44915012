"""SageMaker Pipelines and Model Monitor: the jobs a team runs on a schedule, out of sight.

A pipeline's steps are SageMaker jobs whose settings live in the `pipelineDefinition` JSON, where
no resource-level rule (nor Checkov) looks; a monitoring job definition is a processing job over
captured production traffic. Both must run in the VPC, network-isolated where they need no
network, with the team's KMS key on their volumes and outputs.

- **Step shapes** (SageMaker API, CreateTrainingJob / CreateProcessingJob / CreateTransformJob /
  HyperParameterTrainingJobDefinition, botocore service model `sagemaker` 2017-07-24, read
  2026-12): Training and Tuning (`TrainingJobDefinition(s)`) have `VpcConfig`,
  `EnableNetworkIsolation`, `OutputDataConfig.KmsKeyId`, `ResourceConfig.VolumeKmsKeyId`;
  Processing has `NetworkConfig.{VpcConfig,EnableNetworkIsolation}`,
  `ProcessingOutputConfig.KmsKeyId`, `ProcessingResources.ClusterConfig.VolumeKmsKeyId`;
  Transform has `TransformOutput.KmsKeyId`, `TransformResources.VolumeKmsKeyId` (its network is
  the model's, judged by `sagemaker-model-network-isolation`). Steps nested in a Condition
  step's `IfSteps`/`ElseSteps` are judged too.
- **VPC**: with a `VpcConfig`, SageMaker moves the job's data through the VPC (its S3 gateway
  endpoint and that endpoint's policy), and with network isolation the container has no network
  at all ("If network isolation is used for training jobs that are configured to use a VPC,
  SageMaker downloads and uploads customer data and model artifacts through the specified VPC,
  but the training container does not have network access", API reference,
  EnableNetworkIsolation, read 2026-12). Every job step needs the VPC; step types listed in
  `isolatedStepTypes` (default Training and Tuning: their containers need only their channels)
  need isolation too. Processing steps are not isolated by default: the platform's retraining
  step runs the team's Kedro pipeline, which talks to MLflow and the model registry.
- **Volume keys**: instance types with local NVMe storage take no `VolumeKmsKeyId` ("Certain
  Nitro-based instances include local storage ... encrypted using a hardware module on the
  instance. You can't request a VolumeKmsKeyId when using an instance type with local storage",
  API reference, ResourceConfig / ProcessingClusterConfig, read 2026-12): no key is required on
  those (`has_instance_storage`).
- **Parameters**: a value `{"Get": "Parameters.X"}` is judged at parameter X's `DefaultValue`
  (what a scheduled run uses); another function (`Std:Join`, a step property) counts as set.
- **Monitoring** (Checkov CKV_AWS_367/368/369 cover output KMS, volume KMS and inter-container
  encryption): a data-quality job definition needs `networkConfig.vpcConfig`,
  `enableNetworkIsolation` (the prebuilt Model Monitor analyzer needs no network),
  `jobResources.clusterConfig.volumeKmsKeyId`, `dataQualityJobOutputConfig.kmsKeyId`, and
  inter-container encryption when it runs on more than one instance; a monitoring schedule must
  run a job definition the stack plans (else nobody judged it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.factory import resource_rule, stack_rule
from policies.props import as_list, get_path, is_sequence, number
from policies.resource_types import (
    SAGEMAKER_DATA_QUALITY_JOB_DEFINITION,
    SAGEMAKER_MONITORING_SCHEDULE,
    SAGEMAKER_PIPELINE,
)

JOB_STEP_TYPES = ("Training", "Tuning", "Processing", "Transform")
# Instance families with NVMe instance storage (Amazon EC2 instance store volumes, read
# 2026-12): a `d` after the generation (m5d, g4dn, p4de, m6id), or these accelerated families.
_NVME_FAMILY = re.compile(r"^[a-z]+\d+[a-z]*d[a-z]*$")
_NVME_FAMILIES = frozenset(
    {"g5", "g6", "g6e", "g7", "g7e", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2"}
)


# --- reading a pipeline definition -------------------------------------------------------------


def pipeline_definition(props: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The parsed `pipelineDefinition` (a JSON string or an object); None if unknown/invalid."""
    raw = props.get("pipelineDefinition")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return None
    return raw if isinstance(raw, Mapping) else None


def parameter_defaults(definition: Mapping[str, Any]) -> dict[str, Any]:
    """Pipeline parameter name -> its DefaultValue (None without one)."""
    return {
        str(p.get("Name")): p.get("DefaultValue")
        for p in as_list(definition.get("Parameters"))
        if isinstance(p, Mapping)
    }


def parameter_name(value: Any) -> str | None:
    """X of a `{"Get": "Parameters.X"}` reference; None for any other value."""
    if isinstance(value, Mapping) and set(value) == {"Get"}:
        target = value.get("Get")
        if isinstance(target, str) and target.startswith("Parameters."):
            return target.removeprefix("Parameters.")
    return None


def resolve(value: Any, parameters: Mapping[str, Any]) -> Any:
    """A `{"Get": "Parameters.X"}` reference as X's default; any other value unchanged."""
    name = parameter_name(value)
    return value if name is None else parameters.get(name)


def pipeline_steps(steps: Any) -> Iterator[Mapping[str, Any]]:
    """Every step, those nested in Condition steps' IfSteps/ElseSteps included."""
    for step in as_list(steps):
        if not isinstance(step, Mapping):
            continue
        yield step
        arguments = step.get("Arguments")
        if step.get("Type") == "Condition" and isinstance(arguments, Mapping):
            yield from pipeline_steps(arguments.get("IfSteps"))
            yield from pipeline_steps(arguments.get("ElseSteps"))


def _found(value: Any, key: str) -> Iterator[Any]:
    if isinstance(value, Mapping):
        for k, item in value.items():
            if k == key:
                yield item
            else:
                yield from _found(item, key)
    elif is_sequence(value):
        for item in value:
            yield from _found(item, key)


def pipeline_instance_types(props: Mapping[str, Any]) -> Iterator[str]:
    """Every `InstanceType` a pipeline's steps run on (parameters at their defaults)."""
    definition = pipeline_definition(props)
    if definition is None:
        return
    parameters = parameter_defaults(definition)
    for step in pipeline_steps(definition.get("Steps")):
        if step.get("Type") == "Condition":
            continue  # its nested steps are visited on their own
        for value in _found(step.get("Arguments"), "InstanceType"):
            resolved = resolve(value, parameters)
            if isinstance(resolved, str):
                yield resolved


def pipeline_role_arns(props: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(where, role ARN) of the pipeline and of each job step (`RoleArn`, tuning definitions)."""
    yield "roleArn", props.get("roleArn")
    definition = pipeline_definition(props)
    if definition is None:
        return
    parameters = parameter_defaults(definition)
    for step in pipeline_steps(definition.get("Steps")):
        for arguments in _job_arguments(step):
            yield f"step {step.get('Name')}: RoleArn", resolve(arguments.get("RoleArn"), parameters)


def _job_arguments(step: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The job request(s) of a step: its Arguments, or a Tuning step's training definitions."""
    arguments = step.get("Arguments")
    if not isinstance(arguments, Mapping) or step.get("Type") not in JOB_STEP_TYPES:
        return []
    if step.get("Type") != "Tuning":
        return [arguments]
    found = [
        arguments.get("TrainingJobDefinition"),
        *as_list(arguments.get("TrainingJobDefinitions")),
    ]
    return [d for d in found if isinstance(d, Mapping)]


def has_instance_storage(instance_type: Any) -> bool:
    """Does this ml.* type have NVMe instance storage (so takes no VolumeKmsKeyId)?"""
    if not isinstance(instance_type, str) or not instance_type.startswith("ml."):
        return False
    family = instance_type.split(".")[1]
    return bool(_NVME_FAMILY.match(family)) or family in _NVME_FAMILIES


# --- pipeline steps: network -------------------------------------------------------------------

# Where each job type keeps its VPC and isolation settings (CreateTrainingJob /
# CreateProcessingJob request shapes); Transform has neither (the model's apply).
_NETWORK_PATHS = {
    "Training": (("VpcConfig",), ("EnableNetworkIsolation",)),
    "Tuning": (("VpcConfig",), ("EnableNetworkIsolation",)),
    "Processing": (("NetworkConfig", "VpcConfig"), ("NetworkConfig", "EnableNetworkIsolation")),
}


def _has_vpc(vpc: Any, parameters: Mapping[str, Any]) -> bool:
    if not isinstance(vpc, Mapping):
        return False
    return all(
        as_list(resolve(vpc.get(key), parameters)) for key in ("Subnets", "SecurityGroupIds")
    )


def _step_network(step, arguments, parameters, isolated_types) -> Iterator[str]:
    kind = str(step.get("Type"))
    if kind not in _NETWORK_PATHS:
        return
    vpc_path, isolation_path = _NETWORK_PATHS[kind]
    name = f"step {step.get('Name')} ({kind})"
    if not _has_vpc(get_path(arguments, *vpc_path), parameters):
        yield (
            f"{name}: no {'.'.join(vpc_path)} with Subnets and SecurityGroupIds: the job runs "
            "outside the VPC, with internet access and no VPC endpoint policy on its data"
        )
    isolation = resolve(get_path(arguments, *isolation_path), parameters)
    if kind in isolated_types and isolation is not True:
        yield f"{name}: {'.'.join(isolation_path)} is {isolation!r}; {kind} steps must be isolated"


def _pipeline_network(args, config):
    if args.props.get("pipelineDefinitionS3Location") and not args.props.get("pipelineDefinition"):
        yield (
            "pipelineDefinitionS3Location: the definition is in S3, where the pack cannot judge "
            "its steps; inline it as pipelineDefinition"
        )
        return
    definition = pipeline_definition(args.props)
    if definition is None:
        return  # unknown at preview time
    parameters = parameter_defaults(definition)
    isolated = [str(t) for t in as_list(config["isolatedStepTypes"])]
    for step in pipeline_steps(definition.get("Steps")):
        for arguments in _job_arguments(step):
            yield from _step_network(step, arguments, parameters, isolated)


# --- pipeline steps: encryption ----------------------------------------------------------------

# (output key path, volume key path, instance type path) per job type.
_KMS_PATHS = {
    "Training": (
        ("OutputDataConfig", "KmsKeyId"),
        ("ResourceConfig", "VolumeKmsKeyId"),
        ("ResourceConfig", "InstanceType"),
    ),
    "Processing": (
        ("ProcessingOutputConfig", "KmsKeyId"),
        ("ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"),
        ("ProcessingResources", "ClusterConfig", "InstanceType"),
    ),
    "Transform": (
        ("TransformOutput", "KmsKeyId"),
        ("TransformResources", "VolumeKmsKeyId"),
        ("TransformResources", "InstanceType"),
    ),
}
_KMS_PATHS["Tuning"] = _KMS_PATHS["Training"]


def _step_kms(step, arguments, parameters) -> Iterator[str]:
    kind = str(step.get("Type"))
    output_path, volume_path, type_path = _KMS_PATHS[kind]
    name = f"step {step.get('Name')} ({kind})"
    has_output = kind != "Processing" or isinstance(
        arguments.get("ProcessingOutputConfig"), Mapping
    )
    if has_output and not resolve(get_path(arguments, *output_path), parameters):
        yield f"{name}: no {'.'.join(output_path)}: its outputs are written with an AWS-managed key"
    instance_type = resolve(get_path(arguments, *type_path), parameters)
    if not has_instance_storage(instance_type) and not resolve(
        get_path(arguments, *volume_path), parameters
    ):
        yield f"{name}: no {'.'.join(volume_path)}: its ML storage volume uses an AWS-managed key"


def _pipeline_kms(args, config):
    definition = pipeline_definition(args.props)
    if definition is None:
        return
    parameters = parameter_defaults(definition)
    for step in pipeline_steps(definition.get("Steps")):
        for arguments in _job_arguments(step):
            yield from _step_kms(step, arguments, parameters)


# --- Model Monitor -----------------------------------------------------------------------------


def _monitoring_findings(props: Mapping[str, Any]) -> Iterator[str]:
    network = props.get("networkConfig")
    network = network if isinstance(network, Mapping) else {}
    vpc = network.get("vpcConfig")
    if not (
        isinstance(vpc, Mapping)
        and as_list(vpc.get("subnets"))
        and as_list(vpc.get("securityGroupIds"))
    ):
        yield "no networkConfig.vpcConfig with subnets and securityGroupIds: runs outside the VPC"
    if network.get("enableNetworkIsolation") is not True:
        value = network.get("enableNetworkIsolation")
        yield f"networkConfig.enableNetworkIsolation is {value!r}: the analyzer needs no network"
    cluster = get_path(props, "jobResources", "clusterConfig")
    cluster = cluster if isinstance(cluster, Mapping) else {}
    if not cluster.get("volumeKmsKeyId") and not has_instance_storage(cluster.get("instanceType")):
        yield "no jobResources.clusterConfig.volumeKmsKeyId: the volume uses an AWS-managed key"
    if not get_path(props, "dataQualityJobOutputConfig", "kmsKeyId"):
        yield "no dataQualityJobOutputConfig.kmsKeyId: reports use an AWS-managed key"
    count = number(cluster.get("instanceCount"), 1.0)
    if count > 1 and network.get("enableInterContainerTrafficEncryption") is not True:
        yield (
            f"{count:g} instances without networkConfig.enableInterContainerTrafficEncryption: "
            "traffic between them is not encrypted"
        )


def _monitoring(args, config):
    definitions = list(SAGEMAKER_DATA_QUALITY_JOB_DEFINITION.select(args))
    for definition in definitions:
        for message in _monitoring_findings(definition.props):
            yield f"{definition.name}: {message}", definition.urn
    planned = {d.props.get("name") for d in definitions}
    for schedule in SAGEMAKER_MONITORING_SCHEDULE.select(args):
        name = get_path(schedule.props, "monitoringScheduleConfig", "monitoringJobDefinitionName")
        if isinstance(name, str) and name not in planned:
            yield (
                f"{schedule.name}: monitoringScheduleConfig.monitoringJobDefinitionName {name!r} "
                "is not a job definition of this stack: nobody judged its network and keys",
                schedule.urn,
            )


POLICIES = [
    resource_rule(
        "sagemaker-pipeline-step-network",
        selector=SAGEMAKER_PIPELINE,
        severity=Severity.HIGH,
        description="Pipeline Training/Tuning/Processing steps run in the VPC, network-isolated "
        "where their type is in isolatedStepTypes; the definition is inline.",
        remediation="Give each job step a VpcConfig (Processing: NetworkConfig.VpcConfig) with "
        "the private subnets and security groups, and EnableNetworkIsolation true for "
        "isolatedStepTypes; set pipelineDefinition, not pipelineDefinitionS3Location.",
        check=_pipeline_network,
        defaults={"isolatedStepTypes": ["Training", "Tuning"]},
    ),
    resource_rule(
        "sagemaker-pipeline-step-kms",
        selector=SAGEMAKER_PIPELINE,
        severity=Severity.HIGH,
        description="Pipeline job steps encrypt their outputs and ML storage volumes with the "
        "team's KMS key.",
        remediation="Set OutputDataConfig.KmsKeyId / ProcessingOutputConfig.KmsKeyId / "
        "TransformOutput.KmsKeyId and the ResourceConfig / ClusterConfig / TransformResources "
        "VolumeKmsKeyId to the team key ARN.",
        check=_pipeline_kms,
    ),
    stack_rule(
        "sagemaker-monitoring-job-isolation",
        severity=Severity.HIGH,
        description="Model Monitor job definitions run in the VPC, network-isolated, with KMS on "
        "volumes and reports; schedules run only job definitions of the stack.",
        remediation="Set networkConfig (vpcConfig, enableNetworkIsolation true, inter-container "
        "encryption), jobResources.clusterConfig.volumeKmsKeyId and the output kmsKeyId; plan "
        "the job definition a schedule runs in the same stack.",
        check=_monitoring,
    ),
]
