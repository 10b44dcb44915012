"""Allow statements the team's IAM documents are assembled from (pure functions)."""

from __future__ import annotations

from typing import Any

from components.documents.iam import (
    ECR_PULL,
    ENDPOINT_CHANGES,
    JOB_ACTIONS,
    KMS_USE,
    LAB_ACTIONS,
    LIST_BUCKET,
    READ_OBJECT,
    READ_ONLY_SAGEMAKER,
    SAGEMAKER_SERVICE,
    WRITE_OBJECT,
    TeamAccess,
    statement,
)


def bucket_statements(
    a: TeamAccess, prefix: str, read: list[str], read_write: list[str]
) -> list[dict[str, Any]]:
    statements = []
    listed = sorted(set(read) | set(read_write))
    if listed:
        statements.append(statement(f"{prefix}ListTeamBuckets", LIST_BUCKET, a.buckets(*listed)))
    if read:
        statements.append(statement(f"{prefix}ReadData", READ_OBJECT, a.objects(*read)))
    if read_write:
        statements.append(
            statement(f"{prefix}ReadWriteData", READ_OBJECT + WRITE_OBJECT, a.objects(*read_write))
        )
    return statements


def kms_statement(a: TeamAccess, sid: str = "UseTeamKey") -> dict[str, Any]:
    return statement(sid, KMS_USE, a.kms_key_arn)


def mlflow_statements(a: TeamAccess) -> list[dict[str, Any]]:
    return [
        statement(
            "TrackExperimentsInTeamMlflow",
            [
                "sagemaker-mlflow:*",
                "sagemaker:CreatePresignedMlflowTrackingServerUrl",
                "sagemaker:DescribeMlflowTrackingServer",
            ],
            a.mlflow_tracking_server_arn,
        )
    ]


def start_mlflow_statement(a: TeamAccess) -> dict[str, Any]:
    """People may start their team's tracking server outside its working-hours schedule."""
    return statement(
        "StartTeamMlflowOutsideWorkingHours",
        ["sagemaker:StartMlflowTrackingServer"],
        a.mlflow_tracking_server_arn,
    )


def ecr_pull_statements(a: TeamAccess) -> list[dict[str, Any]]:
    return [
        # GetAuthorizationToken supports no resource-level permission (ECR authorization
        # reference, read 2026-11); it grants no image access by itself.
        statement("EcrLogin", ["ecr:GetAuthorizationToken"], "*"),
        statement("PullTeamImages", [*ECR_PULL, "ecr:DescribeImages"], a.ecr_repositories),
    ]


def pass_role(a: TeamAccess, sid: str, role_keys: list[str]) -> dict[str, Any]:
    return statement(
        sid,
        ["iam:PassRole"],
        [a.execution_role_arns[k] for k in role_keys],
        condition={"StringEquals": {"iam:PassedToService": SAGEMAKER_SERVICE}},
    )


def lab_statements(a: TeamAccess) -> list[dict[str, Any]]:
    resources = [
        a.arn("sagemaker", f"user-profile/*/{a.scope}-*"),
        a.arn("sagemaker", f"space/*/{a.scope}-*"),
        a.arn("sagemaker", f"app/*/{a.scope}-*"),
        a.sagemaker("notebook-instance"),
    ]
    return [
        statement("UseTeamLab", LAB_ACTIONS, resources),
        statement(
            "RunTeamJobs",
            JOB_ACTIONS,
            [
                a.sagemaker("training-job"),
                a.sagemaker("processing-job"),
                a.sagemaker("hyper-parameter-tuning-job"),
                a.sagemaker("transform-job"),
            ],
        ),
        statement("ReadSageMaker", READ_ONLY_SAGEMAKER, "*"),
    ]


def endpoint_statements(a: TeamAccess, sid: str) -> dict[str, Any]:
    return statement(
        sid,
        ENDPOINT_CHANGES,
        [a.sagemaker("endpoint"), a.sagemaker("endpoint-config"), a.sagemaker("model")],
    )
