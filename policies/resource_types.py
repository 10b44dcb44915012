"""The resource types the rules judge: every type token written once, with typed selectors.

A rule names its subjects with these constants, never with a token string:
`S3_BUCKET.matches(args)` on a `ResourceValidationArgs` (or a `PolicyResource`),
`S3_BUCKET.select(args)` on a `StackValidationArgs` (or a list of `PolicyResource`) for the
planned resources of that type, in plan order. Selectors compose: `KMS_KEY | KMS_KEY_POLICY`
is a `ResourceTypes` that matches either. Tokens are pulumi-aws v7 and pulumi-kubernetes 4 type
tokens (a test checks each against the tokens the installed SDKs register).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from pulumi_policy import PolicyResource, StackValidationArgs

TOKEN = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9./-]+:[A-Z][A-Za-z0-9]*$")


class Typed(Protocol):
    """What a selector looks at: `ResourceValidationArgs` and `PolicyResource` both qualify."""

    resource_type: str


class Selector(ABC):
    """A set of resource type tokens, the subject of a rule."""

    @property
    @abstractmethod
    def tokens(self) -> frozenset[str]:
        """Every token matched (aliases included)."""

    @property
    @abstractmethod
    def members(self) -> tuple[ResourceType, ...]:
        """The resource types, in declaration order."""

    def matches(self, resource: Typed) -> bool:
        """Is this resource (validation args or a planned resource) of one of the types?"""
        return resource.resource_type in self.tokens

    def select(
        self, source: StackValidationArgs | Iterable[PolicyResource]
    ) -> Iterator[PolicyResource]:
        """The resources of the stack (or of the list) that match, in their order."""
        resources = source.resources if isinstance(source, StackValidationArgs) else source
        return (r for r in resources if r.resource_type in self.tokens)

    def __or__(self, other: Selector) -> ResourceTypes:
        return ResourceTypes(self, other)


@dataclass(frozen=True)
class ResourceType(Selector):
    """One resource type; `aliases` are deprecated tokens of the same resource."""

    token: str
    aliases: tuple[str, ...] = ()
    _tokens: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for token in (self.token, *self.aliases):
            if not TOKEN.match(token):
                raise ValueError(f"{token!r} is not a type token (package:module:Type)")
        object.__setattr__(self, "_tokens", frozenset((self.token, *self.aliases)))

    @property
    def tokens(self) -> frozenset[str]:
        return self._tokens

    @property
    def members(self) -> tuple[ResourceType, ...]:
        return (self,)

    @property
    def type_name(self) -> str:
        """The type's own name, e.g. `Bucket`."""
        return self.token.rsplit(":", 1)[-1]

    def __str__(self) -> str:
        return self.token


@dataclass(frozen=True, init=False)
class ResourceTypes(Selector):
    """A union of resource types (duplicates dropped, order kept)."""

    types: tuple[ResourceType, ...]
    _tokens: frozenset[str] = field(repr=False, compare=False)

    def __init__(self, *selectors: Selector) -> None:
        found = [t for s in selectors for t in s.members]
        object.__setattr__(self, "types", tuple(dict.fromkeys(found)))
        object.__setattr__(self, "_tokens", frozenset(t for s in self.types for t in s.tokens))

    @property
    def tokens(self) -> frozenset[str]:
        return self._tokens

    @property
    def members(self) -> tuple[ResourceType, ...]:
        return self.types

    def __iter__(self) -> Iterator[ResourceType]:
        return iter(self.types)

    def __len__(self) -> int:
        return len(self.types)


def _with_v6_alias(token: str) -> ResourceType:
    """An S3 companion type and its deprecated pulumi-aws v6 `...V2` token (same resource)."""
    package, module, name = token.split(":")
    return ResourceType(token, (f"{package}:{module}V2:{name}V2",))


# --- S3: in v7 a bucket's settings are companion resources -----------------------------------
S3_BUCKET = ResourceType("aws:s3/bucket:Bucket")
S3_BUCKET_POLICY = ResourceType("aws:s3/bucketPolicy:BucketPolicy")
S3_PUBLIC_ACCESS_BLOCK = ResourceType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
S3_OWNERSHIP_CONTROLS = ResourceType("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
S3_VERSIONING = _with_v6_alias("aws:s3/bucketVersioning:BucketVersioning")
S3_ENCRYPTION = _with_v6_alias(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
)
S3_LOGGING = _with_v6_alias("aws:s3/bucketLogging:BucketLogging")
S3_LIFECYCLE = _with_v6_alias("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
S3_ACL = _with_v6_alias("aws:s3/bucketAcl:BucketAcl")

# --- KMS, IAM ----------------------------------------------------------------------------------
KMS_KEY = ResourceType("aws:kms/key:Key")
KMS_KEY_POLICY = ResourceType("aws:kms/keyPolicy:KeyPolicy")
IAM_ROLE = ResourceType("aws:iam/role:Role")
IAM_ROLE_POLICY = ResourceType("aws:iam/rolePolicy:RolePolicy")
IAM_POLICY = ResourceType("aws:iam/policy:Policy")
IAM_USER_POLICY = ResourceType("aws:iam/userPolicy:UserPolicy")
IAM_GROUP_POLICY = ResourceType("aws:iam/groupPolicy:GroupPolicy")
IAM_ROLE_POLICY_ATTACHMENT = ResourceType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
IAM_POLICY_ATTACHMENT = ResourceType("aws:iam/policyAttachment:PolicyAttachment")
ECS_TASK_DEFINITION = ResourceType("aws:ecs/taskDefinition:TaskDefinition")
# Resources that hold identity policy documents (a role's inline policies, or `policy`).
IAM_IDENTITY_POLICIES = ResourceTypes(
    IAM_ROLE, IAM_ROLE_POLICY, IAM_POLICY, IAM_USER_POLICY, IAM_GROUP_POLICY
)

# --- SageMaker -----------------------------------------------------------------------------------
SAGEMAKER_DOMAIN = ResourceType("aws:sagemaker/domain:Domain")
SAGEMAKER_USER_PROFILE = ResourceType("aws:sagemaker/userProfile:UserProfile")
SAGEMAKER_SPACE = ResourceType("aws:sagemaker/space:Space")
SAGEMAKER_APP = ResourceType("aws:sagemaker/app:App")
SAGEMAKER_NOTEBOOK = ResourceType("aws:sagemaker/notebookInstance:NotebookInstance")
SAGEMAKER_CODE_REPOSITORY = ResourceType("aws:sagemaker/codeRepository:CodeRepository")
SAGEMAKER_MODEL = ResourceType("aws:sagemaker/model:Model")
SAGEMAKER_ENDPOINT_CONFIG = ResourceType(
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
)
SAGEMAKER_ENDPOINT = ResourceType("aws:sagemaker/endpoint:Endpoint")
SAGEMAKER_PIPELINE = ResourceType("aws:sagemaker/pipeline:Pipeline")
SCHEDULER_SCHEDULE = ResourceType("aws:scheduler/schedule:Schedule")
SAGEMAKER_MLFLOW = ResourceType("aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer")
SAGEMAKER_MLFLOW_APP = ResourceType("aws:sagemaker/mlflowApp:MlflowApp")
SAGEMAKER_DATA_QUALITY_JOB_DEFINITION = ResourceType(
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"
)
SAGEMAKER_MONITORING_SCHEDULE = ResourceType("aws:sagemaker/monitoringSchedule:MonitoringSchedule")
APPAUTOSCALING_TARGET = ResourceType("aws:appautoscaling/target:Target")

# --- ECR -----------------------------------------------------------------------------------------
ECR_REPOSITORY = ResourceType("aws:ecr/repository:Repository")
ECR_REPOSITORY_POLICY = ResourceType("aws:ecr/repositoryPolicy:RepositoryPolicy")

# --- Network, logs, other stateful services ------------------------------------------------------
EC2_VPC = ResourceType("aws:ec2/vpc:Vpc")
EC2_SUBNET = ResourceType("aws:ec2/subnet:Subnet")
EC2_SECURITY_GROUP = ResourceType("aws:ec2/securityGroup:SecurityGroup")
EC2_VPC_ENDPOINT = ResourceType("aws:ec2/vpcEndpoint:VpcEndpoint")
EC2_ROUTE_TABLE = ResourceType("aws:ec2/routeTable:RouteTable")
EC2_FLOW_LOG = ResourceType("aws:ec2/flowLog:FlowLog")
EC2_ROUTE = ResourceType("aws:ec2/route:Route")
EC2_INTERNET_GATEWAY = ResourceType("aws:ec2/internetGateway:InternetGateway")
EC2_EGRESS_ONLY_INTERNET_GATEWAY = ResourceType(
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
)
EC2_NAT_GATEWAY = ResourceType("aws:ec2/natGateway:NatGateway")
EC2_EIP = ResourceType("aws:ec2/eip:Eip")
EC2_TRANSIT_GATEWAY_VPC_ATTACHMENT = ResourceType(
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
)
CLOUDWATCH_LOG_GROUP = ResourceType("aws:cloudwatch/logGroup:LogGroup")
CLOUDWATCH_EVENT_RULE = ResourceType("aws:cloudwatch/eventRule:EventRule")
SFN_STATE_MACHINE = ResourceType("aws:sfn/stateMachine:StateMachine")
SECRETSMANAGER_SECRET = ResourceType("aws:secretsmanager/secret:Secret")
RDS_INSTANCE = ResourceType("aws:rds/instance:Instance")
RDS_CLUSTER = ResourceType("aws:rds/cluster:Cluster")
EFS_FILE_SYSTEM = ResourceType("aws:efs/fileSystem:FileSystem")
DYNAMODB_TABLE = ResourceType("aws:dynamodb/table:Table")

# --- Network exposure: security group rules, route tables, load balancers, RDS members ---------
EC2_DEFAULT_SECURITY_GROUP = ResourceType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
EC2_SECURITY_GROUP_RULE = ResourceType("aws:ec2/securityGroupRule:SecurityGroupRule")
VPC_SECURITY_GROUP_INGRESS_RULE = ResourceType(
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
)
VPC_SECURITY_GROUP_EGRESS_RULE = ResourceType(
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)
EC2_ROUTE_TABLE_ASSOCIATION = ResourceType("aws:ec2/routeTableAssociation:RouteTableAssociation")
EC2_DEFAULT_ROUTE_TABLE = ResourceType("aws:ec2/defaultRouteTable:DefaultRouteTable")
EC2_INTERNET_GATEWAY_ATTACHMENT = ResourceType(
    "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
)
RDS_CLUSTER_INSTANCE = ResourceType("aws:rds/clusterInstance:ClusterInstance")
# pulumi-aws registers the `alb` module's types as aliases of `lb`'s (same resources).
LB_LOAD_BALANCER = ResourceType(
    "aws:lb/loadBalancer:LoadBalancer", ("aws:alb/loadBalancer:LoadBalancer",)
)
LB_LISTENER = ResourceType("aws:lb/listener:Listener", ("aws:alb/listener:Listener",))

# --- Kubernetes ----------------------------------------------------------------------------------
K8S_NAMESPACE = ResourceType("kubernetes:core/v1:Namespace")
K8S_NETWORK_POLICY = ResourceType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
K8S_POD = ResourceType("kubernetes:core/v1:Pod")
K8S_CRON_JOB = ResourceType("kubernetes:batch/v1:CronJob")
# Workloads whose pod spec is at `spec.template.spec`.
K8S_DEPLOYMENT = ResourceType("kubernetes:apps/v1:Deployment")
K8S_STATEFUL_SET = ResourceType("kubernetes:apps/v1:StatefulSet")
K8S_DAEMON_SET = ResourceType("kubernetes:apps/v1:DaemonSet")
K8S_REPLICA_SET = ResourceType("kubernetes:apps/v1:ReplicaSet")
K8S_JOB = ResourceType("kubernetes:batch/v1:Job")
K8S_TEMPLATE_WORKLOADS = ResourceTypes(
    K8S_DEPLOYMENT, K8S_STATEFUL_SET, K8S_DAEMON_SET, K8S_REPLICA_SET, K8S_JOB
)
# Everything that runs pods.
K8S_WORKLOADS = ResourceTypes(K8S_TEMPLATE_WORKLOADS, K8S_CRON_JOB, K8S_POD)
K8S_SERVICE = ResourceType("kubernetes:core/v1:Service")
# autoscaling/v1 has the same scaleTargetRef and maxReplicas.
K8S_HPA = ResourceType(
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    ("kubernetes:autoscaling/v1:HorizontalPodAutoscaler",),
)
K8S_ROLE = ResourceType("kubernetes:rbac.authorization.k8s.io/v1:Role")
K8S_CLUSTER_ROLE = ResourceType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")
K8S_ROLE_BINDING = ResourceType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
K8S_CLUSTER_ROLE_BINDING = ResourceType(
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
)


def all_types() -> list[ResourceType]:
    """Every resource type declared here (for tests and the reference docs)."""
    return [value for value in globals().values() if isinstance(value, ResourceType)]
