"""Nothing billable goes unpriced: every type any shipped stack (or variant) plans is priced or
known to be free, and the known-free list holds no type AWS bills."""

from __future__ import annotations

import pytest

from mlopsctl.cost import estimate
from mlopsctl.plan import Plan, plan_stack
from policies.cost_model.free import FREE_TYPES, is_free
from policies.cost_model.pricer import PRICED_TYPES
from policies.cost_model.resources import from_plan
from tests.conftest import SECRETS_ENDPOINT, SHIPPED_STACKS, plan_variant

CERT = "arn:aws:acm:eu-west-1:210987654321:certificate/0e6d2f6a-1111-2222-3333-444455556666"
NAT = {"mlops:network": {"egress": {"mode": "nat", "destinations": None, "hosts": None}}}
TRANSIT = {
    "mlops:network": {
        "egress": {
            "mode": "transit-gateway",
            "transitGatewayId": "tgw-0123456789abcdef0",
            "destinations": None,
            "hosts": None,
        }
    }
}
SELF_HOSTED = {
    "mlops:tracking": {
        "kind": "self-hosted",
        "selfHosted": {"certificateArn": CERT},
        "workingHours": {"enabled": None},
    }
}
# (label, stack, config changes, environment changes, a type the variant must plan)
VARIANTS = [
    (
        "self-hosted tracking",
        "fraud-dev",
        SELF_HOSTED,
        SECRETS_ENDPOINT,
        "aws:rds/instance:Instance",
    ),
    (
        "managed tracking server",
        "fraud-dev",
        {"mlops:tracking": {"kind": "sagemaker"}},
        None,
        "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer",
    ),
    (
        "app tracking",
        "vision-dev",
        {"mlops:tracking": {"kind": "app"}},
        NAT,
        "aws:sagemaker/mlflowApp:MlflowApp",
    ),
    ("kubernetes backend", "vision-dev", {}, None, "kubernetes:batch/v1:CronJob"),
    (
        "real-time endpoint, model version 3",
        "fraud-dev",
        {"mlops:inference": {"model": {"version": 3}, "sagemaker": {"mode": "realtime"}}},
        None,
        "aws:sagemaker/monitoringSchedule:MonitoringSchedule",
    ),
    ("nat egress", "dev", NAT, None, "aws:ec2/natGateway:NatGateway"),
    (
        "transit gateway egress",
        "dev",
        TRANSIT,
        None,
        "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
    ),
]
# Types AWS bills for by themselves: never in the known-free list.
BILLED = [
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:kms/key:Key",
    "aws:budgets/budget:Budget",
    "aws:sagemaker/app:App",
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer",
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule",
    "aws:secretsmanager/secret:Secret",
]


def _unaccounted(plan: Plan) -> set[str]:
    return {
        r.type
        for r in from_plan(plan)
        if r.is_priced_kind and r.type not in PRICED_TYPES and not is_free(r.type)
    }


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_type_a_shipped_stack_plans_is_priced_or_known_free(stack: str) -> None:
    plan = plan_stack(stack)
    assert _unaccounted(plan) == set()
    assert estimate(plan).unpriced == []


@pytest.mark.parametrize(
    ("stack", "changes", "environment", "planned"),
    [pytest.param(s, c, e, t, id=label) for label, s, c, e, t in VARIANTS],
)
def test_every_type_a_variant_plans_is_priced_or_known_free(
    stack: str, changes: dict, environment: dict | None, planned: str
) -> None:
    plan = (
        plan_variant(stack, changes, environment) if changes or environment else plan_stack(stack)
    )
    assert plan.of_type(planned), f"the variant plans no {planned}"
    assert _unaccounted(plan) == set()
    assert estimate(plan).unpriced == []


def test_the_known_free_list_holds_no_billed_or_priced_type() -> None:
    assert not set(FREE_TYPES) & PRICED_TYPES
    for type_token in BILLED:
        assert not is_free(type_token), type_token
        assert type_token in PRICED_TYPES, type_token
    assert all(reason.strip() for reason in FREE_TYPES.values())


def test_an_unknown_billable_type_is_reported_in_the_json_output() -> None:
    from policies.cost_model.core import estimate_resources
    from policies.cost_model.resources import CostResource

    result = estimate_resources(
        "s", [CostResource("aws:sagemaker/featureGroup:FeatureGroup", "f", "urn:f")], "eu-west-1"
    )
    assert result.to_json()["unpriced"] == ["aws:sagemaker/featureGroup:FeatureGroup"]


def test_the_table_lists_an_unpriced_type_as_its_own_row() -> None:
    from rich.console import Console

    from mlopsctl.commands.cost import _print_footer, _print_table
    from policies.cost_model.core import estimate_resources
    from policies.cost_model.resources import CostResource

    result = estimate_resources(
        "s", [CostResource("aws:sagemaker/featureGroup:FeatureGroup", "f", "urn:f")], "eu-west-1"
    )
    console = Console(record=True, width=200, color_system=None)
    _print_table(console, "s", result)
    _print_footer(console, "s", result, None)
    text = console.export_text()
    assert "unpriced: aws:sagemaker/featureGroup:FeatureGroup" in text
    assert "unpriced (billable types with no price in the table, not in the totals)" in text
