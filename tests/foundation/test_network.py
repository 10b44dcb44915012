"""The environment network: private only, AWS services through endpoints, or adopted ids."""

from __future__ import annotations

from components.network import subnet_cidrs
from settings.catalog import DEFAULT_INTERFACE_ENDPOINTS


def test_create_mode_private_subnets_in_each_zone_without_internet(plan):
    result = plan("dev")
    subnets = result.of_type("aws:ec2/subnet:Subnet")
    zones = {s.inputs["availabilityZone"] for s in subnets}
    assert zones == {"eu-west-1a", "eu-west-1b"}
    assert all(s.inputs.get("mapPublicIpOnLaunch") is False for s in subnets)
    types = {r.type for r in result.resources}
    assert "aws:ec2/internetGateway:InternetGateway" not in types
    assert "aws:ec2/natGateway:NatGateway" not in types
    assert "aws:ec2/eip:Eip" not in types
    assert not any(r.type == "aws:ec2/route:Route" for r in result.resources)


def test_s3_gateway_and_interface_endpoints_with_private_dns(plan):
    result = plan("dev")
    endpoints = result.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    by_service = {e.inputs["serviceName"]: e.inputs for e in endpoints}
    assert by_service["com.amazonaws.eu-west-1.s3"]["vpcEndpointType"] == "Gateway"
    # The S3 gateway endpoint is on the private route table(s), so every zone reaches S3.
    assert by_service["com.amazonaws.eu-west-1.s3"]["routeTableIds"]
    # MLflow's PrivateLink service, as AWS's examples name it (SageMaker developer guide,
    # "Connecting to an MLflow tracking server through an Interface VPC Endpoint")
    assert "aws.sagemaker.eu-west-1.experiments" in by_service
    interface = [s for s, i in by_service.items() if i["vpcEndpointType"] == "Interface"]
    assert interface
    for service in interface:
        assert by_service[service]["privateDnsEnabled"] is True
        # Outside production, in one zone (tests/foundation/test_network_endpoints.py).
        assert len(by_service[service]["subnetIds"]) == 1


def test_flow_logs_to_the_audit_bucket(plan):
    result = plan("dev")
    flow = result.one("aws:ec2/flowLog:FlowLog")
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["logDestinationType"] == "s3"
    audit_arn = f"arn:aws:s3:::{result.exports['auditBucket']}"
    assert flow.inputs["logDestination"] == f"{audit_arn}/flow-logs/"


def test_workload_security_group_has_no_inbound_and_https_out_only(plan):
    result = plan("dev")
    rules_in = result.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    workload = next(
        g for g in result.of_type("aws:ec2/securityGroup:SecurityGroup") if "workloads" in g.name
    )
    workload_id = workload.id
    assert not [r for r in rules_in if r.inputs["securityGroupId"] == workload_id]
    egress = [
        r
        for r in result.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        if r.inputs["securityGroupId"] == workload_id
    ]
    assert egress and all(r.inputs["fromPort"] == r.inputs["toPort"] == 443 for r in egress)
    assert result.exports["workloadSecurityGroupIds"] == [workload_id]


def test_default_security_group_is_emptied(plan):
    default = plan("dev").one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert not default.inputs.get("ingress") and not default.inputs.get("egress")


def test_adopt_mode_creates_no_network_and_exports_the_given_ids(plan_with):
    ids = {
        "mode": "adopt",
        "vpcId": "vpc-0123456789abcdef0",
        "subnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "securityGroupIds": ["sg-0123456789abcdef0"],
        "availabilityZones": [],
    }
    # dev's egress (private, with destinations) is for a created VPC: egress mode none here.
    result = plan_with("dev", {"mlops:network": {**ids, "egress": None}})
    assert not [r for r in result.resources if r.type.startswith("aws:ec2/")]
    assert result.exports["vpcId"] == ids["vpcId"]
    assert result.exports["privateSubnetIds"] == ids["subnetIds"]
    assert result.exports["workloadSecurityGroupIds"] == ids["securityGroupIds"]
    assert result.exports["privateRouteTableIds"] == []


def test_subnet_cidrs_are_disjoint_quarters_of_the_vpc():
    assert subnet_cidrs("10.20.0.0/16", 3) == ["10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18"]


def test_secrets_manager_endpoint_is_opt_in(plan, plan_with):
    service = "com.amazonaws.eu-west-1.secretsmanager"
    planned = {
        e.inputs["serviceName"] for e in plan("dev").of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    }
    assert service not in planned
    endpoints = [*DEFAULT_INTERFACE_ENDPOINTS, "secretsmanager"]
    result = plan_with("dev", {"mlops:network": {"interfaceEndpoints": endpoints}})
    with_secrets = {
        e.inputs["serviceName"] for e in result.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    }
    assert service in with_secrets
