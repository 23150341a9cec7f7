"""The facilitator page, ready for a workshop (issue 15), without a browser: values beside
the sliders, B's change said in words, no percentage of almost nothing, a person's story
that stops at departure and is told in years, key moments findable after a jump to the
end, clickable people, and a French page without English (widgets and figures).

The browser checks of the same points (1280×720, Play under load) are in
``tests/test_ui_browser.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from matplotlib.figure import Figure
from matplotlib.text import Text
from reacton.find import finder
from ui_words import english_in

from coopsim.base import Status
from coopsim.experiments.analyses.compare import Comparison
from coopsim.ui.app import TABS
from coopsim.ui.compare_view import bands_figure, changes, difference_rows, label_b, run_comparison, sentences
from coopsim.ui.events_view import EventsView, Names, feed, sentence
from coopsim.ui.export import settings_toml
from coopsim.ui.inputs import Slider
from coopsim.ui.inspector import person_figure, person_series
from coopsim.ui.live_view import live_figure
from coopsim.ui.network_view import NetworkPicture, NetworkView, network_figure
from coopsim.ui.series_view import series_figure
from coopsim.ui.session import CONTROLS, Notable, Session, Settings
from coopsim.ui.strings import source_words
from coopsim.ui.structures_view import structures_figure
from coopsim.ui.work_view import work_figure


@pytest.fixture(autouse=True)
def _no_pool_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPSIM_UI_WARM", "0")


@pytest.fixture(scope="module")
def decade() -> Session:
    """A whole TERA decade, as after "Aller à la fin"."""
    s = Session(Settings(seed=1))
    s.run_to_end()
    return s


def _texts(rc: Any) -> str:
    """Every word the rendered widgets show (labels, buttons, text, HTML), one per line."""
    out = []

    def visit(x: Any) -> bool:
        for name in ("children", "label", "unsafe_innerHTML", "summary", "alt"):
            value = getattr(x, name, None)
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, list | tuple):
                out.extend(c for c in value if isinstance(c, str))
        return False

    finder(rc)._walk(visit)
    return "\n".join(out)


def _figure_texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


# --- 2. sliders show their value, unit and range --------------------------------------------


def test_every_slider_shows_its_value_unit_and_range() -> None:
    for control in CONTROLS:
        if control.kind == "bool":
            continue
        value = (control.low + control.high) / 2 if control.kind == "float" else int(control.low)
        _, rc = solara.render(
            Slider("label", value, control, lambda v: None, lambda e: None, ["x"], lang="fr"), handle_error=False
        )
        texts = {
            css: rc.find(v.Html, class_=css).widget.children[0]
            for css in ("cs-slider-value", "cs-slider-min", "cs-slider-max")
        }
        assert texts["cs-slider-value"].strip() and any(ch.isdigit() for ch in texts["cs-slider-value"]), control
        assert texts["cs-slider-min"] != texts["cs-slider-max"], control
    rex = next(c for c in CONTROLS if c.key == "rex.every_weeks")
    _, rc = solara.render(Slider("REX", 8, rex, lambda v: None, lambda e: None, lang="fr"), handle_error=False)
    assert rc.find(v.Html, class_="cs-slider-value").widget.children[0] == "8 semaines"
    assert rc.find(v.Html, class_="cs-slider-max").widget.children[0] == "52"


# --- 4. "Et si… ?" says what B changes, never a percentage of almost nothing ---------------


def test_b_is_named_by_what_it_changes() -> None:
    a = Settings()
    assert changes(a, a, "fr") == [] and label_b(a, a, "fr") == "B (comme A)"
    b = a.set("mediation.enabled", False).set("rex.every_weeks", 16)
    assert changes(a, b, "fr") == [
        "sans médiation",
        "REX : semaines entre deux séances 16 semaines au lieu de 8 semaines",
    ]
    assert changes(a, b, "en")[0] == "without mediation"
    assert label_b(a, a.set("rex.enabled", False), "fr") == "B (sans REX (retours d'expérience))"
    off = a.set("rex.enabled", False).set("rex.every_weeks", 16)
    assert changes(a, off, "fr") == ["sans REX (retours d'expérience)"], "a lever's settings are moot once it is off"


def _comparison(mean_a: float, mean_b: float, rel: float) -> Comparison:
    row = {
        "outcome": "share_high_exhaustion", "n_pairs": 10, "mean_a": mean_a, "mean_b": mean_b,
        "diff_mean": mean_b - mean_a, "diff_ci_low": 0.0, "diff_ci_high": 2 * (mean_b - mean_a),
        "rel_diff_pct": rel, "rel_ci_low": rel / 2, "rel_ci_high": rel * 2, "p_value": 0.01,
    }  # fmt: skip
    c = Comparison.__new__(Comparison)
    c.differences = pd.DataFrame([row])
    return c


def test_no_percentage_of_a_near_zero_base() -> None:
    """The issue's line "part des très épuisés 0,0 → 0,0 : +95 %": now an absolute
    difference, with enough decimals to see the values."""
    c = _comparison(0.0021, 0.0041, 95.0)
    row = difference_rows(c, "fr")[0]
    assert "%" not in row["B − A [intervalle à 95 %]"], row
    assert row["A (moyenne)"] != "0,0" and row["A (moyenne)"] != row["B (moyenne)"], row
    assert "95" not in " ".join(sentences(c, "fr", "B (sans REX)"))
    big = _comparison(0.25, 0.30, 20.0)
    assert "%" in difference_rows(big, "fr")[0]["B − A [intervalle à 95 %]"]


def test_a_comparison_names_b_in_its_sentences_and_legend() -> None:
    a = Settings(seed=2, overrides=(("years", 1),))
    b = a.set("mediation.enabled", False)
    result = run_comparison(a, b, replications=2)
    name = label_b(a, b, "fr")
    said = sentences(result.comparison, "fr", name)
    assert said and all("B (sans médiation)" in s for s in said), said
    fig = bands_figure(result.comparison, "fr", name)
    assert "B (sans médiation)" in _figure_texts(fig)
    assert len(fig.axes) == 3


# --- 6. people can be clicked ---------------------------------------------------------------


def test_clicking_a_person_on_the_network_opens_them(decade: Session) -> None:
    opened: list[int] = []
    color = solara.reactive("exhaustion")
    _, rc = solara.render(
        NetworkView(decade, "fr", decade.week, decade.version, color, opened.append), handle_error=False
    )
    picture = rc.find(NetworkPicture).widget
    i, x, y, r, name = picture.people[0]
    assert 0 <= x <= picture.width and 0 <= y <= picture.height and r > 0 and name == Names(1)(i)
    picture.clicked = [i, 1]
    assert opened == [i]
    for crafted in ("../etc", [10**9, 2], None, [True, 3]):  # not a person drawn: nothing opens
        picture.clicked = crafted
    assert opened == [i]


def test_network_draws_only_strong_ties_and_departed_people_are_not_clickable(decade: Session) -> None:
    fig = network_figure(decade, "fr")
    drawn = {p[0] for p in fig.people}
    P = decade.model.people
    assert drawn == set(np.flatnonzero(P.status[: P.n] != Status.DEPARTED).tolist())


# --- 7. stories ---------------------------------------------------------------------------


def test_a_story_stops_at_departure_and_is_told_in_years(decade: Session) -> None:
    P = decade.model.people
    gone = np.flatnonzero(P.status[: P.n] == Status.DEPARTED)
    assert gone.size
    i = int(gone[0])
    s = person_series(decade, i)
    status = decade.history.person(i, "status")
    left = int(np.flatnonzero(status == Status.DEPARTED)[0])
    assert np.isnan(s["exhaustion"][left + 1 :]).all() and np.isnan(s["roles"][left + 1 :]).all()
    assert np.isfinite(s["exhaustion"][left])
    assert s["years"][-1] == pytest.approx(decade.week / 52, abs=0.05)
    fig = person_figure(decade, i, "fr")
    assert "années" in _figure_texts(fig) and "semaines" not in _figure_texts(fig)


def test_key_moments_stay_findable_after_the_end(decade: Session) -> None:
    recent = feed(decade, "fr")
    key = feed(decade, "fr", key_only=True)
    kinds = {e.kind for e, _ in key}
    assert "burnout" in kinds or "departure_roles" in kinds
    assert min(e.week for e, _ in key) < min(e.week for e, _ in recent), "key moments reach further back"
    assert kinds <= {"burnout", "departure_roles", "exhaustion_noticed", "rex_changed"}
    _, rc = solara.render(EventsView(decade, "fr", decade.week, decade.version, lambda i: None), handle_error=False)
    rc.find(v.BtnToggle, class_="cs-feed-filter").widget.v_model = 1  # "Moments clés"
    shown = finder(rc)._walk(lambda x: "cs-event" in str(getattr(x, "class_", None) or "").split())
    assert len(shown) == len(key)
    rc.close()  # the feed's tab is left, then opened again: the filter is still the key moments
    _, rc = solara.render(EventsView(decade, "fr", decade.week, decade.version, lambda i: None), handle_error=False)
    assert rc.find(v.BtnToggle, class_="cs-feed-filter").widget.v_model == 1
    decade.feed_filter = "all"


def test_rex_sessions_that_changed_something_say_what() -> None:
    names = Names(1)
    text = sentence(Notable(40, "rex_changed", roles=2, count=1), names, "fr")
    assert text == "Séance de REX : 2 rôle(s) passé(s) à d'autres et 1 conflit(s) réglé(s)."


# --- 8. one language -------------------------------------------------------------------------


def test_french_sentences_elide_and_agree() -> None:
    names = Names(1)
    aurelie = next(i for i in range(200) if names(i) == "Aurélie")
    assert "L'intégration d'Aurélie" in sentence(Notable(3, "integration_refused", aurelie), names, "fr")
    simon = next(i for i in range(200) if names(i) == "Simon")
    assert "L'épuisement de Simon" in sentence(Notable(3, "exhaustion_noticed", simon), names, "fr")


def test_exported_scenario_speaks_the_pages_language() -> None:
    s = Settings(seed=4, overrides=(("rex.enabled", False),))
    fr, en = settings_toml(s, lang="fr"), settings_toml(s, lang="en")
    assert english_in(fr) == [], english_in(fr)
    assert "Run it with" in en and "Pour le relancer" in fr
    assert fr.split("\n", 3)[3] == en.split("\n", 3)[3].replace(en.splitlines()[5], fr.splitlines()[5]), (
        "only the comments and the description differ"
    )


def test_source_passages_have_no_english_linking_words() -> None:
    from coopsim.mechanisms import REGISTRY

    for name in REGISTRY:
        words = source_words(name, "fr")
        assert english_in(words) == [], (name, english_in(words))


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    from coopsim.ui.app import Page

    _, rc = solara.render(Page(), handle_error=False)
    yield rc


def test_the_french_page_shows_no_english(page: Any) -> None:
    """Every tab of the French page, after a decade, and every figure: no English word."""
    page.find(v.Btn, class_="cs-end-button").widget.click()
    deadline = 600
    import time

    start = time.monotonic()
    while "Fin de la simulation" not in _texts(page):
        assert time.monotonic() - start < deadline
        time.sleep(0.1)
    found = {}
    for k, name in enumerate(TABS):
        page.find(v.Tabs).widget.v_model = k
        text = _texts(page)
        if english_in(text):
            found[name] = english_in(text)
    assert found == {}, found


def test_the_french_figures_show_no_english(decade: Session) -> None:
    figures = {
        "network": network_figure(decade, "fr"),
        "series": series_figure(decade, "fr"),
        "work": work_figure(decade, "fr"),
        "structures": structures_figure(decade, "fr"),
        "person": person_figure(decade, decade.people_order()[0], "fr"),
        "live": live_figure(decade, "fr"),
    }
    found = {name: english_in(_figure_texts(fig)) for name, fig in figures.items()}
    assert all(not words for words in found.values()), found
