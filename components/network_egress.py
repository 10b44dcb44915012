"""Controlled egress of the network's workloads: HTTPS to git hosts and package mirrors.

- none: nothing here (the VPC and AWS services through endpoints only);
- private: one workload security group egress rule per destination (a range or a managed
  prefix list of a peered or connected network) on TCP 443; the routes to those networks
  (peering, VPN, transit gateway) are the network owner's, outside this component;
- nat: an internet gateway, a public subnet and a NAT gateway with its Elastic IP in the first
  zone (`single`) or in every zone (`per-az`), a 0.0.0.0/0 route of each private route table
  to its NAT gateway, and the workloads' HTTPS to 0.0.0.0/0;
- transit-gateway: a VPC attachment of the private subnets to an existing transit gateway and
  a 0.0.0.0/0 route to it (a central egress VPC behind it), and the workloads' HTTPS to
  0.0.0.0/0.

Nothing opens inbound access: public subnets hold the NAT gateways only and assign no public
addresses.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

EgressMode = Literal["none", "private", "nat", "transit-gateway"]
ANYWHERE = "0.0.0.0/0"
HTTPS = 443


@dataclass
class EgressArgs:
    mode: EgressMode = "none"
    # private: networks outside the VPC reached on HTTPS.
    destination_cidrs: list[str] = field(default_factory=list)
    destination_prefix_list_ids: list[str] = field(default_factory=list)
    # nat: one gateway in the first zone, or one per zone.
    nat_gateways: Literal["single", "per-az"] = "single"
    # transit-gateway: an existing transit gateway (a prerequisite outside the stack).
    transit_gateway_id: str | None = None

    @property
    def per_zone_route_tables(self) -> bool:
        """Private subnets need a route table per zone only to reach a NAT gateway per zone."""
        return self.mode == "nat" and self.nat_gateways == "per-az"


def public_subnet_cidrs(vpc_cidr: str, count: int) -> list[str]:
    """Public subnets (NAT gateways only) from the last quarter of the VPC range, which private
    subnets leave free up to three zones (`network.subnet_cidrs`)."""
    last_quarter = list(ipaddress.IPv4Network(vpc_cidr).subnets(prefixlen_diff=2))[3]
    if count > 3:
        raise ValueError("egress mode nat: at most three availability zones")
    return [str(s) for s in list(last_quarter.subnets(prefixlen_diff=2))[:count]]


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


@dataclass
class EgressNetwork:
    """What the egress resources attach to: the network component's own resources."""

    name: str  # logical name prefix
    tag_name: str  # Name tag prefix
    vpc: aws.ec2.Vpc
    cidr: str
    zones: list[str]
    private_subnets: list[aws.ec2.Subnet]
    private_route_tables: dict[str, aws.ec2.RouteTable]  # zone -> its private route table
    workload_sg: aws.ec2.SecurityGroup
    opts: pulumi.ResourceOptions


def create_egress(net: EgressNetwork, args: EgressArgs) -> None:
    if args.mode == "none":
        return
    _egress_rules(net, args)
    if args.mode == "nat":
        _nat(net, args)
    elif args.mode == "transit-gateway":
        _transit_gateway(net, args)


def _rule(
    net: EgressNetwork,
    suffix: str,
    description: str,
    cidr_ipv4: str | None = None,
    prefix_list_id: str | None = None,
) -> None:
    aws.vpc.SecurityGroupEgressRule(
        f"{net.name}-workloads-to-{suffix}",
        security_group_id=net.workload_sg.id,
        ip_protocol="tcp",
        from_port=HTTPS,
        to_port=HTTPS,
        cidr_ipv4=cidr_ipv4,
        prefix_list_id=prefix_list_id,
        description=description,
        opts=net.opts,
    )


def _egress_rules(net: EgressNetwork, args: EgressArgs) -> None:
    if args.mode != "private":
        _rule(
            net,
            "internet",
            f"HTTPS to git hosts and mirrors through {args.mode}",
            cidr_ipv4=ANYWHERE,
        )
        return
    for cidr in args.destination_cidrs:
        _rule(
            net,
            _slug(cidr),
            "HTTPS to git hosts and mirrors of a connected network",
            cidr_ipv4=cidr,
        )
    for prefix_list in args.destination_prefix_list_ids:
        _rule(
            net,
            prefix_list,
            "HTTPS to git hosts and mirrors of a connected network",
            prefix_list_id=prefix_list,
        )


def _default_routes(
    net: EgressNetwork,
    nat_gateway_ids: dict[str, pulumi.Output[str]] | None = None,
    transit_gateway_id: pulumi.Output[str] | None = None,
) -> None:
    """A 0.0.0.0/0 route in each distinct private route table: to its zone's NAT gateway, or
    to the transit gateway."""
    tables: dict[int, tuple[str, aws.ec2.RouteTable]] = {}
    for zone, table in net.private_route_tables.items():
        tables.setdefault(id(table), (zone, table))
    for zone, table in tables.values():
        aws.ec2.Route(
            f"{net.name}-private-internet"
            if len(tables) == 1
            else f"{net.name}-private-{zone}-internet",
            route_table_id=table.id,
            destination_cidr_block=ANYWHERE,
            nat_gateway_id=nat_gateway_ids[zone] if nat_gateway_ids else None,
            transit_gateway_id=transit_gateway_id,
            opts=net.opts,
        )


def _nat(net: EgressNetwork, args: EgressArgs) -> None:
    name, tag, child = net.name, net.tag_name, net.opts
    igw = aws.ec2.InternetGateway(
        f"{name}-igw", vpc_id=net.vpc.id, tags={"Name": f"{tag}-igw"}, opts=child
    )
    public_table = aws.ec2.RouteTable(
        f"{name}-public", vpc_id=net.vpc.id, tags={"Name": f"{tag}-public"}, opts=child
    )
    aws.ec2.Route(
        f"{name}-public-internet",
        route_table_id=public_table.id,
        destination_cidr_block=ANYWHERE,
        gateway_id=igw.id,
        opts=child,
    )
    nat_zones = net.zones if args.nat_gateways == "per-az" else net.zones[:1]
    gateways: dict[str, aws.ec2.NatGateway] = {}
    for zone, cidr in zip(nat_zones, public_subnet_cidrs(net.cidr, len(nat_zones)), strict=True):
        subnet = aws.ec2.Subnet(
            f"{name}-public-{zone}",
            vpc_id=net.vpc.id,
            cidr_block=cidr,
            availability_zone=zone,
            map_public_ip_on_launch=False,  # only the NAT gateway's Elastic IP is public
            tags={"Name": f"{tag}-public-{zone}", "tier": "public"},
            opts=child,
        )
        aws.ec2.RouteTableAssociation(
            f"{name}-public-{zone}", subnet_id=subnet.id, route_table_id=public_table.id, opts=child
        )
        address = aws.ec2.Eip(
            f"{name}-nat-ip-{zone}", domain="vpc", tags={"Name": f"{tag}-nat-{zone}"}, opts=child
        )
        gateways[zone] = aws.ec2.NatGateway(
            f"{name}-nat-{zone}",
            allocation_id=address.id,
            subnet_id=subnet.id,
            connectivity_type="public",
            tags={"Name": f"{tag}-nat-{zone}"},
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[igw])),
        )
    first = gateways[nat_zones[0]]
    _default_routes(net, nat_gateway_ids={z: gateways.get(z, first).id for z in net.zones})


def _transit_gateway(net: EgressNetwork, args: EgressArgs) -> None:
    attachment = aws.ec2transitgateway.VpcAttachment(
        f"{net.name}-tgw",
        transit_gateway_id=args.transit_gateway_id or "",
        vpc_id=net.vpc.id,
        subnet_ids=[s.id for s in net.private_subnets],
        dns_support="enable",
        tags={"Name": f"{net.tag_name}-tgw"},
        opts=net.opts,
    )
    # The attachment's output, not the configured id: the route waits for the attachment
    # (CreateRoute refuses a transit gateway the VPC is not attached to).
    _default_routes(net, transit_gateway_id=attachment.transit_gateway_id)
