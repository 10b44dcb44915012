"""The derived access matrix of every shipped stack, with the plans it was derived from.

Plans come from the plan engine's cache (`plan_stack` without overrides is memoized); each
stack's peers are the ones `mlopsctl access` would choose.
"""

from __future__ import annotations

import pytest

from tests.personas.helpers import Derived, derived_matrix


@pytest.fixture(scope="session")
def derived():
    """derived("fraud-dev") -> Derived(cells, facts by stack, peers), cached per session."""
    cache: dict[str, Derived] = {}

    def get(stack: str) -> Derived:
        if stack not in cache:
            cache[stack] = derived_matrix(stack)
        return cache[stack]

    return get
