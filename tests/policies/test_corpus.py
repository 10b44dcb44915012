"""The insecure corpus: variants of the shipped stacks, each caught by the rule meant for it.

A variant is a config change planned for real (`plan_with`), or a mutation of the planned
resources of a shipped stack (what a hand-written or drifted program would register), or a
resource a future component could plan, added to a shipped plan. Each case names the policy
that must report a mandatory violation.
"""

from __future__ import annotations

import pytest

from policies.registry import policy_names
from tests.conftest import SERVED, TEAM_STACKS, deep_merge
from tests.policies.corpus import CASES
from tests.policies.corpus.cases import Case
from tests.policies.helpers import caught


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_insecure_variant_is_caught_by_its_rule(case: Case, plan, plan_with) -> None:
    # Variants of team stacks that serve a model (the shipped ones name no version yet).
    changes = deep_merge(SERVED, case.config) if case.stack in TEAM_STACKS else case.config
    planned = plan_with(case.stack, changes) if changes else plan(case.stack)
    if case.mutate:
        case.mutate(planned)
    found = caught(planned, case.pack)
    assert case.policy in found, f"{case.policy} missed {case.id}; caught: {sorted(found)}"


def test_corpus_is_large_and_covers_every_rule() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)
    assert set(policy_names()) <= {c.policy for c in CASES}
