"""Every taggable AWS resource carries the six standard tags.

Tags are the AWS provider's `default_tags`, merged by the provider into every taggable resource.
So the proof has two halves: (1) every AWS resource of every shipped stack uses the one
tagging provider, which carries all six tags with this stack's values; (2) which planned types
are taggable is read from pulumi-aws itself (the resource class takes `tags`), and for each of
them the merged tags (provider defaults, then the resource's own) hold all six keys.
"""

from __future__ import annotations

import importlib
import inspect
import json
from functools import cache

import pytest

from components.tags import REQUIRED_TAG_KEYS
from tests.conftest import SHIPPED_STACKS


@cache
def is_taggable(type_token: str) -> bool:
    """pulumi-aws resource classes accept `tags` exactly when the AWS resource is taggable."""
    _, module_path, class_name = type_token.split(":")
    module = importlib.import_module(f"pulumi_aws.{module_path.split('/')[0]}")
    resource_class = getattr(module, class_name)
    return "tags" in inspect.signature(resource_class._internal_init).parameters


def provider_default_tags(provider) -> dict[str, str]:
    """Provider inputs arrive JSON-encoded, as the engine passes provider config."""
    default_tags = provider.inputs.get("defaultTags") or {}
    if isinstance(default_tags, str):
        default_tags = json.loads(default_tags)
    return default_tags.get("tags", {})


def effective_tags(plan, resource) -> dict[str, str]:
    provider = plan.provider_of(resource)
    defaults = provider_default_tags(provider) if provider else {}
    return {**defaults, **(resource.inputs.get("tags") or {})}


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_aws_resource_uses_the_tagging_provider(plan, stack):
    result = plan(stack)
    providers = result.of_type("pulumi:providers:aws")
    assert len(providers) == 1
    tags = provider_default_tags(providers[0])
    assert set(tags) == set(REQUIRED_TAG_KEYS)
    config = result.config
    assert tags["owner"] == config["mlops:owner"]
    assert tags["cost-center"] == config["mlops:costCenter"]
    assert tags["environment"] == config["mlops:environment"]
    assert tags["managed-by"] == "pulumi"
    for resource in result.resources:
        if resource.custom and resource.type.startswith("aws:"):
            assert result.provider_of(resource) is providers[0], resource.urn


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_taggable_resource_type_gets_all_required_tags(plan, stack):
    result = plan(stack)
    taggable = [
        r
        for r in result.resources
        if r.custom and r.type.startswith("aws:") and is_taggable(r.type)
    ]
    assert {r.type for r in taggable} >= {"aws:s3/bucket:Bucket", "aws:kms/key:Key"}
    for resource in taggable:
        tags = effective_tags(result, resource)
        missing = set(REQUIRED_TAG_KEYS) - set(tags)
        assert not missing, f"{resource.type} {resource.name} misses {missing}"


def test_team_tag_and_bucket_classification(plan):
    result = plan("fraud-dev")
    buckets = {
        b.outputs["bucket"]: effective_tags(result, b)
        for b in result.of_type("aws:s3/bucket:Bucket")
    }
    assert all(tags["team"] == "fraud" for tags in buckets.values())
    raw = next(tags for name, tags in buckets.items() if "-raw-" in name)
    curated = next(tags for name, tags in buckets.items() if "-curated-" in name)
    assert raw["data-classification"] == "restricted"  # bucketClassification override
    assert curated["data-classification"] == "confidential"  # team default


def test_taggability_check_is_not_vacuous():
    assert is_taggable("aws:s3/bucket:Bucket")
    assert not is_taggable("aws:s3/bucketPolicy:BucketPolicy")
