"""What if? Variant A (the current settings) against variant B (a copy the user edits),
over paired seeds, with honest uncertainty.

The statistics are those of :func:`coopsim.experiments.compare.compare` (paired seeds,
common random numbers, bootstrap intervals, the same sentences in French and English);
this module only runs it in the background and draws it in the page's language:

- median lines with 50 % and 90 % bands of a few weekly series, A in blue, B in red;
- a table of headline differences, ``−35 % [−48 ; −20]``;
- one plain sentence per outcome.

Speed: the page keeps one pool of worker processes (2 by default, the machine's cores
are few), started and warmed when the first page opens, shared by every tab (it holds no
model, only workers), so a 10-replication comparison does not pay the start-up of new
processes.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import solara
from matplotlib.figure import Figure

from ..experiments.compare import COLOR_A, COLOR_B, Comparison, _run_job, compare, sentence
from .html import bold, bullets, paragraph, table
from .session import Settings
from .strings import OUTCOME_LABELS, SERIES_LABELS, interval, number, pick, signed_number, signed_percent, t

DEFAULT_REPLICATIONS = 10
BAND_COLUMNS = ("active", "burned_out", "exhaustion_mean", "engagement_mean", "trust_mean", "unmet_share")
FIGSIZE = (10.5, 5.6)
DPI = 80

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def pool_workers() -> int:
    """Worker processes of the shared pool: ``COOPSIM_UI_WORKERS`` or 2 (at most the cores)."""
    wanted = int(os.environ.get("COOPSIM_UI_WORKERS", "2"))
    return max(1, min(wanted, os.cpu_count() or 1))


def _exit_with_parent(parent: int) -> None:
    """In a worker: exit when the server that started it is gone (killed rather than stopped)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(2)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="coopsim-watch-parent").start()


def shared_pool() -> ProcessPoolExecutor:
    """The page's pool of worker processes (spawned once, then reused)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=pool_workers(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return _pool


def warm_pool() -> None:
    """Start the workers and let each import the model (a one-week run), in the background."""

    def warm() -> None:
        scenario = Settings().scenario_obj()
        pool = shared_pool()
        futures = [pool.submit(_run_job, ("A", 0, scenario, k, 1 / 52)) for k in range(pool_workers())]
        for f in futures:
            f.result()

    threading.Thread(target=warm, daemon=True, name="coopsim-warm-pool").start()


@dataclass
class CompareResult:
    """A finished comparison, what it compared, and how long it took."""

    comparison: Comparison
    settings_a: Settings
    settings_b: Settings
    seconds: float


def run_comparison(
    a: Settings,
    b: Settings,
    replications: int = DEFAULT_REPLICATIONS,
    progress: Callable[[int], Any] | None = None,
    executor: Any = None,
) -> CompareResult:
    """Compare B with A on ``replications`` paired seeds derived from A's seed."""
    start = time.perf_counter()
    c = compare(
        a.scenario_obj(),
        b.scenario_obj(),
        replications=replications,
        master_seed=a.seed,
        outcomes=list(OUTCOME_LABELS),
        progress=progress,
        label_a="A",
        label_b="B",
        executor=executor,
        workers=1,
    )
    return CompareResult(c, a, b, time.perf_counter() - start)


def bands_figure(c: Comparison, lang: str) -> Figure:
    """Median lines with 50 % and 90 % bands of A and B, one panel per series."""
    bands = c.bands(BAND_COLUMNS)
    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    axes = fig.subplots(2, 3, sharex=True)
    for ax, column in zip(axes.ravel(), BAND_COLUMNS):
        for variant, color, label in (("A", COLOR_A, t("label_a", lang)), ("B", COLOR_B, t("label_b", lang))):
            band = bands[(bands["variant"] == variant) & (bands["column"] == column)]
            x = band["year"].to_numpy()
            ax.fill_between(x, band["q05"], band["q95"], color=color, alpha=0.12, linewidth=0)
            ax.fill_between(x, band["q25"], band["q75"], color=color, alpha=0.25, linewidth=0)
            ax.plot(x, band["median"], color=color, linewidth=1.6, label=label)
        ax.set_title(pick(SERIES_LABELS, column, lang), fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel(t("years_axis", lang))
    axes[0, 0].legend(fontsize=8, title=t("bands_legend", lang), title_fontsize=7)
    return fig


def _is_rate(outcome: str) -> bool:
    return outcome.endswith("share") or outcome.startswith("mean_") or outcome.startswith("annual_turnover")


def difference_rows(c: Comparison, lang: str) -> list[dict[str, str]]:
    """The headline table in ``lang``: outcome, A's and B's means, B − A with its interval."""
    rows = []
    for r in c.differences.to_dict("records"):
        digits = 2 if _is_rate(str(r["outcome"])) else 1
        if np.isfinite(r["rel_diff_pct"]) and np.isfinite(r["rel_ci_low"]):
            diff = (
                f"{signed_percent(r['rel_diff_pct'], lang)} "
                f"{interval(r['rel_ci_low'], r['rel_ci_high'], lang, lambda v, lg: signed_percent(v, lg).replace('%', '').strip())}"
            )
        elif np.isfinite(r["diff_mean"]):
            bounds = interval(
                r["diff_ci_low"], r["diff_ci_high"], lang, lambda v, lg, d=digits: signed_number(v, lg, d)
            )
            diff = f"{signed_number(r['diff_mean'], lang, digits)} {bounds}"
        else:
            diff = "–"
        rows.append(
            {
                t("col_outcome", lang): pick(OUTCOME_LABELS, str(r["outcome"]), lang),
                t("col_a", lang): number(r["mean_a"], lang, digits),
                t("col_b", lang): number(r["mean_b"], lang, digits),
                t("col_diff", lang): diff,
            }
        )
    return rows


def sentences(c: Comparison, lang: str) -> list[str]:
    """One sentence per outcome, from the comparison module, with the variants' names in ``lang``."""
    out = [sentence(r, t("label_a", lang), t("label_b", lang), lang) for r in c.differences.to_dict("records")]
    return [s for s in out if s is not None]


@solara.component
def CompareView(
    settings_a: Settings,
    settings_b: solara.Reactive[Settings],
    lang: str,
    replications: solara.Reactive[int],
    on_compare: Callable[[], None],
    progress: tuple[int, int] | None,
    result: CompareResult | None,
    error: str | None,
) -> None:
    """Variant B's settings, the compare button with its progress, and the result."""
    from .export import FigureDownload
    from .setup_panel import SettingsPanel

    running = progress is not None
    with solara.Columns([1, 2]):
        with solara.Column(classes=["cs-variant-b"]):
            bold(t("variant_b", lang))
            solara.Button(
                t("copy_a", lang), on_click=lambda: settings_b.set(settings_a), outlined=True, classes=["cs-copy-a"]
            )
            SettingsPanel(settings_b, lang, prefix="cs-b", show_seed=False)
        with solara.Column(classes=["cs-compare"]):
            paragraph(t("compare_help", lang, r=replications.value))
            solara.SliderInt(t("replications", lang), value=replications, min=2, max=40)
            same = settings_b.value.scenario_obj() == settings_a.scenario_obj()
            if same:
                solara.Warning(t("same_settings", lang), classes=["cs-same-settings"])
            solara.Button(
                t("compare", lang),
                on_click=on_compare,
                disabled=running,
                color="primary",
                icon_name="mdi-compare",
                classes=["cs-compare-button"],
            )
            if running and progress is not None:
                done, total = progress
                solara.ProgressLinear(100 * done / max(total, 1))
                solara.Text(t("comparing", lang, done=done, total=total), classes=["cs-compare-progress"])
            if error:
                solara.Error(error)
            if result is not None:
                _Result(result, lang, FigureDownload)


@solara.component
def _Result(result: CompareResult, lang: str, FigureDownload: Any) -> None:
    c = result.comparison
    fig = solara.use_memo(lambda: bands_figure(c, lang), [id(c), lang])
    solara.Text(
        t(
            "compare_done",
            lang,
            r=c.replications,
            years=number(c.years, lang, 0),
            seconds=number(result.seconds, lang, 1),
        ),
        classes=["cs-compare-done"],
    )
    FigureDownload(fig, "coopsim-comparaison.png" if lang == "fr" else "coopsim-comparison.png", lang)
    with solara.Div(classes=["cs-bands"]):
        solara.FigureMatplotlib(fig, dependencies=[id(c), lang], format="png")
    bold(t("differences", lang))
    table(difference_rows(c, lang), classes=["cs-differences"])
    bullets(sentences(c, lang), classes=["cs-sentences"])
    solara.Text(t("compare_note", lang), style={"font-size": "0.8em", "color": "#555"})
