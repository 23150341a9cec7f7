"""The page's figures: one size rule, and a larger text for projection.

Every figure of the page is a matplotlib figure drawn to a PNG image (no pyplot: thread-safe,
nothing left open). On screen the image is fitted to the room left for it (CSS of the
page: never wider than its column, never taller than the window below the tabs), so that
every figure is seen whole at 1280×720, a common projector size.

The "présentation" switch draws each figure with ``scale`` times larger text: the same
pixels (``figsize / scale`` inches at ``DPI × scale``), so the figure keeps its place on
screen and its words become readable from the back of a room.

Example:
    >>> fig = new_figure((8.0, 4.0), scale=1.5)
    >>> [round(v) for v in fig.get_size_inches() * fig.dpi]
    [640, 320]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import solara
from matplotlib.figure import Figure

#: dots per inch of a figure at scale 1 (an 8-inch figure is 640 pixels wide)
DPI = 80
#: the text scale of the "présentation" switch
PRESENT_SCALE = 1.45


def new_figure(size: tuple[float, float], scale: float = 1.0, **kwargs: Any) -> Figure:
    """A figure of ``size`` inches at :data:`DPI`, its text ``scale`` times larger (same pixels)."""
    return Figure(figsize=(size[0] / scale, size[1] / scale), dpi=DPI * scale, **kwargs)


@solara.component
def Picture(fig: Figure, dependencies: Sequence[Any], classes: Sequence[str] = ()) -> None:
    """``fig`` as a PNG image, fitted to the room the page leaves it (class ``cs-figure``)."""
    with solara.Div(classes=["cs-figure", *classes]):
        solara.FigureMatplotlib(fig, dependencies=list(dependencies), format="png")
