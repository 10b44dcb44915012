"""Permission policies of the team's human roles: data scientist, ML engineer, data steward."""

from __future__ import annotations

from typing import Any

from components.documents.iam import (
    BUCKET_CONFIG_READ,
    ECR_PUSH,
    ENDPOINT_CHANGES,
    PIPELINE_CHANGES,
    READ_OBJECT,
    TeamAccess,
    document,
    statement,
)
from components.documents.registry_statements import (
    data_scientist_registry_statements,
    ml_engineer_registry_statements,
)
from components.documents.team_statements import (
    bucket_statements,
    ecr_pull_statements,
    endpoint_statements,
    job_statements,
    kms_statement,
    mlflow_statements,
    pass_role,
    start_mlflow_statements,
    team_tag_on_request,
)


def data_scientist_policy(a: TeamAccess) -> dict[str, Any]:
    """Read raw/curated, read/write DVC and MLflow artifacts, lab within the allowed types."""
    statements = [
        *bucket_statements(a, "Team", ["raw", "curated"], ["dvc", "artifacts"]),
        kms_statement(a),
        *mlflow_statements(a),
        *start_mlflow_statements(a),
        *ecr_pull_statements(a),
        *job_statements(a),
        pass_role(a, "PassOwnExecutionRole", ["data-scientist"]),
        *data_scientist_registry_statements(a),
    ]
    if a.production:
        statements += [
            statement("DenyEndpointChangesInProduction", ENDPOINT_CHANGES, "*", effect="Deny"),
            statement("DenyImagePushInProduction", ECR_PUSH, "*", effect="Deny"),
        ]
    else:
        # In development a data scientist may try a model behind a team endpoint and push
        # experiment images; production denies both explicitly.
        statements += [
            *endpoint_statements(a, "ExperimentWithTeamEndpoints"),
            statement("PushTeamImages", ECR_PUSH, a.ecr_repositories),
        ]
    return document(*statements)


def ml_engineer_policy(a: TeamAccess) -> dict[str, Any]:
    """The data scientist's access plus ECR push, endpoints and pipelines of the team."""
    statements = [
        *bucket_statements(a, "Team", ["raw", "curated", "capture"], ["dvc", "artifacts"]),
        kms_statement(a),
        *mlflow_statements(a),
        *start_mlflow_statements(a),
        *ecr_pull_statements(a),
        *job_statements(a),
        statement("PushTeamImages", ECR_PUSH, a.ecr_repositories),
        *endpoint_statements(a, "DeployTeamEndpoints"),
        *_pipeline_statements(a),
        *ml_engineer_registry_statements(a),
        pass_role(a, "PassTeamExecutionRoles", ["ml-engineer", "endpoint", "pipeline"]),
    ]
    return document(*statements)


def data_steward_policy(a: TeamAccess) -> dict[str, Any]:
    """Read-only governance: configurations, tags, policies, logs; classification tags only."""
    readable = sorted(
        p for p, c in a.bucket_classifications.items() if c in a.steward_readable_classifications
    )
    statements = [
        statement(
            "ReadBucketConfiguration",
            [*BUCKET_CONFIG_READ, "s3:ListBucket"],
            a.buckets(*a.bucket_arns),
        ),
        *_steward_readable_data_statements(a, readable),
        *_steward_tagging_statements(a),
        *_steward_configuration_statements(a),
        statement(
            "DenyDataWritesAndDeploys",
            [
                "s3:PutObject",
                "s3:DeleteObject",
                *ENDPOINT_CHANGES,
                *PIPELINE_CHANGES,
                *ECR_PUSH,
                "sagemaker:CreateTrainingJob",
                "sagemaker:CreateProcessingJob",
            ],
            "*",
            effect="Deny",
        ),
    ]
    return document(*statements)


def _pipeline_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """The team's pipelines: created tagged with the team, then changed and run."""
    pipelines = [a.sagemaker("pipeline"), a.sagemaker("pipeline") + "/*"]
    create = ["sagemaker:CreatePipeline"]
    return [
        statement("CreateTeamPipelines", create, pipelines, condition=team_tag_on_request(a)),
        statement(
            "TagTeamPipelinesOnCreate",
            ["sagemaker:AddTags"],
            pipelines,
            condition=team_tag_on_request(a),
        ),
        statement("ManageTeamPipelines", sorted(set(PIPELINE_CHANGES) - set(create)), pipelines),
    ]


def _steward_readable_data_statements(a: TeamAccess, readable: list[str]) -> list[dict[str, Any]]:
    """Objects of the classifications the steward may read (none by default)."""
    if not readable:
        return []
    return [
        statement("ReadAllowedClassifiedData", READ_OBJECT, a.objects(*readable)),
        statement(
            "DecryptAllowedClassifiedData", ["kms:Decrypt", "kms:DescribeKey"], a.kms_key_arn
        ),
    ]


def _steward_tagging_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Object tags are readable; only the `data-classification` tag may be changed."""
    return [
        statement("ReadObjectTags", ["s3:GetObjectTagging"], a.objects(*a.bucket_arns)),
        statement(
            "ChangeObjectClassificationTag",
            ["s3:PutObjectTagging"],
            a.objects(*a.bucket_arns),
            # PutObjectTagging replaces the whole tag set: the request must carry the
            # classification and nothing else, and an empty set (which every ForAllValues
            # condition accepts) is refused by the Null guard.
            condition={
                "Null": {"s3:RequestObjectTagKeys": "false"},
                "ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["data-classification"]},
                "ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": ["data-classification"]},
            },
        ),
        statement(
            "ChangeSageMakerClassificationTag",
            ["sagemaker:AddTags", "sagemaker:DeleteTags"],
            a.arn("sagemaker", "*"),
            condition={
                "Null": {"aws:TagKeys": "false"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["data-classification"]},
                "StringEquals": {"aws:ResourceTag/team": a.team},
            },
        ),
    ]


def _steward_configuration_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Configurations of the team's roles, key, logs and repositories, and tag discovery."""
    return [
        statement(
            "ReadTeamRoles",
            [
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
            ],
            f"arn:{a.partition}:iam::{a.account_id}:role/{a.scope}-*",
        ),
        statement(
            "ReadTeamKeyConfiguration",
            ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus"],
            a.kms_key_arn,
        ),
        statement(
            "ReadTeamLogs",
            ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogStreams"],
            a.log_groups,
        ),
        statement(
            "ReadTeamRepositoryConfiguration",
            [
                "ecr:DescribeRepositories",
                "ecr:DescribeImages",
                "ecr:GetRepositoryPolicy",
                "ecr:GetLifecyclePolicy",
                "ecr:DescribeImageScanFindings",
            ],
            a.ecr_repositories,
        ),
        # Tag and log-group discovery support no resource-level permission (read 2026-11).
        statement(
            "DiscoverResources",
            ["tag:GetResources", "tag:GetTagKeys", "tag:GetTagValues", "logs:DescribeLogGroups"],
            "*",
        ),
    ]


PERSONA_POLICIES = {
    "data-scientist": data_scientist_policy,
    "ml-engineer": ml_engineer_policy,
    "data-steward": data_steward_policy,
}
