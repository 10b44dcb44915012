"""Realistic outputs for the mock monitor: ids, ARNs, names and URLs formatted as AWS does.

Formats follow the AWS service documentation (IAM identifiers, S3 naming, ARN formats of each
service in the Service Authorization Reference; read 2026-11). Values are derived from the URN
with a hash, so a plan is deterministic: the same program and config give the same ids.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CloudContext:
    account_id: str
    region: str
    partition: str = "aws"


def _digest(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def hex_id(seed: str, length: int = 17) -> str:
    return _digest(seed)[:length]


def auto_name(logical: str, seed: str) -> str:
    """Pulumi's auto-naming: the logical name plus a 7-character random suffix."""
    return f"{logical}-{hex_id(seed, 7)}"


def _alnum(seed: str, length: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    number = int(_digest(seed), 16)
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


Outputs = tuple[str, dict[str, Any]]
Builder = Callable[[str, str, dict[str, Any], CloudContext], Outputs]


def _arn(ctx: CloudContext, service: str, resource: str, *, regional: bool = True) -> str:
    region = ctx.region if regional else ""
    return f"arn:{ctx.partition}:{service}:{region}:{ctx.account_id}:{resource}"


def _named(inputs: dict[str, Any], key: str, logical: str, seed: str) -> str:
    return inputs.get(key) or auto_name(logical, seed)


def _bucket(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    bucket = _named(inputs, "bucket", name, seed)
    return bucket, {
        "bucket": bucket,
        "arn": f"arn:{ctx.partition}:s3:::{bucket}",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{ctx.region}.amazonaws.com",
        "region": ctx.region,
        "hostedZoneId": "Z3AQBSTGFYJSTF",
    }


def _kms_key(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    key_id = str(uuid.UUID(_digest(seed)[:32]))
    return key_id, {"keyId": key_id, "arn": _arn(ctx, "kms", f"key/{key_id}")}


def _kms_alias(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    alias = inputs.get("name") or f"alias/{auto_name(name, seed)}"
    return alias, {"name": alias, "arn": _arn(ctx, "kms", alias)}


def _ec2(prefix: str, kind: str) -> Builder:
    def build(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
        resource_id = f"{prefix}-{hex_id(seed)}"
        outputs: dict[str, Any] = {"arn": _arn(ctx, "ec2", f"{kind}/{resource_id}")}
        if prefix == "vpc":
            outputs |= {
                "defaultSecurityGroupId": f"sg-{hex_id(seed + 'sg')}",
                "mainRouteTableId": f"rtb-{hex_id(seed + 'rtb')}",
                "defaultNetworkAclId": f"acl-{hex_id(seed + 'acl')}",
                "ownerId": ctx.account_id,
            }
        if prefix == "vpce":
            service = str(inputs.get("serviceName", "svc"))
            outputs |= {
                "dnsEntries": [{"dnsName": f"{resource_id}.{service}.vpce.amazonaws.com"}],
                "networkInterfaceIds": [f"eni-{hex_id(seed + 'eni')}"],
                "prefixListId": f"pl-{hex_id(seed + 'pl', 8)}",
            }
        if prefix == "sg":
            outputs["name"] = inputs.get("name") or auto_name(name, seed)
        return resource_id, outputs

    return build


def _iam_role(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    role = _named(inputs, "name", name, seed)
    path = inputs.get("path") or "/"
    return role, {
        "name": role,
        "arn": f"arn:{ctx.partition}:iam::{ctx.account_id}:role{path}{role}",
        "uniqueId": "AROA" + _alnum(seed, 17).upper(),
    }


def _iam_policy(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    policy = _named(inputs, "name", name, seed)
    path = inputs.get("path") or "/"
    arn = f"arn:{ctx.partition}:iam::{ctx.account_id}:policy{path}{policy}"
    return arn, {"name": policy, "arn": arn, "policyId": "ANPA" + _alnum(seed, 17).upper()}


def _role_policy(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    policy = _named(inputs, "name", name, seed)
    return f"{inputs.get('role')}:{policy}", {"name": policy}


def _mlflow_app(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    """An MLflow App's ARN is assigned by AWS, not derived from its name:
    `mlflow-app/app-<12 upper-case letters or digits>` (the form AWS's examples show)."""
    app_id = f"app-{_alnum(seed, 12).upper()}"
    return app_id, {
        "name": _named(inputs, "name", name, seed),
        "arn": _arn(ctx, "sagemaker", f"mlflow-app/{app_id}"),
    }


def _sagemaker(kind: str, *, name_key: str = "name", lower: bool = True) -> Builder:
    """Name-identified SageMaker resources; SageMaker lower-cases names in ARNs."""

    def build(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
        resource = _named(inputs, name_key, name, seed)
        in_arn = resource.lower() if lower else resource
        outputs: dict[str, Any] = {
            name_key: resource,
            "arn": _arn(ctx, "sagemaker", f"{kind}/{in_arn}"),
        }
        if kind == "mlflow-tracking-server":
            outputs["trackingServerUrl"] = (
                f"https://t-{_alnum(seed, 12)}.{ctx.region}.experiments.sagemaker.aws"
            )
        if kind == "notebook-instance":
            outputs["url"] = f"{resource}.notebook.{ctx.region}.sagemaker.aws"
            outputs["networkInterfaceId"] = f"eni-{hex_id(seed)}"
        return resource, outputs

    return build


def _sagemaker_domain(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    domain_id = f"d-{_alnum(seed, 12)}"
    return domain_id, {
        "arn": _arn(ctx, "sagemaker", f"domain/{domain_id}"),
        "url": f"https://{domain_id}.studio.{ctx.region}.sagemaker.aws",
        "homeEfsFileSystemId": f"fs-{hex_id(seed)}",
        "securityGroupIdForDomainBoundary": f"sg-{hex_id(seed + 'boundary')}",
        "singleSignOnManagedApplicationInstanceId": "",
    }


def _sagemaker_in_domain(kind: str, name_key: str) -> Builder:
    def build(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
        resource = _named(inputs, name_key, name, seed)
        domain = inputs.get("domainId", "d-unknown")
        arn = _arn(ctx, "sagemaker", f"{kind}/{domain}/{resource.lower()}")
        return arn, {name_key: resource, "arn": arn}

    return build


def _ecr_repository(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    repo = _named(inputs, "name", name, seed)
    return repo, {
        "name": repo,
        "arn": _arn(ctx, "ecr", f"repository/{repo}"),
        "registryId": ctx.account_id,
        "repositoryUrl": f"{ctx.account_id}.dkr.ecr.{ctx.region}.amazonaws.com/{repo}",
    }


def _secret(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    secret = _named(inputs, "name", name, seed)
    arn = _arn(ctx, "secretsmanager", f"secret:{secret}-{_alnum(seed, 6)}")
    return arn, {"name": secret, "arn": arn}


def _log_group(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    group = _named(inputs, "name", name, seed)
    return group, {"name": group, "arn": _arn(ctx, "logs", f"log-group:{group}")}


def _ecs_cluster(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    cluster = _named(inputs, "name", name, seed)
    arn = _arn(ctx, "ecs", f"cluster/{cluster}")
    return arn, {"name": cluster, "arn": arn}


def _ecs_service(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    service = _named(inputs, "name", name, seed)
    cluster = str(inputs.get("cluster", "cluster")).rsplit("/", 1)[-1]
    arn = _arn(ctx, "ecs", f"service/{cluster}/{service}")
    return arn, {"name": service, "arn": arn}


def _ecs_task_definition(
    name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext
) -> Outputs:
    family = inputs.get("family") or auto_name(name, seed)
    arn = _arn(ctx, "ecs", f"task-definition/{family}:1")
    return arn, {"arn": arn, "revision": 1, "arnWithoutRevision": arn.rsplit(":", 1)[0]}


def _rds_instance(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    identifier = _named(inputs, "identifier", name, seed)
    address = f"{identifier}.{_alnum(seed, 12)}.{ctx.region}.rds.amazonaws.com"
    port = inputs.get("port") or 5432
    outputs: dict[str, Any] = {
        "identifier": identifier,
        "arn": _arn(ctx, "rds", f"db:{identifier}"),
        "address": address,
        "endpoint": f"{address}:{port}",
        "port": port,
        "resourceId": "db-" + _alnum(seed, 26).upper(),
    }
    if inputs.get("manageMasterUserPassword"):
        # RDS names the managed secret rds!db-<uuid> (Amazon RDS user guide, "Password
        # management with Secrets Manager", read 2026-11).
        secret = f"rds!db-{uuid.UUID(_digest(seed + 'secret')[:32])}"
        outputs["masterUserSecrets"] = [
            {
                "secretArn": _arn(ctx, "secretsmanager", f"secret:{secret}-{_alnum(seed, 6)}"),
                "kmsKeyId": inputs.get("masterUserSecretKmsKeyId") or "",
                "secretStatus": "active",
            }
        ]
    return identifier, outputs


def _load_balancer(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    lb = _named(inputs, "name", name, seed)
    arn = _arn(ctx, "elasticloadbalancing", f"loadbalancer/app/{lb}/{hex_id(seed, 16)}")
    scheme = "internal-" if inputs.get("internal") else ""
    return arn, {
        "name": lb,
        "arn": arn,
        "dnsName": f"{scheme}{lb}-{_alnum(seed, 10)}.{ctx.region}.elb.amazonaws.com",
        "zoneId": "Z32O12XQLNTSW2",
    }


def _lb_child(kind: str) -> Builder:
    def build(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
        resource = _named(inputs, "name", name, seed)
        arn = _arn(ctx, "elasticloadbalancing", f"{kind}/{resource}/{hex_id(seed, 16)}")
        return arn, {"name": resource, "arn": arn}

    return build


def _regional(service: str, kind: str, name_key: str = "name", separator: str = "/") -> Builder:
    def build(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
        resource = _named(inputs, name_key, name, seed)
        return resource, {
            name_key: resource,
            "arn": _arn(ctx, service, f"{kind}{separator}{resource}"),
        }

    return build


def _docker_image(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    """pulumi-docker Image: the pushed image's digest pins it (`repo@sha256:...`)."""
    image = str(inputs.get("imageName") or name)
    repository = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    return image, {"imageName": image, "repoDigest": f"{repository}@sha256:{_digest(seed)}"}


def _kubernetes(name: str, seed: str, inputs: dict[str, Any], ctx: CloudContext) -> Outputs:
    """Kubernetes objects: the id is `namespace/name` (just `name` for cluster-scoped ones)."""
    metadata = dict(inputs.get("metadata") or {})
    metadata.setdefault("name", auto_name(name, seed))
    metadata.setdefault("uid", str(uuid.UUID(_digest(seed)[:32])))
    namespace = metadata.get("namespace")
    resource_id = f"{namespace}/{metadata['name']}" if namespace else metadata["name"]
    return resource_id, {"metadata": metadata}


KUBERNETES_TYPES: tuple[str, ...] = (
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:ResourceQuota",
    "kubernetes:core/v1:LimitRange",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:core/v1:Service",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "kubernetes:policy/v1:PodDisruptionBudget",
    "kubernetes:batch/v1:CronJob",
)

BUILDERS: dict[str, Builder] = {
    "docker:index/image:Image": _docker_image,
    **dict.fromkeys(KUBERNETES_TYPES, _kubernetes),
    "aws:s3/bucket:Bucket": _bucket,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": _kms_alias,
    "aws:ec2/vpc:Vpc": _ec2("vpc", "vpc"),
    "aws:ec2/subnet:Subnet": _ec2("subnet", "subnet"),
    "aws:ec2/securityGroup:SecurityGroup": _ec2("sg", "security-group"),
    "aws:ec2/routeTable:RouteTable": _ec2("rtb", "route-table"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _ec2("vpce", "vpc-endpoint"),
    "aws:ec2/flowLog:FlowLog": _ec2("fl", "vpc-flow-log"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _ec2("sg", "security-group"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _ec2("sgr", "security-group-rule"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _ec2("sgr", "security-group-rule"),
    "aws:iam/role:Role": _iam_role,
    "aws:iam/policy:Policy": _iam_policy,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:sagemaker/domain:Domain": _sagemaker_domain,
    "aws:sagemaker/userProfile:UserProfile": _sagemaker_in_domain(
        "user-profile", "userProfileName"
    ),
    "aws:sagemaker/space:Space": _sagemaker_in_domain("space", "spaceName"),
    "aws:sagemaker/app:App": _sagemaker_in_domain("app", "appName"),
    "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig": _sagemaker(
        "studio-lifecycle-config", name_key="studioLifecycleConfigName"
    ),
    "aws:sagemaker/notebookInstance:NotebookInstance": _sagemaker("notebook-instance"),
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration": (
        _sagemaker("notebook-instance-lifecycle-config")
    ),
    "aws:sagemaker/codeRepository:CodeRepository": _sagemaker(
        "code-repository", name_key="codeRepositoryName"
    ),
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": _sagemaker(
        "mlflow-tracking-server", name_key="trackingServerName"
    ),
    "aws:sagemaker/mlflowApp:MlflowApp": _mlflow_app,
    "aws:sagemaker/model:Model": _sagemaker("model"),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": _sagemaker("endpoint-config"),
    "aws:sagemaker/endpoint:Endpoint": _sagemaker("endpoint"),
    "aws:sagemaker/pipeline:Pipeline": _sagemaker("pipeline", name_key="pipelineName"),
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": _sagemaker(
        "model-package-group", name_key="modelPackageGroupName"
    ),
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": _sagemaker(
        "data-quality-job-definition"
    ),
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule": _sagemaker("monitoring-schedule"),
    "aws:ecr/repository:Repository": _ecr_repository,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _regional("cloudwatch", "alarm", separator=":"),
    "aws:ecs/cluster:Cluster": _ecs_cluster,
    "aws:ecs/service:Service": _ecs_service,
    "aws:ecs/taskDefinition:TaskDefinition": _ecs_task_definition,
    "aws:rds/instance:Instance": _rds_instance,
    "aws:rds/subnetGroup:SubnetGroup": _regional("rds", "subgrp", separator=":"),
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _lb_child("targetgroup"),
    "aws:lb/listener:Listener": _lb_child("listener/app"),
    "aws:scheduler/schedule:Schedule": _regional("scheduler", "schedule/default"),
    "aws:scheduler/scheduleGroup:ScheduleGroup": _regional("scheduler", "schedule-group"),
    "aws:sns/topic:Topic": _regional("sns", "", separator=""),
    "aws:cloudwatch/eventRule:EventRule": _regional("events", "rule"),
}


def mock_outputs(
    type_token: str, name: str, urn: str, inputs: dict[str, Any], ctx: CloudContext
) -> Outputs:
    """Return (id, outputs): the inputs echoed back plus what AWS would compute."""
    builder = BUILDERS.get(type_token)
    if builder is None:
        resource_id = f"{name}-{hex_id(urn, 7)}"
        return resource_id, dict(inputs)
    resource_id, computed = builder(name, urn, inputs, ctx)
    return resource_id, {**inputs, **computed}
