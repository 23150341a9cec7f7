"""What the analysis modules share: their error, outcome names in English and French, and
reading an experiment folder.

- :class:`AnalysisError`: a question the data cannot answer (no such outcome, a design
  that does not allow a sensitivity analysis, ...); the command line reports it on one
  line (exit code 2).
- :data:`HEADLINE`: the outcomes a comparison or a report shows by default;
  :data:`OUTCOMES`: how a summary key is said in a sentence, in English and in French
  (with the grammatical gender the French adjective agrees with): the one outcome table,
  :data:`coopsim.outcomes.OUTCOMES`.
- :func:`load_results`: the runs and the manifest of an experiment folder written by
  ``coopsim sweep`` (through :mod:`coopsim.experiments.engine.store`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ...formatting import fmt_number
from ...outcomes import HEADLINE, OUTCOMES, Outcome

__all__ = [
    "HEADLINE",
    "OUTCOMES",
    "SENSITIVITY_DESIGNS",
    "AnalysisError",
    "check_outcome",
    "describe_factor",
    "design_option",
    "experiment_data",
    "experiment_files",
    "experiment_name",
    "factor_names",
    "factor_spec",
    "is_categorical",
    "load_results",
    "outcome_name",
    "outcome_names",
    "short_label",
]

#: the designs whose samples allow a variance-based or screening sensitivity analysis
SENSITIVITY_DESIGNS = ("morris", "sobol")


class AnalysisError(ValueError):
    """A request the experiment's data cannot answer, with a one-line message saying why.

    Example:
        >>> try:
        ...     load_results("no/such/folder")
        ... except AnalysisError as exc:
        ...     print(exc)
        no/such/folder: no such folder (expected the --out folder of 'coopsim sweep')
    """


def outcome_name(key: str) -> Outcome:
    """The sentence names of an outcome; an unknown key is named by itself.

    Example:
        >>> outcome_name("burnout_incidence_per_100py").fr
        "L'incidence du burnout"
        >>> outcome_name("my_metric").en                         # unknown: named by itself
        'my_metric'
    """
    if key in OUTCOMES:
        return OUTCOMES[key]
    return Outcome(key, key, f"La valeur de {key}", feminine=True)


def short_label(key: str) -> str:
    """A short English label for axes: the sentence name without a leading article.

    Example:
        >>> short_label("annual_turnover"), short_label("my_metric")
        ('Annual turnover', 'my_metric')
    """
    return OUTCOMES[key].label("en") if key in OUTCOMES else key


# --- the manifest ---------------------------------------------------------------------------


def experiment_name(manifest: dict[str, Any]) -> str:
    """The experiment's name (``name``, or ``experiment.name`` as ``coopsim sweep`` writes it).

    Example:
        >>> experiment_name({"experiment": {"name": "smoke"}})
        'smoke'
    """
    name = manifest.get("name") or (manifest.get("experiment") or {}).get("name")
    return str(name) if name else "experiment"


def experiment_data(manifest: dict[str, Any]) -> dict[str, Any]:
    """The experiment file's content as the manifest keeps it (``experiment.data``), or {}.

    Example:
        >>> experiment_data({"experiment": {"data": {"design": "grid"}}}), experiment_data({})
        ({'design': 'grid'}, {})
    """
    data = (manifest.get("experiment") or {}).get("data")
    return data if isinstance(data, dict) else {}


def factor_names(manifest: dict[str, Any]) -> list[str]:
    """The dotted keys of the experiment's factors, in the manifest's order.

    ``factors`` may list the keys, or tables with a ``name`` (and ``levels`` or ``low``/``high``).

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> factor_names(read_manifest(folder))
        ['rex.enabled']
    """
    names = []
    for f in manifest.get("factors") or []:
        if isinstance(f, str):
            names.append(f)
        elif isinstance(f, dict) and "name" in f:
            names.append(str(f["name"]))
    if not names and isinstance(manifest.get("problem"), dict):
        names = list(manifest["problem"].get("names", []))
    return names


def factor_spec(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    """What the experiment says about a factor: ``{"levels": [...]}`` or ``{"low", "high", ...}``.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> factor_spec(read_manifest(folder), "rex.enabled")
        {'levels': [True, False], 'integer': False}
    """
    for f in manifest.get("factors") or []:
        if isinstance(f, dict) and f.get("name") == name:
            return f
    spec = (experiment_data(manifest).get("factors") or {}).get(name)
    if isinstance(spec, dict):
        return spec
    return {"levels": spec} if isinstance(spec, list) else {}


def design_option(manifest: dict[str, Any], *keys: str, default: Any = None) -> Any:
    """The first of ``keys`` found at the manifest's top level or in the experiment's data.

    Example:
        >>> manifest = {"design": "morris", "experiment": {"data": {"morris_levels": 4}}}
        >>> design_option(manifest, "morris_levels"), design_option(manifest, "second_order", default=False)
        (4, False)
    """
    data = experiment_data(manifest)
    for key in keys:
        for table in (manifest, data):
            if table.get(key) is not None:
                return table[key]
    return default


def describe_factor(manifest: dict[str, Any], name: str, column: pd.Series | None = None) -> str:
    """``4 – 16 (whole numbers)``, ``true, false`` or the range of the values in the runs.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> describe_factor(read_manifest(folder), "rex.enabled")
        'true, false'
    """
    spec = factor_spec(manifest, name)
    if spec.get("levels") is not None:
        return ", ".join(json.dumps(v) if isinstance(v, bool) else str(v) for v in spec["levels"])
    if spec.get("low") is not None:
        whole = " (whole numbers)" if spec.get("integer") else ""
        return f"{float(spec['low']):g} – {float(spec['high']):g}{whole}"
    if column is not None and len(column):
        if is_categorical(column):
            return ", ".join(map(str, sorted(pd.unique(column), key=str)))
        return f"{fmt_number(column.min())} – {fmt_number(column.max())}"
    return "?"


def is_categorical(series: pd.Series) -> bool:
    """Whether a factor column holds categories (strings, booleans) rather than numbers.

    Example:
        >>> import pandas as pd
        >>> is_categorical(pd.Series([True, False])), is_categorical(pd.Series([4, 8, 16]))
        (True, False)
    """
    return not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def outcome_names(manifest: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    """The experiment's outcomes: the manifest's list, else the numeric non-factor columns.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> frame, manifest = load_results(folder)
        >>> outcome_names(manifest, frame)
        ['annual_turnover']
    """
    listed = [o for o in manifest.get("outcomes") or [] if o in frame.columns]
    if listed:
        return listed
    skip = {"run_id", "sample_id", "replicate", "seed", *factor_names(manifest)}
    return [c for c in frame.columns if c not in skip and pd.api.types.is_numeric_dtype(frame[c])]


def check_outcome(frame: pd.DataFrame, manifest: dict[str, Any], outcome: str) -> None:
    """Raise :class:`AnalysisError` when ``outcome`` is not a column of the runs.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> frame, manifest = load_results(folder)
        >>> check_outcome(frame, manifest, "annual_turnover")    # fine: nothing happens
        >>> try:
        ...     check_outcome(frame, manifest, "happiness")
        ... except AnalysisError:
        ...     print("no such outcome")
        no such outcome
    """
    if outcome not in frame.columns or outcome in factor_names(manifest):
        known = ", ".join(outcome_names(manifest, frame)) or "(none)"
        raise AnalysisError(f"no outcome {outcome!r} in this experiment (outcomes: {known})")


def experiment_files(design: tuple[str, ...] = SENSITIVITY_DESIGNS) -> list[Path]:
    """Shipped experiment files (``experiments/*.toml``) whose design is one of ``design``.

    Example:
        >>> "morris-levers.toml" in [p.name for p in experiment_files(("morris",))]
        True
    """
    folder = Path(__file__).resolve().parents[3] / "experiments"
    found = []
    for path in sorted(folder.glob("*.toml")):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if re.search(r'^\s*design\s*=\s*["\'](' + "|".join(design) + r')["\']', text, re.MULTILINE):
            found.append(path)
    return found


# --- reading an experiment folder ---------------------------------------------------------


def _read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest, through the store module (which checks its format)."""
    from ..engine.store import read_manifest

    return dict(read_manifest(folder))


def _load_runs(folder: Path) -> pd.DataFrame:
    """The runs, through the store module."""
    from ..engine.store import load

    return load(folder)


def load_results(folder: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The runs (one row per run, by run_id) and the manifest of an experiment folder
    written by ``coopsim sweep`` (read with :mod:`coopsim.experiments.engine.store`).

    Raises:
        AnalysisError: the folder is missing, is not an experiment folder, cannot be read,
            or holds no finished run yet.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> frame, manifest = load_results(folder)
        >>> len(frame), manifest["design"]
        (2, 'grid')
    """
    path = Path(folder)
    if not path.exists():
        raise AnalysisError(f"{path}: no such folder (expected the --out folder of 'coopsim sweep')")
    if not path.is_dir():
        raise AnalysisError(f"{path}: is a file, not the --out folder of 'coopsim sweep'")
    if not (path / "manifest.json").is_file():
        raise AnalysisError(f"{path}: not an experiment folder (no manifest.json; make one with 'coopsim sweep')")
    try:
        manifest = _read_manifest(path)
        frame = _load_runs(path)
    except ImportError as exc:
        raise AnalysisError(f"cannot read experiment folders: {exc}") from None
    except Exception as exc:  # the store's own errors (StoreError), unreadable Parquet, ...
        if isinstance(exc, AnalysisError):
            raise
        raise AnalysisError(f"{path}: cannot read the experiment: {_first_line(exc)}") from None
    if len(frame) == 0:
        raise AnalysisError(f"{path}: the experiment has no finished run yet (run or resume 'coopsim sweep')")
    return frame, manifest


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
