"""Live curves beside the network: active members, mean exhaustion and open conflicts.

What NetLogo and Mesa users expect while a run plays: a few curves next to the world,
growing week after week, so that the eye goes from a red dot to the exhaustion curve
without changing tab. Three small panels sharing the years axis, read from the model's
:class:`~coopsim.records.Recorder` columns (the curves of "Au fil du temps" and of
``coopsim run``); cheap enough to draw at every frame (fixed margins, no layout engine).
"""

from __future__ import annotations

import numpy as np
import solara
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..base import WEEKS_PER_YEAR
from .figures import Picture, new_figure
from .session import Session
from .strings import t

FIGSIZE = (4.6, 3.3)
#: recorder column, text key of its title, colour
CURVES = (
    ("active", "live_members", "#222222"),
    ("exhaustion_mean", "live_exhaustion", "#d7301f"),
    ("conflicts_open", "live_conflicts", "#8c510a"),
)


def live_figure(session: Session, lang: str, scale: float = 1.0) -> Figure:
    """Three small panels, one per curve of :data:`CURVES`, over the whole horizon."""
    with session.lock:
        rec = session.model.recorder
        w = rec.weeks
        columns = {c: rec.columns[c][:w].copy() for c, _, _ in CURVES}
        horizon = session.model.horizon
    years = np.arange(w) / WEEKS_PER_YEAR
    fig = new_figure(FIGSIZE, scale)
    fig.subplots_adjust(left=0.13, right=0.97, top=0.93, bottom=0.1, hspace=0.55)
    axes = fig.subplots(len(CURVES), 1, sharex=True)
    for ax, (column, key, color) in zip(axes, CURVES):
        ax.plot(years, columns[column], color=color, linewidth=1.5)
        ax.set_title(t(key, lang), fontsize=9, loc="left", pad=2)
        ax.tick_params(labelsize=8, pad=1)
        ax.yaxis.set_major_locator(MaxNLocator(3, integer=column != "exhaustion_mean"))
        ax.set_ylim(0, 1 if column == "exhaustion_mean" else max(3.0, float(columns[column].max()) * 1.15 if w else 3))
        ax.set_xlim(0, max(horizon / WEEKS_PER_YEAR, 1))
        ax.grid(alpha=0.3)
    return fig


@solara.component
def LiveView(session: Session, lang: str, week: int, version: int, scale: float = 1.0) -> None:
    """The three live curves, redrawn with every frame."""
    fig = solara.use_memo(lambda: live_figure(session, lang, scale), [version, week, lang, scale])
    with solara.Column(classes=["cs-live"], gap="0px"):
        solara.Text(t("live_title", lang), style={"font-weight": "bold"})
        Picture(fig, [version, week, lang, scale], classes=["cs-live-figure"])
