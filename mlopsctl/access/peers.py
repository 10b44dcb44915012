"""Which of the project's stacks a stack's access matrix is tried against, from the stack files.

A team stack: another team of the same environment (the peer), and the same team in another
environment (production first). An environment stack: a team of that environment (whose
buckets and roles the auditor reviews) and a team of another environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from settings import ConfigError, Project, read_stack_file


@dataclass(frozen=True)
class Peers:
    peer: str | None
    other_environment: str | None


def _config(project: Project, stack: str) -> dict[str, Any]:
    try:
        return read_stack_file(project, stack).config
    except ConfigError:
        return {}  # an unreadable stack is no peer; its own command reports it


def _team_stacks(project: Project) -> dict[str, dict[str, Any]]:
    key = f"{project.name}:layer"
    configs = {s: _config(project, s) for s in project.stacks()}
    return {s: c for s, c in configs.items() if c.get(key) == "team"}


def _team_of(project: Project, config: dict[str, Any]) -> dict[str, Any]:
    team = config.get(f"{project.name}:team")
    return team if isinstance(team, dict) else {}


def find_peers(project: Project, stack: str) -> Peers:
    config = _config(project, stack)
    teams = _team_stacks(project)
    environment_key = f"{project.name}:environment"
    if config.get(f"{project.name}:layer") == "environment":
        mine = sorted(
            s for s, c in teams.items() if _team_of(project, c).get("environmentStack") == stack
        )
        others = sorted(s for s in teams if s not in mine)
        return Peers(mine[0] if mine else None, others[0] if others else None)
    name = _team_of(project, config).get("name")
    environment = config.get(environment_key)
    peers = sorted(
        s
        for s, c in teams.items()
        if s != stack
        and c.get(environment_key) == environment
        and _team_of(project, c).get("name") != name
    )
    same_team = [
        s
        for s, c in teams.items()
        if s != stack
        and _team_of(project, c).get("name") == name
        and c.get(environment_key) != environment
    ]
    production_key = f"{project.name}:production"
    same_team.sort(key=lambda s: (not teams[s].get(production_key, False), s))
    return Peers(peers[0] if peers else None, same_team[0] if same_team else None)
