"""IAM roles for service accounts (IRSA) on the kubernetes backend, from the planned resources.

Expected trust (EKS user guide, "Assign IAM roles to Kubernetes service accounts", read
2026-12): Principal Federated = the cluster's IAM OIDC provider ARN, Action
sts:AssumeRoleWithWebIdentity, `<issuer>:sub` = `system:serviceaccount:<namespace>:<name>` and
`<issuer>:aud` = `sts.amazonaws.com`, `<issuer>` being the ARN after `oidc-provider/`.
"""

from __future__ import annotations

import pytest

from mlopsctl.access.evaluator import evaluate, evaluate_trust
from tests.conftest import plan_served, plan_variant, policy_document

ROLE, ROLE_POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5C1A7E0B2D9F4E3A8B6C0D1E2F3A4B5C"
PROVIDER = f"arn:aws:iam::210987654321:oidc-provider/{ISSUER}"
OTHER_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
FRAUD_KUBERNETES = {
    "mlops:inference": {
        "backend": "kubernetes",
        "model": {"version": 3},
        "kubernetes": {"context": "dev-cluster", "oidcProviderArn": PROVIDER},
    }
}


@pytest.fixture(scope="module")
def vision():
    return plan_served("vision-dev")


@pytest.fixture(scope="module")
def fraud():
    return plan_variant("fraud-dev", FRAUD_KUBERNETES)


def _role_of(plan, account_name: str):
    """The planned ServiceAccount, the role its annotation names, and that role's policy."""
    account = plan.one(SERVICE_ACCOUNT, account_name).inputs["metadata"]
    arn = account["annotations"]["eks.amazonaws.com/role-arn"]
    roles = [r for r in plan.of_type(ROLE) if r.outputs.get("arn") == arn]
    assert len(roles) == 1, f"{arn} is not one planned role"
    (role,) = roles
    policies = [p for p in plan.of_type(ROLE_POLICY) if p.inputs["role"] == role.inputs["name"]]
    assert len(policies) == 1
    return account, role, policy_document(policies[0].inputs["policy"])


def _web_identity(trust, sub: str, aud: str = "sts.amazonaws.com", issuer: str = ISSUER):
    context = {f"{issuer}:sub": sub, f"{issuer}:aud": aud}
    provider = f"arn:aws:iam::210987654321:oidc-provider/{issuer}"
    return evaluate_trust(
        trust, "sts:AssumeRoleWithWebIdentity", provider, context, kind="Federated"
    )


@pytest.mark.parametrize("stack", ["vision", "fraud"])
@pytest.mark.parametrize("account_name", ["service-account", "retraining-service-account"])
def test_only_that_service_account_of_the_cluster_assumes_the_role(request, stack, account_name):
    plan = request.getfixturevalue(stack)
    account, role, _ = _role_of(plan, account_name)
    namespace, name = account["namespace"], account["name"]
    trust = policy_document(role.inputs["assumeRolePolicy"])
    subject = f"system:serviceaccount:{namespace}:{name}"
    assert _web_identity(trust, subject) == "allow"
    assert _web_identity(trust, f"system:serviceaccount:{namespace}:default") == "deny"
    assert _web_identity(trust, f"system:serviceaccount:kube-system:{name}") == "deny"
    assert _web_identity(trust, subject, aud="sigstore") == "deny"
    assert _web_identity(trust, subject, issuer=OTHER_ISSUER) == "deny"
    context = {f"{ISSUER}:sub": subject, f"{ISSUER}:aud": "sts.amazonaws.com"}
    assert evaluate_trust(trust, "sts:AssumeRole", PROVIDER, context, kind="Federated") == "deny"
    caller = "arn:aws:iam::210987654321:role/mlops-vision-dev-ml-engineer"
    assert evaluate_trust(trust, "sts:AssumeRole", caller, context) == "deny"
    service = "sagemaker.amazonaws.com"
    assert evaluate_trust(trust, "sts:AssumeRole", service, {}, kind="Service") == "deny"


@pytest.mark.parametrize(
    ("stack", "team", "model"),
    [("vision", "vision", "vision-detector"), ("fraud", "fraud", "fraud-classifier")],
)
def test_model_server_reads_its_model_and_nothing_of_another_team(request, stack, team, model):
    """The served package (version 3 of `mlops-<team>-dev-<model>`, AWS's versioned ARN form)
    and its archive under model-packages/ of the team's artifacts bucket; nothing else."""
    plan = request.getfixturevalue(stack)
    _, _, policy = _role_of(plan, "service-account")
    bucket = f"mlops-{team}-dev-artifacts-210987654321"
    group = f"mlops-{team}-dev-{model}"
    served = f"arn:aws:sagemaker:eu-west-1:210987654321:model-package/{group}/3"
    assert evaluate([policy], "sagemaker:DescribeModelPackage", served, {}) == "allow"
    assert evaluate([policy], "sagemaker:DescribeModelPackage", served[:-1] + "2", {}) == "deny"
    assert evaluate([policy], "sagemaker:UpdateModelPackage", served, {}) == "deny"
    archive = f"arn:aws:s3:::{bucket}/model-packages/{group}/5/model.tar.gz"
    assert evaluate([policy], "s3:GetObject", archive, {}) == "allow"
    assert evaluate([policy], "s3:PutObject", archive, {}) == "deny"
    other = "payments" if team != "payments" else "vision"
    foreign = f"arn:aws:s3:::mlops-{other}-dev-artifacts-210987654321/model-packages/x/1/m.tgz"
    assert evaluate([policy], "s3:GetObject", foreign, {}) == "deny"
    raw = f"arn:aws:s3:::mlops-{team}-dev-raw-210987654321/data.csv"
    assert evaluate([policy], "s3:GetObject", raw, {}) == "deny"
    tracking = plan.exports["mlflowTrackingUri"]  # the server needs no MLflow access
    assert evaluate([policy], "sagemaker-mlflow:GetModelVersion", tracking, {}) == "deny"
    key = plan.exports["teamKmsKeyArn"]
    assert evaluate([policy], "kms:Decrypt", key, {}) == "allow"
    assert evaluate([policy], "kms:Encrypt", key, {}) == "deny"
    repo = f"arn:aws:ecr:eu-west-1:210987654321:repository/mlops-{team}-dev/inference"
    assert evaluate([policy], "ecr:BatchGetImage", repo, {}) == "allow"
    assert evaluate([policy], "ecr:GetAuthorizationToken", "*", {}) == "allow"
    foreign_repo = f"arn:aws:ecr:eu-west-1:210987654321:repository/mlops-{other}-dev/inference"
    assert evaluate([policy], "ecr:BatchGetImage", foreign_repo, {}) == "deny"


def test_retraining_pod_writes_models_and_reads_data(vision):
    _, _, policy = _role_of(vision, "retraining-service-account")
    scope = "mlops-vision-dev"
    assert evaluate([policy], "s3:GetObject", f"arn:aws:s3:::{scope}-raw-210987654321/x", {}) == (
        "allow"
    )
    artifacts = f"arn:aws:s3:::{scope}-artifacts-210987654321/mlflow/1/model.pkl"
    assert evaluate([policy], "s3:PutObject", artifacts, {}) == "allow"
    tracking = vision.exports["mlflowTrackingUri"]
    assert evaluate([policy], "sagemaker-mlflow:CreateModelVersion", tracking, {}) == "allow"
    foreign = "arn:aws:s3:::mlops-fraud-dev-artifacts-210987654321/mlflow/1/model.pkl"
    assert evaluate([policy], "s3:PutObject", foreign, {}) == "deny"
    job = f"arn:aws:sagemaker:eu-west-1:210987654321:training-job/{scope}-x"
    assert evaluate([policy], "sagemaker:CreateTrainingJob", job, {}) == "deny"
    version = f"arn:aws:sagemaker:eu-west-1:210987654321:model-package/{scope}-vision-detector/4"
    pending = {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
    approved = {"sagemaker:ModelApprovalStatus": "Approved"}
    assert evaluate([policy], "sagemaker:CreateModelPackage", version, pending) == "allow"
    assert evaluate([policy], "sagemaker:CreateModelPackage", version, approved) == "deny"
    other = "arn:aws:sagemaker:eu-west-1:210987654321:model-package/mlops-fraud-dev-x/1"
    assert evaluate([policy], "sagemaker:CreateModelPackage", other, pending) == "deny"


def _model_server_resources(plan) -> dict:
    deployment = plan.one("kubernetes:apps/v1:Deployment").inputs["spec"]
    (container,) = deployment["template"]["spec"]["containers"]
    return container["resources"]


def test_replicas_request_no_gpu_unless_configured(vision):
    resources = _model_server_resources(vision)
    for part in ("requests", "limits"):
        assert "nvidia.com/gpu" not in resources[part]
    gpu = plan_served("vision-dev", {"mlops:inference": {"kubernetes": {"gpus": 1}}})
    resources = _model_server_resources(gpu)
    assert resources["requests"]["nvidia.com/gpu"] == "1"
    assert resources["limits"]["nvidia.com/gpu"] == "1"


def test_a_role_of_ones_own_is_annotated_and_none_is_created(fraud):
    own = "arn:aws:iam::210987654321:role/platform-fraud-model-server"
    changed = plan_variant(
        "fraud-dev",
        {
            "mlops:inference": {
                **FRAUD_KUBERNETES["mlops:inference"],
                "kubernetes": {"context": "dev-cluster", "irsaRoleArn": own},
            },
            "mlops:retraining": {"enabled": False},
        },
    )
    account = changed.one(SERVICE_ACCOUNT, "service-account").inputs["metadata"]
    assert account["annotations"]["eks.amazonaws.com/role-arn"] == own
    assert not [r for r in changed.of_type(ROLE) if r.inputs["name"].endswith("-irsa")]
