"""Who carries the work: the Lorenz curve of the hours of the last 52 weeks, the share of
the top 20 %, and how many roles the active members hold now.

"Le principe une personne, une tâche ne s'applique pas" and "je prends les tâches que
personne ne prend" (the seed): the further the curve bends below the diagonal, the more
the same few carry the work.
"""

from __future__ import annotations

import numpy as np
import solara
from matplotlib.figure import Figure

from ..base import WEEKS_PER_YEAR, Status
from .figures import Picture, new_figure
from .session import Session
from .strings import percent, t

FIGSIZE = (10.0, 4.2)


def lorenz(hours: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Lorenz curve points (share of people, share of hours) and the top-20 % share.

    >>> x, y, top = lorenz(np.array([1.0, 1.0, 1.0, 1.0, 6.0]))
    >>> round(top, 2)
    0.6
    """
    h = np.sort(hours[hours > 0])
    if h.size == 0:
        return np.array([0.0, 1.0]), np.array([0.0, 1.0]), float("nan")
    y = np.concatenate([[0.0], np.cumsum(h) / h.sum()])
    x = np.linspace(0, 1, h.size + 1)
    k = max(1, round(0.2 * h.size))
    return x, y, float(h[-k:].sum() / h.sum())


def work_figure(session: Session, lang: str, scale: float = 1.0) -> Figure:
    """Lorenz curve (left) and roles per active member (right)."""
    with session.lock:
        P = session.model.people
        n = P.n
        hours = session.history.hours_last(WEEKS_PER_YEAR, n)
        active = P.status[:n] == Status.ACTIVE
        roles = P.roles[:n][active].copy()
    fig = new_figure(FIGSIZE, scale, layout="constrained")
    left, right = fig.subplots(1, 2)
    x, y, top = lorenz(hours)
    left.plot([0, 1], [0, 1], color="#999", linestyle="--", label=t("equality", lang))
    left.plot(x, y, color="#d7301f", linewidth=2)
    left.fill_between(x, y, x, color="#d7301f", alpha=0.12)
    if np.isfinite(top):
        left.text(
            0.04, 0.9, t("top20", lang, share=percent(top, lang)), transform=left.transAxes, fontsize=10, weight="bold"
        )
    else:
        left.text(0.04, 0.9, t("no_work_yet", lang), transform=left.transAxes)
    left.set_xlabel(t("lorenz_x", lang))
    left.set_ylabel(t("lorenz_y", lang))
    left.set_title(t("lorenz", lang), fontsize=10)
    left.xaxis.set_major_formatter(lambda v, _: percent(v, lang))
    left.yaxis.set_major_formatter(lambda v, _: percent(v, lang))
    left.legend(loc="lower right", fontsize=8)
    left.grid(alpha=0.3)
    counts = np.bincount(roles, minlength=max(8, int(roles.max()) + 1 if roles.size else 8))
    right.bar(np.arange(counts.size), counts, color="#2c7fb8")
    right.set_xlabel(t("roles_x", lang))
    right.set_ylabel(t("people_count", lang))
    right.set_title(t("roles_hist", lang), fontsize=10)
    right.grid(alpha=0.3, axis="y")
    fig.suptitle(t("work_title", lang))
    return fig


@solara.component
def WorkView(session: Session, lang: str, week: int, version: int, scale: float = 1.0) -> None:
    """The concentration of work and the roles per person."""
    from .export import FigureDownload

    fig = solara.use_memo(lambda: work_figure(session, lang, scale), [version, week, lang, scale])
    with solara.Column(classes=["cs-work"]):
        FigureDownload(fig, "coopsim-work.png", lang)
        Picture(fig, [version, week, lang, scale])
