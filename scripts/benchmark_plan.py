"""Time `mlopsctl plan <stack> --no-tree` end to end, and what lab members cost a plan.

Run: `python scripts/benchmark_plan.py [stack] [--runs N]` (`make benchmark`). It prints:

- the wall time of `mlopsctl plan <stack> --no-tree` as a subprocess (program, environment
  stack, policies, conformance, cost): the median of N runs after one warm-up, and their CPU
  time, which a busy machine inflates less; once with the disk cache (inputs unchanged since the
  last plan: what re-planning costs) and once with `MLOPSCTL_CACHE=off` (every run plans both
  stacks and runs the pack afresh: what planning an edit costs);
- the same fresh `mlopsctl plan` of a project copy whose stack has 5 and 50 lab members (the
  stack's own lab config with its members repeated under new names), and the ratio;
- the in-process plan time of the program alone with 5 and with 50 members, each the median of
  N plans after one warm-up plan of the same variant (the environment stack is planned once
  and cached), and the ratio of the two;
- the machine's load average before and after, since both figures scale with it.

Figures to watch, not a timed test: the suite never asserts times.
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
MEMBER_COUNTS = (5, 50)


def lab_with_members(lab: dict[str, Any], count: int) -> dict[str, Any]:
    """The lab config with `count` members, cycling through the personas and default instance
    types of its own members (names `member-01`, ..., valid lab member names)."""
    shipped = lab.get("members") or []
    if not shipped:
        raise SystemExit("the stack's mlops:lab has no members to repeat")
    members = [{**shipped[i % len(shipped)], "name": f"member-{i + 1:02d}"} for i in range(count)]
    return {**copy.deepcopy(lab), "members": members}


def cli_timings(
    stack: str, runs: int, cached: bool, project: Path = ROOT
) -> list[tuple[float, float]]:
    """(wall, cpu) seconds of each timed `mlopsctl plan` subprocess, after one warm-up."""
    command = [str(Path(sys.executable).parent / "mlopsctl"), "plan", stack, "--no-tree"]
    env = {**os.environ, "MLOPSCTL_CACHE": "on" if cached else "off"}
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    timings = []
    for _ in range(runs):
        cpu, wall = _children_cpu(), time.perf_counter()
        subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
        timings.append((time.perf_counter() - wall, _children_cpu() - cpu))
    return timings


def project_with_members(stack: str, count: int, into: Path) -> Path:
    """A copy of the project (program, stacks, containers) whose `stack` has `count` members."""
    import yaml

    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, into / name)
    for name in ("components", "settings", "stacks", "containers"):
        shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    path = into / "stacks" / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["mlops:lab"] = lab_with_members(document["config"]["mlops:lab"], count)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return into


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def member_timings(stack: str, runs: int) -> dict[int, list[tuple[float, float]]]:
    """(wall, cpu) seconds of each timed plan of the stack, per member count."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from mlopsctl.plan.engine import plan_stack, stack_config

    lab = stack_config(stack, ROOT).get("mlops:lab")
    if not isinstance(lab, dict):
        raise SystemExit(f"stack {stack} has no mlops:lab to add members to")
    timings: dict[int, list[tuple[float, float]]] = {}
    for count in MEMBER_COUNTS:
        overrides = {"mlops:lab": lab_with_members(lab, count)}
        plan_stack(stack, ROOT, overrides)  # warm-up: imports, caches, the environment stack
        timings[count] = []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            plan_stack(stack, ROOT, overrides)
            timings[count].append((time.perf_counter() - wall, time.process_time() - cpu))
    return timings


def _summary(timings: list[tuple[float, float]], runs: int) -> str:
    walls = [wall for wall, _ in timings]
    return (
        f"median {statistics.median(walls):.2f} s wall over {runs} runs (min {min(walls):.2f} s, "
        f"max {max(walls):.2f} s), median {statistics.median(c for _, c in timings):.2f} s CPU"
    )


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("stack", nargs="?", default="fraud-dev")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    print(f"before: {_load()}")
    for cached, what in ((True, "inputs unchanged, from the cache"), (False, "fresh")):
        cli = cli_timings(args.stack, args.runs, cached)
        print(f"mlopsctl plan {args.stack} --no-tree ({what}): {_summary(cli, args.runs)}")
    fresh = {}
    for count in MEMBER_COUNTS:
        with tempfile.TemporaryDirectory(prefix="mlops-benchmark-") as directory:
            project = project_with_members(args.stack, count, Path(directory))
            fresh[count] = cli_timings(args.stack, args.runs, cached=False, project=project)
        print(f"mlopsctl plan, {count} lab members (fresh): {_summary(fresh[count], args.runs)}")
    few, many = MEMBER_COUNTS[0], MEMBER_COUNTS[-1]
    ratio = statistics.median(w for w, _ in fresh[many]) / statistics.median(
        w for w, _ in fresh[few]
    )
    print(f"mlopsctl plan, {many} vs {few} members: {ratio:.2f}x wall")
    members = member_timings(args.stack, args.runs)  # the program alone, in process
    medians = {}
    for count, runs in members.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[count] = (wall, cpu)
        print(
            f"program of {args.stack}, {count} lab members: "
            f"median {wall:.2f} s wall, {cpu:.2f} s CPU"
        )
    small, large = medians[few], medians[many]
    print(
        f"{many} vs {few} members: {large[0] / small[0]:.2f}x wall, {large[1] / small[1]:.2f}x "
        f"CPU ({(large[1] - small[1]) / (many - few) * 1000:.1f} ms CPU per added member)"
    )
    print(f"after: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
