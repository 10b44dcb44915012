"""Insecure variants: a path out of the VPC the environment's egress mode did not choose."""

from __future__ import annotations

from tests.policies.corpus.cases import Case
from tests.policies.helpers import add, resource

VPC = "aws:ec2/vpc:Vpc"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
IGW = "aws:ec2/internetGateway:InternetGateway"
ROUTE = "aws:ec2/route:Route"


def _internet_route(plan) -> None:
    """A hand-added internet gateway and default route in dev (egress mode private)."""
    vpc = resource(plan, VPC).id
    table = resource(plan, ROUTE_TABLE).id
    add(plan, IGW, "rogue-igw", {"vpcId": vpc})
    add(
        plan,
        ROUTE,
        "rogue-default",
        {"routeTableId": table, "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"},
    )


CASES = [
    Case("internet-gateway-not-chosen", "dev", "network-egress-as-configured", _internet_route),
    # The NAT mode's resources, judged with a pack config that says the environment chose none.
    Case(
        "nat-with-egress-none",
        "dev",
        "network-egress-as-configured",
        config={"mlops:network": {"egress": {"mode": "nat", "destinations": None, "hosts": None}}},
        pack={"network-egress-as-configured": {"egressMode": "none"}},
    ),
]
