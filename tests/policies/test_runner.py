"""The offline runner: CrossGuard arguments built from the plan, pack config applied as the
CLI does (levels, defaults), the cost estimate filled in for the budget rule."""

from __future__ import annotations

import json

import pytest

from mlopsctl.policy_runner import (
    CONFIG_DIR,
    PolicyConfigError,
    derived_pack_config,
    estimated_monthly_cost,
    load_pack_config,
    run_policies,
    select_pack_config,
    stack_resources,
)
from tests.policies.helpers import caught, change, remove, violations

SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def test_stack_resources_link_parents_dependencies_and_provider(plan) -> None:
    resources = {r.urn: r for r in stack_resources(plan("fraud-dev"))}
    versioning = next(r for r in resources.values() if r.name == "raw-bucket-versioning")
    bucket = next(
        r
        for r in resources.values()
        if r.name == "raw-bucket" and r.resource_type == "aws:s3/bucket:Bucket"
    )
    assert versioning.parent is bucket.parent and bucket.parent.resource_type == (
        "mlops:storage:SecureBucket"
    )
    assert [d.urn for d in versioning.property_dependencies["bucket"]] == [bucket.urn]
    assert json.loads(bucket.provider.props["defaultTags"])["tags"]["team"] == "fraud"


def test_production_options_reach_the_policies(plan) -> None:
    key = next(
        r for r in stack_resources(plan("fraud-prod")) if r.resource_type == "aws:kms/key:Key"
    )
    assert key.opts.protect is True and key.opts.retain_on_delete is True


def test_companions_join_without_bucket_names_as_in_a_preview(plan) -> None:
    """In `pulumi preview` a new bucket's name is unknown: companions join by dependency."""
    planned = plan("fraud-dev")
    for r in planned.resources:
        if r.type.startswith("aws:s3/bucket") and r.type != "aws:s3/bucket:Bucket":
            r.outputs.pop("bucket", None)
    assert not [v for v in violations(planned) if v.policy.startswith("s3-")]
    remove(planned, "aws:s3/bucketVersioning:BucketVersioning", "dvc-bucket-versioning")
    assert any("dvc" in m for m in caught(planned)["s3-versioning-enabled"])


def test_the_access_log_bucket_alone_may_use_sse_s3(plan) -> None:
    dev = plan("dev")
    sse = next(r for r in dev.of_type(SSE) if r.name == "access-logs-encryption")
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    assert "s3-sse-kms-customer-key" not in caught(dev)
    change(dev, "aws:s3/bucket:Bucket", "access-logs", lambda p: p["tags"].update(purpose="x"))
    found = caught(dev)
    assert "s3-sse-kms-customer-key" in found and "s3-access-logging" in found


def test_enforcement_levels_all_and_per_policy(plan) -> None:
    planned = plan("fraud-dev")
    change(planned, "aws:kms/key:Key", None, lambda p: p.update(enableKeyRotation=False))
    advisory = violations(planned, {"all": "advisory"})
    assert {(v.policy, v.enforcement) for v in advisory} == {("kms-key-rotation", "advisory")}
    assert violations(planned, {"kms-key-rotation": "disabled"}) == []
    mandatory = violations(planned, {"all": "advisory", "kms-key-rotation": "mandatory"})
    assert [v.mandatory for v in mandatory] == [True]


def test_schema_defaults_apply_when_the_file_is_silent(plan) -> None:
    """An empty config: the rules' secure defaults apply (no GPU type, no restricted reader)."""
    planned = plan("fraud-dev")
    change(
        planned,
        "aws:sagemaker/space:Space",
        None,
        lambda p: p["spaceSettings"]["jupyterLabAppSettings"]["defaultResourceSpec"].update(
            instanceType="ml.g5.xlarge"
        ),
    )
    assert "cost-instance-type-allowed" not in caught(planned)  # fraud-dev allows ml.g5.xlarge
    found = {v.policy for v in run_policies(planned, {})}
    assert "cost-instance-type-allowed" in found


def test_budget_takes_the_estimate_of_mlopsctl_cost(plan) -> None:
    from mlopsctl.cost import estimate

    planned = plan("fraud-dev")
    expected = estimate(planned).typical_monthly_usd
    assert estimated_monthly_cost(planned) == pytest.approx(expected)
    budget = violations(planned, {"cost-monthly-budget": {"monthlyBudgetUsd": 1}})
    assert [v.policy for v in budget] == ["cost-monthly-budget"]
    assert f"{expected:,.2f}" in budget[0].message


def test_budget_estimate_is_the_cost_model_typical_figure(plan) -> None:
    from mlopsctl.cost import estimate

    planned = plan("fraud-dev")
    assert estimated_monthly_cost(planned) == estimate(planned).typical_monthly_usd > 0


def test_default_config_is_derived_from_the_planned_stack(plan) -> None:
    prod, churn = plan("fraud-prod"), plan("churn-dev")
    assert select_pack_config(prod)[1] == "mlopsctl pack-config fraud-prod"
    assert derived_pack_config(prod)["governance-production-protection"] == {"production": True}
    assert derived_pack_config(churn)["cost-gpu-instance-limit"] == {"maxGpuInstancesPerTeam": 0}
    shipped = CONFIG_DIR / "dev.json"
    assert select_pack_config(churn, config_path=shipped) == (load_pack_config(shipped), "dev.json")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('{"s3-versioning": "mandatory"}', "unknown policy 's3-versioning'"),
        ('{"all": "strict"}', "enforcementLevel 'strict'; allowed: advisory, disabled"),
        (
            '{"kms-key-rotation": {"rotate": true}}',
            "unknown keys rotate; allowed: enforcementLevel",
        ),
    ],
)
def test_bad_pack_config_is_refused_clearly(tmp_path, content: str, expected: str) -> None:
    path = tmp_path / "pack.json"
    path.write_text(content)
    with pytest.raises(PolicyConfigError, match=expected.replace("(", r"\(")):
        load_pack_config(path)


def test_missing_pack_config_names_the_shipped_ones(tmp_path) -> None:
    with pytest.raises(PolicyConfigError, match=r"shipped: dev\.json, prod\.json"):
        load_pack_config(tmp_path / "staging.json")
