"""The environment's cost shared out over the team stacks that use it.

An environment stack (shared network, log buckets, key) serves every team stack whose
`mlops:team.environmentStack` names it; its cost is split equally over them. A team's share
is shown next to its own total, never added into it.
"""

from __future__ import annotations

from dataclasses import dataclass

from policies.cost_model.lines import CostEstimate
from settings import Project
from settings.errors import ConfigError
from settings.stack_files import read_stack_file, stack_layer, team_stacks


@dataclass(frozen=True)
class EnvironmentShare:
    environment: str  # the environment stack
    teams: tuple[str, ...]  # the team stacks that share it
    idle_monthly_usd: float  # the environment's total
    typical_monthly_usd: float

    @property
    def idle_per_team(self) -> float:
        return self.idle_monthly_usd / len(self.teams) if self.teams else 0.0

    @property
    def typical_per_team(self) -> float:
        return self.typical_monthly_usd / len(self.teams) if self.teams else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "environmentStack": self.environment,
            "teamStacks": list(self.teams),
            "environmentIdleMonthlyUsd": round(self.idle_monthly_usd, 2),
            "environmentTypicalMonthlyUsd": round(self.typical_monthly_usd, 2),
            "perTeamIdleMonthlyUsd": round(self.idle_per_team, 2),
            "perTeamTypicalMonthlyUsd": round(self.typical_per_team, 2),
        }


def environment_stack_of(project: Project, stack: str) -> str | None:
    """The environment stack a team stack names (None for an environment stack)."""
    if stack_layer(project, stack) != "team":
        return None
    team = read_stack_file(project, stack).config.get(f"{project.name}:team")
    name = team.get("environmentStack") if isinstance(team, dict) else None
    return name if isinstance(name, str) else None


def teams_sharing(project: Project, environment: str) -> tuple[str, ...]:
    """The team stacks whose `mlops:team.environmentStack` is `environment`."""
    found = []
    for stack in team_stacks(project):
        try:
            if environment_stack_of(project, stack) == environment:
                found.append(stack)
        except ConfigError:
            continue  # an unreadable stack file is reported by its own plan
    return tuple(found)


def share_of(project: Project, environment: CostEstimate) -> EnvironmentShare:
    """The environment stack's estimate split over its team stacks."""
    return EnvironmentShare(
        environment.stack,
        teams_sharing(project, environment.stack),
        environment.idle_monthly_usd,
        environment.typical_monthly_usd,
    )
