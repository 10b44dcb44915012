"""What the lab names for a member, in one place: the lab creates these, the IAM documents grant
on them (the access matrix reads the names back from the plan, never from here).

Studio user-profile and space names follow `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` (SageMaker API
reference, CreateUserProfile/CreateSpace, read 2026-11); member names are validated to fit.
"""

from __future__ import annotations

from components.naming import Naming

PRIVATE_SPACE_SUFFIX = "-private"


def user_profile_name(member: str) -> str:
    """A member's Studio user profile: the member's name, as people see it in Studio."""
    return member


def private_space_name(member: str) -> str:
    """A member's private JupyterLab space."""
    return f"{member}{PRIVATE_SPACE_SUFFIX}"


def notebook_instance_name(naming: Naming, member: str) -> str:
    """A member's notebook instance (lab kind notebook-instance): team-scoped, as its ARN is."""
    return naming.name("nb", member)
