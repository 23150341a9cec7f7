"""The people network: who knows whom, who is tired, who carries what.

Dots are people, placed by the session's stable :class:`~coopsim.ui.layout.Layout`
(grouped around the structure or circle where they hold most roles); colour: exhaustion
or engagement (selectable); size: workload (hours worked / hours available); outline:
status (newcomer, active, withdrawn; red when burned out); lines: the strong ties only
(mutual trust of at least :data:`STRONG_TIE`), light, so that the centre of a large group
stays readable. Departed people are not drawn.

Drawn with matplotlib's object API (no pyplot: thread-safe, nothing left open): the parts
that do not change during a run (places of work, their names, legend, colour bar) once per
run as pixels, then one scatter and one line collection per frame, so a frame stays cheap.
The names of places are laid out without overlap (:func:`declutter`).

Clicking a person opens their story: the figure is shown by :class:`NetworkPicture`, an
image with an invisible clickable disc over each dot (a Vue template of the page's own
widgets, nothing loaded from the internet). What the browser sends back is checked: a
person drawn in this frame, or nothing happens.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import solara
import traitlets
from ipyvuetify import VuetifyTemplate
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.text import Text

from ..base import Status
from ..structures import STRUCTURE_KEYS
from .events_view import Names
from .figures import new_figure
from .inputs import Refusal, Toggle
from .session import InputError, Session, check_choice
from .strings import STATUS, STRUCTURE_SHORT, t

STATUS_EDGE = {Status.NEWCOMER: "#2b83ba", Status.ACTIVE: "#222222", Status.WITHDRAWN: "#9a9a9a"}
BURNED_EDGE = "#d7191c"
CMAPS = {"exhaustion": "YlOrRd", "engagement": "YlGn"}
#: what the people's colour may show (the colour selector's choices)
COLOR_BY = tuple(CMAPS)
FIGSIZE = (7.6, 6.8)
#: the ties drawn: mutual trust of at least this (weaker ties would tangle the centre)
STRONG_TIE = 0.45


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


def background(session: Session, lang: str, color_by: str, scale: float = 1.0) -> np.ndarray:
    """The parts of the figure that do not change during a run (places of work, names of
    the structures, legend, colour bar), drawn once per run, language, colour and scale, as pixels.

    Text is most of the cost of a matplotlib draw; drawing it once keeps a frame cheap.
    """
    key = (session.version, lang, color_by, scale)
    cache = session.cache.setdefault("network_background", {})
    if key not in cache:
        fig = new_figure(FIGSIZE, scale)
        canvas = FigureCanvasAgg(fig)
        ax = _axes(fig)
        labels = _draw_groups(ax, session, lang)
        ax.legend(
            handles=_status_handles(lang),
            loc="lower left",
            fontsize=8,
            title=t("legend_status", lang),
            title_fontsize=8,
        )
        cbar = fig.colorbar(ScalarMappable(Normalize(0, 1), CMAPS.get(color_by, "viridis")), cax=fig.add_axes(CAX_RECT))
        cbar.set_label(t(color_by, lang))
        declutter(labels, canvas.get_renderer())
        canvas.draw()
        cache.clear()
        cache[key] = np.asarray(canvas.buffer_rgba()).copy()
    return cache[key]


def declutter(texts: list[Text], renderer: Any, step: float = 0.025, rounds: int = 80) -> int:
    """Move overlapping labels apart, a little at a time, until none overlaps (or ``rounds``
    passes); returns the overlaps left. Each pair that overlaps is pushed apart along the
    line between their centres (straight up and down when they share a centre).

    >>> fig = Figure(); ax = fig.add_subplot(); canvas = FigureCanvasAgg(fig)
    >>> ax.set_xlim(0, 1); ax.set_ylim(0, 1)
    (0.0, 1.0)
    (0.0, 1.0)
    >>> labels = [ax.text(0.5, 0.5, "Association TERA"), ax.text(0.5, 0.5, "cercle cœur")]
    >>> declutter(labels, canvas.get_renderer())
    0
    """
    left = 0
    for _ in range(rounds):
        boxes = [text.get_window_extent(renderer).expanded(1.04, 1.2) for text in texts]
        left = 0
        for a in range(len(texts)):
            for b in range(a + 1, len(texts)):
                if not boxes[a].overlaps(boxes[b]):
                    continue
                left += 1
                (xa, ya), (xb, yb) = texts[a].get_position(), texts[b].get_position()
                dx, dy = (
                    (boxes[b].x0 + boxes[b].x1 - boxes[a].x0 - boxes[a].x1),
                    (boxes[b].y0 + boxes[b].y1 - boxes[a].y0 - boxes[a].y1),
                )
                norm = float(np.hypot(dx, dy))
                ux, uy = (dx / norm, dy / norm) if norm > 1e-9 else (0.0, 1.0)
                texts[a].set_position((xa - step * ux, ya - step * uy))
                texts[b].set_position((xb + step * ux, yb + step * uy))
        if left == 0:
            break
    return left


@dataclass
class NetworkFrame:
    """What the network figure draws of one week, copied from the model under its lock."""

    week: int
    status: np.ndarray
    present: np.ndarray  # everyone not departed
    pos: np.ndarray  # each person's place on the figure
    value: np.ndarray  # what the colour shows (exhaustion or engagement)
    load: np.ndarray  # the dot's size
    burned: np.ndarray
    a: np.ndarray  # each tie's two people
    b: np.ndarray
    trust: np.ndarray  # each tie's trust, both ways averaged
    order: list[int]  # the people named on the figure


def read_frame(session: Session, color_by: str, label_top: int) -> NetworkFrame:
    """The session's current week as :func:`network_figure` draws it (read under the lock:
    the play loop may be stepping); the first ``label_top`` of the people's order are named."""
    with session.lock:
        m, lay = session.model, session.layout
        P, N = m.people, m.network
        n = P.n
        status = P.status[:n].copy()
        return NetworkFrame(
            week=m.week,
            status=status,
            present=status != Status.DEPARTED,
            pos=lay.pos[:n].copy(),
            value=getattr(P, color_by)[:n].copy(),
            load=P.load[:n].copy(),
            burned=P.burned_out[:n].copy(),
            a=N.view("a").copy(),
            b=N.view("b").copy(),
            trust=0.5 * (N.view("trust_ab") + N.view("trust_ba")),
            order=session.people_order()[:label_top],
        )


def network_figure(
    session: Session, lang: str, color_by: str = "exhaustion", label_top: int = 4, scale: float = 1.0
) -> Figure:
    """The network figure of the session's current week (reads the model under its lock).

    ``fig.people`` holds, for each person drawn, ``(index, x, y, radius)`` in pixels from
    the figure's top left corner: where :class:`NetworkPicture` puts the clickable discs.
    """
    bg = background(session, lang, color_by, scale)
    frame = read_frame(session, color_by, label_top)
    fig = new_figure(FIGSIZE, scale)
    fig.figimage(bg, 0, 0, origin="upper", zorder=-1)
    ax = _axes(fig)
    ax.patch.set_alpha(0)
    _draw_ties(ax, frame)
    idx, sizes = _draw_people(ax, frame, color_by)
    names = Names(session.settings.seed)
    for i in frame.order:
        if frame.present[i]:
            ax.annotate(names(i), frame.pos[i], xytext=(5, 5), textcoords="offset points", fontsize=9, zorder=3)
    fig.text(0.43, 0.975, t("network_title", lang, week=frame.week), ha="center", va="top", fontsize=12)
    fig.people = _person_discs(fig, ax, frame.pos, idx, sizes)  # type: ignore[attr-defined]
    return fig


def _draw_ties(ax: Axes, frame: NetworkFrame) -> None:
    """The strong ties between people still there (trust of :data:`STRONG_TIE` or more),
    darker and thicker with more trust."""
    pos, a, b, trust = frame.pos, frame.a, frame.b, frame.trust
    live = frame.present[a] & frame.present[b] & (trust >= STRONG_TIE)
    if live.any():
        segments = np.stack([pos[a[live]], pos[b[live]]], axis=1)
        tr = np.clip((trust[live] - STRONG_TIE) / (1 - STRONG_TIE), 0, 1)
        colors = np.zeros((tr.size, 4))
        colors[:, :3] = 0.6 - 0.3 * tr[:, None]  # a little darker with more trust
        colors[:, 3] = 0.06 + 0.22 * tr
        ax.add_collection(LineCollection(list(segments), colors=colors, linewidths=0.4 + 0.8 * tr, zorder=1))


def _draw_people(ax: Axes, frame: NetworkFrame, color_by: str) -> tuple[np.ndarray, np.ndarray]:
    """A dot per person still there: coloured by ``color_by``, sized by their load, its
    edge telling their status (red and thick: burned out). Returns who was drawn and the
    dots' sizes (in points²)."""
    idx = np.flatnonzero(frame.present)
    burned = frame.burned
    edges = [BURNED_EDGE if burned[i] else STATUS_EDGE.get(int(frame.status[i]), "#222") for i in idx]
    sizes = 25 + 260 * np.clip(frame.load[idx], 0, 2)
    ax.scatter(
        frame.pos[idx, 0],
        frame.pos[idx, 1],
        c=frame.value[idx],
        cmap=CMAPS.get(color_by, "viridis"),
        vmin=0,
        vmax=1,
        s=sizes,
        edgecolors=edges,
        linewidths=np.where(burned[idx], 2.2, 1.1).tolist(),
        zorder=2,
    )
    return idx, sizes


def _person_discs(
    fig: Figure, ax: Axes, pos: np.ndarray, idx: np.ndarray, sizes: np.ndarray
) -> list[tuple[int, float, float, float]]:
    """``(index, x, y, radius)`` of each dot drawn, in pixels from the figure's top left
    corner (at least 7 pixels wide, so that a small dot can still be clicked)."""
    height = fig.get_size_inches()[1] * fig.dpi
    xy = ax.transData.transform(pos[idx]) if idx.size else np.zeros((0, 2))
    radius = np.maximum(np.sqrt(sizes) / 2 * fig.dpi / 72, 7.0)  # a marker's size is its area in points²
    return [
        (int(i), round(float(x), 1), round(float(height - y), 1), round(float(r), 1))
        for i, (x, y), r in zip(idx.tolist(), xy, radius)
    ]


def _draw_groups(ax: Axes, session: Session, lang: str) -> list[Text]:
    """Faint discs at each place of work, the structures' names, the centre and outer zones;
    returns the names of places, for :func:`declutter`. A place's name is written outside
    its disc, away from the centre."""
    lay = session.layout
    units = session.model.roles.unit_names
    labels: list[Text] = []
    for u, (x, y) in enumerate(lay.anchors):
        circle = bool(lay.unit_is_circle[u])
        ax.add_patch(
            Circle((x, y), 0.2, facecolor="#cfe3f3" if circle else "#eeeeee", edgecolor="none", alpha=0.6, zorder=0)
        )
        angle = np.arctan2(y, x)
        labels.append(
            ax.text(
                x + 0.24 * np.cos(angle),
                y + 0.24 * np.sin(angle),
                units[u],
                fontsize=7,
                ha="left" if np.cos(angle) > 0.3 else "right" if np.cos(angle) < -0.3 else "center",
                va="bottom" if np.sin(angle) > 0.3 else "top" if np.sin(angle) < -0.3 else "center",
                color="#555",
                style="italic" if circle else "normal",
            )
        )
    for k, (x, y) in enumerate(lay.structure_centres()):
        labels.append(
            ax.text(
                x * 1.12,
                y * 1.12,
                STRUCTURE_SHORT[STRUCTURE_KEYS[k]],
                fontsize=9,
                ha="center",
                va="center",
                weight="bold",
                color="#333",
            )
        )
    ax.add_patch(Circle((0, 0), 0.5, facecolor="#f6f1e3", edgecolor="none", zorder=0))
    ax.text(0, -0.52, t("no_role", lang), fontsize=8, ha="center", va="top", color="#777")
    ax.add_patch(Circle((0, 0), 1.55, fill=False, edgecolor="#bbbbbb", linestyle=":", zorder=0))
    ax.text(1.12, -1.18, t("withdrawn_zone", lang), fontsize=8, color="#777")
    return labels


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


def png_data_url(fig: Figure) -> str:
    """The figure as a ``data:image/png;base64,...`` address (the image travels with the page)."""
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class NetworkPicture(VuetifyTemplate):
    """The network image with an invisible disc over each person: hovering shows the name,
    a click sets ``clicked`` to ``[person, time]`` (a new value even for the same person)."""

    template = traitlets.Unicode(
        """
<template>
  <div class="cs-network-picture" style="position: relative">
    <img :src="src" :alt="alt" style="display: block; width: 100%; height: auto" class="cs-network-img" />
    <svg :viewBox="'0 0 ' + width + ' ' + height" preserveAspectRatio="none"
         style="position: absolute; left: 0; top: 0; width: 100%; height: 100%">
      <circle v-for="p in people" :key="p[0]" :cx="p[1]" :cy="p[2]" :r="p[3]" fill="transparent"
              :class="'cs-person-dot cs-person-' + p[0]" style="cursor: pointer"
              @click="clicked = [p[0], Date.now()]"><title>{{ p[4] }}</title></circle>
    </svg>
  </div>
</template>
"""
    ).tag(sync=True)
    src = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    width = traitlets.Float(1.0).tag(sync=True)
    height = traitlets.Float(1.0).tag(sync=True)
    people: traitlets.List[Any] = traitlets.List([]).tag(sync=True)
    clicked = traitlets.Any(None).tag(sync=True)


def clicked_person(raw: Any, drawn: list[int]) -> int:
    """The person a click names, if it is one drawn in this frame, else :class:`InputError`.

    >>> clicked_person([3, 1700000000000], [1, 3]), clicked_person([3.0, 1], [3])
    (3, 3)
    >>> clicked_person("../etc", [3])
    Traceback (most recent call last):
    ...
    coopsim.ui.session.InputError: person = '../etc': refused (3)
    """
    value = raw[0] if isinstance(raw, list | tuple) and len(raw) == 2 else raw
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return int(check_choice("person", value, tuple(drawn)))


@solara.component
def NetworkView(
    session: Session,
    lang: str,
    week: int,
    version: int,
    color_by: solara.Reactive[str],
    on_person: Callable[[int], None] | None = None,
    scale: float = 1.0,
) -> None:
    """The network figure with its colour selector and a short reading guide; a click on a
    person calls ``on_person`` with their index."""
    refused = solara.use_reactive(cast(InputError | None, None))
    fig = solara.use_memo(
        lambda: network_figure(session, lang, color_by.value, scale=scale),
        [version, week, lang, color_by.value, scale],
    )
    names = Names(session.settings.seed)
    people = [[i, x, y, r, names(i)] for i, x, y, r in getattr(fig, "people", [])]
    src = solara.use_memo(lambda: png_data_url(fig), [fig])
    w, h = (float(v) for v in fig.get_size_inches() * fig.dpi)
    with solara.Column(classes=["cs-network"], gap="4px"):
        Refusal(refused, lang)
        _color_row(lang, color_by, refused, fig)
        with solara.Div(classes=["cs-figure", "cs-network-figure"]):
            NetworkPicture.element(
                src=src,
                alt=t("network_title", lang, week=week),
                width=w,
                height=h,
                people=people,
                on_clicked=_click_handler([p[0] for p in people], on_person),
            )
        solara.Text(t("network_click", lang), classes=["cs-network-click"], style={"font-size": "0.85em"})
        solara.Text(
            t("network_help", lang, color=t(color_by.value, lang)), style={"font-size": "0.8em", "color": "#555"}
        )


def _color_row(
    lang: str, color_by: solara.Reactive[str], refused: solara.Reactive[InputError | None], fig: Figure
) -> None:
    """The colour selector (one of :data:`COLOR_BY`; another is refused) and the figure's download."""
    from .export import FigureDownload

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
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


def _click_handler(drawn: list[int], on_person: Callable[[int], None] | None) -> Callable[[Any], None]:
    """What a click on the picture does: call ``on_person`` with the person clicked, if it
    is one of those ``drawn`` in this frame (a stale or crafted click opens nothing)."""

    def click(raw: Any) -> None:
        if raw is None:
            return
        try:
            i = clicked_person(raw, drawn)
        except InputError:
            return  # not a person of this frame (a stale or crafted click): nothing to open
        if on_person is not None:
            on_person(i)

    return click
