"""The lab's grants, as customer managed policies of their own: they list the persona's members
(one profile ARN each), so they grow with the team and are kept out of the roles' inline
policies. Each document stays under IAM's 6,144 characters for a managed policy with the
largest team `settings` allows (50 members of one persona; IAM and STS quotas, read 2026-11).
"""

from __future__ import annotations

from typing import Any

from components.documents.iam import (
    NOTEBOOK_INSTANCE_ACTIONS,
    STUDIO_APP_ACTIONS,
    STUDIO_LIST_ACTIONS,
    STUDIO_SPACE_ACTIONS,
    TeamAccess,
    document,
    statement,
)


def lab_policies(a: TeamAccess, role: str) -> dict[str, dict[str, Any]]:
    """Policy name suffix -> document, for a human persona role (`data-scientist`) or a persona
    execution role (`data-scientist-exec`); {} for a persona without lab members."""
    persona = role.removesuffix("-exec")
    members = a.lab.members_of(persona)
    if not members:
        return {}
    if role.endswith("-exec"):
        return {"lab": document(*_studio_execution_statements(a, members))} if a.lab.studio else {}
    if not a.lab.studio:
        instances = [
            a.sagemaker_name("notebook-instance", a.lab.notebook_instances[m]) for m in members
        ]
        return {
            "lab": document(
                statement("UseOwnNotebookInstances", NOTEBOOK_INSTANCE_ACTIONS, instances)
            )
        }
    policies = {
        "lab-apps": document(
            statement(
                "StartAppsInOwnSpaces",
                STUDIO_APP_ACTIONS,
                a.studio("app", "*"),
                condition=_owned_private_space(a, members),
            )
        )
    }
    if a.lab.auth_mode == "IAM":  # SSO mode: Identity Center opens Studio, no IAM permission
        policies["lab-open"] = document(
            statement(
                "OpenOwnStudioProfiles",
                ["sagemaker:CreatePresignedDomainUrl"],
                a.profile_arns(members),
            )
        )
    return policies


def _studio_execution_statements(a: TeamAccess, members: list[str]) -> list[dict[str, Any]]:
    """What Studio does with a member's execution role inside their private space: apps and
    the space itself, owned by one of the persona's members, in the team's domain only."""
    return [
        statement(
            "ManageOwnPrivateSpacesAndApps",
            [*STUDIO_APP_ACTIONS, *STUDIO_SPACE_ACTIONS],
            [a.studio("app", "*"), a.studio("space", "*")],
            condition=_owned_private_space(a, members),
        ),
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
