"""Resource types that AWS does not bill by themselves: each with the reason it is free.

A planned type that is neither priced (`policies.cost_model.pricer`) nor listed here is reported as
`unpriced` by `mlopsctl cost`, and `tests/cost/test_unpriced.py` fails on it. Only types whose
own existence costs nothing belong here (what they carry is billed elsewhere: a bucket's
sub-resources are free, its storage is priced on the bucket). Read 2026-12 on the services'
pricing pages (`https://aws.amazon.com/<service>/pricing/`).
"""

from __future__ import annotations

import re

_IAM = "IAM has no charge (https://aws.amazon.com/iam/)"
_S3_CONFIG = "bucket configuration; storage and requests are priced on the bucket"
_VPC = "VPC building blocks have no charge (https://aws.amazon.com/vpc/pricing/)"

FREE_TYPES: dict[str, str] = {
    "aws:iam/role:Role": _IAM,
    "aws:iam/policy:Policy": _IAM,
    "aws:iam/rolePolicy:RolePolicy": _IAM,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _IAM,
    "aws:iam/instanceProfile:InstanceProfile": _IAM,
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _IAM,
    "aws:kms/alias:Alias": "aliases are free; the key is priced (kms/pricing)",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _S3_CONFIG,
    "aws:s3/bucketLogging:BucketLogging": _S3_CONFIG + " (log objects count in the log bucket)",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _S3_CONFIG,
    "aws:s3/bucketPolicy:BucketPolicy": _S3_CONFIG,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _S3_CONFIG,
    "aws:s3/bucketServerSideEncryptionConfiguration:"
    "BucketServerSideEncryptionConfiguration": _S3_CONFIG,
    "aws:s3/bucketVersioning:BucketVersioning": _S3_CONFIG,
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": _S3_CONFIG,
    "aws:ec2/vpc:Vpc": _VPC,
    "aws:ec2/subnet:Subnet": _VPC,
    "aws:ec2/routeTable:RouteTable": _VPC,
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _VPC,
    "aws:ec2/route:Route": _VPC,
    "aws:ec2/securityGroup:SecurityGroup": _VPC,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _VPC,
    "aws:ec2/internetGateway:InternetGateway": _VPC + " (data out is billed as transfer)",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _VPC,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _VPC,
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "repository configuration (ecr/pricing)",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "repository configuration (ecr/pricing)",
    "aws:ecs/cluster:Cluster": "no charge for a cluster; Fargate tasks are priced on the service",
    "aws:ecs/taskDefinition:TaskDefinition": "no charge; priced on the service that runs it",
    "aws:lb/targetGroup:TargetGroup": "part of the load balancer, priced there",
    "aws:lb/listener:Listener": "part of the load balancer, priced there",
    "aws:rds/subnetGroup:SubnetGroup": "no charge (rds/pricing); the instance is priced",
    "aws:rds/parameterGroup:ParameterGroup": "no charge (rds/pricing); the instance is priced",
    "aws:secretsmanager/secretVersion:SecretVersion": "versions are free; the secret is priced",
    "aws:sagemaker/userProfile:UserProfile": "no charge; its apps, spaces and home are priced",
    "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig": "configuration, no charge",
    "aws:sagemaker/codeRepository:CodeRepository": "a git URL, no charge",
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:"
    "NotebookInstanceLifecycleConfiguration": "configuration, no charge",
    "aws:sagemaker/model:Model": "no charge; the endpoint configuration's instances are priced",
    "aws:sagemaker/endpoint:Endpoint": "billed through its endpoint configuration (priced)",
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": "Model Registry has no charge",
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": (
        "a definition; its runs are priced on the monitoring schedule"
    ),
    "aws:sagemaker/pipeline:Pipeline": "no charge; its steps run as jobs (priced on schedules)",
    "aws:appautoscaling/target:Target": "Application Auto Scaling has no charge",
    "aws:appautoscaling/policy:Policy": "Application Auto Scaling has no charge",
    "aws:scheduler/scheduleGroup:ScheduleGroup": "no charge (scheduler: per invocation)",
    "aws:cloudwatch/eventRule:EventRule": "EventBridge: events from AWS services are free",
    "aws:cloudwatch/eventTarget:EventTarget": "EventBridge: events from AWS services are free",
    "aws:sns/topic:Topic": "no charge for a topic; a few alarm messages a month stay in the "
    "free tier (sns/pricing)",
    "aws:sns/topicSubscription:TopicSubscription": "no charge for a subscription",
    "aws:sns/topicPolicy:TopicPolicy": "no charge",
}

# Other programs' resources that are never AWS-billed: Kubernetes objects run on a cluster
# that is not the stack's (its cost is the cluster's), and Pulumi's own resources.
NOT_AWS = re.compile(r"^(kubernetes|pulumi|random|tls|docker|command):")


def is_free(type_token: str) -> bool:
    return type_token in FREE_TYPES or bool(NOT_AWS.match(type_token))
