"""Insecure variants: exposure (security groups open to the world, public subnets, removed flow
logs, internet-facing load balancers, public or unencrypted RDS, log groups without a key).

RDS, load balancers and log groups come from the self-hosted MLflow component, which a shipped
stack does not plan (it needs the environment's Secrets Manager endpoint): the cases add them
to team plans in the shape `components/tracking_self_hosted*.py` registers, as a hand-written
or drifted program would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.corpus.cases import DOMAIN, Case, put
from tests.policies.helpers import account, add, change, remove, resource, team_key_arn

SG = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
IGW_ATTACHMENT = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DB = "aws:rds/instance:Instance"
DB_CLUSTER = "aws:rds/cluster:Cluster"
LB = "aws:lb/loadBalancer:LoadBalancer"
ALB = "aws:alb/loadBalancer:LoadBalancer"  # pulumi-aws's alias module
LISTENER = "aws:lb/listener:Listener"
NAT = {"mlops:network": {"egress": {"mode": "nat", "destinations": None, "hosts": None}}}


def _scope(plan: Plan) -> str:
    return f"mlops-{plan.stack}"


def _team_sg(plan: Plan) -> str:
    """The environment's workloads group, as team resources name it (from the domain)."""
    return resource(plan, DOMAIN).inputs["defaultSpaceSettings"]["securityGroups"][0]


def _team_subnets(plan: Plan) -> list[str]:
    return list(resource(plan, DOMAIN).inputs["subnetIds"])


def adding(
    token: str, name: str, shape: Callable[[Plan], dict[str, Any]], **overrides: Any
) -> Callable[[Plan], Any]:
    """A mutation adding `shape(plan)` with `overrides` (None drops a prop)."""

    def run(plan: Plan) -> None:
        inputs = {**shape(plan), **overrides}
        add(plan, token, name, {k: v for k, v in inputs.items() if v is not None})

    return run


def database(plan: Plan) -> dict[str, Any]:
    """The self-hosted MLflow backend store as `tracking_self_hosted.py` registers it."""
    production, key, scope = plan.stack.endswith("-prod"), team_key_arn(plan), _scope(plan)
    return {
        "identifier": f"{scope}-mlflow",
        "engine": "postgres",
        "engineVersion": "17",
        "instanceClass": "db.t4g.micro",
        "allocatedStorage": 20.0,
        "storageType": "gp3",
        "storageEncrypted": True,
        "kmsKeyId": key,
        "dbName": "mlflow",
        "username": "mlflow",
        "manageMasterUserPassword": True,
        "masterUserSecretKmsKeyId": key,
        "dbSubnetGroupName": f"{scope}-mlflow",
        "vpcSecurityGroupIds": ["sg-03daf8e5580612b35"],
        "publiclyAccessible": False,
        "multiAz": production,
        "backupRetentionPeriod": 7.0,
        "copyTagsToSnapshot": True,
        "autoMinorVersionUpgrade": True,
        "deletionProtection": production,
        "skipFinalSnapshot": not production,
    }


def log_group(plan: Plan) -> dict[str, Any]:
    return {
        "name": f"/{_scope(plan)}/mlflow",
        "retentionInDays": 30.0,
        "kmsKeyId": team_key_arn(plan),
    }


def load_balancer(plan: Plan) -> dict[str, Any]:
    return {
        "name": f"{_scope(plan)}-mlflow"[:32],
        "internal": True,
        "loadBalancerType": "application",
        "subnets": _team_subnets(plan),
        "securityGroups": ["sg-40bf2c1d113fab8ec"],
        "dropInvalidHeaderFields": True,
    }


def listener(plan: Plan) -> dict[str, Any]:
    arn = f"arn:aws:elasticloadbalancing:eu-west-1:{account(plan)}"
    return {
        "loadBalancerArn": f"{arn}:loadbalancer/app/{_scope(plan)}-mlflow/7e29d5251780af42",
        "port": 443.0,
        "protocol": "HTTPS",
        "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "certificateArn": f"arn:aws:acm:eu-west-1:{account(plan)}:certificate/0e6d2f6a",
        "defaultActions": [
            {"type": "forward", "targetGroupArn": f"{arn}:targetgroup/mlflow/f794587b"}
        ],
    }


def add_database(**overrides: Any) -> Callable[[Plan], Any]:
    return adding(DB, "tracking-db", database, **overrides)


def add_log_group(**overrides: Any) -> Callable[[Plan], Any]:
    return adding(LOG_GROUP, "tracking-logs", log_group, **overrides)


def add_load_balancer(token: str = LB, **overrides: Any) -> Callable[[Plan], Any]:
    return adding(token, "tracking-alb", load_balancer, **overrides)


def add_listener(**overrides: Any) -> Callable[[Plan], Any]:
    return adding(LISTENER, "tracking-https", listener, **overrides)


def _sg_rule(token: str, name: str, group: Callable[[Plan], str], **props: Any):
    """A mutation adding a security group rule resource on `group(plan)`, TCP `port`."""
    port = float(props.pop("port"))
    return adding(
        token,
        name,
        lambda p: {"securityGroupId": group(p), "fromPort": port, "toPort": port, **props},
    )


def _workloads(plan: Plan) -> str:
    return resource(plan, SG, "network-workloads").id


# "Just for the demo": the MLflow port open to everyone, on the team's group.
_MLFLOW_PORT_OPEN = _sg_rule(
    INGRESS, "mlflow-demo-in", _team_sg, port=5000, ipProtocol="tcp", cidrIpv4="0.0.0.0/0"
)
# The world in two halves, so that a search for 0.0.0.0/0 finds nothing.
_SSH_WORLD_IN_HALVES = _sg_rule(
    SG_RULE,
    "ssh-debug",
    _workloads,
    port=22,
    type="ingress",
    protocol="tcp",
    cidrBlocks=["0.0.0.0/1", "128.0.0.0/1"],
)
_SSH_OUT_IPV6 = _sg_rule(
    EGRESS, "workloads-ssh-out", _workloads, port=22, ipProtocol="tcp", cidrIpv6="::/0"
)


def _private_subnet_on_public_table(plan: Plan) -> None:
    """A private subnet moved to the public route table (its NAT route bypassed)."""
    subnet = resource(plan, SUBNET, "network-private-eu-west-1b").id
    table = resource(plan, ROUTE_TABLE, "network-public").id
    association = resource(plan, ASSOCIATION, "network-private-eu-west-1b")
    association.inputs["routeTableId"] = association.outputs["routeTableId"] = table
    assert association.inputs["subnetId"] == subnet


def _endpoint_in_public_subnet(plan: Plan) -> None:
    public = resource(plan, SUBNET, "network-public-eu-west-1a").id
    change(plan, ENDPOINT, "network-sts", put("subnetIds", [public]))


def _main_table_to_igw(plan: Plan) -> None:
    """A default route on the VPC's main route table, and a subnet with no association."""
    vpc = resource(plan, VPC)
    igw = resource(plan, IGW)
    add(
        plan,
        ROUTE,
        "main-internet",
        {
            "routeTableId": vpc.outputs["mainRouteTableId"],
            "destinationCidrBlock": "0.0.0.0/0",
            "gatewayId": igw.id,
        },
        property_dependencies={"gatewayId": [igw.urn], "routeTableId": [vpc.urn]},
    )
    add(
        plan,
        SUBNET,
        "batch-subnet",
        {"vpcId": vpc.id, "cidrBlock": "10.20.128.0/20", "availabilityZone": "eu-west-1a"},
        {"arn": f"arn:aws:ec2:eu-west-1:{account(plan)}:subnet/subnet-0b47c4"},
    )


# An internet gateway made in the console, attached by the stack (egress mode private).
_ATTACH_EXISTING_IGW = adding(
    IGW_ATTACHMENT,
    "igw",
    lambda p: {"vpcId": resource(p, VPC).id, "internetGatewayId": "igw-0a1b2c3d"},
)


def _no_flow_log(plan: Plan) -> None:
    remove(plan, FLOW_LOG, "network-flow-logs")


# Aurora with storageEncrypted left out (false for provisioned clusters).
_AURORA = adding(
    DB_CLUSTER,
    "tracking-aurora",
    lambda p: {"clusterIdentifier": f"{_scope(p)}-mlflow", "engine": "aurora-postgresql"},
    masterUsername="mlflow",
    manageMasterUserPassword=True,
    backupRetentionPeriod=7.0,
    deletionProtection=True,
)

_WORLD_IPV6_INLINE = put(
    "ingress",
    [{"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "ipv6CidrBlocks": ["::/0"]}],
)
_ALLOW_ALL_EGRESS = put(
    "egress",
    [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["0.0.0.0/0"]}],
)
_DEFAULT_SG_OPEN = put(
    "ingress",
    [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["0.0.0.0/0"]}],
)
_AWS_RDS_KEY = "arn:aws:kms:eu-west-1:345678901234:alias/aws/rds"
_ENDPOINTS = "network-endpoints"
_SUBNET_1A = "network-private-eu-west-1a"


CASES = [
    # Security groups.
    Case(
        "exposure-mlflow-port-to-world", "fraud-dev", "exposure-sg-world-ingress", _MLFLOW_PORT_OPEN
    ),
    Case(
        "exposure-endpoints-ipv6-world",
        "dev",
        "exposure-sg-world-ingress",
        lambda p: change(p, SG, _ENDPOINTS, _WORLD_IPV6_INLINE),
    ),
    Case("exposure-ssh-world-in-halves", "prod", "exposure-sg-world-ingress", _SSH_WORLD_IN_HALVES),
    Case(
        "exposure-default-sg-reopened",
        "dev",
        "exposure-sg-world-ingress",
        lambda p: change(p, DEFAULT_SG, "network-default-sg", _DEFAULT_SG_OPEN),
    ),
    Case(
        "exposure-allow-all-egress",
        "dev",
        "exposure-sg-world-egress-https-only",
        lambda p: change(p, SG, "network-workloads", _ALLOW_ALL_EGRESS),
    ),
    Case("exposure-ssh-out-ipv6", "prod", "exposure-sg-world-egress-https-only", _SSH_OUT_IPV6),
    # Subnets, internet gateways, flow logs.
    Case(
        "exposure-private-subnet-public-ip",
        "dev",
        "network-subnet-no-public-ip",
        lambda p: change(p, SUBNET, _SUBNET_1A, put("mapPublicIpOnLaunch", True)),
    ),
    Case(
        "exposure-nat-subnet-public-ip",
        "dev",
        "network-subnet-no-public-ip",
        lambda p: change(p, SUBNET, "network-public-eu-west-1a", put("mapPublicIpOnLaunch", True)),
        config=NAT,
    ),
    Case(
        "exposure-workload-subnet-on-public-table",
        "dev",
        "network-public-subnet-nat-only",
        _private_subnet_on_public_table,
        config=NAT,
    ),
    Case(
        "exposure-endpoint-in-public-subnet",
        "dev",
        "network-public-subnet-nat-only",
        _endpoint_in_public_subnet,
        config=NAT,
    ),
    Case(
        "exposure-main-table-to-igw",
        "dev",
        "network-public-subnet-nat-only",
        _main_table_to_igw,
        config=NAT,
    ),
    Case("exposure-igw-attachment", "dev", "network-egress-as-configured", _ATTACH_EXISTING_IGW),
    Case("exposure-flow-log-removed", "dev", "network-vpc-flow-logs", _no_flow_log),
    Case(
        "exposure-flow-log-reject-only",
        "prod",
        "network-vpc-flow-logs",
        lambda p: change(p, FLOW_LOG, "network-flow-logs", put("trafficType", "REJECT")),
    ),
    Case("exposure-nat-flow-log-removed", "dev", "network-vpc-flow-logs", _no_flow_log, config=NAT),
    # Log groups.
    Case(
        "exposure-log-group-no-key",
        "fraud-dev",
        "exposure-log-group-kms",
        add_log_group(kmsKeyId=None),
    ),
    Case(
        "exposure-log-group-never-expires",
        "fraud-prod",
        "exposure-log-group-retention",
        add_log_group(retentionInDays=0.0),
    ),
    Case(
        "exposure-log-group-no-retention",
        "churn-dev",
        "exposure-log-group-retention",
        add_log_group(retentionInDays=None),
    ),
    # RDS.
    Case(
        "exposure-rds-unencrypted",
        "fraud-dev",
        "exposure-rds-encrypted",
        add_database(storageEncrypted=False, kmsKeyId=None),
    ),
    Case(
        "exposure-rds-aws-managed-key",
        "fraud-prod",
        "exposure-rds-encrypted",
        add_database(kmsKeyId=_AWS_RDS_KEY),
    ),
    Case("exposure-aurora-unencrypted", "fraud-prod", "exposure-rds-encrypted", _AURORA),
    Case(
        "exposure-rds-public",
        "churn-dev",
        "exposure-rds-private",
        add_database(publiclyAccessible=True),
    ),
    Case(
        "exposure-rds-no-backups",
        "vision-dev",
        "exposure-rds-backups",
        add_database(backupRetentionPeriod=0.0),
    ),
    Case(
        "exposure-rds-prod-unprotected",
        "fraud-prod",
        "exposure-rds-deletion-protection",
        add_database(deletionProtection=False, skipFinalSnapshot=True),
    ),
    # Load balancers.
    Case(
        "exposure-lb-internet-facing",
        "fraud-dev",
        "exposure-lb-internal",
        add_load_balancer(internal=False),
    ),
    Case(
        "exposure-alb-scheme-omitted",
        "fraud-prod",
        "exposure-lb-internal",
        add_load_balancer(ALB, internal=None),
    ),
    Case(
        "exposure-listener-plain-http",
        "fraud-dev",
        "exposure-lb-listener-tls",
        add_listener(port=80.0, protocol="HTTP", sslPolicy=None, certificateArn=None),
    ),
    Case(
        "exposure-listener-tls10-policy",
        "fraud-prod",
        "exposure-lb-listener-tls",
        add_listener(sslPolicy="ELBSecurityPolicy-2016-08"),
    ),
]
