"""Sweep benchmark: runs per second serial, on a 2-process pool and on a 2-worker Dask cluster.

The same 200-run TERA experiment (a Latin hypercube of 200 points over three levers,
10-year runs) is swept three times into fresh results folders:

- serial (``workers=1``, in this process);
- a 2-process pool (``workers=2``; the time includes spawning the processes);
- a 2-worker Dask LocalCluster, started beforehand (its start-up is reported apart) and
  joined with ``scheduler=``;

and the three stores are checked to be identical. The store's overhead is measured two
ways: the time spent writing parts (recorded by the store) over the serial sweep's time,
and the serial sweep's time over the same 200 runs computed in a plain loop with nothing
saved.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--samples 200] [--years 10] [--no-loop]``.
Targets (issue 3): pool >= 1.8x serial; Dask <= 1.15x the pool's time after start-up;
store overhead <= 5 % of run time.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.experiments import Experiment, experiment_from_dict, load, plan, read_manifest, sweep
from coopsim.experiments.engine.execute import tasks
from coopsim.experiments.engine.worker import run_one


def experiment(samples: int, years: float) -> Experiment:
    """The benchmark's experiment: TERA, a Latin hypercube over three levers."""
    return experiment_from_dict(
        {
            "name": "bench-sweep",
            "scenario": "tera",
            "years": years,
            "design": "latin",
            "samples": samples,
            "replications": 1,
            "master_seed": 2024,
            "factors": {
                "rex.every_weeks": {"low": 4, "high": 16, "integer": True},
                "mediation.capacity_per_month": {"low": 0, "high": 6, "integer": True},
                "stipend.amount_per_month": {"low": 400, "high": 1200},
            },
        },
        source="<bench_sweep>",
    )


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished (reaped) child processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed_sweep(exp: Experiment, out: Path, **options: Any) -> tuple[float, float]:
    """Seconds of a sweep, and seconds of it spent writing the store."""
    start = time.perf_counter()
    sweep(exp, out, progress=False, **options)
    seconds = time.perf_counter() - start
    return seconds, float(read_manifest(out)["sessions"][-1]["write_seconds"])


def cores_used(cpu_before: float, wall: float) -> str:
    """How many cores the phase got on average (below 2 with 2 workers: the machine was shared)."""
    return f"{(cpu_seconds() - cpu_before) / wall:.2f} cores used, load average {os.getloadavg()[0]:.2f}"


def plain_loop(exp: Experiment) -> float:
    """Seconds to compute every run of the plan in a loop, nothing saved."""
    todo = tasks(exp, plan(exp))
    start = time.perf_counter()
    for task in todo:
        run_one(task)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=200, help="runs in the experiment (default 200)")
    parser.add_argument("--years", type=float, default=10, help="years per run (default 10)")
    parser.add_argument("--no-loop", action="store_true", help="skip the plain loop (store overhead from writes only)")
    args = parser.parse_args()

    exp = experiment(args.samples, args.years)
    runs = args.samples
    run_one(tasks(exp, plan(exp))[0])  # warm-up: imports, caches
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        root = Path(tmp)
        cpu = cpu_seconds()
        serial, serial_writes = timed_sweep(exp, root / "serial", workers=1)
        print(
            f"serial:           {runs / serial:6.2f} runs/s  ({serial:.1f} s for {runs} runs; {cores_used(cpu, serial)})"
        )
        cpu = cpu_seconds()
        pool, pool_writes = timed_sweep(exp, root / "pool", workers=2)
        print(
            f"pool, 2 processes:{runs / pool:6.2f} runs/s  ({pool:.1f} s, spawning included; {cores_used(cpu, pool)})  "
            f"speed-up {serial / pool:.2f}x (target >= 1.8x)",
            flush=True,
        )

        from distributed import LocalCluster

        start, cpu = time.perf_counter(), cpu_seconds()
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        ) as cluster:
            startup = time.perf_counter() - start
            dask, _ = timed_sweep(exp, root / "dask", scheduler=cluster.scheduler_address)
        print(
            f"dask, 2 workers:  {runs / dask:6.2f} runs/s  ({dask:.1f} s after a start-up of {startup:.1f} s; "
            f"{cores_used(cpu, startup + dask)})  "
            f"{dask / pool:.2f}x the pool's time (target <= 1.15x)",
            flush=True,
        )

        same = all(load(root / "serial").equals(load(root / name)) for name in ("pool", "dask"))
        pd.testing.assert_frame_equal(load(root / "serial"), load(root / "pool"))
        pd.testing.assert_frame_equal(load(root / "serial"), load(root / "dask"))
        print(f"identical stores (serial, pool, dask): {same}")

        print(
            f"store writes:     {serial_writes:.3f} s in the serial sweep = {100 * serial_writes / serial:.2f} % "
            f"of its time; {pool_writes:.3f} s in the pool's = {100 * pool_writes / pool:.2f} % (target <= 5 %)",
            flush=True,
        )
        if not args.no_loop:
            loop = plain_loop(exp)
            print(
                f"plain loop:       {runs / loop:6.2f} runs/s ({loop:.1f} s, nothing saved); "
                f"serial sweep / loop - 1 = {100 * (serial / loop - 1):+.1f} % (plan, tasks, saving, manifest; "
                "wall-clock, within the few-% noise between identical runs on a shared machine)"
            )


if __name__ == "__main__":
    main()
