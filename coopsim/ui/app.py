"""The facilitator page: set up, run, watch, inspect, compare and export, in French or English.

Served by ``coopsim ui`` (see :mod:`coopsim.ui.server`). Everything a tab does lives in
state created *inside* :func:`Page` (``use_memo``/``use_reactive``), so each browser tab
has its own model, settings and comparison; no model is ever created at module level
(one would be shared by all tabs, Mesa #856).

Threads: playing runs in a background thread (``solara.use_thread``) that steps ``k``
weeks, asks for one redraw, and waits a little, so the buttons stay responsive and the
page draws every ``k`` weeks rather than every week when the speed is high; "jump to the
end" computes the remaining weeks in the same thread and draws once; the comparison runs
in another thread on a shared pool of worker processes and reports its progress.
Inactive tabs are not rendered (``lazy`` tabs), so a frame costs only the visible figures.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, cast

import solara
import solara.lab

from ..experiments.analysis_base import AnalysisError
from ..scenario import ScenarioError
from .compare_view import DEFAULT_REPLICATIONS, CompareResult, CompareView, run_comparison, shared_pool, warm_pool
from .events_view import EventsView
from .export import ExportView
from .html import heading
from .inspector import InspectorView
from .network_view import NetworkView
from .series_view import SeriesView
from .session import Session, Settings
from .setup_panel import SettingsPanel
from .strings import DEFAULT_LANG, number, t
from .structures_view import StructuresView
from .work_view import WorkView

#: weeks stepped between two draws while playing (the speed selector)
SPEEDS = (1, 4, 13, 26, 52)
#: shortest time between two frames while playing, seconds
MIN_FRAME_SECONDS = 0.3
#: a few CSS rules: event sentences wrap, buttons keep the sentence's case
CSS = """
.cs-event .v-btn__content { white-space: normal; text-align: left; justify-content: flex-start; }
.cs-differences table { font-size: 0.9em; }
.cs-toml-preview { font-size: 0.8em; max-height: 240px; overflow: auto; }
"""
TABS = ("tab_network", "tab_series", "tab_work", "tab_structures", "tab_person", "tab_compare", "tab_export")
PERSON_TAB = TABS.index("tab_person")

_warmed = threading.Event()


def _warm_once() -> None:
    """Warm the comparison pool when the first page opens (not in tests: ``COOPSIM_UI_WARM=0``)."""
    if os.environ.get("COOPSIM_UI_WARM", "1") != "0" and not _warmed.is_set():
        _warmed.set()
        warm_pool()


@solara.component
def RunControls(
    session: Session,
    lang: str,
    week: int,
    version: int,
    mode: solara.Reactive[str],
    speed: solara.Reactive[int],
    on_frame: Any,
    on_reset: Any,
) -> None:
    """Step, play/pause, speed, jump to the end, and where the run is.

    ``week`` and ``version`` (the session's) are passed so that the controls redraw when
    the run moves: a component whose arguments are unchanged is not redrawn.
    """
    playing = mode.value == "play"
    busy = mode.value != "idle"

    def step_once() -> None:
        session.step(1)
        on_frame()

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["cs-run-controls"]):
        with solara.Tooltip(t("step_tip", lang)):
            solara.Button(
                t("step", lang),
                icon_name="mdi-step-forward",
                on_click=step_once,
                disabled=busy or session.done,
                classes=["cs-step-button"],
            )
        if playing:
            solara.Button(
                t("pause", lang),
                icon_name="mdi-pause",
                on_click=lambda: mode.set("idle"),
                color="warning",
                classes=["cs-pause-button"],
            )
        else:
            with solara.Tooltip(t("play_tip", lang)):
                solara.Button(
                    t("play", lang),
                    icon_name="mdi-play",
                    on_click=lambda: mode.set("play"),
                    disabled=busy or session.done,
                    color="primary",
                    classes=["cs-play-button"],
                )
        with solara.Tooltip(t("to_end_tip", lang)):
            solara.Button(
                t("to_end", lang),
                icon_name="mdi-skip-forward",
                on_click=lambda: mode.set("end"),
                disabled=busy or session.done,
                classes=["cs-end-button"],
            )
        with solara.Tooltip(t("reset_tip", lang)):
            solara.Button(
                t("reset", lang), icon_name="mdi-restart", on_click=on_reset, outlined=True, classes=["cs-reset-button"]
            )
        with solara.Tooltip(t("speed_tip", lang)), solara.Row(style={"align-items": "center"}):
            solara.Text(t("speed", lang))
            with solara.ToggleButtonsSingle(value=speed.value, on_value=speed.set, classes=["cs-speed"]):
                for k in SPEEDS:
                    solara.Button(str(k), value=k, classes=[f"cs-speed-{k}"])
    m = session.model
    P = m.people
    counts = [int((P.status[: P.n] == s).sum()) for s in range(4)]
    with solara.Row(style={"align-items": "center"}):
        solara.Text(
            t("week_of", lang, week=m.week, horizon=m.horizon, year=number(m.week / 52, lang, 1)),
            classes=["cs-week"],
            style={"font-weight": "bold"},
        )
        solara.Text(
            "· "
            + t("active_now", lang, active=counts[1], newcomers=counts[0], withdrawn=counts[2], departed=counts[3]),
            classes=["cs-counts"],
        )
        if session.done:
            solara.Text(t("finished", lang), classes=["cs-finished"])


@solara.component
def Page() -> None:
    """The whole page; every piece of state below belongs to this browser tab only."""
    lang = solara.use_reactive(DEFAULT_LANG)
    session = solara.use_memo(lambda: Session(Settings()), [])
    settings = solara.use_reactive(session.settings)
    settings_b = solara.use_reactive(session.settings)
    frame = solara.use_reactive(0)
    mode = solara.use_reactive("idle")
    speed = solara.use_reactive(4)
    color_by = solara.use_reactive("exhaustion")
    person = solara.use_reactive(cast(int | None, None))
    tab = solara.use_reactive(0)
    replications = solara.use_reactive(DEFAULT_REPLICATIONS)
    compare_request = solara.use_reactive(0)
    compare_progress = solara.use_reactive(cast(tuple[int, int] | None, None))
    compare_result = solara.use_reactive(cast(CompareResult | None, None))
    compare_error = solara.use_reactive(cast(str | None, None))
    _frame = frame.value  # read so that each new frame (a step, a reset) re-renders the page
    solara.use_effect(_warm_once, [])

    def next_frame() -> None:
        frame.set(frame.value + 1)

    def loop(cancel: threading.Event) -> None:
        """Play (or jump to the end) in the background; one redraw per ``speed`` weeks."""
        if mode.value == "end":
            session.run_to_end(cancel)
            next_frame()
        while mode.value == "play" and not cancel.is_set() and not session.done:
            start = time.perf_counter()
            session.step(speed.value, cancel)
            next_frame()
            cancel.wait(max(0.0, MIN_FRAME_SECONDS - (time.perf_counter() - start)))
        if not cancel.is_set():
            mode.set("idle")

    solara.use_thread(loop, dependencies=[mode.value], intrusive_cancel=False)

    def reset() -> None:
        mode.set("idle")
        try:
            session.reset(settings.value)
        except ScenarioError:
            return  # the panel shows the error
        person.set(None)
        next_frame()

    def compare_job(cancel: threading.Event) -> None:
        """Run the comparison requested last (A: the settings on the left; B: its copy)."""
        if compare_request.value == 0:
            return
        a, b, r = settings.value, settings_b.value, int(replications.value)
        done = [0]
        compare_error.set(None)
        compare_progress.set((0, 2 * r))

        def progress(k: int) -> None:
            done[0] += k
            compare_progress.set((done[0], 2 * r))

        try:
            result: CompareResult = run_comparison(a, b, r, progress, executor=shared_pool())
            compare_result.set(result)
        except (ScenarioError, AnalysisError) as exc:
            compare_error.set(str(exc))
        except Exception as exc:  # a broken worker pool: say so on the page rather than hang
            compare_error.set(f"{type(exc).__name__}: {exc}")
        finally:
            compare_progress.set(None)

    solara.use_thread(compare_job, dependencies=[compare_request.value], intrusive_cancel=False)

    def show_person(i: int) -> None:
        person.set(i)
        tab.set(PERSON_TAB)

    L = lang.value
    week, version = session.week, session.version
    solara.Title("coopsim")
    solara.Style(CSS)
    with solara.Column(style={"padding": "8px 16px"}, classes=["cs-page"]):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            heading(t("title", L), 2)
            with solara.Tooltip(t("language_tip", L)):
                solara.Button(
                    t("language", L),
                    icon_name="mdi-translate",
                    on_click=lambda: lang.set("en" if lang.value == "fr" else "fr"),
                    outlined=True,
                    classes=["cs-lang-button"],
                )
        solara.Text(t("subtitle", L), classes=["cs-subtitle"])
        with solara.Columns([1, 3]):
            with solara.Column(style={"max-height": "92vh", "overflow-y": "auto"}, classes=["cs-setup"]):
                heading(t("setup", L), 3)
                if settings.value != session.settings:
                    solara.Info(t("pending", L), classes=["cs-pending"])
                SettingsPanel(settings, L, prefix="cs-a")
                solara.Button(
                    t("reset", L),
                    icon_name="mdi-restart",
                    on_click=reset,
                    color="primary",
                    classes=["cs-reset-button-2"],
                )
            with solara.Column():
                RunControls(session, L, week, version, mode, speed, next_frame, reset)
                with solara.lab.Tabs(value=tab, lazy=True):
                    with solara.lab.Tab(t("tab_network", L), classes=["cs-tab-network"]), solara.Columns([3, 2]):
                        NetworkView(session, L, week, version, color_by)
                        EventsView(session, L, week, version, show_person)
                    with solara.lab.Tab(t("tab_series", L), classes=["cs-tab-series"]):
                        SeriesView(session, L, week, version)
                    with solara.lab.Tab(t("tab_work", L), classes=["cs-tab-work"]):
                        WorkView(session, L, week, version)
                    with solara.lab.Tab(t("tab_structures", L), classes=["cs-tab-structures"]):
                        StructuresView(session, L, week, version)
                    with solara.lab.Tab(t("tab_person", L), classes=["cs-tab-person"]):
                        InspectorView(session, L, week, version, person)
                    with solara.lab.Tab(t("tab_compare", L), classes=["cs-tab-compare"]):
                        CompareView(
                            settings.value,
                            settings_b,
                            L,
                            replications,
                            lambda: compare_request.set(compare_request.value + 1),
                            compare_progress.value,
                            compare_result.value,
                            compare_error.value,
                        )
                    with solara.lab.Tab(t("tab_export", L), classes=["cs-tab-export"]):
                        ExportView(session, L, week, version)
