"""Network: a private VPC with the endpoints the platform needs, or adoption of existing ids.

Create mode: private subnets in every configured AZ; AWS services are reached through an S3
gateway endpoint and interface endpoints (in every AZ, or in the first one only); the default
security group is emptied; flow logs go to the environment's audit bucket. Egress beyond AWS
(git hosts, package mirrors) is what `egress` chooses (`components/network_egress.py`): by
default none, no internet gateway, no NAT.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.network_egress import EgressArgs, EgressNetwork, create_egress


@dataclass
class NetworkArgs:
    region: str
    name: str  # the VPC's Name tag, and the prefix of its companions' Name tags
    mode: Literal["create", "adopt"] = "create"
    # Create mode.
    cidr: str = "10.20.0.0/16"
    availability_zones: list[str] = field(default_factory=list)
    # Interface endpoints: logical name (in resource names and Name tags) -> PrivateLink service
    # name, e.g. {"sts": "com.amazonaws.eu-west-1.sts"}.
    interface_endpoints: dict[str, str] = field(default_factory=dict)
    # Where their network interfaces are: the first zone's private subnet only (`one`: cheaper,
    # the other zones reach it across zones, billed per GB; that zone's outage cuts them off) or
    # every zone's (`all`).
    interface_endpoint_azs: Literal["one", "all"] = "all"
    flow_log_destination_arn: pulumi.Input[str] | None = None
    egress: EgressArgs = field(default_factory=EgressArgs)
    # Adopt mode: the existing network's ids.
    vpc_id: str | None = None
    subnet_ids: list[str] = field(default_factory=list)
    security_group_ids: list[str] = field(default_factory=list)


def subnet_cidrs(vpc_cidr: str, count: int) -> list[str]:
    """One equal private subnet per AZ, carved from the VPC range (room for 4 AZs)."""
    network = ipaddress.IPv4Network(vpc_cidr)
    return [str(s) for s in list(network.subnets(prefixlen_diff=2))[:count]]


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    subnet_ids: pulumi.Output[list[str]]
    workload_security_group_ids: pulumi.Output[list[str]]
    # The private subnets' route tables, for routes the network owner adds (peering, VPN).
    private_route_table_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:network:Network", name, None, opts)
        if args.mode == "adopt":
            self.vpc_id = pulumi.Output.from_input(args.vpc_id or "")
            self.subnet_ids = pulumi.Output.from_input(list(args.subnet_ids))
            self.workload_security_group_ids = pulumi.Output.from_input(
                list(args.security_group_ids)
            )
            self.private_route_table_ids = pulumi.Output.from_input([])
        else:
            self._create(name, args)
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "subnetIds": self.subnet_ids,
                "workloadSecurityGroupIds": self.workload_security_group_ids,
                "privateRouteTableIds": self.private_route_table_ids,
            }
        )

    def _create(self, name: str, args: NetworkArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_hostnames=True,  # interface endpoints need private DNS
            enable_dns_support=True,
            tags={"Name": args.name},
            opts=child,
        )
        # The default security group allows all traffic between its members: empty it.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, opts=child)
        route_tables = self._private_route_tables(name, args, vpc)
        distinct_tables = list({id(t): t for t in route_tables.values()}.values())
        subnets = self._private_subnets(name, args, vpc, route_tables)
        endpoint_sg, workload_sg = self._security_groups(name, args, vpc)
        s3 = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[t.id for t in distinct_tables],
            tags={"Name": f"{args.name}-s3"},
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-workloads-s3-out",
            security_group_id=workload_sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            prefix_list_id=s3.prefix_list_id,
            description="HTTPS to S3 through the gateway endpoint",
            opts=child,
        )
        endpoint_subnets = subnets[:1] if args.interface_endpoint_azs == "one" else subnets
        for endpoint, service in args.interface_endpoints.items():
            aws.ec2.VpcEndpoint(
                f"{name}-{endpoint}",
                vpc_id=vpc.id,
                service_name=service,
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in endpoint_subnets],
                security_group_ids=[endpoint_sg.id],
                tags={"Name": f"{args.name}-{endpoint}"},
                opts=child,
            )
        if args.flow_log_destination_arn is not None:
            aws.ec2.FlowLog(
                f"{name}-flow-logs",
                vpc_id=vpc.id,
                traffic_type="ALL",
                log_destination_type="s3",
                log_destination=args.flow_log_destination_arn,
                max_aggregation_interval=600,
                opts=child,
            )
        create_egress(
            EgressNetwork(
                name=name,
                tag_name=args.name,
                vpc=vpc,
                cidr=args.cidr,
                zones=list(args.availability_zones),
                private_subnets=subnets,
                private_route_tables=route_tables,
                workload_sg=workload_sg,
                opts=child,
            ),
            args.egress,
        )
        self.vpc_id = vpc.id
        self.subnet_ids = pulumi.Output.all(*[s.id for s in subnets]).apply(list)
        self.workload_security_group_ids = workload_sg.id.apply(lambda sg: [sg])
        self.private_route_table_ids = pulumi.Output.all(*[t.id for t in distinct_tables]).apply(
            list
        )

    def _private_route_tables(
        self, name: str, args: NetworkArgs, vpc: aws.ec2.Vpc
    ) -> dict[str, aws.ec2.RouteTable]:
        """Zone -> the route table of its private subnet: one shared table, or one per zone
        when each zone routes to its own NAT gateway."""
        child = pulumi.ResourceOptions(parent=self)
        if not args.egress.per_zone_route_tables:
            shared = aws.ec2.RouteTable(
                f"{name}-private", vpc_id=vpc.id, tags={"Name": f"{args.name}-private"}, opts=child
            )
            return dict.fromkeys(args.availability_zones, shared)
        return {
            zone: aws.ec2.RouteTable(
                f"{name}-private-{zone}",
                vpc_id=vpc.id,
                tags={"Name": f"{args.name}-private-{zone}"},
                opts=child,
            )
            for zone in args.availability_zones
        }

    def _private_subnets(
        self,
        name: str,
        args: NetworkArgs,
        vpc: aws.ec2.Vpc,
        route_tables: dict[str, aws.ec2.RouteTable],
    ) -> list[aws.ec2.Subnet]:
        """One private subnet per availability zone, on its zone's private route table."""
        child = pulumi.ResourceOptions(parent=self)
        subnets = []
        for zone, cidr in zip(
            args.availability_zones,
            subnet_cidrs(args.cidr, len(args.availability_zones)),
            strict=True,
        ):
            subnet = aws.ec2.Subnet(
                f"{name}-private-{zone}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": f"{args.name}-private-{zone}", "tier": "private"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{zone}",
                subnet_id=subnet.id,
                route_table_id=route_tables[zone].id,
                opts=child,
            )
            subnets.append(subnet)
        return subnets

    def _security_groups(
        self, name: str, args: NetworkArgs, vpc: aws.ec2.Vpc
    ) -> tuple[aws.ec2.SecurityGroup, aws.ec2.SecurityGroup]:
        """(interface endpoints' group: HTTPS in from the VPC; workloads' group: HTTPS out)."""
        child = pulumi.ResourceOptions(parent=self)
        endpoint_sg = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            vpc_id=vpc.id,
            description="HTTPS from the VPC to AWS service interface endpoints",
            tags={"Name": f"{args.name}-endpoints"},
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https-in",
            security_group_id=endpoint_sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=args.cidr,
            description="HTTPS from inside the VPC",
            opts=child,
        )
        workload_sg = aws.ec2.SecurityGroup(
            f"{name}-workloads",
            vpc_id=vpc.id,
            description="Notebooks, jobs and endpoints: no inbound, HTTPS out inside the VPC only",
            tags={"Name": f"{args.name}-workloads"},
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-workloads-https-out",
            security_group_id=workload_sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=args.cidr,
            description="HTTPS to the interface endpoints",
            opts=child,
        )
        return endpoint_sg, workload_sg
