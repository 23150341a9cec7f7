"""The plan of a sweep: one row per run, with its sample, replicate, seed and factor values.

Designs (the samplers are SALib's, seeded from the master seed; see ``seeds.py``):

================  ==================================================  =====================
design            samples                                             runs (× replications)
================  ==================================================  =====================
``grid``          every combination of the factors' levels            product of the levels
``random``        ``samples`` independent uniform points (NumPy)      N
``latin``         a Latin hypercube of ``samples`` points (SALib)     N
``morris``        ``samples`` Morris trajectories (SALib)             N·(k+1)
``sobol``         Saltelli/Sobol' sample of base size ``samples``     N·(k+2), or N·(2k+2)
                  (SALib; ``second_order = true`` for the larger)     with second order
================  ==================================================  =====================

(k: the number of factors.) Each sample is run ``replications`` times; replicate ``r`` of
every sample has the same seed, so factor settings are compared on common random
numbers. Runs are numbered replicate by replicate (``run_id = replicate · samples +
sample_id``), so an interrupted sweep holds whole designs with fewer replications.

Ranges are sampled on the SALib problem's bounds (:func:`problem`): ``[low, high]`` for a
number, ``[low, high + 1)`` floored for ``integer = true`` (each whole number equally
likely) and ``[0, n)`` floored for a factor with ``n`` levels.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from typing import Any

import numpy as np
import pandas as pd

from .seeds import derive_seed, design_seed
from .spec import Experiment, ExperimentError, Factor
from .worker import ID_COLUMNS


def problem(exp: Experiment) -> dict[str, Any]:
    """The SALib problem of the experiment (names and bounds; for a grid, names and levels).

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> problem(exp)
        {'num_vars': 1, 'names': ['rex.enabled'], ...}
    """
    names = exp.factor_keys
    if exp.design == "grid":
        return {"num_vars": len(names), "names": names, "levels": [exp.factors[k].levels for k in names]}
    return {"num_vars": len(names), "names": names, "bounds": [_bounds(exp.factors[k]) for k in names]}


def _bounds(factor: Factor) -> list[float]:
    if factor.levels is not None:
        return [0.0, float(len(factor.levels))]
    assert factor.low is not None and factor.high is not None
    return [factor.low, factor.high + 1.0] if factor.integer else [factor.low, factor.high]


def sample_matrix(exp: Experiment) -> np.ndarray:
    """The design's points on the problem's bounds: one row per sample, one column per factor.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "latin", "samples": 5, "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.participation": {"low": 0.2, "high": 0.9}}})
        >>> X = sample_matrix(exp)
        >>> X.shape, bool(((X >= 0.2) & (X <= 0.9)).all())
        ((5, 1), True)
    """
    prob = problem(exp)
    seed = design_seed(exp.master_seed)
    n = exp.samples or 0
    if exp.design == "random":
        bounds = np.array(prob["bounds"], dtype=float)
        unit = np.random.default_rng(seed).random((n, len(bounds)))
        return bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])
    if exp.design == "latin":
        from SALib.sample import latin

        return np.asarray(latin.sample(prob, n, seed=seed))
    if exp.design == "morris":
        from SALib.sample import morris

        return np.asarray(morris.sample(prob, n, num_levels=exp.morris_levels or 4, seed=seed))
    if exp.design == "sobol":
        from SALib.sample import sobol

        return np.asarray(sobol.sample(prob, n, calc_second_order=bool(exp.second_order), seed=seed))
    raise ValueError(f"{exp.design!r} is not a sampled design")


def _values(factor: Factor, x: np.ndarray) -> np.ndarray:
    """A factor's values from its column of the sample matrix."""
    if factor.levels is not None:
        index = np.clip(np.floor(x).astype(np.int64), 0, len(factor.levels) - 1)
        return _typed([factor.levels[i] for i in index])
    assert factor.low is not None and factor.high is not None
    if factor.integer:
        return np.clip(np.floor(x), factor.low, factor.high).astype(np.int64)
    return np.clip(x.astype(float), factor.low, factor.high)


def _typed(values: list[Any]) -> np.ndarray:
    """Values of one kind as a column: bool, int64, float64 or str."""
    if all(isinstance(v, bool) for v in values):
        return np.array(values, dtype=bool)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=float)
    return np.array(values, dtype=object)


def samples(exp: Experiment) -> pd.DataFrame:
    """One row per sample (factor setting): sample_id and one column per factor.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> samples(exp).to_dict("records")
        [{'sample_id': 0, 'rex.enabled': True}, {'sample_id': 1, 'rex.enabled': False}]
    """
    keys = exp.factor_keys
    if exp.design == "grid":
        combos = list(itertools.product(*(exp.factors[k].levels or [] for k in keys)))
        columns = {k: _typed([c[i] for c in combos]) for i, k in enumerate(keys)}
        count = len(combos)
    else:
        matrix = sample_matrix(exp)
        columns = {k: _values(exp.factors[k], matrix[:, i]) for i, k in enumerate(keys)}
        count = matrix.shape[0]
    frame = pd.DataFrame({"sample_id": np.arange(count, dtype=np.int64)})
    for key, values in columns.items():
        frame[key] = values
    return frame


def plan(exp: Experiment) -> pd.DataFrame:
    """One row per run: run_id (0..N-1), sample_id, replicate, seed, one column per factor.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1, "replications": 2,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> p = plan(exp)
        >>> p[["run_id", "sample_id", "replicate", "rex.enabled"]].values.tolist()
        [[0, 0, 0, True], [1, 1, 0, False], [2, 0, 1, True], [3, 1, 1, False]]
        >>> bool(p.seed[0] == p.seed[1])                         # replicate 0 of both samples: same seed
        True
    """
    check_plan_size(exp)
    table = samples(exp)
    count, reps = len(table), exp.replications
    replicate = np.repeat(np.arange(reps, dtype=np.int64), count)
    seeds = np.array([derive_seed(exp.master_seed, r) for r in range(reps)], dtype=np.int64)
    frame = pd.DataFrame(
        {
            "run_id": np.arange(count * reps, dtype=np.int64),
            "sample_id": np.tile(table["sample_id"].to_numpy(), reps),
            "replicate": replicate,
            "seed": seeds[replicate],
        }
    )
    for key in exp.factor_keys:
        frame[key] = np.tile(table[key].to_numpy(), reps)
    assert tuple(frame.columns[:4]) == ID_COLUMNS
    return frame


def run_count(exp: Experiment) -> int:
    """How many runs the experiment makes (without drawing the design).

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1, "replications": 10,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> run_count(exp)
        20
    """
    k = len(exp.factors)
    n = exp.samples or 0
    per_rep = {
        "grid": int(np.prod([len(f.levels or []) for f in exp.factors.values()])),
        "random": n,
        "latin": n,
        "morris": n * (k + 1),
        "sobol": n * (2 * k + 2 if exp.second_order else k + 2),
    }[exp.design]
    return per_rep * exp.replications


# --- how big a plan is, and which plan it is ----------------------------------------------

#: Bytes a sweep holds per run besides copies of its plan row: the sets of saved run ids
#: (checked, then kept by the store) and a task at a time (tasks are made as they are sent).
PER_RUN_BYTES = 150
#: Copies of the plan a sweep holds at once: the plan drawn, the saved one it is compared
#: with, and a column being converted.
PLAN_COPIES = 3
#: A plan is refused when a sweep of it would need more than this share of the machine's memory.
MEMORY_SHARE = 0.5


def plan_bytes(exp: Experiment) -> int:
    """About how many bytes of memory drawing the plan and sweeping it need (without running anything).

    A row of the plan is 8 bytes per column (run_id, sample_id, replicate, seed and one per
    factor); a sweep holds :data:`PLAN_COPIES` copies of it and :data:`PER_RUN_BYTES` more per
    run; a sampled design also draws a matrix of one float per sample and factor, which the
    samplers copy a few times.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "replications": 1000, "outcomes": ["annual_turnover"],
        ...                             "factors": {"rex.enabled": [True, False]}})
        >>> plan_bytes(exp)                                       # 2,000 runs of 5 columns
        540000
    """
    runs = run_count(exp)
    k = len(exp.factors)
    row = 8 * (len(ID_COLUMNS) + k)
    per_replicate = runs // exp.replications
    matrix = 0 if exp.design == "grid" else per_replicate * 8 * k * 4
    return runs * (PLAN_COPIES * row + PER_RUN_BYTES) + matrix


def memory_total() -> int:
    """The machine's physical memory in bytes.

    Example:
        >>> memory_total() > 2**20
        True
    """
    import psutil  # installed with dask's distributed

    return int(psutil.virtual_memory().total)


def size_text(count: float) -> str:
    """A number of bytes for a person: 3 significant digits and a binary unit.

    Example:
        >>> size_text(540000), size_text(80 * 2**40), size_text(12)
        ('527 KiB', '80 TiB', '12 B')
    """
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    unit = 0
    while count >= 1024 and unit < len(units) - 1:
        count, unit = count / 1024, unit + 1
    return f"{count:.0f} {units[unit]}" if unit == 0 or count >= 100 else f"{count:.3g} {units[unit]}"


def check_plan_size(exp: Experiment, source: str | None = None) -> None:
    """Refuse (:class:`~coopsim.experiments.engine.spec.ExperimentError`) a plan that a sweep could not
    hold in memory: more than :data:`MEMORY_SHARE` of the machine's, by :func:`plan_bytes`.
    Checked from the counts alone, before anything is drawn.

    Example:
        >>> from coopsim.experiments import Experiment
        >>> huge = Experiment.model_validate({"scenario": "tera", "design": "sobol", "samples": 8388608,
        ...                                   "replications": 1000000, "master_seed": 1,
        ...                                   "factors": {"rex.participation": {"low": 0.2, "high": 0.9}}})
        >>> try:
        ...     check_plan_size(huge, "big.toml")
        ... except ExperimentError as exc:
        ...     print(exc)
        big.toml: 25,165,824,000,000 runs (25,165,824 per replicate x 1,000,000 replications): their plan needs about ... of memory, more than half of this machine's ...; lower samples or replications
    """
    need, have = plan_bytes(exp), memory_total()
    if need <= MEMORY_SHARE * have:
        return
    runs = run_count(exp)
    per_replicate = runs // exp.replications
    raise ExperimentError(
        f"{source or exp.source}: {runs:,} runs ({per_replicate:,} per replicate x {exp.replications:,} "
        f"replications): their plan needs about {size_text(need)} of memory, more than half of this "
        f"machine's {size_text(have)}; lower samples or replications"
    )


def plan_fingerprint(exp: Experiment, plan: pd.DataFrame) -> str:
    """sha256 of the experiment (its :attr:`~coopsim.experiments.engine.spec.Experiment.fingerprint`:
    the experiment's values, its base scenario and horizon) and of its plan's values (run
    ids, samples, replicates, seeds, factor values): which plan a run belongs to.

    Every part file of a sweep's store carries it, so that runs of another plan are never
    taken for runs of this one.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> data = {"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...         "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}}
        >>> exp, other = experiment_from_dict(data), experiment_from_dict({**data, "master_seed": 2})
        >>> fp = plan_fingerprint(exp, plan(exp))
        >>> len(fp), fp == plan_fingerprint(exp, plan(exp)), fp == plan_fingerprint(other, plan(other))
        (64, True, False)
    """
    digest = hashlib.sha256(exp.fingerprint.encode("ascii"))
    for name in plan.columns:
        values = plan[name].to_numpy()
        kind = values.dtype.kind
        digest.update(f"\0{name}\0{kind}\0".encode())
        if kind in "biu":
            digest.update(np.ascontiguousarray(values, dtype="<i8").tobytes())
        elif kind == "f":
            digest.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
        else:
            digest.update(json.dumps(values.tolist(), ensure_ascii=True, default=str).encode("ascii"))
    return digest.hexdigest()
