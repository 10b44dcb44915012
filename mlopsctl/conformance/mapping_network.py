"""EC2, load balancer, ECS and RDS resource types -> their API requests.

EC2 create calls carry tags in `TagSpecifications[].Tags`; attributes such as DNS support are
separate `Modify*Attribute` calls taking `{Value: ...}`.
"""

from __future__ import annotations

from mlopsctl.conformance.requests import (
    FLATTEN,
    SKIP,
    Request,
    enabled_disabled,
    json_text,
    load_balancer_scheme,
    request,
)

EC2_TAGS = "TagSpecifications[].Tags"
_PERMISSION = "IpPermissions[]"


def _rule(operation: str) -> Request:
    """A security group rule (aws:vpc/securityGroup*Rule): one IpPermissions entry."""
    return request(
        "ec2",
        operation,
        {
            "securityGroupId": "GroupId",
            "fromPort": f"{_PERMISSION}.FromPort",
            "toPort": f"{_PERMISSION}.ToPort",
            "ipProtocol": f"{_PERMISSION}.IpProtocol",
            "cidrIpv4": f"{_PERMISSION}.IpRanges[].CidrIp",
            "cidrIpv6": f"{_PERMISSION}.Ipv6Ranges[].CidrIpv6",
            "referencedSecurityGroupId": f"{_PERMISSION}.UserIdGroupPairs[].GroupId",
            "prefixListId": f"{_PERMISSION}.PrefixListIds[].PrefixListId",
            "description": f"{_PERMISSION}.IpRanges[].Description",
            "tags": EC2_TAGS,
        },
    )


_HEALTH_CHECK = {
    "healthCheck": FLATTEN,
    "healthCheck.enabled": "HealthCheckEnabled",
    "healthCheck.path": "HealthCheckPath",
    "healthCheck.port": "HealthCheckPort",
    "healthCheck.protocol": "HealthCheckProtocol",
    "healthCheck.interval": "HealthCheckIntervalSeconds",
    "healthCheck.timeout": "HealthCheckTimeoutSeconds",
    "healthCheck.healthyThreshold": "HealthyThresholdCount",
    "healthCheck.unhealthyThreshold": "UnhealthyThresholdCount",
    "healthCheck.matcher": "Matcher.HttpCode",
}
# Target group and load balancer attributes go to Modify*Attributes as key/value strings.
_TARGET_GROUP_ATTRIBUTES = [
    "deregistrationDelay",
    "stickiness",
    "slowStart",
    "loadBalancingAlgorithmType",
    "preserveClientIp",
    "proxyProtocolV2",
    "connectionTermination",
    "lambdaMultiValueHeadersEnabled",
    "namePrefix",
]
_LOAD_BALANCER_ATTRIBUTES = [
    "dropInvalidHeaderFields",
    "enableDeletionProtection",
    "idleTimeout",
    "accessLogs",
    "connectionLogs",
    "enableHttp2",
    "desyncMitigationMode",
    "enableWafFailOpen",
    "preserveHostHeader",
    "namePrefix",
    "enableCrossZoneLoadBalancing",
    "xffHeaderProcessingMode",
    "clientKeepAlive",
]
_ACTION = "defaultActions"

NETWORK_REQUESTS: dict[str, tuple[Request, ...]] = {
    "aws:ec2/vpc:Vpc": (
        request("ec2", "CreateVpc", {"tags": EC2_TAGS}),
        request(
            "ec2",
            "ModifyVpcAttribute",
            {
                "enableDnsSupport": "EnableDnsSupport.Value",
                "enableDnsHostnames": "EnableDnsHostnames.Value",
            },
            claims=("enableDnsSupport", "enableDnsHostnames"),
            supplied=("VpcId",),
        ),
    ),
    "aws:ec2/subnet:Subnet": (
        request("ec2", "CreateSubnet", {"tags": EC2_TAGS}),
        request(
            "ec2",
            "ModifySubnetAttribute",
            {"mapPublicIpOnLaunch": "MapPublicIpOnLaunch.Value"},
            claims=("mapPublicIpOnLaunch",),
            supplied=("SubnetId",),
        ),
    ),
    # Inline ingress/egress rules: their descriptions are checked by rules/security_groups.py.
    "aws:ec2/securityGroup:SecurityGroup": (
        request(
            "ec2",
            "CreateSecurityGroup",
            {
                "name": "GroupName",
                "tags": EC2_TAGS,
                "ingress": SKIP,
                "egress": SKIP,
                "namePrefix": SKIP,
                "revokeRulesOnDelete": SKIP,
            },
            supplied=("GroupName", "Description"),  # "Managed by Pulumi" is the default
        ),
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        _rule("AuthorizeSecurityGroupIngress"),
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (
        _rule("AuthorizeSecurityGroupEgress"),
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (
        request(
            "ec2",
            "CreateVpcEndpoint",
            {"policy": "PolicyDocument", "tags": EC2_TAGS, "autoAccept": SKIP},
        ),
    ),
    "aws:ec2/flowLog:FlowLog": (
        request(
            "ec2",
            "CreateFlowLogs",
            {
                "vpcId": "ResourceIds[]",
                "subnetId": "ResourceIds[]",
                "eniId": "ResourceIds[]",
                "iamRoleArn": "DeliverLogsPermissionArn",
                "tags": EC2_TAGS,
            },
            supplied=("ResourceType",),  # VPC, Subnet or NetworkInterface, from the id given
        ),
    ),
    "aws:ec2/routeTable:RouteTable": (
        request(
            "ec2",
            "CreateRouteTable",
            {"tags": EC2_TAGS, "routes": SKIP, "propagatingVgws": SKIP},
        ),
    ),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": (request("ec2", "AssociateRouteTable"),),
    # Egress (components/network_egress.py). A route is one CreateRoute call per destination.
    "aws:ec2/route:Route": (
        request("ec2", "CreateRoute", {"egressOnlyGatewayId": "EgressOnlyInternetGatewayId"}),
    ),
    # `vpcId` attaches the gateway in a second call.
    "aws:ec2/internetGateway:InternetGateway": (
        request("ec2", "CreateInternetGateway", {"tags": EC2_TAGS}),
        request(
            "ec2",
            "AttachInternetGateway",
            claims=("vpcId",),
            supplied=("InternetGatewayId",),
        ),
    ),
    # An Elastic IP; associating it with an instance or interface is another call, not mapped.
    "aws:ec2/eip:Eip": (
        request(
            "ec2",
            "AllocateAddress",
            {"tags": EC2_TAGS}
            | dict.fromkeys(["instance", "networkInterface", "associateWithPrivateIp"], SKIP),
        ),
    ),
    "aws:ec2/natGateway:NatGateway": (
        request("ec2", "CreateNatGateway", {"tags": EC2_TAGS, "privateIp": "PrivateIpAddress"}),
    ),
    # The attachment's options are one `Options` structure; its association with and
    # propagation to the transit gateway's default route table are transit gateway route table
    # calls, not mapped.
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": (
        request(
            "ec2",
            "CreateTransitGatewayVpcAttachment",
            {
                "tags": EC2_TAGS,
                "dnsSupport": "Options.DnsSupport",
                "ipv6Support": "Options.Ipv6Support",
                "applianceModeSupport": "Options.ApplianceModeSupport",
                "securityGroupReferencingSupport": "Options.SecurityGroupReferencingSupport",
                "transitGatewayDefaultRouteTableAssociation": SKIP,
                "transitGatewayDefaultRouteTablePropagation": SKIP,
            },
        ),
    ),
    "aws:lb/loadBalancer:LoadBalancer": (
        request(
            "elbv2",
            "CreateLoadBalancer",
            {"internal": "Scheme", "loadBalancerType": "Type"}
            | dict.fromkeys(_LOAD_BALANCER_ATTRIBUTES, SKIP),
            transforms={"internal": load_balancer_scheme},
            supplied=("Name",),
        ),
    ),
    "aws:lb/targetGroup:TargetGroup": (
        request(
            "elbv2",
            "CreateTargetGroup",
            _HEALTH_CHECK | dict.fromkeys(_TARGET_GROUP_ATTRIBUTES, SKIP),
            supplied=("Name",),
        ),
    ),
    "aws:lb/listener:Listener": (
        request(
            "elbv2",
            "CreateListener",
            {
                "certificateArn": "Certificates[].CertificateArn",
                f"{_ACTION}.forward": "ForwardConfig",
                f"{_ACTION}.forward.targetGroups.arn": "TargetGroupArn",
                f"{_ACTION}.fixedResponse": "FixedResponseConfig",
                f"{_ACTION}.redirect": "RedirectConfig",
                f"{_ACTION}.authenticateOidc": "AuthenticateOidcConfig",
                f"{_ACTION}.authenticateCognito": "AuthenticateCognitoConfig",
            },
        ),
    ),
    "aws:ecs/cluster:Cluster": (request("ecs", "CreateCluster", {"name": "clusterName"}),),
    "aws:ecs/service:Service": (
        request(
            "ecs",
            "CreateService",
            {
                "name": "serviceName",
                "networkConfiguration": "networkConfiguration.awsvpcConfiguration",
                "deploymentCircuitBreaker": "deploymentConfiguration.deploymentCircuitBreaker",
                "deploymentMaximumPercent": "deploymentConfiguration.maximumPercent",
                "deploymentMinimumHealthyPercent": "deploymentConfiguration.minimumHealthyPercent",
                "alarms": "deploymentConfiguration.alarms",
                "iamRole": "role",
                "orderedPlacementStrategies": "placementStrategy",
                "capacityProviderStrategies": "capacityProviderStrategy",
                "waitForSteadyState": SKIP,
                "forceNewDeployment": SKIP,
                "forceDelete": SKIP,
                "triggers": SKIP,
            },
            transforms={"networkConfiguration.assignPublicIp": enabled_disabled},
        ),
    ),
    "aws:ecs/taskDefinition:TaskDefinition": (
        request(
            "ecs",
            "RegisterTaskDefinition",
            {"skipDestroy": SKIP, "trackLatest": SKIP},
            transforms={"containerDefinitions": json_text},
        ),
    ),
    "aws:rds/instance:Instance": (
        request(
            "rds",
            "CreateDBInstance",
            {
                "identifier": "DBInstanceIdentifier",
                "instanceClass": "DBInstanceClass",
                "username": "MasterUsername",
                "password": "MasterUserPassword",
                "parameterGroupName": "DBParameterGroupName",
                "iamDatabaseAuthenticationEnabled": "EnableIAMDatabaseAuthentication",
                "performanceInsightsEnabled": "EnablePerformanceInsights",
                "enabledCloudwatchLogsExports": "EnableCloudwatchLogsExports",
                "caCertIdentifier": "CACertificateIdentifier",
                "backupWindow": "PreferredBackupWindow",
                "maintenanceWindow": "PreferredMaintenanceWindow",
            }
            | dict.fromkeys(
                [
                    "identifierPrefix",
                    "skipFinalSnapshot",
                    "finalSnapshotIdentifier",
                    "applyImmediately",
                    "deleteAutomatedBackups",
                    "allowMajorVersionUpgrade",
                    "blueGreenUpdate",
                    "replicateSourceDb",
                ],
                SKIP,
            ),
            supplied=("DBInstanceIdentifier",),
        ),
    ),
    "aws:rds/subnetGroup:SubnetGroup": (
        request(
            "rds",
            "CreateDBSubnetGroup",
            {
                "name": "DBSubnetGroupName",
                "description": "DBSubnetGroupDescription",
                "namePrefix": SKIP,
            },
            supplied=("DBSubnetGroupName", "DBSubnetGroupDescription"),
        ),
    ),
}
