"""Config of the environment layer: `mlops:network` and `mlops:governance`."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from components.config.base import (
    AvailabilityZone,
    IamPrincipalArn,
    InstanceType,
    StrictModel,
    int_range,
    pattern,
)

# Interface endpoints the platform's services need in an internet-free VPC. Service name
# suffixes as AWS lists them in "AWS services that integrate with AWS PrivateLink"
# (docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html, read 2026-11).
# `{region}` is filled in by the network component.
INTERFACE_ENDPOINT_SERVICES: dict[str, str] = {
    "sagemaker-api": "com.amazonaws.{region}.sagemaker.api",
    "sagemaker-runtime": "com.amazonaws.{region}.sagemaker.runtime",
    "sagemaker-notebook": "aws.sagemaker.{region}.notebook",
    "sagemaker-studio": "aws.sagemaker.{region}.studio",
    "sagemaker-mlflow": "com.amazonaws.{region}.sagemaker.experiments",
    "sts": "com.amazonaws.{region}.sts",
    "ecr-api": "com.amazonaws.{region}.ecr.api",
    "ecr-dkr": "com.amazonaws.{region}.ecr.dkr",
    "logs": "com.amazonaws.{region}.logs",
    "kms": "com.amazonaws.{region}.kms",
    # Only the self-hosted MLflow kind needs it (ECS injects the database secret): opt-in.
    "secretsmanager": "com.amazonaws.{region}.secretsmanager",
}
DEFAULT_INTERFACE_ENDPOINTS: tuple[str, ...] = tuple(
    name for name in INTERFACE_ENDPOINT_SERVICES if name != "secretsmanager"
)


def _private_cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise ValueError(
            "allowed: an IPv4 network in CIDR notation such as 10.20.0.0/16 "
            f"with no host bits set ({error})"
        ) from None
    if not network.is_private:
        raise ValueError("allowed: a private (RFC 1918) range")
    if not 16 <= network.prefixlen <= 24:
        raise ValueError("allowed: a prefix length from /16 to /24 (AWS VPC limits)")
    return value


PrivateCidr = Annotated[str, AfterValidator(_private_cidr)]


def _aws_id(prefix: str):
    return Annotated[
        str,
        pattern(
            rf"{prefix}-[0-9a-f]{{8}}([0-9a-f]{{9}})?",
            f"an id such as {prefix}-0123456789abcdef0",
        ),
    ]


class NetworkConfig(StrictModel):
    """`mlops:network`: create a private VPC, or adopt existing ids."""

    mode: Literal["create", "adopt"] = "create"
    cidr: PrivateCidr = "10.20.0.0/16"
    availability_zones: list[AvailabilityZone] = Field(default_factory=list)
    interface_endpoints: list[Literal[tuple(INTERFACE_ENDPOINT_SERVICES)]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(DEFAULT_INTERFACE_ENDPOINTS)
    )
    # Adopt mode only.
    vpc_id: _aws_id("vpc") | None = None
    subnet_ids: list[_aws_id("subnet")] = Field(default_factory=list)
    security_group_ids: list[_aws_id("sg")] = Field(default_factory=list)

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

    audit_log_retention_days: int_range(30, 3653) = 365
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
    max_gpu_instances_per_team: int_range(0, 64) = 0
    # Who may assume the environment's auditor role (never `*`); empty: principals of this
    # account tagged persona=auditor.
    auditor_principals: list[IamPrincipalArn] = Field(default_factory=list)
