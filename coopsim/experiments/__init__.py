"""Experiments: many seeded runs of a scenario over factors, saved as a tidy table.

An experiment file (``experiments/*.toml``, see :mod:`coopsim.experiments.spec`) names a
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
:func:`coopsim.experiments.worker.run_one`, which processes import by name. In a script,
keep the call under ``if __name__ == "__main__":`` (processes are spawned).
"""

from .design import plan, problem, run_count
from .execute import RunError, SweepError, SweepInterruptedError, sweep
from .seeds import derive_seed
from .spec import Experiment, ExperimentError, Factor, experiment_from_dict, load_experiment
from .store import StoreError, completed_ids, load, load_plan, load_series, read_manifest

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
