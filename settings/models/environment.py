"""Config of the environment layer: `mlops:network` and `mlops:governance`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from settings.catalog import DEFAULT_INTERFACE_ENDPOINTS, InterfaceEndpoint
from settings.models.base import StrictModel
from settings.values import (
    AvailabilityZone,
    IamPrincipalArn,
    InstanceType,
    PrivateVpcCidr,
    SecurityGroupId,
    SubnetId,
    VpcId,
    int_range,
)


class NetworkConfig(StrictModel):
    """`mlops:network`: create a private VPC, or adopt existing ids."""

    mode: Literal["create", "adopt"] = "create"
    cidr: PrivateVpcCidr = "10.20.0.0/16"
    availability_zones: list[AvailabilityZone] = Field(default_factory=list)
    interface_endpoints: list[InterfaceEndpoint] = Field(
        default_factory=lambda: list(DEFAULT_INTERFACE_ENDPOINTS)
    )
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
    # Who may assume the environment's auditor role (never `*`); empty: principals of this
    # account tagged persona=auditor.
    auditor_principals: list[IamPrincipalArn] = Field(default_factory=list)
