"""Time series of the run so far: members, arrivals and departures, burnouts, mean
exhaustion / engagement / trust, unmet work and the decision backlog.

Read from the model's :class:`~coopsim.records.Recorder` columns (one row per week), so
the curves are exactly what ``coopsim run`` writes in ``model.parquet``.
"""

from __future__ import annotations

import numpy as np
import solara
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..base import WEEKS_PER_YEAR
from .figures import Picture, new_figure
from .session import Session
from .strings import percent, t

FIGSIZE = (10.5, 6.2)
COLORS = {"exhaustion": "#d7301f", "engagement": "#238443", "trust": "#2c7fb8"}


def series_figure(session: Session, lang: str, scale: float = 1.0) -> Figure:
    """Six small panels of the weekly series, in ``lang``."""
    with session.lock:
        rec = session.model.recorder
        w = rec.weeks
        col = {c: rec.columns[c][:w].copy() for c in rec.columns}
        horizon = session.model.horizon
    years = np.arange(w) / WEEKS_PER_YEAR
    fig = new_figure(FIGSIZE, scale, layout="constrained")
    axes = fig.subplots(2, 3, sharex=True)
    ax = axes[0, 0]
    ax.plot(years, col["active"], color="#222", label=t("s_active", lang))
    ax.plot(years, col["newcomers"], color="#2b83ba", label=t("s_newcomers", lang))
    ax.plot(years, col["withdrawn"], color="#999", label=t("s_withdrawn", lang))
    ax.set_title(t("s_members", lang))
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    ax.plot(years, np.cumsum(col["arrivals"]), color="#2b83ba", label=t("s_arrivals", lang))
    ax.plot(years, np.cumsum(col["departures"]), color="#d95f02", label=t("s_departures", lang))
    ax.set_title(t("s_flows", lang))
    ax.legend(fontsize=8)
    ax = axes[0, 2]
    ax.step(years, np.cumsum(col["burnouts"]), color="#d7191c", where="post")
    ax.set_title(t("s_burnouts", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax = axes[1, 0]
    for name, color in COLORS.items():
        ax.plot(years, col[f"{name}_mean"], color=color, label=t(name, lang))
    ax.set_ylim(0, 1)
    ax.set_title(t("s_means", lang))
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    ax.plot(years, col["unmet_share"], color="#6a51a3")
    ax.set_ylim(0, max(0.05, float(col["unmet_share"].max()) * 1.1 if w else 0.05))
    ax.yaxis.set_major_formatter(lambda v, _: percent(v, lang))
    ax.set_title(t("s_unmet", lang))
    ax = axes[1, 2]
    ax.plot(years, col["backlog"], color="#8c510a")
    ax.set_title(t("s_backlog", lang))
    for a in axes.ravel():
        a.set_xlim(0, max(horizon / WEEKS_PER_YEAR, 1))
        a.grid(alpha=0.3)
        a.title.set_fontsize(11)
    for a in axes[1]:
        a.set_xlabel(t("years_axis", lang))
    fig.suptitle(t("series_title", lang))
    return fig


@solara.component
def SeriesView(session: Session, lang: str, week: int, version: int, scale: float = 1.0) -> None:
    """The six panels, redrawn only when the week, the run or the language change."""
    from .export import FigureDownload

    fig = solara.use_memo(lambda: series_figure(session, lang, scale), [version, week, lang, scale])
    with solara.Column(classes=["cs-series"]):
        FigureDownload(fig, "coopsim-series.png", lang)
        Picture(fig, [version, week, lang, scale])
