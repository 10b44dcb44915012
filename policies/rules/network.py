"""Network: a path out of the VPC exists only where the environment's egress mode chose it.

The platform's VPC reaches AWS services through endpoints; a team's git hosts and package
mirrors are reached as `mlops:network.egress` says (none, private, nat, transit-gateway; see
docs/network.md). The pack config's `egressMode` is that choice (`mlopsctl pack-config`
derives it from the stack's environment). Internet paths are judged by the resources that make
them, as AWS routes: an internet gateway (or an IPv6 egress-only one) or a NAT gateway only
with mode nat; a transit gateway VPC attachment only with mode transit-gateway; a default
route (`0.0.0.0/0` or `::/0`, as a route resource or a route table's inline route) only with
either. An internet gateway attachment (of a gateway made elsewhere) counts as a gateway, and
the default route table's inline routes as a route table's. The SageMaker rules keep notebooks
off the internet (directInternetAccess Disabled) and Studio in the VPC (VpcOnly) whatever the
egress mode: egress goes through the VPC's own path.

Public subnets: a subnet is public when its route table sends a default route to an internet
gateway (VPC user guide, "Subnets for your VPC": "the subnet has a direct route to an internet
gateway", read 2026-12); a subnet with no explicit association uses its VPC's main route table
(VPC user guide, "Route tables", read 2026-12). Mode nat legitimately has public subnets: they
hold the NAT gateways and nothing else, and assign no public addresses (components/
network_egress.py), so a public subnet without a NAT gateway, or one any other resource names
(subnetId, subnetIds, subnets, at the top level or one level down), is a workload exposed.
Checkov: CKV_AWS_130 (mapPublicIpOnLaunch), CKV2_AWS_11 (VPC flow logs); the flow log must
record ALL traffic (trafficType ACCEPT or REJECT alone loses half the audit trail). A flow log
is matched to its VPC by `vpcId` (the VPC's id or its ARN's last part) or, when that is still
unknown at preview time, by the property dependency the engine records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, Severity, StackValidationArgs

from policies.factory import resource_rule, stack_rule
from policies.props import as_list
from policies.resource_types import (
    EC2_DEFAULT_ROUTE_TABLE,
    EC2_EGRESS_ONLY_INTERNET_GATEWAY,
    EC2_FLOW_LOG,
    EC2_INTERNET_GATEWAY,
    EC2_INTERNET_GATEWAY_ATTACHMENT,
    EC2_NAT_GATEWAY,
    EC2_ROUTE,
    EC2_ROUTE_TABLE,
    EC2_ROUTE_TABLE_ASSOCIATION,
    EC2_SUBNET,
    EC2_TRANSIT_GATEWAY_VPC_ATTACHMENT,
    EC2_VPC,
    ResourceTypes,
)

DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")
# Route tables with inline routes; the default (main) one's are the VPC's unassociated subnets'.
ROUTE_TABLES = ResourceTypes(EC2_ROUTE_TABLE, EC2_DEFAULT_ROUTE_TABLE)
ROUTE_TABLE_OR_ASSOCIATION = ResourceTypes(ROUTE_TABLES, EC2_ROUTE_TABLE_ASSOCIATION)
# What each mode allows beyond the VPC: the resource types, and whether default routes.
_ALLOWED_TYPES = {
    "nat": ResourceTypes(EC2_INTERNET_GATEWAY, EC2_INTERNET_GATEWAY_ATTACHMENT, EC2_NAT_GATEWAY),
    "transit-gateway": ResourceTypes(EC2_TRANSIT_GATEWAY_VPC_ATTACHMENT),
}
# An attachment of an internet gateway made elsewhere is a path out as much as a new gateway.
_PATH_TYPES = ResourceTypes(
    EC2_INTERNET_GATEWAY,
    EC2_INTERNET_GATEWAY_ATTACHMENT,
    EC2_EGRESS_ONLY_INTERNET_GATEWAY,
    EC2_NAT_GATEWAY,
    EC2_TRANSIT_GATEWAY_VPC_ATTACHMENT,
)


def _default_routes(args: StackValidationArgs) -> Iterator[tuple[str, Any]]:
    """(destination, resource) of every default route, as a resource or inline."""
    for route in EC2_ROUTE.select(args):
        for key in ("destinationCidrBlock", "destinationIpv6CidrBlock"):
            if route.props.get(key) in DEFAULT_ROUTES:
                yield str(route.props.get(key)), route
    for table in ROUTE_TABLES.select(args):
        for inline in as_list(table.props.get("routes")):
            for key in ("cidrBlock", "ipv6CidrBlock"):
                if isinstance(inline, Mapping) and inline.get(key) in DEFAULT_ROUTES:
                    yield str(inline.get(key)), table


def _egress_as_configured(args, config):
    mode = str(config["egressMode"])
    allowed = _ALLOWED_TYPES.get(mode)
    for resource in _PATH_TYPES.select(args):
        if allowed is None or not allowed.matches(resource):
            yield (
                f"{resource.name}: a {resource.resource_type.rsplit(':', 1)[-1]} is a path out of "
                f"the VPC the environment's egress mode {mode!r} did not choose",
                resource.urn,
            )
    if mode in ("nat", "transit-gateway"):
        return
    for destination, resource in _default_routes(args):
        yield (
            f"{resource.name}: a default route ({destination}) with egress mode {mode!r}, "
            "which reaches no network beyond the VPC's own and its destinations",
            resource.urn,
        )


# --- Public subnets and flow logs -----------------------------------------------------------
# Where a resource names its subnets, at the top level or one level down (networkConfiguration,
# vpcConfig, ...).
SUBNET_KEYS = ("subnetId", "subnetIds", "subnets")


def identity(resource: PolicyResource) -> set[str]:
    """What other resources call it: its URN, its id, and the id its ARN ends with."""
    keys = {resource.urn}
    for value in (resource.props.get("id"), str(resource.props.get("arn") or "").split("/")[-1]):
        if value and isinstance(value, str):
            keys.add(value)
    return keys


def refs(resource: PolicyResource, key: str, props: Mapping[str, Any] | None = None) -> set[str]:
    """What `key` names: its values, and the URNs of the resources its value depends on (the
    only trace of an id still unknown at preview time)."""
    values = {str(v) for v in as_list((resource.props if props is None else props).get(key)) if v}
    deps = resource.property_dependencies.get(key, []) if props is None else []
    return values | {d.urn for d in deps}


def _names_any(resource: PolicyResource, key: str, targets: Iterable[PolicyResource]) -> bool:
    named = refs(resource, key)
    return any(named & identity(t) for t in targets)


def _to_internet_gateway(target: PolicyResource | Mapping[str, Any], gateways) -> bool:
    """Does a route (resource or inline) send traffic to an internet gateway?"""
    if isinstance(target, PolicyResource):
        return str(target.props.get("gatewayId") or "").startswith("igw-") or _names_any(
            target, "gatewayId", gateways
        )
    gateway = str(target.get("gatewayId") or "")
    return gateway.startswith("igw-") or any(gateway in identity(g) for g in gateways)


def _public_tables(args: StackValidationArgs) -> set[str]:
    """The identities of the route tables with a default route to an internet gateway (a
    table's, or the main table's id a VPC reports)."""
    gateways = list(
        ResourceTypes(EC2_INTERNET_GATEWAY, EC2_INTERNET_GATEWAY_ATTACHMENT).select(args)
    )
    public: set[str] = set()
    for route in EC2_ROUTE.select(args):
        default = {route.props.get(k) for k in ("destinationCidrBlock", "destinationIpv6CidrBlock")}
        if default & set(DEFAULT_ROUTES) and _to_internet_gateway(route, gateways):
            public |= refs(route, "routeTableId")
    for table in ROUTE_TABLES.select(args):
        for inline in as_list(table.props.get("routes")):
            if not isinstance(inline, Mapping):
                continue
            default = {inline.get("cidrBlock"), inline.get("ipv6CidrBlock")} & set(DEFAULT_ROUTES)
            if default and _to_internet_gateway(inline, gateways):
                public |= identity(table) | refs(table, "defaultRouteTableId")
    return public


def public_subnets(args: StackValidationArgs) -> list[PolicyResource]:
    """Subnets whose route table (associated, else their VPC's main one) reaches an internet
    gateway."""
    tables = _public_tables(args)
    associations = list(EC2_ROUTE_TABLE_ASSOCIATION.select(args))
    found = []
    for subnet in EC2_SUBNET.select(args):
        mine = [a for a in associations if refs(a, "subnetId") & identity(subnet)]
        if mine:
            public = any(refs(a, "routeTableId") & tables for a in mine)
        else:
            vpcs = [v for v in EC2_VPC.select(args) if refs(subnet, "vpcId") & identity(v)]
            public = any(str(v.props.get("mainRouteTableId")) in tables for v in vpcs)
        if public:
            found.append(subnet)
    return found


def _subnet_users(resource: PolicyResource) -> set[str]:
    named: set[str] = set()
    for key in SUBNET_KEYS:
        named |= refs(resource, key)
    for value in resource.props.values():
        for nested in as_list(value):
            if isinstance(nested, Mapping):
                named |= {n for key in SUBNET_KEYS for n in refs(resource, key, nested)}
    return named


def _public_subnets_nat_only(args, config):
    nat_gateways = list(EC2_NAT_GATEWAY.select(args))
    users = [
        r
        for r in args.resources
        if not EC2_NAT_GATEWAY.matches(r) and not ROUTE_TABLE_OR_ASSOCIATION.matches(r)
    ]
    for subnet in public_subnets(args):
        if not any(refs(nat, "subnetId") & identity(subnet) for nat in nat_gateways):
            yield (
                f"{subnet.name}: a subnet routed to an internet gateway holds no NAT gateway; "
                "workload subnets must be private",
                subnet.urn,
            )
        for user in users:
            if _subnet_users(user) & identity(subnet):
                yield (
                    f"{user.name}: a {user.resource_type.rsplit(':', 1)[-1]} in the public "
                    f"subnet {subnet.name} (routed to an internet gateway)",
                    user.urn,
                )


def _subnet_public_ip(args, config):
    if args.props.get("mapPublicIpOnLaunch") is True:
        yield "mapPublicIpOnLaunch is True: instances launched here get a public IPv4 address"


def _vpc_flow_logs(args, config):
    flow_logs = list(EC2_FLOW_LOG.select(args))
    for vpc in EC2_VPC.select(args):
        mine = [f for f in flow_logs if refs(f, "vpcId") & identity(vpc)]
        complete = [f for f in mine if f.props.get("trafficType") in (None, "ALL")]
        if not mine:
            yield f"{vpc.name}: no flow log records the VPC's traffic", vpc.urn
        elif not complete:
            kinds = sorted({str(f.props.get("trafficType")) for f in mine})
            yield (
                f"{vpc.name}: its flow logs record only trafficType {', '.join(kinds)}, not ALL",
                vpc.urn,
            )


POLICIES = [
    stack_rule(
        "network-egress-as-configured",
        severity=Severity.HIGH,
        description="Internet gateways, NAT gateways, transit gateway attachments and default "
        "routes exist only where the environment's egress mode (pack config egressMode: none, "
        "private, nat or transit-gateway) chose them.",
        remediation="Remove the resource, or choose the egress mode in the environment's "
        "mlops:network.egress and use the pack config mlopsctl pack-config derives from it.",
        check=_egress_as_configured,
        defaults={"egressMode": "none"},
    ),
    resource_rule(
        "network-subnet-no-public-ip",
        selector=EC2_SUBNET,
        severity=Severity.HIGH,
        description="Subnets assign no public IPv4 addresses (mapPublicIpOnLaunch not true).",
        remediation="Set mapPublicIpOnLaunch: false; only a NAT gateway's Elastic IP is public.",
        check=_subnet_public_ip,
    ),
    stack_rule(
        "network-public-subnet-nat-only",
        severity=Severity.HIGH,
        description="A subnet routed to an internet gateway holds NAT gateways only: workload "
        "subnets stay private.",
        remediation="Route workload subnets to the NAT gateway (egress mode nat) and keep them "
        "off the public route table; remove subnets routed to the gateway that hold no NAT.",
        check=_public_subnets_nat_only,
    ),
    stack_rule(
        "network-vpc-flow-logs",
        severity=Severity.MEDIUM,
        description="Every VPC the stack creates has a flow log recording ALL traffic.",
        remediation="Keep the network component's FlowLog (vpcId, trafficType ALL) to the "
        "environment's audit bucket.",
        check=_vpc_flow_logs,
    ),
]
