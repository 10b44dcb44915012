"""Config of the environment layer: `mlops:network` (with its `egress`) and `mlops:governance`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from settings.catalog import (
    PLATFORM_INTERFACE_ENDPOINTS,
    InterfaceEndpoint,
    derived_interface_endpoints,
)
from settings.models.base import StrictModel
from settings.values import (
    AvailabilityZone,
    HostName,
    IamPrincipalArn,
    InstanceType,
    PrefixListId,
    PrivateCidr,
    PrivateVpcCidr,
    SecurityGroupId,
    SubnetId,
    TransitGatewayId,
    VpcId,
    int_range,
)

EgressMode = Literal["none", "private", "nat", "transit-gateway"]
# Security group rules per group and direction: 60 (Amazon VPC user guide, "Amazon VPC quotas",
# read 2026-12); the workload group has two of its own (the VPC range, S3).
MAX_EGRESS_DESTINATIONS = 50


class EgressDestination(StrictModel):
    """A network outside the VPC the workloads reach on HTTPS: a range or a prefix list."""

    cidr: PrivateCidr | None = None
    prefix_list_id: PrefixListId | None = None

    @model_validator(mode="after")
    def _one_of(self) -> EgressDestination:
        if (self.cidr is None) == (self.prefix_list_id is None):
            raise ValueError("allowed: exactly one of cidr or prefixListId")
        return self

    @property
    def value(self) -> str:
        return self.cidr or self.prefix_list_id or ""


class EgressConfig(StrictModel):
    """`mlops:network.egress`: how workloads reach git hosts and package mirrors (HTTPS only).

    none: the VPC and AWS services through endpoints only. private: `destinations`, networks
    peered or connected to the VPC (routes to them are a prerequisite outside the stack), and
    `hosts`, the host names served from them or from inside the VPC. nat: an internet gateway
    and NAT gateways. transit-gateway: a VPC attachment to `transitGatewayId` and a default
    route to it (a central egress VPC behind it).
    """

    mode: EgressMode = "none"
    destinations: list[EgressDestination] = Field(default_factory=list)
    hosts: list[HostName] = Field(default_factory=list)
    # nat only; unset: one per availability zone in production, else one.
    nat_gateways: Literal["single", "per-az"] | None = None
    transit_gateway_id: TransitGatewayId | None = None

    @model_validator(mode="after")
    def _mode_fields(self) -> EgressConfig:
        if self.mode != "private" and (self.destinations or self.hosts):
            raise ValueError("destinations/hosts: only allowed with mode: private")
        if self.mode == "private" and not self.hosts:
            raise ValueError(
                "mode private: hosts is required (the host names of the git servers and "
                "mirrors the workloads reach)"
            )
        if len(self.destinations) > MAX_EGRESS_DESTINATIONS:
            raise ValueError(
                f"destinations: allowed: at most {MAX_EGRESS_DESTINATIONS} (security group "
                "rules per group)"
            )
        if self.mode != "nat" and self.nat_gateways is not None:
            raise ValueError("natGateways: only allowed with mode: nat")
        if (self.mode == "transit-gateway") != (self.transit_gateway_id is not None):
            raise ValueError(
                "transitGatewayId: required with mode transit-gateway, and only allowed there"
            )
        return self

    def resolved_nat_gateways(self, production: bool) -> Literal["single", "per-az"]:
        return self.nat_gateways or ("per-az" if production else "single")


class NetworkConfig(StrictModel):
    """`mlops:network`: create a private VPC, or adopt existing ids."""

    mode: Literal["create", "adopt"] = "create"
    cidr: PrivateVpcCidr = "10.20.0.0/16"
    availability_zones: list[AvailabilityZone] = Field(default_factory=list)
    # Unset: derived from the environment's team stacks (`with_derived_interface_endpoints`,
    # applied when the stack file is read); an environment without teams gets the platform's
    # own. Set: exactly this list (an override; a team needing more names it here).
    interface_endpoints: list[InterfaceEndpoint] = Field(
        default_factory=lambda: list(PLATFORM_INTERFACE_ENDPOINTS)
    )
    # The endpoints' network interfaces: in the first zone's private subnet only (`one`; the
    # other zones reach them across zones) or in every zone's (`all`). Unset: all in
    # production, else one. Production refuses `one` (settings/rules/environment.py).
    interface_endpoint_azs: Literal["one", "all"] | None = None
    # Beyond the VPC and AWS services; cross-key rules in settings/rules/egress.py.
    egress: EgressConfig = Field(default_factory=EgressConfig)
    # Adopt mode only.
    vpc_id: VpcId | None = None
    subnet_ids: list[SubnetId] = Field(default_factory=list)
    security_group_ids: list[SecurityGroupId] = Field(default_factory=list)

    @model_validator(mode="after")
    def _mode_fields(self) -> NetworkConfig:
        if self.mode == "create":
            if len(set(self.availability_zones)) < 2:
                raise ValueError(
                    "availabilityZones: at least two distinct availability zones are required "
                    "in create mode"
                )
            if self.vpc_id or self.subnet_ids or self.security_group_ids:
                raise ValueError("vpcId/subnetIds/securityGroupIds: only allowed with mode: adopt")
        elif not self.vpc_id or len(self.subnet_ids) < 2 or not self.security_group_ids:
            raise ValueError(
                "mode adopt: vpcId, at least two subnetIds and at least one "
                "securityGroupIds entry are required"
            )
        return self

    def resolved_interface_endpoint_azs(self, production: bool) -> Literal["one", "all"]:
        return self.interface_endpoint_azs or ("all" if production else "one")


def with_derived_interface_endpoints(
    network: Any, teams: list[tuple[InterfaceEndpoint, ...]]
) -> Any:
    """`mlops:network` as written, with `interfaceEndpoints` derived from what the teams use
    (`settings.catalog.team_endpoints` of each team stack of the environment) when unset."""
    if not isinstance(network, dict) or {"interfaceEndpoints", "interface_endpoints"} & set(
        network
    ):
        return network  # as written: an explicit list, or a value the model reports
    return {**network, "interfaceEndpoints": derived_interface_endpoints(teams)}


class GovernanceConfig(StrictModel):
    """`mlops:governance`: environment-wide rules every team stack inherits."""

    audit_log_retention_days: Annotated[int, int_range(30, 3653)] = 365
    # Instance types a team may start in this environment. Lists from
    # aws.amazon.com/sagemaker/pricing (read 2026-11).
    allowed_instance_types: list[InstanceType] = Field(
        default_factory=lambda: [
            "ml.t3.medium",
            "ml.t3.large",
            "ml.m5.large",
            "ml.m5.xlarge",
        ]
    )
    allowed_gpu_instance_types: list[InstanceType] = Field(default_factory=list)
    max_gpu_instances_per_team: Annotated[int, int_range(0, 64)] = 0
    # Who may assume the environment's auditor role (never `*`); empty: nobody (an explicit
    # deny in its trust policy).
    auditor_principals: list[IamPrincipalArn] = Field(default_factory=list)
