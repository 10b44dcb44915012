"""Registry and retraining documents, without Pulumi."""

from components.documents.registry import (
    PULL_ACTIONS,
    WRITE_ACTIONS,
    lifecycle_policy,
    repository_policy,
)
from components.documents.retraining import (
    pipeline_definition,
    start_pipeline_policy,
)
from components.documents.trust import service_trust_policy

ENGINEER = "arn:aws:iam::123456789012:role/mlops-fraud-dev-ml-engineer"
CI = "arn:aws:iam::123456789012:role/ci"
ENDPOINT = "arn:aws:iam::123456789012:role/mlops-fraud-dev-endpoint-exec"


def _statement(policy, sid):
    return next(s for s in policy["Statement"] if s["Sid"] == sid)


def test_only_pushers_may_write_and_pullers_only_read():
    policy = repository_policy(pusher_arns=[ENGINEER, CI], puller_arns=[ENDPOINT])
    push = _statement(policy, "TeamPush")
    assert push["Principal"] == {"AWS": sorted([ENGINEER, CI])}
    assert "ecr:PutImage" in push["Action"]
    pull = _statement(policy, "TeamPull")
    assert ENDPOINT in pull["Principal"]["AWS"]
    assert set(pull["Action"]) == set(PULL_ACTIONS)
    deny = _statement(policy, "DenyWritesByOthers")
    assert deny["Effect"] == "Deny"
    assert set(deny["Action"]) == set(WRITE_ACTIONS)
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": sorted([ENGINEER, CI])}}
    # No statement allows anyone beyond the named roles.
    for statement in policy["Statement"]:
        if statement["Effect"] == "Allow":
            assert statement["Principal"] != "*"


def test_lifecycle_expires_untagged_and_keeps_last_releases():
    rules = lifecycle_policy(
        release_tag_prefixes=["v"], keep_release_images=20, untagged_expire_days=7
    )["rules"]
    untagged, releases = sorted(rules, key=lambda r: r["rulePriority"])
    assert untagged["selection"] == {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 7,
    }
    assert releases["selection"]["tagPrefixList"] == ["v"]
    assert releases["selection"]["countType"] == "imageCountMoreThan"
    assert releases["selection"]["countNumber"] == 20
    assert all(r["action"] == {"type": "expire"} for r in rules)


def test_pipeline_definition_runs_the_image_in_the_vpc_with_kms():
    definition = pipeline_definition(
        image_uri="img@sha256:" + "0" * 64,
        role_arn="arn:aws:iam::1:role/p",
        instance_type="ml.m5.large",
        volume_size_gb=30,
        max_runtime_seconds=7200,
        kms_key_arn="arn:aws:kms:eu-west-1:1:key/k",
        output_s3_uri="s3://artifacts/retraining/reports",
        subnet_ids=["subnet-1"],
        security_group_ids=["sg-1"],
        environment={"MLFLOW_TRACKING_URI": "arn:x"},
        arguments=["--pipeline", "training"],
    )
    (step,) = definition["Steps"]
    arguments = step["Arguments"]
    assert step["Type"] == "Processing"
    assert arguments["AppSpecification"]["ContainerEntrypoint"] == ["run-pipeline"]
    assert arguments["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"].endswith("key/k")
    assert arguments["ProcessingOutputConfig"]["KmsKeyId"].endswith("key/k")
    assert arguments["NetworkConfig"]["VpcConfig"] == {
        "Subnets": ["subnet-1"],
        "SecurityGroupIds": ["sg-1"],
    }
    assert arguments["NetworkConfig"]["EnableInterContainerTrafficEncryption"] is True
    assert arguments["StoppingCondition"] == {"MaxRuntimeInSeconds": 7200}


def test_scheduler_may_only_start_its_pipeline():
    arn = "arn:aws:sagemaker:eu-west-1:123456789012:pipeline/mlops-fraud-dev-retraining"
    (statement,) = start_pipeline_policy(arn)["Statement"]
    assert statement == {
        "Sid": "StartRetrainingPipeline",
        "Effect": "Allow",
        "Action": "sagemaker:StartPipelineExecution",
        "Resource": arn,
    }
    (trust,) = service_trust_policy("scheduler.amazonaws.com", "123456789012")["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
