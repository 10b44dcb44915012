"""Time `mlopsctl plan fraud-dev --no-tree` end to end: one warm-up, then the median of 5 runs.

Run: `python scripts/benchmark_plan.py [stack]`. A figure to watch, not a timed test.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 5
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    stack = sys.argv[1] if len(sys.argv) > 1 else "fraud-dev"
    command = [str(Path(sys.executable).parent / "mlopsctl"), "plan", stack, "--no-tree"]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # warm-up
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        timings.append(time.perf_counter() - start)
    print(
        f"mlopsctl plan {stack} --no-tree: median {statistics.median(timings):.2f} s "
        f"over {RUNS} runs (min {min(timings):.2f} s, max {max(timings):.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
