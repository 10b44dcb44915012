"""Insecure variants: Cost."""

from __future__ import annotations

from tests.policies.corpus.cases import (
    ENDPOINT_CONFIG,
    SPACE,
    Case,
    put,
)
from tests.policies.helpers import (
    change,
)

CASES = [
    Case(
        "gpu-type-not-allowed",
        "fraud-dev",
        "cost-instance-type-allowed",
        lambda p: change(
            p,
            SPACE,
            None,
            put(
                "spaceSettings.jupyterLabAppSettings.defaultResourceSpec.instanceType",
                "ml.p4d.24xlarge",
            ),
        ),
    ),
    Case(
        "too-many-gpus",
        "fraud-prod",
        "cost-gpu-instance-limit",
        lambda p: change(
            p, ENDPOINT_CONFIG, None, put("productionVariants.0.instanceType", "ml.g5.xlarge")
        ),
        # GPUs allowed (prod: at most 4): the endpoint scales to 6 GPU instances.
        config={"mlops:personas": {"allowGpu": True}},
    ),
    Case(
        "over-budget",
        "fraud-dev",
        "cost-monthly-budget",
        config={"mlops:team": {"monthlyBudgetUsd": 10}},
    ),
]
