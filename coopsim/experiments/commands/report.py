"""``coopsim report``: the Markdown and HTML report of an experiment
(:func:`coopsim.experiments.analyses.report.report`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ...cli_support import _check_out, out_dir, write_folder
from .common import analysis_errors, experiment_folder


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``coopsim report``.

    Example:
        >>> import argparse
        >>> p = argparse.ArgumentParser()
        >>> add_report_arguments(p)
        >>> args = p.parse_args(["out/screening", "--outcome", "annual_turnover"])
        >>> args.outcomes, args.out
        (['annual_turnover'], None)
    """
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


def report_epilog() -> str:
    """What it computes and how to read it, examples, the files written.

    Example:
        >>> "examples:" in report_epilog() and "coopsim report" in report_epilog()
        True
    """
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


@analysis_errors
def run_report(args: argparse.Namespace) -> int:
    """coopsim report: Markdown and HTML summary of an experiment with its figures. A folder that is not an experiment is
    refused before anything is written.

    Example:
        >>> import argparse
        >>> from coopsim.cli_support import UserError
        >>> p = argparse.ArgumentParser()
        >>> add_report_arguments(p)
        >>> try:
        ...     run_report(p.parse_args(["no/such/folder"]))
        ... except UserError as exc:
        ...     print(exc)
        no/such/folder: no such folder (expected the --out folder of 'coopsim sweep')
    """
    from ..analyses.report import report

    frame, manifest = experiment_folder(args.folder)
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
