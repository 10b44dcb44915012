"""Typed resource selectors (`policies/resource_types.py`): every type token the rules use is a real SDK token, written once,
and selectors match and select exactly the planned resources of their types."""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest
from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs

from policies import resource_types
from policies.resource_types import (
    K8S_WORKLOADS,
    KMS_KEY,
    KMS_KEY_POLICY,
    S3_BUCKET,
    S3_VERSIONING,
    ResourceType,
    ResourceTypes,
)
from tests.policies.helpers import caught, change, resource

VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
VERSIONING_V6 = "aws:s3/bucketVersioningV2:BucketVersioningV2"  # pulumi-aws's deprecated name


def _registered_tokens(package: str) -> set[str]:
    """The resource type tokens a Pulumi SDK registers (`_utilities.register` in __init__.py)."""
    init = Path(importlib.util.find_spec(package).origin)
    for node in ast.walk(ast.parse(init.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "register":
            modules = next(k.value.value for k in node.keywords if k.arg == "resource_modules")
            return {token for module in json.loads(modules) for token in module["classes"]}
    raise LookupError(f"no resource registration in {init}")


def test_every_selector_token_is_a_resource_type_of_the_installed_sdks() -> None:
    known = _registered_tokens("pulumi_aws") | _registered_tokens("pulumi_kubernetes")
    declared = [token for t in resource_types.all_types() for token in t.tokens]
    assert len(declared) > 40
    assert sorted(set(declared) - known) == []


def test_every_token_is_declared_once() -> None:
    tokens = [token for t in resource_types.all_types() for token in t.tokens]
    assert len(tokens) == len(set(tokens))


def _resource(token: str, name: str = "r") -> PolicyResource:
    return PolicyResource(
        resource_type=token,
        props={},
        urn=f"urn:pulumi:s::p::{token}::{name}",
        name=name,
        opts=None,
        provider=None,
        parent=None,
        dependencies=[],
        property_dependencies={},
    )


def test_a_resource_type_matches_validation_args_and_planned_resources() -> None:
    args = ResourceValidationArgs("aws:kms/key:Key", {}, "urn", "key", None, None)
    assert KMS_KEY.matches(args) and not KMS_KEY_POLICY.matches(args)
    assert KMS_KEY.matches(_resource("aws:kms/key:Key"))
    assert not S3_BUCKET.matches(_resource("aws:s3/bucketPolicy:BucketPolicy"))
    assert str(S3_BUCKET) == "aws:s3/bucket:Bucket" and S3_BUCKET.type_name == "Bucket"


def test_select_keeps_plan_order_from_stack_args_or_a_list() -> None:
    planned = [
        _resource("aws:kms/key:Key", "a"),
        _resource("aws:s3/bucket:Bucket", "b"),
        _resource("aws:kms/keyPolicy:KeyPolicy", "c"),
        _resource("aws:kms/key:Key", "d"),
    ]
    stack = StackValidationArgs(resources=planned)
    assert [r.name for r in KMS_KEY.select(stack)] == ["a", "d"]
    assert [r.name for r in (KMS_KEY | KMS_KEY_POLICY).select(planned)] == ["a", "c", "d"]


def test_unions_flatten_and_drop_duplicates() -> None:
    union = ResourceTypes(KMS_KEY | KMS_KEY_POLICY, KMS_KEY, S3_BUCKET)
    assert list(union) == [KMS_KEY, KMS_KEY_POLICY, S3_BUCKET]
    assert len(K8S_WORKLOADS) == 7 and resource_types.K8S_CRON_JOB in K8S_WORKLOADS.members


def test_aliases_are_the_deprecated_v6_tokens() -> None:
    assert S3_VERSIONING.tokens == {VERSIONING, VERSIONING_V6}
    assert S3_VERSIONING.matches(_resource(VERSIONING_V6))


@pytest.mark.parametrize("token", ["aws:s3:bucket", "s3/bucket:Bucket", "aws:s3/bucket:bucket"])
def test_a_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(ValueError, match="not a type token"):
        ResourceType(token)


def test_a_v6_versioning_companion_joins_its_bucket(plan) -> None:
    """A program still on `BucketVersioningV2` gets the same verdicts as one on v7 names."""
    planned = plan("fraud-dev")
    resource(planned, VERSIONING, "dvc-bucket-versioning").type = VERSIONING_V6
    assert "s3-versioning-enabled" not in caught(planned)
    change(
        planned,
        VERSIONING_V6,
        "dvc-bucket-versioning",
        lambda props: props["versioningConfiguration"].update(status="Suspended"),
    )
    assert any("dvc" in m for m in caught(planned)["s3-versioning-enabled"])
