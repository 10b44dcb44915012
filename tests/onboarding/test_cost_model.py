"""The cost model's arithmetic, against hand-computed values on a synthetic plan and price table."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlopsctl.cost import estimate, load_prices
from mlopsctl.cost.model import runs_per_month, working_hours_per_week
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
  logGbPerGroupPerMonth: {value: 1}
  flowLogGbPerMonth: {value: 1}
  monitoringMinutesPerRun: {value: 6}
  monitoringInstanceType: {value: ml.small}
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
        _resource("aws:sagemaker/featureGroup:FeatureGroup", "features", serve.urn),
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
    assert result.unpriced == ["aws:sagemaker/featureGroup:FeatureGroup"]


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


def _working_hours_schedule(action: str, expression: str, server: str = "mlflow-server"):
    target = {
        "arn": f"arn:aws:scheduler:::aws-sdk:sagemaker:{action}MlflowTrackingServer",
        "input": f'{{"TrackingServerName": "{server}"}}',
    }
    return _resource(
        "aws:scheduler/schedule:Schedule",
        f"mlflow-{action}",
        LAYER,
        {"scheduleExpression": expression, "target": target},
    )


def _with_schedules(start: str, stop: str) -> Plan:
    plan = synthetic_plan()
    server = next(r for r in plan.resources if r.name == "mlflow")
    server.inputs["trackingServerName"] = "mlflow-server"
    retraining = _resource(
        "aws:scheduler/schedule:Schedule",
        "retraining",
        LAYER,
        {"scheduleExpression": "rate(1 day)", "target": {"arn": "arn:aws:sagemaker:pipeline/p"}},
    )
    schedules = [
        _working_hours_schedule("start", start),
        _working_hours_schedule("stop", stop),
        retraining,
    ]
    return Plan("s", "p", plan.config, [*plan.resources, *schedules], {})


def test_working_hours_schedules_bill_the_server_only_while_started(prices) -> None:
    result = estimate(
        _with_schedules("cron(30 8 ? * MON-FRI *)", "cron(0 18 ? * MON-FRI *)"), prices
    )
    # By hand: 08:30-18:00 is 9.5 h x 5 days = 47.5 h a week x 4.35 = 206.625 h a month,
    #   MLflow Small 0.5 x 206.625 = 103.3125 (instead of 0.5 x 700 = 350 always on).
    #   layer idle: KMS 1.00 + S3 2.00 + 103.3125 = 106.3125
    # The two stop/start schedules cost nothing here; the retraining schedule still prices its
    #   runs: rate(1 day) = 30 runs x 1 h x ml.small 0.1 = 3.00 (typical only).
    components = result.by_component()
    assert components["t"] == pytest.approx((106.3125, 109.3125))
    assert result.idle_monthly_usd == pytest.approx(28.0 + 106.3125 + 2.0 + 140.0)
    [line] = [line for line in result.lines if line.item.startswith("MLflow")]
    assert (
        line.item == "MLflow tracking server Small, working hours 47.5 h a week x 4.35 = 206.625 h"
    )
    assert "notes" not in result.assumptions


def test_unread_working_hours_count_always_on_and_say_so(prices) -> None:
    result = estimate(
        _with_schedules("cron(0 7 ? * MON-FRI *)", "cron(0 20 ? * MON-SAT *)"), prices
    )
    [line] = [line for line in result.lines if line.item.startswith("MLflow")]
    assert line.idle_monthly_usd == pytest.approx(350.0)  # 0.5 x 700, as without schedules
    assert "always on" in line.item
    [note] = result.assumptions["notes"]
    assert "mlflow-server" in note and "cron(0 20 ? * MON-SAT *)" in note
    assert "counted always on" in note


@pytest.mark.parametrize(
    ("start", "stop", "hours"),
    [
        ("cron(0 7 ? * MON-FRI *)", "cron(0 20 ? * MON-FRI *)", 65.0),  # 13 h x 5
        ("cron(30 8 ? * MON-FRI *)", "cron(0 18 ? * MON-FRI *)", 47.5),  # 9.5 h x 5
        ("cron(0 9 ? * MON,WED,FRI *)", "cron(0 17 ? * MON,WED,FRI *)", 24.0),  # 8 h x 3
        ("cron(0 6 ? * 2-6 *)", "cron(0 22 ? * 2-6 *)", 80.0),  # 16 h x 5 (SUN=1)
        ("cron(0 0 ? * * *)", "cron(0 12 ? * * *)", 84.0),  # 12 h x 7
        ("cron(0 20 ? * MON-FRI *)", "cron(0 7 ? * MON-FRI *)", None),  # stop before start
        ("cron(0 7 ? * MON-FRI *)", "cron(0 20 ? * MON-SAT *)", None),  # different days
        ("rate(12 hours)", "cron(0 20 ? * MON-FRI *)", None),
        ("cron(0 7 1 * ? *)", "cron(0 20 1 * ? *)", None),  # day of month
        ("cron(0 7 ? * FRI-MON *)", "cron(0 20 ? * FRI-MON *)", None),  # wrapping range
    ],
)
def test_working_hours_per_week(start: str, stop: str, hours: float | None) -> None:
    assert working_hours_per_week(start, stop) == hours


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
            assert entry["source"].startswith(
                ("https://aws.amazon.com/", "https://docs.aws.amazon.com/")
            ), (region, item)
            assert str(entry["date"]) in ("2026-11", "2026-12"), (region, item)
            if not entry["source"].endswith("/pricing/"):  # a figure not read off a price page
                assert entry.get("note"), (region, item)


def test_mlflow_app_price_says_where_its_zero_comes_from() -> None:
    import yaml

    from mlopsctl.cost.model import PRICES_FILE

    for entries in yaml.safe_load(PRICES_FILE.read_text())["regions"].values():
        entry = entries["mlflowAppMonth"]
        assert entry["usd"] == 0
        assert "NO OFFICIAL PRICE FOUND" in entry["note"]
        assert "github.com/londonaicentre/FLIP/issues/745" in entry["note"]
        assert "cloudobjectivity.co.uk" in entry["note"]
