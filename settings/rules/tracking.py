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


RULES = (working_hours_problems,)
