"""The offline plan engine: realistic outputs, the documented JSON, and isolation between plans."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsctl.plan import plan_stack
from tests.containers.container_test_utils import COMMAND_TIMEOUT

MLOPSCTL = Path(sys.executable).parent / "mlopsctl"

FORMATS = {
    "aws:s3/bucket:Bucket": ("arn", r"arn:aws:s3:::[a-z0-9-]{3,63}"),
    "aws:kms/key:Key": ("arn", r"arn:aws:kms:eu-west-1:\d{12}:key/[0-9a-f-]{36}"),
    "aws:kms/alias:Alias": ("arn", r"arn:aws:kms:eu-west-1:\d{12}:alias/[a-z0-9-]+"),
    "aws:ec2/vpc:Vpc": ("id", r"vpc-[0-9a-f]{17}"),
    "aws:ec2/subnet:Subnet": ("id", r"subnet-[0-9a-f]{17}"),
    "aws:ec2/securityGroup:SecurityGroup": ("id", r"sg-[0-9a-f]{17}"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("id", r"vpce-[0-9a-f]{17}"),
}


def value_of(resource, field):
    return resource.id if field == "id" else resource.outputs[field]


@pytest.mark.parametrize("type_token", list(FORMATS))
def test_mock_outputs_are_formatted_as_aws_formats_them(plan, type_token):
    resources = plan("dev").of_type(type_token) + plan("fraud-dev").of_type(type_token)
    assert resources, f"no {type_token} planned"
    field, pattern = FORMATS[type_token]
    for resource in resources:
        assert re.fullmatch(pattern, value_of(resource, field)), value_of(resource, field)


def test_resources_record_parent_dependencies_and_camel_case_inputs(plan):
    result = plan("fraud-dev")
    policy = result.one("aws:s3/bucketPolicy:BucketPolicy", "raw-bucket-policy")
    bucket = result.one("aws:s3/bucket:Bucket", "raw-bucket")
    component = next(
        r
        for r in result.resources
        if r.type == "mlops:storage:SecureBucket" and r.name == "raw-bucket"
    )
    assert policy.parent == component.urn
    assert not component.custom
    assert bucket.urn in policy.dependencies
    assert any("BucketPublicAccessBlock" in urn for urn in policy.dependencies)
    block = result.one(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "raw-bucket-public-access"
    )
    assert "blockPublicAcls" in block.inputs and "block_public_acls" not in block.inputs


def test_plans_are_deterministic_and_isolated():
    first = plan_stack("fraud-dev")
    first.resources.clear()  # callers get copies: mutating one must not leak into the next
    second = plan_stack("fraud-dev")
    third = plan_stack("fraud-dev")
    assert second.resources
    assert [r.outputs for r in second.resources] == [r.outputs for r in third.resources]


def test_cli_plan_json_is_the_documented_shape(tmp_path):
    out = tmp_path / "plan.json"
    run = subprocess.run(
        [str(MLOPSCTL), "plan", "fraud-dev", "--no-tree", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert run.returncode == 0, run.stderr
    assert "Resources by type" in run.stdout
    data = json.loads(out.read_text())
    # The plan JSON of mlopsctl/plan/model.py, plus the conformance findings (none: shipped)
    # and what the stack needs but does not create.
    assert set(data) == {
        "stack",
        "project",
        "layer",
        "resources",
        "exports",
        "conformance",
        "prerequisites",
    }
    assert data["conformance"] == []
    assert data["prerequisites"] and all(
        set(p) == {"kind", "value", "neededBy"} for p in data["prerequisites"]
    )
    assert data["stack"] == "fraud-dev" and data["layer"] == "team"
    keys = {
        "type",
        "name",
        "urn",
        "parent",
        "custom",
        "provider",
        "dependencies",
        "propertyDependencies",
        "protect",
        "retainOnDelete",
        "inputs",
        "outputs",
        "id",
    }
    assert all(set(r) == keys for r in data["resources"])
    assert data["exports"]["buckets"]["dvc"] == "mlops-fraud-dev-dvc-210987654321"


def test_cli_plan_reports_config_errors_with_exit_code_2(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [str(MLOPSCTL), "plan", "no-such-stack"],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        cwd=root,
    )
    assert run.returncode == 2
    assert "no-such-stack" in run.stderr and "known stacks" in run.stderr
