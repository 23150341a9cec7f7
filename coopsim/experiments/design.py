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

import itertools
from typing import Any

import numpy as np
import pandas as pd

from .seeds import derive_seed, design_seed
from .spec import Experiment, Factor
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
