"""Controlled egress (`mlops:network.egress`): each mode plans exactly its resources and its
security group rules, AWS and the policy pack accept them, and the cost model prices them (the
settings rules: `test_egress_rules.py`).

Every expected value is written here: the VPC range, destinations, hosts and transit gateway id
of the variants below, and the prices read straight from `policies/cost_model/prices.yaml`.
"""

from __future__ import annotations

import pytest
import yaml

from mlopsctl.conformance import check_plan
from mlopsctl.conformance.mapping import NOT_API_PREFIXES, NOT_API_RESOURCES, REQUESTS
from mlopsctl.cost import estimate
from mlopsctl.policy_runner import run_plan_policies
from policies.cost_model.lines import PRICES_FILE
from tests.conftest import PROJECT, plan_variant

VPC_CIDR = "10.20.0.0/16"
ZONES = ["eu-west-1a", "eu-west-1b"]
CORPORATE = "172.16.0.0/12"
PREFIX_LIST = "pl-0123456789abcdef0"
TGW = "tgw-0123456789abcdef0"
ANYWHERE = "0.0.0.0/0"

# Egress variants of the dev environment (None removes dev's private-mode keys).
NONE = {"mode": "none", "destinations": None, "hosts": None}
PRIVATE = {
    "mode": "private",
    "destinations": [{"cidr": CORPORATE}, {"prefixListId": PREFIX_LIST}],
    "hosts": ["git.internal.example.com", "*.internal.example.com"],
}
NAT = {"mode": "nat", "destinations": None, "hosts": None}
NAT_PER_AZ = {**NAT, "natGateways": "per-az"}
TRANSIT = {"mode": "transit-gateway", "transitGatewayId": TGW, "destinations": None, "hosts": None}
VARIANTS = {"none": NONE, "private": PRIVATE, "nat": NAT, "nat-per-az": NAT_PER_AZ, "tgw": TRANSIT}

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
EGRESS_TYPES = (ROUTE, IGW, NAT_GATEWAY, EIP, ATTACHMENT)


def environment(egress: dict) -> dict:
    network = {"cidr": VPC_CIDR, "availabilityZones": ZONES, "egress": egress}
    return {"mlops:network": network}


_PLANS: dict[str, object] = {}


def planned(label: str):
    if label not in _PLANS:
        _PLANS[label] = plan_variant("dev", environment(VARIANTS[label]))
    return _PLANS[label]


def workload_egress(plan) -> set[tuple[str, str, float, float]]:
    """(protocol, destination, from, to) of each egress rule of the workload security group."""
    group = plan.one("aws:ec2/securityGroup:SecurityGroup", "network-workloads")
    assert plan.exports["workloadSecurityGroupIds"] == [group.id]
    return {
        (
            r.inputs["ipProtocol"],
            r.inputs.get("cidrIpv4") or r.inputs.get("prefixListId"),
            r.inputs["fromPort"],
            r.inputs["toPort"],
        )
        for r in plan.of_type(EGRESS_RULE)
        if r.inputs["securityGroupId"] == group.id
    }


def https(*destinations: str) -> set[tuple[str, str, float, float]]:
    return {("tcp", d, 443, 443) for d in destinations}


def s3_prefix_list(plan) -> str:
    s3 = next(e for e in plan.of_type(ENDPOINT) if e.inputs["vpcEndpointType"] == "Gateway")
    return s3.outputs["prefixListId"]


def types_of(plan) -> set[str]:
    return {r.type for r in plan.resources}


def test_mode_none_reaches_the_vpc_and_s3_only():
    plan = planned("none")
    assert workload_egress(plan) == https(VPC_CIDR, s3_prefix_list(plan))
    assert not types_of(plan) & set(EGRESS_TYPES)
    assert plan.exports["teamContract"]["egressMode"] == "none"
    assert plan.exports["teamContract"]["egressHosts"] == []


def test_mode_private_adds_one_https_rule_per_destination_and_no_path_out():
    plan = planned("private")
    expected = https(VPC_CIDR, s3_prefix_list(plan), CORPORATE, PREFIX_LIST)
    assert workload_egress(plan) == expected
    assert not types_of(plan) & set(EGRESS_TYPES)
    assert plan.exports["teamContract"]["egressMode"] == "private"
    assert plan.exports["teamContract"]["egressHosts"] == PRIVATE["hosts"]
    # The routes to the connected network are the network owner's: the table ids are exported.
    tables = plan.of_type(ROUTE_TABLE)
    assert plan.exports["privateRouteTableIds"] == [t.id for t in tables]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_environments_reach_the_corporate_git_and_mirror_hosts(plan, stack):
    network = yaml.safe_load(PROJECT.stack_path(stack).read_text())["config"]["mlops:network"]
    assert network["egress"] == {
        "mode": "private",
        "destinations": [{"cidr": CORPORATE}],
        # The git server, the mirror and the teams' MLflow App host (AWS's regional app host).
        "hosts": [
            "git.internal.example.com",
            "mirror.internal.example.com",
            "mlflow.sagemaker.eu-west-1.app.aws",
        ],
    }
    result = plan(stack)
    assert workload_egress(result) == https(network["cidr"], s3_prefix_list(result), CORPORATE)
    assert not types_of(result) & set(EGRESS_TYPES)


def _routes_of(plan, table) -> dict[str, dict]:
    return {
        r.inputs["destinationCidrBlock"]: r.inputs
        for r in plan.of_type(ROUTE)
        if r.inputs["routeTableId"] == table.id
    }


def test_mode_nat_single_gateway_in_the_first_zone():
    plan = planned("nat")
    assert workload_egress(plan) == https(VPC_CIDR, s3_prefix_list(plan), ANYWHERE)
    igw, nat, eip = plan.one(IGW), plan.one(NAT_GATEWAY), plan.one(EIP)
    assert not plan.of_type(ATTACHMENT)
    public = [s for s in plan.of_type(SUBNET) if s.inputs["tags"]["tier"] == "public"]
    assert [(s.inputs["availabilityZone"], s.inputs["cidrBlock"]) for s in public] == [
        ("eu-west-1a", "10.20.192.0/20")  # the first /20 of the VPC's last quarter
    ]
    assert public[0].inputs["mapPublicIpOnLaunch"] is False
    assert nat.inputs["subnetId"] == public[0].id and nat.inputs["allocationId"] == eip.id
    assert eip.inputs["domain"] == "vpc" and igw.inputs["vpcId"] == plan.exports["vpcId"]
    public_table = plan.one(ROUTE_TABLE, "network-public")
    private_table = plan.one(ROUTE_TABLE, "network-private")
    assert _routes_of(plan, public_table)[ANYWHERE]["gatewayId"] == igw.id
    assert _routes_of(plan, private_table)[ANYWHERE]["natGatewayId"] == nat.id
    private_subnets = set(plan.exports["privateSubnetIds"])
    associated = {a.inputs["subnetId"]: a.inputs["routeTableId"] for a in plan.of_type(ASSOCIATION)}
    assert {s: associated[s] for s in private_subnets} == dict.fromkeys(
        private_subnets, private_table.id
    )
    assert associated[public[0].id] == public_table.id


def test_mode_nat_per_az_routes_each_zone_to_its_own_gateway():
    plan = planned("nat-per-az")
    gateways = {n.name: n for n in plan.of_type(NAT_GATEWAY)}
    assert set(gateways) == {f"network-nat-{zone}" for zone in ZONES}
    subnets = {s.id: s.inputs["availabilityZone"] for s in plan.of_type(SUBNET)}
    for zone in ZONES:
        table = plan.one(ROUTE_TABLE, f"network-private-{zone}")
        nat = gateways[f"network-nat-{zone}"]
        assert subnets[nat.inputs["subnetId"]] == zone
        assert _routes_of(plan, table)[ANYWHERE]["natGatewayId"] == nat.id
        private = plan.one(SUBNET, f"network-private-{zone}")
        association = plan.one(ASSOCIATION, f"network-private-{zone}")
        assert association.inputs["subnetId"] == private.id
        assert association.inputs["routeTableId"] == table.id
    s3 = next(e for e in plan.of_type(ENDPOINT) if e.inputs["vpcEndpointType"] == "Gateway")
    private_tables = [plan.one(ROUTE_TABLE, f"network-private-{zone}").id for zone in ZONES]
    assert sorted(s3.inputs["routeTableIds"]) == sorted(private_tables)
    assert len(plan.of_type(EIP)) == len(ZONES)


def test_mode_nat_defaults_to_a_gateway_per_zone_in_production():
    prod_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    plan = plan_variant("prod", {"mlops:network": {"egress": NAT}})
    subnet_zone = {s.id: s.inputs["availabilityZone"] for s in plan.of_type(SUBNET)}
    assert sorted(subnet_zone[n.inputs["subnetId"]] for n in plan.of_type(NAT_GATEWAY)) == (
        prod_zones
    )


def test_mode_transit_gateway_attaches_the_private_subnets_and_routes_to_it():
    plan = planned("tgw")
    assert workload_egress(plan) == https(VPC_CIDR, s3_prefix_list(plan), ANYWHERE)
    attachment = plan.one(ATTACHMENT)
    assert attachment.inputs["transitGatewayId"] == TGW
    assert attachment.inputs["vpcId"] == plan.exports["vpcId"]
    assert sorted(attachment.inputs["subnetIds"]) == sorted(plan.exports["privateSubnetIds"])
    route = plan.one(ROUTE)
    assert route.inputs["destinationCidrBlock"] == ANYWHERE
    assert route.inputs["transitGatewayId"] == TGW
    assert route.inputs["routeTableId"] == plan.one(ROUTE_TABLE, "network-private").id
    assert attachment.urn in route.dependencies  # the route waits for the attachment
    assert not types_of(plan) & {IGW, NAT_GATEWAY, EIP}


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_every_mode_is_mapped_accepted_by_aws_and_passes_the_pack(label):
    plan = planned(label)
    unmapped = {
        t
        for t in types_of(plan)
        if t not in REQUESTS and t not in NOT_API_RESOURCES and not t.startswith(NOT_API_PREFIXES)
    }
    assert unmapped == set()
    assert check_plan(plan) == []
    assert [str(v) for v in run_plan_policies(plan) if v.mandatory] == []


def test_the_pack_refuses_a_nat_the_environment_did_not_choose():
    from tests.policies.helpers import violations

    found = violations(planned("nat"), {"network-egress-as-configured": {"egressMode": "private"}})
    names = {
        v.message.split(":", 1)[0] for v in found if v.policy == "network-egress-as-configured"
    }
    assert names == {
        "network-igw",
        "network-nat-eu-west-1a",
        "network-private-internet",
        "network-public-internet",
    }


def _price(item: str) -> float:
    return float(yaml.safe_load(PRICES_FILE.read_text())["regions"]["eu-west-1"][item]["usd"])


def test_cost_of_nat_and_transit_egress():
    hours = float(yaml.safe_load(PRICES_FILE.read_text())["hoursPerMonth"])
    gb = float(yaml.safe_load(PRICES_FILE.read_text())["assumptions"]["egressGbPerMonth"]["value"])
    base = estimate(planned("none"))
    nat = estimate(planned("nat-per-az"))
    nat_idle = 2 * (_price("natGatewayHour") + _price("publicIpv4Hour")) * hours
    assert nat.idle_monthly_usd - base.idle_monthly_usd == pytest.approx(nat_idle)
    assert nat.typical_monthly_usd - nat.idle_monthly_usd - (
        base.typical_monthly_usd - base.idle_monthly_usd
    ) == pytest.approx(gb * _price("natGatewayGb"))
    tgw = estimate(planned("tgw"))
    assert tgw.idle_monthly_usd - base.idle_monthly_usd == pytest.approx(
        _price("transitGatewayAttachmentHour") * hours
    )
    assert not nat.unpriced and not tgw.unpriced
