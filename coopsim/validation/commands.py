"""``coopsim validate`` and ``coopsim calibrate``: the validation table, the calibration
search, the ensemble of plausible constant sets and the Sobol indices.

Example:
    >>> p = argparse.ArgumentParser()
    >>> add_validate_arguments(p)
    >>> a = p.parse_args(["--seeds", "5"])
    >>> a.seeds, a.no_write                          # the docs are written only with --write-docs
    (5, True)
    >>> p.parse_args(["--write-docs"]).no_write
    False
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import Any

from ..cli_support import UserError, _check_file, _check_out, int_at_least, out_dir, out_file, write_json
from ..scenario import SCENARIO_DIR
from .calibrate import CALIBRATION_SEED, CONSTANTS, calibrate, confirm, narrowed, rank
from .effects import EFFECTS, summarise_effects
from .ensemble import (
    CUTOFF,
    ENSEMBLE_FILE,
    default_ensemble,
    history_match,
    overrides_of,
    read_ensemble,
    write_ensemble,
)
from .patterns import FIT_KEYS, PATTERNS
from .sobol import SOBOL_OUTPUTS, sobol_indices, sobol_text
from .validate import (
    MASTER_SEED,
    effects_text,
    process_pool,
    simulate,
    simulate_points,
    summarise,
    text_table,
    to_json,
    write_docs,
)

DOCS_DIR = SCENARIO_DIR.parent / "docs"
EFFECT_KEYS = tuple(e.key for e in EFFECTS)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text}: give a fraction in (0, 1]")
    return value


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
        help=f"folder of VALIDATION.md and figures/ that --write-docs updates (default {DOCS_DIR})",
    )
    p.add_argument(
        "--write-docs",
        dest="no_write",
        action="store_false",
        default=True,
        help="rewrite the results part of VALIDATION.md and its figure (not done without it)",
    )
    p.add_argument(
        "--no-write", dest="no_write", action="store_true", help="write no docs (the default; kept for scripts)"
    )
    p.add_argument("--json", type=out_file, metavar="FILE", help="also save the table as JSON, one object per pattern")
    p.add_argument("--csv", type=out_file, metavar="FILE", help="also save each seed's values as CSV")
    p.add_argument(
        "--ensemble",
        type=Path,
        metavar="FILE",
        help=f"ensemble of plausible constant sets ('coopsim calibrate --ensemble'); default {ENSEMBLE_FILE.name} "
        "when it exists",
    )
    p.add_argument("--no-ensemble", action="store_true", help="the scenario as it is only, even if an ensemble exists")
    p.add_argument(
        "--ensemble-seeds",
        type=int_at_least(1, "--ensemble-seeds"),
        default=5,
        metavar="K",
        help="paired seeds per constant set of the ensemble (default 5)",
    )
    p.add_argument(
        "--ensemble-points",
        type=int_at_least(0, "--ensemble-points"),
        default=40,
        metavar="M",
        help="use the first (most plausible) M sets of the ensemble (default 40; 0: all)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def validate_epilog() -> str:
    """The patterns, listed under ``coopsim validate --help``."""
    lines = ["patterns (each: a statistic of the simulated runs, a target range, a source; fit or held out):"]
    lines += [f"  {p.key:<28} {p.role:<8} [{p.low:g}, {p.high:g}] {p.unit}  ({p.source})" for p in PATTERNS]
    lines += [
        "",
        "Fit patterns are the calibration's targets; held-out patterns are never computed by any search.",
        f"The seeds derive from master seed {MASTER_SEED} (the calibration uses {CALIBRATION_SEED}): the same",
        "command gives the same table, whatever the number of workers. Mechanism effects (REX, mediation,",
        "contractualisation) are reported with intervals over seeds and, with an ensemble, over its sets.",
        "",
        "examples:",
        "  coopsim validate --seeds 5                   prints the tables; writes nothing",
        "  coopsim validate --json out/validation.json  also the table as JSON",
        "  coopsim validate --write-docs                30 seeds, the ensemble if shipped; updates docs/VALIDATION.md",
        "  coopsim validate --ensemble-points 40 --ensemble-seeds 5 --json out/validation.json --write-docs",
    ]
    return "\n".join(lines)


def _bar(total: int, quiet: bool, unit: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, disable=quiet, file=sys.stderr, leave=False)


def _ensemble_path(args: argparse.Namespace) -> Path | None:
    if args.no_ensemble:
        return None
    path: Path | None = args.ensemble or default_ensemble()
    if path is not None and not path.is_file():
        raise UserError(f"--ensemble {path}: no such file")
    return path


def _check_validate_outputs(args: argparse.Namespace) -> None:
    """What validate writes is written after every seed has run: try each place first."""
    if args.json is not None:
        _check_file(args.json, "--json")
    if not args.no_write:
        _check_out(args.docs, "--docs")
        _check_out(args.docs / "figures", "--docs")
        _check_file(args.docs / "VALIDATION.md", "--docs")
    if args.csv is not None:
        _check_file(args.csv, "--csv")


def _check_calibrate_outputs(args: argparse.Namespace) -> None:
    """The CSV files are written after the whole search: try each place first."""
    for path, option in ((args.csv, "--csv"), (args.ensemble, "--ensemble"), (args.sobol_csv, "--sobol-csv")):
        if path is not None:
            _check_file(path, option)
    if args.csv is not None and args.keep and not (args.ensemble or args.sobol):
        _check_file(args.csv.with_name(f"{args.csv.stem}-screening.csv"), "--csv")


def run_validate(args: argparse.Namespace) -> int:
    """Run the patterns and the effects (and the ensemble's sets when there is an ensemble),
    print the tables; write JSON, CSV and the docs when asked."""
    import pandas as pd

    start = time.perf_counter()
    _check_validate_outputs(args)
    path = _ensemble_path(args)
    sets = read_ensemble(path) if path is not None else None
    if sets is not None and args.ensemble_points:
        sets = sets.head(args.ensemble_points)
    ensemble: pd.DataFrame | None = None
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(process_pool(args.workers)) if args.workers > 1 else None
        with _bar(args.seeds, args.quiet, "seed") as bar:
            per_seed = simulate(args.seeds, workers=args.workers, progress=bar.update, pool=pool, effects=EFFECT_KEYS)
        if sets is not None and len(sets):
            with _bar(len(sets) * args.ensemble_seeds, args.quiet, "set x seed") as bar:
                ensemble = simulate_points(
                    overrides_of(sets), args.ensemble_seeds, workers=args.workers, effects=EFFECT_KEYS,
                    progress=bar.update, pool=pool,
                )  # fmt: skip
    table = summarise(per_seed, ensemble)
    effects = summarise_effects(per_seed, ensemble)
    print(text_table(table))
    print()
    print(effects_text(effects))
    note = ""
    if path is not None and sets is not None:
        note = (
            f"{len(sets)} plausible constant sets from `{path.name}` (history matching on the fit patterns, "
            f"seeds of master seed {CALIBRATION_SEED}), each run on {args.ensemble_seeds} of the validation's seeds."
        )
        print(f"ensemble: {note}")
    if args.json is not None:
        write_json(args.json, to_json(table))
    if args.csv:
        per_seed.to_csv(args.csv, index=False)
        if ensemble is not None:
            ensemble.to_csv(args.csv.with_name(args.csv.stem + "-ensemble.csv"), index=False)
    if not args.no_write:
        page = write_docs(table, per_seed, args.seeds, args.docs, effects, note)
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
        help="Latin-hypercube points (per round or wave; default 24)",
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
        help="rounds of the search (waves of the ensemble); each further one searches the box of the best K points "
        "(of the plausible points) so far (default 1)",
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
    _add_ensemble_and_sobol_arguments(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_ensemble_and_sobol_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``coopsim calibrate`` that run history matching or Sobol instead of the search."""
    p.add_argument(
        "--ensemble",
        type=out_file,
        metavar="FILE",
        help=f"history matching instead of the search: write the plausible constant sets to FILE "
        f"(the shipped one is {ENSEMBLE_FILE.relative_to(SCENARIO_DIR.parent)})",
    )
    p.add_argument(
        "--cutoff",
        type=float,
        default=CUTOFF,
        metavar="X",
        help=f"with --ensemble: keep the points whose every fit pattern's implausibility is under X (default {CUTOFF:g})",
    )
    p.add_argument(
        "--best-fraction",
        type=_fraction,
        metavar="F",
        help="with --ensemble: keep the best fraction F of the points by their largest implausibility instead",
    )
    p.add_argument(
        "--sobol",
        type=int_at_least(1, "--sobol"),
        metavar="N",
        help="Sobol indices of the constants for the key conclusions instead of the search: N·(k+2) points "
        "(N a power of two), each on --seeds seeds",
    )
    p.add_argument("--sobol-csv", type=out_file, metavar="FILE", help="with --sobol: save the indices as CSV")


def calibrate_epilog() -> str:
    """The constants searched, listed under ``coopsim calibrate --help``."""
    lines = ["constants searched (ranges):"]
    lines += [f"  {k:<28} [{lo:g}, {hi:g}]" for k, (lo, hi) in CONSTANTS.items()]
    lines += [
        "",
        f"Targets: the fit patterns only ({', '.join(FIT_KEYS)});",
        "the held-out patterns are never computed here. Seeds of master seed "
        f"{CALIBRATION_SEED}, never the validation's ({MASTER_SEED}).",
        "",
        "three modes:",
        "  coopsim calibrate --samples 100 --seeds 4 --rounds 4 --keep 8 --confirm-seeds 40",
        "      the search: prints the best points; copy the chosen values into scenarios/tera.toml, marked [fitted]",
        "  coopsim calibrate --ensemble scenarios/tera-ensemble.csv --samples 400 --seeds 4 --csv out/hm.csv",
        "      history matching: keeps every point whose fit patterns all have an implausibility under --cutoff",
        "  coopsim calibrate --sobol 64 --seeds 2 --sobol-csv out/sobol.csv",
        f"      Sobol indices of the constants for {', '.join(SOBOL_OUTPUTS)}",
    ]
    return "\n".join(lines)


def _run_ensemble(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    with _bar(args.samples * args.seeds * args.rounds, args.quiet, "point x seed") as bar:
        scored, kept = history_match(
            args.samples, args.seeds, args.workers, args.search_seed, args.cutoff, args.best_fraction, args.rounds,
            progress=bar.update,
        )  # fmt: skip
    if args.csv:
        scored.to_csv(args.csv, index=False)
    write_ensemble(kept, args.ensemble)
    rule = f"the best {args.best_fraction:g}" if args.best_fraction else f"implausibility under {args.cutoff:g}"
    print(f"{len(kept)} of {len(scored)} points plausible ({rule} for every fit pattern); written: {args.ensemble}")
    if len(kept):
        import pandas as pd

        box = pd.DataFrame({"low": kept[list(CONSTANTS)].min(), "high": kept[list(CONSTANTS)].max()})
        box["searched"] = [f"[{lo:g}, {hi:g}]" for lo, hi in CONSTANTS.values()]
        print(box.to_string(float_format=lambda v: f"{v:.4g}"))
    worst = scored[[c for c in scored.columns if c.startswith("I_")]].median().sort_values(ascending=False)
    print("median implausibility over all points, per fit pattern:")
    print(worst.round(2).to_string())
    if not args.quiet:
        print(f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    return 0


def _run_sobol(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    total = args.sobol * (len(CONSTANTS) + 2) * args.seeds
    with _bar(total, args.quiet, "point x seed") as bar:
        indices = sobol_indices(args.sobol, args.seeds, args.workers, seed=args.search_seed, progress=bar.update)
    print(sobol_text(indices))
    if args.sobol_csv is not None:
        indices.to_csv(args.sobol_csv, index=False)
        print(f"written: {args.sobol_csv}")
    if not args.quiet:
        print(f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    return 0


def run_calibrate(args: argparse.Namespace) -> int:
    """Sobol indices (--sobol), history matching (--ensemble), or the search: score the
    hypercube's points, score the best again on more seeds, print the best five."""
    import pandas as pd

    _check_calibrate_outputs(args)
    if args.sobol:
        return _run_sobol(args)
    if args.ensemble is not None:
        return _run_ensemble(args)
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
