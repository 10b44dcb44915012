"""The checker's cost on a plan of fraud-dev, and its JSON form."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest

from mlopsctl.conformance import Finding, api_check, check_plan, findings_to_json, models
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import NOTEBOOK_LAB, plan_changed

BUDGET_SECONDS = 0.2


@pytest.fixture(scope="module")
def fraud():
    return plan_stack("fraud-dev")


def test_checking_fraud_dev_costs_well_under_the_budget(fraud, monkeypatch):
    check_plan(fraud)  # distilled models cached on disk
    monkeypatch.setattr(models, "_LOADED", {})
    api_check.models.cache_clear()
    start = time.perf_counter()
    check_plan(fraud)  # models read back from the cache file
    first = time.perf_counter() - start
    start = time.perf_counter()
    check_plan(fraud)
    again = time.perf_counter() - start
    print(f"\nfraud-dev: first check {first * 1000:.0f} ms, again {again * 1000:.0f} ms")
    assert first < BUDGET_SECONDS and again < BUDGET_SECONDS


def test_findings_are_frozen_and_serialise():
    planned = plan_changed("fraud-dev", NOTEBOOK_LAB)
    findings = check_plan(planned)
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
