"""ECR repository and lifecycle policies, as pure functions of plain values."""

from __future__ import annotations

from typing import Any

# Push needs the layer-upload actions plus PutImage; pull needs the two read actions
# (Amazon ECR "Repository policy examples", read 2026-11). GetAuthorizationToken is
# registry-wide and granted by identity policies, not here.
PUSH_ACTIONS: tuple[str, ...] = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
)
PULL_ACTIONS: tuple[str, ...] = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
)
WRITE_ACTIONS: tuple[str, ...] = (
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
    "ecr:BatchDeleteImage",
)


def repository_policy(*, pusher_arns: list[str], puller_arns: list[str]) -> dict[str, Any]:
    """Only the pushers may write; the pullers (and pushers) may read.

    The Deny makes "only" hold even if some identity policy in the account grants ECR writes:
    it applies to every principal whose ARN is not a pusher.
    """
    pushers = sorted(set(pusher_arns))
    pullers = sorted(set(puller_arns) | set(pushers))
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TeamPush",
                "Effect": "Allow",
                "Principal": {"AWS": pushers},
                "Action": sorted(set(PUSH_ACTIONS) | set(PULL_ACTIONS)),
            },
            {
                "Sid": "TeamPull",
                "Effect": "Allow",
                "Principal": {"AWS": pullers},
                "Action": list(PULL_ACTIONS),
            },
            {
                "Sid": "DenyWritesByOthers",
                "Effect": "Deny",
                "Principal": "*",
                "Action": list(WRITE_ACTIONS),
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": pushers}},
            },
        ],
    }


def lifecycle_policy(
    *, release_tag_prefixes: list[str], keep_release_images: int, untagged_expire_days: int
) -> dict[str, Any]:
    """Expire untagged images after some days; keep only the newest N release-tagged images."""
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images after {untagged_expire_days} days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": untagged_expire_days,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep the last {keep_release_images} release images",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPrefixList": list(release_tag_prefixes),
                    "countType": "imageCountMoreThan",
                    "countNumber": keep_release_images,
                },
                "action": {"type": "expire"},
            },
        ]
    }
