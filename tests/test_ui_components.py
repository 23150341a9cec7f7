"""The facilitator page without a browser: each view rendered with ``solara.render``, the
language switch, the session logic, and the exported scenario file.

No magnitudes are pinned (the scenario is being calibrated): the tests check that views
render, that they follow the language and the run, and that state stays per session.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ipyvuetify as v
import ipywidgets as w
import numpy as np
import pytest
import solara

from coopsim.scenario import load_scenario
from coopsim.ui import strings
from coopsim.ui.compare_view import CompareResult, _Result, difference_rows, run_comparison, sentences
from coopsim.ui.events_view import FIRST_NAMES, EventsView, Names, feed
from coopsim.ui.export import ExportView, FigureDownload, run_table, settings_toml
from coopsim.ui.inspector import InspectorView
from coopsim.ui.network_view import NetworkView
from coopsim.ui.series_view import SeriesView
from coopsim.ui.session import CONTROLS, Session, Settings, scenario_names
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
    assert names(len(FIRST_NAMES)).endswith(" 2")
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
    for view in (
        NetworkView(session, lang, session.week, session.version, color),
        SeriesView(session, lang, session.week, session.version),
        WorkView(session, lang, session.week, session.version),
        StructuresView(session, lang, session.week, session.version),
        InspectorView(session, lang, session.week, session.version, person),
    ):
        _, rc = solara.render(view, handle_error=False)
        assert _images(rc) == 1, view
    _, rc = solara.render(EventsView(session, lang, session.week, session.version, lambda i: None), handle_error=False)
    assert rc.find(v.Btn, class_="cs-event cs-event-person").widgets
    _, rc = solara.render(ExportView(session, lang, session.week, session.version), handle_error=False)
    assert rc.find(v.Btn, class_="cs-dl-toml").widgets


def test_clicking_an_event_opens_a_person(session: Session) -> None:
    chosen: list[int] = []
    _, rc = solara.render(EventsView(session, "fr", session.week, session.version, chosen.append), handle_error=False)
    rc.find(v.Btn, class_="cs-event cs-event-person").widgets[0].click()
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
