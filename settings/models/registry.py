"""Config of the team's container registry and images: `mlops:registry`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from settings.models.base import StrictModel
from settings.values import IamRoleArn, check, int_range, pattern

# ECR repository name rules (Amazon ECR API reference, CreateRepository, read 2026-11); the
# team scope (`<prefix>-<team>-<env>/`) is prepended by the registry component.
RepositoryName = Annotated[
    str,
    pattern(
        r"[a-z0-9]+(?:[._-][a-z0-9]+)*",
        "lowercase letters, digits and . _ - (not at the start or end), e.g. inference",
    ),
]
TagPrefix = Annotated[str, pattern(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", "a tag prefix such as v")]

# An ECR image pinned by digest or by a tag (tags are immutable in the team's repositories;
# `latest` is refused because it says nothing about what runs).
_ECR_IMAGE = (
    r"\d{12}\.dkr\.ecr\.[a-z]{2}(-gov)?-[a-z]+-\d\.amazonaws\.com(\.cn)?"
    r"/[a-z0-9]+(?:[._/-][a-z0-9]+)*"
    r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})"
)
ImageUri = Annotated[
    str,
    pattern(
        _ECR_IMAGE,
        "an ECR image URI pinned by tag or digest, such as "
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlops-fraud-dev/inference:v1.2.0 "
        "or ...@sha256:<64 hex>",
    ),
    check(lambda v: not v.endswith(":latest"), "a pinned tag or digest, not :latest"),
]


class ImagesConfig(StrictModel):
    """Existing images to use instead of building them (so planning and deploys need no Docker)."""

    inference: ImageUri | None = None
    pipeline: ImageUri | None = None


class RegistryConfig(StrictModel):
    """`mlops:registry`: the team's ECR repositories and where its images come from."""

    repositories: list[RepositoryName] = Field(default_factory=lambda: ["inference", "pipeline"])
    # Lifecycle: keep the newest N images whose tag starts with a release prefix; untagged
    # images (superseded builds) expire after a few days.
    keep_release_images: Annotated[int, int_range(1, 1000)] = 30
    release_tag_prefixes: list[TagPrefix] = Field(default_factory=lambda: ["v", "src-"])
    untagged_expire_days: Annotated[int, int_range(1, 365)] = 7
    # A CI role that may push, besides the team's ML engineer role.
    ci_role_arn: IamRoleArn | None = None
    # Extra roles that may pull, e.g. the node role of the EKS cluster (kubelet pulls images
    # with the node's credentials, not the pod's service account).
    pull_role_arns: list[IamRoleArn] = Field(default_factory=list)
    images: ImagesConfig = Field(default_factory=ImagesConfig)

    @model_validator(mode="after")
    def _built_images_need_their_repository(self) -> RegistryConfig:
        if len(set(self.repositories)) != len(self.repositories):
            raise ValueError(f"repositories = {self.repositories}: allowed: distinct names")
        if not self.release_tag_prefixes:
            raise ValueError("releaseTagPrefixes = []: allowed: at least one tag prefix")
        for image in ("inference", "pipeline"):
            if getattr(self.images, image) is None and image not in self.repositories:
                raise ValueError(
                    f"images.{image} is not set, so the image is built and pushed to the "
                    f"repository '{image}', which repositories {self.repositories} lacks; "
                    f"allowed: add '{image}' to repositories or set images.{image}"
                )
        return self
