"""The self-hosted MLflow image: `containers/mlflow/` built and pushed to a team ECR repository.

Used by the self-hosted tracking kind when no image is given; needs a Docker engine at deploy
time. The repository keeps immutable, scanned, KMS-encrypted tags.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.naming import Naming

MLFLOW_CONTEXT = "containers/mlflow"  # relative to the project directory
# Fargate runs the image built for this platform (the Dockerfile's base is multi-arch).
IMAGE_PLATFORM = "linux/amd64"


@dataclass
class BuiltImage:
    image_name: pulumi.Output[str]  # <repository URL>:<context digest>
    repository_arn: pulumi.Output[str]


def build_mlflow_image(
    name: str,
    naming: Naming,
    kms_key_arn: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
    project_dir: Path,
) -> BuiltImage:
    """Repository `<scope>-mlflow` and the image `<name>-image` pushed to it, per `opts`."""
    import pulumi_docker as docker  # only servers without a given image need it

    repository = aws.ecr.Repository(
        f"{name}-repository",
        name=naming.name("mlflow"),
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
            scan_on_push=True
        ),
        encryption_configurations=[
            aws.ecr.RepositoryEncryptionConfigurationArgs(
                encryption_type="KMS", kms_key=kms_key_arn
            )
        ],
        opts=opts,
    )
    token = aws.ecr.get_authorization_token_output(registry_id=repository.registry_id)
    image = docker.Image(
        f"{name}-image",
        # Tags are immutable: tag with a digest of the build context, so a change pushes a new
        # tag and an unchanged context pushes nothing.
        image_name=pulumi.Output.concat(
            repository.repository_url, ":", container_context_digest(project_dir / MLFLOW_CONTEXT)
        ),
        build=docker.DockerBuildArgs(
            # Relative to the project directory, where Pulumi runs the program.
            context=MLFLOW_CONTEXT,
            dockerfile=f"{MLFLOW_CONTEXT}/Dockerfile",
            platform=IMAGE_PLATFORM,
        ),
        registry=docker.RegistryArgs(
            server=repository.repository_url,
            username=token.user_name,
            password=pulumi.Output.secret(token.password),
        ),
        opts=opts,
    )
    return BuiltImage(image_name=image.image_name, repository_arn=repository.arn)


def container_context_digest(directory: Path) -> str:
    """A short digest of every file of the build context (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
