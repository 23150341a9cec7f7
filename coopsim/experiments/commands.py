"""The analysis sub-commands of ``coopsim``: compare, sensitivity, discover, report.

Each is two functions, ``_add_<name>_arguments(parser)`` and ``_cmd_<name>(args) -> int``,
gathered in :data:`ANALYSIS_COMMANDS`, which ``coopsim.cli.build_parser`` adds to its own
table. The analysis itself lives in :mod:`~coopsim.experiments.compare`,
:mod:`~coopsim.experiments.sensitivity`, :mod:`~coopsim.experiments.discover` and
:mod:`~coopsim.experiments.exp_report` (imported when a command runs, so that
``coopsim --help`` stays fast). An :class:`AnalysisError` (a question the data cannot
answer) becomes a :class:`~coopsim.cli_support.UserError`: one line, exit code 2.
"""

from __future__ import annotations

import argparse
import functools
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..cli_support import (
    Command,
    UserError,
    _check_out,
    _scenario_names_text,
    _seed,
    _years,
    int_at_least,
    out_dir,
    write_folder,
)
from .analysis_base import AnalysisError


def _user_errors(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Report an :class:`AnalysisError` as a user error (one line, exit code 2)."""

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except AnalysisError as exc:
            raise UserError(str(exc)) from None

    return wrapped


def _share(text: str) -> float:
    """A share strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (expected a share such as 0.05)") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be between 0 and 1 (exclusive)")
    return value


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} is not a finite number")
    return value


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


def _experiment(folder: Path) -> tuple[Any, dict[str, Any]]:
    from .analysis_base import load_results

    return load_results(folder)


# --- coopsim compare --------------------------------------------------------------------------


def _add_compare_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario_a", metavar="SCENARIO_A", help="the reference: a shipped scenario name or a TOML path")
    p.add_argument("scenario_b", metavar="SCENARIO_B", help="the variant compared with it (name or path)")
    p.add_argument(
        "--replications",
        "-r",
        type=int_at_least(2, "--replications"),
        default=20,
        metavar="R",
        help="paired seeds: A and B each run once per seed (default 20; 2 at least)",
    )
    p.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="S",
        help="master seed the R paired seeds derive from (default 0): the same S gives the same comparison",
    )
    p.add_argument("--years", type=_years, default=None, metavar="Y", help="horizon of every run (default: A's years)")
    p.add_argument(
        "--set-a",
        dest="set_a",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change a value of A only, as 'coopsim run --set' (repeatable)",
    )
    p.add_argument(
        "--set-b",
        dest="set_b",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change a value of B only (repeatable); e.g. compare tera with itself and --set-b rex.every_weeks=4",
    )
    p.add_argument(
        "--outcome",
        dest="outcomes",
        action="append",
        default=[],
        metavar="KEY",
        help="a summary metric to compare (repeatable; default: the headline metrics, see below)",
    )
    p.add_argument(
        "--workers",
        type=int_at_least(1, "--workers"),
        default=None,
        metavar="N",
        help="processes, at most (default: one per core); they start only when the runs would take longer "
        "than starting them (a line says so when they do not)",
    )
    p.add_argument(
        "--out",
        type=out_dir,
        default=None,
        metavar="DIR",
        help="output folder (default: out/compare-<A>-vs-<B>)",
    )
    p.add_argument("--quiet", action="store_true", help="print neither the progress bar nor the sentences")


def _compare_epilog() -> str:
    from .analysis_base import HEADLINE_OUTCOMES

    return f"""\
How it works: A and B run on the same R seeds. Every random draw of the model derives from
its seed, so A and B with the same seed share their random numbers (common random numbers)
and the per-seed difference B - A is mostly the effect of what differs between them.
For each outcome it reports the mean and median of the paired differences, a 95 % paired
bootstrap percentile interval of the mean difference (2000 resamples of the seeds), the
same relative to A's mean (in %), and the Wilcoxon signed-rank p-value. The seeds are
SeedSequence([S, r]) for r = 0..R-1, so more replications extend a comparison with fewer.

How to read it: "Burnout incidence is 12 % higher with tera-without-rex than with tera
[+1.4 %, +35 %] (20 paired seeds)" means B's mean is 12 % above A's, and the 95 % interval
of that difference goes from +1.4 % to +35 %. An interval that contains 0 does not show a
difference at that number of seeds: add replications before concluding.

{_scenario_names_text()}
default outcomes: {", ".join(HEADLINE_OUTCOMES)}

examples:
  coopsim compare tera tera-without-rex
      REX or not, 20 paired seeds, 10 years -> out/compare-tera-vs-tera-without-rex/
  coopsim compare tera-income-no-objectives tera-income-objectives -r 40 --years 5
      the two stipend designs, 40 paired seeds of 5 years
  coopsim compare tera tera --set-b rex.every_weeks=4 --out out/rex-monthly
      one value changed from the command line

files written into the output folder:
  comparison.md     the sentences in English and in French, the table, how it was computed
  comparison.csv    one row per outcome: means, paired differences, intervals, p-value
  comparison.png    median and 50 %/90 % bands of A and B over the years (8 weekly
                    series), and the relative differences with their intervals
  summaries.parquet one row per run: variant (A/B), scenario, replicate, seed, summary
"""


@_user_errors
def _cmd_compare(args: argparse.Namespace) -> int:
    """coopsim compare: run A and B on paired seeds, write the table, sentences and figure."""
    from tqdm import tqdm

    from ..base import WEEKS_PER_YEAR
    from ..cli_support import _check_model
    from ..scenario import load_scenario
    from .compare import compare

    a = load_scenario(args.scenario_a, overrides=args.set_a or None)
    b = load_scenario(args.scenario_b, overrides=args.set_b or None)
    out: Path = args.out if args.out is not None else Path("out") / f"compare-{_slug(a.name)}-vs-{_slug(b.name)}"
    _check_out(out)
    years = args.years if args.years is not None else a.years
    _check_model(a, 0, years)
    _check_model(b, 0, years)
    show = not args.quiet and sys.stderr.isatty()
    with tqdm(total=2 * args.replications, unit="run", desc="compare", disable=not show, leave=False) as bar:
        result = compare(
            a,
            b,
            replications=args.replications,
            master_seed=args.seed,
            years=years,
            workers=args.workers,
            outcomes=args.outcomes or None,
            progress=bar.update,
            notify=None if args.quiet else lambda line: tqdm.write(f"coopsim compare: {line}", file=sys.stderr),
        )

    def write(tmp: Path) -> list[str]:
        result.table().to_csv(tmp / "comparison.csv", index=False)
        (tmp / "comparison.md").write_text(result.markdown(), encoding="utf-8")
        result.figure(tmp / "comparison.png")
        result.summaries.to_parquet(tmp / "summaries.parquet", index=False)
        return ["comparison.md", "comparison.csv", "comparison.png", "summaries.parquet"]

    names = write_folder(out, write)
    if not args.quiet:
        print(
            f"{result.label_b} (B) vs {result.label_a} (A), {result.replications} paired seeds, {years:g} years "
            f"({round(years * WEEKS_PER_YEAR)} weeks); 95 % paired bootstrap intervals:"
        )
        for s in result.sentences("en"):
            print(f"  {s}")
        print(f"wrote {out}/: {', '.join(names)}")
    return 0


# --- coopsim sensitivity -------------------------------------------------------------------------


def _add_sensitivity_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "folder", metavar="DIR", type=Path, help="the --out folder of 'coopsim sweep' (morris or sobol design)"
    )
    p.add_argument(
        "--outcome",
        dest="outcomes",
        action="append",
        default=[],
        metavar="KEY",
        help="an outcome to analyse (repeatable; default: every outcome of the experiment)",
    )
    p.add_argument(
        "--resamples",
        type=int_at_least(10, "--resamples"),
        default=1000,
        metavar="N",
        help="bootstrap resamples of the 95 %% intervals (default 1000)",
    )
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed of the bootstrap (default 0)")
    p.add_argument("--out", type=out_dir, default=None, metavar="OUT", help="output folder (default: DIR/sensitivity)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _sensitivity_epilog() -> str:
    return """\
What it computes (with SALib), from an experiment run by 'coopsim sweep' with
  design = "morris"  Morris elementary effects (Morris 1991; Campolongo et al. 2007):
      mu_star (μ*, the mean absolute effect of moving the factor by one grid step, in
      outcome units per range of the factor) ranks the factors; its 95 % interval comes
      from a bootstrap over the trajectories; sigma (σ) large next to μ* means the
      effect depends on the other factors (interactions) or is not linear; mu (μ) near
      0 with a large μ* means effects of both signs. Cheap: r·(k+1) samples for k factors.
  design = "sobol"   Sobol indices (Sobol 2001; Saltelli 2002; Saltelli et al. 2010):
      S1 is the share of the outcome's variance due to the factor alone, ST the share
      it takes part in, interactions included (ST - S1: interactions). An index whose
      95 % interval contains 0 is not distinguishable from no influence. Costly:
      N·(k+2) samples, N a power of two (256 or more for stable indices).
The outcome of a sample is the mean over its replicates. Grid, random and latin designs
cannot be analysed this way (use 'coopsim discover' or 'coopsim report' on them).

examples:
  coopsim sensitivity out/screening
  coopsim sensitivity out/screening --outcome burnout_incidence_per_100py --outcome annual_turnover

files written into the output folder (default DIR/sensitivity/):
  sensitivity.csv   one row per outcome and factor: rank, μ*, its interval, μ, σ
                    (Morris) or S1, ST and their intervals (Sobol)
  sensitivity.md    the same as a Markdown table, with how to read it
  sensitivity.png   horizontal bars with intervals, factors sorted by importance,
                    one panel per outcome (ready for a paper)
"""


@_user_errors
def _cmd_sensitivity(args: argparse.Namespace) -> int:
    """coopsim sensitivity: Morris or Sobol indices of an experiment, table and figure."""
    import pandas as pd

    from .analysis_base import SENSITIVITY_DESIGNS, experiment_name
    from .sensitivity import markdown_table, sensitivity, sensitivity_figure

    frame, manifest = _experiment(args.folder)
    out: Path = args.out if args.out is not None else args.folder / "sensitivity"
    _check_out(out)
    design = manifest.get("design")
    outcomes = args.outcomes or None
    if outcomes is None and design in SENSITIVITY_DESIGNS:
        from .analysis_base import outcome_names

        outcomes = outcome_names(manifest, frame)
    parts, skipped = [], []
    for o in outcomes or [None]:
        try:
            parts.append(sensitivity(frame, manifest, o, num_resamples=args.resamples, seed=args.seed))
        except AnalysisError as exc:
            if args.outcomes or o is None or "undefined (NaN)" not in str(exc):
                raise
            skipped.append(f"{o}: {exc}")  # every outcome asked for by default: skip those with gaps
    if not parts:
        raise AnalysisError("no outcome could be analysed: " + "; ".join(skipped))
    table = pd.concat(parts, ignore_index=True)
    notes = [n for part in parts for n in part.attrs.get("notes", [])]
    method = str(table["method"].iloc[0])

    def write(tmp: Path) -> list[str]:
        table.to_csv(tmp / "sensitivity.csv", index=False)
        what = (
            "Morris screening: μ* (mean absolute elementary effect, outcome units per range of the factor) with its "
            "95 % bootstrap interval, μ (signed mean) and σ (spread: interactions, non-linearity)."
            if method == "morris"
            else "Sobol indices: S1 (share of the variance due to the factor alone) and ST (share it takes part "
            "in, interactions included), 95 % bootstrap intervals."
        )
        text = [
            f"# Sensitivity of {experiment_name(manifest)} ({method})",
            "",
            f"{table.attrs.get('samples', parts[0].attrs.get('samples'))} samples; the outcome of a sample is the "
            f"mean over its replicates. {what}",
            "",
            markdown_table(table),
            "",
            *(f"Note: {n}" for n in notes),
            *(f"Not analysed: {s}" for s in skipped),
            "",
            "![sensitivity](sensitivity.png)",
            "",
        ]
        (tmp / "sensitivity.md").write_text("\n".join(text), encoding="utf-8")
        sensitivity_figure(table, tmp / "sensitivity.png")
        return ["sensitivity.md", "sensitivity.csv", "sensitivity.png"]

    names = write_folder(out, write)
    if not args.quiet:
        _print_sensitivity(table, method)
        for line in [*notes, *(f"not analysed: {s}" for s in skipped)]:
            print(f"note: {line}")
        print(f"wrote {out}/: {', '.join(names)}")
    return 0


def _print_sensitivity(table: Any, method: str) -> None:
    from .analysis_base import fmt_number

    for outcome, part in table.groupby("outcome", sort=False):
        print(f"{outcome} ({'Morris μ*, σ' if method == 'morris' else 'Sobol S1, ST'}; 95 % intervals)")
        width = max(len(str(f)) for f in part["factor"])
        for r in part.to_dict("records"):
            if method == "morris":
                values = (
                    f"μ* {fmt_number(r['mu_star']):>8} ± {fmt_number(r['mu_star_conf']):<8} σ {fmt_number(r['sigma'])}"
                )
            else:
                values = (
                    f"S1 {fmt_number(r['S1']):>8} ± {fmt_number(r['S1_conf']):<8} "
                    f"ST {fmt_number(r['ST']):>8} ± {fmt_number(r['ST_conf'])}"
                )
            print(f"  {r['rank']:>2}. {r['factor']:<{width}}  {values}")


# --- coopsim discover -------------------------------------------------------------------------


def _add_discover_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar="DIR", type=Path, help="the --out folder of 'coopsim sweep' (any design)")
    p.add_argument("--outcome", required=True, metavar="KEY", help="the outcome, e.g. burnout_incidence_per_100py")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--below", type=_finite, metavar="X", help="a run is good when the outcome is below X")
    target.add_argument("--above", type=_finite, metavar="X", help="... or when it is above X")
    p.add_argument(
        "--factor",
        dest="factors",
        action="append",
        default=[],
        metavar="KEY",
        help="a factor PRIM may restrict (repeatable; default: every factor of the experiment)",
    )
    p.add_argument(
        "--min-density",
        type=_share,
        default=0.8,
        metavar="D",
        help="report the box of the trajectory with the highest coverage among those whose density is at "
        "least D (default 0.8)",
    )
    p.add_argument(
        "--min-support",
        type=_share,
        default=0.05,
        metavar="S",
        help="stop peeling before the box holds fewer than this share of the runs (default 0.05)",
    )
    p.add_argument(
        "--alpha", type=_share, default=0.05, metavar="A", help="share of a box's runs one peel removes (default 0.05)"
    )
    p.add_argument(
        "--boxes",
        type=int_at_least(1, "--boxes"),
        default=1,
        metavar="N",
        help="look for up to N boxes, each among the runs outside the previous ones (default 1)",
    )
    p.add_argument(
        "--step",
        type=int_at_least(0, "--step"),
        default=None,
        metavar="K",
        help="report step K of the peeling trajectory instead (see trajectory.csv; 0 = all runs)",
    )
    p.add_argument(
        "--out", type=out_dir, default=None, metavar="OUT", help="output folder (default: DIR/discover-<outcome>)"
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _discover_epilog() -> str:
    return """\
Scenario discovery (Bryant & Lempert 2010): among the runs of an experiment, which ranges
of the levers keep the outcome below (or above) a target? It looks for a box (a range per
numeric factor, a subset of levels per true/false or text factor) with PRIM, the Patient
Rule Induction Method (Friedman & Fisher 1999): starting from all runs, it repeatedly
removes ("peels") the 5 % of the box's runs at the low or high end of one factor, or one
level of a categorical factor, whichever leaves the most good runs in the box.

How to read a box:
  coverage  share of all good runs that are inside the box (how much it explains)
  density   share of the runs inside the box that are good (how reliable it is)
  support   share of all runs inside the box (how large it is)
Peeling trades coverage for density; trajectory.png shows the whole trade-off, and the
box reported is the one with the highest coverage among those with density >= 0.8
(--min-density), or the step you pick with --step. The table also says, for each
restricted factor, the density and coverage if that restriction were dropped: a
restriction whose removal changes little can be left out of the story.
Each run counts as one case (replicates too): the model's randomness limits the density.

examples:
  coopsim discover out/levers --outcome burnout_incidence_per_100py --below 3
  coopsim discover out/levers --outcome mean_engagement --above 0.55 --min-density 0.9
  coopsim discover out/levers --outcome annual_turnover --below 0.2 --boxes 2 --factor rex.every_weeks

files written into the output folder (default DIR/discover-<outcome>/):
  boxes.csv        one row per box and factor: range or levels kept, explored range,
                   whether restricted, density/coverage if dropped, the box's shares
  trajectory.csv   the peeling trajectory: step, runs inside, support, coverage, density
  discover.md      the box(es) as tables and sentences (English and French)
  trajectory.png   coverage against density along the peeling, and the box's ranges
"""


@_user_errors
def _cmd_discover(args: argparse.Namespace) -> int:
    """coopsim discover: PRIM boxes where the outcome meets the target, tables and figure."""
    import pandas as pd

    from .analysis_base import check_outcome, experiment_name
    from .discover import boxes_table, discover, markdown_table, trajectory_figure

    frame, manifest = _experiment(args.folder)
    check_outcome(frame, manifest, args.outcome)
    out: Path = args.out if args.out is not None else args.folder / f"discover-{_slug(args.outcome)}"
    _check_out(out)
    boxes = discover(
        frame,
        args.outcome,
        below=args.below,
        above=args.above,
        manifest=manifest,
        factors=args.factors or None,
        alpha=args.alpha,
        min_support=args.min_support,
        min_density=args.min_density,
        max_boxes=args.boxes,
        step=args.step,
    )

    def write(tmp: Path) -> list[str]:
        boxes_table(boxes).to_csv(tmp / "boxes.csv", index=False)
        trajectories = pd.concat([b.trajectory.assign(box=b.number) for b in boxes], ignore_index=True)
        trajectories.to_csv(tmp / "trajectory.csv", index=False)
        b0 = boxes[0]
        text = [
            f"# Scenario discovery: {args.outcome} {b0.condition} ({experiment_name(manifest)})",
            "",
            f"{b0.n_runs} runs, of which {b0.n_good} ({100 * b0.n_good / b0.n_runs:.0f} %) have {args.outcome} "
            f"{b0.condition}. PRIM (Friedman & Fisher 1999), peeling alpha = {args.alpha}, minimum support = "
            f"{args.min_support}; the box reported has the highest coverage among the boxes of the trajectory with "
            f"density ≥ {args.min_density}"
            + (f" (here step {args.step} as asked)" if args.step is not None else "")
            + ".",
            "",
        ]
        for box in boxes:
            text += [
                f"## Box {box.number}",
                "",
                box.describe("en"),
                "",
                box.describe("fr"),
                "",
                markdown_table(box),
                "",
            ]
        text += ["![trajectory](trajectory.png)", ""]
        (tmp / "discover.md").write_text("\n".join(text), encoding="utf-8")
        trajectory_figure(boxes, tmp / "trajectory.png")
        return ["discover.md", "boxes.csv", "trajectory.csv", "trajectory.png"]

    names = write_folder(out, write)
    if not args.quiet:
        for box in boxes:
            print(
                f"box {box.number}: coverage {100 * box.coverage:.0f} %, density {100 * box.density:.0f} %, "
                f"support {100 * box.support:.0f} % ({box.n_inside} of {box.n_runs} runs), step {box.step}"
            )
            t = box.table()
            for r in t[t["restricted"]].to_dict("records"):
                print(f"  {r['factor']}: {r['in_box']}")
            if not t["restricted"].any():
                print("  (no restriction: the whole explored range)")
            print(f"  {box.describe('en')}")
        print(f"wrote {out}/: {', '.join(names)}")
    return 0


# --- coopsim report ------------------------------------------------------------------------------


def _add_report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar="DIR", type=Path, help="the --out folder of 'coopsim sweep'")
    p.add_argument(
        "--outcome",
        dest="outcomes",
        action="append",
        default=[],
        metavar="KEY",
        help="an outcome to report (repeatable; default: every outcome of the experiment)",
    )
    p.add_argument("--out", type=out_dir, default=None, metavar="OUT", help="output folder (default: DIR/report)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _report_epilog() -> str:
    return """\
The report says what was run (design, scenario, horizon, factors and their ranges,
replications, master seed, versions, how many runs are done), the distribution of each
outcome over all runs (mean, median, 5 % and 95 %), the mean of each outcome at each level
of the factors with few values, a figure of each outcome against each factor, and, for a
morris or sobol design, the sensitivity table and figure ('coopsim sensitivity --help').

examples:
  coopsim report out/smoke                  -> out/smoke/report/report.md, report.html, PNGs
  coopsim report out/screening --outcome annual_turnover --out paper/figures

files written into the output folder (default DIR/report/):
  report.md, report.html    the same content as Markdown and as a self-contained page
  outcome-<key>.png         one per outcome: box plots or scatter against each factor
  sensitivity.png           morris and sobol designs only
"""


@_user_errors
def _cmd_report(args: argparse.Namespace) -> int:
    """coopsim report: Markdown and HTML summary of an experiment with its figures."""
    from .exp_report import report

    frame, manifest = _experiment(args.folder)
    out: Path = args.out if args.out is not None else args.folder / "report"
    _check_out(out)
    written: list[Path] = []

    def write(tmp: Path) -> list[str]:
        written.append(report(args.folder, tmp, frame=frame, manifest=manifest, outcomes=args.outcomes or None))
        return sorted(p.name for p in tmp.iterdir())

    names = write_folder(out, write)
    if not args.quiet:
        print(f"wrote {out}/: {', '.join(names)}")
        print(f"open {out / 'report.html'} in a browser, or read {out / 'report.md'}")
    return 0


# --- the table ----------------------------------------------------------------------------------

ANALYSIS_COMMANDS: list[Command] = [
    Command(
        name="compare",
        help="compare two scenarios over paired seeds: differences with intervals, sentences, figure",
        description="Run scenario A and scenario B on the same R seeds (common random numbers) and compare "
        "them pairwise: for each headline outcome, the mean difference B - A with a 95 % bootstrap interval, "
        "the same in % of A's mean, a Wilcoxon signed-rank p-value, and a plain sentence in English and French; "
        "a figure shows both over the years (median, 50 % and 90 % bands) and the differences.",
        add_arguments=_add_compare_arguments,
        handler=_cmd_compare,
        epilog=_compare_epilog,
    ),
    Command(
        name="sensitivity",
        help="Morris (μ*, σ) or Sobol (S1, ST) sensitivity of an experiment's outcomes, with a figure",
        description="Global sensitivity analysis of an experiment made by 'coopsim sweep' with a morris or sobol "
        "design: which factors move each outcome most over the ranges explored, with 95 % intervals "
        "(SALib). Writes a table and a figure ready for a paper.",
        add_arguments=_add_sensitivity_arguments,
        handler=_cmd_sensitivity,
        epilog=_sensitivity_epilog,
    ),
    Command(
        name="discover",
        help="scenario discovery: which ranges of the levers keep an outcome below/above a target (PRIM)",
        description="Scenario discovery on an experiment made by 'coopsim sweep': find the box of factor ranges "
        "(PRIM) where the runs keep an outcome below (or above) a target, with its coverage, density and "
        "support, the peeling trajectory, and sentences in English and French.",
        add_arguments=_add_discover_arguments,
        handler=_cmd_discover,
        epilog=_discover_epilog,
    ),
    Command(
        name="report",
        help="a Markdown and HTML report of an experiment with its figures",
        description="Summarise an experiment made by 'coopsim sweep' in a Markdown and an HTML page: what was "
        "run, the distribution of each outcome, each outcome against each factor, and the sensitivity "
        "analysis when the design allows it.",
        add_arguments=_add_report_arguments,
        handler=_cmd_report,
        epilog=_report_epilog,
    ),
]

__all__ = ["ANALYSIS_COMMANDS"]
