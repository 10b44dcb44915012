"""Planned values against botocore's API models: enum, pattern, length, range, list size,
type and required members, at the top level and nested, each on a real planned resource with
one value changed to something the model refuses."""

from __future__ import annotations

import re

import pytest

from mlopsctl.conformance.api_check import unmapped_properties
from tests.conformance.helpers import (
    NOTEBOOK_LAB,
    REALTIME,
    SELF_HOSTED,
    botocore_member,
    botocore_required,
    botocore_shape,
    findings_for,
    one_finding,
    plan_changed,
    with_change,
)
from tests.conftest import plan_served

NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
DOMAIN = "aws:sagemaker/domain:Domain"
ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
SERVER = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"
STUDIO_LCC = "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig"
SPACE = "aws:sagemaker/space:Space"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"


@pytest.fixture(scope="module")
def notebooks():
    return plan_changed("fraud-dev", NOTEBOOK_LAB)


@pytest.fixture(scope="module")
def fraud():
    return plan_served("fraud-dev")


def test_notebook_instance_type_outside_the_enum_is_named(notebooks):
    enum = botocore_shape("sagemaker", "CreateNotebookInstance", "InstanceType").enum
    assert "ml.m5.large" not in enum and "ml.t3.medium" in enum
    changed = with_change(
        notebooks, NOTEBOOK, "lab-notebook-alice", lambda i: i.update(instanceType="ml.m5.large")
    )
    item = one_finding(changed, NOTEBOOK, "lab-notebook-alice", "instanceType", "aws-api-enum")
    assert item.value == "ml.m5.large"
    assert item.source == "botocore sagemaker CreateNotebookInstance.InstanceType enum"


def test_a_valid_instance_type_gives_no_finding(notebooks):
    assert findings_for(notebooks, NOTEBOOK, "lab-notebook-alice", "instanceType") == []


def test_nested_enum_is_named_by_its_plan_path(fraud):
    enum = botocore_shape(
        "sagemaker",
        "CreateDomain",
        "DefaultUserSettings.JupyterLabAppSettings.DefaultResourceSpec.InstanceType",
    ).enum
    assert "ml.t3.mediun" not in enum

    def change(inputs):
        settings = inputs["defaultUserSettings"]["jupyterLabAppSettings"]
        settings["defaultResourceSpec"]["instanceType"] = "ml.t3.mediun"

    changed = with_change(fraud, DOMAIN, "lab-domain", change)
    path = "defaultUserSettings.jupyterLabAppSettings.defaultResourceSpec.instanceType"
    item = one_finding(changed, DOMAIN, "lab-domain", path, "aws-api-enum")
    assert item.source == (
        "botocore sagemaker CreateDomain.DefaultUserSettings.JupyterLabAppSettings."
        "DefaultResourceSpec.InstanceType enum"
    )
    assert "ml.t3.medium" in item.message  # the closest allowed value


def test_list_item_path_has_its_index():
    realtime = plan_changed("fraud-dev", REALTIME)
    (config,) = realtime.of_type(ENDPOINT_CONFIG)
    enum = botocore_shape("sagemaker", "CreateEndpointConfig", "ProductionVariants.InstanceType")
    assert "ml.m5.big" not in enum.enum

    def change(inputs):
        inputs["productionVariants"][0]["instanceType"] = "ml.m5.big"

    changed = with_change(realtime, ENDPOINT_CONFIG, config.name, change)
    item = one_finding(
        changed, ENDPOINT_CONFIG, config.name, "productionVariants[0].instanceType", "aws-api-enum"
    )
    assert item.source == (
        "botocore sagemaker CreateEndpointConfig.ProductionVariants[].InstanceType enum"
    )


def test_pattern_is_a_full_match(fraud):
    (endpoint,) = fraud.of_type(ENDPOINT)
    pattern = botocore_shape("sagemaker", "CreateEndpoint", "EndpointName").metadata["pattern"]
    bad = "mlops_fraud_dev_endpoint"
    assert re.fullmatch(pattern, bad) is None and re.fullmatch(pattern, "mlops-fraud") is not None
    changed = with_change(fraud, ENDPOINT, endpoint.name, lambda i: i.update(name=bad))
    item = one_finding(changed, ENDPOINT, endpoint.name, "name", "aws-api-pattern")
    assert item.source == "botocore sagemaker CreateEndpoint.EndpointName pattern"


def test_string_length(fraud):
    shape = botocore_shape(
        "sagemaker", "CreateStudioLifecycleConfig", "StudioLifecycleConfigContent"
    )
    (config,) = fraud.of_type(STUDIO_LCC)
    too_long = "A" * (shape.metadata["max"] + 4)
    changed = with_change(
        fraud, STUDIO_LCC, config.name, lambda i: i.update(studioLifecycleConfigContent=too_long)
    )
    item = one_finding(
        changed, STUDIO_LCC, config.name, "studioLifecycleConfigContent", "aws-api-length"
    )
    assert item.source.endswith("CreateStudioLifecycleConfig.StudioLifecycleConfigContent length")


def test_numeric_range(notebooks):
    shape = botocore_shape("sagemaker", "CreateNotebookInstance", "VolumeSizeInGB")
    changed = with_change(
        notebooks,
        NOTEBOOK,
        "lab-notebook-alice",
        lambda i: i.update(volumeSize=float(shape.metadata["max"] + 1)),
    )
    item = one_finding(changed, NOTEBOOK, "lab-notebook-alice", "volumeSize", "aws-api-range")
    assert item.source == "botocore sagemaker CreateNotebookInstance.VolumeSizeInGB range"


def test_list_size(fraud):
    subnets = botocore_member("sagemaker", "CreateDomain", "SubnetIds")
    too_many = [f"subnet-{index:017x}" for index in range(subnets.metadata["max"] + 1)]
    changed = with_change(fraud, DOMAIN, "lab-domain", lambda i: i.update(subnetIds=too_many))
    item = one_finding(changed, DOMAIN, "lab-domain", "subnetIds", "aws-api-list-size")
    assert item.value == len(too_many)


def test_wrong_type(notebooks):
    changed = with_change(
        notebooks, NOTEBOOK, "lab-notebook-alice", lambda i: i.update(volumeSize="twenty")
    )
    one_finding(changed, NOTEBOOK, "lab-notebook-alice", "volumeSize", "aws-api-type")


def test_required_member_missing():
    assert "RoleArn" in botocore_required("sagemaker", "CreateMlflowTrackingServer")
    server = plan_changed("fraud-dev", {"mlops:tracking": {"kind": "sagemaker"}})
    changed = with_change(server, SERVER, "tracking-server", lambda i: i.pop("roleArn"))
    item = one_finding(changed, SERVER, "tracking-server", "roleArn", "aws-api-required")
    assert item.source == "botocore sagemaker CreateMlflowTrackingServer.RoleArn required"


def test_tags_map_is_checked_as_the_api_tag_list(fraud):
    key = botocore_shape("sagemaker", "CreateSpace", "Tags.Key")
    long_key = "k" * (key.metadata["max"] + 1)
    changed = with_change(
        fraud, SPACE, "lab-space-alice", lambda i: i["tags"].update({long_key: "x"})
    )
    item = one_finding(changed, SPACE, "lab-space-alice", f"tags.{long_key}", "aws-api-length")
    assert item.source == "botocore sagemaker CreateSpace.Tags[].Key length"


def test_flattened_provider_block_maps_to_flat_members():
    planned = plan_changed("fraud-dev", SELF_HOSTED)
    path_shape = botocore_shape("elbv2", "CreateTargetGroup", "HealthCheckPath")
    too_long = "/" + "h" * path_shape.metadata["max"]
    changed = with_change(
        planned, TARGET_GROUP, "tracking-targets", lambda i: i["healthCheck"].update(path=too_long)
    )
    item = one_finding(
        changed, TARGET_GROUP, "tracking-targets", "healthCheck.path", "aws-api-length"
    )
    assert item.source == "botocore elbv2 CreateTargetGroup.HealthCheckPath length"


def test_unknown_properties_are_skipped_and_listed(fraud):
    changed = with_change(fraud, DOMAIN, "lab-domain", lambda i: i.update(notAnApiMember="x"))
    assert findings_for(changed, DOMAIN, "lab-domain", "notAnApiMember") == []
    domain = changed.one(DOMAIN, "lab-domain")
    assert unmapped_properties(changed)[domain.urn] == ["notAnApiMember"]
