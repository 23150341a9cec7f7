"""Calibration: a Latin-hypercube search of behavioural constants against the patterns.

Method (a rejection step of approximate Bayesian computation, kept simple): draw
``samples`` points of a Latin hypercube over the ranges of :data:`CONSTANTS`, simulate the
patterns on ``seeds`` paired seeds at each point, score each point by how far its
pattern values fall outside their target ranges (0 when all are inside; each pattern's
distance is measured in widths of its range), and keep the best points. The search is
seeded, so the same call gives the same ranking.

A second step (:func:`refine`) scores a small grid over two constants with the same
distance: after role identity was added to withdrawal (``membership.identity_shift``),
it refitted ``membership.withdraw_below`` together with the new constant.

The fitted values are then written by hand into ``scenarios/tera.toml``, marked
``[fitted]``; ``docs/VALIDATION.md`` says which constants were fitted, to what and how.

Example:
    >>> sorted(CONSTANTS)[:2]
    ['membership.life_departure', 'membership.withdraw_below']
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from .patterns import PATTERNS_BY_KEY
from .validate import process_pool, simulate, summarise

# The behavioural constants searched, with their ranges (all [assumed] before calibration).
CONSTANTS: dict[str, tuple[float, float]] = {
    "wellbeing.overload_strain": (0.01, 0.04),
    "wellbeing.recovery": (0.003, 0.01),
    "wellbeing.role_strain": (0.002, 0.01),
    "membership.withdraw_below": (0.25, 0.4),
    "membership.life_departure": (0.001, 0.004),
    "work.drop_base": (0.001, 0.004),
}

# The second step: withdrawal's midpoint refitted with role identity (the other five stay).
REFINE_GRID: tuple[dict[str, float], ...] = tuple(
    {"membership.withdraw_below": below, "membership.identity_shift": shift}
    for below, shift in [(0.34, 0.0), (0.34, 0.08), (0.31, 0.1), (0.28, 0.12), (0.31, 0.14), (0.28, 0.16)]
)


def distance(values: Mapping[str, float]) -> float:
    """How far pattern values are from their ranges, in range widths, summed (0 = all in).

    Example:
        >>> distance({"mediation_success": 0.7}), distance({"mediation_success": 0.8 + 0.25})
        (0.0, 1.0)
    """
    total = 0.0
    for key, v in values.items():
        p = PATTERNS_BY_KEY[key]
        if not np.isfinite(v):
            total += 1.0
            continue
        total += max(p.low - v, 0.0, v - p.high) / (p.high - p.low)
    return float(total)


def points(samples: int, seed: int = 0, constants: Mapping[str, tuple[float, float]] = CONSTANTS) -> pd.DataFrame:
    """``samples`` Latin-hypercube points over the constants' ranges.

    Example:
        >>> pts = points(4, seed=1)
        >>> pts.shape, bool(pts["work.drop_base"].between(0.001, 0.004).all())
        ((4, 6), True)
    """
    unit = qmc.LatinHypercube(d=len(constants), seed=np.random.default_rng(seed)).random(samples)
    lows = np.array([lo for lo, _ in constants.values()])
    highs = np.array([hi for _, hi in constants.values()])
    return pd.DataFrame(lows + unit * (highs - lows), columns=list(constants))


def calibrate(
    samples: int = 24,
    seeds: int = 3,
    workers: int = 2,
    seed: int = 0,
    progress: Callable[[int], Any] | None = None,
) -> pd.DataFrame:
    """Score ``samples`` points (and the current values, as row ``current``), best first.

    Each row has the constants' values, every pattern's value (median over the seeds, or
    share of seeds), the number of patterns in range and the distance.
    """
    candidates: list[tuple[str, dict[str, Any]]] = [("current", {})]
    candidates += [(f"sample {k}", dict(row)) for k, row in points(samples, seed).iterrows()]
    return _score(candidates, seeds, workers, progress)


def refine(
    seeds: int = 6,
    workers: int = 2,
    grid: tuple[dict[str, float], ...] = REFINE_GRID,
    progress: Callable[[int], Any] | None = None,
) -> pd.DataFrame:
    """The second step: score the points of ``grid`` (and the current values), best first.

    Example:
        >>> sorted(REFINE_GRID[0])
        ['membership.identity_shift', 'membership.withdraw_below']
    """
    candidates: list[tuple[str, dict[str, Any]]] = [("current", {})]
    candidates += [(f"grid {k}", dict(point)) for k, point in enumerate(grid)]
    return _score(candidates, seeds, workers, progress)


def _score(
    candidates: list[tuple[str, dict[str, Any]]],
    seeds: int,
    workers: int,
    progress: Callable[[int], Any] | None = None,
) -> pd.DataFrame:
    """Simulate every candidate (a name and its overrides) and rank them by distance; one
    pool of processes serves all candidates."""
    rows = []
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(process_pool(workers)) if workers > 1 else None
        for name, overrides in candidates:
            table = summarise(simulate(seeds, workers=workers, overrides=overrides or None, pool=pool))
            values = dict(zip(table["pattern"], table["value"], strict=True))
            in_range = int(table["passed"].sum())
            rows.append({"point": name, **overrides, **values, "in_range": in_range, "distance": distance(values)})
            if progress is not None:
                progress(1)
    return pd.DataFrame(rows).sort_values(["distance", "in_range"], ascending=[True, False]).reset_index(drop=True)


__all__ = ["CONSTANTS", "REFINE_GRID", "calibrate", "distance", "points", "refine"]
