"""The checker reuses its distilled models, and the JSON form of its findings.

What a check costs is a figure for `make benchmark`, not an assertion here: a busy machine
would fail a wall-clock budget. The suite proves the structure that keeps it cheap: botocore's
models are distilled once and written to the cache file, a new process reads that file instead
of botocore, and further checks in a process read nothing again.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from mlopsctl.conformance import Finding, api_check, check_plan, findings_to_json, models
from tests.conformance.helpers import NOTEBOOK_LAB, plan_changed, with_change

NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"


def refused_plan():
    """fraud-dev with notebook instances, bob's edited after planning to a type that
    CreateNotebookInstance does not take (the settings refuse it before planning)."""
    planned = plan_changed("fraud-dev", NOTEBOOK_LAB)
    return with_change(
        planned, NOTEBOOK, "lab-notebook-bob", lambda i: i.update(instanceType="ml.m5.large")
    )


@pytest.fixture
def counted_loads(tmp_path, monkeypatch):
    """An empty cache directory and no models in memory; counts of botocore distillations and
    cache file reads."""
    monkeypatch.setenv("MLOPSCTL_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(models, "_LOADED", {})
    api_check.models.cache_clear()
    counts = {"distilled": 0, "read": 0}
    distill, read = models.distill_from_botocore, models._read_cache

    def counted_distill(wanted):
        counts["distilled"] += 1
        return distill(wanted)

    def counted_read(path):
        counts["read"] += 1
        return read(path)

    monkeypatch.setattr(models, "distill_from_botocore", counted_distill)
    monkeypatch.setattr(models, "_read_cache", counted_read)
    yield counts
    api_check.models.cache_clear()  # the next test loads from the real cache again


def test_checks_reuse_the_distilled_models(counted_loads, tmp_path, monkeypatch):
    planned = refused_plan()  # has a finding to compare
    first = check_plan(planned)  # nothing cached yet: distilled from botocore, then written
    assert counted_loads == {"distilled": 1, "read": 1}
    (cache,) = tmp_path.glob("conformance-models-*.json")
    assert cache.stat().st_size > 0

    monkeypatch.setattr(models, "_LOADED", {})  # as in a new process
    api_check.models.cache_clear()
    second = check_plan(planned)  # read back from the cache file, botocore untouched
    assert counted_loads == {"distilled": 1, "read": 2}

    third = check_plan(planned)  # in memory: no file read, no distillation
    assert counted_loads == {"distilled": 1, "read": 2}
    assert first
    assert first == second == third


def test_findings_are_frozen_and_serialise():
    findings = check_plan(refused_plan())
    assert findings and all(isinstance(f, Finding) for f in findings)
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings[0].rule = "x"  # type: ignore[misc]
    data = json.loads(json.dumps(findings_to_json(findings)))
    assert set(data[0]) == {
        "urn",
        "resourceType",
        "name",
        "path",
        "value",
        "rule",
        "source",
        "message",
    }
    by_path = {(d["name"], d["path"]): d for d in data}
    assert by_path[("lab-notebook-bob", "instanceType")]["value"] == "ml.m5.large"
