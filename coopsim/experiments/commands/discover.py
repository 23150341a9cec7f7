"""``coopsim discover``: PRIM boxes of an experiment's factors where an outcome meets a
target, written as tables, a page and a figure (:func:`coopsim.experiments.analyses.discover.discover`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ...cli_support import _check_out, finite_number, int_at_least, out_dir, share, write_folder
from ...formatting import slug
from .common import analysis_errors, experiment_folder


def add_discover_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``coopsim discover``.

    Example:
        >>> import argparse
        >>> p = argparse.ArgumentParser()
        >>> add_discover_arguments(p)
        >>> args = p.parse_args(["out/screening", "--outcome", "annual_turnover", "--below", "0.2"])
        >>> args.below, args.min_density
        (0.2, 0.8)
    """
    p.add_argument("folder", metavar="DIR", type=Path, help="the --out folder of 'coopsim sweep' (any design)")
    p.add_argument("--outcome", required=True, metavar="KEY", help="the outcome, e.g. burnout_incidence_per_100py")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--below", type=finite_number, metavar="X", help="a run is good when the outcome is below X")
    target.add_argument("--above", type=finite_number, metavar="X", help="... or when it is above X")
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
        type=share,
        default=0.8,
        metavar="D",
        help="report the box of the trajectory with the highest coverage among those whose density is at "
        "least D (default 0.8)",
    )
    p.add_argument(
        "--min-support",
        type=share,
        default=0.05,
        metavar="S",
        help="stop peeling before the box holds fewer than this share of the runs (default 0.05)",
    )
    p.add_argument(
        "--alpha", type=share, default=0.05, metavar="A", help="share of a box's runs one peel removes (default 0.05)"
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


def discover_epilog() -> str:
    """What it computes and how to read it, examples, the files written.

    Example:
        >>> "examples:" in discover_epilog() and "coopsim discover" in discover_epilog()
        True
    """
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
(--min-density), then pasted: enlarged back, a few runs at a time, while that makes it
denser (peeling is greedy and may cut too much); or the step you pick with --step, as
peeled. A box that restricts nothing says so: the target is met almost everywhere, choose
a stricter one. The table also says, for each
restricted factor, the density and coverage if that restriction were dropped: a
restriction whose removal changes little can be left out of the story.
Each run counts as one case (replicates too): the model's randomness limits the density.

examples:
  coopsim discover out/screening --outcome burnout_incidence_per_100py --below 0.5
  coopsim discover out/levers --outcome mean_engagement --above 0.55 --min-density 0.9
  coopsim discover out/levers --outcome annual_turnover --below 0.2 --boxes 2 --factor rex.every_weeks

files written into the output folder (default DIR/discover-<outcome>/):
  boxes.csv        one row per box and factor: range or levels kept, explored range,
                   whether restricted, density/coverage if dropped, the box's shares
  trajectory.csv   the peeling trajectory: step, runs inside, support, coverage, density
  discover.md      the box(es) as tables and sentences (English and French)
  trajectory.png   coverage against density along the peeling, and the box's ranges
"""


@analysis_errors
def run_discover(args: argparse.Namespace) -> int:
    """coopsim discover: PRIM boxes where the outcome meets the target, tables and figure. A folder that is not an experiment is
    refused before anything is written.

    Example:
        >>> import argparse
        >>> from coopsim.cli_support import UserError
        >>> p = argparse.ArgumentParser()
        >>> add_discover_arguments(p)
        >>> try:
        ...     run_discover(p.parse_args(["no/such/folder", "--outcome", "y", "--below", "1"]))
        ... except UserError as exc:
        ...     print(exc)
        no/such/folder: no such folder (expected the --out folder of 'coopsim sweep')
    """
    import pandas as pd

    from ..analyses.common import check_outcome, experiment_name
    from ..analyses.discover import boxes_table, discover, trajectory_figure

    frame, manifest = experiment_folder(args.folder)
    check_outcome(frame, manifest, args.outcome)
    out: Path = args.out if args.out is not None else args.folder / f"discover-{slug(args.outcome)}"
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
        (tmp / "discover.md").write_text(_page(args, boxes, experiment_name(manifest)), encoding="utf-8")
        trajectory_figure(boxes, tmp / "trajectory.png")
        return ["discover.md", "boxes.csv", "trajectory.csv", "trajectory.png"]

    names = write_folder(out, write)
    if not args.quiet:
        _print_boxes(boxes)
        print(f"wrote {out}/: {', '.join(names)}")
    return 0


def _page(args: argparse.Namespace, boxes: list[Any], experiment: str) -> str:
    """discover.md: the target, how PRIM was run, and each box as sentences and a table."""
    from ..analyses.discover import box_markdown

    b0 = boxes[0]
    text = [
        f"# Scenario discovery: {args.outcome} {b0.condition} ({experiment})",
        "",
        f"{b0.n_runs} runs, of which {b0.n_good} ({100 * b0.n_good / b0.n_runs:.0f} %) have {args.outcome} "
        f"{b0.condition}. PRIM (Friedman & Fisher 1999), peeling alpha = {args.alpha}, minimum support = "
        f"{args.min_support}; the box reported has the highest coverage among the boxes of the trajectory with "
        f"density ≥ {args.min_density}"
        + (f" (here step {args.step} as asked)" if args.step is not None else ", then pasted while that made it denser")
        + ".",
        "",
    ]
    for box in boxes:
        text += [f"## Box {box.number}", "", box.describe("en"), "", box.describe("fr"), "", box_markdown(box), ""]
    text += ["![trajectory](trajectory.png)", ""]
    return "\n".join(text)


def _print_boxes(boxes: list[Any]) -> None:
    """Each box's shares, its restrictions and its sentence, on the terminal."""
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
