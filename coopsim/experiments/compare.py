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
- the two-sided **Wilcoxon signed-rank** test of a zero median difference (scipy; exact
  distribution for small samples; p = 1 when every difference is 0).

Seeds: replicate ``r`` uses ``SeedSequence([master_seed, r]).generate_state(1, uint32)[0]``
(:func:`paired_seeds`), so the same ``master_seed`` and replicate give the same seed on any
machine, and a comparison with more replications extends one with fewer.

Weekly series of a few model columns (:data:`SERIES_COLUMNS`) are kept for every run
(:attr:`Comparison.weekly`), for bands of median, 25–75 % and 5–95 % per week
(:meth:`Comparison.bands`) and the figure (:meth:`Comparison.figure`).

Example::

    >>> from coopsim.experiments.compare import compare
    >>> c = compare("tera", "tera-without-rex", replications=2, years=0.5,
    ...             outcomes=["burnout_incidence_per_100py"])
    >>> c.table()[["outcome", "n_pairs"]].to_dict("records")
    [{'outcome': 'burnout_incidence_per_100py', 'n_pairs': 2}]
    >>> c.sentences()[0].startswith("Burnout incidence")
    True
"""

from __future__ import annotations

import math
import multiprocessing
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..base import WEEKS_PER_YEAR
from ..runner import run
from ..scenario import Scenario, apply_overrides, load_scenario, override_keys, scenario_from_dict
from .analysis_base import HEADLINE_OUTCOMES, OUTCOMES, AnalysisError, finite, fmt_number, outcome_name, short_label

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
COLOR_A, COLOR_B = "#2166ac", "#d6604d"
MINUS = "\u2212"  # the minus sign of the sentences


def paired_seeds(replications: int, master_seed: int = 0) -> list[int]:
    """The seeds of replicates ``0 .. replications-1``: ``SeedSequence([master_seed, r])``'s
    first 32-bit word.

    >>> paired_seeds(2, master_seed=0) == paired_seeds(3, master_seed=0)[:2]
    True
    """
    return [
        int(np.random.SeedSequence([master_seed, r]).generate_state(1, dtype=np.uint32)[0]) for r in range(replications)
    ]


# --- running -------------------------------------------------------------------------------


def _run_job(job: tuple[str, int, Scenario, int, float]) -> tuple[str, int, dict[str, Any], dict[str, np.ndarray]]:
    """One run of a comparison (module level so that a spawned process can import it)."""
    variant, replicate, scenario, seed, years = job
    result = run(scenario, seed=seed, years=years, keep_model=False)
    frame = result.model_frame
    series = {c: frame[c].to_numpy(dtype=float) for c in SERIES_COLUMNS if c in frame.columns}
    return variant, replicate, dict(result.summary), series


def _default_workers(n_runs: int) -> int:
    """Serial below 40 runs (starting a pool of processes that import coopsim takes seconds),
    else one process per core."""
    if n_runs < 40:
        return 1
    return max(1, min(os.cpu_count() or 1, n_runs))


def _execute(
    jobs: list[tuple[str, int, Scenario, int, float]],
    workers: int,
    progress: Callable[[int], Any] | None,
    executor: Executor | None = None,
) -> list[tuple[str, int, dict[str, Any], dict[str, np.ndarray]]]:
    """Run the jobs, serially, in a spawn-context process pool, or on ``executor`` (a pool
    the caller keeps warm, e.g. the facilitator page's); results in job order."""
    results: list[Any] = [None] * len(jobs)
    if executor is not None:
        futures = {executor.submit(_run_job, job): k for k, job in enumerate(jobs)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(1)
        return results
    if workers <= 1:
        for k, job in enumerate(jobs):
            results[k] = _run_job(job)
            if progress is not None:
                progress(1)
        return results
    context = multiprocessing.get_context("spawn")  # what mesa sets anyway (STACK-NOTES)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_run_job, job): k for k, job in enumerate(jobs)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(1)
    return results


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
) -> Comparison:
    """Run A and B on the same ``replications`` seeds and compare them pairwise.

    Args:
        scenario_a: the reference (a :class:`Scenario`, a shipped name or a TOML path).
        scenario_b: the variant compared with it.
        replications: number of paired seeds (at least 2).
        master_seed: seeds are derived from it (:func:`paired_seeds`).
        years: horizon of both (default: scenario A's ``years``).
        overrides_a: ``"dotted.key=value"`` strings or a dict applied to A.
        overrides_b: the same for B.
        workers: processes (``None``: serial below 40 runs, else one per core; a script that uses a pool needs the ``if __name__ == "__main__":`` guard; 1: serial).
        outcomes: summary keys to compare (default :data:`HEADLINE_OUTCOMES`).
        progress: called with 1 after each finished run (``2 · replications`` calls).
        label_a: how A is named in sentences and figures (default: its scenario name).
        label_b: the same for B.
        conf_level: level of the bootstrap intervals.
        n_boot: bootstrap resamples.
        executor: a :class:`concurrent.futures.Executor` to run on instead of ``workers``
            (a caller that compares often keeps one pool of processes warm).

    Raises:
        ScenarioError: a scenario or an override is wrong.
        AnalysisError: fewer than 2 replications, an unknown outcome.

    Example:
        >>> c = compare("tera", "tera-without-rex", replications=2, years=0.2, outcomes=["annual_turnover"])
        >>> len(c.summaries), c.seeds == paired_seeds(2, master_seed=0)    # 2 seeds x 2 scenarios
        (4, True)
    """
    if replications < 2:
        raise AnalysisError(f"replications = {replications}: a paired comparison needs at least 2 seeds")
    if not 0 < conf_level < 1:
        raise AnalysisError(f"conf_level = {conf_level}: expected a number between 0 and 1")
    wanted = list(outcomes) if outcomes else list(HEADLINE_OUTCOMES)
    unknown = [o for o in wanted if o not in OUTCOMES]
    if unknown:
        raise AnalysisError(f"unknown outcome {unknown[0]!r} (outcomes: {', '.join(OUTCOMES)})")
    a = _as_scenario(scenario_a, overrides_a)
    b = _as_scenario(scenario_b, overrides_b)
    horizon = float(years if years is not None else a.years)
    if round(horizon * WEEKS_PER_YEAR) < 1:
        raise AnalysisError(f"years = {years}: shorter than one week")
    name_a = label_a or a.name
    name_b = label_b or b.name
    if name_a == name_b:
        name_a, name_b = f"{name_a} (A)", f"{name_b} (B)"
    seeds = paired_seeds(replications, master_seed)
    jobs = [(v, r, s, seed, horizon) for r, seed in enumerate(seeds) for v, s in (("A", a), ("B", b))]
    results = _execute(jobs, workers if workers is not None else _default_workers(len(jobs)), progress, executor)

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
    rng = np.random.default_rng(np.random.SeedSequence([master_seed, 2**31 - 1]))
    table = []
    for outcome in wanted:
        xa = summaries.loc[summaries["variant"] == "A", outcome].to_numpy(dtype=float)
        xb = summaries.loc[summaries["variant"] == "B", outcome].to_numpy(dtype=float)
        table.append({"outcome": outcome, **paired_statistics(xa, xb, conf_level, n_boot, rng)})
    return Comparison(
        label_a=name_a,
        label_b=name_b,
        seeds=seeds,
        years=horizon,
        master_seed=master_seed,
        conf_level=conf_level,
        summaries=summaries,
        differences=pd.DataFrame(table),
        weekly=pd.concat(weekly, ignore_index=True),
        scenario_a=a,
        scenario_b=b,
    )


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
        from scipy import stats

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["p_value"] = float(stats.wilcoxon(d).pvalue)
    return out


# --- sentences -------------------------------------------------------------------------------


def _pct(value: float, lang: str, signed: bool = True) -> str:
    """``−48 %`` / ``+3.5 %`` (French: ``+3,5 %``): integers from 10 % up, else one decimal."""
    digits = 0 if abs(value) >= 9.95 else 1
    text = f"{abs(value):.{digits}f}"
    if lang == "fr":
        text = text.replace(".", ",")
    sign = "" if not signed or float(text.replace(",", ".")) == 0 else ("+" if value > 0 else MINUS)
    return f"{sign}{text} %"


def _num(value: float, lang: str, signed: bool = False) -> str:
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
        size = _pct(row["rel_diff_pct"], lang, signed=False)
        interval = _interval(row["rel_ci_low"], row["rel_ci_high"], lang, _pct)
        tiny = size in ("0.0 %", "0,0 %")
        low, high = row["rel_ci_low"], row["rel_ci_high"]
    else:
        unit = f" {names.unit}" if names.unit and lang == "en" else ""
        size = f"{_num(abs(row['diff_mean']), lang)}{unit}"
        interval = _interval(row["diff_ci_low"], row["diff_ci_high"], lang, lambda v, lg: _num(v, lg, signed=True))
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
        parts = []
        for variant, label in (("A", self.label_a), ("B", self.label_b)):
            runs = self.weekly[self.weekly["variant"] == variant]
            for column in columns:
                if column not in runs.columns:
                    continue
                wide = runs.pivot(index="week", columns="replicate", values=column)
                values = wide.to_numpy(dtype=float)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # weeks where every run is NaN
                    q = np.nanquantile(values, list(BAND_QUANTILES.values()), axis=1)
                part = pd.DataFrame({"week": wide.index.to_numpy(), "year": wide.index.to_numpy() / WEEKS_PER_YEAR})
                for k, name in enumerate(BAND_QUANTILES):
                    part[name] = q[k]
                part.insert(0, "column", column)
                part.insert(0, "scenario", label)
                part.insert(0, "variant", variant)
                parts.append(part)
        return pd.concat(parts, ignore_index=True)

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

        Saved as PNG to ``path`` when given; the figure is returned either way.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(16, 12), layout="constrained")
        FigureCanvasAgg(fig)
        top, bottom = np.asarray(fig.subfigures(2, 1, height_ratios=[2, 1.25])).ravel()
        axes = top.subplots(2, 4)
        bands = self.bands()
        for k, column in enumerate(SERIES_COLUMNS):
            ax = axes[k // 4, k % 4]
            _band_panel(ax, bands[bands["column"] == column], column, self.label_a, self.label_b, legend=k == 0)
        _forest_panel(bottom.subplots(), self)
        fig.suptitle(
            f"{self.label_b} (B) compared with {self.label_a} (A): {self.replications} paired seeds, "
            f"{self.years:g} years",
            fontsize=14,
        )
        if path is not None:
            fig.savefig(Path(path), dpi=110)
        return fig


def _cell(value: Any) -> str:
    return fmt_number(value).replace("-", MINUS)


def _cell_pct(value: Any) -> str:
    return _pct(float(value), "en") if finite(value) else "n/a"


def _headline(row: Mapping[Any, Any]) -> str:
    """``−35 % [−48, −20]`` (relative) or ``+1.2 [0.4, 2.1]`` (absolute when A's mean is 0)."""
    if finite(row["rel_diff_pct"]) and finite(row["rel_ci_low"]):
        lo, hi = (_pct(row[k], "en").replace(" %", "") for k in ("rel_ci_low", "rel_ci_high"))
        return f"{_pct(row['rel_diff_pct'], 'en')} [{lo}, {hi}]"
    if finite(row["diff_mean"]):
        return (
            f"{_num(row['diff_mean'], 'en', True)} [{_num(row['diff_ci_low'], 'en', True)}, "
            f"{_num(row['diff_ci_high'], 'en', True)}]"
        )
    return "n/a"


def _band_panel(ax: Axes, bands: pd.DataFrame, column: str, label_a: str, label_b: str, legend: bool) -> None:
    for variant, color, label in (("A", COLOR_A, label_a), ("B", COLOR_B, label_b)):
        b = bands[bands["variant"] == variant]
        if b.empty:
            continue
        x = b["year"].to_numpy()
        ax.fill_between(x, b["q05"], b["q95"], color=color, alpha=0.12, linewidth=0)
        ax.fill_between(x, b["q25"], b["q75"], color=color, alpha=0.25, linewidth=0)
        ax.plot(x, b["median"], color=color, linewidth=1.6, label=label)
    ax.set_title(SERIES_TITLES.get(column, column), fontsize=11)
    ax.set_xlabel("years")
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize=9, title="median, 50 % and 90 % bands", title_fontsize=8, loc="best")


def _forest_panel(ax: Axes, c: Comparison) -> None:
    """Dot-and-interval plot of the relative differences (or absolute when A's mean is 0)."""
    t = c.table().iloc[::-1]
    y = np.arange(len(t))
    labels = []
    for k, r in enumerate(t.to_dict("records")):
        rel = finite(r["rel_diff_pct"]) and finite(r["rel_ci_low"])
        mid, lo, hi = (r["rel_diff_pct"], r["rel_ci_low"], r["rel_ci_high"]) if rel else (math.nan, math.nan, math.nan)
        labels.append(f"{r['label']}  ({r['headline']}{'' if rel else ', absolute'})")
        if not rel:
            continue
        clear = not lo <= 0 <= hi  # the interval excludes 0: a filled dot
        ax.errorbar(
            mid,
            y[k],
            xerr=[[mid - lo], [hi - mid]],
            fmt="o",
            color=COLOR_B,
            capsize=4,
            markersize=7,
            markerfacecolor=COLOR_B if clear else "white",
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlabel(f"B − A in % of A's mean ({c.conf_level:.0%} paired bootstrap interval)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"relative differences, {c.label_b} vs {c.label_a} (filled dot: the interval excludes 0)", fontsize=11)
