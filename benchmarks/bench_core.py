"""Core benchmark: TERA runs per second on one core, and large synthetic ecosystems.

Prints:
- TERA baseline, 10-year runs per second on one core (median of several repeats), by the
  clock and by the process's CPU time (on a shared machine the clock also counts the time
  other programs held the core);
- a synthetic ecosystem housing 1,000 and 10,000 people (TERA scaled up: half the people
  found it, roles, arrivals and capacities grow in proportion), 520 weeks: seconds (clock
  and CPU) and peak memory (measured in a fresh child process each, so one run's memory does
  not hide another's; a one-week run first loads the compiled kernels from their cache).

The machine's cores and load average are printed first: figures on a busy machine are not
comparable with those on a quiet one.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_core.py [--repeats 5] [--sizes 1000 10000]``.
Targets (issue 12, one core): TERA >= 40 runs/s (compass: 50); 10,000 people x 520 weeks <= 5 s;
time(10,000) / time(1,000) <= 12.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import time
from typing import Any

from coopsim import load_scenario, run
from coopsim.scenario import Scenario, scenario_from_dict

TERA_FOUNDERS = 15


def scaled_tera(people: int) -> Scenario:
    """TERA scaled to an ecosystem housing ``people``: half of them found it, the rest arrive.

    Roles, arrivals, welcome and mediation capacity, REX facilitators and the reference
    group size grow in proportion; housing caps the population at ``people``.
    """
    data: dict[str, Any] = load_scenario("tera").model_dump(mode="json")
    founders = people // 2
    factor = founders / TERA_FOUNDERS
    data["population"]["founders"] = founders
    data["territory"]["housing_capacity"] = people
    data["territory"]["arrivals_per_week"] *= factor
    data["territory"]["visibility_size"] = int(data["territory"]["visibility_size"] * factor)
    data["governance"]["reference_size"] = int(data["governance"]["reference_size"] * factor)
    for unit in data["structures"]["units"]:
        for role in unit["roles"]:
            role["count"] = max(1, round(role["count"] * factor))
    data["rex"]["facilitators"] = int(data["rex"]["facilitators"] * factor)
    data["mediation"]["capacity_per_month"] = int(data["mediation"]["capacity_per_month"] * factor)
    data["welcome"]["capacity"] = int(data["welcome"]["capacity"] * factor)
    data["record"]["people_every"] = 4  # monthly person rows at this size
    data["name"] = f"tera-scaled-{people}"
    return scenario_from_dict(data, f"tera scaled to {people} people")


def tera_runs_per_second(repeats: int, runs_per_repeat: int) -> tuple[list[float], list[float]]:
    """Runs per second of the 10-year TERA baseline, one per repeat: by the clock, and by the
    CPU time of this process (what the figure would be on a core of its own, on a shared machine)."""
    scenario = load_scenario("tera")
    run(scenario, seed=0, keep_model=False)  # warm-up: imports, caches
    rates, cpu_rates = [], []
    for r in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        for k in range(runs_per_repeat):
            run(scenario, seed=1000 * r + k, keep_model=False)
        rates.append(runs_per_repeat / (time.perf_counter() - start))
        cpu_rates.append(runs_per_repeat / (time.process_time() - cpu))
    return rates, cpu_rates


def _large_run(people: int, queue: Any) -> None:
    scenario = scaled_tera(people)
    run(scenario, seed=1, years=1 / 52, keep_model=False)  # warm-up: the kernels loaded from their cache
    start, cpu = time.perf_counter(), time.process_time()
    result = run(scenario, seed=1, years=10, keep_model=False)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ever = int(result.summary["arrivals_total"]) + scenario.population.founders
    queue.put({"people": people, "seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mib": peak_mib, "ever": ever})


def large_run(people: int) -> dict[str, float]:
    """One 520-week run of a scaled ecosystem in a fresh process: seconds and peak memory."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_large_run, args=(people, queue))
    proc.start()
    out = queue.get()
    proc.join()
    return dict(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="repeats of the TERA timing (median reported)")
    parser.add_argument("--runs", type=int, default=20, help="TERA runs per repeat")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000], help="synthetic ecosystem sizes")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average (1 min): {os.getloadavg()[0]:.2f}")

    rates, cpu_rates = tera_runs_per_second(args.repeats, args.runs)
    print(
        f"TERA baseline, 10 years, one core: median {statistics.median(rates):.2f} runs/s "
        f"(min {min(rates):.2f}, max {max(rates):.2f}, {args.repeats} repeats of {args.runs} runs; target >= 40); "
        f"by CPU time {statistics.median(cpu_rates):.2f} runs/s"
    )
    rows = []
    for size in args.sizes:
        row = large_run(size)
        rows.append(row)
        print(
            f"synthetic ecosystem housing {size:,} ({row['ever']:,} people over the run), 520 weeks: "
            f"{row['seconds']:.2f} s ({row['cpu_seconds']:.2f} s CPU), peak memory {row['peak_mib']:.0f} MiB"
        )
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        print(
            f"time ratio {b['seconds'] / a['seconds']:.1f} (CPU {b['cpu_seconds'] / a['cpu_seconds']:.1f}) for a "
            f"people ratio of {b['people'] / a['people']:.0f} (target <= 12; 10,000 people <= 5 s)"
        )
    print(json.dumps({"tera_runs_per_s": rates, "tera_cpu_runs_per_s": cpu_rates, "large": rows}))


if __name__ == "__main__":
    main()
