"""The people network: who knows whom, who is tired, who carries what.

Dots are people, placed by the session's stable :class:`~coopsim.ui.layout.Layout`
(grouped around the structure or circle where they hold most roles); colour: exhaustion
or engagement (selectable); size: workload (hours worked / hours available); outline:
status (newcomer, active, withdrawn; red when burned out); lines: acquaintance ties,
darker and thicker where mutual trust is high. Departed people are not drawn.

Drawn with matplotlib's object API (no pyplot: thread-safe, nothing left open), one
scatter and one line collection, so a draw stays cheap at TERA size.

Node clicks: a matplotlib image cannot be clicked per dot in the page without a heavier
plotting library; the inspector's person selector (sorted "Simon first") and the event
feed's clickable sentences give the same access to a person's story.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import solara
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from ..base import Status
from ..structures import STRUCTURE_KEYS
from .events_view import Names
from .inputs import Refusal, Toggle
from .session import InputError, Session
from .strings import STATUS, STRUCTURE_SHORT, t

STATUS_EDGE = {Status.NEWCOMER: "#2b83ba", Status.ACTIVE: "#222222", Status.WITHDRAWN: "#9a9a9a"}
BURNED_EDGE = "#d7191c"
CMAPS = {"exhaustion": "YlOrRd", "engagement": "YlGn"}
#: what the people's colour may show (the colour selector's choices)
COLOR_BY = tuple(CMAPS)
FIGSIZE = (7.6, 6.8)
DPI = 80


AX_RECT = (0.0, 0.0, 0.86, 0.95)  # the network's axes, fixed so that the background lines up
CAX_RECT = (0.88, 0.25, 0.025, 0.5)  # the colour bar's axes
LIMIT = 1.95


def _axes(fig: Figure) -> Axes:
    ax = fig.add_axes(AX_RECT)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def background(session: Session, lang: str, color_by: str) -> np.ndarray:
    """The parts of the figure that do not change during a run (places of work, names of
    the structures, legend, colour bar), drawn once per run, language and colour, as pixels.

    Text is most of the cost of a matplotlib draw; drawing it once keeps a frame cheap.
    """
    key = (session.version, lang, color_by)
    cache = session.cache.setdefault("network_background", {})
    if key not in cache:
        fig = Figure(figsize=FIGSIZE, dpi=DPI)
        canvas = FigureCanvasAgg(fig)
        ax = _axes(fig)
        _draw_groups(ax, session, lang)
        ax.legend(
            handles=_status_handles(lang),
            loc="lower left",
            fontsize=7,
            title=t("legend_status", lang),
            title_fontsize=7,
        )
        cbar = fig.colorbar(ScalarMappable(Normalize(0, 1), CMAPS.get(color_by, "viridis")), cax=fig.add_axes(CAX_RECT))
        cbar.set_label(t(color_by, lang))
        canvas.draw()
        cache.clear()
        cache[key] = np.asarray(canvas.buffer_rgba()).copy()
    return cache[key]


def network_figure(session: Session, lang: str, color_by: str = "exhaustion", label_top: int = 4) -> Figure:
    """The network figure of the session's current week (reads the model under its lock)."""
    bg = background(session, lang, color_by)
    with session.lock:
        m, lay = session.model, session.layout
        P, N = m.people, m.network
        n = P.n
        status = P.status[:n].copy()
        present = status != Status.DEPARTED
        pos = lay.pos[:n].copy()
        value = getattr(P, color_by)[:n].copy()
        load = P.load[:n].copy()
        burned = P.burned_out[:n].copy()
        a, b = N.view("a").copy(), N.view("b").copy()
        trust = 0.5 * (N.view("trust_ab") + N.view("trust_ba"))
        order = session.people_order()[:label_top]
        week = m.week
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.figimage(bg, 0, 0, origin="upper", zorder=-1)
    ax = _axes(fig)
    ax.patch.set_alpha(0)
    live = present[a] & present[b]
    if live.any():
        segments = np.stack([pos[a[live]], pos[b[live]]], axis=1)
        tr = np.clip(trust[live], 0, 1)
        colors = np.zeros((tr.size, 4))
        colors[:, :3] = 0.55 - 0.45 * tr[:, None]  # darker grey with more trust
        colors[:, 3] = 0.08 + 0.35 * tr
        ax.add_collection(LineCollection(list(segments), colors=colors, linewidths=0.3 + 1.2 * tr, zorder=1))
    idx = np.flatnonzero(present)
    edges = [BURNED_EDGE if burned[i] else STATUS_EDGE.get(int(status[i]), "#222") for i in idx]
    ax.scatter(
        pos[idx, 0],
        pos[idx, 1],
        c=value[idx],
        cmap=CMAPS.get(color_by, "viridis"),
        vmin=0,
        vmax=1,
        s=25 + 260 * np.clip(load[idx], 0, 2),
        edgecolors=edges,
        linewidths=np.where(burned[idx], 2.2, 1.1).tolist(),
        zorder=2,
    )
    names = Names(session.settings.seed)
    for i in order:
        if present[i]:
            ax.annotate(names(i), pos[i], xytext=(5, 5), textcoords="offset points", fontsize=8, zorder=3)
    fig.text(0.43, 0.975, t("network_title", lang, week=week), ha="center", va="top", fontsize=12)
    return fig


def _draw_groups(ax: Axes, session: Session, lang: str) -> None:
    """Faint discs at each place of work, the structures' names, the centre and outer zones."""
    lay = session.layout
    units = session.model.roles.unit_names
    for u, (x, y) in enumerate(lay.anchors):
        circle = bool(lay.unit_is_circle[u])
        ax.add_patch(
            Circle((x, y), 0.2, facecolor="#cfe3f3" if circle else "#eeeeee", edgecolor="none", alpha=0.6, zorder=0)
        )
        ax.text(
            x,
            y - 0.24,
            units[u],
            fontsize=6,
            ha="center",
            va="top",
            color="#555",
            style="italic" if circle else "normal",
        )
    for k, (x, y) in enumerate(lay.structure_centres()):
        ax.text(
            x, y, STRUCTURE_SHORT[STRUCTURE_KEYS[k]], fontsize=8, ha="center", va="center", weight="bold", color="#333"
        )
    ax.add_patch(Circle((0, 0), 0.5, facecolor="#f6f1e3", edgecolor="none", zorder=0))
    ax.text(0, -0.52, t("no_role", lang), fontsize=7, ha="center", va="top", color="#777")
    ax.add_patch(Circle((0, 0), 1.55, fill=False, edgecolor="#bbbbbb", linestyle=":", zorder=0))
    ax.text(1.12, -1.18, t("withdrawn_zone", lang), fontsize=7, color="#777")


def _status_handles(lang: str) -> list[Line2D]:
    def dot(color: str, label: str, width: float = 1.2) -> Line2D:
        return Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=color,
            markeredgewidth=width,
            label=label,
        )

    names = STATUS[lang]
    return [
        dot(STATUS_EDGE[Status.NEWCOMER], names[Status.NEWCOMER]),
        dot(STATUS_EDGE[Status.ACTIVE], names[Status.ACTIVE]),
        dot(STATUS_EDGE[Status.WITHDRAWN], names[Status.WITHDRAWN]),
        dot(BURNED_EDGE, t("burned_out", lang), 2.2),
    ]


@solara.component
def NetworkView(session: Session, lang: str, week: int, version: int, color_by: solara.Reactive[str]) -> None:
    """The network figure with its colour selector and a short reading guide."""
    from .export import FigureDownload

    refused = solara.use_reactive(cast(InputError | None, None))
    fig = solara.use_memo(lambda: network_figure(session, lang, color_by.value), [version, week, lang, color_by.value])
    with solara.Column(classes=["cs-network"]):
        Refusal(refused, lang)
        with solara.Row():
            solara.Text(t("color_by", lang))
            Toggle(
                color_by.value,
                [(key, t(key, lang), f"cs-color-{key}") for key in COLOR_BY],
                color_by.set,
                refused.set,
                "color_by",
                classes=["cs-color-by"],
            )
            FigureDownload(fig, "coopsim-reseau.png" if lang == "fr" else "coopsim-network.png", lang)
        solara.FigureMatplotlib(fig, dependencies=[version, week, lang, color_by.value], format="png")
        solara.Text(
            t("network_help", lang, color=t(color_by.value, lang)), style={"font-size": "0.8em", "color": "#555"}
        )
