"""The facilitator page: set up, run, watch, inspect, compare and export, in French or English.

Served by ``coopsim ui`` (see :mod:`coopsim.ui.server`). Everything a tab does lives in
state created *inside* :func:`Page` (``use_memo``/``use_reactive``, gathered in a
:class:`PageState` by :func:`use_page_state`), so each browser tab has its own model,
settings and comparison; no model is ever created at module level (one would be shared
by all tabs, Mesa #856).

Threads: playing runs one loop per tab in a background thread (:mod:`coopsim.ui.player`):
the model advances ``speed`` weeks per tick and the page is asked to draw at most a few
times a second, and only once it has drawn the previous frame, so a busy machine shows
fewer frames rather than errors; Pause stops the loop between two weeks. "Jump to the
end" computes the remaining weeks in the same thread and draws once. The comparison runs
in another thread on a shared, self-healing pool of worker processes and reports its
progress at most a few times a second. Inactive tabs are not rendered, so a frame costs
only the visible figures.

Inputs: every value the browser sends is checked before use (:mod:`coopsim.ui.inputs`);
a refused one is told in the page. A part of the page that still fails shows a short
message with a "Retry" button in its place (:func:`Guard`), never a traceback, and the
rest of the page keeps working.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import reacton.ipyvuetify as rv
import solara
from reacton.core import Ref

from ..experiments.analyses.common import AnalysisError
from ..scenario import ScenarioError
from .compare_view import DEFAULT_REPLICATIONS, CompareResult, CompareView, PoolLostError, compare_on_pool, warm_pool
from .events_view import EventsView
from .export import ExportView
from .figures import PRESENT_SCALE
from .html import heading
from .inputs import Refusal, Switch, Toggle, use_checked
from .inspector import InspectorView
from .live_view import LiveView
from .network_view import NetworkView
from .player import Player
from .series_view import SeriesView
from .session import InputError, Session, Settings, check_choice
from .setup_panel import SettingsPanel
from .strings import DEFAULT_LANG, number, t
from .structures_view import StructuresView
from .work_view import WorkView

logger = logging.getLogger(__name__)

#: weeks stepped per tick while playing (the speed selector)
SPEEDS = (1, 4, 13, 26, 52)
#: shortest time between two updates of the comparison's progress, seconds
PROGRESS_SECONDS = 0.25
#: seconds the comparison waits after a change of B before it runs again by itself (a
#: slider being dragged sends many values: one run for the last)
AUTO_COMPARE_DELAY = 0.4
#: the page's CSS. At 1280×720 (a common projector) everything must be seen: the tabs fit
#: in one line (no scrolling arrows), each figure fits its column and the window below the
#: tabs, the set-up panel scrolls on its own. Solara's "This website runs on Solara" badge
#: is switched off by the server (``SOLARA_THEME_SHOW_BANNER``); the last rule hides it
#: anyway, should the page be served another way.
CSS = """
.cs-event .v-btn__content { white-space: normal; text-align: left; justify-content: flex-start; flex: 1 1 auto; min-width: 0; }
.cs-page .v-btn.cs-event { height: auto !important; min-height: 28px; }
.cs-differences table { font-size: 0.95em; border-collapse: collapse; }
.cs-differences td, .cs-differences th { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left; }
.cs-toml-preview { font-size: 0.8em; max-height: 240px; overflow: auto; }
.cs-tabs .v-tab { min-width: 0; padding: 0 10px; text-transform: none; letter-spacing: normal; font-size: 0.95rem; }
.cs-tabs .v-slide-group__prev, .cs-tabs .v-slide-group__next { display: none !important; }
.cs-figure img { display: block; max-width: 100%; height: auto; max-height: calc(100vh - 245px); object-fit: contain; }
.cs-network-figure .cs-network-picture { width: fit-content; max-width: min(100%, calc((100vh - 272px) * 1.118)); }
.cs-network-figure img.cs-network-img { max-height: none; width: 100%; }
.cs-live-figure img { max-height: 32vh; }
.cs-bands img { max-height: 40vh; }
.cs-setup { max-height: calc(100vh - 64px); overflow-y: auto; }
.cs-page h2 { margin: 0; font-size: 1.25rem; }
.cs-page .col { padding-top: 2px; padding-bottom: 2px; }
.cs-page .v-btn:not(.v-btn--round) { height: 32px !important; }
.cs-page .v-btn-toggle > .v-btn.v-btn { height: 32px !important; }
.cs-page .v-input--switch { margin-top: 0; padding-top: 0; }
.cs-page .v-input--switch .v-messages { display: none; }
.cs-tabs .v-tabs-bar { height: 40px; }
.cs-page .v-btn:not(.v-btn--round) { padding: 0 10px !important; }
.cs-page .v-btn-toggle > .v-btn.v-btn { min-width: 34px !important; padding: 0 8px !important; }
.cs-person-figure img { max-height: calc(100vh - 395px); }
#app > div > div[style*="bottom: 0px"] { display: none !important; }
"""
#: the "présentation" switch: larger text everywhere (the figures draw theirs larger too)
PRESENT_CSS = """
html { font-size: 20px !important; }
.v-application .v-btn { font-size: 1rem; }
.cs-tabs .v-tab { font-size: 1.05rem; }
"""
TABS = ("tab_network", "tab_series", "tab_work", "tab_structures", "tab_person", "tab_compare", "tab_export")
PERSON_TAB = TABS.index("tab_person")
COMPARE_TAB = TABS.index("tab_compare")

_warmed = threading.Event()


def _warm_once() -> None:
    """Warm the comparison pool when the first page opens (not in tests: ``COOPSIM_UI_WARM=0``)."""
    if os.environ.get("COOPSIM_UI_WARM", "1") != "0" and not _warmed.is_set():
        _warmed.set()
        warm_pool()


@solara.component
def Guard(lang: str, content: Callable[[], Any], name: str) -> None:
    """Draw ``content()``; if it fails (drawing or in a handler), a short message and a
    "Retry" button take its place, the error goes to the server's log, and the rest of
    the page keeps working."""
    error, clear = solara.use_exception()

    def log() -> None:
        if error is not None:
            logger.error("the page's %s failed", name, exc_info=error)

    solara.use_effect(log, [error])
    if error is None:
        content()
        return
    with solara.Column(classes=["cs-view-failed"]):
        solara.Error(t("view_failed", lang, error=type(error).__name__), classes=["cs-view-failed-message"])
        solara.Button(t("retry", lang), on_click=clear, outlined=True, classes=["cs-retry"])


@solara.component
def RunControls(
    session: Session,
    lang: str,
    week: int,
    version: int,
    running: bool,
    mode: solara.Reactive[str],
    speed: solara.Reactive[int],
    on_step: Callable[[], None],
    on_pause: Callable[[], None],
    on_reset: Callable[[], None],
) -> None:
    """Step, play/pause, speed, jump to the end, and where the run is.

    ``week`` and ``version`` (the session's) are passed so that the controls redraw when
    the run moves: a component whose arguments are unchanged is not redrawn.
    """
    refused = solara.use_reactive(cast(InputError | None, None))
    playing = running and mode.value == "play"
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="8px", classes=["cs-run-controls"]):
        _run_buttons(lang, running or session.done, playing, mode, on_step, on_pause, on_reset)
        _speed_choice(lang, speed, refused)
    Refusal(refused, lang)
    _run_status(session, lang)


def _run_buttons(
    lang: str,
    busy: bool,
    playing: bool,
    mode: solara.Reactive[str],
    on_step: Callable[[], None],
    on_pause: Callable[[], None],
    on_reset: Callable[[], None],
) -> None:
    """Step, Play (Pause while playing), jump to the end and Reset, each with its tip.

    ``busy``: the run is moving or has reached its horizon; Step, Play and the jump are then off.
    """
    with solara.Tooltip(t("step_tip", lang)):
        solara.Button(
            t("step", lang), icon_name="mdi-step-forward", on_click=on_step, disabled=busy, classes=["cs-step-button"]
        )
    if playing:
        solara.Button(
            t("pause", lang), icon_name="mdi-pause", on_click=on_pause, color="warning", classes=["cs-pause-button"]
        )
    else:
        with solara.Tooltip(t("play_tip", lang)):
            solara.Button(
                t("play", lang),
                icon_name="mdi-play",
                on_click=lambda: mode.set("play"),
                disabled=busy,
                color="primary",
                classes=["cs-play-button"],
            )
    with solara.Tooltip(t("to_end_tip", lang)):
        solara.Button(
            t("to_end", lang),
            icon_name="mdi-skip-forward",
            on_click=lambda: mode.set("end"),
            disabled=busy,
            classes=["cs-end-button"],
        )
    with solara.Tooltip(t("reset_tip", lang)):
        solara.Button(
            t("reset", lang), icon_name="mdi-restart", on_click=on_reset, outlined=True, classes=["cs-reset-button"]
        )


def _speed_choice(lang: str, speed: solara.Reactive[int], refused: solara.Reactive[InputError | None]) -> None:
    """The weeks stepped per tick while playing, one of :data:`SPEEDS` (another is refused)."""
    with solara.Tooltip(t("speed_tip", lang)), solara.Row(style={"align-items": "center"}):
        solara.Text(t("speed", lang))
        Toggle(
            speed.value,
            [(k, str(k), f"cs-speed-{k}") for k in SPEEDS],
            speed.set,
            refused.set,
            "speed",
            classes=["cs-speed"],
        )


def _run_status(session: Session, lang: str) -> None:
    """Where the run is: the week (and year) of the horizon, who is there, and "finished"
    at the end (read under the session's lock: the play loop may be stepping)."""
    with session.lock:
        m = session.model
        P = m.people
        counts = [int((P.status[: P.n] == s).sum()) for s in range(4)]
        now, horizon, done = m.week, m.horizon, session.done
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="6px"):
        solara.Text(
            t("week_of", lang, week=now, horizon=horizon, year=number(now / 52, lang, 1)),
            classes=["cs-week"],
            style={"font-weight": "bold"},
        )
        solara.Text(
            "· "
            + t("active_now", lang, active=counts[1], newcomers=counts[0], withdrawn=counts[2], departed=counts[3]),
            classes=["cs-counts"],
        )
        if done:
            solara.Text(t("finished", lang), classes=["cs-finished"])


@solara.component
def PageTabs(tab: solara.Reactive[int], lang: str, contents: list[Callable[[], Any]]) -> None:
    """The tab bar and the open tab's content only (the others are not drawn).

    The browser sends the position of the tab clicked; one that is not a tab's is ignored.
    """
    use_checked(
        lambda handle: rv.Tabs(
            v_model=tab.value,
            on_v_model=handle,
            show_arrows=True,
            class_="cs-tabs",
            children=[rv.Tab(children=[t(key, lang)], class_=f"cs-{key.replace('_', '-')}") for key in TABS],
        ),
        tab.value,
        lambda raw: check_choice("tab", raw, tuple(range(len(TABS)))),
        tab.set,
        lambda exc: None,  # a position that is not a tab's: nothing to tell, the tab stays
    )
    Guard(lang, contents[tab.value], TABS[tab.value]).key(TABS[tab.value])  # each tab its own guard


@dataclass(frozen=True)
class PageState:
    """One browser tab's state: its session and player, and the reactive values the page
    and its parts share. Made once per tab by :func:`use_page_state`.

    The page's callbacks are its methods. As the object is the same on every render, a
    part given one of them is not drawn again for that alone (reacton compares arguments).
    """

    lang: solara.Reactive[str]
    session: Session
    player: Player
    settings: solara.Reactive[Settings]  # A: the set-up panel's, applied to the run by Reset
    settings_b: solara.Reactive[Settings]  # B: the comparison's copy, which the user edits
    frame: solara.Reactive[int]  # counts the frames the model asked for: a new one redraws the page
    mode: solara.Reactive[str]  # "idle", "play" or "end" (jump to the end)
    speed: solara.Reactive[int]
    color_by: solara.Reactive[str]
    person: solara.Reactive[int | None]  # whose story the person tab tells
    tab: solara.Reactive[int]
    present: solara.Reactive[bool]  # the "présentation" switch
    replications: solara.Reactive[int]
    compare_request: solara.Reactive[int]  # counts the clicks on "Compare"
    compare_progress: solara.Reactive[tuple[int, int] | None]  # runs done and to do, while one runs
    compare_result: solara.Reactive[CompareResult | None]
    compare_error: solara.Reactive[tuple[str, str] | None]  # a text key and its detail
    compare_seen: Ref[int]  # the last compare request the comparison thread has served
    refused: solara.Reactive[InputError | None]  # a value of the page's header refused

    def next_frame(self) -> None:
        """Ask the page to draw the model again."""
        self.frame.set(self.frame.value + 1)

    def play_loop(self, cancel: threading.Event) -> None:
        """Play (or jump to the end) in the background: see :mod:`coopsim.ui.player`."""
        if self.mode.value in ("play", "end"):
            self.player.play(cancel, lambda: self.speed.value, self.next_frame, to_end=self.mode.value == "end")

    def step_once(self) -> None:
        """One week, drawn."""
        self.session.step(1)
        self.next_frame()

    def pause(self) -> None:
        """Stop playing between two weeks."""
        self.player.pause()
        self.mode.set("idle")

    def reset(self) -> None:
        """Stop, and start a new run from the set-up panel's settings (refused ones: the panel
        shows the error and nothing changes)."""
        self.player.pause()
        self.mode.set("idle")
        try:
            self.session.reset(self.settings.value)
        except ScenarioError:
            return  # the panel shows the error
        self.person.set(None)
        self.next_frame()

    def show_person(self, i: int) -> None:
        """Open the story of person ``i`` (a click on them or on a sentence that names them)."""
        self.person.set(i)
        self.tab.set(PERSON_TAB)

    def ask_comparison(self) -> None:
        """The "Compare" button: run the comparison now."""
        self.compare_request.set(self.compare_request.value + 1)


def use_page_state() -> PageState:
    """This tab's :class:`PageState`. The hooks are called on every render, always in this
    order; each returns the same object every time, so the state is made once, at the first."""
    lang = solara.use_reactive(DEFAULT_LANG)
    session = solara.use_memo(lambda: Session(Settings()), [])
    player = solara.use_memo(lambda: Player(session), [])
    values: dict[str, Any] = dict(
        settings=solara.use_reactive(session.settings),
        settings_b=solara.use_reactive(session.settings),
        frame=solara.use_reactive(0),
        mode=solara.use_reactive("idle"),
        speed=solara.use_reactive(4),
        color_by=solara.use_reactive("exhaustion"),
        person=solara.use_reactive(cast(int | None, None)),
        tab=solara.use_reactive(0),
        present=solara.use_reactive(False),
        replications=solara.use_reactive(DEFAULT_REPLICATIONS),
        compare_request=solara.use_reactive(0),
        compare_progress=solara.use_reactive(cast(tuple[int, int] | None, None)),
        compare_result=solara.use_reactive(cast(CompareResult | None, None)),
        compare_error=solara.use_reactive(cast(tuple[str, str] | None, None)),
        compare_seen=solara.use_ref(0),
        refused=solara.use_reactive(cast(InputError | None, None)),
    )
    return solara.use_memo(lambda: PageState(lang=lang, session=session, player=player, **values), [])


def use_play(state: PageState) -> None:
    """The page's background work for the run (hooks): warm the comparison pool once, tell
    the player each frame drawn (it may then post the next), and play or jump to the end
    in a thread while the mode asks for it."""
    solara.use_effect(_warm_once, [])
    solara.use_effect(state.player.shown, [state.frame.value])  # this frame is drawn: the player may post the next
    solara.use_thread(state.play_loop, dependencies=[state.mode.value], intrusive_cancel=False)


def use_comparison(state: PageState) -> None:
    """Run the comparison in a thread (a hook): when asked (the button), and by itself while
    its tab is open and B differs from A, each time A, B or the replications change (after
    a short pause: :func:`compare_job`)."""
    key = (state.settings.value, state.settings_b.value, int(state.replications.value))
    auto = state.tab.value == COMPARE_TAB and state.settings.value != state.settings_b.value
    solara.use_thread(
        lambda cancel: compare_job(state, key, auto, cancel),
        dependencies=[state.compare_request.value, key if auto else None],
        intrusive_cancel=False,
    )


def compare_job(state: PageState, key: tuple[Settings, Settings, int], auto: bool, cancel: threading.Event) -> None:
    """Run the comparison requested last (A: the settings on the left; B: its copy; the
    replications), if it was asked for or is due by itself (:func:`_auto_compare_due`)."""
    asked = state.compare_request.value != state.compare_seen.current
    if not asked and not _auto_compare_due(state, key, auto, cancel):
        return
    state.compare_seen.current = state.compare_request.value
    _run_comparison(state, key, asked, cancel)


def _auto_compare_due(
    state: PageState, key: tuple[Settings, Settings, int], auto: bool, cancel: threading.Event
) -> bool:
    """Whether the comparison runs by itself: its tab is open and B differs from A (``auto``),
    this very comparison is not on screen already, and B has not changed again during
    :data:`AUTO_COMPARE_DELAY` (a slider being dragged: one run, for its last value)."""
    if not auto:
        return False
    shown = state.compare_result.value
    if shown is not None and (shown.settings_a, shown.settings_b, shown.comparison.replications) == key:
        return False  # this very comparison is on screen
    return not cancel.wait(AUTO_COMPARE_DELAY)  # set: B changed again meanwhile, the next change runs it


def _run_comparison(
    state: PageState, key: tuple[Settings, Settings, int], asked: bool, cancel: threading.Event
) -> None:
    """Compare on the shared pool, showing the progress; the result is shown unless a newer
    automatic comparison replaced this one (one asked for is always shown); a failure is
    told in this tab, in words."""
    a, b, r = key
    state.compare_error.set(None)
    state.compare_progress.set((0, 2 * r))
    progress = CompareProgress(state.compare_progress, 2 * r)
    try:
        result = compare_on_pool(a, b, r, progress.add, on_retry=progress.restart)
        if not cancel.is_set() or asked:
            state.compare_result.set(result)
    except (ScenarioError, AnalysisError) as exc:
        state.compare_error.set(("compare_refused", str(exc)))
    except PoolLostError as exc:
        state.compare_error.set(("pool_lost", str(exc.tries)))
    except Exception as exc:  # anything else: told in this tab, the page goes on
        logger.exception("comparison failed")
        state.compare_error.set(("compare_failed", type(exc).__name__))
    finally:
        state.compare_progress.set(None)


class CompareProgress:
    """Counts the comparison's runs done and shows them a few times a second at most (each
    update redraws the page); counts from zero again when the comparison restarts on a new pool."""

    def __init__(self, shown: solara.Reactive[tuple[int, int] | None], total: int) -> None:
        self.shown, self.total = shown, total
        self.done, self.shown_at = 0, 0.0

    def add(self, k: int) -> None:
        """``k`` more runs done."""
        self.done += k
        if time.monotonic() - self.shown_at >= PROGRESS_SECONDS:
            self.shown_at = time.monotonic()
            self.shown.set((self.done, self.total))

    def restart(self) -> None:
        """The comparison starts again (its pool was lost)."""
        self.done = 0


def tab_contents(state: PageState, L: str, week: int, version: int, scale: float) -> list[Callable[[], Any]]:
    """What each tab draws, in the order of :data:`TABS` (only the open one is drawn)."""
    session = state.session

    def network() -> None:
        with solara.Columns([3, 2]):
            NetworkView(session, L, week, version, state.color_by, state.show_person, scale)
            with solara.Column(gap="4px"):
                LiveView(session, L, week, version, scale)
                EventsView(session, L, week, version, state.show_person, max_height="calc(100vh - 560px)")

    return [
        network,
        lambda: SeriesView(session, L, week, version, scale),
        lambda: WorkView(session, L, week, version, scale),
        lambda: StructuresView(session, L, week, version, scale),
        lambda: InspectorView(session, L, week, version, state.person, scale),
        lambda: CompareView(
            state.settings.value,
            state.settings_b,
            L,
            state.replications,
            state.ask_comparison,
            state.compare_progress.value,
            state.compare_result.value,
            state.compare_error.value,
            scale,
        ),
        lambda: ExportView(session, L, week, version),
    ]


def _setup_column(state: PageState, L: str, pending: bool) -> None:
    """The set-up panel: a subtitle, the note that the settings wait for a reset
    (``pending``), variant A's settings, and Reset."""
    solara.Text(t("subtitle", L), classes=["cs-subtitle"], style={"font-size": "0.85em", "color": "#444"})
    heading(t("setup", L), 3)
    with solara.Div():  # always there, so that the panel below keeps its place (and its state)
        if pending:
            solara.Info(t("pending", L), classes=["cs-pending"])
    SettingsPanel(state.settings, L, prefix="cs-a")
    solara.Button(
        t("reset", L),
        icon_name="mdi-restart",
        on_click=state.reset,
        color="primary",
        classes=["cs-reset-button-2"],
    )


def _page_header(state: PageState, L: str) -> None:
    """The title, the "présentation" switch and the language button (with a refusal, if any)."""
    with solara.Row(style={"align-items": "center", "justify-content": "space-between", "flex-wrap": "wrap"}):
        heading(t("title", L), 2)
        with solara.Row(style={"align-items": "center"}):
            with solara.Tooltip(t("present_tip", L)), solara.Div():
                Switch(
                    t("present", L),
                    state.present.value,
                    state.present.set,
                    state.refused.set,
                    "present",
                    ["cs-present"],
                )
            with solara.Tooltip(t("language_tip", L)):
                solara.Button(
                    t("language", L),
                    icon_name="mdi-translate",
                    on_click=lambda: state.lang.set("en" if state.lang.value == "fr" else "fr"),
                    outlined=True,
                    classes=["cs-lang-button"],
                )
    Refusal(state.refused, L)


@solara.component
def Page() -> None:
    """The whole page; every piece of state belongs to this browser tab only (:func:`use_page_state`)."""
    state = use_page_state()
    use_play(state)
    use_comparison(state)
    session = state.session
    L = state.lang.value
    scale = PRESENT_SCALE if state.present.value else 1.0
    week, version = session.week, session.version
    running = state.mode.value != "idle" and not session.done
    # Computed here, not inside the set-up column's function: a part is drawn again only when
    # what its function holds changes (reacton compares the functions' captured values), and
    # the session's settings are not a reactive value it would follow.
    pending = state.settings.value != session.settings
    solara.Title("coopsim")
    solara.Style(CSS + (PRESENT_CSS if state.present.value else ""))
    with solara.Column(style={"padding": "4px 12px"}, gap="4px", classes=["cs-page"]):
        _page_header(state, L)
        with solara.Columns([1, 3]):
            with solara.Column(classes=["cs-setup"]):
                Guard(L, lambda: _setup_column(state, L, pending), "set-up panel")
            with solara.Column(gap="4px"):
                Guard(
                    L,
                    lambda: RunControls(
                        session,
                        L,
                        week,
                        version,
                        running,
                        state.mode,
                        state.speed,
                        state.step_once,
                        state.pause,
                        state.reset,
                    ),
                    "run controls",
                )
                PageTabs(state.tab, L, tab_contents(state, L, week, version, scale))
