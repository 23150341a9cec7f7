"""Global sensitivity analysis of an experiment: Morris screening or Sobol indices, via SALib.

Which levers (factors) move an outcome most, over the whole range the experiment explored?

- **Morris** elementary effects (Morris 1991; Campolongo, Cariboni & Saltelli 2007): each
  trajectory of the design changes one factor at a time by a step of the grid; the
  elementary effect of a factor is the change of the outcome divided by the step (in
  units of the factor's range). ``mu_star`` (μ*, mean of the absolute effects) ranks the
  factors by importance; its 95 % interval (``mu_star_conf``, bootstrap over the
  trajectories) says how sure that rank is; ``sigma`` (σ, their standard deviation) is
  large when the effect depends on the other factors (interactions, non-linearity);
  ``mu`` (μ) near 0 with a large μ* means effects of both signs. μ* and σ are in the
  outcome's units per range of the factor.
- **Sobol** variance-based indices (Sobol 2001; Saltelli 2002; Saltelli et al. 2010):
  ``S1`` is the share of the outcome's variance explained by a factor alone, ``ST`` the
  share it is involved in, interactions included; ``ST − S1`` measures interactions.
  An index whose interval (``S1_conf``, ``ST_conf``, 95 % bootstrap half-widths)
  contains 0 is not distinguishable from no influence.

The outcome of a sample is the mean over its replicates (the seeds of one combination of
factor values), taken in the order of SALib's sample matrix (``sample_id``), which is
the Y vector SALib's ``analyze`` functions expect. Only ``morris`` and ``sobol`` designs
(made by ``coopsim sweep``) allow this analysis: a grid, random or Latin hypercube design
does not have the structure these estimators need.

Example (a synthetic Morris design where only x0 matters)::

    >>> import numpy as np, pandas as pd
    >>> from SALib.sample.morris import sample
    >>> problem = {"num_vars": 2, "names": ["x0", "x1"], "bounds": [[0, 1], [0, 1]]}
    >>> X = sample(problem, N=10, num_levels=4, seed=1)
    >>> runs = pd.DataFrame({"sample_id": range(len(X)), "x0": X[:, 0], "x1": X[:, 1], "y": 10 * X[:, 0]})
    >>> manifest = {"design": "morris", "problem": problem, "outcomes": ["y"]}
    >>> sensitivity(runs, manifest)[["factor", "mu_star"]].round(3).to_dict("records")
    [{'factor': 'x0', 'mu_star': 10.0}, {'factor': 'x1', 'mu_star': 0.0}]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ...formatting import fmt_number, markdown_table
from ..engine.spec import SOBOL_MIN_SAMPLES
from .common import (
    SENSITIVITY_DESIGNS,
    AnalysisError,
    check_outcome,
    design_option,
    experiment_files,
    factor_spec,
    outcome_names,
    short_label,
)

DEFAULT_RESAMPLES = 1000


def _problem(manifest: dict[str, Any]) -> dict[str, Any]:
    design = str(manifest.get("design", "?"))
    if design not in SENSITIVITY_DESIGNS:
        files = experiment_files()
        hint = (
            f"e.g. coopsim sweep {files[0].relative_to(files[0].parent.parent)}"
            if files
            else 'an experiment file with design = "morris" (screening) or "sobol" (variance shares)'
        )
        raise AnalysisError(
            f"this experiment's design is {design!r}: a sensitivity analysis needs a 'morris' or 'sobol' "
            f"design, whose samples SALib can analyse; run one first ({hint}), or use 'coopsim discover' / "
            f"'coopsim report' on this one"
        )
    problem = manifest.get("problem")
    if not isinstance(problem, dict) or "names" not in problem or "bounds" not in problem:
        raise AnalysisError("the manifest has no SALib 'problem' (names and bounds of the factors)")
    out = dict(problem)
    out["names"] = list(out["names"])
    out.setdefault("num_vars", len(out["names"]))
    return out


def _numeric_column(frame: pd.DataFrame, name: str, manifest: dict[str, Any]) -> np.ndarray:
    """A factor column as floats: booleans as 0/1, text as its index among the levels.

    SALib's Morris analysis only reads from X which factor changed between two points
    of a trajectory and in which direction; the effect is divided by the grid step.
    """
    column = frame[name]
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(float).to_numpy()
    levels = factor_spec(manifest, name).get("levels") or sorted(pd.unique(column), key=str)
    index = {str(v): k for k, v in enumerate(levels)}
    return np.array([index.get(str(v), np.nan) for v in column], dtype=float)


def sample_matrix(
    frame: pd.DataFrame, manifest: dict[str, Any], outcomes: Sequence[str]
) -> tuple[np.ndarray, pd.DataFrame]:
    """X (one row per sample, the factors in the problem's order) and Y (mean of each
    outcome over the sample's replicates), both in sample_id order.

    Example:
        >>> import numpy as np, pandas as pd
        >>> from SALib.sample.morris import sample
        >>> problem = {"num_vars": 2, "names": ["x0", "x1"], "bounds": [[0, 1], [0, 1]]}
        >>> X = sample(problem, N=10, num_levels=4, seed=1)
        >>> runs = pd.DataFrame({"sample_id": range(len(X)), "x0": X[:, 0], "x1": X[:, 1], "y": 10 * X[:, 0] + X[:, 1]})
        >>> manifest = {"design": "morris", "problem": problem, "outcomes": ["y"]}
        >>> X, Y = sample_matrix(runs, manifest, ["y"])
        >>> X.shape, list(Y.columns)
        ((30, 2), ['y'])
    """
    problem = _problem(manifest)
    names = problem["names"]
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise AnalysisError(f"the runs have no column for factor {missing[0]!r}")
    if "sample_id" in frame.columns:
        frame = frame.sort_values(["sample_id", *(["replicate"] if "replicate" in frame.columns else [])])
        groups = frame.groupby("sample_id", sort=True)
        first = groups.head(1)
        y = groups[list(outcomes)].mean()
    else:
        first = frame
        y = frame[list(outcomes)].astype(float)
    X = np.column_stack([_numeric_column(first, n, manifest) for n in names])
    return X, y


def _check_size(design: str, n: int, d: int, second_order: bool) -> None:
    if design == "morris" and n % (d + 1):
        raise AnalysisError(
            f"{n} samples do not make whole Morris trajectories of {d + 1} points; is the experiment finished?"
        )
    if design == "sobol":
        block = 2 * d + 2 if second_order else d + 2
        if n % block:
            raise AnalysisError(
                f"{n} samples are not a whole Saltelli design of blocks of {block}; is the experiment finished?"
            )


def _check_sobol_samples(manifest: dict[str, Any], base: int) -> None:
    """Refuse a Sobol design of fewer than :data:`SOBOL_MIN_SAMPLES` base samples.

    Example:
        >>> try:
        ...     _check_sobol_samples({"experiment": {"file": "e.toml"}}, 1)
        ... except AnalysisError as exc:
        ...     print(exc)
        e.toml: samples = 1: Sobol' indices need at least 8 base samples (a power of two; 256 or more for stable indices); run the experiment again with samples = 8 or more
    """
    if base >= SOBOL_MIN_SAMPLES:
        return
    file = (manifest.get("experiment") or {}).get("file")
    where = f"{file}: " if file else ""
    raise AnalysisError(
        f"{where}samples = {base}: Sobol' indices need at least {SOBOL_MIN_SAMPLES} base samples (a power of two; "
        f"256 or more for stable indices); run the experiment again with samples = {SOBOL_MIN_SAMPLES} or more"
    )


def _sobol_second_order(manifest: dict[str, Any], n: int, d: int) -> bool:
    value = design_option(manifest, "calc_second_order", "second_order")
    if value is not None:
        return bool(value)
    return n % (d + 2) != 0 and n % (2 * d + 2) == 0


def sensitivity(
    frame: pd.DataFrame,
    manifest: dict[str, Any],
    outcome: str | Sequence[str] | None = None,
    *,
    conf_level: float = 0.95,
    num_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> pd.DataFrame:
    """Morris (μ*, σ) or Sobol (S1, ST) indices of the factors for one or more outcomes.

    Args:
        frame: the runs, one row per run (:func:`coopsim.experiments.load`): sample_id,
            replicate, one column per factor (dotted key), one per outcome.
        manifest: the experiment's manifest (``design`` and SALib ``problem``).
        outcome: an outcome, a list of them, or None for all of the manifest's outcomes.
        conf_level, num_resamples, seed: level, resamples and seed of SALib's bootstrap
            intervals (the same seed gives the same intervals).

    Returns one row per outcome and factor, by outcome then rank: ``outcome, factor, method,
    rank, importance`` (μ* or ST), ``importance_conf`` (its interval half-width) and ``mu_star,
    mu_star_conf, mu, sigma`` (Morris) or ``S1, S1_conf, ST, ST_conf`` (Sobol); ``attrs["notes"]``
    lists warnings (e.g. Morris steps that changed no factor, the values being rounded).
    Raises AnalysisError: a design other than morris/sobol, an unknown outcome, an incomplete
    design, an outcome undefined (NaN) in some sample.

    Example:
        >>> import numpy as np, pandas as pd
        >>> from SALib.sample.morris import sample
        >>> problem = {"num_vars": 2, "names": ["x0", "x1"], "bounds": [[0, 1], [0, 1]]}
        >>> X = sample(problem, N=10, num_levels=4, seed=1)
        >>> runs = pd.DataFrame({"sample_id": range(len(X)), "x0": X[:, 0], "x1": X[:, 1], "y": 10 * X[:, 0] + X[:, 1]})
        >>> manifest = {"design": "morris", "problem": problem, "outcomes": ["y"]}
        >>> table = sensitivity(runs, manifest, "y")
        >>> table[["factor", "rank", "mu_star"]].round(3).values.tolist()
        [['x0', 1, 10.0], ['x1', 2, 1.0]]
    """
    problem = _problem(manifest)
    design = str(manifest["design"])
    outcomes = _outcomes_asked(frame, manifest, outcome)
    X, Y = sample_matrix(frame, manifest, outcomes)
    second_order = _check_design(manifest, design, X.shape)
    options: dict[str, Any] = {"conf_level": conf_level, "num_resamples": num_resamples, "seed": seed}
    if design == "morris":
        options["num_levels"] = int(design_option(manifest, "num_levels", "morris_levels", default=4))
    else:
        options["calc_second_order"] = second_order
    rows = []
    for o in outcomes:
        y = _defined(Y, o)
        rows += (
            _morris_rows(problem, X, y, o, **options) if design == "morris" else _sobol_rows(problem, y, o, **options)
        )
    table = _ranked(pd.DataFrame(rows), outcomes)
    table.attrs["notes"] = _morris_notes(X) if design == "morris" else []
    table.attrs["design"] = design
    table.attrs["samples"] = X.shape[0]
    return table


def _outcomes_asked(frame: pd.DataFrame, manifest: dict[str, Any], outcome: str | Sequence[str] | None) -> list[str]:
    """The outcomes to analyse: one, a list, or every outcome of the experiment; each checked."""
    if outcome is None:
        outcomes = outcome_names(manifest, frame)
    elif isinstance(outcome, str):
        outcomes = [outcome]
    else:
        outcomes = list(outcome)
    if not outcomes:
        raise AnalysisError("no outcome to analyse")
    for o in outcomes:
        check_outcome(frame, manifest, o)
    return outcomes


def _defined(Y: pd.DataFrame, outcome: str) -> np.ndarray:
    """The outcome's value in each sample; :class:`AnalysisError` when it is undefined in some."""
    y = Y[outcome].to_numpy(dtype=float)
    bad = int((~np.isfinite(y)).sum())
    if bad:
        raise AnalysisError(
            f"outcome {outcome!r} is undefined (NaN) in {bad} of {len(y)} samples; the sensitivity indices need a "
            f"value in every sample (choose another outcome)"
        )
    return y


def _check_design(manifest: dict[str, Any], design: str, shape: tuple[int, int]) -> bool:
    """Refuse an unfinished or too small design; return whether a Sobol design has the
    second-order samples."""
    n, d = shape
    expected = manifest.get("samples")
    if isinstance(expected, int) and n != expected:
        raise AnalysisError(
            f"only {n} of the design's {expected} samples have a finished run; finish the sweep first "
            f"(run the same 'coopsim sweep' command again to resume it)"
        )
    second_order = _sobol_second_order(manifest, n, d) if design == "sobol" else False
    _check_size(design, n, d, second_order)
    if design == "sobol":
        _check_sobol_samples(manifest, n // (2 * d + 2 if second_order else d + 2))
    return second_order


def _morris_notes(X: np.ndarray) -> list[str]:
    """A note when some Morris steps changed no factor (values rounded to a factor's grid)."""
    d = X.shape[1]
    steps = np.diff(X.reshape(-1, d + 1, d), axis=1)
    still = int((np.abs(steps).sum(axis=2) == 0).sum())
    if not still:
        return []
    return [
        f"{still} Morris step(s) changed no factor (values rounded to the factor's grid?); "
        f"their elementary effects count as 0"
    ]


def _ranked(table: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """The rows ranked by importance within each outcome, the outcomes in the order asked."""
    table["rank"] = table.groupby("outcome")["importance"].rank(ascending=False, method="first").astype(int)
    order = {o: k for k, o in enumerate(outcomes)}
    table = table.sort_values(["outcome", "rank"], key=lambda s: s.map(order) if s.name == "outcome" else s)
    first = ["outcome", "factor", "method", "rank", "importance", "importance_conf"]
    return table[first + [c for c in table.columns if c not in first]].reset_index(drop=True)


def _morris_rows(
    problem: dict[str, Any], X: np.ndarray, y: np.ndarray, outcome: str, **options: Any
) -> list[dict[str, Any]]:
    """SALib's Morris analysis of one outcome, as one row per factor."""
    from SALib.analyze import morris

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant outcome: 0/0 in SALib
        si = morris.analyze(problem, X, y, **options)
    return [
        {
            "outcome": outcome,
            "factor": str(si["names"][k]),
            "method": "morris",
            "importance": float(si["mu_star"][k]),
            "importance_conf": float(si["mu_star_conf"][k]),
            "mu_star": float(si["mu_star"][k]),
            "mu_star_conf": float(si["mu_star_conf"][k]),
            "mu": float(si["mu"][k]),
            "sigma": float(si["sigma"][k]),
        }
        for k in range(len(si["names"]))
    ]


def _sobol_rows(problem: dict[str, Any], y: np.ndarray, outcome: str, **options: Any) -> list[dict[str, Any]]:
    """SALib's Sobol analysis of one outcome, as one row per factor (every index 0 when the
    outcome does not vary: no variance to share)."""
    from SALib.analyze import sobol

    names = problem["names"]
    if np.ptp(y) == 0:
        zero = dict.fromkeys(("S1", "S1_conf", "ST", "ST_conf"), 0.0)
        return [
            {"outcome": outcome, "factor": nm, "method": "sobol", "importance": 0.0, "importance_conf": 0.0, **zero}
            for nm in names
        ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        si = sobol.analyze(problem, y, **options)
    return [
        {
            "outcome": outcome,
            "factor": str(names[k]),
            "method": "sobol",
            "importance": float(si["ST"][k]),
            "importance_conf": float(si["ST_conf"][k]),
            "S1": float(si["S1"][k]),
            "S1_conf": float(si["S1_conf"][k]),
            "ST": float(si["ST"][k]),
            "ST_conf": float(si["ST_conf"][k]),
        }
        for k in range(len(names))
    ]


# --- figure --------------------------------------------------------------------------------


def sensitivity_figure(table: pd.DataFrame, path: str | Path | None = None, title: str | None = None) -> Figure:
    """Horizontal bars with their intervals, factors sorted by importance, one panel per outcome.

    Morris: μ* bars with the bootstrap interval, σ as a cross. Sobol: ST bars (light)
    and S1 bars (dark) with their intervals. Saved as PNG to ``path`` when given.

    Example:
        >>> import numpy as np, pandas as pd
        >>> from SALib.sample.morris import sample
        >>> problem = {"num_vars": 2, "names": ["x0", "x1"], "bounds": [[0, 1], [0, 1]]}
        >>> X = sample(problem, N=10, num_levels=4, seed=1)
        >>> runs = pd.DataFrame({"sample_id": range(len(X)), "x0": X[:, 0], "x1": X[:, 1], "y": 10 * X[:, 0] + X[:, 1]})
        >>> manifest = {"design": "morris", "problem": problem, "outcomes": ["y"]}
        >>> fig = sensitivity_figure(sensitivity(runs, manifest, "y"))
        >>> fig.axes[0].get_title()
        'y'
    """
    outcomes = list(dict.fromkeys(table["outcome"]))
    n = max(1, len(outcomes))
    cols = min(3, n)
    rows = math.ceil(n / cols)
    factors = table["factor"].nunique()
    fig = Figure(figsize=(5.6 * cols, rows * (1.6 + 0.45 * factors)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, outcome in zip(axes, outcomes):
        part = table[table["outcome"] == outcome].sort_values("importance", ascending=True)
        if str(part["method"].iloc[0]) == "morris":
            _morris_panel(ax, part)
        else:
            _sobol_panel(ax, part)
        ax.set_title(short_label(outcome), fontsize=11)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(outcomes) :]:
        ax.set_visible(False)
    method = str(table["method"].iloc[0]) if len(table) else ""
    default = (
        "Morris screening: μ* (mean absolute elementary effect, 95 % interval) and σ (spread: interactions)"
        if method == "morris"
        else "Sobol indices: total (ST) and first-order (S1) shares of the variance, 95 % intervals"
    )
    fig.suptitle(title or default, fontsize=12)
    if path is not None:
        fig.savefig(Path(path), dpi=110)
    return fig


def _morris_panel(ax: Axes, part: pd.DataFrame) -> None:
    y = np.arange(len(part))
    ax.barh(y, part["mu_star"], xerr=part["mu_star_conf"], color="#4393c3", capsize=3, label="μ*")
    ax.plot(part["sigma"], y, "x", color="#b2182b", markersize=7, label="σ")
    ax.set_yticks(y, part["factor"], fontsize=9)
    ax.set_xlim(left=0)
    ax.set_xlabel("outcome units per range of the factor")
    ax.legend(fontsize=8, loc="lower right")


def _sobol_panel(ax: Axes, part: pd.DataFrame) -> None:
    y = np.arange(len(part))
    ax.barh(y + 0.18, part["ST"], height=0.36, xerr=part["ST_conf"], color="#92c5de", capsize=3, label="ST (total)")
    ax.barh(y - 0.18, part["S1"], height=0.36, xerr=part["S1_conf"], color="#2166ac", capsize=3, label="S1 (alone)")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, part["factor"], fontsize=9)
    ax.set_xlabel("share of the outcome's variance")
    ax.legend(fontsize=8, loc="lower right")


def table_rows(table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the sensitivity table as text, for a Markdown or HTML table.

    Example:
        >>> table = pd.DataFrame({"outcome": ["y"], "rank": [1], "factor": ["x0"], "method": ["morris"],
        ...                       "mu_star": [10.0], "mu_star_conf": [0.5], "mu": [10.0], "sigma": [0.0]})
        >>> table_rows(table)
        (['outcome', 'rank', 'factor', 'μ*', '95 % interval', 'μ', 'σ'], [['y', '1', '`x0`', '10.0', '[9.50, 10.5]', '10.0', '0']])
    """
    morris = str(table["method"].iloc[0]) == "morris" if len(table) else True
    header = [
        "outcome",
        "rank",
        "factor",
        *(["μ*", "95 % interval", "μ", "σ"] if morris else ["S1", "95 % interval", "ST", "95 % interval"]),
    ]
    rows = []
    for r in table.to_dict("records"):
        if morris:
            lo, hi = max(0.0, r["mu_star"] - r["mu_star_conf"]), r["mu_star"] + r["mu_star_conf"]  # μ* ≥ 0
            cells = [fmt_number(r["mu_star"]), f"[{fmt_number(lo)}, {fmt_number(hi)}]"]
            cells += [fmt_number(r["mu"]), fmt_number(r["sigma"])]
        else:
            cells = [
                fmt_number(r["S1"]),
                f"[{fmt_number(r['S1'] - r['S1_conf'])}, {fmt_number(r['S1'] + r['S1_conf'])}]",
            ]
            cells += [
                fmt_number(r["ST"]),
                f"[{fmt_number(r['ST'] - r['ST_conf'])}, {fmt_number(r['ST'] + r['ST_conf'])}]",
            ]
        rows.append([short_label(r["outcome"]), str(r["rank"]), f"`{r['factor']}`", *cells])
    return header, rows


def sensitivity_markdown(table: pd.DataFrame) -> str:
    """The sensitivity table as Markdown, one block of rows per outcome.

    Example:
        >>> import numpy as np, pandas as pd
        >>> from SALib.sample.morris import sample
        >>> problem = {"num_vars": 2, "names": ["x0", "x1"], "bounds": [[0, 1], [0, 1]]}
        >>> X = sample(problem, N=10, num_levels=4, seed=1)
        >>> runs = pd.DataFrame({"sample_id": range(len(X)), "x0": X[:, 0], "x1": X[:, 1], "y": 10 * X[:, 0] + X[:, 1]})
        >>> manifest = {"design": "morris", "problem": problem, "outcomes": ["y"]}
        >>> print(sensitivity_markdown(sensitivity(runs, manifest, "y")))
        | outcome | rank | factor | μ* | 95 % interval | μ | σ |
        |---|---:|---|---:|---:|---:|---:|
        | y | 1 | `x0` | 10.0 |...
        | y | 2 | `x1` | 1.000 |...
    """
    return markdown_table(*table_rows(table), align="lrlrrrr")
