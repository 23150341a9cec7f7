"""What the command-line benchmarks share: timing a whole process, timing the steps of one
inside a fresh process, and printing the figures with the machine's load.

``bench_cli.py`` and ``bench_compare.py`` import it (run them from the repository root or
from ``benchmarks/``: Python puts the script's folder on the import path).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 300


def child_env() -> dict[str, str]:
    """The environment of the timed processes: this tree first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def load_text() -> str:
    """The load average and the cores, for the figures' context."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def spread(values: list[float]) -> str:
    """Median, minimum and maximum of a list of seconds."""
    return f"{statistics.median(values):6.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def time_command(argv: list[str], quiet: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds of one process running ``argv`` (its children included), from its
    start to its exit; ``quiet`` also discards what it writes on standard error."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        argv,
        cwd=ROOT,
        env=child_env(),
        check=True,
        timeout=TIMEOUT_S,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class Laps:
    """Wall and CPU seconds of successive steps in this process: ``lap(name)`` ends a step."""

    def __init__(self) -> None:
        self.steps: dict[str, tuple[float, float]] = {}
        self._clock = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        now = time.perf_counter(), time.process_time()
        self.steps[name] = (now[0] - self._clock[0], now[1] - self._clock[1])
        self._clock = now

    def print_json(self) -> None:
        """The steps as the last line of standard output (what :func:`split` reads)."""
        print(json.dumps(self.steps))


def split(script: Path, out: Path, repeats: int, with_sum: bool = False) -> dict[str, dict[str, list[float]]]:
    """Run ``script --split-child out`` in ``repeats`` fresh processes after one warm-up and
    print each step's wall and CPU seconds (and their sum, when asked)."""
    argv = [sys.executable, str(script), "--split-child", str(out)]
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    for _ in range(repeats + 1):
        done = subprocess.run(
            argv, cwd=ROOT, env=child_env(), check=True, timeout=TIMEOUT_S, capture_output=True, text=True
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    runs = runs[1:]
    steps = {
        name: {"wall_s": [run[name][0] for run in runs], "cpu_s": [run[name][1] for run in runs]} for name in runs[0]
    }
    if with_sum:
        steps["sum of the steps"] = {
            key: [sum(run[name][k] for name in run) for run in runs] for k, key in enumerate(("wall_s", "cpu_s"))
        }
    for name, seconds in steps.items():
        print(f"  {name:<18} wall {spread(seconds['wall_s'])}   cpu {spread(seconds['cpu_s'])}")
    return steps
