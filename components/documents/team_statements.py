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
    NOTEBOOK_INSTANCE_ACTIONS,
    READ_OBJECT,
    SAGEMAKER_SERVICE,
    STUDIO_APP_ACTIONS,
    STUDIO_DESCRIBE_ACTIONS,
    STUDIO_LIST_ACTIONS,
    STUDIO_SPACE_ACTIONS,
    WRITE_OBJECT,
    TeamAccess,
    document,
    statement,
)
from components.lab_names import private_space_name


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


def team_tag_on_request(a: TeamAccess) -> dict[str, Any]:
    """The request must tag what it creates with the team (so tag-based reads and the
    other-teams deny see it); `aws:TagKeys` guards against a request without tags."""
    return {
        "StringEquals": {"aws:RequestTag/team": a.team},
        "ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]},
    }


def human_lab_statements(a: TeamAccess, persona: str) -> list[dict[str, Any]]:
    """A person in the console or CLI: open Studio as the persona's members, start and stop
    their apps, or their notebook instances; nobody else's."""
    members = a.lab.members_of(persona)
    if not members:
        return []
    if not a.lab.studio:
        instances = [
            a.sagemaker_name("notebook-instance", a.lab.notebook_instances[m]) for m in members
        ]
        return [statement("UseOwnNotebookInstances", NOTEBOOK_INSTANCE_ACTIONS, instances)]
    statements = [
        statement("SeeTeamStudio", STUDIO_DESCRIBE_ACTIONS, a.studio_resources),
        statement(
            "StartAppsInOwnSpaces",
            STUDIO_APP_ACTIONS,
            [a.studio("app", private_space_name(m), "*") for m in members],
            condition=_owned_private_space(a, members),
        ),
    ]
    if a.lab.auth_mode == "IAM":  # SSO mode: Identity Center opens Studio, no IAM permission
        statements.insert(
            0,
            statement(
                "OpenOwnStudioProfiles",
                ["sagemaker:CreatePresignedDomainUrl"],
                a.profile_arns(members),
            ),
        )
    return statements


def studio_execution_statements(a: TeamAccess, persona: str) -> list[dict[str, Any]]:
    """What Studio does with a member's execution role inside their private space: apps and
    the space itself, owned by one of the persona's members, in the team's domain only."""
    members = a.lab.members_of(persona)
    if not a.lab.studio or not members:
        return []
    owned = _owned_private_space(a, members)
    return [
        statement("ManageOwnSpaceApps", STUDIO_APP_ACTIONS, a.studio("app", "*"), condition=owned),
        statement(
            "ManageOwnPrivateSpaces", STUDIO_SPACE_ACTIONS, a.studio("space", "*"), condition=owned
        ),
        statement("SeeTeamStudio", STUDIO_DESCRIBE_ACTIONS, a.studio_resources),
        statement("ListStudio", STUDIO_LIST_ACTIONS, "*"),
        # Studio tags what it creates (`sagemaker:domain-arn`, ...) in the create call itself.
        statement(
            "TagOnCreate",
            ["sagemaker:AddTags"],
            [a.studio("app", "*"), a.studio("space", "*")],
            condition={"Null": {"sagemaker:TaggingAction": "false"}},
        ),
    ]


def _owned_private_space(a: TeamAccess, members: list[str]) -> dict[str, Any]:
    return {
        "ArnEquals": {"sagemaker:OwnerUserProfileArn": a.profile_arns(members)},
        "StringEquals": {"sagemaker:SpaceSharingType": "Private"},
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
    return [
        statement("DescribeTeamSageMaker", actions, resources),
        statement("ListSageMaker", LIST_SAGEMAKER, "*"),
    ]


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
