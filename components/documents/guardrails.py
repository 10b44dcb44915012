"""The explicit denies every persona and execution role of a team carries.

Explicit denies, so no policy attached later can lift them (pure functions). One customer
managed policy holds them (`guardrail_policy`), attached to every team role: the same document
once, and the roles' inline policies keep IAM's 10,240-character room for their grants (a
managed policy may have 6,144; IAM and STS quotas, read 2026-11).
"""

from __future__ import annotations

from typing import Any

from components.documents.iam import (
    BUCKET_PROTECTION,
    INSTANCE_TYPE_ACTIONS,
    INTER_CONTAINER_ACTIONS,
    REGISTRY_DELETES,
    SYSTEM_INSTANCE_TYPE,
    VOLUME_KMS_ACTIONS,
    VPC_ACTIONS,
    TeamAccess,
    document,
    statement,
)
from components.documents.retraining import MODEL_PACKAGES_PREFIX


def _archive_writers(a: TeamAccess) -> list[str]:
    """The roles retraining runs as: the SageMaker pipeline's execution role and, on
    Kubernetes, the retraining CronJob's IRSA role (`<scope>-retraining-irsa`)."""
    iam = f"arn:{a.partition}:iam::{a.account_id}:role"
    return [a.execution_role_arns["pipeline"], f"{iam}/{a.scope}-retraining-irsa"]


def production_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Production keeps what it serves and its registry history, whoever asks."""
    if not a.production:
        return []
    archives = f"{a.bucket_arns['artifacts']}/{MODEL_PACKAGES_PREFIX}/*"
    statements = [
        statement("DenyRegistryHistoryDeletes", REGISTRY_DELETES, "*", effect="Deny"),
        # Every model package's archive: what is served now and every version it may roll back
        # to. New archives are still written (retraining); the bucket's versioning keeps any
        # overwritten one.
        statement(
            "DenyDeletingModelArchives",
            ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration"],
            [archives],
            effect="Deny",
        ),
        # Only retraining writes archives (a new key per MLflow version); nobody else overwrites
        # what a model package names, whatever else grants.
        statement(
            "DenyWritingModelArchivesButRetraining",
            ["s3:PutObject"],
            [archives],
            effect="Deny",
            condition={"ArnNotLike": {"aws:PrincipalArn": _archive_writers(a)}},
        ),
    ]
    if a.protected_objects:
        statements.append(
            statement(
                "DenyOverwritingWhatIsServed",
                [
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:PutObjectTagging",
                    "s3:DeleteObjectTagging",
                ],
                a.protected_objects,
                effect="Deny",
            )
        )
    return statements


def guardrail_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Explicit denies every persona and execution role carries."""
    team_tag = "aws:ResourceTag/team"
    allowed_types = sorted(set(a.instance_types) | {SYSTEM_INSTANCE_TYPE})
    return [
        *production_statements(a),
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


def guardrail_policy(a: TeamAccess) -> dict[str, Any]:
    """The team's guardrails as one managed policy document."""
    return document(*guardrail_statements(a))
