"""The report of an experiment: a Markdown page (and the same as HTML) with its figures.

:func:`report` reads an experiment folder written by ``coopsim sweep`` and writes into
``DIR/report/``:

- ``report.md`` and ``report.html`` (the same content): what was run (design, scenario,
  horizon, factors and their ranges, replications, seeds, versions), how many runs are
  done, the distribution of each outcome over all runs (mean, median, 5 % and 95 %
  quantiles), the mean of each outcome at each level of each factor with few levels,
  and, for a ``morris`` or ``sobol`` design, the sensitivity table
  (:mod:`coopsim.experiments.analyses.sensitivity`);
- ``outcome-<name>.png``: one figure per outcome, one panel per factor (box plots over
  the runs for a factor with few values, else a scatter of the runs with the mean of
  each sample);
- ``sensitivity.png`` for a morris or sobol design.

The HTML page needs no internet (plain HTML, images next to it).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ... import __version__
from ...formatting import fmt_number, fmt_value, markdown_table, slug
from .common import (
    SENSITIVITY_DESIGNS,
    AnalysisError,
    describe_factor,
    experiment_name,
    factor_names,
    is_categorical,
    load_results,
    outcome_names,
    short_label,
)

FEW_LEVELS = 8  # a factor with at most this many values is shown by level (box plots, means)


# --- a tiny document model, rendered as Markdown and as HTML ---------------------------------


@dataclass
class Doc:
    """A list of blocks: ("h1"|"h2"|"p", text), ("ul", items), ("table", header, rows), ("img", file, alt).

    Example:
        >>> doc = Doc()
        >>> doc.h1("Smoke")
        >>> doc.table(["factor", "range"], [["rex.enabled", "true, false"]])
        >>> print(doc.markdown())
        # Smoke
        ...
        | factor | range |
        ...
    """

    blocks: list[tuple[Any, ...]] = field(default_factory=list)

    def h1(self, text: str) -> None:
        self.blocks.append(("h1", text))

    def h2(self, text: str) -> None:
        self.blocks.append(("h2", text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def ul(self, items: Sequence[str]) -> None:
        self.blocks.append(("ul", list(items)))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.blocks.append(("table", list(header), [list(map(str, r)) for r in rows]))

    def img(self, file: str, alt: str) -> None:
        self.blocks.append(("img", file, alt))

    def markdown(self) -> str:
        out = []
        for b in self.blocks:
            kind = b[0]
            if kind == "h1":
                out.append(f"# {b[1]}")
            elif kind == "h2":
                out.append(f"## {b[1]}")
            elif kind == "p":
                out.append(b[1])
            elif kind == "ul":
                out.append("\n".join(f"- {item}" for item in b[1]))
            elif kind == "table":
                out.append(markdown_table(b[1], b[2]))
            elif kind == "img":
                out.append(f"![{b[2]}]({b[1]})")
        return "\n\n".join(out) + "\n"

    def html(self, title: str) -> str:
        body = []
        for b in self.blocks:
            kind = b[0]
            if kind in ("h1", "h2", "p"):
                body.append(f"<{kind}>{_inline(b[1])}</{kind}>")
            elif kind == "ul":
                body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b[1]) + "</ul>")
            elif kind == "table":
                head = "".join(f"<th>{_inline(h)}</th>" for h in b[1])
                rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in b[2])
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
            elif kind == "img":
                body.append(f'<figure><img src="{html.escape(b[1])}" alt="{html.escape(b[2])}"></figure>')
        style = (
            "body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;line-height:1.45}"
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em}"
            "th{background:#f3f3f3}td{font-variant-numeric:tabular-nums}img{max-width:100%}"
            "code{background:#f3f3f3;padding:0 .2em}"
        )
        return (
            f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f"<style>{style}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
        )


def _inline(text: str) -> str:
    """Escape text for HTML, turning `code` and **bold** into their tags."""
    escaped = html.escape(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


# --- the report -----------------------------------------------------------------------------


def _q(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if values.size else math.nan


def distribution_table(frame: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Per outcome: runs with a value, mean, median, 5 % and 95 % quantiles, min, max.

    Example:
        >>> import pandas as pd
        >>> runs = pd.DataFrame({"annual_turnover": [0.1, 0.2, 0.3]})
        >>> row = distribution_table(runs, ["annual_turnover"]).iloc[0]
        >>> int(row["runs"]), round(float(row["mean"]), 3), round(float(row["median"]), 3)
        (3, 0.2, 0.2)
    """
    rows = []
    for o in outcomes:
        v = frame[o].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        rows.append(
            {
                "outcome": o,
                "runs": int(v.size),
                "mean": float(v.mean()) if v.size else math.nan,
                "median": _q(v, 0.5),
                "q05": _q(v, 0.05),
                "q95": _q(v, 0.95),
                "min": float(v.min()) if v.size else math.nan,
                "max": float(v.max()) if v.size else math.nan,
            }
        )
    return pd.DataFrame(rows)


def outcome_figure(frame: pd.DataFrame, outcome: str, factors: Sequence[str], path: Path | None = None) -> Figure:
    """One panel per factor: box plots by level (few values) or the runs as dots with the
    mean of each sample (many values).

    Example:
        >>> import pandas as pd
        >>> runs = pd.DataFrame({"rex.enabled": [True, False] * 3, "annual_turnover": [0.1, 0.2, 0.12, 0.25, 0.11, 0.22]})
        >>> len(outcome_figure(runs, "annual_turnover", ["rex.enabled"]).axes)
        1
    """
    n = max(1, len(factors))
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(4.2 * cols, 3.4 * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    y_all = frame[outcome].astype(float)
    for ax, f in zip(axes, factors):
        values = frame[f]
        levels = sorted(pd.unique(values), key=lambda v: (str(type(v)), v))
        if len(levels) <= FEW_LEVELS or is_categorical(values):
            data = [y_all[values == lv].dropna().to_numpy() for lv in levels]
            ax.boxplot(data, tick_labels=[fmt_value(lv) for lv in levels], showmeans=True)
            ax.tick_params(axis="x", labelrotation=30 if len(levels) > 4 else 0)
        else:
            ax.scatter(values.astype(float), y_all, s=6, alpha=0.35, color="#4393c3", label="runs")
            if "sample_id" in frame.columns:
                means = frame.groupby("sample_id").agg(x=(f, "first"), y=(outcome, "mean"))
                ax.scatter(means["x"], means["y"], s=10, color="#b2182b", label="sample means")
            ax.legend(fontsize=7, loc="best")
        ax.set_xlabel(f, fontsize=9)
        ax.grid(alpha=0.3)
    for ax in axes[len(factors) :]:
        ax.set_visible(False)
    fig.suptitle(f"{short_label(outcome)} ({outcome}) against each factor, all runs", fontsize=12)
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def report(
    folder: str | Path,
    out: str | Path | None = None,
    *,
    frame: pd.DataFrame | None = None,
    manifest: dict[str, Any] | None = None,
    outcomes: Sequence[str] | None = None,
) -> Path:
    """Write the report of an experiment folder; return the path of ``report.md``.

    Args:
        folder: the experiment folder (``coopsim sweep --out``).
        out: where to write (default ``folder/report``; created; files replaced).
        frame: the runs, when already loaded (else read from ``folder``).
        manifest: the manifest, when already loaded.
        outcomes: the outcomes to report (default: all of the experiment's).

    Raises:
        AnalysisError: the folder cannot be read, an unknown outcome.

    Example:
        >>> import tempfile
        >>> from coopsim.experiments import experiment_from_dict, sweep
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)
        >>> path = report(folder)
        >>> path.name, path.with_suffix(".html").is_file()
        ('report.md', True)
    """
    folder = Path(folder)
    if frame is None or manifest is None:
        frame, manifest = load_results(folder)
    target = Path(out) if out is not None else folder / "report"
    target.mkdir(parents=True, exist_ok=True)
    names = _outcomes_asked(frame, manifest, outcomes)
    factors = [f for f in factor_names(manifest) if f in frame.columns]
    title = f"Experiment {experiment_name(manifest)}"
    doc = Doc()
    doc.h1(title)
    description = (manifest.get("experiment") or {}).get("data", {}).get("description") or manifest.get("description")
    if description:
        doc.p(str(description))
    doc.ul(_setting(manifest, frame, folder))
    doc.h2("Factors")
    doc.table(
        ["factor", "explored", "values in the runs"],
        [[f"`{f}`", describe_factor(manifest, f), _values_text(frame[f])] for f in factors],
    )
    _outcomes_section(doc, frame, names, factors)
    _figures_section(doc, frame, names, factors, target)
    _sensitivity_section(doc, frame, manifest, names, target)
    doc.p(f"Report written by coopsim {__version__} from `{folder}`.")
    md = target / "report.md"
    md.write_text(doc.markdown(), encoding="utf-8")
    (target / "report.html").write_text(doc.html(title), encoding="utf-8")
    return md


def _outcomes_asked(frame: pd.DataFrame, manifest: dict[str, Any], outcomes: Sequence[str] | None) -> list[str]:
    """The outcomes to report (default: every outcome of the experiment), each a column of the runs."""
    names = list(outcomes) if outcomes else outcome_names(manifest, frame)
    for o in names:
        if o not in frame.columns:
            raise AnalysisError(
                f"no outcome {o!r} in this experiment (outcomes: {', '.join(outcome_names(manifest, frame))})"
            )
    return names


def _outcomes_section(doc: Doc, frame: pd.DataFrame, names: Sequence[str], factors: Sequence[str]) -> None:
    """The distribution of each outcome over all runs, and its mean at each level of the
    factors with few values."""
    doc.h2("Outcomes over all runs")
    dist = distribution_table(frame, names)
    doc.table(
        ["outcome", "key", "runs", "mean", "median", "5 %", "95 %"],
        [
            [
                short_label(r["outcome"]),
                f"`{r['outcome']}`",
                r["runs"],
                *(fmt_number(r[k]) for k in ("mean", "median", "q05", "q95")),
            ]
            for r in dist.to_dict("records")
        ],
    )
    doc.p(
        "Each run counts once: the spread mixes the effect of the factors and the model's randomness "
        "(replicates of one setting differ by their seed only)."
    )
    few = [f for f in factors if frame[f].nunique() <= FEW_LEVELS]
    if few and names:
        doc.h2("Mean of each outcome by factor level")
        rows = []
        for f in few:
            for level, part in frame.groupby(f, sort=True):
                rows.append([f"`{f}`", fmt_value(level), len(part), *(fmt_number(part[o].mean()) for o in names)])
        doc.table(["factor", "level", "runs", *(short_label(o) for o in names)], rows)
        doc.p("Means over all the runs at that level (the other factors vary across them).")


def _figures_section(doc: Doc, frame: pd.DataFrame, names: Sequence[str], factors: Sequence[str], target: Path) -> None:
    """A figure of each outcome against each factor."""
    doc.h2("Each outcome against each factor")
    for o in names:
        file = f"outcome-{slug(o, 'outcome')}.png"
        if factors:
            outcome_figure(frame, o, factors, target / file)
            doc.img(file, f"{o} against each factor")


def _values_text(column: pd.Series) -> str:
    if is_categorical(column) or column.nunique() <= FEW_LEVELS:
        return ", ".join(fmt_value(v) for v in sorted(pd.unique(column), key=lambda v: (str(type(v)), v)))
    return f"{fmt_number(column.min())} – {fmt_number(column.max())} ({column.nunique()} values)"


def _setting(manifest: dict[str, Any], frame: pd.DataFrame, folder: Path) -> list[str]:
    scenario = manifest.get("scenario")
    scenario_name = scenario.get("name") if isinstance(scenario, dict) else scenario
    done = len(frame)
    total = manifest.get("runs_total")
    samples = frame["sample_id"].nunique() if "sample_id" in frame.columns else done
    items = [
        f"design: **{manifest.get('design', '?')}**; {samples} samples (factor settings) × "
        f"{manifest.get('replications', '?')} replications",
        f"runs done: **{done}**"
        + (f" of {total}" if total else "")
        + (" (unfinished)" if total and done < total else ""),
    ]
    if scenario_name or manifest.get("scenario_file"):
        items.append(f"scenario: `{scenario_name or manifest.get('scenario_file')}`")
    if manifest.get("horizon_years") is not None:
        items.append(f"horizon: {manifest['horizon_years']:g} years per run")
    if manifest.get("master_seed") is not None:
        items.append(
            f"master seed: {manifest['master_seed']} (replicate r of every setting shares its seed: common random numbers)"
        )
    file = (manifest.get("experiment") or {}).get("file")
    if file:
        items.append(f"experiment file: `{file}` (rerun with `coopsim sweep {file} --out {folder}`)")
    versions = [f"coopsim {manifest['coopsim_version']}" if manifest.get("coopsim_version") else ""]
    versions.append(f"SALib {manifest['salib_version']}" if manifest.get("salib_version") else "")
    if any(versions):
        items.append("made with " + ", ".join(v for v in versions if v))
    return items


def _sensitivity_section(
    doc: Doc, frame: pd.DataFrame, manifest: dict[str, Any], names: Sequence[str], target: Path
) -> None:
    """The sensitivity table and figure of a morris or sobol design; a line saying why not
    for another design."""
    design = str(manifest.get("design", "?"))
    doc.h2("Sensitivity")
    if design not in SENSITIVITY_DESIGNS:
        doc.p(
            f"Not computed: the design is '{design}'; a sensitivity analysis needs a 'morris' or 'sobol' "
            "design ('coopsim sensitivity --help'). 'coopsim discover' finds which ranges of the factors keep an "
            "outcome below or above a target."
        )
        return
    from .sensitivity import sensitivity, sensitivity_figure, table_rows

    parts, skipped = [], []
    for o in names:
        try:
            parts.append(sensitivity(frame, manifest, o))
        except AnalysisError as exc:
            skipped.append(f"`{o}`: {exc}")
    if parts:
        table = pd.concat(parts, ignore_index=True)
        sensitivity_figure(table, target / "sensitivity.png")
        method = str(table["method"].iloc[0])
        if method == "morris":
            doc.p(
                "Morris screening (Morris 1991; Campolongo et al. 2007): μ* is the mean absolute elementary "
                "effect (outcome units per range of the factor), with its 95 % bootstrap interval; σ large next to "
                "μ* means interactions or non-linear effects; μ near 0 with a large μ* means effects of both signs."
            )
        else:
            doc.p(
                "Sobol indices (Sobol 2001; Saltelli 2002; Saltelli et al. 2010): S1 is the share of the outcome's "
                "variance due to the factor alone, ST the share it takes part in (interactions included); 95 % "
                "bootstrap intervals. An interval that contains 0 is not distinguishable from no influence."
            )
        doc.table(*table_rows(table))
        doc.img("sensitivity.png", "sensitivity of each outcome to each factor")
    if skipped:
        doc.p("Not analysed:")
        doc.ul(skipped)
