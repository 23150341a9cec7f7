"""Comparison benchmark: ``coopsim compare`` timed end to end, and where it spends its time.

Prints, with the load average (1, 5 and 15 minutes) before and after, so that a busy
machine is seen:

- the whole command ``coopsim compare tera tera-without-rex -r 10 --workers 2`` in fresh
  processes, ``--repeats`` times after one warm-up run: median wall and CPU seconds (with
  min and max); target (issue 12): 5 s or less end to end;
- its steps, measured inside fresh processes (median over the repeats): imports, the 20
  runs (through ``compare``'s own choice of processes), the statistics (paired bootstrap
  and Wilcoxon of every headline outcome), the weekly bands, matplotlib's import, the
  figure drawn and saved, and the other files written (CSV, Markdown, Parquet);
- a new worker process's start-up: from starting a spawned process to the end of its
  first (one-week) run, what ``compare.WORKER_START_S`` stands for;
- a 10-replication comparison on a pool of 2 worker processes kept warm, as the
  facilitator page runs it (target: 2 s or less, the page's figure not included).

Run: ``.venv/bin/python benchmarks/bench_compare.py [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 300
COMMAND = ["compare", "tera", "tera-without-rex", "-r", "10", "--workers", "2"]


def _env() -> dict[str, str]:
    """The environment of the timed processes: this tree first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def time_command(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process running ``argv`` (its children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        argv, cwd=ROOT, env=_env(), check=True, timeout=TIMEOUT_S, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def whole_command(repeats: int, tmp: Path) -> dict[str, list[float]]:
    """``coopsim compare ... -r 10 --workers 2``, a fresh output folder each time."""
    argv = [sys.executable, "-m", "coopsim", *COMMAND, "--out"]
    time_command([*argv, str(tmp / "warm-up")])  # file caches, compiled kernels
    times = [time_command([*argv, str(tmp / f"run-{k}")]) for k in range(repeats)]
    walls, cpus = [w for w, _ in times], [c for _, c in times]
    print(f"  coopsim {' '.join(COMMAND)}: wall {_spread(walls)}   cpu {_spread(cpus)}", flush=True)
    return {"wall_s": walls, "cpu_s": cpus}


def split_child(out: Path) -> None:
    """In a fresh process: the command's steps one by one; print each step's wall and CPU
    seconds as JSON."""
    steps: dict[str, tuple[float, float]] = {}
    clock = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter(), time.process_time()
        steps[name] = (now[0] - clock[0], now[1] - clock[1])
        clock = now

    import numpy as np
    import pandas as pd

    from coopsim.experiments import compare as cm
    from coopsim.experiments.analysis_base import HEADLINE_OUTCOMES
    from coopsim.scenario import load_scenario

    lap("imports")
    a, b = load_scenario("tera"), load_scenario("tera-without-rex")
    seeds = cm.paired_seeds(10)
    jobs: list[cm.Job] = [(v, r, s, seed, a.years) for r, seed in enumerate(seeds) for v, s in (("A", a), ("B", b))]
    results = cm._execute(jobs, 2, None, notify=lambda line: print(line, file=sys.stderr))
    lap("20 runs")
    rows = [{"variant": v, "replicate": r, **summary} for v, r, summary, _ in results]
    summaries = pd.DataFrame(rows).sort_values(["variant", "replicate"], ignore_index=True)
    rng = np.random.default_rng(np.random.SeedSequence([0, 2**31 - 1]))
    for outcome in HEADLINE_OUTCOMES:
        xa = summaries.loc[summaries["variant"] == "A", outcome].to_numpy(dtype=float)
        xb = summaries.loc[summaries["variant"] == "B", outcome].to_numpy(dtype=float)
        cm.paired_statistics(xa, xb, 0.95, 2000, rng)
    lap("statistics")
    c = cm.compare(a, b, replications=10, workers=1, executor=_Replay(results))  # the comparison, its runs replayed
    lap("frames (replayed)")
    c.bands()
    lap("bands")
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401

    lap("matplotlib import")
    c.figure(out / "comparison.png")
    lap("figure")
    c.table().to_csv(out / "comparison.csv", index=False)
    (out / "comparison.md").write_text(c.markdown(), encoding="utf-8")
    c.summaries.to_parquet(out / "summaries.parquet", index=False)
    lap("other files")
    print(json.dumps(steps))


class _Replay(Executor):
    """An executor that hands back finished runs (``compare`` then only builds its tables)."""

    def __init__(self, results: list[Any]) -> None:
        self.results = iter(results)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(next(self.results))
        return future


def split(repeats: int, out: Path) -> dict[str, dict[str, list[float]]]:
    """The wall and CPU seconds of each step, each repeat a fresh process (after one warm-up)."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--split-child", str(out)]
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    for _ in range(repeats + 1):
        done = subprocess.run(argv, cwd=ROOT, env=_env(), check=True, timeout=TIMEOUT_S, capture_output=True, text=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    runs = runs[1:]
    steps = {
        name: {"wall_s": [run[name][0] for run in runs], "cpu_s": [run[name][1] for run in runs]} for name in runs[0]
    }
    for name, seconds in steps.items():
        print(f"  {name:<18} wall {_spread(seconds['wall_s'])}   cpu {_spread(seconds['cpu_s'])}")
    return steps


def _one_week() -> float:
    from coopsim.experiments.compare import _run_job
    from coopsim.scenario import load_scenario

    _run_job(("A", 0, load_scenario("tera"), 1, 1 / 52))
    return time.time()


def worker_start(repeats: int) -> list[float]:
    """Seconds from starting a spawned worker to the end of its first one-week run."""
    seconds = []
    for _ in range(repeats):
        start = time.time()
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            end = pool.submit(_one_week).result()
        seconds.append(end - start)
    print(f"  new worker to its first run's end: {_spread(seconds)}", flush=True)
    return seconds


def warm_pool(repeats: int) -> list[float]:
    """A 10-replication comparison on 2 warm worker processes, as the facilitator page does."""
    from coopsim.experiments.compare import _run_job, compare
    from coopsim.scenario import load_scenario

    a, b = load_scenario("tera"), load_scenario("tera-without-rex")
    seconds = []
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        for f in [pool.submit(_run_job, ("A", 0, a, k, 1 / 52)) for k in range(2)]:
            f.result()  # the page warms its pool when it opens
        for k in range(repeats):
            start = time.perf_counter()
            compare(a, b, replications=10, master_seed=k, executor=pool)
            seconds.append(time.perf_counter() - start)
    print(f"  10 replications on 2 warm workers: {_spread(seconds)}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of each measure (median reported)")
    parser.add_argument("--split-child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.split_child is not None:
        split_child(args.split_child)
        return

    print(_load())
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        print(f"whole command, from process start to exit ({args.repeats} runs, after one warm-up):")
        command = whole_command(args.repeats, Path(tmp))
        print("its steps inside fresh processes:")
        steps = split(args.repeats, Path(tmp) / "split")
    print("worker processes:")
    start = worker_start(args.repeats)
    pool = warm_pool(args.repeats)
    print(_load())
    print(json.dumps({"command": command, "steps": steps, "worker_start_s": start, "warm_pool_s": pool}))


if __name__ == "__main__":
    main()
