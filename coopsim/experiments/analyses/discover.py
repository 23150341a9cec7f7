"""Scenario discovery: which ranges of the levers keep an outcome below (or above) a target?

Scenario discovery (Bryant & Lempert 2010) looks, in the runs of an experiment, for a few
simple boxes of the factors (a range per numeric lever, a subset of levels per
categorical one) where the runs of interest ("good" runs: the outcome below ``below`` or
above ``above``) concentrate. A box is judged by:

- **coverage**: the share of all good runs that fall inside the box (how much of what
  we are looking for the box explains);
- **density**: the share of the runs inside the box that are good (how reliably the box
  gives what we want);
- **support**: the share of all runs inside the box (how large it is).

The boxes are found with **PRIM**, the Patient Rule Induction Method (Friedman & Fisher
1999), written here in plain numpy:

1. start with the box that holds every run;
2. *peel*: for each numeric factor, try removing the ``alpha`` share (5 %) of the box's
   runs with the lowest values, and the ``alpha`` share with the highest; for each
   categorical factor (text, true/false), try removing one of its levels; keep the peel
   that leaves the highest density in the box (ties: the one that removes fewest runs);
3. repeat while the box holds at least ``min_support`` of the runs and is not pure;
4. the sequence of boxes is the *peeling trajectory*, from large and impure to small and
   dense. The box chosen is the one with the highest coverage among those with a
   density of at least ``min_density`` (by default 0.8), or the one the analyst chooses
   with ``step``;
5. *paste* (Friedman & Fisher's second phase, as EMA Workbench's ``prim`` does): peeling
   is greedy and may have cut too much, so the chosen box is enlarged again, one step at
   a time, by the ``alpha`` share of its runs just outside one limit (or one level put
   back), as long as that makes it denser. A box asked for by ``step`` is not pasted.

With ``max_boxes`` > 1 the search is repeated on the runs outside the boxes found so far
("covering"), as long as a box is denser than those remaining runs. For each restricted
factor the table also says how the density and coverage change if that restriction is
lifted, to help drop restrictions that do not matter.

A run is a case: replicates of the same factor values count separately, so their
spread (the model's randomness) lowers the density a box can reach.

Example (two levers, good when both are in a planted rectangle)::

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> runs = pd.DataFrame({"a": rng.uniform(size=2000), "b": rng.uniform(size=2000)})
    >>> runs["y"] = ((runs.a > 0.2) & (runs.a < 0.6) & (runs.b > 0.3) & (runs.b < 0.8)).astype(float)
    >>> box = discover(runs, "y", above=0.5, factors=["a", "b"])[0]
    >>> [round(v, 1) for v in (*box.limits["a"], *box.limits["b"])]
    [0.2, 0.6, 0.3, 0.8]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ...formatting import fmt_number, markdown_table, percent
from .common import OUTCOMES, AnalysisError, factor_names, is_categorical, outcome_name

META_COLUMNS = ("run_id", "sample_id", "replicate", "seed")


@dataclass
class Box:
    """One box found by PRIM.

    Attributes:
        number: 1 for the first box, 2 for the box found among the runs outside the first, ...
        outcome: the outcome; condition: ``"< 2"`` or ``"> 0.5"``.
        limits: for each numeric factor, the (low, high) values the box keeps (inclusive).
        levels: for each categorical factor, the levels the box keeps.
        explored: for each numeric factor, the (min, max) values of all runs.
        explored_levels: for each categorical factor, all its levels in the runs.
        coverage: good runs inside / all good runs; density: good runs inside / runs
            inside; support: runs inside / all runs.
        n_inside, n_good_inside, n_good, n_runs: the counts behind these shares.
        step: the step of the peeling trajectory the box was taken from (before pasting).
        trajectory: one row per peeling step: step, n_inside, support, coverage,
            density, restricted (number of restricted factors), peeled (what the step
            removed), selected (the reported box).
        relax: for each restricted factor, (density, coverage) with that restriction lifted.
        pastes: one row per pasting step: paste (what it put back), n_inside, support,
            coverage, density (empty when pasting did not make the box denser).

    Example:
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(1)
        >>> runs = pd.DataFrame({"a": rng.uniform(size=1000), "b": rng.uniform(size=1000)})
        >>> runs["y"] = (runs.a < 0.3).astype(float)                  # good runs: a below 0.3, whatever b
        >>> boxes = discover(runs, "y", above=0.5, factors=["a", "b"])
        >>> box = boxes[0]
        >>> box.restricted(), round(box.limits["a"][1], 1)
        (['a'], 0.3)
        >>> box.density > 0.9 and box.coverage > 0.5
        True
    """

    number: int
    outcome: str
    condition: str
    limits: dict[str, tuple[float, float]]
    levels: dict[str, list[Any]]
    explored: dict[str, tuple[float, float]]
    explored_levels: dict[str, list[Any]]
    coverage: float
    density: float
    support: float
    n_inside: int
    n_good_inside: int
    n_good: int
    n_runs: int
    step: int
    trajectory: pd.DataFrame = field(repr=False)
    relax: dict[str, tuple[float, float]] = field(default_factory=dict, repr=False)
    pastes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def restricted(self) -> list[str]:
        """The factors the box restricts (a narrower range or fewer levels than explored)."""
        out = [f for f, (lo, hi) in self.limits.items() if (lo, hi) != self.explored[f]]
        out += [f for f, kept in self.levels.items() if len(kept) < len(self.explored_levels[f])]
        return out

    def contains(self, frame: pd.DataFrame) -> np.ndarray:
        """Whether each row of ``frame`` (with the factor columns) falls inside the box."""
        inside = np.ones(len(frame), dtype=bool)
        for f, (lo, hi) in self.limits.items():
            x = frame[f].to_numpy(dtype=float)
            inside &= (x >= lo) & (x <= hi)
        for f, kept in self.levels.items():
            inside &= frame[f].isin(kept).to_numpy()
        return inside

    def table(self) -> pd.DataFrame:
        """One row per factor: the box's range (or levels), the explored one, whether it is
        restricted, and the density and coverage if that restriction were lifted."""
        rows = []
        restricted = set(self.restricted())
        for f in [*self.limits, *self.levels]:
            numeric = f in self.limits
            density_if, coverage_if = self.relax.get(f, (math.nan, math.nan))
            rows.append(
                {
                    "box": self.number,
                    "factor": f,
                    "restricted": f in restricted,
                    "low": self.limits[f][0] if numeric else math.nan,
                    "high": self.limits[f][1] if numeric else math.nan,
                    "levels": "" if numeric else ", ".join(map(str, self.levels[f])),
                    "explored_low": self.explored[f][0] if numeric else math.nan,
                    "explored_high": self.explored[f][1] if numeric else math.nan,
                    "explored_levels": "" if numeric else ", ".join(map(str, self.explored_levels[f])),
                    "in_box": _range_text(self, f),
                    "density_if_dropped": density_if,
                    "coverage_if_dropped": coverage_if,
                    "coverage": self.coverage,
                    "density": self.density,
                    "support": self.support,
                    "n_inside": self.n_inside,
                }
            )
        df = pd.DataFrame(rows)
        return df.sort_values(["restricted", "factor"], ascending=[False, True], ignore_index=True)

    def describe(self, lang: str = "en") -> str:
        """The box in one or two plain sentences (English or French); a box that restricts
        nothing says so.

        Example:
            >>> import numpy as np, pandas as pd
            >>> y = np.r_[np.zeros(47), np.ones(5), np.zeros(48)]          # the 5 bad runs in the middle
            >>> runs = pd.DataFrame({"a": np.linspace(0, 1, 100), "y": y})
            >>> print(discover(runs, "y", below=0.5, factors=["a"])[0].describe())
            No box: over the whole explored range, y stays below 0.5 in 95 % of the runs (95 of 100); PRIM kept no restriction of the factors (a stricter target shows where it is most likely).
        """
        below = self.condition.startswith("<")
        value = self.condition[2:]
        parts = [f"{f} {_range_text(self, f, lang)}" for f in self.restricted()]
        if lang == "fr":
            verb = "reste sous" if below else "dépasse"
            name = outcome_name(self.outcome).fr
            if not parts:
                return (
                    f"Pas de boîte : sur tout le domaine exploré, {name[:1].lower()}{name[1:]} {verb} {value} dans {percent(self.density)} "
                    f"des simulations ({self.n_good_inside} sur {self.n_runs}) ; PRIM n'a restreint aucun facteur (un "
                    f"objectif plus strict montre où c'est le plus probable)."
                )
            return (
                f"{name} {verb} {value} dans {percent(self.density)} des simulations (densité) avec "
                f"{' et '.join(parts)} ; ces simulations regroupent {percent(self.coverage)} de toutes celles où "
                f"c'est le cas (couverture) et {percent(self.support)} de l'ensemble ({self.n_inside} sur {self.n_runs})."
            )
        verb = "stays below" if below else "is above"
        label = outcome_name(self.outcome).en if self.outcome in OUTCOMES else self.outcome
        if not parts:
            return (
                f"No box: over the whole explored range, {label[:1].lower()}{label[1:]} {verb} {value} in {percent(self.density)} of the "
                f"runs ({self.n_good_inside} of {self.n_runs}); PRIM kept no restriction of the factors (a stricter "
                f"target shows where it is most likely)."
            )
        return (
            f"{label} {verb} {value} in {percent(self.density)} of the runs (density) with {' and '.join(parts)}; "
            f"these runs hold {percent(self.coverage)} of all the runs where it does (coverage) "
            f"and are {percent(self.support)} of all runs ({self.n_inside} of {self.n_runs})."
        )


def _limit(value: float) -> str:
    """A box limit: a whole number as such, else 3 significant digits."""
    return f"{value:g}" if float(value).is_integer() else fmt_number(value)


def _range_text(box: Box, f: str, lang: str = "en") -> str:
    """``between 4 and 8``, ``from 3``, ``up to 8``, ``in {a, b}`` (or the French)."""
    fr = lang == "fr"
    if f in box.levels:
        kept = ", ".join(map(str, box.levels[f]))
        return f"dans {{{kept}}}" if fr else f"in {{{kept}}}"
    lo, hi = box.limits[f]
    elo, ehi = box.explored[f]
    a, b = _limit(lo), _limit(hi)
    if fr:
        a, b = a.replace(".", ","), b.replace(".", ",")
    if lo > elo and hi < ehi:
        return f"entre {a} et {b}" if fr else f"between {a} and {b}"
    if lo > elo:
        return f"≥ {a}"
    if hi < ehi:
        return f"≤ {b}"
    return f"entre {a} et {b} (tout le domaine)" if fr else f"between {a} and {b} (all explored)"


# --- PRIM ------------------------------------------------------------------------------------


@dataclass
class _State:
    inside: np.ndarray
    limits: dict[str, tuple[float, float]]
    levels: dict[str, list[Any]]
    peeled: str


def _peel_candidates(
    state: _State, numeric: dict[str, np.ndarray], categorical: dict[str, np.ndarray], alpha: float
) -> list[_State]:
    """Every box one peel smaller than ``state`` (Friedman & Fisher 1999, section 3)."""
    out = []
    inside = state.inside
    for f, x in numeric.items():
        xin = x[inside]
        lo, hi = float(xin.min()), float(xin.max())
        if lo == hi:
            continue
        q = float(np.quantile(xin, alpha, method="lower"))
        if q <= lo:  # ties at the bottom: remove the lowest value
            q = float(xin[xin > lo].min())
        low, high = state.limits[f]
        out.append(_State(inside & (x >= q), {**state.limits, f: (q, high)}, state.levels, f"{f} ≥ {_limit(q)}"))
        q = float(np.quantile(xin, 1 - alpha, method="higher"))
        if q >= hi:
            q = float(xin[xin < hi].max())
        out.append(_State(inside & (x <= q), {**state.limits, f: (low, q)}, state.levels, f"{f} ≤ {_limit(q)}"))
    for f, x in categorical.items():
        present = [v for v in state.levels[f] if np.any(inside & (x == v))]
        if len(present) < 2:
            continue
        for v in present:
            kept = [w for w in present if w != v]
            out.append(_State(inside & (x != v), state.limits, {**state.levels, f: kept}, f"{f} ≠ {v}"))
    return out


def peel(
    numeric: dict[str, np.ndarray],
    categorical: dict[str, np.ndarray],
    good: np.ndarray,
    alpha: float = 0.05,
    min_support: float = 0.05,
    n_total: int | None = None,
) -> list[_State]:
    """The PRIM peeling trajectory over the runs (all of ``good``'s entries), from the box
    holding them all down to the smallest box holding ``min_support`` of ``n_total`` runs.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(1).uniform(size=200)
        >>> trajectory = peel({"x": x}, {}, good=x < 0.2)
        >>> len(trajectory) > 1, trajectory[-1].limits["x"][1] < 0.5     # peeled down towards x < 0.2
        (True, True)
    """
    n = good.size
    n_total = n_total or n
    start = _State(
        np.ones(n, dtype=bool),
        {f: (float(x.min()), float(x.max())) for f, x in numeric.items()},
        {f: list(pd.unique(x)) for f, x in categorical.items()},
        "(all runs)",
    )
    trajectory = [start]
    state = start
    while True:
        n_in = int(state.inside.sum())
        if good[state.inside].all():
            break
        best, best_key = None, None
        for cand in _peel_candidates(state, numeric, categorical, alpha):
            n_new = int(cand.inside.sum())
            if n_new == n_in or n_new < min_support * n_total or n_new == 0:
                continue
            key = (float(good[cand.inside].mean()), n_new)
            if best_key is None or key > best_key:
                best, best_key = cand, key
        if best is None:
            break
        trajectory.append(best)
        state = best
    return trajectory


def _inside_except(
    state: _State, f: str, numeric: dict[str, np.ndarray], categorical: dict[str, np.ndarray]
) -> np.ndarray:
    """Which runs the box holds on every factor but ``f``."""
    n = next(iter([*numeric.values(), *categorical.values()])).size
    inside = np.ones(n, dtype=bool)
    for g, x in numeric.items():
        if g != f:
            low, high = state.limits[g]
            inside &= (x >= low) & (x <= high)
    for g, x in categorical.items():
        if g != f:
            inside &= pd.Series(x).isin(state.levels[g]).to_numpy()
    return inside


def _paste_candidates(
    state: _State, numeric: dict[str, np.ndarray], categorical: dict[str, np.ndarray], alpha: float
) -> list[_State]:
    """Every box one paste larger than ``state`` (Friedman & Fisher 1999, section 4): for a
    numeric factor, its low (or high) limit moved out to take in the ``alpha`` share of the
    box's runs (one run at least) nearest below (above) it, among the runs the box holds on
    every other factor; for a categorical factor, one of its left-out levels put back."""
    out = []
    add = max(1, math.ceil(alpha * int(state.inside.sum())))
    for f, x in numeric.items():
        others = _inside_except(state, f, numeric, categorical)
        low, high = state.limits[f]
        under = np.sort(x[others & (x < low)])
        if under.size:
            q = float(under[-min(add, under.size)])
            grown = state.inside | (others & (x >= q) & (x < low))
            out.append(_State(grown, {**state.limits, f: (q, high)}, state.levels, f"{f} ≥ {_limit(q)}"))
        over = np.sort(x[others & (x > high)])
        if over.size:
            q = float(over[min(add, over.size) - 1])
            grown = state.inside | (others & (x > high) & (x <= q))
            out.append(_State(grown, {**state.limits, f: (low, q)}, state.levels, f"{f} ≤ {_limit(q)}"))
    for f, x in categorical.items():
        others = _inside_except(state, f, numeric, categorical)
        for v in pd.unique(x[others]):
            if v not in state.levels[f]:
                levels = {**state.levels, f: [*state.levels[f], v]}
                out.append(_State(state.inside | (others & (x == v)), state.limits, levels, f"{f} + {v}"))
    return out


def paste(
    state: _State,
    numeric: dict[str, np.ndarray],
    categorical: dict[str, np.ndarray],
    good: np.ndarray,
    alpha: float = 0.05,
) -> list[_State]:
    """The pasting steps of a peeled box: at each step the paste that leaves the densest box
    (ties: the larger), kept only while it makes the box denser; [] when none does.

    Peeling is greedy: a peel early on may cut away good runs that a later peel, along
    another factor, would have left alone. Pasting puts them back (EMA Workbench's
    ``prim`` does the same after peeling).

    Example:
        >>> import numpy as np
        >>> x = np.arange(10.0)                             # good runs: x from 2 to 7
        >>> good = (x >= 2) & (x <= 7)
        >>> peeled = _State(x >= 4, {"x": (4.0, 9.0)}, {}, "x ≥ 4")      # cut too far below
        >>> [step.limits["x"] for step in paste(peeled, {"x": x}, {}, good)]
        [(3.0, 9.0), (2.0, 9.0)]
    """
    steps: list[_State] = []
    while True:
        density = float(good[state.inside].mean())
        best, best_key = None, (density, 0)
        for cand in _paste_candidates(state, numeric, categorical, alpha):
            key = (float(good[cand.inside].mean()), int(cand.inside.sum()))
            if key[0] > density and key > best_key:
                best, best_key = cand, key
        if best is None:
            return steps
        steps.append(best)
        state = best


def discover(
    frame: pd.DataFrame,
    outcome: str,
    below: float | None = None,
    above: float | None = None,
    *,
    manifest: dict[str, Any] | None = None,
    factors: Sequence[str] | None = None,
    alpha: float = 0.05,
    min_support: float = 0.05,
    min_density: float = 0.8,
    max_boxes: int = 1,
    step: int | None = None,
) -> list[Box]:
    """PRIM boxes of the factors where ``outcome < below`` (or ``outcome > above``).

    Args:
        frame: the runs, one row per run, with the factor and ``outcome`` columns (runs
            where the outcome is undefined, NaN, are left out).
        below, above: a run is good when its outcome is strictly below ``below``, or
            strictly above ``above`` (give exactly one of the two).
        manifest: the experiment's manifest; factors: the factor columns (default: the
            manifest's factors, else every column neither an identifier nor an outcome).
        alpha: share of the box's runs one peel removes, or one paste puts back (0.05–0.1).
        min_support: peeling stops before the box holds fewer than this share of the runs.
        min_density: report the box of highest coverage among those of density ≥ this, pasted.
        max_boxes: more than 1 searches again among the runs outside the boxes found.
        step: report this step of the first box's trajectory instead (0 = all runs), unpasted.

    Raises AnalysisError: no such outcome, both or neither of below/above, no good run, a
    ``step`` the trajectory does not have, ...

    Example:
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(1)
        >>> runs = pd.DataFrame({"a": rng.uniform(size=1000), "b": rng.uniform(size=1000)})
        >>> runs["y"] = (runs.a < 0.3).astype(float)                  # good runs: a below 0.3, whatever b
        >>> boxes = discover(runs, "y", above=0.5, factors=["a", "b"])
        >>> len(boxes), boxes[0].restricted()
        (1, ['a'])
    """
    _check_request(frame, outcome, below, above, alpha, min_support)
    runs = _Runs.of(frame, outcome, below, above, _factor_columns(frame, outcome, manifest, factors))
    remaining = np.ones(runs.n, dtype=bool)
    boxes: list[Box] = []
    for number in range(1, max_boxes + 1):
        idx = np.flatnonzero(remaining)
        if idx.size == 0 or not runs.good[idx].any():
            break
        found = _find_box(runs, idx, number, alpha, min_support, min_density, step if number == 1 else None)
        if found is None:
            break  # no box denser than the runs left: stop covering
        boxes.append(found[0])
        remaining &= ~found[1]
    return boxes


def _check_request(
    frame: pd.DataFrame, outcome: str, below: float | None, above: float | None, alpha: float, min_support: float
) -> None:
    """Refuse a target, an outcome or PRIM options that make no sense (:class:`AnalysisError`)."""
    if (below is None) == (above is None):
        raise AnalysisError("give exactly one of --below and --above (the target the outcome should meet)")
    if outcome not in frame.columns:
        known = [c for c in frame.columns if c not in META_COLUMNS]
        raise AnalysisError(f"no outcome {outcome!r} in the runs (columns: {', '.join(map(str, known))})")
    if not 0 < alpha < 0.5:
        raise AnalysisError(f"alpha = {alpha}: expected a share between 0 and 0.5 (typically 0.05)")
    if not 0 < min_support < 1:
        raise AnalysisError(f"min_support = {min_support}: expected a share between 0 and 1")


@dataclass
class _Runs:
    """The runs PRIM searches: the factor columns (numeric and categorical, those that
    vary), which runs are good, and the target."""

    frame: pd.DataFrame
    good: np.ndarray
    numeric: dict[str, np.ndarray]
    categorical: dict[str, np.ndarray]
    outcome: str
    condition: str

    @classmethod
    def of(cls, frame: pd.DataFrame, outcome: str, below: float | None, above: float | None, names: list[str]) -> _Runs:
        """The runs with a defined outcome; :class:`AnalysisError` when none is good or no factor varies."""
        if not pd.api.types.is_numeric_dtype(frame[outcome]):
            raise AnalysisError(f"outcome {outcome!r} is not numeric")
        y = frame[outcome].to_numpy(dtype=float)
        keep = np.isfinite(y)
        runs, y = frame.loc[keep].reset_index(drop=True), y[keep]
        if len(runs) == 0:
            raise AnalysisError(f"outcome {outcome!r} is undefined (NaN) in every run")
        condition = f"< {below:g}" if below is not None else f"> {above:g}"
        good = y < below if below is not None else y > above
        if not good.any():
            raise AnalysisError(
                f"no run has {outcome} {condition} (its range is {fmt_number(y.min())} to {fmt_number(y.max())}); "
                f"choose another target"
            )
        numeric = {f: runs[f].to_numpy(dtype=float) for f in names if not is_categorical(runs[f])}
        categorical = {f: runs[f].to_numpy(dtype=object) for f in names if is_categorical(runs[f])}
        numeric = {f: x for f, x in numeric.items() if np.ptp(x) > 0}  # a constant factor cannot be a lever
        categorical = {f: x for f, x in categorical.items() if len(pd.unique(x)) > 1}
        if not numeric and not categorical:
            raise AnalysisError("no factor varies across the runs: nothing to discover")
        return cls(runs, good, numeric, categorical, outcome, condition)

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def explored(self) -> dict[str, tuple[float, float]]:
        return {f: (float(x.min()), float(x.max())) for f, x in self.numeric.items()}

    @property
    def explored_levels(self) -> dict[str, list[Any]]:
        return {f: sorted(pd.unique(x), key=str) for f, x in self.categorical.items()}

    def subset(self, idx: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
        """The numeric and categorical columns and the good flags of the runs ``idx``."""
        return (
            {f: x[idx] for f, x in self.numeric.items()},
            {f: x[idx] for f, x in self.categorical.items()},
            self.good[idx],
        )


def _find_box(
    runs: _Runs, idx: np.ndarray, number: int, alpha: float, min_support: float, min_density: float, step: int | None
) -> tuple[Box, np.ndarray] | None:
    """Box ``number`` among the runs ``idx``: peel, choose a step, paste; with the runs it
    holds (among all runs). None when, covering (number > 1), no box is denser than the runs."""
    numeric, categorical, good = runs.subset(idx)
    trajectory = peel(numeric, categorical, good, alpha, min_support, n_total=runs.n)
    traj = _trajectory_table(trajectory, good, runs)
    chosen = _select(traj, min_density) if step is None else _asked_step(step, len(traj))
    if number > 1 and traj.loc[chosen, "density"] <= good.mean():
        return None
    traj["selected"] = traj["step"] == chosen
    pasted = [] if step is not None else paste(trajectory[chosen], numeric, categorical, good, alpha)
    st = pasted[-1] if pasted else trajectory[chosen]
    inside = np.zeros(runs.n, dtype=bool)
    inside[idx[st.inside]] = True
    n_good = int(runs.good.sum())
    box = Box(
        number=number,
        outcome=runs.outcome,
        condition=runs.condition,
        limits={f: st.limits[f] for f in runs.numeric},
        levels={f: sorted(st.levels[f], key=str) for f in runs.categorical},
        explored=runs.explored,
        explored_levels=runs.explored_levels,
        coverage=float(runs.good[inside].sum() / n_good),
        density=float(runs.good[inside].mean()),
        support=float(inside.sum() / runs.n),
        n_inside=int(inside.sum()),
        n_good_inside=int(runs.good[inside].sum()),
        n_good=n_good,
        n_runs=runs.n,
        step=int(chosen),
        trajectory=traj,
        pastes=_trajectory_table(pasted, good, runs).rename(columns={"peeled": "paste"}).drop(columns="step"),
    )
    box.relax = _relax(box, runs.frame.loc[idx], good, n_good)
    return box, inside


def _trajectory_table(states: list[_State], good: np.ndarray, runs: _Runs) -> pd.DataFrame:
    """One row per box of a peeling (or pasting) sequence: step, n_inside, support,
    coverage, density, restricted, peeled."""
    explored, explored_levels, n_good = runs.explored, runs.explored_levels, int(runs.good.sum())
    rows = []
    for k, st in enumerate(states):
        n_in = int(st.inside.sum())
        n_gin = int(good[st.inside].sum())
        rows.append(
            {
                "step": k,
                "n_inside": n_in,
                "support": n_in / runs.n,
                "coverage": n_gin / n_good,
                "density": n_gin / n_in if n_in else math.nan,
                "restricted": _n_restricted(st, explored, explored_levels),
                "peeled": st.peeled,
            }
        )
    columns = ["step", "n_inside", "support", "coverage", "density", "restricted", "peeled"]
    return pd.DataFrame(rows, columns=columns)


def _asked_step(step: int, n_steps: int) -> int:
    """The step asked for with ``--step``, if the peeling trajectory has it.

    Example:
        >>> _asked_step(3, 10)
        3
        >>> try:
        ...     _asked_step(999, 38)
        ... except AnalysisError as exc:
        ...     print(exc)
        --step 999: the peeling trajectory has steps 0 to 37 only; give a step from 0 to 37
    """
    if not 0 <= step < n_steps:
        last = n_steps - 1
        raise AnalysisError(
            f"--step {step}: the peeling trajectory has steps 0 to {last} only; give a step from 0 to {last}"
        )
    return step


def _factor_columns(
    frame: pd.DataFrame, outcome: str, manifest: dict[str, Any] | None, factors: Sequence[str] | None
) -> list[str]:
    if factors is not None:
        names = list(factors)
    elif manifest is not None and factor_names(manifest):
        names = factor_names(manifest)
    else:
        outcomes = set(OUTCOMES) | set((manifest or {}).get("outcomes") or [])
        names = [c for c in frame.columns if c not in META_COLUMNS and c not in outcomes and c != outcome]
    missing = [f for f in names if f not in frame.columns]
    if missing:
        raise AnalysisError(f"no factor column {missing[0]!r} in the runs")
    if outcome in names:
        raise AnalysisError(f"{outcome!r} is a factor, not an outcome")
    return names


def _n_restricted(st: _State, explored: dict[str, tuple[float, float]], explored_levels: dict[str, list[Any]]) -> int:
    n = sum(1 for f, lim in st.limits.items() if lim != explored[f])
    return n + sum(1 for f, kept in st.levels.items() if len(kept) < len(explored_levels[f]))


def _select(traj: pd.DataFrame, min_density: float) -> int:
    """The step with the highest coverage among those with density ≥ min_density (ties:
    the denser, then the earlier); the densest step when none reaches it."""
    dense = traj[traj["density"] >= min_density]
    if dense.empty:
        return int(traj.sort_values(["density", "coverage"], ascending=False).iloc[0]["step"])
    return int(dense.sort_values(["coverage", "density", "step"], ascending=[False, False, True]).iloc[0]["step"])


def _relax(box: Box, runs: pd.DataFrame, good: np.ndarray, n_good: int) -> dict[str, tuple[float, float]]:
    """For each restricted factor: (density, coverage) of the box without that restriction,
    among the runs the box was searched in."""
    out = {}
    for f in box.restricted():
        lifted = dataclasses.replace(box, limits=dict(box.limits), levels=dict(box.levels))
        if f in lifted.limits:
            lifted.limits[f] = box.explored[f]
        else:
            lifted.levels[f] = list(box.explored_levels[f])
        inside = lifted.contains(runs)
        out[f] = (float(good[inside].mean()) if inside.any() else math.nan, float(good[inside].sum() / n_good))
    return out


# --- tables and figures ----------------------------------------------------------------------


def boxes_table(boxes: Sequence[Box]) -> pd.DataFrame:
    """The limits of every box, one row per box and factor (see :meth:`Box.table`).

    Example:
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(1)
        >>> runs = pd.DataFrame({"a": rng.uniform(size=1000), "b": rng.uniform(size=1000)})
        >>> runs["y"] = (runs.a < 0.3).astype(float)                  # good runs: a below 0.3, whatever b
        >>> boxes = discover(runs, "y", above=0.5, factors=["a", "b"])
        >>> boxes_table(boxes)[["box", "factor", "restricted"]].values.tolist()
        [[1, 'a', True], [1, 'b', False]]
    """
    if not boxes:
        return pd.DataFrame()
    return pd.concat([b.table() for b in boxes], ignore_index=True)


def box_markdown(box: Box) -> str:
    """One box as a Markdown table of its restricted factors, then its three shares.

    Example:
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(1)
        >>> runs = pd.DataFrame({"a": rng.uniform(size=1000), "b": rng.uniform(size=1000)})
        >>> runs["y"] = (runs.a < 0.3).astype(float)                  # good runs: a below 0.3, whatever b
        >>> boxes = discover(runs, "y", above=0.5, factors=["a", "b"])
        >>> box_markdown(boxes[0]).startswith("|")
        True
    """
    t = box.table()
    rows = [
        [
            f"`{r['factor']}`",
            r["in_box"],
            f"{_limit(r['explored_low'])} – {_limit(r['explored_high'])}"
            if r["levels"] == ""
            else f"{{{r['explored_levels']}}}",
            percent(r["density_if_dropped"]),
            percent(r["coverage_if_dropped"]),
        ]
        for r in t[t["restricted"]].to_dict("records")
    ]
    if not rows:
        rows = [["(none)", "the whole explored range", "", "", ""]]
    header = ["factor", "in the box", "explored", "density if dropped", "coverage if dropped"]
    pasted = f", then {len(box.pastes)} pasting step(s)" if len(box.pastes) else ""
    return "\n".join(
        [
            markdown_table(header, rows, align="lllrr"),
            "",
            f"Box {box.number} ({box.outcome} {box.condition}): coverage {percent(box.coverage)}, density "
            f"{percent(box.density)}, support {percent(box.support)} ({box.n_inside} of {box.n_runs} runs; "
            f"step {box.step} of the peeling trajectory{pasted}).",
        ]
    )


def trajectory_figure(boxes: Sequence[Box], path: str | Path | None = None) -> Figure:
    """Left: the peeling trajectory (coverage against density, coloured by the number of
    restricted factors; the reported box marked). Right: the reported box's range of each
    restricted factor within the range explored (0 = lowest value explored, 1 = highest).

    Example:
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(1)
        >>> runs = pd.DataFrame({"a": rng.uniform(size=1000), "b": rng.uniform(size=1000)})
        >>> runs["y"] = (runs.a < 0.3).astype(float)                  # good runs: a below 0.3, whatever b
        >>> boxes = discover(runs, "y", above=0.5, factors=["a", "b"])
        >>> len(trajectory_figure(boxes).axes) >= 2
        True
    """
    fig = Figure(figsize=(14, 5.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax, bx = fig.subplots(1, 2, width_ratios=[1, 1.2])
    _trajectory_panel(fig, ax, boxes)
    _ranges_panel(bx, boxes)
    if path is not None:
        fig.savefig(Path(path), dpi=110)
    return fig


def _trajectory_panel(fig: Figure, ax: Axes, boxes: Sequence[Box]) -> None:
    """Coverage against density along each box's peeling, the reported boxes starred."""
    markers = "o^sDv"
    for k, box in enumerate(boxes):
        t = box.trajectory
        sc = ax.scatter(
            t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=18, marker=markers[k % 5], zorder=2
        )
        ax.plot(t["coverage"], t["density"], color="#999999", linewidth=0.8, zorder=1)
        ax.scatter([box.coverage], [box.density], s=220, marker="*", color="#d6604d", zorder=3, edgecolor="black")
        ax.annotate(
            f"box {box.number} (step {box.step})",
            (box.coverage, box.density),
            textcoords="offset points",
            xytext=(8, -12),
            fontsize=9,
        )
    if boxes:
        fig.colorbar(sc, ax=ax, label="restricted factors", ticks=MaxNLocator(integer=True))
        ax.set_title(f"PRIM peeling trajectory: {boxes[0].outcome} {boxes[0].condition}", fontsize=11)
    ax.set_xlabel("coverage (share of the good runs inside the box)")
    ax.set_ylabel("density (share of the box's runs that are good)")
    ax.set_xlim(0, 1.02)
    ax.grid(alpha=0.3)


def _ranges_panel(bx: Axes, boxes: Sequence[Box]) -> None:
    """Each restricted factor's range in the box, within its explored range."""
    rows: list[tuple[str, float, float, str]] = []
    for box in boxes:
        for f in box.restricted():
            if f in box.limits:
                lo, hi = box.limits[f]
                elo, ehi = box.explored[f]
                span = (ehi - elo) or 1.0
                rows.append((f"box {box.number}: {f}", (lo - elo) / span, (hi - elo) / span, _range_text(box, f)))
            else:  # categorical: a hatched bar, the kept levels written beside it
                rows.append((f"box {box.number}: {f}", math.nan, math.nan, _range_text(box, f)))
    y = np.arange(len(rows))[::-1]
    for yk, (_label, lo, hi, text) in zip(y, rows):
        bx.barh(yk, 1.0, color="#eeeeee", height=0.6)
        if math.isnan(lo):
            bx.barh(yk, 1.0, color="#92c5de", height=0.6, hatch="//", edgecolor="white")
        else:
            bx.barh(yk, hi - lo, left=lo, color="#4393c3", height=0.6)
        bx.text(1.02, yk, text, va="center", fontsize=9)
    bx.set_yticks(y, [r[0] for r in rows], fontsize=9)
    bx.set_xlim(0, 1.45)
    bx.set_xticks([0, 0.5, 1], ["lowest explored", "", "highest explored"])
    bx.set_title("the box within the explored ranges (grey): kept in blue", fontsize=11)
    if not rows:
        bx.text(0.5, 0.5, "no restriction: the whole explored range", ha="center", transform=bx.transAxes)
