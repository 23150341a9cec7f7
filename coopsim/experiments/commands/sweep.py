"""``coopsim sweep``: the command-line face of :func:`coopsim.experiments.sweep`.

Every mistake of the user (a bad experiment file, an unusable ``--out``, an unreachable
scheduler) becomes a :class:`coopsim.cli_support.UserError`: one ``coopsim: error:`` line,
exit code 2.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import textwrap
import time
from pathlib import Path

from ...cli_support import EXIT_INTERRUPTED, HELP_WIDTH, PROG, UserError, _check_out, out_dir
from ..engine import execute
from ..engine.execute import DEFAULT_BATCH, RunError, SweepError, SweepInterruptedError, WorkerDiedError
from ..engine.spec import ExperimentError, load_experiment
from ..engine.store import StoreError, read_manifest

EXPERIMENT_DIR = Path(__file__).resolve().parents[3] / "experiments"


def sweep_epilog() -> str:
    """Examples, the files written, resuming.

    Example:
        >>> "Resuming: run the same command again." in sweep_epilog()
        True
    """
    shipped = sorted(p.stem for p in EXPERIMENT_DIR.glob("*.toml")) if EXPERIMENT_DIR.is_dir() else []
    names = textwrap.fill(
        f"shipped experiments (in {EXPERIMENT_DIR}): {', '.join(shipped) or '(none)'}",
        width=HELP_WIDTH,
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    return f"""\
{names}

examples:
  coopsim sweep experiments/smoke.toml --out out/smoke
      24 short runs on all cores (a few seconds)
  coopsim sweep latin-levers --out out/latin --workers 8
      a shipped experiment by name, on 8 processes
  coopsim sweep my-experiment.toml --out out/my --dask --workers 4
      on a local Dask cluster of 4 worker processes
  coopsim sweep my-experiment.toml --out out/my --scheduler tcp://10.0.0.5:8786
      on an existing Dask cluster (its workers need coopsim installed)

files written into the --out folder:
  manifest.json          the experiment (file, sha256, content), design, coopsim version,
                         sessions (start, end, executor), runs done / total
  plan.parquet           every planned run: run_id, sample_id, replicate, seed, factors
  runs/part-*.parquet    the completed runs, one row each: run_id, sample_id, replicate,
                         seed, one column per factor (its dotted key), one per outcome
  series/part-*.parquet  the weekly series, when the experiment asks for some
  quarantine/            damaged part files a resumed sweep set aside (their runs are
                         run again)
Each part file names the plan of its runs (experiment, scenario, seeds, horizon).

Read the results with pandas:
  from coopsim.experiments import load
  df = load("out/smoke")            # one row per run, sorted by run_id

Resuming: run the same command again. The folder must hold the same experiment (same
values in the experiment and scenario files; comments may change), or the sweep refuses;
runs saved for another experiment are never taken for this one's, even without the
manifest. A pool process that dies has its runs run again.
Replicate r of every sample uses the same seed (paired comparisons across settings)."""


def add_sweep_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``coopsim sweep``.

    Example:
        >>> import argparse
        >>> parser = argparse.ArgumentParser()
        >>> add_sweep_arguments(parser)
        >>> args = parser.parse_args(["smoke", "--out", "out/smoke", "--workers", "2"])
        >>> args.experiment, str(args.out), args.workers, args.dask
        ('smoke', 'out/smoke', 2, False)
    """
    p.add_argument(
        "experiment",
        metavar="EXPERIMENT",
        help="an experiment TOML file, or the name of one shipped in experiments/ (e.g. smoke)",
    )
    p.add_argument(
        "--out",
        type=out_dir,
        required=True,
        metavar="DIR",
        help="results folder: created, or resumed when it holds the same experiment",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="processes running the sweep (default: all cores; 1 runs everything in this process)",
    )
    p.add_argument("--dask", action="store_true", help="run on a local Dask cluster of --workers processes")
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (its workers need coopsim installed)",
    )
    p.add_argument(
        "--save-every",
        type=int,
        default=DEFAULT_BATCH,
        metavar="N",
        help=f"save the completed runs at least every N runs (and every 5 seconds); default {DEFAULT_BATCH}",
    )
    p.add_argument("--quiet", action="store_true", help="print neither the progress bar nor the closing summary")


def resolve_experiment(ref: str) -> Path:
    """An experiment file: the path given, or a name shipped in ``experiments/``.

    Example:
        >>> resolve_experiment("smoke").name                        # shipped in experiments/
        'smoke.toml'
    """
    path = Path(ref)
    if path.is_file():
        return path
    shipped = EXPERIMENT_DIR / (ref if ref.endswith(".toml") else f"{ref}.toml")
    if "/" not in ref and shipped.is_file():
        return shipped
    raise UserError(f"{ref}: no such experiment file (looked in {path} and {shipped})")


def _resume_command(args: argparse.Namespace) -> str:
    """The command that resumes this sweep."""
    words = [PROG, "sweep", args.experiment, "--out", str(args.out)]
    if args.workers is not None:
        words += ["--workers", str(args.workers)]
    if args.dask:
        words.append("--dask")
    if args.scheduler:
        words += ["--scheduler", args.scheduler]
    return shlex.join(words)


def run_sweep(args: argparse.Namespace) -> int:
    """coopsim sweep: check the experiment and the folder, run what is left, summarise.

    Example:
        >>> import argparse, tempfile
        >>> from pathlib import Path
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "tiny.toml").write_text('''
        ... scenario = "tera"
        ... years = 0.1
        ... design = "grid"
        ... master_seed = 1
        ... outcomes = ["annual_turnover"]
        ... [factors]
        ... rex.enabled = [true, false]
        ... ''')
        >>> parser = argparse.ArgumentParser()
        >>> add_sweep_arguments(parser)
        >>> run_sweep(parser.parse_args([str(folder / "tiny.toml"), "--out", str(folder / "out"), "--workers", "1", "--quiet"]))
        0
    """
    _check_out(args.out)  # before the experiment is even loaded: nothing runs into a folder it cannot write
    path = resolve_experiment(args.experiment)
    if args.save_every < 1:
        raise UserError(f"--save-every {args.save_every}: must be 1 or more")
    start = time.perf_counter()
    try:
        exp = load_experiment(path)
        outcome = execute.run_sweep(
            exp,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            dask=args.dask,
            progress=not args.quiet,
            batch_size=args.save_every,
            resume_hint=_resume_command(args),
            notify=lambda line: print(f"{PROG}: {line}", file=sys.stderr),
        )
    except (ExperimentError, StoreError, SweepError, RunError) as exc:
        raise UserError(_user_message(exc)) from None
    except SweepInterruptedError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if not args.quiet:
        manifest = read_manifest(args.out)
        done, total = manifest["runs_done"], manifest["runs_total"]
        seconds = time.perf_counter() - start
        now = f"{outcome.saved} now, in {seconds:.1f} s" if outcome.saved else "all saved before"
        print(
            f"{exp.name}: {done} of {total} runs done ({now}); results in {args.out}/\n"
            f'read them with: python -c "from coopsim.experiments import load; print(load({str(args.out)!r}))"'
        )
    return 0


def _user_message(exc: Exception) -> str:
    """The one line a failed sweep ends with: the error, and for a failed run what to do."""
    if isinstance(exc, WorkerDiedError):
        return (
            f"{exc} The runs completed before it are saved; run it alone with 'coopsim run' and its seed to see "
            "what ends it, or run the same command again to retry it and go on"
        )
    if isinstance(exc, RunError):
        return (
            f"{exc}. The runs completed before it are saved; rerun that one alone with 'coopsim run' and "
            f"its seed to see the full error, then run the same command again to go on"
        )
    return str(exc)
