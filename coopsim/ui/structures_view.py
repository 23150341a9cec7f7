"""The six structures: their treasuries week by week and the money flows of the last year.

Seed: "L'écosystème coopératif de Tera est organisé en 6 structures définies et
autonomes" with flows between them (rents, gifts, sales, the Abeille). The flows are the
model's ledger entries (``Ledger.week_flows``) summed over the last 52 weeks.
"""

from __future__ import annotations

import numpy as np
import solara
from matplotlib.figure import Figure

from ..base import WEEKS_PER_YEAR
from ..structures import STRUCTURE_KEYS
from .figures import Picture, new_figure
from .session import Session
from .strings import FLOW_LABELS, STRUCTURE_SHORT, number, pick, t

FIGSIZE = (10.5, 4.4)


def yearly_flows(flows: list[dict[str, float]]) -> dict[str, float]:
    """Sum of each kind of flow over the last 52 weeks.

    >>> yearly_flows([{"gifts": 2.0}, {"gifts": 1.0, "salaries": 3.0}])
    {'gifts': 3.0, 'salaries': 3.0}
    """
    total: dict[str, float] = {}
    for week in flows[-WEEKS_PER_YEAR:]:
        for kind, amount in week.items():
            total[kind] = total.get(kind, 0.0) + amount
    return total


def structures_figure(session: Session, lang: str, scale: float = 1.0) -> Figure:
    """Treasuries over the years (left) and last year's flows by kind (right)."""
    with session.lock:
        rec = session.model.recorder
        w = rec.weeks
        treasuries = {k: rec.columns[f"treasury_{k}"][:w].copy() for k in STRUCTURE_KEYS}
        flows = yearly_flows(session.flows)
    fig = new_figure(FIGSIZE, scale, layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    years = np.arange(w) / WEEKS_PER_YEAR
    for key, values in treasuries.items():
        left.plot(years, values, label=STRUCTURE_SHORT[key])
    left.set_title(t("treasury", lang), fontsize=10)
    left.set_xlabel(t("years_axis", lang))
    left.yaxis.set_major_formatter(lambda v, _: number(v, lang))
    left.legend(fontsize=7)
    left.grid(alpha=0.3)
    if flows:
        kinds = sorted(flows, key=flows.__getitem__)
        right.barh([pick(FLOW_LABELS, k, lang) for k in kinds], [flows[k] for k in kinds], color="#74a9cf")
        right.xaxis.set_major_formatter(lambda v, _: number(v, lang))
        right.tick_params(axis="y", labelsize=8)
    else:
        right.text(0.5, 0.5, t("no_flows", lang), ha="center", transform=right.transAxes)
    right.set_title(t("flows_year", lang), fontsize=10)
    right.grid(alpha=0.3, axis="x")
    fig.suptitle(t("structures_title", lang))
    return fig


@solara.component
def StructuresView(session: Session, lang: str, week: int, version: int, scale: float = 1.0) -> None:
    """Treasuries and flows."""
    from .export import FigureDownload

    fig = solara.use_memo(lambda: structures_figure(session, lang, scale), [version, week, lang, scale])
    with solara.Column(classes=["cs-structures"]):
        FigureDownload(fig, "coopsim-structures.png", lang)
        Picture(fig, [version, week, lang, scale])
