"""The figure sheet of one run: a single PNG that shows what happened, panel by panel.

:func:`figure_sheet` draws twelve panels on one page (16 x 11 inches at 110 dpi):

1. members by status over the years; 2. arrivals and departures per year;
3. burnouts per year and people burned out; 4-6. exhaustion, engagement and trust
(median with the 10-90 % band of active members); 7. concentration of the last year's
hours (Lorenz curve, top-10 % share); 8. roles per active person at the last week;
9. treasuries of the six structures; 10. conflicts opened, mediated and festering per
year; 11. share of the work asked that was not done; 12. decision backlog.

It uses matplotlib's object interface with the Agg canvas (no pyplot, no display, no
change to the global backend), so it works on a server and inside a notebook alike.

Drawing is most of what ``coopsim run`` costs after the simulation, so the sheet is drawn
once, on a fixed grid (:data:`GRID`) rather than with matplotlib's constrained layout,
and with each panel's title at the top of its panel rather than placed by matplotlib's
search around the axis decorations: those two searches measured every tick label again
and took about 40 % of the drawing. The panels draw a line per series, a band per
quantile range and a bar per year.

Example::

    >>> import tempfile, pathlib
    >>> from coopsim import run
    >>> from coopsim.report import figure_sheet
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "report.png"
    >>> figure_sheet(run("tera", seed=1, years=1), path)
    >>> path.stat().st_size > 10_000
    True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .base import WEEKS_PER_YEAR
from .formatting import PNG_OPTIONS, fixed, percent
from .records import top_share
from .structures import STRUCTURE_KEYS

if TYPE_CHECKING:
    from .runner import RunResult

FIGSIZE = (16, 11)
DPI = 110
#: Where the panels sit, in fractions of the sheet: room on the left of each panel for
#: five-digit tick labels and the axis label, below each for the tick labels and the axis
#: label, above each for its title, and at the top for the three title lines.
GRID = {"left": 0.055, "right": 0.99, "bottom": 0.045, "top": 0.9, "wspace": 0.29, "hspace": 0.3}
TITLE_Y = 0.99  # top of the three title lines
COLORS = {
    "active": "#1b7837",
    "newcomers": "#5aae61",
    "withdrawn": "#c51b7d",
    "arrivals": "#4393c3",
    "departures": "#d6604d",
    "burnout": "#b2182b",
    "exhaustion": "#d6604d",
    "engagement": "#1b7837",
    "trust": "#2166ac",
    "opened": "#d6604d",
    "mediated": "#4393c3",
    "festering": "#762a83",
    "hours": "#8c510a",
    "roles": "#01665e",
    "unmet": "#b35806",
    "backlog": "#542788",
}


# --- helpers --------------------------------------------------------------------------


def per_year(mf: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum of a weekly column per year: (centres, sums, spans) in years.

    A partial last year counts too; its centre and span cover only the weeks it has, so
    its bar stays inside the time axis.

    Example:
        >>> from coopsim import run
        >>> mf = run("tera", seed=1, years=2).model_frame
        >>> centres, sums, spans = per_year(mf, "arrivals")
        >>> centres.tolist(), bool(sums.sum() == mf["arrivals"].sum())
        ([0.5, 1.5], True)
    """
    year = mf["week"].to_numpy() // WEEKS_PER_YEAR
    sums = mf[column].groupby(year).sum()
    spans = pd.Series(1.0, index=year).groupby(year).sum().to_numpy() / WEEKS_PER_YEAR
    return sums.index.to_numpy() + spans / 2, sums.to_numpy(), spans


def bars(ax: Axes, mf: pd.DataFrame, columns: dict[str, str]) -> None:
    """Side-by-side bars per year, one series per ``{column: label}``.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> bars(ax, result.model_frame, {"arrivals": "arrivals", "departures": "departures"})
        >>> len(ax.patches)                                      # one year, two bars
        2
    """
    n, top = len(columns), 0.0
    for k, (column, label) in enumerate(columns.items()):
        x, y, span = per_year(mf, column)
        width = 0.8 * span / n
        ax.bar(x + (k - (n - 1) / 2) * width, y, width=width, label=label, color=COLORS.get(label.split()[0]))
        top = max(top, float(y.max(initial=0)))
    ax.set_ylim(0, 1.3 * max(top, 1.0))  # room for the legend above the bars
    ax.legend(fontsize=8, loc="upper left")


def last_year_total_hours(people: pd.DataFrame) -> np.ndarray:
    """Hours each person worked in total over the last 52 recorded weeks, among people with
    hours > 0 (not :func:`coopsim.validation.patterns.last_year_hours`, a mean per week).

    Example:
        >>> from coopsim import run
        >>> hours = last_year_total_hours(run("tera", seed=1, years=1).people_frame)
        >>> len(hours) > 0, bool((hours > 0).all())
        (True, True)
    """
    if people.empty:
        return np.zeros(0)
    last = int(people["week"].max())
    window = people[people["week"] > last - WEEKS_PER_YEAR]
    hours = window.groupby("person")["hours"].sum().to_numpy(dtype=float)
    return hours[hours > 0]


def _counts(ax: Axes) -> None:
    """Whole-number ticks on the y axis of a panel that counts people or events."""
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _empty(ax: Axes, text: str) -> None:
    """Mark a panel that has nothing to show."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="grey")


def _years_axis(ax: Axes, mf: pd.DataFrame) -> None:
    """Common x axis of the time panels: years from the start."""
    ax.set_xlabel("year")
    ax.set_xlim(0, max(float(mf["year"].iloc[-1]) + 1 / WEEKS_PER_YEAR, 1e-9) if len(mf) else 1)
    ax.grid(alpha=0.3)


def _short(name: str, limit: int = 30) -> str:
    """A long structure name cut to fit a legend."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


# --- panels ---------------------------------------------------------------------------


def panel_members(ax: Axes, result: RunResult) -> None:
    """Active members, newcomers (in integration) and withdrawn members over the years.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_members(ax, result)
        >>> len(ax.lines) > 0
        True
    """
    mf = result.model_frame
    for column, label in (("active", "active"), ("newcomers", "newcomers"), ("withdrawn", "withdrawn (en retrait)")):
        ax.plot(mf["year"], mf[column], label=label, color=COLORS[column])
    ax.set_title("Members by status")
    ax.set_ylabel("people")
    ax.legend(fontsize=8, loc="upper left")
    _counts(ax)
    _years_axis(ax, mf)


def panel_flows(ax: Axes, result: RunResult) -> None:
    """Arrivals on the territory and departures from it, per year.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_flows(ax, result)
        >>> len(ax.patches) > 0
        True
    """
    mf = result.model_frame
    bars(ax, mf, {"arrivals": "arrivals", "departures": "departures"})
    ax.set_title("Arrivals and departures per year")
    ax.set_ylabel("people per year")
    _counts(ax)
    _years_axis(ax, mf)


def panel_burnout(ax: Axes, result: RunResult) -> None:
    """Burnouts per year (bars) and people burned out at each week (line).

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_burnout(ax, result)
        >>> ax.get_title() != ""
        True
    """
    mf = result.model_frame
    x, y, span = per_year(mf, "burnouts")
    ax.bar(x, y, width=0.6 * span, color=COLORS["burnout"], alpha=0.5, label="burnouts per year (épuisement)")
    ax.plot(mf["year"], mf["burned_out"], color=COLORS["burnout"], label="people burned out (present)")
    top = max(float(y.max(initial=0)), float(mf["burned_out"].max()), 1.0)
    ax.set_ylim(0, 1.4 * top)  # room for the legend above the bars
    ax.set_title("Burnout")
    ax.set_ylabel("people")
    ax.legend(fontsize=8, loc="upper left")
    _counts(ax)
    _years_axis(ax, mf)


def panel_band(ax: Axes, result: RunResult, name: str, title: str) -> None:
    """Median and 10-90 % band of a state variable among active members.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_band(ax, result, "exhaustion", "Exhaustion")
        >>> ax.get_title(), len(ax.lines) > 0
        ('Exhaustion', True)
    """
    mf = result.model_frame
    color = COLORS[name]
    ax.fill_between(mf["year"], mf[f"{name}_p10"], mf[f"{name}_p90"], color=color, alpha=0.2, label="10–90 %")
    ax.plot(mf["year"], mf[f"{name}_p50"], color=color, label="median")
    ax.set_title(title)
    ax.set_ylabel(f"{name} (0–1), active members")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="upper left")
    _years_axis(ax, mf)


def panel_lorenz(ax: Axes, result: RunResult) -> None:
    """Lorenz curve of the last year's hours per person, with the top-10 % share.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_lorenz(ax, result)
        >>> len(ax.lines) >= 2                                   # the curve and the diagonal
        True
    """
    hours = np.sort(last_year_total_hours(result.people_frame))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="equal share")
    ax.set_title("Concentration of work (last year)")
    ax.set_xlabel("share of people who worked (fewest hours first)")
    ax.set_ylabel("share of hours")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    if hours.size == 0:
        _empty(ax, "no hours recorded")
        return
    x = np.arange(hours.size + 1) / hours.size
    y = np.concatenate([[0.0], np.cumsum(hours) / hours.sum()])
    ax.plot(x, y, color=COLORS["hours"], label=f"Lorenz curve ({hours.size} people)")
    ax.fill_between(x, y, x, color=COLORS["hours"], alpha=0.1)
    share = top_share(hours, 0.10)
    ax.annotate(
        f"top 10 % carry {share:.0%}\nof the hours",
        xy=(0.9, 1 - share),
        xytext=(0.08, 0.62),
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": "black"},
    )
    ax.legend(fontsize=8, loc="upper left")


def panel_roles(ax: Axes, result: RunResult) -> None:
    """Histogram of the number of roles each active person holds at the last week.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_roles(ax, result)
        >>> len(ax.patches) > 0
        True
    """
    people = result.people_frame
    ax.set_title("Roles per active person (last week)")
    ax.set_xlabel("roles held by one person")
    ax.set_ylabel("people")
    ax.grid(alpha=0.3, axis="y")
    if people.empty:
        _empty(ax, "no people recorded")
        return
    last = people[(people["week"] == people["week"].max()) & (people["status"] == "active")]
    roles = last["roles"].to_numpy(dtype=int)
    if roles.size == 0:
        _empty(ax, "no active members")
        return
    counts = np.bincount(roles)
    ax.bar(np.arange(counts.size), counts, width=0.8, color=COLORS["roles"])
    _counts(ax)
    ax.set_xticks(np.arange(counts.size))


def panel_treasuries(ax: Axes, result: RunResult) -> None:
    """Treasury of each of the six structures over the years, in thousands of euros.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_treasuries(ax, result)
        >>> len(ax.lines)                                        # one line per structure
        6
    """
    mf = result.model_frame
    names: dict[str, str] = {s.key: s.name for s in result.scenario.structures.structures}
    for key in STRUCTURE_KEYS:
        ax.plot(mf["year"], mf[f"treasury_{key}"] / 1000, label=_short(names.get(key, key)))
    ax.set_title("Treasuries of the six structures")
    ax.set_ylabel("treasury (trésorerie), k€")
    ax.legend(fontsize=7, loc="upper left")
    _years_axis(ax, mf)


def panel_conflicts(ax: Axes, result: RunResult) -> None:
    """Conflicts opened, mediations held and conflicts left festering, per year.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_conflicts(ax, result)
        >>> ax.get_title() != ""
        True
    """
    mf = result.model_frame
    bars(
        ax,
        mf,
        {
            "conflicts_opened": "opened",
            "conflicts_mediated": "mediated (médiation)",
            "conflicts_festering": "festering (enkystés)",
        },
    )
    ax.set_title("Conflicts per year")
    ax.set_ylabel("conflicts per year")
    _counts(ax)
    _years_axis(ax, mf)


def panel_unmet(ax: Axes, result: RunResult) -> None:
    """Share of the hours asked that were not done: weekly and 13-week mean.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_unmet(ax, result)
        >>> len(ax.lines) > 0
        True
    """
    mf = result.model_frame
    share = 100 * mf["unmet_share"]
    ax.plot(mf["year"], share, color=COLORS["unmet"], alpha=0.3, linewidth=0.8, label="weekly")
    ax.plot(mf["year"], share.rolling(13, min_periods=1).mean(), color=COLORS["unmet"], label="13-week mean")
    ax.set_title("Unmet work (vacant roles, overflow)")
    ax.set_ylabel("% of hours asked not done")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    _years_axis(ax, mf)


def panel_backlog(ax: Axes, result: RunResult) -> None:
    """Matters waiting for a decision at each week.

    Example:
        >>> from coopsim import run
        >>> from matplotlib.figure import Figure
        >>> result = run("tera", seed=1, years=1)
        >>> ax = Figure().subplots()
        >>> panel_backlog(ax, result)
        >>> len(ax.lines) > 0
        True
    """
    mf = result.model_frame
    ax.plot(mf["year"], mf["backlog"], color=COLORS["backlog"])
    ax.set_title("Decision backlog")
    ax.set_ylabel("matters awaiting a decision (consentement)")
    ax.set_ylim(bottom=0)
    _years_axis(ax, mf)


# --- the sheet ------------------------------------------------------------------------


def title(result: RunResult) -> str:
    """Three title lines: the run, then its key figures about people and about work.

    Example:
        >>> from coopsim import run
        >>> text = title(run("tera", seed=1, years=1))
        >>> len(text.splitlines())
        3
    """
    s = result.summary
    weeks = len(result.model_frame)
    first = f"coopsim — scenario {result.scenario.name}, seed {result.seed}, {weeks / WEEKS_PER_YEAR:g} years"
    people = (
        f"active members at the end {s.get('active_final', 'n/a')}  ·  arrivals {s.get('arrivals_total', 'n/a')}, "
        f"departures {s.get('departures_total', 'n/a')}  ·  annual turnover {percent(s.get('annual_turnover'))}  ·  "
        f"burnouts {fixed(s.get('burnout_incidence_per_100py'), '.1f')} per 100 person-years"
    )
    work = (
        f"top-10 % share of the last year's hours {percent(s.get('top10_hours_share'))}  ·  "
        f"unmet work {percent(s.get('unmet_work_share'))}  ·  conflicts opened {s.get('conflicts_opened', 'n/a')}, "
        f"mediations held {s.get('conflicts_mediated', 'n/a')}  ·  "
        f"decision backlog {fixed(s.get('decision_backlog_mean'), '.0f')} on average"
    )
    return f"{first}\n{people}\n{work}"


def figure(result: RunResult) -> Figure:
    """The figure sheet as a matplotlib :class:`Figure` (for notebooks and tests).

    Example:
        >>> from coopsim import run
        >>> fig = figure(run("tera", seed=1, years=1))
        >>> len(fig.axes) >= 10
        True
    """
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    # Panel titles at the top of their panel: no panel has tick labels on top, so matplotlib's
    # own search for a free place (the default, axes.titley None) would end there too, after
    # measuring every tick label.
    with mpl.rc_context({"axes.titley": 1.0}):
        axes = fig.subplots(3, 4, gridspec_kw=GRID).ravel()
    panel_members(axes[0], result)
    panel_flows(axes[1], result)
    panel_burnout(axes[2], result)
    panel_lorenz(axes[3], result)
    panel_band(axes[4], result, "exhaustion", "Exhaustion (épuisement)")
    panel_band(axes[5], result, "engagement", "Engagement")
    panel_band(axes[6], result, "trust", "Trust in the collective (confiance)")
    panel_roles(axes[7], result)
    panel_treasuries(axes[8], result)
    panel_conflicts(axes[9], result)
    panel_unmet(axes[10], result)
    panel_backlog(axes[11], result)
    fig.suptitle(title(result), fontsize=12, y=TITLE_Y, verticalalignment="top")
    return fig


def figure_sheet(result: RunResult, path: str | Path) -> None:
    """Draw the figure sheet of a run and save it as a PNG at ``path``.

    Example:
        >>> import tempfile, pathlib
        >>> from coopsim import run
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "report.png"
        >>> figure_sheet(run("tera", seed=1, years=1), path)
        >>> path.read_bytes()[1:4] == b"PNG"                     # a PNG file
        True
    """
    figure(result).savefig(Path(path), dpi=DPI, **PNG_OPTIONS)
