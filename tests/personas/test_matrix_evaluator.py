"""Every cell of access/matrix.yaml, evaluated against the planned documents of its stack.

This covers what moto cannot decide (SageMaker, MLflow, ECR, KMS, iam:PassRole and every
condition); test_matrix_moto.py tries the S3/IAM cells for real.
"""

from __future__ import annotations

from collections import Counter

from tests.personas.helpers import key_arns, request_context, resolved, role_documents
from tests.personas.iam_eval import evaluate


def test_matrix_is_large_and_covers_personas_teams_environments(matrix):
    assert len(matrix) >= 60
    personas = Counter(c.persona for c in matrix)
    assert {"data-scientist", "ml-engineer", "data-steward", "auditor"} <= set(personas)
    assert {"fraud-dev", "fraud-prod", "churn-dev"} <= {c.stack for c in matrix}
    assert {c.expect for c in matrix} == {"allow", "deny"}


def test_every_cell_matches_the_planned_documents(matrix, matrix_plans):
    keys = key_arns(matrix_plans)
    roles = {stack: role_documents(plan) for stack, plan in matrix_plans.items()}
    mismatches = []
    for cell in matrix:
        documents = roles[cell.stack][cell.persona]["policies"]
        assert documents, f"{cell.label}: role has no permission policy"
        outcome = evaluate(
            documents, cell.action, resolved(cell, keys), request_context(cell, keys)
        )
        if outcome != cell.expect:
            mismatches.append(f"{cell.label}: expected {cell.expect}, got {outcome}")
    assert not mismatches, "\n".join(mismatches)
