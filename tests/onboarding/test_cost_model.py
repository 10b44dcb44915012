"""The cost model's arithmetic, against hand-computed values on a synthetic plan and price table."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlopsctl.cost import estimate, load_prices
from mlopsctl.cost.model import runs_per_month
from mlopsctl.plan import Plan, PlannedResource

PRICES = """
hoursPerMonth: 700
defaultRegion: xx-test-1
assumptions:
  notebookHoursPerMemberPerMonth: {value: 10}
  endpointRequestsPerMonth: {value: 1000}
  membersWhenUnknown: {value: 3}
  defaultNotebookInstanceType: {value: ml.small}
  serverlessSecondsPerRequest: {value: 0.5}
  s3BaselineGbPerBucket: {value: 100}
  ecrBaselineGbPerRepository: {value: 1}
  efsBaselineGbPerMember: {value: 2}
  retrainingHoursPerRun: {value: 1}
  retrainingInstanceType: {value: ml.small}
regions:
  xx-test-1:
    vpcInterfaceEndpointAzHour: {usd: 0.01, unit: x, source: test, date: 2026-11}
    kmsKeyMonth: {usd: 1.0, unit: x, source: test, date: 2026-11}
    s3StandardGbMonth: {usd: 0.02, unit: x, source: test, date: 2026-11}
    efsStandardGbMonth: {usd: 0.5, unit: x, source: test, date: 2026-11}
    sagemakerServerlessGbSecond: {usd: 0.001, unit: x, source: test, date: 2026-11}
    mlflowTrackingServerHour: {usd: {Small: 0.5}, unit: x, source: test, date: 2026-11}
    sagemakerInstanceHour: {usd: {ml.small: 0.1, ml.big: 2.0}, unit: x, source: test, date: 2026-11}
"""

LAYER = "urn:pulumi:s::p::mlops:layer:Team::t"


def _resource(type_: str, name: str, parent: str, inputs: dict | None = None) -> PlannedResource:
    custom = not type_.startswith("mlops:")
    return PlannedResource(
        type=type_,
        name=name,
        urn=f"urn:pulumi:s::p::{type_}::{name}",
        parent=parent,
        custom=custom,
        provider="",
        dependencies=[],
        property_dependencies={},
        protect=False,
        retain_on_delete=False,
        inputs=inputs or {},
    )


@pytest.fixture
def prices(tmp_path: Path):
    path = tmp_path / "prices.yaml"
    path.write_text(PRICES)
    return load_prices("xx-test-1", path)


def synthetic_plan() -> Plan:
    layer = _resource("mlops:layer:Team", "t", "")
    network = _resource("mlops:network:Network", "net", layer.urn)
    lab = _resource("mlops:lab:Lab", "lab", layer.urn)
    serve = _resource("mlops:inference:Inference", "serve", layer.urn)
    interface = {"vpcEndpointType": "Interface", "subnetIds": ["subnet-a", "subnet-b"]}
    resources = [
        _resource("pulumi:providers:aws", "aws", ""),
        layer,
        network,
        lab,
        serve,
        _resource("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", network.urn, interface),
        _resource("aws:ec2/vpcEndpoint:VpcEndpoint", "kms", network.urn, interface),
        _resource(
            "aws:ec2/vpcEndpoint:VpcEndpoint", "s3", network.urn, {"vpcEndpointType": "Gateway"}
        ),
        _resource("aws:kms/key:Key", "key", layer.urn),
        _resource("aws:s3/bucket:Bucket", "raw", layer.urn),
        _resource(
            "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer",
            "mlflow",
            layer.urn,
            {"trackingServerSize": "Small"},
        ),
        _resource("aws:sagemaker/domain:Domain", "domain", lab.urn, {}),
        _resource("aws:sagemaker/userProfile:UserProfile", "alice", lab.urn),
        _resource(
            "aws:sagemaker/userProfile:UserProfile",
            "bob",
            lab.urn,
            {"userSettings": {"jupyterLabAppSettings": {"instanceType": "ml.big"}}},
        ),
        _resource(
            "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
            "rt",
            serve.urn,
            {"productionVariants": [{"instanceType": "ml.small", "initialInstanceCount": 2}]},
        ),
        _resource(
            "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
            "sl",
            serve.urn,
            {"productionVariants": [{"serverlessConfig": {"memorySizeInMb": 2048}}]},
        ),
        _resource("aws:cloudwatch/logGroup:LogGroup", "logs", serve.urn),
    ]
    return Plan("s", "p", {"aws:region": "xx-test-1"}, resources, {})


def test_idle_and_typical_match_hand_computed_values(prices) -> None:
    result = estimate(synthetic_plan(), prices)
    # Idle, by hand (700 h a month):
    #   network: 2 interface endpoints x 2 AZ x 0.01 x 700 = 28.00 (the gateway endpoint is free)
    #   layer:   KMS key 1.00 + S3 100 GB x 0.02 = 2.00 + MLflow Small 0.5 x 700 = 350.00
    #   lab:     EFS 2 members x 2 GB x 0.5 = 2.00
    #   serve:   real-time 2 x ml.small 0.1 x 700 = 140.00; serverless 0
    idle = {"net": 28.0, "t": 353.0, "lab": 2.0, "serve": 140.0}
    # Typical adds: alice 10 h x 0.1 = 1.00, bob 10 h x 2.0 = 20.00 (his own instance type);
    #   serverless 1000 requests x 0.5 s x 2 GB x 0.001 = 1.00
    typical = {"net": 28.0, "t": 353.0, "lab": 23.0, "serve": 141.0}
    components = result.by_component()
    assert {k: round(v[0], 6) for k, v in components.items()} == idle
    assert {k: round(v[1], 6) for k, v in components.items()} == typical
    assert result.idle_monthly_usd == pytest.approx(523.0)
    assert result.typical_monthly_usd == pytest.approx(545.0)
    # A type with no price is reported, never silently free.
    assert result.unpriced == ["aws:cloudwatch/logGroup:LogGroup"]


def test_assumption_overrides_change_only_the_typical_part(prices, tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    more = load_prices(
        "xx-test-1",
        path,
        overrides={"notebookHoursPerMemberPerMonth": 20, "endpointRequestsPerMonth": None},
    )
    base = estimate(synthetic_plan(), prices)
    changed = estimate(synthetic_plan(), more)
    assert changed.idle_monthly_usd == pytest.approx(base.idle_monthly_usd)
    # 10 more hours for alice (0.1) and bob (2.0)
    assert changed.typical_monthly_usd - base.typical_monthly_usd == pytest.approx(21.0)


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("rate(1 day)", 30),
        ("rate(7 days)", 30 / 7),
        ("rate(12 hours)", 60),
        ("cron(0 3 ? * MON *)", 4.35),
        ("cron(0 3 1 * ? *)", 1),
        ("cron(0 3 * * ? *)", 30),
    ],
)
def test_schedule_runs_per_month(expression: str, runs: float) -> None:
    assert runs_per_month(expression) == pytest.approx(runs, abs=0.01)


def test_shipped_price_table_has_source_and_date_on_every_entry() -> None:
    import yaml

    from mlopsctl.cost.model import PRICES_FILE

    data = yaml.safe_load(PRICES_FILE.read_text())
    assert {"eu-west-1", "us-east-1"} <= set(data["regions"])
    for region, entries in data["regions"].items():
        for item, entry in entries.items():
            assert entry["source"].startswith("https://aws.amazon.com/"), (region, item)
            assert str(entry["date"]) == "2026-11", (region, item)
