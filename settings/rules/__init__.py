"""Cross-key rules, one module per concern; each rule returns one line per problem, naming the
key, the value and what is allowed. `settings.stack` runs them as model validators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from settings.rules import egress, environment, lab, serving, team, tracking


class RuleFailure(Exception):
    """Raised by a settings model whose cross-key rules found problems (one line each)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


Rule = Callable[[Any], list[str]]
ENVIRONMENT_RULES: tuple[Rule, ...] = (*environment.RULES, *egress.ENVIRONMENT_RULES)
# Team-vs-environment first: a team in the wrong environment makes later rules noise.
TEAM_RULES: tuple[Rule, ...] = (
    *team.RULES,
    *lab.RULES,
    *egress.TEAM_RULES,
    *environment.TEAM_RULES,
    *serving.RULES,
    *tracking.RULES,
)
