"""Paired comparison of two scenarios over common random numbers.

:func:`compare` runs scenario A and scenario B on the same list of seeds. The model draws
every random number from streams derived from its one seed (``coopsim.model``), so A and
B run with the same seed share their random numbers until their states diverge: the
difference of an outcome between B and A on one seed is mostly the effect of what
differs between the scenarios, not luck ("common random numbers", Law 2015, ch. 11.2).
The analysis is therefore a *paired* one, over the per-seed differences ``B − A``:

- mean and median difference, with a 95 % confidence interval of the mean difference:
  **paired bootstrap percentile interval** (the seeds are resampled with replacement,
  ``n_boot`` = 2000 times, with a generator seeded from ``master_seed``; Efron &
  Tibshirani 1993, ch. 13);
- the relative difference ``100 · mean(B − A) / mean(A)`` in % of A's mean, with the
  percentile interval of the same bootstrap resamples (undefined when A's mean is 0);
- the two-sided **Wilcoxon signed-rank** test of a zero median difference (scipy's
  p-value, computed here: :func:`wilcoxon_p`; exact for small samples; p = 1 when every
  difference is 0).

Seeds: replicate ``r`` uses ``SeedSequence([master_seed, r]).generate_state(1, uint32)[0]``
(:func:`~coopsim.experiments.engine.seeds.paired_seeds`), so the same ``master_seed`` and replicate give the same seed on any
machine, and a comparison with more replications extends one with fewer.

Weekly series of a few model columns (:data:`SERIES_COLUMNS`) are kept for every run
(:attr:`Comparison.weekly`), for bands of median, 25–75 % and 5–95 % per week
(:meth:`Comparison.bands`) and the figure (:meth:`Comparison.figure`).

Example::

    >>> from coopsim.experiments.analyses.compare import compare
    >>> c = compare("tera", "tera-without-rex", replications=2, years=0.5,
    ...             outcomes=["burnout_incidence_per_100py"])
    >>> c.table()[["outcome", "n_pairs"]].to_dict("records")
    [{'outcome': 'burnout_incidence_per_100py', 'n_pairs': 2}]
    >>> c.sentences()[0].startswith("Burnout incidence")
    True
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...base import WEEKS_PER_YEAR
from ...formatting import PNG_OPTIONS, finite, fmt_number
from ...outcomes import HEADLINE
from ...runner import run
from ...scenario import Scenario, apply_overrides, load_scenario, override_keys, scenario_from_dict
from ..engine.seeds import paired_seeds
from .common import OUTCOMES, AnalysisError, outcome_name, short_label

if TYPE_CHECKING:  # matplotlib and scipy are imported when used: the worker processes do not need them
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: weekly model columns kept for every run of a comparison (for the bands and the figure)
SERIES_COLUMNS = (
    "active",
    "burned_out",
    "exhaustion_mean",
    "engagement_mean",
    "trust_mean",
    "conflicts_open",
    "unmet_share",
    "backlog",
)
SERIES_TITLES = {
    "active": "active members",
    "burned_out": "people burned out",
    "exhaustion_mean": "mean exhaustion (active)",
    "engagement_mean": "mean engagement (active)",
    "trust_mean": "mean trust (active)",
    "conflicts_open": "open conflicts",
    "unmet_share": "share of the work not done",
    "backlog": "decision backlog",
}
#: quantiles of the weekly bands: 5–95 %, 25–75 % and the median
BAND_QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}
#: CPU seconds a new worker process spends before its first run can start, by how it starts:
#: spawned, Python starts, imports coopsim and loads the compiled kernels (about 2 s on this
#: project's 2-core machine, 1.3-2 s of wall time; benchmarks/bench_compare.py prints it);
#: forked, it is a copy of this process, everything already loaded (0.05 s measured; 0.2 s
#: leaves room for a busy machine). A pool that would not save more than that is not started.
WORKER_START_S = {"spawn": 2.0, "fork": 0.2}
COLOR_A, COLOR_B = "#2166ac", "#d6604d"
FIGURE_SIZE, FIGURE_DPI = (16.0, 12.0), 110  # inches, and dots per inch of the PNG
MINUS = "\u2212"  # the minus sign of the sentences


# --- running -------------------------------------------------------------------------------


#: one run of a comparison: variant ("A"/"B"), replicate, scenario, seed, years
Job = tuple[str, int, Scenario, int, float]
#: its result: variant, replicate, summary and the weekly :data:`SERIES_COLUMNS`
JobResult = tuple[str, int, dict[str, Any], dict[str, np.ndarray]]


def _run_job(job: Job) -> JobResult:
    """One run of a comparison (module level so that a spawned process can import it)."""
    variant, replicate, scenario, seed, years = job
    result = run(scenario, seed=seed, years=years, keep_model=False)
    frame = result.model_frame
    series = {c: frame[c].to_numpy(dtype=float) for c in SERIES_COLUMNS if c in frame.columns}
    return variant, replicate, dict(result.summary), series


def _execute(
    jobs: list[Job],
    workers: int,
    progress: Callable[[int], Any] | None,
    executor: Executor | None = None,
    notify: Callable[[str], Any] | None = None,
) -> list[JobResult]:
    """Run the jobs on ``executor`` (a pool the caller keeps warm, e.g. the facilitator
    page's), or here, or in a pool of at most ``workers`` new processes
    (:func:`worker_context`); results in job order.

    A pool starts only when it pays: the first two runs go here, the second timed in CPU
    seconds (the first also loads the compiled kernels; CPU time hardly grows when other
    processes share the cores, wall time does), and the rest go to new processes only if,
    run here, they would take longer than spread over the processes, each of which first
    pays its start (:data:`WORKER_START_S`).
    Else ``notify`` (when given) hears one line saying so.
    """
    results: list[Any] = [None] * len(jobs)

    def done(k: int, result: JobResult) -> None:
        results[k] = result
        if progress is not None:
            progress(1)

    if executor is not None:
        futures = {executor.submit(_run_job, job): k for k, job in enumerate(jobs)}
        for future in as_completed(futures):
            done(futures[future], future.result())
        return results
    first = 0 if workers <= 1 else min(2, len(jobs))
    seconds = 0.0
    for k in range(first):
        start = time.process_time()
        done(k, _run_job(jobs[k]))
        seconds = time.process_time() - start
    left = range(first, len(jobs))
    size = min(workers, len(left))
    context = worker_context()
    if size <= 1 or not _pool_pays(seconds * len(left), size, WORKER_START_S[context.get_start_method()]):
        if size > 1 and notify is not None:
            notify(
                f"{len(jobs)} runs of about {seconds:.2f} s: all in this process (starting {size} worker "
                f"processes would take longer than the runs)"
            )
        for k in left:
            done(k, _run_job(jobs[k]))
        return results
    with ProcessPoolExecutor(max_workers=size, mp_context=context) as pool:
        futures = {pool.submit(_run_job, jobs[k]): k for k in left}
        for future in as_completed(futures):
            done(futures[future], future.result())
    return results


def _pool_pays(serial_seconds: float, workers: int, start_seconds: float) -> bool:
    """Whether runs that take ``serial_seconds`` here end sooner on ``workers`` new
    processes, each of which first pays ``start_seconds``.

    >>> _pool_pays(18 * 0.1, 2, WORKER_START_S["spawn"]), _pool_pays(18 * 3.0, 2, WORKER_START_S["spawn"])
    (False, True)
    >>> _pool_pays(18 * 0.1, 2, WORKER_START_S["fork"])   # the rest of 10 TERA pairs, on forked workers
    True
    """
    return serial_seconds - serial_seconds / workers > start_seconds


def worker_context() -> multiprocessing.context.BaseContext:
    """How this process starts worker processes: forked where that is safe, on Linux and
    while this process runs a single thread (forking a process with other threads can
    deadlock the copy; a notebook's kernel or a web server has several), for a worker that
    is ready at once with everything loaded; else spawned (what mesa sets anyway,
    STACK-NOTES), a fresh interpreter that imports coopsim first.

    >>> worker_context().get_start_method() in WORKER_START_S
    True
    """
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _as_scenario(ref: Scenario | str | Path, overrides: Sequence[str] | dict[str, Any] | None) -> Scenario:
    """A scenario object from a scenario, a name or a path, with the overrides applied."""
    ov: list[str] | dict[str, Any] | None
    if isinstance(overrides, dict):
        ov = dict(overrides)
    else:
        ov = [overrides] if isinstance(overrides, str) else list(overrides or [])
    if not isinstance(ref, Scenario):
        return load_scenario(ref, overrides=ov or None)
    if not ov:
        return ref
    data = apply_overrides(ref.model_dump(mode="python"), ov)
    return scenario_from_dict(data, source=ref.name, overridden=override_keys(ov))


def compare(
    scenario_a: Scenario | str | Path,
    scenario_b: Scenario | str | Path,
    replications: int = 20,
    master_seed: int = 0,
    years: float | None = None,
    overrides_a: Sequence[str] | dict[str, Any] | None = None,
    overrides_b: Sequence[str] | dict[str, Any] | None = None,
    workers: int | None = None,
    outcomes: Sequence[str] | None = None,
    progress: Callable[[int], Any] | None = None,
    *,
    label_a: str | None = None,
    label_b: str | None = None,
    conf_level: float = 0.95,
    n_boot: int = 2000,
    executor: Executor | None = None,
    notify: Callable[[str], Any] | None = None,
) -> Comparison:
    """Run A and B on the same ``replications`` seeds and compare them pairwise.

    Args:
        scenario_a: the reference (a :class:`Scenario`, a shipped name or a TOML path);
            scenario_b: the variant compared with it.
        replications: number of paired seeds (at least 2), derived from ``master_seed``.
        years: horizon of both (default: scenario A's ``years``).
        overrides_a: ``"dotted.key=value"`` strings or a dict applied to A; overrides_b: to B.
        workers: at most this many processes (``None``: one per core; 1: all here), started
            only when it pays (see ``_execute``); a script needs the ``__main__`` guard.
        outcomes: summary keys to compare (default :data:`HEADLINE`).
        progress: called with 1 after each finished run (``2 · replications`` calls).
        label_a, label_b: how A and B are named (default: their scenario names).
        conf_level, n_boot: level and resamples of the bootstrap intervals.
        executor: a :class:`concurrent.futures.Executor` to run on instead of ``workers``
            (a caller that compares often keeps one pool of processes warm).
        notify: hears one line when ``workers`` > 1 was asked for and the runs stay here.

    Raises ScenarioError (a scenario or an override is wrong) or AnalysisError (fewer than
    2 replications, an unknown outcome).

    Example:
        >>> c = compare("tera", "tera-without-rex", replications=2, years=0.2, outcomes=["annual_turnover"])
        >>> len(c.summaries), c.seeds == paired_seeds(2, master_seed=0)    # 2 seeds x 2 scenarios
        (4, True)
    """
    wanted = _outcomes_to_compare(replications, conf_level, outcomes)
    a, b = _as_scenario(scenario_a, overrides_a), _as_scenario(scenario_b, overrides_b)
    horizon = float(years if years is not None else a.years)
    if round(horizon * WEEKS_PER_YEAR) < 1:
        raise AnalysisError(f"years = {years}: shorter than one week")
    name_a, name_b = _labels(label_a or a.name, label_b or b.name)
    seeds = paired_seeds(replications, master_seed)
    jobs: list[Job] = [(v, r, s, seed, horizon) for r, seed in enumerate(seeds) for v, s in (("A", a), ("B", b))]
    count = workers if workers is not None else os.cpu_count() or 1
    results = _execute(jobs, count, progress, executor, notify if workers is not None else None)
    summaries, weekly = _frames(results, name_a, name_b)
    differences = _differences(summaries, wanted, conf_level, n_boot, master_seed)
    return Comparison(name_a, name_b, seeds, horizon, master_seed, conf_level, summaries, differences, weekly, a, b)


def _outcomes_to_compare(replications: int, conf_level: float, outcomes: Sequence[str] | None) -> list[str]:
    """The outcomes asked for (default :data:`HEADLINE`), once the request is checked."""
    if replications < 2:
        raise AnalysisError(f"replications = {replications}: a paired comparison needs at least 2 seeds")
    if not 0 < conf_level < 1:
        raise AnalysisError(f"conf_level = {conf_level}: expected a number between 0 and 1")
    wanted = list(outcomes) if outcomes else list(HEADLINE)
    unknown = [o for o in wanted if o not in OUTCOMES]
    if unknown:
        raise AnalysisError(f"unknown outcome {unknown[0]!r} (outcomes: {', '.join(OUTCOMES)})")
    return wanted


def _labels(name_a: str, name_b: str) -> tuple[str, str]:
    """A's and B's names, told apart by (A) and (B) when they are the same."""
    return (f"{name_a} (A)", f"{name_b} (B)") if name_a == name_b else (name_a, name_b)


def _frames(results: list[JobResult], name_a: str, name_b: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summaries (one row per run, by variant and replicate) and the weekly series
    (one row per run and week) of the runs."""
    rows, weekly = [], []
    for variant, replicate, summary, series in results:
        scenario = name_a if variant == "A" else name_b
        rows.append({"variant": variant, "scenario": scenario, "replicate": replicate, **summary})
        n = len(next(iter(series.values()))) if series else 0
        weekly.append(
            pd.DataFrame(
                {
                    "variant": variant,
                    "replicate": replicate,
                    "seed": summary["seed"],
                    "week": np.arange(n),
                    "year": np.arange(n) / WEEKS_PER_YEAR,
                    **series,
                }
            )
        )
    summaries = pd.DataFrame(rows).sort_values(["variant", "replicate"], ignore_index=True)
    return summaries, pd.concat(weekly, ignore_index=True)


def _differences(
    summaries: pd.DataFrame, wanted: list[str], conf_level: float, n_boot: int, master_seed: int
) -> pd.DataFrame:
    """One row per outcome: the :func:`paired_statistics` of B − A, the bootstrap seeded
    from ``master_seed``."""
    rng = np.random.default_rng(np.random.SeedSequence([master_seed, 2**31 - 1]))
    table = []
    for outcome in wanted:
        xa = summaries.loc[summaries["variant"] == "A", outcome].to_numpy(dtype=float)
        xb = summaries.loc[summaries["variant"] == "B", outcome].to_numpy(dtype=float)
        table.append({"outcome": outcome, **paired_statistics(xa, xb, conf_level, n_boot, rng)})
    return pd.DataFrame(table)


# --- statistics ------------------------------------------------------------------------------


def paired_statistics(
    xa: np.ndarray, xb: np.ndarray, conf_level: float = 0.95, n_boot: int = 2000, rng: np.random.Generator | None = None
) -> dict[str, float]:
    """Paired statistics of ``B − A`` over the seeds where both values are finite.

    Returns a dict: ``n_pairs``, ``mean_a``, ``mean_b``, ``diff_mean``, ``diff_median``,
    ``diff_ci_low``/``diff_ci_high`` (bootstrap percentile interval of the mean
    difference), ``rel_diff_pct`` (``100 · diff_mean / mean_a``), ``rel_ci_low``/
    ``rel_ci_high`` (the same resamples), ``p_value`` (two-sided Wilcoxon signed-rank).

    >>> s = paired_statistics(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 3.0, 4.0, 5.0]))
    >>> s["diff_mean"], s["diff_ci_low"], s["diff_ci_high"], round(s["rel_diff_pct"])
    (1.0, 1.0, 1.0, 40)
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    ok = np.isfinite(xa) & np.isfinite(xb)
    a, b = xa[ok], xb[ok]
    n = int(a.size)
    nan = float("nan")
    out = {
        "n_pairs": n,
        "mean_a": float(a.mean()) if n else nan,
        "mean_b": float(b.mean()) if n else nan,
        "diff_mean": nan,
        "diff_median": nan,
        "diff_ci_low": nan,
        "diff_ci_high": nan,
        "rel_diff_pct": nan,
        "rel_ci_low": nan,
        "rel_ci_high": nan,
        "p_value": nan,
    }
    if n == 0:
        return out
    d = b - a
    out["diff_mean"] = float(d.mean())
    out["diff_median"] = float(np.median(d))
    tail = 100 * (1 - conf_level) / 2
    idx = rng.integers(0, n, size=(n_boot, n))
    boot_d = d[idx].mean(axis=1)
    out["diff_ci_low"], out["diff_ci_high"] = (float(v) for v in np.percentile(boot_d, [tail, 100 - tail]))
    if out["mean_a"] != 0:
        out["rel_diff_pct"] = 100 * out["diff_mean"] / out["mean_a"]
        boot_a = a[idx].mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            boot_rel = 100 * boot_d / boot_a
        boot_rel = boot_rel[np.isfinite(boot_rel)]
        if boot_rel.size:
            out["rel_ci_low"], out["rel_ci_high"] = (float(v) for v in np.percentile(boot_rel, [tail, 100 - tail]))
    if np.all(d == 0):
        out["p_value"] = 1.0
    elif n >= 2:
        out["p_value"] = wilcoxon_p(d)
    return out


def wilcoxon_p(d: np.ndarray) -> float:
    """Two-sided p-value of the Wilcoxon signed-rank test of a zero median of ``d``: the
    very number of ``scipy.stats.wilcoxon(d).pvalue`` (zeros dropped, ``method="auto"``),
    without importing ``scipy.stats`` (a second) or its permutation test's per-resample
    Python calls (0.1 s a test).

    The statistic is the sum of the ranks of ``|d|`` (average ranks for ties, zeros left
    out) over the positive differences. Its p-value, as scipy (1.17) chooses it:

    - up to 50 differences, none zero and no tie: the exact distribution of the sum;
    - up to 13 differences otherwise: every one of the ``2**n`` sign flips of ``d`` (the
      exact permutation test);
    - else the normal approximation, the variance corrected for ties, no continuity
      correction.

    ``d`` needs at least one difference that is not zero.

    >>> wilcoxon_p(np.array([1.0, 2.0, 3.0, 4.0]))                  # exact: 2 of the 16 sign patterns
    0.125
    >>> wilcoxon_p(np.array([1.0, 1.0, -2.0, 3.0, 0.0]))            # a tie and a zero: permutations
    0.625
    """
    n = int(d.size)
    nonzero = d[d != 0]
    ranks, counts = _average_ranks(np.abs(nonzero))
    m = int(nonzero.size)
    r_plus = float(np.sum((nonzero > 0) * ranks))
    ties = bool((counts > 1).any())
    if n <= 50 and m == n and not ties:
        pmf = _signed_rank_distribution(m)
        mean = m * (m + 1) / 4
        k = math.ceil(r_plus)
        cdf = pmf[: k + 1].sum() if k <= mean else 1 - pmf[k + 1 :].sum()
        k = math.floor(r_plus)
        sf = pmf[k:].sum() if k <= mean else 1 - pmf[:k].sum()
        return float(np.clip(2 * min(sf, cdf), 0, 1))
    if n <= 13:
        keep = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)  # one row per sign pattern
        rank_of = np.zeros(n)
        rank_of[d != 0] = ranks
        null = np.where(keep, d > 0, d < 0) @ rank_of  # the statistic of each flipped sample
        gamma = abs(np.finfo(float).eps * 100 * r_plus)  # scipy's tolerance
        less = np.count_nonzero(null <= r_plus + gamma) / 2**n
        greater = np.count_nonzero(null >= r_plus - gamma) / 2**n
        return float(np.clip(min(less, greater) * 2, 0, 1))
    from scipy.special import ndtr  # loaded with the model (mesa imports scipy.spatial)

    centre = m * (m + 1.0) * 0.25
    var = m * (m + 1.0) * (2.0 * m + 1.0)
    tie_correction = float(np.sum(counts.astype(float) ** 3 - counts))
    z = (r_plus - centre) / math.sqrt((var - tie_correction / 2) / 24)
    return float(2 * ndtr(-abs(z)))


def _average_ranks(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks of ``x`` from 1 (ties get their average rank) and the size of each group of
    equal values."""
    order = np.argsort(x, kind="stable")
    y = x[order]
    first = np.flatnonzero(np.concatenate(([True], y[:-1] != y[1:])))
    counts = np.diff(np.append(first, y.size))
    ranks = np.empty(y.size)
    ranks[order] = np.repeat(first + 1 + (counts - 1) / 2, counts)
    return ranks, counts


@functools.lru_cache(maxsize=64)
def _signed_rank_distribution(n: int) -> np.ndarray:
    """Probabilities of the signed-rank sum ``0 .. n(n+1)/2`` of ``n`` differences without
    ties (each rank in or out of the sum with probability 1/2), built rank by rank."""
    c = np.ones(1)
    for k in range(1, n + 1):
        prev = c
        c = np.zeros(k * (k + 1) // 2 + 1)
        c[: prev.size] = prev * 0.5
        c[-prev.size :] += prev * 0.5
    return c


# --- sentences -------------------------------------------------------------------------------


def _signed_percent(value: float, lang: str, signed: bool = True) -> str:
    """``−48 %`` / ``+3.5 %`` (French: ``+3,5 %``): integers from 10 % up, else one decimal."""
    digits = 0 if abs(value) >= 9.95 else 1
    text = f"{abs(value):.{digits}f}"
    if lang == "fr":
        text = text.replace(".", ",")
    sign = "" if not signed or float(text.replace(",", ".")) == 0 else ("+" if value > 0 else MINUS)
    return f"{sign}{text} %"


def _signed_number(value: float, lang: str, signed: bool = False) -> str:
    """A number with 3 significant digits, the minus sign and (French) the decimal comma."""
    text = f"{abs(value):.3g}"
    if "e" in text:
        text = f"{abs(value):.0f}"
    if lang == "fr":
        text = text.replace(".", ",")
    sign = MINUS if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}{text}"


def _interval(low: float, high: float, lang: str, fmt: Callable[[float, str], str]) -> str:
    sep = " ; " if lang == "fr" else ", "
    return f"[{fmt(low, lang)}{sep}{fmt(high, lang)}]"


def sentence(row: Mapping[Any, Any], label_a: str, label_b: str, lang: str = "en") -> str | None:
    """One plain sentence for one outcome row of :attr:`Comparison.differences`, or None
    when the outcome has no paired value (undefined in the runs).

    Example:
        >>> row = {"outcome": "annual_turnover", "n_pairs": 20, "mean_a": 0.20, "mean_b": 0.25, "diff_mean": 0.05,
        ...        "diff_ci_low": 0.01, "diff_ci_high": 0.09, "rel_diff_pct": 25.0, "rel_ci_low": 5.0, "rel_ci_high": 45.0}
        >>> sentence(row, "tera", "tera-without-rex")
        'Annual turnover is 25 % higher with tera-without-rex than with tera [+5.0 %, +45 %] (20 paired seeds).'
    """
    if lang not in ("en", "fr"):
        raise AnalysisError(f"lang = {lang!r}: expected 'en' or 'fr'")
    n = int(row["n_pairs"])
    if n == 0 or not finite(row["diff_mean"]):
        return None
    names = outcome_name(str(row["outcome"]))
    seeds = f"({n} paired seeds)" if lang == "en" else f"({n} graines appariées)"
    if row["diff_mean"] == 0 and row["diff_ci_low"] == 0 and row["diff_ci_high"] == 0:
        if lang == "en":
            return f"{names.en} is the same with {label_b} as with {label_a} in every seed {seeds}."
        return f"{names.fr} est identique avec {label_b} et avec {label_a} pour chaque graine {seeds}."
    relative = finite(row["rel_diff_pct"]) and finite(row["rel_ci_low"]) and finite(row["rel_ci_high"])
    if relative:
        size = _signed_percent(row["rel_diff_pct"], lang, signed=False)
        interval = _interval(row["rel_ci_low"], row["rel_ci_high"], lang, _signed_percent)
        tiny = size in ("0.0 %", "0,0 %")
        low, high = row["rel_ci_low"], row["rel_ci_high"]
    else:
        unit = f" {names.unit}" if names.unit and lang == "en" else ""
        size = f"{_signed_number(abs(row['diff_mean']), lang)}{unit}"
        interval = _interval(
            row["diff_ci_low"], row["diff_ci_high"], lang, lambda v, lg: _signed_number(v, lg, signed=True)
        )
        tiny = False
        low, high = row["diff_ci_low"], row["diff_ci_high"]
    higher = row["diff_mean"] > 0
    includes_zero = low <= 0 <= high
    if lang == "en":
        if tiny:
            text = f"{names.en} is about the same with {label_b} as with {label_a} {interval} {seeds}"
        else:
            word = "higher" if higher else "lower"
            text = f"{names.en} is {size} {word} with {label_b} than with {label_a} {interval} {seeds}"
        if includes_zero and not tiny:
            text += "; the interval includes no difference"
        return text + "."
    e = "e" if names.feminine else ""
    if tiny:
        text = f"{names.fr} est à peu près identique avec {label_b} et avec {label_a} {interval} {seeds}"
    else:
        word = f"plus élevé{e}" if higher else ("plus basse" if names.feminine else "plus bas")
        text = f"{names.fr} est {size} {word} avec {label_b} qu'avec {label_a} {interval} {seeds}"
    if includes_zero and not tiny:
        text += " ; l'intervalle inclut l'absence de différence"
    return text + "."


# --- the result --------------------------------------------------------------------------------


@dataclass
class Comparison:
    """The result of :func:`compare`.

    Attributes:
        label_a: A's name in sentences and figures; label_b: B's.
        seeds: the paired seeds, one per replicate.
        years: the horizon of every run.
        master_seed: the seed the run seeds and the bootstrap derive from.
        conf_level: level of the intervals.
        summaries: one row per run: variant ("A"/"B"), scenario, replicate, then the
            run's summary (``coopsim.records``; ``seed`` included).
        differences: one row per outcome, the statistics of :func:`paired_statistics`.
        weekly: one row per run and week: variant, replicate, seed, week, year and the
            :data:`SERIES_COLUMNS`.
        scenario_a: the scenario run as A (after overrides); scenario_b: as B.

    Example:
        >>> c = compare("tera", "tera-without-mediation", replications=2, years=0.2, outcomes=["conflicts_opened"])
        >>> c.replications, list(c.differences["outcome"])
        (2, ['conflicts_opened'])
    """

    label_a: str
    label_b: str
    seeds: list[int]
    years: float
    master_seed: int
    conf_level: float
    summaries: pd.DataFrame
    differences: pd.DataFrame
    weekly: pd.DataFrame
    scenario_a: Scenario | None = field(default=None, repr=False)
    scenario_b: Scenario | None = field(default=None, repr=False)

    @property
    def replications(self) -> int:
        """Number of paired seeds."""
        return len(self.seeds)

    def table(self) -> pd.DataFrame:
        """One row per outcome: its label, A's and B's means, the mean and median paired
        difference with its interval, the relative difference (% of A's mean) with its
        interval, the Wilcoxon p-value, the number of pairs and a short ``headline``
        (e.g. ``−35 % [−48, −20]``)."""
        df = self.differences.copy()
        df.insert(1, "label", [short_label(o) for o in df["outcome"]])
        df["headline"] = [_headline(r) for r in df.to_dict("records")]
        return df

    def sentences(self, lang: str = "en") -> list[str]:
        """Plain sentences, one per outcome with paired values, in English or French.

        e.g. "Burnout incidence is 35 % higher with tera-without-rex than with tera
        [+20 %, +48 %] (20 paired seeds)."
        """
        out = [sentence(r, self.label_a, self.label_b, lang) for r in self.differences.to_dict("records")]
        return [s for s in out if s is not None]

    def bands(self, columns: Sequence[str] = SERIES_COLUMNS) -> pd.DataFrame:
        """Per variant, column and week: the median, 25–75 % and 5–95 % of the runs.

        Columns: variant, scenario, column, week, year, q05, q25, median, q75, q95.
        """
        parts = self._band_arrays(columns)
        labels = {"A": self.label_a, "B": self.label_b}
        sizes = [weeks.size for weeks, _ in parts.values()]
        weeks = np.concatenate([w for w, _ in parts.values()])
        q = np.concatenate([v for _, v in parts.values()], axis=1)
        frame = {
            "variant": np.repeat([variant for variant, _ in parts], sizes),
            "scenario": np.repeat([labels[variant] for variant, _ in parts], sizes),
            "column": np.repeat([column for _, column in parts], sizes),
            "week": weeks,
            "year": weeks / WEEKS_PER_YEAR,
        }
        frame.update(zip(BAND_QUANTILES, q))
        return pd.DataFrame(frame)

    def _band_arrays(self, columns: Sequence[str]) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
        """``(variant, column)`` -> the weeks and the :data:`BAND_QUANTILES` of the runs
        (one row per quantile, one column per week; NaN where every run is NaN)."""
        out = {}
        for variant in ("A", "B"):
            runs = self.weekly[self.weekly["variant"] == variant]
            weeks, row = np.unique(runs["week"].to_numpy(), return_inverse=True)
            replicates, col = np.unique(runs["replicate"].to_numpy(), return_inverse=True)
            for column in columns:
                if column not in runs.columns:
                    continue
                values = np.full((weeks.size, replicates.size), np.nan)  # a week per row, a run per column
                values[row, col] = runs[column].to_numpy(dtype=float)
                out[variant, column] = (weeks, _quantiles(values))
        return out

    def markdown(self) -> str:
        """The comparison as Markdown: the setting, the sentences in English and in French,
        the table and how to read it."""
        level = f"{self.conf_level:.0%}".replace("%", " %")
        t = self.table()
        lines = [
            f"# {self.label_b} compared with {self.label_a}",
            "",
            f"{self.replications} paired seeds (master seed {self.master_seed}), {self.years:g} years each. "
            f"Both scenarios ran on the same seeds (common random numbers); the intervals are {level} paired "
            f"bootstrap percentile intervals of the mean difference B − A (2000 resamples of the seeds), relative "
            f"to A's mean; p is the two-sided Wilcoxon signed-rank test.",
            "",
            "## In English",
            "",
            *(f"- {s}" for s in self.sentences("en")),
            "",
            "## En français",
            "",
            f"{self.replications} graines appariées, {self.years:g} ans chacune ; intervalles de confiance à "
            f"{level} (bootstrap apparié), en % de la moyenne de {self.label_a}.",
            "",
            *(f"- {s}" for s in self.sentences("fr")),
            "",
            "## Table",
            "",
            "| outcome | mean A | mean B | B − A (mean) | interval | relative | interval | p | pairs |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in t.to_dict("records"):
            lines.append(
                f"| {r['label']} | {_cell(r['mean_a'])} | {_cell(r['mean_b'])} | {_cell(r['diff_mean'])} | "
                f"[{_cell(r['diff_ci_low'])}, {_cell(r['diff_ci_high'])}] | {_cell_pct(r['rel_diff_pct'])} | "
                f"[{_cell_pct(r['rel_ci_low'])}, {_cell_pct(r['rel_ci_high'])}] | {_cell(r['p_value'])} | "
                f"{r['n_pairs']} |"
            )
        lines += ["", f"A = {self.label_a}, B = {self.label_b}. Seeds: {', '.join(map(str, self.seeds))}.", ""]
        return "\n".join(lines)

    def figure(self, path: str | Path | None = None) -> Figure:
        """Median lines with 50 % and 90 % bands of A and B over the years (one panel per
        series column), and a dot-and-interval plot of the relative differences.

        Saved as PNG to ``path`` when given; the figure is returned either way. Drawn on
        a fixed grid (no layout search), the forest's left margin measured from its
        labels, the legend once above the panels.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties

        fig = Figure(figsize=FIGURE_SIZE, dpi=FIGURE_DPI)
        canvas = FigureCanvasAgg(fig)
        top = fig.add_gridspec(2, 4, left=0.04, right=0.99, top=0.925, bottom=0.43, hspace=0.18, wspace=0.2)
        bands = self._band_arrays(SERIES_COLUMNS)
        for k, column in enumerate(SERIES_COLUMNS):
            _band_panel(fig.add_subplot(top[k // 4, k % 4]), bands, column, years_axis=k >= 4)
        fig.legend(
            handles=_legend_handles(self.label_a, self.label_b),
            loc="upper right",
            bbox_to_anchor=(0.99, 0.985),
            ncols=2,
            fontsize=9,
            title="median, 50 % and 90 % bands",
            title_fontsize=8,
            frameon=False,
        )
        labels, rows = _forest_rows(self)
        text = canvas.get_renderer()
        widest = max(text.get_text_width_height_descent(s, FontProperties(size=9), ismath=False)[0] for s in labels)
        left = min(0.5, (widest + 30) / (FIGURE_SIZE[0] * FIGURE_DPI))  # 30 px: the ticks' gap and a margin
        bottom = fig.add_gridspec(1, 1, left=left, right=0.99, top=0.355, bottom=0.045)
        _forest_panel(fig.add_subplot(bottom[0, 0]), self, labels, rows)
        fig.suptitle(
            f"{self.label_b} (B) compared with {self.label_a} (A): {self.replications} paired seeds, "
            f"{self.years:g} years",
            fontsize=14,
            x=0.04,
            ha="left",
        )
        if path is not None:
            fig.savefig(Path(path), dpi=FIGURE_DPI, **PNG_OPTIONS)
        return fig


def _quantiles(values: np.ndarray) -> np.ndarray:
    """The :data:`BAND_QUANTILES` of each row of ``values`` over its non-NaN entries (one
    row per quantile): ``np.nanquantile``'s numbers, with its slow row-by-row path only for
    the rows that hold a NaN."""
    qs = list(BAND_QUANTILES.values())
    out = np.empty((len(qs), values.shape[0]))
    gaps = np.isnan(values).any(axis=1)
    out[:, ~gaps] = np.quantile(values[~gaps], qs, axis=1)
    if gaps.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # weeks where every run is NaN
            out[:, gaps] = np.nanquantile(values[gaps], qs, axis=1)
    return out


def _cell(value: Any) -> str:
    return fmt_number(value).replace("-", MINUS)


def _cell_pct(value: Any) -> str:
    return _signed_percent(float(value), "en") if finite(value) else "n/a"


def _headline(row: Mapping[Any, Any]) -> str:
    """``−35 % [−48, −20]`` (relative) or ``+1.2 [0.4, 2.1]`` (absolute when A's mean is 0)."""
    if finite(row["rel_diff_pct"]) and finite(row["rel_ci_low"]):
        lo, hi = (_signed_percent(row[k], "en").replace(" %", "") for k in ("rel_ci_low", "rel_ci_high"))
        return f"{_signed_percent(row['rel_diff_pct'], 'en')} [{lo}, {hi}]"
    if finite(row["diff_mean"]):
        return (
            f"{_signed_number(row['diff_mean'], 'en', True)} [{_signed_number(row['diff_ci_low'], 'en', True)}, "
            f"{_signed_number(row['diff_ci_high'], 'en', True)}]"
        )
    return "n/a"


def _band_panel(
    ax: Axes, bands: Mapping[tuple[str, str], tuple[np.ndarray, np.ndarray]], column: str, years_axis: bool
) -> None:
    """A's and B's median lines with their 50 % and 90 % bands of one series column (the
    years labelled under the bottom row only: every panel spans the same weeks)."""
    for variant, color in (("A", COLOR_A), ("B", COLOR_B)):
        if (variant, column) not in bands:
            continue
        weeks, q = bands[variant, column]
        x = weeks / WEEKS_PER_YEAR
        q05, q25, median, q75, q95 = q
        ax.fill_between(x, q05, q95, color=color, alpha=0.12, linewidth=0)
        ax.fill_between(x, q25, q75, color=color, alpha=0.25, linewidth=0)
        ax.plot(x, median, color=color, linewidth=1.6)
    ax.set_title(SERIES_TITLES.get(column, column), fontsize=11)
    if years_axis:
        ax.set_xlabel("years")
    else:
        ax.tick_params(labelbottom=False)
    ax.grid(alpha=0.3)


def _legend_handles(label_a: str, label_b: str) -> list[Any]:
    """A's and B's median lines for the figure's one legend."""
    from matplotlib.lines import Line2D

    return [
        Line2D([], [], color=c, linewidth=1.6, label=label) for c, label in ((COLOR_A, label_a), (COLOR_B, label_b))
    ]


def _forest_rows(c: Comparison) -> tuple[list[str], list[tuple[float, float, float] | None]]:
    """The forest's labels and (middle, low, high) relative differences, bottom row first
    (None where A's mean is 0: the label gives the absolute difference)."""
    labels: list[str] = []
    rows: list[tuple[float, float, float] | None] = []
    for r in c.table().iloc[::-1].to_dict("records"):
        rel = finite(r["rel_diff_pct"]) and finite(r["rel_ci_low"])
        labels.append(f"{r['label']}  ({r['headline']}{'' if rel else ', absolute'})")
        rows.append((r["rel_diff_pct"], r["rel_ci_low"], r["rel_ci_high"]) if rel else None)
    return labels, rows


def _forest_panel(ax: Axes, c: Comparison, labels: list[str], rows: list[tuple[float, float, float] | None]) -> None:
    """Dot-and-interval plot of the relative differences (or absolute when A's mean is 0):
    a filled dot where the interval excludes 0, a hollow one where it includes it."""
    for clear in (True, False):  # one errorbar call for the filled dots, one for the hollow ones
        dots = [(y, *r) for y, r in enumerate(rows) if r is not None and (not r[1] <= 0 <= r[2]) == clear]
        if not dots:
            continue
        y, mid, lo, hi = np.array(dots).T
        ax.errorbar(
            mid,
            y,
            xerr=[mid - lo, hi - mid],
            fmt="o",
            color=COLOR_B,
            capsize=4,
            markersize=7,
            markerfacecolor=COLOR_B if clear else "white",
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(np.arange(len(rows)), labels, fontsize=9)
    ax.set_ylim(-0.5, len(rows) - 0.5)
    ax.set_xlabel(f"B − A in % of A's mean ({c.conf_level:.0%} paired bootstrap interval)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"relative differences, {c.label_b} vs {c.label_a} (filled dot: the interval excludes 0)", fontsize=11)
