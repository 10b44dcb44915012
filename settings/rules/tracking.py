"""Cross-key rules of `mlops:tracking`."""

from __future__ import annotations

from settings.rules.context import TeamView


def working_hours_problems(settings: TeamView) -> list[str]:
    tracking = settings.tracking
    if tracking.kind != "sagemaker" and tracking.working_hours.enabled:
        return [
            "mlops:tracking.workingHours.enabled = true: only a managed SageMaker MLflow server "
            f"can be stopped and started on a schedule, this one is kind '{tracking.kind}'; "
            "allowed: false (or unset), or kind sagemaker"
        ]
    return []


def self_hosted_endpoint_problems(settings: TeamView) -> list[str]:
    """ECS injects the self-hosted server's database secret from Secrets Manager; in an
    internet-free VPC it reaches Secrets Manager only through its interface endpoint (Amazon ECS
    developer guide, "Pass Secrets Manager secrets through Amazon ECS environment variables",
    read 2026-12)."""
    network = settings.env.network
    if (
        settings.tracking.kind != "self-hosted"
        or network.mode != "create"
        or "secretsmanager" in network.interface_endpoints
    ):
        return []
    return [
        f"mlops:tracking.kind = 'self-hosted': ECS fetches the server's secrets through the "
        f"Secrets Manager endpoint, which environment '{settings.env.stack}' does not create; "
        f"allowed: add secretsmanager to mlops:network.interfaceEndpoints of "
        f"'{settings.env.stack}', or kind sagemaker"
    ]


def self_hosted_image_problems(settings: TeamView) -> list[str]:
    """A given server image comes from this account's ECR (what the pack's
    `accounts-task-images-from-platform-ecr` requires): the task pulls it through the VPC's ECR
    endpoints with its execution role, and no public registry decides what runs next to the
    team's experiment database."""
    image = settings.tracking.self_hosted.image
    registry = f"{settings.account_id}.dkr.ecr.{settings.region}.amazonaws.com/"
    if settings.tracking.kind != "self-hosted" or image is None or image.startswith(registry):
        return []
    return [
        f"mlops:tracking.selfHosted.image = {image!r}: not in this account's ECR; allowed: an "
        f"image under {registry} (push it there first), or no image (the stack builds "
        "containers/mlflow into its own repository)"
    ]


RULES = (working_hours_problems, self_hosted_endpoint_problems, self_hosted_image_problems)
