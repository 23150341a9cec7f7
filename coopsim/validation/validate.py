"""Run the patterns over many seeds and report them: a table, a JSON list, a Markdown page
and a figure.

Each seed runs the baseline and the variants the patterns (and the mechanism effects,
:mod:`.effects`) need on the same seed (paired seeds, derived from a master seed), computes
every statistic, and keeps only those numbers. Seeds are independent, so they run in a
process pool; the table is the same for any number of workers.

With an ensemble of plausible constant sets (:mod:`.ensemble`), every pattern and effect is
also computed for each set on the validation's seeds, and the table gives, beside the
fitted point's median and its 90 % interval over seeds, the median and 90 % interval over
the ensemble × seeds and the share of the sets whose own median passes.

Example:
    >>> table = validate(seeds=1, years=1, workers=1, patterns=("settled_people",))
    >>> table.columns.tolist()[:5]
    ['pattern', 'role', 'label', 'low', 'high']
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.engine.seeds import paired_seeds
from ..formatting import finite, fmt_number
from ..runner import run
from .effects import EFFECTS_BY_KEY, SEPARATOR
from .patterns import FIT, HELD_OUT, PATTERNS, PATTERNS_BY_KEY, SOURCES, Pattern, scenarios_needed

MASTER_SEED = 2026

#: one seed's work: seed, years, pattern keys, constants' overrides, effect keys
Job = tuple[int, float | None, tuple[str, ...], dict[str, Any] | None, tuple[str, ...]]


def seed_statistics(job: Job) -> dict[str, float]:
    """Every chosen pattern's statistic and every chosen effect's parts on one seed (module
    level, so a pool can import it); an effect's part is named ``"effect:part"``.

    Example:
        >>> stats = seed_statistics((1, 1.0, ("settled_people",), None, ("rex_turnover_diff",)))
        >>> list(stats), stats["settled_people"] > 0
        (['settled_people', 'rex_turnover_diff:diff'], True)
    """
    seed, years, keys, overrides, effect_keys = job
    patterns = tuple(PATTERNS_BY_KEY[k] for k in keys)
    effects = tuple(EFFECTS_BY_KEY[k] for k in effect_keys)
    names = list(scenarios_needed(patterns))
    names += [n for e in effects for n in e.needs if n not in names]
    ov = dict(overrides or {}) or None
    runs = {name: run(name, seed=seed, years=years, overrides=ov, keep_model=False) for name in names}
    out = {p.key: float(p.statistic(runs)) for p in patterns}
    for e in effects:
        out.update({f"{e.key}{SEPARATOR}{part}": float(v) for part, v in e.parts(runs).items()})
    return out


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes (what mesa sets anyway), for :func:`simulate`."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _collect(results: Iterable[dict[str, float]], progress: Callable[[int], Any] | None) -> list[dict[str, float]]:
    rows = []
    for stats in results:
        rows.append(stats)
        if progress is not None:
            progress(1)
    return rows


def simulate_points(
    overrides: Sequence[dict[str, Any] | None],
    seeds: int,
    years: float | None = None,
    workers: int = 2,
    patterns: Sequence[str] | None = None,
    effects: Sequence[str] = (),
    master_seed: int = MASTER_SEED,
    progress: Callable[[int], Any] | None = None,
    pool: Executor | None = None,
) -> pd.DataFrame:
    """One row per point and seed (columns ``point``, the point's number in ``overrides``,
    and ``seed``), one column per pattern's statistic and per effect's part; every point on
    the same paired seeds. All the points' seeds go to one pool at once: ``pool`` when one
    is given, else a pool of ``workers`` processes started here, else (``workers`` 1, or a
    single job) in-process. ``progress`` is called once per point and seed.

    Example:
        >>> frame = simulate_points([None, {"work.drop_base": 0.004}], 2, years=0.5, workers=1,
        ...                         patterns=["settled_people"])
        >>> frame[["point", "seed"]].shape, frame["point"].tolist()
        ((4, 2), [0, 0, 1, 1])
    """
    keys = tuple(patterns or [p.key for p in PATTERNS])
    seed_list = paired_seeds(seeds, master_seed)
    jobs: list[Job] = [(s, years, keys, ov, tuple(effects)) for ov in overrides for s in seed_list]
    if pool is not None:
        rows = _collect(pool.map(seed_statistics, jobs), progress)  # map keeps the jobs' order
    elif workers <= 1 or len(jobs) == 1:
        rows = _collect(map(seed_statistics, jobs), progress)
    else:
        with process_pool(workers) as own:
            rows = _collect(own.map(seed_statistics, jobs), progress)
    frame = pd.DataFrame(rows)
    frame.insert(0, "seed", seed_list * len(overrides))
    frame.insert(0, "point", np.repeat(np.arange(len(overrides)), len(seed_list)))
    return frame


def simulate(
    seeds: int,
    years: float | None = None,
    workers: int = 2,
    patterns: Sequence[str] | None = None,
    overrides: dict[str, Any] | None = None,
    master_seed: int = MASTER_SEED,
    progress: Callable[[int], Any] | None = None,
    pool: Executor | None = None,
    effects: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per seed, one column per pattern's statistic (plus ``seed``) and per effect's
    part, in seed order: :func:`simulate_points` for one point.

    Example:
        >>> simulate(2, years=0.5, workers=1, patterns=["settled_people"]).shape
        (2, 2)
    """
    frame = simulate_points([overrides], seeds, years, workers, patterns, effects, master_seed, progress, pool)
    return frame.drop(columns="point")


def wilson_interval(share: float, n: int, z: float = 1.645) -> tuple[float, float]:
    """The 90 % Wilson score interval of a share observed on ``n`` seeds.

    Example:
        >>> [round(v, 3) for v in wilson_interval(0.9, 30)]
        [0.774, 0.959]
    """
    if n == 0 or not np.isfinite(share):
        return float("nan"), float("nan")
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def centre(p: Pattern, x: np.ndarray) -> float:
    """A pattern's value over seeds: the share of seeds for a yes/no pattern, else the median
    (non-finite values left out).

    Example:
        >>> centre(PATTERNS_BY_KEY["simon_arc"], np.array([1.0, 0.0, 1.0, 1.0]))
        0.75
    """
    x = x[np.isfinite(x)]
    if not x.size:
        return float("nan")
    return float(x.mean()) if p.share_of_seeds else float(np.median(x))


def _ensemble_columns(p: Pattern, ensemble: pd.DataFrame) -> dict[str, Any]:
    """A pattern over an ensemble table: the median (or share) of all its sets × seeds, their
    5-95 % (for a yes/no pattern: the 5-95 % of the sets' shares), the share of the sets
    whose own value passes."""
    pooled = ensemble[p.key].to_numpy(dtype=float)
    per_point = np.array([centre(p, g[p.key].to_numpy(dtype=float)) for _, g in ensemble.groupby("point")])
    spread = per_point if p.share_of_seeds else pooled
    spread = spread[np.isfinite(spread)]
    low, high = np.percentile(spread, [5, 95]) if spread.size else (np.nan, np.nan)
    return {
        "ensemble_value": centre(p, pooled),
        "ensemble_p5": float(low),
        "ensemble_p95": float(high),
        "ensemble_points": int(ensemble["point"].nunique()),
        "ensemble_pass_share": float(np.mean([p.passes(v) for v in per_point])) if per_point.size else float("nan"),
    }


def summarise(per_seed: pd.DataFrame, ensemble: pd.DataFrame | None = None) -> pd.DataFrame:
    """The validation table: each pattern's role, range, source, median over the seeds with
    the 5th and 95th percentiles (or, for a yes/no pattern, the share of seeds with its 90 %
    Wilson interval), and whether it passes; with an ensemble table (:func:`simulate_points`
    over the ensemble's sets), the ensemble's columns too (``_ensemble_columns``). Columns
    that are not patterns (effects' parts, ``point``) are ignored.

    Example:
        >>> per_seed = pd.DataFrame({"seed": [1, 2, 3], "mediation_success": [0.66, 0.7, 0.68]})
        >>> summarise(per_seed)[["pattern", "role", "value", "passed"]].values.tolist()
        [['mediation_success', 'fit', 0.68, True]]
    """
    rows = []
    for key in [c for c in per_seed.columns if c in PATTERNS_BY_KEY]:
        p: Pattern = PATTERNS_BY_KEY[key]
        x = per_seed[key].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        value = centre(p, x)
        if p.share_of_seeds:  # a share of seeds: its 90 % Wilson interval
            low, high = wilson_interval(value, x.size)
        else:
            low, high = np.percentile(x, [5, 95]) if x.size else (np.nan, np.nan)
        row = {
            "pattern": key,
            "role": p.role,
            "label": p.label,
            "low": p.low,
            "high": p.high,
            "unit": p.unit,
            "source": p.source,
            "statistic": "share of seeds" if p.share_of_seeds else "median",
            "value": value,
            "p5": float(low),
            "p95": float(high),
            "seeds": int(x.size),
            "passed": p.passes(value),
        }
        if ensemble is not None and len(ensemble) and key in ensemble:
            row.update(_ensemble_columns(p, ensemble))
        rows.append(row)
    return pd.DataFrame(rows)


def validate(
    seeds: int = 30,
    years: float | None = None,
    workers: int = 2,
    patterns: Sequence[str] | None = None,
    overrides: dict[str, Any] | None = None,
    master_seed: int = MASTER_SEED,
    progress: Callable[[int], Any] | None = None,
) -> pd.DataFrame:
    """Simulate the patterns over ``seeds`` paired seeds and return the validation table."""
    return summarise(simulate(seeds, years, workers, patterns, overrides, master_seed, progress))


def to_json(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The table as a list of plain objects, one per pattern: ``name``, ``role``, ``target``
    ([low, high]), ``statistic``, ``median`` (the share of seeds for a yes/no pattern),
    ``interval`` ([p5, p95]), ``seeds``, ``pass``, and with an ensemble ``ensemble_median``,
    ``ensemble_interval``, ``ensemble_points`` and ``ensemble_pass_share``. Numbers that
    could not be computed are ``None``.

    Example:
        >>> t = summarise(pd.DataFrame({"seed": [1, 2], "mediation_success": [0.66, 0.7]}))
        >>> to_json(t)[0]["name"], to_json(t)[0]["target"], to_json(t)[0]["pass"]
        ('mediation_success', [0.64, 0.73], True)
    """

    def num(x: Any) -> float | None:
        x = float(x)
        return x if np.isfinite(x) else None

    out = []
    for r in table.to_dict("records"):
        item: dict[str, Any] = {
            "name": r["pattern"],
            "role": r["role"],
            "target": [num(r["low"]), num(r["high"])],
            "statistic": r["statistic"],
            "median": num(r["value"]),
            "interval": [num(r["p5"]), num(r["p95"])],
            "seeds": int(r["seeds"]),
            "pass": bool(r["passed"]),
        }
        if "ensemble_value" in r and np.isfinite(r.get("ensemble_points", np.nan)):
            item["ensemble_median"] = num(r["ensemble_value"])
            item["ensemble_interval"] = [num(r["ensemble_p5"]), num(r["ensemble_p95"])]
            item["ensemble_points"] = int(r["ensemble_points"])
            item["ensemble_pass_share"] = num(r["ensemble_pass_share"])
        out.append(item)
    return out


# --- writing ----------------------------------------------------------------------------------


_num = fmt_number  # three significant digits, 'n/a' when missing (coopsim.formatting)
_finite = finite


def _percent(x: Any) -> str:
    return f"{100 * float(x):.0f} %" if _finite(x) else "n/a"


def _has_ensemble(table: pd.DataFrame) -> bool:
    return "ensemble_value" in table and bool(table["ensemble_value"].notna().any())


def text_table(table: pd.DataFrame) -> str:
    """The table as aligned plain text, for the terminal: the fitted patterns, then the held-out.

    Example:
        >>> t = summarise(pd.DataFrame({"seed": [1], "mediation_success": [0.7]}))
        >>> "PASS" in text_table(t) and "fit" in text_table(t)
        True
    """
    ens = _has_ensemble(table)
    head = f"{'pattern':<28} {'role':<8} {'target':>15} {'simulated':>10} {'90 % of seeds':>19}"
    head += f" {'ensemble':>9} {'90 % ens. x seeds':>19} {'sets pass':>9}" if ens else ""
    lines = [head + "  result  source"]
    for r in table.itertuples():
        line = f"{r.pattern:<28} {r.role:<8} {f'[{_num(r.low)}, {_num(r.high)}]':>15} {_num(r.value):>10} "
        line += f"{f'[{_num(r.p5)}, {_num(r.p95)}]':>19}"
        if ens:
            line += f" {_num(r.ensemble_value):>9} {f'[{_num(r.ensemble_p5)}, {_num(r.ensemble_p95)}]':>19}"
            line += f" {_num(r.ensemble_pass_share):>9}"
        lines.append(f"{line}  {'PASS' if r.passed else 'FAIL':<6}  {r.source}")
    seeds = int(table["seeds"].max()) if len(table) else 0
    for role in (FIT, HELD_OUT):
        part = table[table["role"] == role]
        if len(part):
            lines.append(f"{role}: {int(part['passed'].sum())} of {len(part)} patterns pass over {seeds} seeds")
    lines.append(f"{int(table['passed'].sum())} of {len(table)} patterns pass over {seeds} seeds")
    return "\n".join(lines)


def effects_text(effects: pd.DataFrame) -> str:
    """The mechanism effects as aligned plain text.

    Example:
        >>> from coopsim.validation.effects import summarise_effects
        >>> e = summarise_effects(pd.DataFrame({"seed": [1, 2], "rex_turnover_diff:diff": [-0.02, -0.01]}))
        >>> "rex_turnover_diff" in effects_text(e)
        True
    """
    ens = "ensemble_value" in effects
    head = f"{'effect':<26} {'value':>8} {'90 % over seeds':>19}"
    head += f" {'ensemble':>9} {'90 % over sets':>19}" if ens else ""
    lines = [head + "  published"]
    for r in effects.itertuples():
        line = f"{r.effect:<26} {_num(r.value):>8} {f'[{_num(r.p5)}, {_num(r.p95)}]':>19}"
        if ens:
            line += f" {_num(r.ensemble_value):>9} {f'[{_num(r.ensemble_p5)}, {_num(r.ensemble_p95)}]':>19}"
        published = (
            f"{_num(r.published)} [{_num(r.published_low)}, {_num(r.published_high)}] ({r.source})"
            if _finite(r.published)
            else "-"
        )
        lines.append(f"{line}  {published}")
    return "\n".join(lines)


def figure(per_seed: pd.DataFrame, path: Path) -> None:
    """One small panel per pattern: the seeds' values, the median and the target range."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [c for c in per_seed.columns if c in PATTERNS_BY_KEY]
    cols = 4
    rows = int(np.ceil(len(keys) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.0 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        p = PATTERNS_BY_KEY[key]
        x = per_seed[key].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        ax.axvspan(p.low, p.high, color="tab:green", alpha=0.18, label="target")
        ax.plot(x, np.random.default_rng(0).uniform(-0.3, 0.3, x.size), "o", ms=3, alpha=0.6, color="tab:blue")
        if x.size:
            ax.axvline(centre(p, x), color="black", lw=1.5)
        ax.set_yticks([])
        ax.set_title(f"{key.replace('_', ' ')} ({'fitted' if p.role == FIT else 'held out'})", fontsize=8)
        ax.tick_params(labelsize=7)
        top = x.max() if x.size else p.high
        hi = min(p.high, max(top, p.low) * 1.5 + 1e-9) if p.high > 10 * max(abs(p.low), 1e-9) else p.high
        lo = min(p.low, x.min() if x.size else p.low)
        span = max(hi, top) - lo
        ax.set_xlim(lo - 0.1 * span, max(hi, top) + 0.1 * span)
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    fig.suptitle("Validation: each seed (dots), the median (line) and the target range (green)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _pattern_rows(table: pd.DataFrame, ens: bool) -> list[str]:
    head = "| pattern | target | simulated (median or share of seeds) | 90 % of seeds |"
    rule = "|---|---|---|---|"
    if ens:
        head += " ensemble | 90 % of ensemble × seeds | sets that pass |"
        rule += "---|---|---|"
    out = [head + " result | source |", rule + "---|---|"]
    for r in table.itertuples():
        line = f"| {r.label} | [{_num(r.low)}, {_num(r.high)}] {r.unit} | {_num(r.value)} | [{_num(r.p5)}, {_num(r.p95)}] |"
        if ens:
            line += f" {_num(r.ensemble_value)} | [{_num(r.ensemble_p5)}, {_num(r.ensemble_p95)}] |"
            line += f" {_percent(r.ensemble_pass_share)} |"
        out.append(f"{line} {'pass' if r.passed else '**fail**'} | [{r.source}](#sources) |")
    return out


def _effect_rows(effects: pd.DataFrame) -> list[str]:
    ens = "ensemble_value" in effects
    head = "| effect | fitted point | 90 % over seeds (bootstrap) |"
    rule = "|---|---|---|"
    if ens:
        head += " median over the ensemble | 90 % over the ensemble's sets |"
        rule += "---|---|"
    out = [head + " published |", rule + "---|"]
    for r in effects.itertuples():
        line = f"| {r.label} | {_num(r.value)} | [{_num(r.p5)}, {_num(r.p95)}] |"
        if ens:
            line += f" {_num(r.ensemble_value)} | [{_num(r.ensemble_p5)}, {_num(r.ensemble_p95)}] |"
        published = (
            f"{_num(r.published)} [{_num(r.published_low)}, {_num(r.published_high)}] ([{r.source}](#sources))"
            if _finite(r.published)
            else "none"
        )
        out.append(f"{line} {published} |")
    return out


def markdown(
    table: pd.DataFrame,
    seeds: int,
    figure_name: str | None,
    effects: pd.DataFrame | None = None,
    ensemble_note: str = "",
) -> str:
    """The results part of docs/VALIDATION.md: what was fitted and what was held out, the two
    tables, the mechanism effects with their intervals, the figure and the sources."""
    ens = _has_ensemble(table)
    fit, held = table[table["role"] == FIT], table[table["role"] == HELD_OUT]
    out = [
        f"**Fitted: {int(fit['passed'].sum())} of {len(fit)} patterns pass. Held out: {int(held['passed'].sum())} "
        f"of {len(held)} pass**, over {seeds} paired seeds (master seed {MASTER_SEED}; "
        f"`coopsim validate --seeds {seeds}`).",
        "",
        f"- **Fitted** (targets of the calibration): {', '.join(f'`{k}`' for k in fit['pattern'])}.",
        f"- **Held out** (no search computed them; measured only here, after the fit): "
        f"{', '.join(f'`{k}`' for k in held['pattern'])}.",
    ]
    if ensemble_note:
        out += [f"- **Ensemble**: {ensemble_note}"]
    for title, part in (("Fitted patterns", fit), ("Held-out patterns", held)):
        if len(part):
            out += ["", f"#### {title}", "", *_pattern_rows(part, ens)]
    if effects is not None and len(effects):
        out += [
            "",
            "#### Mechanism effects",
            "",
            "Each lever's effect on paired seeds (the variant scenario against the baseline, same seed); the "
            "interval over seeds is a bootstrap of the seeds"
            + (", the interval over the ensemble the spread of its constant sets' values." if ens else "."),
            "",
            *_effect_rows(effects),
        ]
    if figure_name:
        out += ["", f"![each seed's value, the median and the target range](figures/{figure_name})"]
    out += ["", "### Sources", ""]
    used = sorted(
        set(table["source"]) | (set(effects["source"]) - {""} if effects is not None and len(effects) else set())
    )
    out += [f"- **{key}**: {SOURCES[key]}" for key in used]
    return "\n".join(out) + "\n"


RESULTS_START = "<!-- validation results: written by coopsim validate -->"
RESULTS_END = "<!-- end of validation results -->"


def write_docs(
    table: pd.DataFrame,
    per_seed: pd.DataFrame,
    seeds: int,
    docs: Path,
    effects: pd.DataFrame | None = None,
    ensemble_note: str = "",
) -> Path:
    """Write the results between the markers of ``docs/VALIDATION.md`` (the rest of the page
    is prose kept by hand) and the figure into ``docs/figures/``; return the page's path."""
    figures = docs / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    figure(per_seed, figures / "validation.png")
    page = docs / "VALIDATION.md"
    text = page.read_text(encoding="utf-8") if page.exists() else f"# Validation\n\n{RESULTS_START}\n{RESULTS_END}\n"
    if RESULTS_START not in text or RESULTS_END not in text:
        text += f"\n{RESULTS_START}\n{RESULTS_END}\n"
    head, rest = text.split(RESULTS_START, 1)
    _, tail = rest.split(RESULTS_END, 1)
    body = markdown(table, seeds, "validation.png", effects, ensemble_note)
    page.write_text(f"{head}{RESULTS_START}\n{body}{RESULTS_END}{tail}", encoding="utf-8")
    return page


__all__ = [
    "MASTER_SEED",
    "effects_text",
    "seed_statistics",
    "simulate",
    "simulate_points",
    "summarise",
    "text_table",
    "to_json",
    "validate",
    "write_docs",
]
