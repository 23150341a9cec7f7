"""``coopsim sensitivity``: Morris or Sobol indices of an experiment's outcomes, written as a
table, a page and a figure (:func:`coopsim.experiments.analyses.sensitivity.sensitivity`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ...cli_support import _check_out, _seed, int_at_least, out_dir, write_folder
from .common import analysis_errors, experiment_folder


def add_sensitivity_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``coopsim sensitivity``.

    Example:
        >>> import argparse
        >>> p = argparse.ArgumentParser()
        >>> add_sensitivity_arguments(p)
        >>> args = p.parse_args(["out/screening", "--resamples", "100"])
        >>> args.resamples, args.seed
        (100, 0)
    """
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


def sensitivity_epilog() -> str:
    """What it computes and how to read it, examples, the files written.

    Example:
        >>> "examples:" in sensitivity_epilog() and "coopsim sensitivity" in sensitivity_epilog()
        True
    """
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


@analysis_errors
def run_sensitivity(args: argparse.Namespace) -> int:
    """coopsim sensitivity: Morris or Sobol indices of an experiment, table and figure. A folder that is not an experiment is
    refused before anything is written.

    Example:
        >>> import argparse
        >>> from coopsim.cli_support import UserError
        >>> p = argparse.ArgumentParser()
        >>> add_sensitivity_arguments(p)
        >>> try:
        ...     run_sensitivity(p.parse_args(["no/such/folder"]))
        ... except UserError as exc:
        ...     print(exc)
        no/such/folder: no such folder (expected the --out folder of 'coopsim sweep')
    """
    from ..analyses.sensitivity import sensitivity_figure

    frame, manifest = experiment_folder(args.folder)
    out: Path = args.out if args.out is not None else args.folder / "sensitivity"
    _check_out(out)
    table, notes, skipped = _indices(frame, manifest, args)
    method = str(table["method"].iloc[0])

    def write(tmp: Path) -> list[str]:
        table.to_csv(tmp / "sensitivity.csv", index=False)
        (tmp / "sensitivity.md").write_text(_page(table, manifest, notes, skipped), encoding="utf-8")
        sensitivity_figure(table, tmp / "sensitivity.png")
        return ["sensitivity.md", "sensitivity.csv", "sensitivity.png"]

    names = write_folder(out, write)
    if not args.quiet:
        _print_sensitivity(table, method)
        for line in [*notes, *(f"not analysed: {s}" for s in skipped)]:
            print(f"note: {line}")
        print(f"wrote {out}/: {', '.join(names)}")
    return 0


def _indices(frame: Any, manifest: dict[str, Any], args: argparse.Namespace) -> tuple[Any, list[str], list[str]]:
    """The indices of every outcome asked for (by default: every outcome, skipping those
    undefined in some sample), the notes of the analysis and the outcomes skipped."""
    import pandas as pd

    from ..analyses.common import SENSITIVITY_DESIGNS, AnalysisError, outcome_names
    from ..analyses.sensitivity import sensitivity

    outcomes = args.outcomes or None
    if outcomes is None and manifest.get("design") in SENSITIVITY_DESIGNS:
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
    table.attrs.setdefault("samples", parts[0].attrs.get("samples"))
    return table, [n for part in parts for n in part.attrs.get("notes", [])], skipped


def _page(table: Any, manifest: dict[str, Any], notes: list[str], skipped: list[str]) -> str:
    """sensitivity.md: what was computed, the table, the notes and the figure."""
    from ..analyses.common import experiment_name
    from ..analyses.sensitivity import sensitivity_markdown

    method = str(table["method"].iloc[0])
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
        f"{table.attrs.get('samples')} samples; the outcome of a sample is the mean over its replicates. {what}",
        "",
        sensitivity_markdown(table),
        "",
        *(f"Note: {n}" for n in notes),
        *(f"Not analysed: {s}" for s in skipped),
        "",
        "![sensitivity](sensitivity.png)",
        "",
    ]
    return "\n".join(text)


def _print_sensitivity(table: Any, method: str) -> None:
    from ...formatting import fmt_number

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
