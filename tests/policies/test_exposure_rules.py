"""Edge cases of the exposure rules (policies/rules/exposure.py) and of the network rules on
public subnets and flow logs (policies/rules/network.py) the corpus does not cover: near misses
that must pass, unknown values, the fallback without pack config, and the real shapes of the
variants the shipped stacks do not plan (egress mode nat, self-hosted MLflow)."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest

from mlopsctl.policy_runner import derived_pack_config, run_policies
from policies.rules import exposure
from settings import Project
from tests.conftest import SECRETS_ENDPOINT, project_with_environment
from tests.policies.corpus.exposure import (
    FLOW_LOG,
    NAT,
    add_database,
    add_listener,
)
from tests.policies.helpers import add, caught, change, remove, resource

CERT = "arn:aws:acm:eu-west-1:210987654321:certificate/0e6d2f6a-1111-2222-3333-444455556666"
SELF_HOSTED = {"mlops:tracking": {"kind": "self-hosted", "selfHosted": {"certificateArn": CERT}}}
MINE = ("exposure-", "network-")


def _args(token: str, **props: Any) -> SimpleNamespace:
    return SimpleNamespace(resource_type=token, props=props)


def _mine(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: v for k, v in found.items() if k.startswith(MINE)}


@pytest.mark.parametrize(
    ("cidr", "world"),
    [
        ("0.0.0.0/0", True),
        ("::/0", True),
        ("128.0.0.0/1", True),
        ("11.0.0.0/8", True),
        ("2000::/3", True),
        ("10.0.0.0/8", False),  # the VPC's own kind of range
        ("172.16.0.0/12", False),
        ("203.0.113.0/24", False),  # one office, not the world
        ("fd00::/8", False),
        ("pl-96ae3ab3", False),  # not a CIDR
    ],
)
def test_world_cidrs(cidr: str, world: bool) -> None:
    assert exposure.world_cidr(cidr) is world


def test_https_to_the_world_passes_other_ports_do_not() -> None:
    token = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
    https = _args(token, ipProtocol="tcp", fromPort=443.0, toPort=443.0, cidrIpv4="0.0.0.0/0")
    wider = _args(token, ipProtocol="tcp", fromPort=443.0, toPort=444.0, cidrIpv4="0.0.0.0/0")
    inside = _args(token, ipProtocol="-1", cidrIpv4="10.20.0.0/16")
    assert list(exposure._world_egress(https, {})) == []
    assert list(exposure._world_egress(inside, {})) == []
    assert "tcp 443-444" in next(iter(exposure._world_egress(wider, {})))


def test_ingress_rules_by_group_or_odd_props_pass() -> None:
    token = "aws:ec2/securityGroup:SecurityGroup"
    odd = _args(token, ingress=[None, "x", {"cidrBlocks": None, "protocol": None}])
    by_group = _args(
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        type="ingress",
        protocol="tcp",
        fromPort=443.0,
        toPort=443.0,
        sourceSecurityGroupId="sg-1",
    )
    egress_rule = _args(
        "aws:ec2/securityGroupRule:SecurityGroupRule", type="egress", cidrBlocks=["0.0.0.0/0"]
    )
    assert list(exposure._world_ingress(odd, {})) == []
    assert list(exposure._world_ingress(by_group, {})) == []
    assert list(exposure._world_ingress(egress_rule, {})) == []


def test_http_listener_that_only_redirects_to_https_passes() -> None:
    token = "aws:lb/listener:Listener"
    redirect = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443"}}
    forward = {"type": "forward", "targetGroupArn": "arn:tg"}
    assert (
        list(exposure._listener_tls(_args(token, protocol="HTTP", defaultActions=[redirect]), {}))
        == []
    )
    assert list(exposure._listener_tls(_args(token, defaultActions=[redirect, forward]), {}))
    # No sslPolicy: unknown here, AWS picks its current default; not judged.
    assert list(exposure._listener_tls(_args(token, protocol="HTTPS"), {})) == []


def test_rds_replica_and_serverless_v1_inherit_encryption() -> None:
    replica = _args("aws:rds/instance:Instance", replicateSourceDb="arn:aws:rds:db:source")
    serverless = _args("aws:rds/cluster:Cluster", engineMode="serverless")
    assert list(exposure._rds_encrypted(replica, {})) == []
    assert list(exposure._rds_encrypted(serverless, {})) == []
    assert list(
        exposure._rds_encrypted(
            _args("aws:rds/instance:Instance", replicateSourceDb="x", storageEncrypted=False), {}
        )
    )


def test_deletion_protection_only_in_production(plan) -> None:
    dev = copy.deepcopy(plan("fraud-dev"))
    add_database(deletionProtection=False)(dev)
    assert "exposure-rds-deletion-protection" not in caught(dev)
    # The same database judged as production (the pack config's fact).
    production = {"exposure-rds-deletion-protection": {"production": True}}
    assert "exposure-rds-deletion-protection" in caught(dev, production)


def test_flow_log_found_by_dependency_when_its_vpc_id_is_unknown(plan) -> None:
    dev = copy.deepcopy(plan("dev"))
    flow_log = resource(dev, FLOW_LOG)
    del flow_log.inputs["vpcId"], flow_log.outputs["vpcId"]  # unknown at preview time
    assert "network-vpc-flow-logs" not in caught(dev)
    flow_log.property_dependencies["vpcId"] = []
    assert "network-vpc-flow-logs" in caught(dev)


def test_a_flow_log_of_another_vpc_does_not_count(plan) -> None:
    dev = copy.deepcopy(plan("dev"))
    remove(dev, FLOW_LOG, "network-flow-logs")
    add(dev, FLOW_LOG, "other", {"vpcId": "vpc-0other", "trafficType": "ALL"})
    assert any("network-vpc" in m for m in caught(dev)["network-vpc-flow-logs"])


@pytest.mark.parametrize("nat_gateways", ["single", "per-az"])
def test_egress_mode_nat_is_compliant(plan_with, nat_gateways: str) -> None:
    """NAT mode's public subnets hold the NAT gateways only: nothing of mine fires."""
    config = {
        "mlops:network": {"egress": {**NAT["mlops:network"]["egress"], "natGateways": nat_gateways}}
    }
    planned = plan_with("dev", config)
    assert planned.of_type("aws:ec2/internetGateway:InternetGateway")
    assert _mine(caught(planned)) == {}


def test_nat_public_subnet_without_its_nat_gateway_is_caught(plan_with) -> None:
    planned = plan_with("dev", NAT)
    remove(planned, "aws:ec2/natGateway:NatGateway", "network-nat-eu-west-1a")
    assert "network-public-subnet-nat-only" in caught(planned)


@pytest.mark.parametrize(("stack", "environment"), [("fraud-dev", "dev"), ("fraud-prod", "prod")])
def test_self_hosted_mlflow_is_compliant(plan_with, stack: str, environment: str) -> None:
    """The real RDS, load balancer, listener, log group and security groups of self-hosted
    MLflow, judged with the pack config of the project copy that plans them."""
    planned = plan_with(stack, SELF_HOSTED, SECRETS_ENDPOINT)
    project = Project.at(project_with_environment(environment, SECRETS_ENDPOINT))
    config = derived_pack_config(planned, project)
    found = {v.policy for v in run_policies(planned, config) if v.policy.startswith(MINE)}
    assert planned.of_type("aws:rds/instance:Instance") and found == set()
    # The same plan with its listener on plain HTTP is not.
    add_listener(protocol="HTTP", port=80.0, sslPolicy=None)(planned)
    change(planned, "aws:lb/loadBalancer:LoadBalancer", None, lambda p: p.update(internal=False))
    found = {v.policy for v in run_policies(planned, config) if v.mandatory}
    assert {"exposure-lb-listener-tls", "exposure-lb-internal"} <= found
