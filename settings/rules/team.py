"""Rules between a team stack and its environment stack."""

from __future__ import annotations

import json
from typing import Any

from settings.catalog import RESERVED_TEAM_NAMES
from settings.rules.context import TeamView

# (attribute, key as written in the stack file)
_MUST_MATCH = (
    ("environment", "mlops:environment"),
    ("production", "mlops:production"),
    ("account_id", "mlops:accountId"),
    ("region", "aws:region"),
)


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else json.dumps(value)


def environment_match_problems(settings: TeamView) -> list[str]:
    env = settings.env
    return [
        f"{key} = {_shown(getattr(settings, field))}: must equal the environment stack "
        f"'{env.stack}' ({_shown(getattr(env, field))})"
        for field, key in _MUST_MATCH
        if getattr(settings, field) != getattr(env, field)
    ]


def reserved_name_problems(settings: TeamView) -> list[str]:
    if settings.team.name in RESERVED_TEAM_NAMES:
        return [
            f"mlops:team.name = '{settings.team.name}': reserved for the environment layer; "
            f"allowed: any other name"
        ]
    return []


RULES = (environment_match_problems, reserved_name_problems)
