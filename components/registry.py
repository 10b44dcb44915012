"""The team's container registry: ECR repositories, and the inference and pipeline images.

Images are either given (`RegistrySpec.images`, pinned ECR URIs: planning and deploying need no
Docker engine) or built from `containers/<image>` with pulumi-docker and pushed to the team's
repository with a tag derived from the build context's content, so the tag changes exactly when
the image's source does (tags are immutable).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.documents.registry import lifecycle_policy, repository_policy
from components.naming import Naming
from components.provider import stateful_options

IMAGES: tuple[str, ...] = ("inference", "pipeline")
# SageMaker and the team's EKS nodes run x86_64 instances by default.
BUILD_PLATFORM = "linux/amd64"


def context_tag(context: Path) -> str:
    """`src-<12 hex>`: a hash of every file of the build context (paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in context.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(context).as_posix().encode())
        digest.update(path.read_bytes())
    return f"src-{digest.hexdigest()[:12]}"


@dataclass(frozen=True)
class RegistrySpec:
    """The team's repositories, their lifecycle, and where the images come from."""

    # Repositories `<scope>/<name>`; every image built here needs its repository.
    repositories: tuple[str, ...] = IMAGES
    # Lifecycle: keep the newest N images whose tag starts with a release prefix; untagged
    # images (superseded builds) expire after a few days.
    keep_release_images: int = 30
    release_tag_prefixes: tuple[str, ...] = ("v", "src-")
    untagged_expire_days: int = 7
    # Image (one of IMAGES) -> an existing URI pinned by tag or digest; images not named here
    # are built from `RegistryArgs.containers_dir/<image>` and pushed to their repository.
    images: Mapping[str, str] = field(default_factory=dict)


@dataclass
class RegistryArgs:
    naming: Naming
    kms_key_arn: pulumi.Input[str]
    pusher_arns: list[pulumi.Input[str]]
    puller_arns: list[pulumi.Input[str]]
    spec: RegistrySpec = field(default_factory=RegistrySpec)
    production: bool = False
    # The Pulumi project directory (where Pulumi runs the program) and, relative to it, the
    # folder holding one build context per image (`<containers_dir>/<image>/Dockerfile`).
    project_dir: Path = field(default_factory=Path.cwd)
    containers_dir: str = "containers"


class Registry(pulumi.ComponentResource):
    repositories: dict[str, aws.ecr.Repository]
    image_uris: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:registry:Registry", name, None, opts)
        spec = args.spec
        self._project_dir = args.project_dir
        child = pulumi.ResourceOptions(parent=self)
        policy = pulumi.Output.all(
            pushers=pulumi.Output.all(*args.pusher_arns),
            pullers=pulumi.Output.all(*args.puller_arns),
        ).apply(
            lambda a: json.dumps(
                repository_policy(pusher_arns=a["pushers"], puller_arns=a["pullers"])
            )
        )
        lifecycle = json.dumps(
            lifecycle_policy(
                release_tag_prefixes=list(spec.release_tag_prefixes),
                keep_release_images=spec.keep_release_images,
                untagged_expire_days=spec.untagged_expire_days,
            )
        )
        self.repositories = {}
        for repo in spec.repositories:
            repository = aws.ecr.Repository(
                f"repo-{repo}",
                name=f"{args.naming.scope}/{repo}",
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration={"scan_on_push": True},
                encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.kms_key_arn}],
                # Only empty repositories can be deleted outside production.
                force_delete=False,
                opts=stateful_options(args.production, self),
            )
            aws.ecr.LifecyclePolicy(
                f"repo-{repo}-lifecycle",
                repository=repository.name,
                policy=lifecycle,
                opts=child,
            )
            aws.ecr.RepositoryPolicy(
                f"repo-{repo}-policy", repository=repository.name, policy=policy, opts=child
            )
            self.repositories[repo] = repository

        self.image_uris = {}
        for image in IMAGES:
            configured = spec.images.get(image)
            if configured:
                self.image_uris[image] = pulumi.Output.from_input(configured)
            else:
                self.image_uris[image] = self._build(image, Path(args.containers_dir) / image)
        self.register_outputs(
            {
                "repositoryUrls": {k: r.repository_url for k, r in self.repositories.items()},
                "imageUris": self.image_uris,
            }
        )

    def _build(self, image: str, relative: Path) -> pulumi.Output[str]:
        """Build `containers/<image>` and push it to the team's repository of that name."""
        import pulumi_docker as docker  # only built images need it (0.15 s to import)

        repository = self.repositories.get(image)
        if repository is None:
            raise ValueError(
                f"image {image!r} is built and pushed to the repository {image!r}, which "
                f"RegistrySpec.repositories lacks; add it or give the image's URI in `images`"
            )
        token = aws.ecr.get_authorization_token_output(
            registry_id=repository.registry_id, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        tag = context_tag(self._project_dir / relative)
        built = docker.Image(
            f"image-{image}",
            image_name=repository.repository_url.apply(lambda url: f"{url}:{tag}"),
            build=docker.DockerBuildArgs(
                context=relative.as_posix(),
                dockerfile=(relative / "Dockerfile").as_posix(),
                platform=BUILD_PLATFORM,
            ),
            registry=docker.RegistryArgs(
                server=repository.repository_url.apply(lambda url: url.split("/", 1)[0]),
                username=token.user_name,
                password=pulumi.Output.secret(token.password),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The digest pins exactly what was pushed.
        return built.repo_digest
