"""The insecure corpus: variants of the shipped stacks, each caught by the rule meant for it.

A variant is a config change planned for real (`plan_with`), or a mutation of the planned
resources of a shipped stack (what a hand-written or drifted program would register), or a
resource a future component could plan, added to a shipped plan. Each case names the policy
that must report a mandatory violation.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest

from mlopsctl.plan.model import Plan
from policies.registry import policy_names
from tests.conftest import SERVED, TEAM_STACKS, deep_merge
from tests.policies.corpus import CASES
from tests.policies.corpus.cases import Case
from tests.policies.helpers import caught

_PLANS: dict[str, Plan] = {}


def _planned(case: Case, plan: Callable[[str], Plan], plan_with: Callable[..., Plan]) -> Plan:
    """A private copy of the case's plan: one program run per (stack, config change), so that
    a mutation never leaks into another case."""
    # Variants of team stacks that serve a model (the shipped ones name no version yet).
    changes = deep_merge(SERVED, case.config) if case.stack in TEAM_STACKS else case.config
    key = json.dumps([case.stack, changes], sort_keys=True)
    if key not in _PLANS:
        _PLANS[key] = plan_with(case.stack, changes) if changes else plan(case.stack)
    return copy.deepcopy(_PLANS[key])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_insecure_variant_is_caught_by_its_rule(case: Case, plan, plan_with) -> None:
    planned = _planned(case, plan, plan_with)
    if case.mutate:
        case.mutate(planned)
    found = caught(planned, case.pack)
    assert case.policy in found, f"{case.policy} missed {case.id}; caught: {sorted(found)}"


# Rules that inform rather than catch: proven by their own tests (tests/policies/test_exemptions.py).
NOT_CATCHING = {"exemptions-in-force"}


def test_corpus_is_large_mostly_mutations_and_covers_every_rule() -> None:
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)
    mutations = [c for c in CASES if c.mutate is not None and not c.config]
    assert len(mutations) * 2 >= len(CASES), f"{len(mutations)} mutations of {len(CASES)}"
    assert set(policy_names()) - NOT_CATCHING <= {c.policy for c in CASES}
