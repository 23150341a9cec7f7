"""Which uncertain constants the key conclusions hang on: Sobol indices over the constants.

The fit leaves an ensemble of plausible constant sets (:mod:`.ensemble`); a Sobol analysis
(Sobol 2001; Saltelli et al. 2010) says which of the uncertain constants make the key
conclusions vary: REX's effect on exhaustion (``rex_exhaustion_smd``), the burnout ratio of
multi-role members (``multirole_burnout_ratio``), officer turnover (``officer_turnover``)
and high exhaustion (``high_exhaustion``). The first-order index ``S1`` of a constant is
the share of an output's variance it explains alone, the total index ``ST`` the share it
takes part in, with its interactions.

The sample is SALib's Saltelli/Sobol' design over the ranges of
:data:`~.calibrate.CONSTANTS`, ``n`` · (k + 2) points (``n`` a power of two); each point
runs the baseline and ``tera-without-rex`` on ``seeds`` paired seeds of
:data:`~.calibrate.CALIBRATION_SEED`, and an output is the mean of its statistic over the
seeds (a value that could not be computed is replaced by the output's mean over the points,
and counted in the ``missing`` column; an output that does not vary gets no indices).

Example:
    >>> SOBOL_OUTPUTS[0]
    'rex_exhaustion_smd'
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .calibrate import CALIBRATION_SEED, CONSTANTS
from .validate import process_pool, simulate_points

SOBOL_OUTPUTS = ("rex_exhaustion_smd", "multirole_burnout_ratio", "officer_turnover", "high_exhaustion")


def problem(constants: Mapping[str, tuple[float, float]] = CONSTANTS) -> dict[str, Any]:
    """The SALib problem: the constants' names and ranges.

    Example:
        >>> problem({"work.drop_base": (0.001, 0.005)})["bounds"]
        [[0.001, 0.005]]
    """
    return {"num_vars": len(constants), "names": list(constants), "bounds": [[lo, hi] for lo, hi in constants.values()]}


def sobol_indices(
    n: int,
    seeds: int = 2,
    workers: int = 2,
    constants: Mapping[str, tuple[float, float]] = CONSTANTS,
    outputs: tuple[str, ...] = SOBOL_OUTPUTS,
    years: float | None = None,
    seed: int = 1,
    progress: Callable[[int], Any] | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices of every constant for every output, with SALib's
    95 % confidence half-widths: columns ``output``, ``constant``, ``S1``, ``S1_conf``,
    ``ST``, ``ST_conf``, ``points``, ``missing``.

    Example (two constants, n = 2: 8 points on one seed of three years):
        >>> idx = sobol_indices(2, seeds=1, workers=1, years=3, outputs=("officer_turnover",),
        ...                     constants={"work.drop_base": (0.001, 0.005), "membership.withdraw_below": (0.2, 0.36)})
        >>> idx[["output", "constant"]].values.tolist()
        [['officer_turnover', 'work.drop_base'], ['officer_turnover', 'membership.withdraw_below']]
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    prob = problem(constants)
    x = sample.sample(prob, n, calc_second_order=False, seed=seed)
    overrides = [dict(zip(prob["names"], (float(v) for v in row), strict=True)) for row in x]
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(process_pool(workers)) if workers > 1 else None
        per_seed = simulate_points(
            overrides,
            seeds,
            years,
            workers,
            patterns=outputs,
            master_seed=CALIBRATION_SEED,
            progress=progress,
            pool=pool,
        )
    means = per_seed.groupby("point")[list(outputs)].mean()
    rows = []
    for out in outputs:
        y = means[out].to_numpy(dtype=float)
        missing = int((~np.isfinite(y)).sum())
        y = np.where(np.isfinite(y), y, np.nanmean(y) if missing < y.size else 0.0)
        if np.std(y) > 0:
            si = analyze.analyze(prob, y, calc_second_order=False, seed=seed, print_to_console=False)
        else:  # an output that does not vary has no variance to share out
            si = {name: np.full(len(prob["names"]), np.nan) for name in ("S1", "S1_conf", "ST", "ST_conf")}
        for k, name in enumerate(prob["names"]):
            rows.append(
                {
                    "output": out,
                    "constant": name,
                    "S1": float(si["S1"][k]),
                    "S1_conf": float(si["S1_conf"][k]),
                    "ST": float(si["ST"][k]),
                    "ST_conf": float(si["ST_conf"][k]),
                    "points": len(y),
                    "missing": missing,
                }
            )
    return pd.DataFrame(rows)


def sobol_text(indices: pd.DataFrame, top: int = 5) -> str:
    """The ``top`` constants of each output by total index, as plain text.

    Example:
        >>> t = pd.DataFrame({"output": ["o", "o"], "constant": ["a.b", "c.d"], "S1": [0.1, 0.5],
        ...                   "S1_conf": [0.05, 0.05], "ST": [0.2, 0.7], "ST_conf": [0.1, 0.1]})
        >>> sobol_text(t).splitlines()[1].split()[0]
        'c.d'
    """
    lines = []
    for out, g in indices.groupby("output", sort=False):
        lines.append(f"{out}: constant, S1 ± 95 %, ST ± 95 %")
        for r in g.sort_values("ST", ascending=False).head(top).itertuples():
            lines.append(f"  {r.constant:<30} {r.S1:6.3f} ± {r.S1_conf:.3f}  {r.ST:6.3f} ± {r.ST_conf:.3f}")
    return "\n".join(lines)


__all__ = ["SOBOL_OUTPUTS", "problem", "sobol_indices", "sobol_text"]
