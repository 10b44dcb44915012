"""Registry to serving: the stack serves the model package version its config names.

Expected values come from the stack files (account, region, registeredModelName, images), from
the plan's own resources (the group, the buckets, the roles) and from AWS's documented ARN form
of a versioned model package, `arn:aws:sagemaker:<region>:<account>:model-package/<group>/<n>`
(SageMaker developer guide, "Model Registry Models, Model Versions, and Model Groups"), never
from the naming helpers. Runtime calls are judged by the project's evaluator
(mlopsctl/access/evaluator.py) against the planned documents.
"""

from __future__ import annotations

import json

import pytest
import yaml

from mlopsctl.access.evaluator import evaluate
from mlopsctl.access.facts import facts_of
from mlopsctl.plan import plan_stack
from settings import ConfigError
from tests.conftest import PROJECT, TEAM_STACKS, plan_variant, policy_document

GROUP = "aws:sagemaker/modelPackageGroup:ModelPackageGroup"
MODEL = "aws:sagemaker/model:Model"
ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
PIPELINE = "aws:sagemaker/pipeline:Pipeline"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
MANAGED = "aws:iam/policy:Policy"
BUCKET = "aws:s3/bucket:Bucket"


def _config(stack: str) -> dict:
    return yaml.safe_load(PROJECT.stack_path(stack).read_text())["config"]


def _group_name(stack: str) -> str:
    """`<scope>-<registeredModelName>`: the scope as the plan names the team's ECR repositories
    (`<scope>/<image>`), the name as the stack file writes it."""
    plan = plan_stack(stack)
    repository = plan.one("aws:ecr/repository:Repository", "repo-inference").inputs["name"]
    scope = repository.split("/")[0]
    name = _config(stack).get("mlops:retraining", {}).get("registeredModelName")
    team = _config(stack)["mlops:team"]["name"]
    return f"{scope}-{name or team + '-model'}"


def _package_arn(stack: str, version: int) -> str:
    config = _config(stack)
    region, account = config["aws:region"], str(config["mlops:accountId"])
    return f"arn:aws:sagemaker:{region}:{account}:model-package/{_group_name(stack)}/{version}"


def _serving(stack: str, version: int):
    return plan_variant(stack, {"mlops:inference": {"model": {"version": version}}})


@pytest.mark.parametrize("stack", TEAM_STACKS)
def test_a_shipped_stack_deploys_no_model_before_one_is_named(plan, stack):
    """A first `pulumi up` needs no model archive or package: no Model, endpoint or server."""
    planned = plan(stack)
    for token in (MODEL, ENDPOINT, ENDPOINT_CONFIG, DEPLOYMENT):
        assert planned.of_type(token) == [], f"{stack} plans a {token} before a version is named"
    (group,) = planned.of_type(GROUP)
    assert group.inputs["modelPackageGroupName"] == _group_name(stack)
    production = bool(_config(stack).get("mlops:production", False))
    assert group.protect is production and group.retain_on_delete is production
    assert "servedModelPackageArn" not in planned.exports


@pytest.mark.parametrize("stack", ["fraud-dev", "fraud-prod"])
def test_the_endpoint_serves_the_named_package_version(stack):
    planned = _serving(stack, 3)
    (model,) = planned.of_type(MODEL)
    container = model.inputs["primaryContainer"]
    assert container["modelPackageName"] == _package_arn(stack, 3)
    # The package names the image and the archive: the Model gives neither.
    assert "image" not in container and "modelDataUrl" not in container
    (endpoint_config,) = planned.of_type(ENDPOINT_CONFIG)
    variants = endpoint_config.inputs["productionVariants"]
    assert [v["modelName"] for v in variants] == [model.outputs["name"]]
    assert planned.exports["servedModelPackageArn"] == _package_arn(stack, 3)


def test_a_new_version_is_a_blue_green_update_of_the_same_endpoint():
    """Model and endpoint config are auto-named (a change creates new ones); the endpoint keeps
    its name and URN and moves to the new config with its blue/green deployment policy."""
    before, after = _serving("fraud-prod", 3), _serving("fraud-prod", 4)
    (model_3,), (model_4,) = before.of_type(MODEL), after.of_type(MODEL)
    assert model_3.inputs["primaryContainer"] != model_4.inputs["primaryContainer"]
    for token in (MODEL, ENDPOINT_CONFIG):
        (resource,) = after.of_type(token)
        assert "name" not in resource.inputs, f"{token} must be auto-named to be replaced"
    (endpoint_3,), (endpoint_4,) = before.of_type(ENDPOINT), after.of_type(ENDPOINT)
    assert endpoint_3.urn == endpoint_4.urn
    assert endpoint_3.inputs["name"] == endpoint_4.inputs["name"]
    policy = endpoint_4.inputs["deploymentConfig"]["blueGreenUpdatePolicy"]
    assert policy["trafficRoutingConfiguration"]["type"] == "CANARY"
    alarms = endpoint_4.inputs["deploymentConfig"]["autoRollbackConfiguration"]["alarms"]
    assert len(alarms) == 2


def test_monitoring_starts_with_the_endpoint():
    schedule = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"
    assert plan_stack("fraud-prod").of_type(schedule) == []
    (monitor,) = _serving("fraud-prod", 3).of_type(schedule)
    (endpoint,) = _serving("fraud-prod", 3).of_type(ENDPOINT)
    assert monitor.inputs["monitoringScheduleConfig"]["monitoringJobDefinitionName"]
    assert endpoint.inputs["name"]


def _env(container: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["env"]}


@pytest.mark.parametrize(("stack", "approved"), [("vision-dev", "false")])
def test_the_model_server_downloads_the_named_package(stack, approved):
    planned = _serving(stack, 2)
    (deployment,) = planned.of_type(DEPLOYMENT)
    (container,) = deployment.inputs["spec"]["template"]["spec"]["containers"]
    env = _env(container)
    assert env["MODEL_PACKAGE_ARN"] == _package_arn(stack, 2)
    assert env["MODEL_REQUIRE_APPROVED"] == approved
    assert env["MODEL_PATH"].startswith("/tmp/")  # the only writable volume with /home/app
    assert "MODEL_URI" not in env


def _irsa_role(planned, account_name: str):
    account = planned.one("kubernetes:core/v1:ServiceAccount", account_name).inputs["metadata"]
    arn = account["annotations"]["eks.amazonaws.com/role-arn"]
    (role,) = [r for r in planned.of_type(ROLE) if r.outputs.get("arn") == arn]
    return role


def _bucket(planned, purpose: str) -> str:
    (name,) = [
        b.inputs["bucket"] for b in planned.of_type(BUCKET) if f"-{purpose}-" in b.inputs["bucket"]
    ]
    return name


def test_the_model_server_role_reads_exactly_the_served_package():
    planned = _serving("vision-dev", 2)
    role = _irsa_role(planned, "service-account")
    (inline,) = [p for p in planned.of_type(ROLE_POLICY) if p.inputs["role"] == role.inputs["name"]]
    documents = [policy_document(inline.inputs["policy"])]
    served, other = _package_arn("vision-dev", 2), _package_arn("vision-dev", 1)
    assert evaluate(documents, "sagemaker:DescribeModelPackage", served, {}) == "allow"
    assert evaluate(documents, "sagemaker:DescribeModelPackage", other, {}) == "deny"
    archive = (
        f"arn:aws:s3:::{_bucket(planned, 'artifacts')}/model-packages/"
        f"{_group_name('vision-dev')}/7/model.tar.gz"
    )
    assert evaluate(documents, "s3:GetObject", archive, {}) == "allow"
    assert evaluate(documents, "s3:PutObject", archive, {}) == "deny"
    assert evaluate(documents, "sagemaker:UpdateModelPackage", served, {}) == "deny"


@pytest.mark.parametrize("account_name", ["service-account", "retraining-service-account"])
def test_service_account_roles_carry_the_team_guardrails(account_name):
    planned = _serving("vision-dev", 2)
    role = _irsa_role(planned, account_name)
    attached = {
        a.inputs["policyArn"]
        for a in planned.of_type(ATTACHMENT)
        if a.inputs["role"] == role.inputs["name"]
    }
    guardrails = [p for p in planned.of_type(MANAGED) if p.inputs["name"].endswith("-guardrails")]
    assert len(guardrails) == 1 and guardrails[0].outputs["arn"] in attached


@pytest.mark.parametrize("stack", ["fraud-dev", "fraud-prod"])
def test_a_retraining_run_is_told_where_to_package_its_version(stack):
    planned = plan_stack(stack)
    (pipeline,) = planned.of_type(PIPELINE)
    (step,) = json.loads(pipeline.inputs["pipelineDefinition"])["Steps"]
    env = step["Arguments"]["Environment"]
    assert env["MLOPS_MODEL_PACKAGE_GROUP"] == planned.one(GROUP).inputs["modelPackageGroupName"]
    assert env["MLOPS_REGISTERED_MODEL_NAME"] == env["MLOPS_MODEL_PACKAGE_GROUP"]
    assert env["MLOPS_INFERENCE_IMAGE"] == _config(stack)["mlops:registry"]["images"]["inference"]
    assert (
        env["MLOPS_MODEL_PACKAGE_S3_URI"] == f"s3://{_bucket(planned, 'artifacts')}/model-packages"
    )
    assert env["MLOPS_TEAM"] == _config(stack)["mlops:team"]["name"]


@pytest.mark.parametrize("stack", ["fraud-dev", "fraud-prod"])
def test_the_pipeline_role_adds_pending_versions_only(stack):
    planned = plan_stack(stack)
    facts = facts_of(planned)
    (pipeline,) = planned.of_type(PIPELINE)
    role = facts.role_by_arn(pipeline.inputs["roleArn"])
    assert role is not None
    documents = list(role.policies)
    team = _config(stack)["mlops:team"]["name"]
    version = _package_arn(stack, 1)
    tagged = {"aws:RequestTag/team": team, "aws:TagKeys": ["team"]}

    def create(status: str, tags: dict) -> str:
        context = {**tags, "sagemaker:ModelApprovalStatus": status}
        return evaluate(documents, "sagemaker:CreateModelPackage", version, context)

    assert create("PendingManualApproval", tagged) == "allow"
    assert create("Approved", tagged) == "deny"
    assert create("PendingManualApproval", {}) == "deny"
    assert evaluate(documents, "sagemaker:UpdateModelPackage", version, {}) == "deny"
    group = version.replace(":model-package/", ":model-package-group/").rsplit("/", 1)[0]
    assert evaluate(documents, "sagemaker:CreateModelPackageGroup", group, tagged) == "deny"
    archive = f"arn:aws:s3:::{_bucket(planned, 'artifacts')}/model-packages/{_group_name(stack)}/1/model.tar.gz"
    assert evaluate(documents, "s3:PutObject", archive, {"aws:PrincipalArn": role.arn}) == "allow"


def test_production_keeps_every_model_archive():
    planned = plan_stack("fraud-prod")
    (guardrails,) = [
        p for p in planned.of_type(MANAGED) if p.inputs["name"].endswith("-guardrails")
    ]
    documents = [policy_document(guardrails.inputs["policy"])]
    archive = f"arn:aws:s3:::{_bucket(planned, 'artifacts')}/model-packages/{_group_name('fraud-prod')}/1/model.tar.gz"
    assert evaluate(documents, "s3:DeleteObject", archive, {}) == "deny"
    assert evaluate(documents, "s3:DeleteObjectVersion", archive, {}) == "deny"
    dev = plan_stack("fraud-dev")
    (dev_guardrails,) = [
        p for p in dev.of_type(MANAGED) if p.inputs["name"].endswith("-guardrails")
    ]
    statements = policy_document(dev_guardrails.inputs["policy"])["Statement"]
    assert not any("model-packages" in json.dumps(s.get("Resource")) for s in statements)


@pytest.mark.parametrize(
    ("model", "fragment"),
    [
        ({"dataUrl": "s3://b/m.tar.gz"}, "mlops:inference.model.dataUrl"),
        ({"version": 0}, "mlops:inference.model.version"),
        ({"version": "latest"}, "mlops:inference.model.version"),
    ],
)
def test_a_model_named_any_other_way_is_refused(model, fragment):
    with pytest.raises(Exception) as raised:
        plan_variant("fraud-dev", {"mlops:inference": {"model": model}})
    cause = raised.value.__cause__ or raised.value
    assert isinstance(cause, ConfigError)
    assert fragment in str(cause)


def test_in_production_only_retraining_writes_model_archives():
    """The served archive is what a model package names: people and other roles cannot
    overwrite it; the pipeline role (which writes a new key per version) can."""
    planned = plan_stack("fraud-prod")
    facts = facts_of(planned)
    archive = (
        f"arn:aws:s3:::{_bucket(planned, 'artifacts')}/model-packages/"
        f"{_group_name('fraud-prod')}/3/model.tar.gz"
    )
    (pipeline,) = planned.of_type(PIPELINE)
    writer = facts.role_by_arn(pipeline.inputs["roleArn"])
    assert writer is not None
    context = {"aws:PrincipalArn": writer.arn}
    assert evaluate(list(writer.policies), "s3:PutObject", archive, context) == "allow"
    for persona in ("data-scientist", "ml-engineer"):
        for role in (facts.human_role(persona), facts.execution_role(persona)):
            assert role is not None
            context = {"aws:PrincipalArn": role.arn}
            assert evaluate(list(role.policies), "s3:PutObject", archive, context) == "deny"
