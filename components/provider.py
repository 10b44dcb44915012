"""The AWS provider every resource uses: region, account guard and the standard tags."""

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
