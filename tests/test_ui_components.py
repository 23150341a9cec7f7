"""The facilitator page without a browser: each view rendered with ``solara.render``, the
language switch, the session logic, and the exported scenario file.

No magnitudes are pinned (the scenario is being calibrated): the tests check that views
render, that they follow the language and the run, and that state stays per session.
"""

from __future__ import annotations

import io
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ipyvuetify as v
import ipywidgets as w
import numpy as np
import pytest
import solara
from reacton.find import finder

from coopsim.scenario import load_scenario
from coopsim.ui import compare_view, strings
from coopsim.ui.app import TABS
from coopsim.ui.compare_view import CompareResult, _Result, difference_rows, run_comparison, sentences
from coopsim.ui.events_view import FIRST_NAMES, EventsView, Names, feed
from coopsim.ui.export import ExportView, FigureDownload, run_table, settings_toml
from coopsim.ui.inspector import InspectorView
from coopsim.ui.live_view import LiveView
from coopsim.ui.network_view import NetworkPicture, NetworkView
from coopsim.ui.player import TICK, Player
from coopsim.ui.series_view import SeriesView
from coopsim.ui.session import (
    CONTROLS,
    MAX_UPLOAD_BYTES,
    YEARS,
    InputError,
    Session,
    Settings,
    check_setting,
    scenario_names,
    uploaded_settings,
)
from coopsim.ui.structures_view import StructuresView
from coopsim.ui.work_view import WorkView, lorenz

ROOT = Path(__file__).resolve().parent.parent
SHORT = (("years", 2.0),)


@pytest.fixture(autouse=True)
def _no_pool_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page must not start worker processes during these tests."""
    monkeypatch.setenv("COOPSIM_UI_WARM", "0")


@pytest.fixture(scope="module")
def session() -> Session:
    """Two years of TERA, stepped to the end."""
    s = Session(Settings(seed=5, overrides=SHORT))
    s.run_to_end()
    return s


def _images(rc: object) -> int:
    return len(rc.find(w.Image).widgets)  # type: ignore[attr-defined]


def _text(rc: object, css: str) -> str:
    return str(rc.find(v.Html, class_=css).widget.children[0])  # type: ignore[attr-defined]


# --- strings -----------------------------------------------------------------------------


def test_every_text_has_french_and_english() -> None:
    for table in (strings.TEXT, strings.EVENTS, strings.CONTROL_LABELS, strings.OUTCOME_LABELS, strings.FLOW_LABELS):
        for key, pair in table.items():
            assert len(pair) == 2 and all(pair), key
    assert set(strings.MECHANISMS) == set(load_scenario("tera").model_dump()) & set(strings.MECHANISMS)
    for name in strings.MECHANISMS:
        assert strings.seed_words(name), f"{name}: no 'Seed passage' in its docstring"
    assert {c.key for c in CONTROLS} <= set(strings.CONTROL_LABELS)


def test_numbers_follow_the_language() -> None:
    assert strings.number(0.5, "fr", 2) == "0,50"
    assert strings.number(0.5, "en", 2) == "0.50"
    assert strings.signed_percent(-35.4, "en") == "−35%"
    assert strings.signed_percent(3.46, "fr") == "+3,5\u202f%"
    assert strings.interval(-48, -20, "fr", lambda x, lg: strings.number(x, lg)) == "[−48 ; −20]"
    assert strings.duration(270, "fr") == "5 ans" and strings.duration(270, "en") == "5 years"


# --- session -----------------------------------------------------------------------------


def test_settings_keep_only_what_differs_from_the_file() -> None:
    s = Settings()
    assert s.set("rex.enabled", False).overrides == (("rex.enabled", False),)
    assert s.set("rex.enabled", False).set("rex.enabled", True).overrides == ()
    assert s.set("rex.every_weeks", 4).value("rex.every_weeks") == 4
    assert s.with_scenario("tera-without-rex").value("rex.enabled") is False
    assert scenario_names()[0] == "tera"


def test_session_steps_records_and_resets() -> None:
    s = Session(Settings(seed=2, overrides=SHORT))
    assert s.step(3) == 3 and s.week == 3 and len(s.history.weeks) == 3
    assert s.layout.pos.shape == (s.model.people.n, 2)
    before = s.layout.pos.copy()
    s.step(1)
    # a stable layout: people move a little, never jump across the picture
    moved = np.hypot(*(s.layout.pos[: before.shape[0]] - before).T)
    assert moved.max() < 0.5
    version = s.version
    s.reset(Settings(seed=3, overrides=SHORT))
    assert s.week == 0 and s.version == version + 1 and s.history.weeks == []
    assert s.run_to_end() == 104 and s.done and s.step(1) == 0


def test_sessions_are_independent() -> None:
    a = Session(Settings(seed=1, overrides=SHORT))
    b = Session(Settings(seed=1, overrides=(*SHORT, ("rex.enabled", False))))
    a.step(10)
    assert b.week == 0 and a.week == 10
    assert a.model is not b.model and a.model.people is not b.model.people


def test_same_seed_same_story() -> None:
    one, two = Session(Settings(seed=9, overrides=SHORT)), Session(Settings(seed=9, overrides=SHORT))
    one.run_to_end()
    two.run_to_end()
    assert [(e.week, e.kind, e.person) for e in one.notables] == [(e.week, e.kind, e.person) for e in two.notables]
    assert np.array_equal(one.layout.pos, two.layout.pos)


def test_names_are_deterministic_and_french() -> None:
    names = Names(seed=4)
    assert names(0) == Names(seed=4)(0) and names(0) in FIRST_NAMES
    assert re.fullmatch(r"\w+ [A-Z]\.", names(len(FIRST_NAMES))), "a reused first name gets an initial, not a number"
    assert len(set(FIRST_NAMES)) == len(FIRST_NAMES) >= 150
    assert "Simon" in FIRST_NAMES


def test_feed_sentences_follow_the_language(session: Session) -> None:
    fr, en = feed(session, "fr"), feed(session, "en")
    assert fr and len(fr) == len(en)
    kinds = {e.kind for e in session.notables}
    assert "arrival" in kinds
    arrival_fr = next(text for e, text in fr if e.kind == "arrival")
    arrival_en = next(text for e, text in en if e.kind == "arrival")
    assert "arrive sur le territoire" in arrival_fr and "arrives in the territory" in arrival_en


def test_people_order_puts_the_simons_first(session: Session) -> None:
    order = session.people_order()
    assert sorted(order) == list(range(session.model.people.n))
    burned = session.model.people.burnout_count[order] > 0
    assert not np.any(np.diff(burned.astype(int)) > 0), "burned-out people come first"


def test_lorenz_and_top_share() -> None:
    x, y, top = lorenz(np.array([0.0, 2.0, 2.0, 2.0, 2.0, 10.0]))
    assert x[0] == 0 and y[-1] == pytest.approx(1.0) and top == pytest.approx(10 / 18)


# --- views -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_view_renders(session: Session, lang: str) -> None:
    color = solara.reactive("exhaustion")
    person = solara.reactive(session.people_order()[0])
    _, rc = solara.render(NetworkView(session, lang, session.week, session.version, color), handle_error=False)
    assert rc.find(NetworkPicture).widget.src.startswith("data:image/png;base64,")
    assert len(rc.find(NetworkPicture).widget.people) > 10
    for view in (
        SeriesView(session, lang, session.week, session.version),
        LiveView(session, lang, session.week, session.version),
        WorkView(session, lang, session.week, session.version),
        StructuresView(session, lang, session.week, session.version),
        InspectorView(session, lang, session.week, session.version, person),
    ):
        _, rc = solara.render(view, handle_error=False)
        assert _images(rc) == 1, view
    _, rc = solara.render(EventsView(session, lang, session.week, session.version, lambda i: None), handle_error=False)
    assert _with_class(rc, "cs-event-person", v.Btn)
    _, rc = solara.render(ExportView(session, lang, session.week, session.version), handle_error=False)
    assert rc.find(v.Btn, class_="cs-dl-toml").widgets


def test_clicking_an_event_opens_a_person(session: Session) -> None:
    chosen: list[int] = []
    _, rc = solara.render(EventsView(session, "fr", session.week, session.version, chosen.append), handle_error=False)
    _with_class(rc, "cs-event-person", v.Btn)[0].click()
    assert chosen and chosen[0] >= 0


def test_language_switch_changes_the_page() -> None:
    from coopsim.ui.app import Page

    _, rc = solara.render(Page(), handle_error=False)
    assert _text(rc, "cs-week").startswith("Semaine 0")
    rc.find(v.Btn, class_="cs-step-button").widget.click()
    assert _text(rc, "cs-week").startswith("Semaine 1")
    rc.find(v.Btn, class_="cs-lang-button").widget.click()
    assert _text(rc, "cs-week").startswith("Week 1")
    assert _text(rc, "cs-subtitle") == strings.t("subtitle", "en")
    rc.find(v.Btn, class_="cs-lang-button").widget.click()
    assert _text(rc, "cs-week").startswith("Semaine 1")


def test_two_pages_have_their_own_model() -> None:
    from coopsim.ui.app import Page

    _, one = solara.render(Page(), handle_error=False)
    _, two = solara.render(Page(), handle_error=False)
    for _ in range(3):
        one.find(v.Btn, class_="cs-step-button").widget.click()
    assert _text(one, "cs-week").startswith("Semaine 3")
    assert _text(two, "cs-week").startswith("Semaine 0")


def test_comparison_view_and_sentences() -> None:
    a = Settings(seed=1, overrides=(("years", 1.0),))
    b = a.set("rex.enabled", False).set("mediation.enabled", False)
    result: CompareResult = run_comparison(a, b, replications=2)
    rows = difference_rows(result.comparison, "fr")
    assert rows and all("[" in r[strings.t("col_diff", "fr")] or "–" in r[strings.t("col_diff", "fr")] for r in rows)
    assert any("graines appariées" in s for s in sentences(result.comparison, "fr"))
    assert any("paired seeds" in s for s in sentences(result.comparison, "en"))
    _, rc = solara.render(_Result(result, "en", FigureDownload), handle_error=False)
    assert _images(rc) == 1
    tables = [x for x in rc.find(solara.widgets.HTML).widgets if x.attributes.get("class") == "cs-differences"]
    assert len(tables) == 1 and "<table>" in tables[0].unsafe_innerHTML


# --- export ------------------------------------------------------------------------------


def test_exported_scenario_loads_and_runs(tmp_path: Path) -> None:
    settings = Settings(seed=7, overrides=(("rex.enabled", False), ("stipend.with_objectives", True), ("years", 1.0)))
    path = tmp_path / "page.toml"
    path.write_text(settings_toml(settings), encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded.rex.enabled is False and loaded.stipend.with_objectives is True and loaded.years == 1.0
    assert loaded.model_dump(exclude={"name", "description"}) == settings.scenario_obj().model_dump(
        exclude={"name", "description"}
    )
    done = subprocess.run(
        [sys.executable, "-m", "coopsim", "run", str(path), "--seed", "7", "--no-report", "--quiet",
         "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_run_tables_export(session: Session) -> None:
    assert run_table(session, "weeks", "csv").startswith(b"week,year,active")
    assert run_table(session, "people", "parquet")[:4] == b"PAR1"
    assert b"kind" in run_table(session, "events", "csv")


# --- what a browser sends is checked (issue 14, item 3) ----------------------------------
#
# A client can send any value for any widget: setting a widget's ``v_model`` here is what
# a crafted message on the page's websocket does. A refused value leaves a message in the
# page (``cs-refused``), changes nothing, and the page keeps working; a failure would
# raise here (``handle_error=False``) or show the Guard's message (``cs-view-failed``).


def _wait(condition: Callable[[], object], seconds: float, what: str) -> None:
    """Wait until ``condition()`` is true (polled), or fail saying ``what`` did not happen."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.05)


def _with_class(rc: Any, css: str, cls: type = w.Widget) -> list[Any]:
    """The widgets of type ``cls`` that have the CSS class ``css`` (among others)."""
    return finder(rc)._walk(lambda x: isinstance(x, cls) and css in str(getattr(x, "class_", None) or "").split())


def _alerts(rc: Any, css: str) -> str:
    return " ".join(str(c) for x in _with_class(rc, css, v.Alert) for c in x.children)


def _html(rc: Any, css: str) -> list[Any]:
    return [x for x in rc.find(solara.widgets.HTML).widgets if x.attributes.get("class") == css]


def _page() -> Any:
    from coopsim.ui.app import Page

    return solara.render(Page(), handle_error=False)[1]


def _week(rc: Any) -> int:
    return int(re.search(r"\d+", _text(rc, "cs-week")).group())  # type: ignore[union-attr]


def _works(rc: Any) -> None:
    """Nothing failed, and the page still steps."""
    assert not _with_class(rc, "cs-view-failed-message", v.Alert), _alerts(rc, "cs-view-failed-message")
    before = _week(rc)
    rc.find(v.Btn, class_="cs-step-button").widget.click()
    # drawn at once, or by a thread drawing at that moment (the play loop's last frame)
    _wait(lambda: _week(rc) == before + 1, 20, "the step drawn")


def test_scenario_choice_is_a_shipped_name_never_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from coopsim.scenario import SCENARIO_DIR
    from coopsim.ui import session as session_module

    read: list[str] = []
    real = session_module.load_scenario
    monkeypatch.setattr(session_module, "load_scenario", lambda ref, **kw: (read.append(str(ref)), real(ref, **kw))[1])
    for crafted in ("/etc/passwd", "../scenarios/tera", "tera.toml"):
        with pytest.raises(InputError):
            Settings().with_scenario(crafted)
        with pytest.raises(InputError):
            Settings(scenario=crafted).scenario_obj()
    rc = _page()

    def select() -> Any:  # a refused value makes the widget anew: find it each time
        return _with_class(rc, "cs-a-scenario", v.Select)[0]

    for crafted in ("/etc/passwd", "/etc/passwd.toml", 99, -1, {"path": "/etc/passwd"}, None):
        select().v_model = crafted
        assert "Scénario refusé" in _alerts(rc, "cs-refused"), crafted
        assert select().v_model == 0, "the list shows the scenario kept (tera)"
        assert not _with_class(rc, "cs-pending", v.Alert), "nothing changed"
    assert all(Path(r).resolve().parent == SCENARIO_DIR.resolve() for r in read), read
    assert not any("passwd" in r for r in read)
    _works(rc)
    select().v_model = scenario_names().index("tera-without-rex")  # a shipped one is taken
    assert _with_class(rc, "cs-pending", v.Alert)
    rc.find(v.Btn, class_="cs-lang-button").widget.click()
    select().v_model = "/etc/passwd"
    assert "Scenario refused" in _alerts(rc, "cs-refused")  # in the page's language


CRAFTED = [
    ("cs-a-input-rex-every_weeks", 0, "REX"),
    ("cs-a-input-rex-every_weeks", 1e12, "REX"),
    ("cs-a-input-rex-every_weeks", 4.5, "REX"),
    ("cs-a-input-rex-every_weeks", "4", "REX"),
    ("cs-a-input-stipend-amount_per_month", 1e12, "euros"),
    ("cs-a-input-stipend-amount_per_month", -5, "euros"),
    ("cs-a-input-years", 1000, "Durée"),
    ("cs-a-input-population-founders", None, "groupe"),
    ("cs-a-input-territory-arrivals_per_week", [1], "Arrivées"),
    ("cs-a-mech-rex", "yes", "REX"),
    ("cs-a-mech-mediation", 0, "Médiation"),
    ("cs-a-input-stipend-with_objectives", "true", "objectifs"),
]


def test_out_of_range_and_ill_typed_values_are_refused_with_a_message() -> None:
    rc = _page()
    for css, crafted, label in CRAFTED:
        kept = _with_class(rc, css)[0].v_model
        _with_class(rc, css)[0].v_model = crafted
        message = _alerts(rc, "cs-refused")
        assert "refusé" in message and label in message, (css, crafted, message)
        assert _with_class(rc, css)[0].v_model == kept, (css, "the widget shows the value kept")
        assert not _with_class(rc, "cs-pending", v.Alert), (css, crafted, "nothing changed")
    _works(rc)
    _with_class(rc, "cs-a-input-rex-every_weeks")[0].v_model = 4  # in range: taken
    assert _with_class(rc, "cs-pending", v.Alert)
    # the panel was not made anew when the "pending" notice appeared (it keeps its state)
    assert "refusé" in _alerts(rc, "cs-a-refused")
    for button in _with_class(rc, "cs-dismiss", v.Btn):  # the refusals stay until closed
        button.click()
    assert not _with_class(rc, "cs-refused", v.Alert)


def test_the_seed_field_takes_whole_numbers_in_range_only() -> None:
    rc = _page()

    def field() -> Any:
        return _with_class(rc, "cs-a-input-seed")[0]

    for crafted in ("1e99", "abc", "-3", str(2**40), "1" * 40):
        field().v_model = crafted
        field().fire_event("blur", {})
        assert "Graine" in _alerts(rc, "cs-refused"), crafted
        assert field().v_model == "1"
    field().v_model = "12"
    field().fire_event("keyup.enter", {})
    assert _with_class(rc, "cs-pending", v.Alert)


def test_crafted_tab_speed_colour_and_person_values_change_nothing() -> None:
    rc = _page()
    tabs = rc.find(v.Tabs).widget
    for crafted in (99, -1, "abc", None):
        tabs.v_model = crafted
        assert _with_class(rc, "cs-network") and not _with_class(rc, "cs-view-failed-message", v.Alert)
    _with_class(rc, "cs-speed", v.BtnToggle)[0].v_model = 99
    assert "Semaines par image" in _alerts(rc, "cs-refused")
    _with_class(rc, "cs-color-by", v.BtnToggle)[0].v_model = "trust; rm -rf"
    assert "Couleur" in _alerts(rc, "cs-refused")
    tabs.v_model = 4  # the person tab
    _with_class(rc, "cs-person-select", v.Select)[0].v_model = 10**6
    assert not _with_class(rc, "cs-person-facts")
    _works(rc)


def test_controls_stay_inside_the_scenario_schema() -> None:
    """Each slider's ends are values the scenario itself accepts (so a checked value never
    turns into a refusal of the whole scenario, and the schema's bounds hold)."""
    for control in [*CONTROLS, YEARS]:
        ends = (False, True) if control.kind == "bool" else (control.low, control.high)
        for end in ends:
            value = check_setting(control.key, end)
            Settings().set(control.key, value).scenario_obj()  # raises if the schema refuses it
        if control.kind != "bool":
            for outside in (control.low - control.step, control.high + control.step, math.inf, math.nan):
                with pytest.raises(InputError):
                    check_setting(control.key, outside)
    with pytest.raises(InputError):
        check_setting("work.overwork", 0.5)  # a key the page does not offer
    with pytest.raises(InputError):
        check_setting("rex.enabled", "false")


def test_a_dropped_scenario_file_is_parsed_as_data(tmp_path: Path) -> None:
    exported = settings_toml(Settings(seed=3, overrides=(("rex.enabled", False),)))
    chosen = uploaded_settings(Settings(seed=8), "../../atelier.toml", exported.encode())
    assert chosen.scenario == "atelier.toml" and chosen.seed == 8 and chosen.uploaded
    written = tmp_path / "exported.toml"
    written.write_text(exported, encoding="utf-8")
    same = ("name", "description")
    assert chosen.scenario_obj().model_dump(exclude=set(same)) == load_scenario(written).model_dump(exclude=set(same))
    # changed on the page, then exported again: the file's own data, the change applied
    changed = chosen.set("rex.every_weeks", 4)
    again = tmp_path / "again.toml"
    again.write_text(settings_toml(changed), encoding="utf-8")
    assert load_scenario(again).model_dump(exclude=set(same)) == changed.scenario_obj().model_dump(exclude=set(same))
    refusals = {
        "extends a path": b'extends = "/etc/passwd"\n',
        "extends upwards": b'extends = "../../etc/passwd.toml"\n',
        "not UTF-8": b"\xff\xfe[rex]\n",
        "not TOML": b"[rex\nenabled = \n",
        "empty": b"  \n",
        "too large": b"#" * (MAX_UPLOAD_BYTES + 1),
        "a value out of range": b'extends = "tera.toml"\n[rex]\nevery_weeks = 0\n',
        "no content": None,
    }
    for why, data in refusals.items():
        with pytest.raises(InputError) as info:
            uploaded_settings(Settings(), "x.toml", data)
        assert info.value.message("fr").startswith("Fichier de scénario refusé"), why
    assert uploaded_settings(Settings(), "tera", exported.encode()).scenario == "tera.toml"  # never a shipped name


def test_dropping_a_file_on_the_panel_loads_it() -> None:
    from coopsim.ui.setup_panel import Editor, SettingsPanel

    settings = solara.reactive(Settings())
    refused: Any = solara.reactive(None)
    edit = Editor(settings, refused)
    edit.upload({"name": "atelier.toml", "file_obj": io.BytesIO(b'extends = "tera"\n[mediation]\nenabled = false\n')})
    assert refused.value is None and settings.value.uploaded
    assert settings.value.scenario_obj().mediation.enabled is False
    _, rc = solara.render(SettingsPanel(settings, "fr"), handle_error=False)
    items = _with_class(rc, "cs-a-scenario", v.Select)[0].items
    assert items[-1]["text"] == "atelier.toml (fichier déposé)"
    edit.upload({"name": "x.toml"})  # no content: refused, nothing changed
    assert "refusé" in refused.value.message("fr") and settings.value.scenario == "atelier.toml"


def test_a_failing_view_shows_a_message_and_the_page_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from coopsim.ui import app

    @solara.component
    def Broken(*args: Any) -> None:  # noqa: N802 (a component)
        raise ValueError("a bug in a view")

    monkeypatch.setattr(app, "SeriesView", Broken)
    rc = _page()
    rc.find(v.Tabs).widget.v_model = 1
    assert "ValueError" in _alerts(rc, "cs-view-failed-message")
    assert "Traceback" not in _alerts(rc, "cs-view-failed-message")
    rc.find(v.Btn, class_="cs-step-button").widget.click()
    assert _week(rc) == 1
    rc.find(v.Tabs).widget.v_model = 0
    assert _with_class(rc, "cs-network")


# --- the comparison's pool heals itself (issue 14, item 4) --------------------------------


@pytest.fixture
def fresh_pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """One worker process, started for the test and stopped after it."""
    monkeypatch.setenv("COOPSIM_UI_WORKERS", "1")
    compare_view.discard_pool(compare_view.shared_pool())
    yield
    compare_view.discard_pool(compare_view.shared_pool())


def _kill_a_worker() -> int:
    pool = compare_view.shared_pool()
    pool.submit(os.getpid).result(timeout=120)  # a worker is running
    pid = compare_view.pool_processes()[0]
    os.kill(pid, signal.SIGKILL)
    return pid


@pytest.mark.usefixtures("fresh_pool")
def test_a_dead_worker_is_replaced_by_a_new_pool() -> None:
    pool = compare_view.shared_pool()
    dead = _kill_a_worker()
    _wait(lambda: compare_view._broken(pool), 30, "the pool sees its worker die")
    new = compare_view.shared_pool()
    assert new is not pool and new.submit(abs, -2).result(timeout=120) == 2
    assert dead not in compare_view.pool_processes()
    # killed just before a comparison: it runs (again, on a new pool if it had started)
    _kill_a_worker()
    a = Settings(seed=1, overrides=(("years", 1.0),))
    result = compare_view.compare_on_pool(a, a.set("rex.enabled", False), 2)
    assert result.comparison.replications == 2


@pytest.mark.usefixtures("fresh_pool")
def test_a_dead_worker_fails_one_tabs_comparison_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tab one's comparison loses its worker (no second try here): tab one says so; tab two
    is untouched; the next comparison works in both."""
    from coopsim.ui import app

    monkeypatch.setattr(compare_view, "POOL_TRIES", 1)
    # B differs from A for a moment while the years are set one after the other: on a busy
    # machine the pause before an automatic comparison could end before B is set too, and tab
    # two would start one of its own on the pool whose worker dies. A long pause rules it out.
    monkeypatch.setattr(app, "AUTO_COMPARE_DELAY", 30.0)
    real, killed = compare_view.run_comparison, []

    def losing_a_worker(*args: Any, **kwargs: Any) -> Any:
        if not killed:
            killed.append(_kill_a_worker())
        return real(*args, **kwargs)

    monkeypatch.setattr(compare_view, "run_comparison", losing_a_worker)
    one, two = _page(), _page()
    for rc in (one, two):
        rc.find(v.Tabs).widget.v_model = TABS.index("tab_compare")
        _with_class(rc, "cs-input-replications")[0].v_model = 2
        _with_class(rc, "cs-a-input-years")[0].v_model = 1
        _with_class(rc, "cs-b-input-years")[0].v_model = 1  # B = A: nothing compares by itself
    one.find(v.Btn, class_="cs-compare-button").widget.click()
    _wait(lambda: _with_class(one, "cs-compare-error", v.Alert), 180, "tab one tells its failure")
    assert "processus de calcul" in _alerts(one, "cs-compare-error")
    assert not _with_class(two, "cs-compare-error", v.Alert)
    for rc in (two, one):
        rc.find(v.Btn, class_="cs-compare-button").widget.click()
        _wait(lambda rc=rc: _html(rc, "cs-differences"), 180, "the next comparison's table")
        assert not _with_class(rc, "cs-compare-error", v.Alert)
    assert len(killed) == 1


# --- play: bounded frames, pause at once (issue 15, item 1) ------------------------------


def test_player_posts_bounded_frames_and_pauses_at_once() -> None:
    """A page that takes 0.3 s to draw a frame: the model goes on at its pace, frames are
    posted only once the last one is drawn, and a pause stops the run between two weeks."""
    session = Session(Settings(seed=1))
    player = Player(session, tick=0.05)
    weeks: list[int] = []

    def post() -> None:
        weeks.append(session.week)
        threading.Timer(0.3, player.shown).start()  # the slow page draws, then says so

    cancel = threading.Event()
    start = time.monotonic()
    thread = threading.Thread(target=player.play, args=(cancel, lambda: 4, post), daemon=True)
    thread.start()
    _wait(lambda: session.week >= 160, 120, "the run advances")
    player.pause()
    stopped, elapsed = session.week, time.monotonic() - start
    thread.join(timeout=1.0)
    assert not thread.is_alive() and session.week == stopped and not session.done
    assert len(weeks) <= elapsed / 0.3 + 2, "at most one frame per draw"
    assert max(np.diff(weeks)) > 4, "the model advanced between two frames (fewer frames, not a slower run)"


def test_play_with_slow_draws_never_breaks_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page with a network view that takes 0.35 s to draw (a busy laptop, slower than a
    tick): Play runs and the week on the page advances, frames at most one per draw; a
    click while playing is drawn within a few draws; Pause stops the run at the week shown."""
    from coopsim.ui import app

    players: list[Player] = []

    def keep(session: Session) -> Player:
        players.append(Player(session))
        return players[-1]

    @solara.component
    def SlowNetwork(session: Session, *args: Any) -> None:  # noqa: N802 (a component)
        time.sleep(0.35)  # the draw of a slow machine
        solara.Text(f"week {session.week}", classes=["cs-network"])

    monkeypatch.setattr(app, "Player", keep)
    monkeypatch.setattr(app, "NetworkView", SlowNetwork)
    rc = _page()
    start = time.monotonic()
    rc.find(v.Btn, class_="cs-play-button").widget.click()
    _wait(lambda: _week(rc) >= 20, 120, "the week on the page advances")
    for word in ("Week", "Semaine", "Week"):  # the facilitator clicks while it plays: each click is drawn
        rc.find(v.Btn, class_="cs-lang-button").widget.click()
        _wait(lambda word=word: _text(rc, "cs-week").startswith(word), 20, f"{word}: the click drawn")
    _wait(lambda: _week(rc) >= 40, 120, "the week on the page advances")
    rc.find(v.Btn, class_="cs-pause-button").widget.click()
    elapsed = time.monotonic() - start
    player = players[0]
    stopped = player.session.week  # the pause returned: no week starts after it
    _wait(
        lambda: _week(rc) == stopped and rc.find(v.Btn, class_="cs-play-button").widgets,
        20,
        "the page shows the week where the run stopped, and Play",
    )
    assert player.posted <= elapsed / TICK + 2
    assert player.session.week == stopped
    _works(rc)  # a step after the pause: exactly one week more
    assert player.session.week == stopped + 1


def test_reset_applies_the_pending_settings() -> None:
    rc = _page()
    _with_class(rc, "cs-a-mech-rex", v.Switch)[0].v_model = False
    assert _with_class(rc, "cs-pending", v.Alert)
    rc.find(v.Btn, class_="cs-step-button").widget.click()
    _with_class(rc, "cs-reset-button", v.Btn)[0].click()
    assert not _with_class(rc, "cs-pending", v.Alert) and _week(rc) == 0
    assert _with_class(rc, "cs-a-mech-rex", v.Switch)[0].v_model is False
