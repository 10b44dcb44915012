"""The access matrix, derived for any stack from its plan.

`intent.yaml` (shipped with mlopsctl) is the policy intent as data: which persona may take which
step on which kind of resource. `derive.py` expands it over a stack's plan (and the plans of a
peer team and of another environment) into cells with concrete ARNs and request contexts;
`evaluator.py` judges each cell against the planned IAM documents. `mlopsctl access <stack>`
prints them; tests/personas prove them (moto for S3/IAM cells, the evaluator for the rest).
"""

from pathlib import Path

INTENT_FILE = Path(__file__).resolve().with_name("intent.yaml")
