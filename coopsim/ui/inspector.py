"""A person's story: roles over time, exhaustion, engagement, trust, and the key moments.

The person selector lists everyone who ever lived there, those who burned out first and
then those who held most roles for longest ("Simon" profiles: "pendant 5 à 6 ans, il a
cumulé les rôles, puis il a tout arrêté"); the event feed's sentences open the same
story. Everything comes from the session's :class:`~coopsim.ui.session.History`, one
row per week.
"""

from __future__ import annotations

import numpy as np
import solara
from matplotlib.figure import Figure

from .events_view import Names, sentence
from .html import heading
from .inputs import Select
from .session import Session
from .strings import paid_name, status_name, t

FIGSIZE = (9.0, 4.6)
DPI = 80


def person_label(session: Session, i: int, names: Names, lang: str) -> str:
    """``Simon — 7 rôles max, 1 burnout`` for the selector."""
    P = session.model.people
    max_roles = int(session.max_roles[i]) if i < session.max_roles.size else 0
    burnouts = int(P.burnout_count[i])
    roles = f"{max_roles} rôle(s) max" if lang == "fr" else f"up to {max_roles} role(s)"
    extra = f", {burnouts} burnout(s)" if burnouts else ""
    return f"{names(i)} — {roles}{extra} · {status_name(P.status[i], lang)}"


def person_figure(session: Session, i: int, lang: str) -> Figure:
    """Roles held (top) and exhaustion, engagement and trust (bottom), week by week."""
    with session.lock:
        weeks = np.array(session.history.weeks)
        roles = session.history.person(i, "roles")
        series = {k: session.history.person(i, k) for k in ("exhaustion", "engagement", "trust")}
        events = session.person_notables(i)
    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1.4])
    top.step(weeks, roles, where="post", color="#2c7fb8")
    top.set_ylabel(t("roles_over_time", lang))
    top.grid(alpha=0.3)
    colors = {"exhaustion": "#d7301f", "engagement": "#238443", "trust": "#2c7fb8"}
    for k, values in series.items():
        bottom.plot(weeks, values, color=colors[k], label=t(k, lang))
    for e in events:
        if e.kind == "burnout" and e.person == i:
            for ax in (top, bottom):
                ax.axvline(e.week, color="#d7191c", linestyle="--", linewidth=1)
    bottom.set_ylim(0, 1)
    bottom.set_xlabel(t("weeks_axis", lang))
    bottom.legend(fontsize=8, loc="upper left")
    bottom.grid(alpha=0.3)
    top.set_title(t("state_over_time", lang), fontsize=10)
    return fig


@solara.component
def InspectorView(session: Session, lang: str, week: int, version: int, person: solara.Reactive[int | None]) -> None:
    """Pick a person; read their story."""
    names = Names(session.settings.seed)
    with session.lock:
        order = session.people_order()
        labels = [person_label(session, i, names, lang) for i in order]
    chosen = person.value if person.value is not None and person.value < len(order) else None
    with solara.Column(classes=["cs-inspector"]):
        with solara.Tooltip(t("person_tip", lang)):
            Select(
                t("person", lang),
                chosen,
                list(zip(order, labels)),
                person.set,
                lambda exc: None,  # a position that is not a person's: nothing to open
                "person",
                ["cs-person-select"],
            )
        if chosen is None:
            solara.Text(t("pick_person", lang))
            return
        _story(session, chosen, names, lang, week, version)


@solara.component
def _story(session: Session, i: int, names: Names, lang: str, week: int, version: int) -> None:
    from .export import FigureDownload

    with session.lock:
        P = session.model.people
        facts = t(
            "person_facts",
            lang,
            status=status_name(P.status[i], lang),
            paid=paid_name(P.paid[i], lang),
            arrival=int(P.arrival_week[i]),
            roles=int(P.roles[i]),
            max_roles=int(session.max_roles[i]),
            burnouts=int(P.burnout_count[i]),
        )
        held = session.model.persons[i].role_names
        moments = [sentence(e, names, lang) for e in session.person_notables(i)]
        weeks = [e.week for e in session.person_notables(i)]
    fig = solara.use_memo(lambda: person_figure(session, i, lang), [i, version, week, lang])
    heading(t("person_story", lang, name=names(i)), 3)
    solara.Text(facts, classes=["cs-person-facts"])
    solara.Text(t("roles_now", lang, roles=", ".join(held)) if held else t("roles_none", lang))
    with solara.Row():
        FigureDownload(fig, f"coopsim-{names(i)}.png", lang)
    solara.FigureMatplotlib(fig, dependencies=[i, version, week, lang], format="png")
    solara.Text(t("key_events", lang), style={"font-weight": "bold"})
    with solara.Column(gap="0px", classes=["cs-person-events"], style={"max-height": "260px", "overflow-y": "auto"}):
        for w, text in list(zip(weeks, moments))[::-1][:60]:
            solara.Text(f"{t('week_short', lang, week=w)} · {text}", style={"font-size": "0.85rem"})
