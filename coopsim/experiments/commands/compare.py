"""``coopsim compare``: run two scenarios over paired seeds and write the table, the
sentences and the figure of :func:`coopsim.experiments.analyses.compare.compare`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...cli_support import _check_out, _scenario_names_text, _seed, _years, int_at_least, out_dir, write_folder
from ...formatting import slug
from .common import analysis_errors


def add_compare_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``coopsim compare``.

    Example:
        >>> import argparse
        >>> p = argparse.ArgumentParser()
        >>> add_compare_arguments(p)
        >>> args = p.parse_args(["tera", "tera-without-rex", "-r", "4", "--set-b", "rex.every_weeks=4"])
        >>> args.replications, args.set_b, args.seed
        (4, ['rex.every_weeks=4'], 0)
    """
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


def compare_epilog() -> str:
    """How a comparison works and reads, the default outcomes, examples, the files written.

    Example:
        >>> "common random numbers" in compare_epilog() and "comparison.csv" in compare_epilog()
        True
    """
    from ...outcomes import HEADLINE

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
default outcomes: {", ".join(HEADLINE)}

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


@analysis_errors
def run_compare(args: argparse.Namespace) -> int:
    """coopsim compare: run A and B on paired seeds, write the table, sentences and figure.

    Example:
        >>> import argparse, tempfile
        >>> p = argparse.ArgumentParser()
        >>> add_compare_arguments(p)
        >>> out = tempfile.mkdtemp()
        >>> run_compare(p.parse_args(["tera", "tera-without-rex", "-r", "2", "--years", "0.1", "--workers", "1",
        ...                          "--outcome", "annual_turnover", "--out", out, "--quiet"]))
        0
        >>> import os; sorted(os.listdir(out))
        ['comparison.csv', 'comparison.md', 'comparison.png', 'summaries.parquet']
    """
    from tqdm import tqdm

    from ...base import WEEKS_PER_YEAR
    from ...cli_support import _check_model
    from ...scenario import load_scenario
    from ..analyses.compare import compare

    a = load_scenario(args.scenario_a, overrides=args.set_a or None)
    b = load_scenario(args.scenario_b, overrides=args.set_b or None)
    out: Path = args.out if args.out is not None else Path("out") / f"compare-{slug(a.name)}-vs-{slug(b.name)}"
    _check_out(out)
    years = args.years if args.years is not None else a.years
    _check_model(a, 0, years)
    _check_model(b, 0, years)
    show = not args.quiet and sys.stderr.isatty()
    tqdm.monitor_interval = 0  # no monitor thread, so that the workers can be forked (worker_context)
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
