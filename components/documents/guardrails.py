"""The explicit denies every persona and execution role of a team carries.

Explicit denies, so no policy attached later can lift them (pure functions).
"""

from __future__ import annotations

from typing import Any

from components.documents.iam import (
    BUCKET_PROTECTION,
    INSTANCE_TYPE_ACTIONS,
    INTER_CONTAINER_ACTIONS,
    SYSTEM_INSTANCE_TYPE,
    VOLUME_KMS_ACTIONS,
    VPC_ACTIONS,
    TeamAccess,
    statement,
)


def guardrail_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Explicit denies every persona and execution role carries."""
    team_tag = "aws:ResourceTag/team"
    allowed_types = sorted(set(a.instance_types) | {SYSTEM_INSTANCE_TYPE})
    return [
        statement(
            "DenyBucketHistoryAndProtectionChanges",
            BUCKET_PROTECTION,
            [*a.bucket_arns.values(), *(f"{b}/*" for b in a.bucket_arns.values())],
            effect="Deny",
        ),
        statement(
            "DenyOtherTeamsSageMakerResources",
            ["sagemaker:*"],
            "*",
            effect="Deny",
            condition={
                "Null": {team_tag: "false"},
                "StringNotEquals": {team_tag: a.team},
            },
        ),
        statement(
            "DenyInstanceTypesNotAllowed",
            INSTANCE_TYPE_ACTIONS,
            "*",
            effect="Deny",
            condition={"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": allowed_types}},
        ),
        statement(
            "DenyWithoutVpcSubnets",
            VPC_ACTIONS,
            "*",
            effect="Deny",
            condition={"Null": {"sagemaker:VpcSubnets": "true"}},
        ),
        statement(
            "DenyWithoutVpcSecurityGroups",
            VPC_ACTIONS,
            "*",
            effect="Deny",
            condition={"Null": {"sagemaker:VpcSecurityGroupIds": "true"}},
        ),
        statement(
            "DenyVolumesWithoutTeamKey",
            VOLUME_KMS_ACTIONS,
            "*",
            effect="Deny",
            condition={"ArnNotEquals": {"sagemaker:VolumeKmsKey": a.kms_key_arn}},
        ),
        statement(
            "DenyDirectInternetAccess",
            ["sagemaker:CreateNotebookInstance"],
            "*",
            effect="Deny",
            condition={"StringNotEquals": {"sagemaker:DirectInternetAccess": "Disabled"}},
        ),
        statement(
            "DenyRootAccess",
            ["sagemaker:CreateNotebookInstance", "sagemaker:UpdateNotebookInstance"],
            "*",
            effect="Deny",
            condition={"StringNotEquals": {"sagemaker:RootAccess": "Disabled"}},
        ),
        statement(
            "DenyInterContainerTrafficUnencrypted",
            INTER_CONTAINER_ACTIONS,
            "*",
            effect="Deny",
            condition={"Bool": {"sagemaker:InterContainerTrafficEncryption": "false"}},
        ),
        statement(
            "DenyInterContainerTrafficEncryptionUnset",
            INTER_CONTAINER_ACTIONS,
            "*",
            effect="Deny",
            condition={"Null": {"sagemaker:InterContainerTrafficEncryption": "true"}},
        ),
    ]
