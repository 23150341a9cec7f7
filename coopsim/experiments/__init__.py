"""Experiments: many seeded runs of a scenario over factors, saved as a tidy table.

An experiment file (``experiments/*.toml``, see :mod:`coopsim.experiments.engine.spec`) names a
base scenario, the factors that vary (dotted scenario keys with levels or ranges), a
design (grid, random, latin, morris, sobol), replications, a master seed and the
outcomes to keep. A sweep runs its plan, in-process, on a process pool or on Dask, into
a results folder that a later call resumes; :func:`load` reads it back.

From Python (a notebook, a script)::

    from coopsim.experiments import load, load_experiment, plan, sweep

    exp = load_experiment("experiments/smoke.toml")
    plan(exp)                                   # one row per run: ids, seed, factor values
    sweep(exp, "out/smoke", workers=2)          # or: sweep("experiments/smoke.toml", ...)
    df = load("out/smoke")                      # one row per run, outcomes as columns
    df.groupby(["rex.enabled", "mediation.enabled"])["annual_turnover"].mean()

Nothing needs pickling but plain data: the runs are done by
:func:`coopsim.experiments.engine.worker.run_one`, which processes import by name. In a script,
keep the call under ``if __name__ == "__main__":`` (processes are spawned).

The package has three rooms:

- ``engine/``: the sweep itself: ``spec`` (the experiment file, checked), ``design`` (the
  plan: samples, replicates, seeds), ``seeds`` (every seed derivation), ``worker`` (one
  run), ``execute`` (in-process, a process pool or Dask; resuming), ``store`` (the results
  folder: manifest, part files, quarantine).
- ``analyses/``: one module per analysis, each with one entry function that takes the
  runs and returns a result: ``compare.compare`` (two scenarios over paired seeds),
  ``sensitivity.sensitivity`` (Morris, Sobol via SALib), ``discover.discover`` (PRIM
  scenario discovery), ``report.report`` (a Markdown/HTML page); ``common`` holds their
  error and the reading of an experiment folder.
- ``commands/``: the command-line face of each: ``coopsim sweep``, ``compare``,
  ``sensitivity``, ``discover``, ``report`` (registered in :data:`coopsim.cli.COMMANDS`).
"""

from .engine.design import plan, problem, run_count
from .engine.execute import RunError, SweepError, SweepInterruptedError, sweep
from .engine.seeds import derive_seed
from .engine.spec import Experiment, ExperimentError, Factor, experiment_from_dict, load_experiment
from .engine.store import StoreError, completed_ids, load, load_plan, load_series, read_manifest

__all__ = [
    "Experiment",
    "ExperimentError",
    "Factor",
    "RunError",
    "StoreError",
    "SweepError",
    "SweepInterruptedError",
    "completed_ids",
    "derive_seed",
    "experiment_from_dict",
    "load",
    "load_experiment",
    "load_plan",
    "load_series",
    "plan",
    "problem",
    "read_manifest",
    "run_count",
    "sweep",
]
