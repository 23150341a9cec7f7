"""Mechanism effects: differences between paired runs, reported with their uncertainty.

A pattern says whether the model reproduces what is observed; an effect says how much a
lever changes an outcome, and how sure the model is of it. Each :class:`Effect` computes,
on each seed, a few numbers from the baseline and a variant run on the same seed (its
*parts*), and combines them over the seeds into one value (a median, a mean or a ratio of
means: a burnout incidence ratio is a ratio of means over the seeds, as one seed has only a
few burnouts). Its interval over seeds is a bootstrap over the seeds; over the ensemble of
plausible constant sets (:mod:`.ensemble`), the spread of the values of the sets. Where a
published effect size exists, it is reported beside it.

Example:
    >>> [e.key for e in EFFECTS][:2]
    ['rex_exhaustion_smd', 'rex_burnout_ratio']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..runner import RunResult
from .patterns import BASELINE, rex_exhaustion_smd

Parts = Callable[[Mapping[str, RunResult]], dict[str, float]]
Combine = Callable[[Mapping[str, np.ndarray]], float]

BOOTSTRAP = 1000  # resamples of the seeds for an effect's interval over seeds
SEPARATOR = ":"  # an effect's part is the column "effect:part" of the per-seed table


def _median(part: str) -> Combine:
    return lambda x: float(np.nanmedian(x[part])) if np.isfinite(x[part]).any() else float("nan")


def _mean(part: str) -> Combine:
    return lambda x: float(np.nanmean(x[part])) if np.isfinite(x[part]).any() else float("nan")


def _ratio_of_means(x: Mapping[str, np.ndarray]) -> float:
    below = float(np.nanmean(x["without"])) if np.isfinite(x["without"]).any() else float("nan")
    above = float(np.nanmean(x["with"])) if np.isfinite(x["with"]).any() else float("nan")
    return above / below if below > 0 else float("nan")


def _summary_pair(key: str, with_lever: str, without_lever: str) -> Parts:
    """The parts ``with`` and ``without``: a summary metric in two paired runs."""
    return lambda runs: {
        "with": float(runs[with_lever].summary[key]),
        "without": float(runs[without_lever].summary[key]),
    }


def _summary_difference(key: str, with_lever: str, without_lever: str) -> Parts:
    """The part ``diff``: a summary metric with the lever minus without, on the same seed."""
    return lambda runs: {"diff": float(runs[with_lever].summary[key]) - float(runs[without_lever].summary[key])}


@dataclass(frozen=True)
class Effect:
    """A lever's effect on an outcome: parts per seed, combined over the seeds.

    Example:
        >>> e = EFFECTS_BY_KEY["rex_burnout_ratio"]
        >>> e.combine({"with": np.array([1.0, 2.0]), "without": np.array([2.0, 4.0])})
        0.5
    """

    key: str
    label: str
    unit: str
    needs: tuple[str, ...]
    parts: Parts
    combine: Combine
    published: tuple[float, float, float] | None = None  # value, low, high of a published effect size
    source: str = ""  # a key of patterns.SOURCES, for the published figure
    note: str = ""


WITHOUT_REX, WITHOUT_MEDIATION, WITH_CONTRACT = "tera-without-rex", "tera-without-mediation", "tera-with-contract"

EFFECTS: tuple[Effect, ...] = (
    Effect("rex_exhaustion_smd", "REX on exhaustion: Cohen's d, with − without (median over seeds)", "SMD",
           (BASELINE, WITHOUT_REX), lambda runs: {"d": rex_exhaustion_smd(runs)}, _median("d"),
           published=(-0.45, -0.62, -0.28), source="panagioti",
           note="organisation-directed interventions among physicians, 95 % CI"),
    Effect("rex_burnout_ratio", "REX on burnouts: incidence ratio, with / without", "ratio",
           (BASELINE, WITHOUT_REX), _summary_pair("burnout_incidence_per_100py", BASELINE, WITHOUT_REX),
           _ratio_of_means, note="no published incidence ratio; below 1 means fewer burnouts with REX"),
    Effect("rex_turnover_diff", "REX on yearly turnover: with − without", "per year",
           (BASELINE, WITHOUT_REX), _summary_difference("annual_turnover", BASELINE, WITHOUT_REX), _mean("diff")),
    Effect("mediation_burnout_ratio", "mediation on burnouts: incidence ratio, with / without", "ratio",
           (BASELINE, WITHOUT_MEDIATION), _summary_pair("burnout_incidence_per_100py", BASELINE, WITHOUT_MEDIATION),
           _ratio_of_means),
    Effect("mediation_turnover_diff", "mediation on yearly turnover: with − without", "per year",
           (BASELINE, WITHOUT_MEDIATION), _summary_difference("annual_turnover", BASELINE, WITHOUT_MEDIATION),
           _mean("diff")),
    Effect("contract_turnover_diff", "contractualisation on yearly turnover: with − without", "per year",
           (BASELINE, WITH_CONTRACT), _summary_difference("annual_turnover", WITH_CONTRACT, BASELINE),
           _mean("diff")),
)  # fmt: skip

EFFECTS_BY_KEY = {e.key: e for e in EFFECTS}


def effect_columns(frame: pd.DataFrame, key: str) -> dict[str, np.ndarray]:
    """An effect's parts in a per-seed table, by part name.

    Example:
        >>> frame = pd.DataFrame({"seed": [1], "rex_burnout_ratio:with": [1.0], "rex_burnout_ratio:without": [2.0]})
        >>> effect_columns(frame, "rex_burnout_ratio")
        {'with': array([1.]), 'without': array([2.])}
    """
    prefix = key + SEPARATOR
    return {c[len(prefix) :]: frame[c].to_numpy(dtype=float) for c in frame.columns if c.startswith(prefix)}


def bootstrap_interval(e: Effect, parts: Mapping[str, np.ndarray], resamples: int = BOOTSTRAP) -> tuple[float, float]:
    """The 90 % bootstrap interval of an effect over the seeds (the seeds resampled with
    replacement; the same generator every time, so the table is reproducible).

    Example:
        >>> e = EFFECTS_BY_KEY["rex_turnover_diff"]
        >>> low, high = bootstrap_interval(e, {"diff": np.array([-0.02, -0.01, 0.0, -0.03])})
        >>> -0.03 <= low < high <= 0.0
        True
    """
    n = len(next(iter(parts.values()))) if parts else 0
    if n == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(0)
    picks = rng.integers(0, n, size=(resamples, n))
    values = np.array([e.combine({k: v[pick] for k, v in parts.items()}) for pick in picks])
    values = values[np.isfinite(values)]
    return (float(np.percentile(values, 5)), float(np.percentile(values, 95))) if values.size else (np.nan, np.nan)


def summarise_effects(per_seed: pd.DataFrame, ensemble: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per effect found in ``per_seed``: its value at the fitted point with the 90 %
    bootstrap interval over seeds, and, with an ensemble table (a ``point`` column), the
    median and the 5-95 % of the values of its constant sets, each combined over its seeds.

    Example:
        >>> per_seed = pd.DataFrame({"seed": [1, 2, 3], "rex_turnover_diff:diff": [-0.02, -0.01, -0.03]})
        >>> summarise_effects(per_seed)[["effect", "value"]].values.tolist()
        [['rex_turnover_diff', -0.02]]
    """
    rows = []
    keys = [e.key for e in EFFECTS if effect_columns(per_seed, e.key)]
    for key in keys:
        e = EFFECTS_BY_KEY[key]
        parts = effect_columns(per_seed, key)
        low, high = bootstrap_interval(e, parts)
        row = {
            "effect": key,
            "label": e.label,
            "unit": e.unit,
            "value": e.combine(parts),
            "p5": low,
            "p95": high,
            "seeds": len(per_seed),
            "published": e.published[0] if e.published else float("nan"),
            "published_low": e.published[1] if e.published else float("nan"),
            "published_high": e.published[2] if e.published else float("nan"),
            "source": e.source,
        }
        if ensemble is not None and len(ensemble):
            values = np.array([e.combine(effect_columns(g, key)) for _, g in ensemble.groupby("point")])
            values = values[np.isfinite(values)]
            row["ensemble_value"] = float(np.median(values)) if values.size else float("nan")
            row["ensemble_p5"], row["ensemble_p95"] = (
                (float(np.percentile(values, 5)), float(np.percentile(values, 95))) if values.size else (np.nan, np.nan)
            )
            row["ensemble_points"] = int(ensemble["point"].nunique())
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["EFFECTS", "EFFECTS_BY_KEY", "Effect", "bootstrap_interval", "effect_columns", "summarise_effects"]
