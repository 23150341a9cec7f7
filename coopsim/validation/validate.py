"""Run the patterns over many seeds and report them: a table, a Markdown page and a figure.

Each seed runs the baseline and the variants the patterns need on the same seed (paired
seeds, derived from a master seed), computes every pattern's statistic, and keeps only
those numbers. Seeds are independent, so they run in a process pool; the table is the
same for any number of workers.

Example:
    >>> table = validate(seeds=1, years=1, workers=1, patterns=("settled_people",))
    >>> table.columns.tolist()[:4]
    ['pattern', 'label', 'low', 'high']
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.compare import paired_seeds
from ..runner import run
from .patterns import PATTERNS, PATTERNS_BY_KEY, SOURCES, Pattern, scenarios_needed

MASTER_SEED = 2026


def seed_statistics(job: tuple[int, float | None, tuple[str, ...], dict[str, Any] | None]) -> dict[str, float]:
    """Every chosen pattern's statistic on one seed (module level, so a pool can import it).

    Example:
        >>> stats = seed_statistics((1, 1.0, ("settled_people",), None))
        >>> list(stats), stats["settled_people"] > 0
        (['settled_people'], True)
    """
    seed, years, keys, overrides = job
    patterns = tuple(PATTERNS_BY_KEY[k] for k in keys)
    ov = dict(overrides or {})
    runs = {name: run(name, seed=seed, years=years, overrides=ov or None) for name in scenarios_needed(patterns)}
    return {p.key: float(p.statistic(runs)) for p in patterns}


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


def simulate(
    seeds: int,
    years: float | None = None,
    workers: int = 2,
    patterns: Sequence[str] | None = None,
    overrides: dict[str, Any] | None = None,
    master_seed: int = MASTER_SEED,
    progress: Callable[[int], Any] | None = None,
    pool: Executor | None = None,
) -> pd.DataFrame:
    """One row per seed, one column per pattern's statistic (plus ``seed``), in seed order.

    The seeds run in ``pool`` when one is given (a caller simulating many points keeps one
    pool for all), else in a pool of ``workers`` processes started here, else in-process.

    Example:
        >>> simulate(2, years=0.5, workers=1, patterns=["settled_people"]).shape
        (2, 2)
    """
    keys = tuple(patterns or [p.key for p in PATTERNS])
    seed_list = paired_seeds(seeds, master_seed)
    jobs = [(s, years, keys, overrides) for s in seed_list]
    rows: list[dict[str, float]] = []
    if pool is None and (workers <= 1 or len(jobs) == 1):
        results: Iterable[dict[str, float]] = map(seed_statistics, jobs)
        rows = _collect(results, progress)
    elif pool is not None:
        rows = _collect(pool.map(seed_statistics, jobs), progress)  # map keeps the seeds' order
    else:
        with process_pool(workers) as own:
            rows = _collect(own.map(seed_statistics, jobs), progress)
    frame = pd.DataFrame(rows, columns=list(keys))
    frame.insert(0, "seed", seed_list)
    return frame


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


def summarise(per_seed: pd.DataFrame) -> pd.DataFrame:
    """The validation table: each pattern's range, source, median over the seeds with the
    5th and 95th percentiles (or, for a yes/no pattern, the share of seeds with its 90 %
    Wilson interval), and whether it passes.

    Example:
        >>> per_seed = pd.DataFrame({"seed": [1, 2, 3], "mediation_success": [0.6, 0.7, 0.65]})
        >>> summarise(per_seed)[["pattern", "value", "passed"]].values.tolist()
        [['mediation_success', 0.65, True]]
    """
    rows = []
    for key in per_seed.columns.drop("seed"):
        p: Pattern = PATTERNS_BY_KEY[key]
        x = per_seed[key].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        if p.share_of_seeds:  # a share of seeds: its 90 % Wilson interval
            value = float(x.mean()) if x.size else float("nan")
            low, high = wilson_interval(value, x.size)
        else:
            value = float(np.median(x)) if x.size else float("nan")
            low, high = np.percentile(x, [5, 95]) if x.size else (np.nan, np.nan)
        rows.append(
            {
                "pattern": key,
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
        )
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


# --- writing ----------------------------------------------------------------------------------


def _num(x: Any) -> str:
    x = float(x)
    return "n/a" if not np.isfinite(x) else f"{x:.3g}"


def text_table(table: pd.DataFrame) -> str:
    """The table as aligned plain text, for the terminal.

    Example:
        >>> t = summarise(pd.DataFrame({"seed": [1], "mediation_success": [0.7]}))
        >>> "PASS" in text_table(t)
        True
    """
    lines = [f"{'pattern':<28} {'target':>15} {'simulated':>11} {'90 % interval':>19}  result  source"]
    for r in table.itertuples():
        target = f"[{_num(r.low)}, {_num(r.high)}]"
        interval = f"[{_num(r.p5)}, {_num(r.p95)}]"
        result = "PASS" if r.passed else "FAIL"
        lines.append(f"{r.pattern:<28} {target:>15} {_num(r.value):>11} {interval:>19}  {result:<6}  {r.source}")
    passed = int(table["passed"].sum())
    lines.append(f"{passed} of {len(table)} patterns pass over {int(table['seeds'].max())} seeds")
    return "\n".join(lines)


def figure(per_seed: pd.DataFrame, path: Path) -> None:
    """One small panel per pattern: the seeds' values, the median and the target range."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(per_seed.columns.drop("seed"))
    cols = 4
    rows = int(np.ceil(len(keys) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.0 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        p = PATTERNS_BY_KEY[key]
        x = per_seed[key].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        ax.axvspan(p.low, p.high, color="tab:green", alpha=0.18, label="target")
        ax.plot(x, np.random.default_rng(0).uniform(-0.3, 0.3, x.size), "o", ms=3, alpha=0.6, color="tab:blue")
        centre = x.mean() if p.share_of_seeds else np.median(x)
        ax.axvline(centre, color="black", lw=1.5)
        ax.set_yticks([])
        ax.set_title(key.replace("_", " "), fontsize=8)
        ax.tick_params(labelsize=7)
        hi = min(p.high, max(x.max(), p.low) * 1.5 + 1e-9) if p.high > 10 * max(abs(p.low), 1e-9) else p.high
        lo = min(p.low, x.min() if x.size else p.low)
        span = max(hi, x.max() if x.size else hi) - lo
        ax.set_xlim(lo - 0.1 * span, max(hi, x.max() if x.size else hi) + 0.1 * span)
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    fig.suptitle("Validation: each seed (dots), the median (line) and the target range (green)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def markdown(table: pd.DataFrame, seeds: int, figure_name: str | None) -> str:
    """The results part of docs/VALIDATION.md: the table with sources, and the figure."""
    passed = int(table["passed"].sum())
    out = [
        f"**{passed} of {len(table)} patterns pass** over {seeds} paired seeds "
        f"(master seed {MASTER_SEED}; `coopsim validate --seeds {seeds}`).",
        "",
        "| pattern | target | simulated (median or share of seeds) | 90 % of seeds | result | source |",
        "|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        out.append(
            f"| {r.label} | [{_num(r.low)}, {_num(r.high)}] {r.unit} | {_num(r.value)} | "
            f"[{_num(r.p5)}, {_num(r.p95)}] | {'pass' if r.passed else '**fail**'} | [{r.source}](#sources) |"
        )
    if figure_name:
        out += ["", f"![each seed's value, the median and the target range](figures/{figure_name})"]
    out += ["", "### Sources", ""]
    used = sorted(set(table["source"]))
    out += [f"- **{key}**: {SOURCES[key]}" for key in used]
    return "\n".join(out) + "\n"


RESULTS_START = "<!-- validation results: written by coopsim validate -->"
RESULTS_END = "<!-- end of validation results -->"


def write_docs(table: pd.DataFrame, per_seed: pd.DataFrame, seeds: int, docs: Path) -> Path:
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
    body = markdown(table, seeds, "validation.png")
    page.write_text(f"{head}{RESULTS_START}\n{body}{RESULTS_END}{tail}", encoding="utf-8")
    return page


__all__ = ["MASTER_SEED", "seed_statistics", "simulate", "summarise", "text_table", "validate", "write_docs"]
