"""Every rule passes a realistic compliant case: a shipped plan that contains what the rule
judges, or a shipped plan with a compliant resource a future component could plan added."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mlopsctl.plan.model import Plan
from policies.registry import policy_names
from tests.conftest import SERVED, TEAM_STACKS, deep_merge
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

NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


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
}


# policy -> config changes the compliant case is planned with (`plan_with`)
CONFIG_CHANGES: dict[str, dict] = {
    # A team's pack config allows GPUs only when the team does (fraud-prod does not).
    "cost-gpu-instance-limit": {"mlops:personas": {"allowGpu": True}},
    # An environment that chose NAT egress plans its NAT gateway, internet gateway and routes.
    "network-egress-as-configured": {
        "mlops:network": {"egress": {"mode": "nat", "destinations": None, "hosts": None}}
    },
}


@pytest.mark.parametrize("policy", sorted(EVIDENCE))
def test_rule_passes_its_compliant_case(policy: str, plan, plan_with) -> None:
    stack, evidence, build = EVIDENCE[policy]
    changes = CONFIG_CHANGES.get(policy)
    if stack in TEAM_STACKS:  # a team that serves a model, so endpoints and servers are planned
        changes = deep_merge(SERVED, changes or {})
    planned = plan_with(stack, changes) if changes else plan(stack)
    if build:
        build(planned)
    assert planned.of_type(evidence), f"{stack} plans no {evidence}: the case proves nothing"
    assert [str(v) for v in violations(planned) if v.policy == policy] == []


def test_every_rule_has_a_compliant_case() -> None:
    assert set(policy_names()) == set(EVIDENCE)
