"""``coopsim validate`` and ``coopsim calibrate``: the validation table and the calibration search.

Example:
    >>> p = argparse.ArgumentParser()
    >>> add_validate_arguments(p)
    >>> p.parse_args(["--seeds", "5"]).seeds
    5
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ..cli_support import int_at_least, out_dir, out_file
from ..scenario import SCENARIO_DIR
from .calibrate import CONSTANTS, calibrate, confirm, narrowed, rank
from .patterns import PATTERNS
from .validate import MASTER_SEED, simulate, summarise, text_table, write_docs

DOCS_DIR = SCENARIO_DIR.parent / "docs"


def add_validate_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``coopsim validate``."""
    p.add_argument(
        "--seeds", type=int_at_least(1, "--seeds"), default=30, metavar="N", help="paired seeds (default 30)"
    )
    p.add_argument("--workers", type=int_at_least(1, "--workers"), default=2, metavar="N", help="processes (default 2)")
    p.add_argument(
        "--docs",
        type=out_dir,
        default=DOCS_DIR,
        metavar="DIR",
        help=f"folder of VALIDATION.md and figures/ to update (default {DOCS_DIR})",
    )
    p.add_argument("--no-write", action="store_true", help="print the table only; write nothing")
    p.add_argument("--csv", type=out_file, metavar="FILE", help="also save each seed's values as CSV")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def validate_epilog() -> str:
    """The patterns, listed under ``coopsim validate --help``."""
    lines = ["patterns (each: a statistic of the simulated runs, a target range, a source):"]
    lines += [f"  {p.key:<28} [{p.low:g}, {p.high:g}] {p.unit}  ({p.source})" for p in PATTERNS]
    lines += [
        "",
        f"The seeds derive from master seed {MASTER_SEED}: the same command gives the same table,",
        "whatever the number of workers. The whole table is in docs/VALIDATION.md.",
        "",
        "examples:",
        "  coopsim validate                 30 seeds, prints the table, updates docs/VALIDATION.md",
        "  coopsim validate --seeds 5 --no-write",
    ]
    return "\n".join(lines)


def _bar(total: int, quiet: bool, unit: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, disable=quiet, file=sys.stderr, leave=False)


def run_validate(args: argparse.Namespace) -> int:
    """Run the patterns, print the table, write the docs unless --no-write."""
    start = time.perf_counter()
    with _bar(args.seeds, args.quiet, "seed") as bar:
        per_seed = simulate(args.seeds, workers=args.workers, progress=bar.update)
    table = summarise(per_seed)
    print(text_table(table))
    if args.csv:
        per_seed.to_csv(args.csv, index=False)
    if not args.no_write:
        page = write_docs(table, per_seed, args.seeds, args.docs)
        print(f"written: {page} and {args.docs / 'figures' / 'validation.png'}")
    if not args.quiet:
        print(f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    return 0


def add_calibrate_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``coopsim calibrate``."""
    p.add_argument(
        "--samples",
        type=int_at_least(1, "--samples"),
        default=24,
        metavar="N",
        help="Latin-hypercube points (default 24)",
    )
    p.add_argument(
        "--seeds", type=int_at_least(1, "--seeds"), default=3, metavar="N", help="paired seeds per point (default 3)"
    )
    p.add_argument("--workers", type=int_at_least(1, "--workers"), default=2, metavar="N", help="processes (default 2)")
    p.add_argument("--search-seed", type=int, default=1, metavar="S", help="seed of the hypercube (default 1)")
    p.add_argument(
        "--rounds",
        type=int_at_least(1, "--rounds"),
        default=1,
        metavar="R",
        help="rounds of the search; each further round searches the box of the best K points so far (default 1)",
    )
    p.add_argument(
        "--keep",
        type=int_at_least(0, "--keep"),
        default=5,
        metavar="K",
        help="the best K points: they bound the next round and are scored again on more seeds at the end "
        "(default 5; 0: no rescoring)",
    )
    p.add_argument(
        "--confirm-seeds",
        type=int_at_least(1, "--confirm-seeds"),
        default=10,
        metavar="N",
        help="paired seeds per point in that second step (default 10)",
    )
    p.add_argument("--csv", type=out_file, metavar="FILE", help="save every point's scores as CSV")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def calibrate_epilog() -> str:
    """The constants searched, listed under ``coopsim calibrate --help``."""
    lines = ["constants searched (ranges):"]
    lines += [f"  {k:<28} [{lo:g}, {hi:g}]" for k, (lo, hi) in CONSTANTS.items()]
    lines += [
        "",
        "Prints the best points (after the second step when --keep is over 0); copy the chosen values",
        "into scenarios/tera.toml, marked [fitted]. The search documented in docs/VALIDATION.md is",
        "--samples 100 --seeds 4 --rounds 4 --keep 8 --confirm-seeds 40 (about 30 minutes on 2 cores).",
    ]
    return "\n".join(lines)


def run_calibrate(args: argparse.Namespace) -> int:
    """Score the hypercube's points, score the best again on more seeds, print the best five."""
    import pandas as pd

    rounds: list[pd.DataFrame] = []
    box = dict(CONSTANTS)
    for r in range(args.rounds):
        label = "sample" if r == 0 else f"round {r + 1} sample"
        with _bar(args.samples + 1, args.quiet, "point" if r == 0 else f"point, round {r + 1}") as bar:
            found = calibrate(
                args.samples, args.seeds, args.workers, args.search_seed + r, bar.update, constants=box, label=label
            )
        rounds.append(found if r == 0 else found[found["point"] != "current"])
        ranked = rank(pd.concat(rounds))
        box = narrowed(ranked, max(args.keep, 2))
    if args.keep:
        if args.csv:
            ranked.to_csv(args.csv.with_name(args.csv.stem + "-screening.csv"), index=False)
        with _bar(min(args.keep, len(ranked)), args.quiet, "point, more seeds") as bar:
            ranked = confirm(ranked, args.keep, args.confirm_seeds, args.workers, progress=bar.update)
    if args.csv:
        ranked.to_csv(args.csv, index=False)
    shown = ranked.head(5).set_index("point")[[*CONSTANTS, "in_range", "distance", "margin"]]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(shown.round(5).T.to_string())
    return 0


__all__ = ["add_calibrate_arguments", "add_validate_arguments", "run_calibrate", "run_validate"]
