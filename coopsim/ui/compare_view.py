"""What if? Variant A (the current settings) against variant B (a copy the user edits),
over paired seeds, with honest uncertainty.

The statistics are those of :func:`coopsim.experiments.analyses.compare.compare` (paired seeds,
common random numbers, bootstrap intervals, the same sentences in French and English);
this module only runs it in the background and draws it in the page's language:

- what B changes, in words, from the levers' names (:func:`changes`): "B : sans
  médiation", which also names B in the table and the sentences;
- median lines with 50 % and 90 % bands of three weekly series that matter (active
  members, mean exhaustion, open conflicts), A in blue, B in red, large enough to read;
- a table of headline differences, ``−35 % [−48 ; −20]``; where A's mean is close to zero
  (:func:`near_zero`) the difference is absolute, never a percentage of almost nothing;
- one plain sentence per outcome.

The page runs the comparison again by itself when B's settings change while the tab is
open (after a short pause, so that a slider being dragged asks for one run, not twenty).

Speed: the page keeps one pool of worker processes (2 by default, the machine's cores
are few), started and warmed when the first page opens, shared by every tab (it holds no
model, only workers), so a 10-replication comparison does not pay the start-up of new
processes.

The pool heals itself: a worker that dies (killed, out of memory) breaks a
``ProcessPoolExecutor`` for good, so :func:`shared_pool` replaces a broken pool by a new
one, and :func:`compare_on_pool` runs a comparison whose pool broke once more on a fresh
pool (:data:`POOL_TRIES` tries in all) before it gives up with :class:`PoolLostError`. The
failure is told in the tab that asked (its own message state); other tabs' next
comparison gets the new pool.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from html import escape
from typing import Any, cast

import numpy as np
import solara
from matplotlib.figure import Figure

from ..experiments.analyses.compare import COLOR_A, COLOR_B, Comparison, _run_job, compare, sentence
from ..mechanisms import REGISTRY
from ..scenario import ScenarioError
from .figures import Picture, new_figure
from .html import bold, bullets, paragraph, table
from .inputs import Refusal, Slider
from .session import CONTROLS, Control, InputError, Settings
from .strings import (
    CONTROL_LABELS,
    OUTCOME_LABELS,
    SERIES_LABELS,
    interval,
    mechanism_name,
    number,
    pick,
    setting_value,
    signed_number,
    signed_percent,
    t,
)

DEFAULT_REPLICATIONS = 10
#: the replications slider: paired seeds per variant
REPLICATIONS = Control("replications", "int", 2, 40, 1)
#: runs of one comparison on the shared pool, the first included, when workers die
POOL_TRIES = 2
BAND_COLUMNS = ("active", "exhaustion_mean", "conflicts_open")
FIGSIZE = (9.6, 3.4)

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


class PoolLostError(RuntimeError):
    """The pool's workers died during every try of one comparison (:data:`POOL_TRIES`)."""

    def __init__(self, tries: int) -> None:
        super().__init__(f"the comparison's worker processes stopped {tries} times in a row")
        self.tries = tries


def _broken(pool: ProcessPoolExecutor) -> bool:
    """Whether a worker of ``pool`` died (the pool then refuses all work, for good)."""
    return bool(getattr(pool, "_broken", False))


def shared_pool() -> ProcessPoolExecutor:
    """The page's pool of worker processes (spawned once, then reused; a broken one is replaced)."""
    global _pool
    with _pool_lock:
        if _pool is not None and _broken(_pool):
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=pool_workers(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return _pool


def discard_pool(pool: ProcessPoolExecutor) -> None:
    """Forget ``pool`` if it is still the shared one (the next :func:`shared_pool` starts another)."""
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def pool_processes() -> list[int]:
    """Process ids of the shared pool's live workers (the tests kill one)."""
    with _pool_lock:
        processes = dict(getattr(_pool, "_processes", None) or {})
    return [pid for pid, p in processes.items() if p.is_alive()]


def warm_pool() -> None:
    """Start the workers and let each import the model (a one-week run), in the background."""

    def warm() -> None:
        scenario = Settings().scenario_obj()
        pool = shared_pool()
        futures = [pool.submit(_run_job, ("A", 0, scenario, k, 1 / 52)) for k in range(pool_workers())]
        for f in futures:
            f.result()

    threading.Thread(target=warm, daemon=True, name="coopsim-warm-pool").start()


_RESULT_NUMBERS = itertools.count(1)


@dataclass
class CompareResult:
    """A finished comparison, what it compared, and how long it took."""

    comparison: Comparison
    settings_a: Settings
    settings_b: Settings
    seconds: float
    number: int = field(default_factory=lambda: next(_RESULT_NUMBERS))  # which comparison (the page marks it)


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


def compare_on_pool(
    a: Settings,
    b: Settings,
    replications: int = DEFAULT_REPLICATIONS,
    progress: Callable[[int], Any] | None = None,
    on_retry: Callable[[], Any] | None = None,
) -> CompareResult:
    """:func:`run_comparison` on the shared pool; when a worker dies during it, once more on
    a new pool (``on_retry`` is told, to restart its progress), then :class:`PoolLostError`."""
    for attempt in range(POOL_TRIES):
        pool = shared_pool()
        try:
            return run_comparison(a, b, replications, progress, executor=pool)
        except (BrokenProcessPool, RuntimeError) as exc:
            if isinstance(exc, RuntimeError) and not isinstance(exc, BrokenProcessPool):
                with _pool_lock:
                    replaced = _pool is not pool
                if not replaced:  # not "cannot schedule new futures after shutdown": not the pool's
                    raise
            discard_pool(pool)
            if attempt + 1 < POOL_TRIES and on_retry is not None:
                on_retry()
    raise PoolLostError(POOL_TRIES)


def _lever_words(name: str, lang: str) -> str:
    """A lever's name inside a sentence: "médiation", "REX (retours d'expérience)"."""
    text = mechanism_name(name, lang)
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def changes(a: Settings, b: Settings, lang: str) -> list[str]:
    """What B changes from A, in words: ``["sans médiation", "REX : semaines entre deux
    séances 16 semaines au lieu de 8 semaines"]`` (levers switched first, then the settings
    of the page, then any other scenario key); empty when B is A.

    >>> from coopsim.ui.session import Settings
    >>> changes(Settings(), Settings().set("mediation.enabled", False), "fr")
    ['sans médiation']
    """
    out = []
    if a.scenario != b.scenario:
        out.append(t("other_scenario", lang, name=b.scenario))
    keys = sorted({k for k, _ in a.overrides} | {k for k, _ in b.overrides})
    try:
        values = [(k, a.value(k), b.value(k)) for k in keys]
    except (KeyError, ScenarioError):
        return out
    steps = {c.key: c.step for c in CONTROLS}
    switched = [(k, vb) for k, va, vb in values if k.endswith(".enabled") and k.split(".")[0] in REGISTRY and va != vb]
    for k, vb in switched:
        out.append(t("with_lever" if vb else "without_lever", lang, name=_lever_words(k.split(".")[0], lang)))
    off = {k.split(".")[0] for k, vb in switched if not vb}
    for k, va, vb in values:
        if va == vb or k.endswith(".enabled") or k.split(".")[0] in off:
            continue
        label = pick(CONTROL_LABELS, k, lang) if k in CONTROL_LABELS else t("years", lang) if k == "years" else k
        step = steps.get(k, 1)
        out.append(
            t(
                "changed_value",
                lang,
                label=label,
                a=setting_value(k, va, lang, step),
                b=setting_value(k, vb, lang, step),
            )
        )
    return out


def label_b(a: Settings, b: Settings, lang: str) -> str:
    """B's name in the sentences and the legend: ``B (sans médiation)``."""
    words = changes(a, b, lang)
    return t("label_b", lang, changes=", ".join(words) if words else t("b_same", lang))


def bands_figure(c: Comparison, lang: str, name_b: str = "B", scale: float = 1.0) -> Figure:
    """Median lines with 50 % and 90 % bands of A and B, one panel per series, in a row."""
    bands = c.bands(BAND_COLUMNS)
    fig = new_figure(FIGSIZE, scale, layout="constrained")
    axes = fig.subplots(1, len(BAND_COLUMNS), sharex=True)
    for ax, column in zip(axes.ravel(), BAND_COLUMNS):
        for variant, color, label in (("A", COLOR_A, t("label_a", lang)), ("B", COLOR_B, name_b)):
            band = bands[(bands["variant"] == variant) & (bands["column"] == column)]
            x = band["year"].to_numpy()
            ax.fill_between(x, band["q05"], band["q95"], color=color, alpha=0.12, linewidth=0)
            ax.fill_between(x, band["q25"], band["q75"], color=color, alpha=0.25, linewidth=0)
            ax.plot(x, band["median"], color=color, linewidth=2, label=label)
        ax.set_title(pick(SERIES_LABELS, column, lang), fontsize=13)
        ax.tick_params(labelsize=11)
        ax.set_xlabel(t("years_axis", lang), fontsize=11)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="outside lower center",
        ncols=2,
        fontsize=11,
        title=t("bands_legend", lang),
        title_fontsize=10,
    )
    return fig


def _is_rate(outcome: str) -> bool:
    return outcome.endswith("share") or outcome.startswith("mean_") or outcome.startswith("annual_turnover")


def _digits(outcome: str, *values: float) -> int:
    """Decimals enough to show two significant digits of the smaller of ``values`` (at most 3)."""
    base = 2 if _is_rate(outcome) else 1
    finite = [abs(v) for v in values if v is not None and np.isfinite(v) and v != 0]
    if not finite:
        return base
    smallest = min(finite)
    return int(min(3, max(base, 1 - np.floor(np.log10(smallest)))))


def near_zero(mean_a: float, digits: int) -> bool:
    """Whether A's mean is too close to zero for a percentage of it to mean anything: less
    than ten units of the last decimal shown (``0,004`` shown with 3 decimals is 4 units).

    >>> near_zero(0.004, 3), near_zero(0.25, 2), near_zero(12.0, 1)
    (True, False, False)
    """
    return not np.isfinite(mean_a) or abs(mean_a) < 10 * 10.0**-digits


def _honest(row: dict[Any, Any], digits: int) -> dict[Any, Any]:
    """The row as the page tells it: without its relative difference when A's mean is near zero."""
    if near_zero(float(row["mean_a"]), digits):
        return {**row, "rel_diff_pct": float("nan"), "rel_ci_low": float("nan"), "rel_ci_high": float("nan")}
    return row


def _rows(c: Comparison) -> list[tuple[dict[Any, Any], int]]:
    out = []
    for r in c.differences.to_dict("records"):
        digits = _digits(str(r["outcome"]), r["mean_a"], r["mean_b"])
        out.append((_honest(r, digits), digits))
    return out


def difference_rows(c: Comparison, lang: str) -> list[dict[str, str]]:
    """The headline table in ``lang``: outcome, A's and B's means, B − A with its interval
    (relative, or absolute where A's mean is near zero: :func:`near_zero`)."""
    rows = []
    for r, digits in _rows(c):
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


def sentences(c: Comparison, lang: str, name_b: str | None = None) -> list[str]:
    """One sentence per outcome, from the comparison module, with the variants' names in
    ``lang`` (B named by what it changes, when ``name_b`` is given); no percentage of a
    near-zero mean."""
    b = name_b or "B"
    out = [sentence(r, t("label_a", lang), b, lang) for r, _ in _rows(c)]
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
    error: tuple[str, str] | None,
    scale: float = 1.0,
) -> None:
    """Variant B's settings, what B changes (in words), the compare button with its
    progress, and the result.

    ``error`` is a text key of :data:`~coopsim.ui.strings.TEXT` and its detail, told in
    ``lang`` (this tab's failure, shown in this tab only).
    """
    from .export import FigureDownload

    refused = solara.use_reactive(cast(InputError | None, None))
    running = progress is not None
    with solara.Columns([1, 2]):
        with solara.Column(classes=["cs-variant-b"]):
            _variant_b(settings_a, settings_b, lang)
        with solara.Column(classes=["cs-compare"]):
            _what_b_changes(settings_a, settings_b.value, lang)
            _compare_button(lang, running, on_compare, replications, refused)
            Refusal(refused, lang)
            with solara.Div(style={"min-height": "28px"}):
                if running and progress is not None:
                    done, total = progress
                    solara.ProgressLinear(100 * done / max(total, 1))
                    solara.Text(t("comparing", lang, done=done, total=total), classes=["cs-compare-progress"])
            if error:
                key, detail = error
                solara.Error(t(key, lang, detail=detail), classes=["cs-compare-error"])
            if result is not None:
                _Result(result, lang, FigureDownload, scale)
            paragraph(t("compare_help", lang, r=replications.value) + " " + t("compare_auto", lang), small=True)


def _variant_b(settings_a: Settings, settings_b: solara.Reactive[Settings], lang: str) -> None:
    """Variant B's column: its title, "copy A" (B becomes A again) and B's own settings."""
    from .setup_panel import SettingsPanel

    bold(t("variant_b", lang))
    solara.Button(t("copy_a", lang), on_click=lambda: settings_b.set(settings_a), outlined=True, classes=["cs-copy-a"])
    SettingsPanel(settings_b, lang, prefix="cs-b", show_seed=False)


def _what_b_changes(settings_a: Settings, settings_b: Settings, lang: str) -> None:
    """What B changes from A, in words (large), and a warning when B's scenario is A's."""
    words = changes(settings_a, settings_b, lang)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=escape(t("b_changes", lang, changes=", ".join(words) if words else t("b_same", lang))),
        classes=["cs-b-changes"],
        style="font-size: 1.25em; font-weight: bold; margin: 4px 0",
    )
    try:
        same = settings_b.scenario_obj() == settings_a.scenario_obj()
    except ScenarioError:
        same = False  # the panel that holds the refused settings says so
    if same:
        solara.Warning(t("same_settings", lang), classes=["cs-same-settings"])


def _compare_button(
    lang: str,
    running: bool,
    on_compare: Callable[[], None],
    replications: solara.Reactive[int],
    refused: solara.Reactive[InputError | None],
) -> None:
    """The compare button (off while a comparison runs) and the replications slider."""
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(
            t("compare", lang),
            on_click=on_compare,
            disabled=running,
            color="primary",
            icon_name="mdi-compare",
            classes=["cs-compare-button"],
        )
        with solara.Div(classes=["cs-replications"], style={"min-width": "260px", "flex": "1"}):
            Slider(
                t("replications", lang),
                replications.value,
                REPLICATIONS,
                replications.set,
                refused.set,
                ["cs-input-replications"],
                lang=lang,
            )


@solara.component
def _Result(result: CompareResult, lang: str, FigureDownload: Any, scale: float = 1.0) -> None:
    c = result.comparison
    name_b = label_b(result.settings_a, result.settings_b, lang)
    fig = solara.use_memo(lambda: bands_figure(c, lang, name_b, scale), [id(c), lang, scale])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text(
            t(
                "compare_done",
                lang,
                r=c.replications,
                years=number(c.years, lang, 0),
                seconds=number(result.seconds, lang, 1),
            ),
            classes=["cs-compare-done", f"cs-result-{result.number}"],
        )
        FigureDownload(fig, "coopsim-comparaison.png" if lang == "fr" else "coopsim-comparison.png", lang)
    Picture(fig, [id(c), lang, scale], classes=["cs-bands"])
    bold(t("differences", lang))
    table(difference_rows(c, lang), classes=["cs-differences"])
    solara.Text(t("abs_note", lang), style={"font-size": "0.8em", "color": "#555"})
    bullets(sentences(c, lang, name_b), classes=["cs-sentences"])
    solara.Text(t("compare_note", lang), style={"font-size": "0.8em", "color": "#555"})
