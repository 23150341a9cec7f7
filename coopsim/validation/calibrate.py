"""Calibration: a Latin-hypercube search of behavioural constants against the patterns.

Only the **fit** patterns (``role == "fit"``, :data:`~.patterns.FIT_PATTERNS`) are ever
computed here, with only the scenarios they need; the held-out patterns are left to the
validation. (:mod:`.ensemble` keeps, instead of a best point, every plausible point.)

Method (a rejection step of approximate Bayesian computation, kept simple): draw
``samples`` points of a Latin hypercube over the ranges of :data:`CONSTANTS`, simulate the
fit patterns on ``seeds`` paired seeds at each point, and rank the points by the number of
patterns they put in range, then by how far their pattern values fall outside their target
ranges (0 when all are inside; each pattern's distance is measured in widths of its
range), and among points with every pattern in range by their margin (how far the pattern
nearest a bound of its range is from it, in widths of that range: a point that passes with
room is likelier to pass on other seeds); keep the best points. The search is seeded, so
the same call gives the same ranking.

The search may go on in rounds: each further round draws a new hypercube inside the box
spanned by the best ``keep`` points so far (:func:`narrowed`). A few seeds per point make
the screening cheap but noisy, so a last step (:func:`confirm`) scores the best ``keep``
points of all rounds again on more seeds, with the same distance, and ranks them anew.
Every step simulates the seeds of :data:`CALIBRATION_SEED`, not those of the validation.

The fitted values are then written by hand into ``scenarios/tera.toml``, marked
``[fitted]``; ``docs/VALIDATION.md`` says which constants were fitted, to what and how.

Example:
    >>> sorted(CONSTANTS)[:2]
    ['mediation.resolution_probability', 'membership.embeddedness_hold']
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from .patterns import FIT, FIT_KEYS, PATTERNS_BY_KEY
from .validate import process_pool, simulate, summarise

# The behavioural constants searched, with their ranges (all [assumed] before calibration).
CONSTANTS: dict[str, tuple[float, float]] = {
    "wellbeing.overload_strain": (0.01, 0.05),
    "wellbeing.role_strain": (0.0005, 0.006),
    "wellbeing.saturation_strain": (0.0005, 0.003),
    "wellbeing.recovery": (0.015, 0.06),
    "wellbeing.recovery_floor": (0.002, 0.015),
    "wellbeing.w_exhaustion": (0.1, 0.6),
    "membership.withdraw_below": (0.2, 0.36),
    "membership.identity_shift": (0.0, 0.3),
    "membership.life_departure": (0.001, 0.005),
    "membership.inertia_years": (0.5, 6.0),
    "work.drop_base": (0.001, 0.005),
    "work.drop_exhausted": (0.005, 0.03),
    "work.identity_hold": (0.0, 0.9),
    "rex.limits": (0.3, 1.0),
    "rex.streamlining": (0.0, 0.8),
    "membership.embeddedness_hold": (0.0, 1.0),
    "mediation.resolution_probability": (0.3, 0.8),
}

# The search simulates seeds of its own master seed: the validation's seeds (MASTER_SEED)
# stay held out, so the validation table is not the one the search optimised.
CALIBRATION_SEED = 7


def room(values: Mapping[str, float]) -> list[float]:
    """Each fit pattern value's room inside its range: the distance to the nearer bound, in
    widths of the range, negative outside it (-1 for a value that could not be computed).
    A held-out pattern raises: no search may score one.

    Example:
        >>> [round(r, 3) for r in room({"mediation_success": 0.7, "settled_people": 155})]  # 0.03 of 0.09 left; 1 over
        [0.333, -1.0]
    """
    rooms = []
    for key, v in values.items():
        p = PATTERNS_BY_KEY[key]
        if p.role != FIT:
            raise ValueError(f"{key} is a held-out pattern: the calibration never scores it")
        rooms.append(min(v - p.low, p.high - v) / (p.high - p.low) if np.isfinite(v) else -1.0)
    return rooms


def distance(values: Mapping[str, float]) -> float:
    """How far pattern values are from their ranges, in range widths, summed (0 = all in).

    Example:
        >>> distance({"mediation_success": 0.7}), round(distance({"mediation_success": 0.73 + 0.09}), 9)
        (0.0, 1.0)
    """
    return float(sum(max(-r, 0.0) for r in room(values)))


def margin(values: Mapping[str, float]) -> float:
    """The smallest room any pattern value has inside its range (:func:`room`).

    Example:
        >>> round(margin({"mediation_success": 0.7, "high_exhaustion": 0.03}), 3)   # 0.01 over 0.02 in 0.13
        0.077
    """
    return float(min(room(values)))


def points(samples: int, seed: int = 0, constants: Mapping[str, tuple[float, float]] = CONSTANTS) -> pd.DataFrame:
    """``samples`` Latin-hypercube points over the constants' ranges.

    Example:
        >>> pts = points(4, seed=1)
        >>> pts.shape, bool(pts["work.drop_base"].between(0.001, 0.005).all())
        ((4, 17), True)
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
    constants: Mapping[str, tuple[float, float]] = CONSTANTS,
    label: str = "sample",
) -> pd.DataFrame:
    """Score ``samples`` points (and the current values, as row ``current``), best first.

    Each row has the constants' values, every fit pattern's value (median over the seeds, or
    share of seeds), the number of fit patterns in range and the distance. Points are named
    ``"{label} {k}"``.

    Example (one point on one seed, about ten seconds):
        >>> ranked = calibrate(samples=1, seeds=1, workers=1)
        >>> ranked["point"].tolist() == ["current", "sample 0"] or ranked["point"].tolist() == ["sample 0", "current"]
        True
        >>> int(ranked["in_range"].max()) <= len(FIT_KEYS), "simon_arc" in ranked    # held-out: never computed
        (True, False)
    """
    candidates: list[tuple[str, dict[str, Any]]] = [("current", {})]
    candidates += [(f"{label} {k}", dict(row)) for k, row in points(samples, seed, constants).iterrows()]
    return _score(candidates, seeds, workers, progress)


def narrowed(ranked: pd.DataFrame, keep: int) -> dict[str, tuple[float, float]]:
    """The box spanned by the best ``keep`` searched points of a ranking: the ranges of the
    next round of the search (the ``current`` row does not count).

    Example:
        >>> ranked = pd.DataFrame({"point": ["sample 4", "current", "sample 1", "sample 0"],
        ...                        "work.drop_base": [0.002, float("nan"), 0.003, 0.0045]})
        >>> narrowed(ranked, keep=2)["work.drop_base"]
        (0.002, 0.003)
    """
    best = ranked[ranked["point"] != "current"].head(keep)
    return {k: (float(best[k].min()), float(best[k].max())) for k in CONSTANTS if k in best}


def confirm(
    ranked: pd.DataFrame, keep: int = 5, seeds: int = 10, workers: int = 2, progress: Callable[[int], Any] | None = None
) -> pd.DataFrame:
    """The second step: score the best ``keep`` points of a ranking again on ``seeds`` seeds.

    Example:
        >>> ranked = pd.DataFrame({"point": ["current", "sample 3"], "work.drop_base": [float("nan"), 0.002]})
        >>> _overrides(ranked.iloc[1])
        {'work.drop_base': 0.002}
    """
    candidates = [(str(row["point"]), _overrides(row)) for _, row in ranked.head(keep).iterrows()]
    return _score(candidates, seeds, workers, progress)


def _overrides(row: pd.Series) -> dict[str, float]:
    """The constants a ranking row sets (the ``current`` row sets none)."""
    return {k: float(row[k]) for k in CONSTANTS if k in row and np.isfinite(row[k])}


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
            per_seed = simulate(
                seeds,
                workers=workers,
                patterns=FIT_KEYS,
                overrides=overrides or None,
                master_seed=CALIBRATION_SEED,
                pool=pool,
            )
            table = summarise(per_seed)
            values = dict(zip(table["pattern"], table["value"], strict=True))
            in_range = int(table["passed"].sum())
            rows.append(
                {
                    "point": name,
                    **overrides,
                    **values,
                    "in_range": in_range,
                    "distance": distance(values),
                    "margin": margin(values),
                }
            )
            if progress is not None:
                progress(1)
    return rank(pd.DataFrame(rows))


def rank(scored: pd.DataFrame) -> pd.DataFrame:
    """Best first: the most patterns in range, then the smallest distance (pattern-oriented
    modelling filters parameter sets by the patterns they reproduce; the distance breaks ties),
    then the largest margin (it breaks the ties of the points with every pattern in range).

    Example:
        >>> rank(pd.DataFrame({"point": ["a", "b", "c", "d"], "in_range": [14, 15, 15, 15],
        ...                    "distance": [0.1, 0.4, 0.0, 0.0], "margin": [-0.1, -0.4, 0.02, 0.05]}))["point"].tolist()
        ['d', 'c', 'b', 'a']
    """
    return scored.sort_values(["in_range", "distance", "margin"], ascending=[False, True, False]).reset_index(drop=True)


__all__ = [
    "CALIBRATION_SEED",
    "CONSTANTS",
    "calibrate",
    "confirm",
    "distance",
    "margin",
    "narrowed",
    "points",
    "rank",
    "room",
]
