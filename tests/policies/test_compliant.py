"""Every rule passes a realistic compliant case: a shipped plan that contains what the rule
judges, or a shipped plan with a compliant resource a future component could plan added."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest

from mlopsctl.plan.model import Plan
from policies.registry import policy_names
from tests.conftest import SERVED, TEAM_STACKS, deep_merge
from tests.policies.corpus import accounts, exposure, schedules
from tests.policies.helpers import (
    account,
    add,
    change,
    default_deny,
    deployment,
    namespace,
    notebook_instance,
    violations,
)
from tests.policies.test_kubernetes_rules import add_least_privilege_rbac

NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
RDS = "aws:rds/instance:Instance"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
DATA_QUALITY = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
K8S_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"


def _with_platform_mlflow_task(plan: Plan) -> None:
    """Self-hosted MLflow's task definition, its image in the team's own ECR."""
    image = f"{account(plan)}.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev-mlflow:a71046af"
    accounts.mlflow_task(image)(plan)


def _with_notebook(plan: Plan) -> None:
    add(plan, NOTEBOOK, "notebook", notebook_instance(plan))


def _with_gpu_endpoint_within_limit(plan: Plan) -> None:
    """fraud-prod with GPUs allowed: 2 x ml.g5.xlarge scaling to 4 (the prod limit), an allowed
    GPU type."""
    change(
        plan,
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        None,
        lambda p: p["productionVariants"][0].update(instanceType="ml.g5.xlarge"),
    )
    change(plan, "aws:appautoscaling/target:Target", None, lambda p: p.update(maxCapacity=4.0))


def _with_guarded_namespace(plan: Plan) -> None:
    image = f"{account(plan)}.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/inference:v0.3.1"
    add(plan, "kubernetes:core/v1:Namespace", "ns", namespace("fraud-inference"))
    add(
        plan,
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "deny",
        default_deny("fraud-inference"),
    )
    add(plan, DEPLOYMENT, "serve", deployment(image))


# policy -> (stack, type token the rule judges that must be in the plan, optional builder)
EVIDENCE: dict[str, tuple[str, str, Callable[[Plan], None] | None]] = {
    "s3-sse-kms-customer-key": ("dev", "aws:s3/bucket:Bucket", None),
    "s3-versioning-enabled": ("fraud-dev", "aws:s3/bucketVersioning:BucketVersioning", None),
    "s3-public-access-blocked": (
        "fraud-prod",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        None,
    ),
    "s3-tls-only": ("fraud-dev", "aws:s3/bucketPolicy:BucketPolicy", None),
    "s3-no-wildcard-principal": ("dev", "aws:s3/bucketPolicy:BucketPolicy", None),
    "s3-ownership-enforced": (
        "fraud-dev",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        None,
    ),
    "s3-access-logging": ("prod", "aws:s3/bucketLogging:BucketLogging", None),
    "s3-lifecycle-rules": (
        "fraud-prod",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        None,
    ),
    "kms-key-rotation": ("fraud-dev", "aws:kms/key:Key", None),
    "kms-no-wildcard-principal": ("dev", "aws:kms/key:Key", None),
    "iam-no-admin": ("fraud-dev", "aws:iam/rolePolicy:RolePolicy", None),
    "iam-no-wildcard-action": ("fraud-prod", "aws:iam/rolePolicy:RolePolicy", None),
    "iam-no-wildcard-data-resource": ("fraud-dev", "aws:iam/rolePolicy:RolePolicy", None),
    "iam-passrole-restricted": ("fraud-dev", "aws:iam/rolePolicy:RolePolicy", None),
    "iam-trust-no-wildcard": ("fraud-dev", "aws:iam/role:Role", None),
    "iam-parliament-lint": ("churn-dev", "aws:iam/rolePolicy:RolePolicy", None),
    "sagemaker-domain-vpc-only": ("fraud-dev", "aws:sagemaker/domain:Domain", None),
    "sagemaker-domain-kms": ("fraud-prod", "aws:sagemaker/domain:Domain", None),
    "sagemaker-domain-idle-shutdown": ("fraud-dev", "aws:sagemaker/domain:Domain", None),
    "sagemaker-notebook-no-direct-internet": ("fraud-dev", NOTEBOOK, _with_notebook),
    "sagemaker-notebook-no-root": ("fraud-dev", NOTEBOOK, _with_notebook),
    "sagemaker-notebook-in-vpc": ("fraud-dev", NOTEBOOK, _with_notebook),
    "sagemaker-notebook-kms": ("fraud-dev", NOTEBOOK, _with_notebook),
    "sagemaker-endpoint-config-kms": (
        "fraud-prod",
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        None,
    ),
    "sagemaker-endpoint-data-capture": (
        "fraud-prod",
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        None,
    ),
    "sagemaker-model-network-isolation": ("fraud-prod", "aws:sagemaker/model:Model", None),
    "sagemaker-mlflow-pinned-version": (
        "fraud-prod",
        "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer",
        None,
    ),
    "sagemaker-mlflow-team-artifact-bucket": (
        "churn-dev",
        "aws:sagemaker/mlflowApp:MlflowApp",
        None,
    ),
    "ecr-immutable-tags": ("fraud-dev", "aws:ecr/repository:Repository", None),
    "ecr-scan-on-push": ("fraud-prod", "aws:ecr/repository:Repository", None),
    "ecr-kms-encryption": ("fraud-dev", "aws:ecr/repository:Repository", None),
    "ecr-no-public-policy": ("fraud-dev", "aws:ecr/repositoryPolicy:RepositoryPolicy", None),
    "k8s-no-privileged": ("vision-dev", DEPLOYMENT, None),
    "k8s-no-host-path": ("vision-dev", "kubernetes:batch/v1:CronJob", None),
    "k8s-resource-limits": ("vision-dev", DEPLOYMENT, None),
    "k8s-images-from-team-ecr": ("fraud-dev", DEPLOYMENT, _with_guarded_namespace),
    "k8s-default-deny-network-policy": (
        "vision-dev",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        None,
    ),
    "governance-required-tags": ("fraud-dev", "aws:s3/bucket:Bucket", None),
    "governance-data-classification": ("fraud-prod", "aws:s3/bucket:Bucket", None),
    "governance-restricted-data-readers": ("fraud-dev", "aws:iam/rolePolicy:RolePolicy", None),
    "governance-cross-environment-isolation": (
        "fraud-prod",
        "aws:s3/bucketPolicy:BucketPolicy",
        None,
    ),
    "governance-production-protection": ("fraud-prod", "aws:ecr/repository:Repository", None),
    "cost-instance-type-allowed": ("fraud-dev", "aws:sagemaker/space:Space", None),
    "cost-gpu-instance-limit": (
        "fraud-prod",
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        _with_gpu_endpoint_within_limit,
    ),
    "cost-monthly-budget": ("fraud-prod", "aws:sagemaker/endpoint:Endpoint", None),
    "network-egress-as-configured": ("dev", "aws:ec2/natGateway:NatGateway", None),
    "network-subnet-no-public-ip": ("dev", "aws:ec2/subnet:Subnet", None),
    "network-public-subnet-nat-only": ("dev", "aws:ec2/subnet:Subnet", None),
    "network-vpc-flow-logs": ("dev", "aws:ec2/flowLog:FlowLog", None),
    "exposure-sg-world-ingress": ("dev", "aws:ec2/securityGroup:SecurityGroup", None),
    "exposure-sg-world-egress-https-only": ("dev", "aws:ec2/securityGroup:SecurityGroup", None),
    "exposure-lb-internal": ("fraud-prod", LOAD_BALANCER, exposure.add_load_balancer()),
    "exposure-lb-listener-tls": ("fraud-prod", LISTENER, exposure.add_listener()),
    "exposure-rds-encrypted": ("fraud-prod", RDS, exposure.add_database()),
    "exposure-rds-private": ("fraud-prod", RDS, exposure.add_database()),
    "exposure-rds-backups": ("fraud-prod", RDS, exposure.add_database()),
    "exposure-rds-deletion-protection": ("fraud-prod", RDS, exposure.add_database()),
    "exposure-log-group-kms": ("fraud-prod", LOG_GROUP, exposure.add_log_group()),
    "exposure-log-group-retention": ("fraud-prod", LOG_GROUP, exposure.add_log_group()),
    "s3-access-logs-owned-target": ("fraud-dev", "aws:s3/bucketLogging:BucketLogging", None),
    "sagemaker-outputs-owned-bucket": ("fraud-prod", ENDPOINT_CONFIG, None),
    "s3-lifecycle-keeps-current-versions": ("dev", LIFECYCLE, None),
    "s3-no-public-acl": ("fraud-dev", "aws:s3/bucket:Bucket", None),
    "s3-bucket-policy-no-admin-grants": ("dev", "aws:s3/bucketPolicy:BucketPolicy", None),
    "kms-customer-key-of-platform": ("fraud-prod", SSE, None),
    "kms-no-persona-key-admin": ("fraud-dev", ATTACHMENT, None),
    "kms-production-deletion-window": ("fraud-prod", "aws:kms/key:Key", None),
    "accounts-no-foreign-grant": ("fraud-dev", "aws:s3/bucketPolicy:BucketPolicy", None),
    "accounts-trust-external-id": ("fraud-dev", "aws:iam/role:Role", None),
    "accounts-model-artifacts-owned": ("fraud-prod", "aws:sagemaker/model:Model", None),
    "accounts-task-images-from-platform-ecr": ("fraud-dev", TASK, _with_platform_mlflow_task),
    "iam-privilege-escalation": ("fraud-dev", ATTACHMENT, None),
    "iam-no-admin-managed-policy": ("fraud-dev", ATTACHMENT, None),
    "iam-service-trust-source-condition": ("fraud-dev", "aws:iam/role:Role", None),
    "sagemaker-member-idle-shutdown": ("fraud-dev", "aws:sagemaker/userProfile:UserProfile", None),
    "sagemaker-team-execution-role": ("fraud-prod", "aws:sagemaker/userProfile:UserProfile", None),
    "sagemaker-production-domain-retained": ("fraud-prod", "aws:sagemaker/domain:Domain", None),
    "sagemaker-pipeline-step-network": ("fraud-prod", "aws:sagemaker/pipeline:Pipeline", None),
    "sagemaker-pipeline-step-kms": ("fraud-prod", "aws:sagemaker/pipeline:Pipeline", None),
    "sagemaker-monitoring-job-isolation": ("fraud-prod", DATA_QUALITY, None),
    "sagemaker-schedule-keeps-judged-parameters": (
        "fraud-dev",
        "aws:scheduler/schedule:Schedule",
        schedules.scheduled_training_date,
    ),
    "k8s-drop-capabilities": ("vision-dev", DEPLOYMENT, None),
    "k8s-run-as-non-root": ("vision-dev", "kubernetes:batch/v1:CronJob", None),
    "k8s-service-not-exposed": ("vision-dev", "kubernetes:core/v1:Service", None),
    "k8s-network-policy-sources": ("vision-dev", NETWORK_POLICY, None),
    "k8s-no-cluster-admin-binding": ("vision-dev", ROLE_BINDING, add_least_privilege_rbac),
    "k8s-rbac-least-privilege": ("vision-dev", K8S_ROLE, add_least_privilege_rbac),
}
# Rules that inform rather than judge a resource (tests/policies/test_exemptions.py).
NOT_JUDGING = {"exemptions-in-force"}


# policy -> config changes the compliant case is planned with (`plan_with`)
CONFIG_CHANGES: dict[str, dict] = {
    # A team's pack config allows GPUs only when the team does (fraud-prod does not).
    "cost-gpu-instance-limit": {"mlops:personas": {"allowGpu": True}},
    # An environment that chose NAT egress plans its NAT gateway, internet gateway and routes.
    "network-egress-as-configured": {
        "mlops:network": {"egress": {"mode": "nat", "destinations": None, "hosts": None}}
    },
}


_PLANS: dict[str, Plan] = {}


@pytest.mark.parametrize("policy", sorted(EVIDENCE))
def test_rule_passes_its_compliant_case(policy: str, plan, plan_with) -> None:
    stack, evidence, build = EVIDENCE[policy]
    changes = CONFIG_CHANGES.get(policy)
    if stack in TEAM_STACKS:  # a team that serves a model, so endpoints and servers are planned
        changes = deep_merge(SERVED, changes or {})
    key = json.dumps([stack, changes], sort_keys=True)
    if key not in _PLANS:  # one program run per variant; each case edits its own copy
        _PLANS[key] = plan_with(stack, changes) if changes else plan(stack)
    planned = copy.deepcopy(_PLANS[key])
    if build:
        build(planned)
    assert planned.of_type(evidence), f"{stack} plans no {evidence}: the case proves nothing"
    assert [str(v) for v in violations(planned) if v.policy == policy] == []


def test_every_rule_has_a_compliant_case() -> None:
    assert set(policy_names()) - NOT_JUDGING == set(EVIDENCE)
