"""Network: a path out of the VPC exists only where the environment's egress mode chose it.

The platform's VPC reaches AWS services through endpoints; a team's git hosts and package
mirrors are reached as `mlops:network.egress` says (none, private, nat, transit-gateway; see
docs/network.md). The pack config's `egressMode` is that choice (`mlopsctl pack-config`
derives it from the stack's environment). Internet paths are judged by the resources that make
them, as AWS routes: an internet gateway (or an IPv6 egress-only one) or a NAT gateway only
with mode nat; a transit gateway VPC attachment only with mode transit-gateway; a default
route (`0.0.0.0/0` or `::/0`, as a route resource or a route table's inline route) only with
either. The SageMaker rules keep notebooks off the internet (directInternetAccess Disabled) and
Studio in the VPC (VpcOnly) whatever the egress mode: egress goes through the VPC's own path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity, StackValidationArgs

from policies.factory import stack_rule
from policies.props import as_list
from policies.resource_types import (
    EC2_EGRESS_ONLY_INTERNET_GATEWAY,
    EC2_INTERNET_GATEWAY,
    EC2_NAT_GATEWAY,
    EC2_ROUTE,
    EC2_ROUTE_TABLE,
    EC2_TRANSIT_GATEWAY_VPC_ATTACHMENT,
    ResourceTypes,
)

DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")
# What each mode allows beyond the VPC: the resource types, and whether default routes.
_ALLOWED_TYPES = {
    "nat": ResourceTypes(EC2_INTERNET_GATEWAY, EC2_NAT_GATEWAY),
    "transit-gateway": ResourceTypes(EC2_TRANSIT_GATEWAY_VPC_ATTACHMENT),
}
_PATH_TYPES = ResourceTypes(
    EC2_INTERNET_GATEWAY,
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
    for table in EC2_ROUTE_TABLE.select(args):
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
]
