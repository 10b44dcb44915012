"""Who registers and who approves in the team's SageMaker Model Registry (pure documents).

The SageMaker MLflow tracking server mirrors registered models into model package groups named
`<scope>-<model>` (tracking.py); a version is `model-package/<group>/<n>` (lower-case).

- Registering (CreateModelPackageGroup, CreateModelPackage) is for the ML engineer and the data
  scientist, each created with the request tag `team=<team>`. The retraining pipeline's role
  adds pending versions to the team's groups (a run packages each MLflow version it registers)
  and never creates groups (the stack does).
- Approving or rejecting (UpdateModelPackage with `ModelApprovalStatus` Approved or Rejected) is
  the ML engineer's alone, in every environment. The data scientist may update a version only
  without a status or back to PendingManualApproval (metadata, descriptions), and register only
  pending versions; in production an explicit Deny refuses it approving, whatever else grants.

Condition key: `sagemaker:ModelApprovalStatus`, "Filters access by the model approval status
with the model-package in the request", String, on CreateModelPackage and UpdateModelPackage
(Service Authorization Reference, "Actions, resources, and condition keys for Amazon SageMaker
AI", docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html,
read 2026-11). CreateModelPackage authorizes `model-package` (required) and
`model-package-group`; CreateModelPackageGroup `model-package-group`.
"""

from __future__ import annotations

from typing import Any

from components.documents.iam import TeamAccess, statement
from components.documents.team_statements import team_tag_on_request

APPROVAL_STATUS = "sagemaker:ModelApprovalStatus"
APPROVED = "Approved"
PENDING = "PendingManualApproval"


def _groups(a: TeamAccess) -> str:
    return a.sagemaker("model-package-group")


def _versions(a: TeamAccess) -> str:
    return a.sagemaker("model-package") + "/*"


def _register_statements(a: TeamAccess, sid: str, status: dict[str, Any]) -> list:
    """Groups and versions of the team, created tagged with the team (`status`: extra keys)."""
    tagged = team_tag_on_request(a)
    return [
        statement(
            f"{sid}Groups", ["sagemaker:CreateModelPackageGroup"], _groups(a), condition=tagged
        ),
        statement(
            f"{sid}Versions",
            ["sagemaker:CreateModelPackage"],
            [_versions(a), _groups(a)],
            condition={**tagged, **status},
        ),
        statement(
            f"{sid}Tagging",
            ["sagemaker:AddTags"],
            [_groups(a), _versions(a)],
            condition=tagged,
        ),
    ]


def ml_engineer_registry_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Register the team's models and approve or reject their versions (every environment).
    ListModelPackages* and DescribeModelPackage(Group) come from the team-read policy."""
    return [
        *_register_statements(a, "RegisterTeamModel", {}),
        statement("ApproveTeamModelVersions", ["sagemaker:UpdateModelPackage"], _versions(a)),
    ]


def data_scientist_registry_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Register pending versions and update their metadata; never approve or reject."""
    pending_only = {"StringEqualsIfExists": {APPROVAL_STATUS: PENDING}}
    statements = [
        *_register_statements(a, "RegisterPendingTeamModel", pending_only),
        statement(
            "UpdatePendingTeamModelVersions",
            ["sagemaker:UpdateModelPackage"],
            _versions(a),
            condition=pending_only,
        ),
    ]
    if a.production:
        # Guardrail: whatever another policy grants, a data scientist does not approve what
        # production serves.
        statements.append(
            statement(
                "DenyModelApprovalInProduction",
                ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"],
                "*",
                effect="Deny",
                condition={"StringEquals": {APPROVAL_STATUS: APPROVED}},
            )
        )
    return statements


def pipeline_registry_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """A retraining run packages the version it registered: pending, tagged, in a team group."""
    pending_only = {"StringEqualsIfExists": {APPROVAL_STATUS: PENDING}}
    tagged = team_tag_on_request(a)
    return [
        statement(
            "RegisterPendingRunVersions",
            ["sagemaker:CreateModelPackage"],
            [_versions(a), _groups(a)],
            condition={**tagged, **pending_only},
        ),
        statement(
            "TagRunVersions", ["sagemaker:AddTags"], [_groups(a), _versions(a)], condition=tagged
        ),
        statement(
            "DescribeTeamModelGroups",
            ["sagemaker:DescribeModelPackageGroup", "sagemaker:DescribeModelPackage"],
            [_groups(a), _versions(a)],
        ),
    ]
