"""The AWS provider every resource uses, and the resource options the components share."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def aws_provider(*, region: str, account_id: str, tags: dict[str, str]) -> aws.Provider:
    """`default_tags` tag every taggable resource; `allowed_account_ids` refuses a wrong account."""
    return aws.Provider(
        "aws",
        region=region,
        allowed_account_ids=[account_id],
        default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
    )


def stateful_options(production: bool, parent: pulumi.Resource) -> pulumi.ResourceOptions:
    """Data, models and keys survive a mistaken `pulumi destroy` or replacement in production."""
    return pulumi.ResourceOptions(parent=parent, protect=production, retain_on_delete=production)


def moved_child_options(
    component: pulumi.Resource, previous_parent: pulumi.Resource | None
) -> pulumi.ResourceOptions:
    """Options of a child of `component` that earlier versions registered on `previous_parent`.

    A URN holds the parent's type chain, so moving a resource under a new component changes its
    URN; the alias names the old one (and, by inheritance, its children's), so a deployed stack
    updates the resource in place instead of deleting and recreating it.
    """
    aliases = [pulumi.Alias(parent=previous_parent)] if previous_parent is not None else None
    return pulumi.ResourceOptions(parent=component, aliases=aliases)
