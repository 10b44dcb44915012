"""Regenerate data/01_raw/training.csv, the committed sample data set.

Deterministic (seeded stdlib ``random``, fixed rounding), so re-running it
reproduces the committed file byte for byte:

    python scripts/make_sample_data.py
"""

from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path

ROWS = 60
SEED = 20240501
COLUMNS = ["tenure_months", "monthly_charges", "support_calls", "contract_years", "churned"]
OUTPUT = Path(__file__).resolve().parents[1] / "data" / "01_raw" / "training.csv"


def generate(rows: int = ROWS, seed: int = SEED) -> str:
    """Toy customer-churn data: short tenure, high charges, many calls -> churn."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for _ in range(rows):
        tenure = rng.randint(1, 72)
        charges = round(rng.uniform(20.0, 120.0), 2)
        calls = rng.randint(0, 9)
        contract = rng.choice([0, 1, 2])
        logit = 1.5 - 0.06 * tenure + 0.03 * (charges - 70) + 0.45 * calls - 0.9 * contract
        noise = rng.gauss(0.0, 0.8)
        churned = int(1.0 / (1.0 + math.exp(-(logit + noise))) > 0.5)
        writer.writerow([tenure, f"{charges:.2f}", calls, contract, churned])
    return buffer.getvalue()


if __name__ == "__main__":
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(generate(), encoding="utf-8")
