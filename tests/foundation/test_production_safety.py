"""Nothing the platform stores is lost by an update: production state is protected and retained."""

from __future__ import annotations

import pytest

from components.encryption import DEFAULT_DELETION_WINDOW_DAYS, PRODUCTION_DELETION_WINDOW_DAYS

STATEFUL = ("aws:s3/bucket:Bucket", "aws:kms/key:Key")


@pytest.mark.parametrize("stack", ["prod", "fraud-prod"])
def test_production_stateful_resources_are_protected_and_retained(plan, stack):
    result = plan(stack)
    stateful = [r for r in result.resources if r.type in STATEFUL]
    assert stateful
    for resource in stateful:
        assert resource.protect and resource.retain_on_delete, resource.urn


@pytest.mark.parametrize("stack", ["dev", "fraud-dev"])
def test_development_state_can_be_torn_down(plan, stack):
    for resource in plan(stack).resources:
        if resource.type in STATEFUL:
            assert not resource.protect and not resource.retain_on_delete


@pytest.mark.parametrize(
    ("stack", "window"),
    [("fraud-prod", PRODUCTION_DELETION_WINDOW_DAYS), ("fraud-dev", DEFAULT_DELETION_WINDOW_DAYS)],
)
def test_kms_keys_rotate_and_have_the_environment_deletion_window(plan, stack, window):
    for key in plan(stack).of_type("aws:kms/key:Key"):
        assert key.inputs["enableKeyRotation"] is True
        assert key.inputs["deletionWindowInDays"] == window
    assert PRODUCTION_DELETION_WINDOW_DAYS == 30  # the longest window KMS allows


def test_key_policy_has_no_wildcard_principal(plan):
    import json

    for key in plan("fraud-prod").of_type("aws:kms/key:Key"):
        for statement in json.loads(key.inputs["policy"])["Statement"]:
            assert statement["Principal"] != "*" and statement["Principal"] != {"AWS": "*"}
