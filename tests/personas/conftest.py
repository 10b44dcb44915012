"""Plans of every stack the access matrix names (cached by the plan engine)."""

from __future__ import annotations

import pytest

from mlopsctl.commands.access import load_matrix
from mlopsctl.plan import plan_stack


@pytest.fixture(scope="session")
def matrix():
    return load_matrix()


@pytest.fixture(scope="session")
def matrix_plans(matrix):
    stacks = {c.stack for c in matrix} | {
        c.resource.split(":")[1].split("/")[0] for c in matrix if c.resource.startswith("key:")
    }
    return {stack: plan_stack(stack) for stack in sorted(stacks)}
