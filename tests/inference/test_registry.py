"""ECR repositories and images, under the plan engine."""

import json

import pytest

from tests.conftest import policy_document


def unsecret(value):
    """Secret inputs arrive wrapped as {<secret signature>: ..., "value": ...}."""
    return value["value"] if isinstance(value, dict) and "value" in value else value


ECR = "aws:ecr/repository:Repository"
IMAGE = "docker:index/image:Image"


def test_repositories_are_immutable_scanned_and_encrypted_with_the_team_key(plan):
    result = plan("fraud-dev")
    key = result.exports["teamKmsKeyArn"]
    repositories = result.of_type(ECR)
    assert {r.inputs["name"] for r in repositories} == {
        "mlops-fraud-dev/inference",
        "mlops-fraud-dev/pipeline",
    }
    for repository in repositories:
        assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repository.inputs["encryptionConfigurations"] == [
            {"encryptionType": "KMS", "kmsKey": key}
        ]
        assert not repository.protect  # dev


def test_production_repositories_are_protected_and_retained(plan):
    for repository in plan("fraud-prod").of_type(ECR):
        assert repository.protect and repository.retain_on_delete


def test_repository_policy_lets_the_ml_engineer_and_ci_push_and_exec_roles_pull(plan):
    """And in development the data scientist, as docs/personas.md promises (experiment images)."""
    result = plan("fraud-dev")
    engineer = result.exports["personaRoleArns"]["ml-engineer"]
    scientist = result.exports["personaRoleArns"]["data-scientist"]
    endpoint = result.exports["executionRoleArns"]["endpoint"]
    pipeline = result.exports["executionRoleArns"]["pipeline"]
    ci = "arn:aws:iam::210987654321:role/mlops-ci-image-builder"
    policy = policy_document(
        result.one("aws:ecr/repositoryPolicy:RepositoryPolicy", "repo-inference-policy").inputs[
            "policy"
        ]
    )
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert set(statements["TeamPush"]["Principal"]["AWS"]) == {engineer, ci, scientist}
    assert {endpoint, pipeline} <= set(statements["TeamPull"]["Principal"]["AWS"])
    assert endpoint not in statements["TeamPush"]["Principal"]["AWS"]
    assert set(
        statements["DenyWritesByOthers"]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    ) == {engineer, ci, scientist}


def test_production_repositories_refuse_the_data_scientist(plan):
    result = plan("fraud-prod")
    scientist = result.exports["personaRoleArns"]["data-scientist"]
    policy = policy_document(
        result.one("aws:ecr/repositoryPolicy:RepositoryPolicy", "repo-inference-policy").inputs[
            "policy"
        ]
    )
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert scientist not in statements["TeamPush"]["Principal"]["AWS"]
    deny = statements["DenyWritesByOthers"]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    assert scientist not in deny  # not exempt from the deny of writes


def test_lifecycle_policy_follows_config(plan_with):
    result = plan_with("fraud-dev", {"mlops:registry": {"keepReleaseImages": 7}})
    lifecycle = policy_document(
        result.one("aws:ecr/lifecyclePolicy:LifecyclePolicy", "repo-pipeline-lifecycle").inputs[
            "policy"
        ]
    )
    counts = {
        r["selection"]["tagStatus"]: r["selection"]["countNumber"] for r in lifecycle["rules"]
    }
    assert counts == {"untagged": 7, "tagged": 7}


def test_configured_images_need_no_docker_build(plan):
    result = plan("fraud-dev")
    assert result.of_type(IMAGE) == []
    assert _packaged_image(result) == result.exports["imageUris"]["inference"]


def test_without_configured_images_they_are_built_and_pushed_to_the_team_repository(plan_with):
    result = plan_with("fraud-dev", {"mlops:registry": {"images": None}})
    images = {r.name: r for r in result.of_type(IMAGE)}
    assert set(images) == {"image-inference", "image-pipeline"}
    for name in ("inference", "pipeline"):
        image = images[f"image-{name}"]
        build = image.inputs["build"]
        assert build["context"] == f"containers/{name}"
        assert build["dockerfile"] == f"containers/{name}/Dockerfile"
        assert build["platform"] == "linux/amd64"
        repository = f"210987654321.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/{name}"
        assert image.inputs["imageName"].startswith(f"{repository}:src-")
        registry = unsecret(image.inputs["registry"])
        assert registry["server"] == "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
        assert registry["username"] == "AWS"
        # What is deployed is the pushed digest, not a tag.
        assert result.exports["imageUris"][name] == image.outputs["repoDigest"]
        assert "@sha256:" in result.exports["imageUris"][name]
    assert _packaged_image(result) == result.exports["imageUris"]["inference"]


def _packaged_image(result) -> str:
    """The inference image retraining runs name in the model packages they register (what a
    served version runs)."""
    pipeline = result.one("aws:sagemaker/pipeline:Pipeline")
    (step,) = json.loads(pipeline.inputs["pipelineDefinition"])["Steps"]
    return step["Arguments"]["Environment"]["MLOPS_INFERENCE_IMAGE"]


@pytest.mark.parametrize(
    "uri",
    [
        "docker.io/library/python:3.11",
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/inference",
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/inference:latest",
    ],
)
def test_bad_image_uri_is_refused_before_any_resource(plan_with, uri):
    from mlopsctl.plan.engine import PlanError
    from settings import ConfigError

    with pytest.raises(PlanError) as caught:
        plan_with("fraud-dev", {"mlops:registry": {"images": {"inference": uri}}})
    assert isinstance(caught.value.__cause__, ConfigError)
    assert caught.value.registered == 0
    message = str(caught.value)
    assert "mlops:registry.images.inference" in message
    assert "pinned" in message
