"""The evaluator moved to `mlopsctl.access.evaluator`; kept here for the tests that import it."""

from mlopsctl.access.evaluator import evaluate, evaluate_trust, statement_applies

__all__ = ["evaluate", "evaluate_trust", "statement_applies"]
