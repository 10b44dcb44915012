"""AWS tag limits on the tags AWS receives: the provider's defaultTags plus the resource's own.

Expected limits: the basic tag restrictions of AWS's guides (AWS Batch User Guide "Tag
restrictions", read 2026-12-01): 50 tags per resource, keys up to 128 and values up to 256
characters, letters, numbers, spaces and `+ - = . _ : / @`, the `aws:` prefix reserved.
"""

from __future__ import annotations

import json

import pytest

from mlopsctl.conformance import check_plan
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import one_finding, with_change

ROLE = "aws:iam/role:Role"
MAX_TAGS, MAX_KEY, MAX_VALUE = 50, 128, 256


@pytest.fixture(scope="module")
def fraud():
    return plan_stack("fraud-dev")


@pytest.fixture(scope="module")
def role(fraud):
    return fraud.of_type(ROLE)[0]


def _default_tags(fraud, resource) -> dict:
    provider = fraud.provider_of(resource)
    return json.loads(provider.inputs["defaultTags"])["tags"]


def _tag(fraud, role, key, value):
    return with_change(
        fraud, ROLE, role.name, lambda i: i.setdefault("tags", {}).update({key: value})
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("k" * (MAX_KEY + 1), "x"),
        ("purpose", "v" * (MAX_VALUE + 1)),
        ("aws:team", "fraud"),
        ("AWS:team", "fraud"),
        ("cost#center", "x"),
        ("purpose", "a;b"),
    ],
)
def test_bad_tag_is_named(fraud, role, key, value):
    item = one_finding(
        _tag(fraud, role, key, value),
        ROLE,
        role.name,
        f'tags["{key}"]' if not key.isidentifier() else f"tags.{key}",
        "aws-tags",
    )
    assert "Tag restrictions" in item.source


def test_default_tags_count_towards_the_limit(fraud, role):
    defaults = _default_tags(fraud, role)
    own = dict(role.inputs.get("tags") or {})
    extra = {f"extra-{n}": "x" for n in range(MAX_TAGS + 1 - len(defaults | own))}
    assert len(own | extra) <= MAX_TAGS < len(defaults | own | extra)
    changed = with_change(fraud, ROLE, role.name, lambda i: i.setdefault("tags", {}).update(extra))
    item = one_finding(changed, ROLE, role.name, "tags", "aws-tags")
    assert str(MAX_TAGS) in item.message


def test_unicode_letters_and_spaces_are_allowed(fraud, role):
    changed = _tag(fraud, role, "équipe données", "Été 2026 / Q4")
    assert [f for f in check_plan(changed) if f.rule == "aws-tags"] == []
