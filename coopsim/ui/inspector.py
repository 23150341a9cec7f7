"""A person's story: roles over time, exhaustion, engagement, trust, and the key moments.

The person selector lists everyone who ever lived there, those who burned out first and
then those who held most roles for longest ("Simon" profiles: "pendant 5 à 6 ans, il a
cumulé les rôles, puis il a tout arrêté"); the event feed's sentences open the same
story. Everything comes from the session's :class:`~coopsim.ui.session.History`, one
row per week. The story is told in years, like every other tab, and stops where the
person left.
"""

from __future__ import annotations

import numpy as np
import solara
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..base import WEEKS_PER_YEAR, Status
from .events_view import Names, sentence
from .figures import Picture, new_figure
from .html import heading
from .inputs import Select
from .session import Session
from .strings import number, paid_name, status_name, t, year_short

FIGSIZE = (9.0, 4.6)


def person_label(session: Session, i: int, names: Names, lang: str) -> str:
    """``Simon — 7 rôles max, 1 burnout`` for the selector."""
    P = session.model.people
    max_roles = int(session.max_roles[i]) if i < session.max_roles.size else 0
    burnouts = int(P.burnout_count[i])
    roles = f"{max_roles} rôle(s) max" if lang == "fr" else f"up to {max_roles} role(s)"
    extra = f", {burnouts} burnout(s)" if burnouts else ""
    return f"{names(i)} — {roles}{extra} · {status_name(P.status[i], lang)}"


def person_series(session: Session, i: int) -> dict[str, np.ndarray]:
    """One person's weekly values (``years``, ``roles``, ``exhaustion``, ``engagement``,
    ``trust``), cut at their departure: NaN before they arrived and after the week they left,
    so that a curve stops where the person leaves the story instead of running on flat."""
    with session.lock:
        weeks = np.array(session.history.weeks, dtype=float)
        status = session.history.person(i, "status")
        out = {k: session.history.person(i, k) for k in ("roles", "exhaustion", "engagement", "trust")}
    gone = np.flatnonzero(status == Status.DEPARTED)
    if gone.size:
        for values in out.values():
            values[gone[0] + 1 :] = np.nan  # the week they left is the last point
    out["years"] = weeks / WEEKS_PER_YEAR
    return out


def person_figure(session: Session, i: int, lang: str, scale: float = 1.0) -> Figure:
    """Roles held (top) and exhaustion, engagement and trust (bottom), over the years; a red
    dashed line at each burnout, a grey one at the departure."""
    series = person_series(session, i)
    with session.lock:
        events = session.person_notables(i)
        horizon = session.model.horizon
    years = series["years"]
    fig = new_figure(FIGSIZE, scale, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1.4])
    top.step(years, series["roles"], where="post", color="#2c7fb8")
    top.set_title(t("roles_over_time", lang), fontsize=11, loc="left")
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    top.grid(alpha=0.3)
    colors = {"exhaustion": "#d7301f", "engagement": "#238443", "trust": "#2c7fb8"}
    for k, color in colors.items():
        bottom.plot(years, series[k], color=color, label=t(k, lang))
    for e in events:
        if e.person != i or e.kind not in ("burnout", "departure", "departure_roles"):
            continue
        burnout = e.kind == "burnout"
        for ax in (top, bottom):
            ax.axvline(
                e.week / WEEKS_PER_YEAR,
                color="#d7191c" if burnout else "#777",
                linestyle="--",
                linewidth=1.2 if burnout else 1,
                label=None if ax is top or not burnout else t("burned_out", lang),
            )
    bottom.set_ylim(0, 1)
    bottom.set_xlim(0, max(horizon / WEEKS_PER_YEAR, 1))
    bottom.set_xlabel(t("years_axis", lang))
    bottom.legend(fontsize=9, loc="upper left")
    bottom.grid(alpha=0.3)
    bottom.set_title(t("state_over_time", lang), fontsize=11, loc="left")
    return fig


@solara.component
def InspectorView(
    session: Session, lang: str, week: int, version: int, person: solara.Reactive[int | None], scale: float = 1.0
) -> None:
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
        _story(session, chosen, names, lang, week, version, scale)


@solara.component
def _story(session: Session, i: int, names: Names, lang: str, week: int, version: int, scale: float) -> None:
    from .export import FigureDownload

    with session.lock:
        P = session.model.people
        facts = t(
            "person_facts",
            lang,
            status=status_name(P.status[i], lang),
            paid=paid_name(P.paid[i], lang),
            arrival=number(max(0, int(P.arrival_week[i])) / WEEKS_PER_YEAR, lang, 1),
            roles=int(P.roles[i]),
            max_roles=int(session.max_roles[i]),
            burnouts=int(P.burnout_count[i]),
        )
        held = session.model.persons[i].role_names
        moments = [sentence(e, names, lang) for e in session.person_notables(i)]
        weeks = [e.week for e in session.person_notables(i)]
    fig = solara.use_memo(lambda: person_figure(session, i, lang, scale), [i, version, week, lang, scale])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        heading(t("person_story", lang, name=names(i)), 3)
        FigureDownload(fig, f"coopsim-{names(i)}.png", lang)
    solara.Text(facts, classes=["cs-person-facts"])
    solara.Text(t("roles_now", lang, roles=", ".join(held)) if held else t("roles_none", lang))
    Picture(fig, [i, version, week, lang, scale], classes=["cs-person-figure"])
    solara.Text(t("key_events", lang), style={"font-weight": "bold"})
    with solara.Column(gap="0px", classes=["cs-person-events"], style={"max-height": "260px", "overflow-y": "auto"}):
        for w, text in list(zip(weeks, moments))[::-1][:60]:
            solara.Text(f"{year_short(w, lang)} · {text}", style={"font-size": "0.85rem"})
