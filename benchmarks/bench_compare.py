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
- a new worker process's start-up: from starting a spawned (and, on Linux, a forked)
  process to the end of its first (one-week) run, what ``compare.WORKER_START_S`` stands for;
- a 10-replication comparison on a pool of 2 worker processes kept warm, as the
  facilitator page runs it (target: 2 s or less, the page's figure not included).

Run: ``.venv/bin/python benchmarks/bench_compare.py [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from timing import Laps, load_text, split, spread, time_command

COMMAND = ["compare", "tera", "tera-without-rex", "-r", "10", "--workers", "2"]


def whole_command(repeats: int, tmp: Path) -> dict[str, list[float]]:
    """``coopsim compare ... -r 10 --workers 2``, a fresh output folder each time."""
    argv = [sys.executable, "-m", "coopsim", *COMMAND, "--out"]
    time_command([*argv, str(tmp / "warm-up")], quiet=True)  # file caches, compiled kernels
    times = [time_command([*argv, str(tmp / f"run-{k}")], quiet=True) for k in range(repeats)]
    walls, cpus = [w for w, _ in times], [c for _, c in times]
    print(f"  coopsim {' '.join(COMMAND)}: wall {spread(walls)}   cpu {spread(cpus)}", flush=True)
    return {"wall_s": walls, "cpu_s": cpus}


def split_child(out: Path) -> None:
    """In a fresh process: the command's steps one by one; print each step's wall and CPU
    seconds as JSON."""
    laps = Laps()
    lap = laps.lap
    import numpy as np
    import pandas as pd

    from coopsim.experiments.analyses import compare as cm
    from coopsim.outcomes import HEADLINE as HEADLINE_OUTCOMES
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
    laps.print_json()


class _Replay(Executor):
    """An executor that hands back finished runs (``compare`` then only builds its tables)."""

    def __init__(self, results: list[Any]) -> None:
        self.results = iter(results)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(next(self.results))
        return future


def _one_week() -> float:
    from coopsim.experiments.analyses.compare import _run_job
    from coopsim.scenario import load_scenario

    _run_job(("A", 0, load_scenario("tera"), 1, 1 / 52))
    return time.time()


def worker_start(repeats: int) -> dict[str, list[float]]:
    """Seconds from starting a worker to the end of its first one-week run, spawned and (on
    Linux, after this process has loaded the model, as ``compare`` does) forked."""
    _one_week()  # the model and its kernels loaded here, as before compare's pool starts
    methods = ["spawn", "fork"] if "fork" in multiprocessing.get_all_start_methods() else ["spawn"]
    found = {}
    for method in methods:
        seconds = []
        for _ in range(repeats):
            start = time.time()
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(method)) as pool:
                end = pool.submit(_one_week).result()
            seconds.append(end - start)
        print(f"  new {method}ed worker to its first run's end: {spread(seconds)}", flush=True)
        found[method] = seconds
    return found


def warm_pool(repeats: int) -> list[float]:
    """A 10-replication comparison on 2 warm worker processes, as the facilitator page does."""
    from coopsim.experiments.analyses.compare import _run_job, compare
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
    print(f"  10 replications on 2 warm workers: {spread(seconds)}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of each measure (median reported)")
    parser.add_argument("--split-child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.split_child is not None:
        split_child(args.split_child)
        return

    print(load_text())
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        print(f"whole command, from process start to exit ({args.repeats} runs, after one warm-up):")
        command = whole_command(args.repeats, Path(tmp))
        print("its steps inside fresh processes:")
        steps = split(Path(__file__).resolve(), Path(tmp) / "split", args.repeats)
    print("worker processes:")
    start = worker_start(args.repeats)
    pool = warm_pool(args.repeats)
    print(load_text())
    print(json.dumps({"command": command, "steps": steps, "worker_start_s": start, "warm_pool_s": pool}))


if __name__ == "__main__":
    main()
