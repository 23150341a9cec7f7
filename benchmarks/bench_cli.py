"""Command-line benchmark: ``coopsim`` timed from process start to exit, and where ``run`` spends it.

Prints, with the load average (1, 5 and 15 minutes) before and after, so that a busy
machine is seen:

- whole commands, each in a fresh process, ``--repeats`` times after one warm-up run (the
  first run after an install may compile the kernels): the median wall and CPU seconds
  (with min and max) of ``coopsim --help``, ``coopsim run --help`` and ``coopsim run tera
  --seed 1 --out <tmp> --quiet``, and of a bare ``python -c pass`` (the interpreter's own
  start-up, which every command pays);
- the split of ``coopsim run tera`` measured inside fresh processes (median over the
  repeats): imports (the command line, the scenario loader, the model, pandas), set-up
  (reading the scenario and building the model once to check it), simulation (the 520
  weeks), frames (the tables built from the records, and the summary), tables written
  (Parquet and JSON), report import (matplotlib) and report drawing (report.png).

The commands run this source tree's ``coopsim`` (``python -m coopsim`` from the repository
root). Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_cli.py [--repeats 5]``.
Target (issue 12): ``coopsim run tera`` <= 3 s end to end on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from timing import Laps, load_text, split, spread, time_command


def whole_commands(repeats: int, out: Path) -> dict[str, dict[str, list[float]]]:
    """Time each command ``repeats`` times after one warm-up; print and return the seconds."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "coopsim --help": [sys.executable, "-m", "coopsim", "--help"],
        "coopsim run --help": [sys.executable, "-m", "coopsim", "run", "--help"],
        "coopsim run tera": [
            sys.executable,
            "-m",
            "coopsim",
            "run",
            "tera",
            "--seed",
            "1",
            "--out",
            str(out),
            "--quiet",
        ],
    }
    results: dict[str, dict[str, list[float]]] = {}
    for name, argv in commands.items():
        time_command(argv)  # warm-up: file caches, compiled kernels
        times = [time_command(argv) for _ in range(repeats)]
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        results[name] = {"wall_s": walls, "cpu_s": cpus}
        print(f"{name:<20} wall {spread(walls)}   cpu {spread(cpus)}", flush=True)
    if not (out / "report.png").is_file():
        raise SystemExit(f"coopsim run tera wrote no report.png into {out}")
    return results


def split_child(out: Path) -> None:
    """In a fresh process: run ``coopsim run tera`` step by step; print each step's wall and CPU
    seconds as JSON."""
    laps = Laps()
    lap = laps.lap
    import coopsim.cli as cli
    import coopsim.model
    import coopsim.records
    import coopsim.runner
    import coopsim.scenario

    lap("imports")
    scenario = coopsim.scenario.load_scenario("tera")
    cli._check_model(scenario, 1, None)
    lap("set-up")
    model = coopsim.model.CoopModel(scenario, seed=1)
    while model.running:
        model.step()
    lap("simulation")
    rec = model.recorder
    summary = coopsim.records.summary(model)
    summary["seed"], summary["weeks"] = model.seed, rec.weeks
    result = coopsim.runner.RunResult(summary, model.scenario, model.seed, rec)
    result.model_frame, result.people_frame, result.events  # noqa: B018 (built now, to time them)
    lap("frames")
    out.mkdir(parents=True, exist_ok=True)
    args = argparse.Namespace(years=None, overrides=[])
    record = cli._summary_record(result, args, coopsim.scenario.resolve_path("tera"))
    cli._write_outputs(out, result, record, report=False)
    lap("tables written")
    import coopsim.report

    lap("report import")
    coopsim.report.figure_sheet(result, out / "report.png")
    lap("report drawing")
    laps.print_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each command (median reported)")
    parser.add_argument("--split-child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.split_child is not None:
        split_child(args.split_child)
        return

    print(load_text())
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        print(f"whole commands, from process start to exit ({args.repeats} runs each, after one warm-up):")
        commands = whole_commands(args.repeats, Path(tmp) / "tera")
        print("coopsim run tera, step by step inside fresh processes:")
        steps = split(Path(__file__).resolve(), Path(tmp) / "split", args.repeats, with_sum=True)
    print(load_text())
    print(json.dumps({"commands": commands, "run_tera_steps": steps}))


if __name__ == "__main__":
    main()
