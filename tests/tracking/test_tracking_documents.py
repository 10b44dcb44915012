"""The tracking documents as pure functions (no Pulumi)."""

from __future__ import annotations

from components.documents.tracking import (
    dvc_remote,
    dvc_remote_commands,
    task_execution_policy,
    tracking_server_policy,
    working_hours_input,
    working_hours_schedule_policy,
    working_hours_target_arn,
)
from components.documents.trust import service_trust_policy

BUCKET = "arn:aws:s3:::mlops-fraud-dev-artifacts-210987654321"
KEY = "arn:aws:kms:eu-west-1:210987654321:key/0e6d2f6a-1111-2222-3333-444455556666"


def test_trust_is_one_service_of_this_account():
    [statement] = service_trust_policy("sagemaker.amazonaws.com", "210987654321")["Statement"]
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "210987654321"}}


def test_server_policy_lists_only_the_mlflow_prefix():
    policy = tracking_server_policy(
        bucket_arn=BUCKET,
        kms_key_arn=KEY,
        automatic_model_registration=False,
        partition="aws",
        region="eu-west-1",
        account_id="210987654321",
        scope="mlops-fraud-dev",
    )
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["ListArtifactPrefix"]["Condition"] == {
        "StringLike": {"s3:prefix": ["mlflow", "mlflow/*"]}
    }
    assert by_sid["ReadWriteArtifacts"]["Resource"] == f"{BUCKET}/mlflow/*"
    assert by_sid["UseTeamKeyThroughS3"]["Resource"] == KEY


def test_execution_policy_reads_only_its_secrets_and_repository():
    policy = task_execution_policy(
        secret_arns=["arn:b", "arn:a"],
        kms_key_arn=KEY,
        log_group_arn="arn:aws:logs:eu-west-1:210987654321:log-group:/x/mlflow",
        repository_arn=None,
    )
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["ReadTaskSecrets"]["Resource"] == ["arn:a", "arn:b"]
    assert "EcrLogin" not in by_sid  # an external image needs no ECR access


def test_dvc_commands_set_every_remote_option():
    remote = dvc_remote(bucket="b", region="eu-west-1", kms_key_arn=KEY)
    commands = dvc_remote_commands(remote)
    assert commands[0] == "dvc remote add --default --force storage s3://b/dvc"
    assert f"dvc remote modify storage sse_kms_key_id {KEY}" in commands
    assert "dvc remote modify storage sse aws:kms" in commands


def test_working_hours_documents_name_one_server_and_two_actions():
    server = (
        "arn:aws:sagemaker:eu-west-1:210987654321:mlflow-tracking-server/mlops-fraud-dev-mlflow"
    )
    assert working_hours_schedule_policy(server)["Statement"] == [
        {
            "Sid": "StopAndStartTrackingServer",
            "Effect": "Allow",
            "Action": [
                "sagemaker:StartMlflowTrackingServer",
                "sagemaker:StopMlflowTrackingServer",
            ],
            "Resource": server,
        }
    ]
    assert working_hours_target_arn("stop") == (
        "arn:aws:scheduler:::aws-sdk:sagemaker:stopMlflowTrackingServer"
    )
    assert working_hours_target_arn("start", "aws-cn") == (
        "arn:aws-cn:scheduler:::aws-sdk:sagemaker:startMlflowTrackingServer"
    )
    assert working_hours_input("mlops-fraud-dev-mlflow") == {
        "TrackingServerName": "mlops-fraud-dev-mlflow"
    }
