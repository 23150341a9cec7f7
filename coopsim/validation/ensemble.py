"""History matching: every constant set the fit patterns cannot rule out, kept as an ensemble.

Instead of one best point, the fit keeps all the plausible ones, so that every conclusion
can be given with the spread that the remaining uncertainty about the constants implies
(history matching, Craig et al. 1997, Vernon et al. 2010; for stochastic agent-based models,
Andrianakis et al. 2015). It is the rejection step of approximate Bayesian computation with
the implausibility as its distance.

1. Draw ``samples`` points of a Latin hypercube over the ranges of
   :data:`~.calibrate.CONSTANTS` (:func:`~.calibrate.points`).
2. Simulate the **fit** patterns only, and only the scenarios they need, on ``seeds`` paired
   seeds of :data:`~.calibrate.CALIBRATION_SEED` (never the validation's seeds).
3. For each point and fit pattern, the implausibility (:func:`implausibility`): how far the
   point's median lies outside the target range, in units that combine the softness of the
   range's bounds (``SOFT_BOUND`` of its width) and the uncertainty of a median over the
   seeds (from the seed-to-seed spread).
4. Keep the points whose every fit pattern has an implausibility under ``cutoff`` (3, the
   usual choice: Pukelsheim's three-sigma rule), or the best ``best_fraction`` by their
   largest implausibility. Further ``rounds`` (waves) draw new hypercubes in the box of the
   points kept so far and add their plausible points.
5. Write the ensemble (:func:`write_ensemble`): one row per plausible constant set, its
   constants (dotted names), each fit pattern's median and implausibility (``I_<pattern>``)
   and the largest (``max_implausibility``).

Example:
    >>> round(implausibility(np.array([0.30, 0.32, 0.28]), 0.05, 0.2), 2)   # 0.1 over, in ~0.02 units
    4.8
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..scenario import SCENARIO_DIR
from .calibrate import CALIBRATION_SEED, CONSTANTS, points
from .patterns import FIT_KEYS, PATTERNS_BY_KEY
from .validate import centre, process_pool, simulate_points

ENSEMBLE_FILE = SCENARIO_DIR / "tera-ensemble.csv"  # the shipped ensemble, when there is one
SOFT_BOUND = 0.1  # a target range's bounds are known to about a tenth of its width
CUTOFF = 3.0
PREFIX = "I_"  # the column of a pattern's implausibility


def implausibility(values: np.ndarray, low: float, high: float, share: bool = False) -> float:
    """How implausible a point is for one pattern: the distance of its median over the seeds
    (the share, for a yes/no pattern) from the range [``low``, ``high``], 0 inside, over
    ``sqrt((SOFT_BOUND · width)² + var)``, where ``var`` is the variance of that median over
    ``k`` seeds: ``π/2 · s²/k`` from the seeds' standard deviation ``s`` (the median of a
    normal sample; 0 with one seed), ``q(1 − q)/k`` for a share ``q``. No finite value: inf.

    Example:
        >>> implausibility(np.array([0.1, 0.12]), 0.05, 0.2)                 # inside
        0.0
        >>> round(implausibility(np.array([0.3]), 0.05, 0.2), 3)             # one seed: 0.1 / 0.015
        6.667
        >>> implausibility(np.array([np.nan]), 0.05, 0.2)
        inf
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if not x.size:
        return float("inf")
    value = float(x.mean()) if share else float(np.median(x))
    gap = max(low - value, 0.0, value - high)
    if gap == 0.0:
        return 0.0
    k = x.size
    if share:
        var = value * (1 - value) / k
    else:
        var = np.pi / 2 * float(x.var(ddof=1)) / k if k > 1 else 0.0
    unit = np.sqrt((SOFT_BOUND * (high - low)) ** 2 + var)
    return float(gap / unit) if unit > 0 else float("inf")


def score_points(per_seed: pd.DataFrame, keys: tuple[str, ...] = FIT_KEYS) -> pd.DataFrame:
    """Each point's median (or share) of every fit pattern, its implausibility and the largest.

    Example:
        >>> frame = pd.DataFrame({"point": [0, 0, 1, 1], "seed": [1, 2, 1, 2],
        ...                       "officer_turnover": [0.1, 0.12, 0.3, 0.32]})
        >>> score_points(frame, ("officer_turnover",))["max_implausibility"].round(2).tolist()
        [0.0, 5.63]
    """
    rows = []
    for point, g in per_seed.groupby("point"):
        row: dict[str, Any] = {"point": point}
        for key in keys:
            p = PATTERNS_BY_KEY[key]
            x = g[key].to_numpy(dtype=float)
            row[key] = centre(p, x)
            row[PREFIX + key] = implausibility(x, p.low, p.high, p.share_of_seeds)
        row["max_implausibility"] = max(row[PREFIX + k] for k in keys)
        rows.append(row)
    return pd.DataFrame(rows)


def plausible(scored: pd.DataFrame, cutoff: float = CUTOFF, best_fraction: float | None = None) -> pd.DataFrame:
    """The points kept: every implausibility under ``cutoff``, or the best ``best_fraction``
    of the points by their largest implausibility; best first.

    Example:
        >>> scored = pd.DataFrame({"point": [0, 1, 2, 3], "max_implausibility": [4.0, 0.5, 2.9, 0.0]})
        >>> plausible(scored)["point"].tolist(), plausible(scored, best_fraction=0.25)["point"].tolist()
        ([3, 1, 2], [3])
    """
    ranked = scored.sort_values("max_implausibility", kind="stable").reset_index(drop=True)
    if best_fraction is not None:
        return ranked.head(max(1, int(np.ceil(best_fraction * len(ranked)))))
    return ranked[ranked["max_implausibility"] < cutoff].reset_index(drop=True)


def history_match(
    samples: int = 200,
    seeds: int = 4,
    workers: int = 2,
    seed: int = 1,
    cutoff: float = CUTOFF,
    best_fraction: float | None = None,
    rounds: int = 1,
    constants: Mapping[str, tuple[float, float]] = CONSTANTS,
    years: float | None = None,
    progress: Callable[[int], Any] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score ``samples`` hypercube points per round on the fit patterns; return every scored
    point and the ensemble (the plausible ones, best first), each with its constants.

    Example (two points on one seed of one year):
        >>> scored, kept = history_match(samples=2, seeds=1, workers=1, years=1)
        >>> len(scored), set(kept["point"]) <= set(scored["point"]), "simon_arc" in scored
        (2, True, False)
    """
    box = dict(constants)
    all_scored: list[pd.DataFrame] = []
    kept = pd.DataFrame()
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(process_pool(workers)) if workers > 1 else None
        for r in range(rounds):
            pts = points(samples, seed + r, box)
            per_seed = simulate_points(
                [dict(row) for _, row in pts.iterrows()],
                seeds,
                years,
                workers,
                patterns=FIT_KEYS,
                master_seed=CALIBRATION_SEED,
                progress=progress,
                pool=pool,
            )
            scored = score_points(per_seed)
            scored["point"] = [f"wave {r + 1} point {k}" for k in scored["point"]]
            scored = pd.concat([scored[["point"]], pts.reset_index(drop=True), scored.drop(columns="point")], axis=1)
            all_scored.append(scored)
            everything = pd.concat(all_scored, ignore_index=True)
            kept = plausible(everything, cutoff, best_fraction)
            if len(kept) >= 2:  # the next wave searches the box of the points kept so far
                box = {k: (float(kept[k].min()), float(kept[k].max())) for k in constants}
    return pd.concat(all_scored, ignore_index=True), kept


def constant_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of an ensemble that are constants: dotted names (``wellbeing.recovery``)."""
    return [c for c in frame.columns if "." in c]


def overrides_of(frame: pd.DataFrame) -> list[dict[str, float]]:
    """Each row's constants, as overrides for :func:`coopsim.run`.

    Example:
        >>> overrides_of(pd.DataFrame({"point": ["a"], "work.drop_base": [0.002], "max_implausibility": [0.0]}))
        [{'work.drop_base': 0.002}]
    """
    cols = constant_columns(frame)
    return [{c: float(row[c]) for c in cols} for _, row in frame.iterrows()]


def write_ensemble(kept: pd.DataFrame, path: Path) -> Path:
    """Write the ensemble as CSV (one row per plausible constant set, with its scores)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept.to_csv(path, index=False)
    return path


def read_ensemble(path: Path) -> pd.DataFrame:
    """Read an ensemble written by :func:`write_ensemble`; it must name at least one constant."""
    frame = pd.read_csv(path)
    if not constant_columns(frame):
        raise ValueError(f"{path}: no constant column (dotted names such as wellbeing.recovery): not an ensemble")
    return frame


def default_ensemble() -> Path | None:
    """The shipped ensemble file, when there is one."""
    return ENSEMBLE_FILE if ENSEMBLE_FILE.exists() else None


__all__ = [
    "CUTOFF",
    "ENSEMBLE_FILE",
    "SOFT_BOUND",
    "constant_columns",
    "default_ensemble",
    "history_match",
    "implausibility",
    "overrides_of",
    "plausible",
    "read_ensemble",
    "score_points",
    "write_ensemble",
]
