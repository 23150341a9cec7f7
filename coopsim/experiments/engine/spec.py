"""Experiment files: which scenario, which factors, which design, how many runs.

An experiment is a TOML file (see ``experiments/smoke.toml``)::

    name = "smoke"
    scenario = "tera"            # a scenario name or path (relative to this file first)
    years = 3                    # horizon of every run (default: the scenario's years)
    design = "grid"              # grid | random | latin | morris | sobol
    replications = 6             # runs per sample, replicate r of every sample shares a seed
    master_seed = 20240611       # every run's seed derives from it (coopsim.experiments.engine.seeds)
    outcomes = ["annual_turnover", "mean_engagement"]   # summary metrics kept (default: all)
    weekly = ["active"]          # weekly columns kept as series (default: none)

    [overrides]                  # fixed changes to the scenario, for every run
    contractualisation.enabled = true

    [factors]                    # dotted scenario keys that vary
    rex.enabled = [true, false]                       # levels (grid; any design)
    rex.every_weeks = { low = 4, high = 16, integer = true }   # a range (sampled designs)

A factor has either ``levels`` (a list of booleans, numbers or strings; ``[a, b]`` is
short for ``{ levels = [a, b] }``) or ``low`` and ``high`` (numbers; ``integer = true``
draws whole numbers ``low..high``, each equally likely). The grid design runs every
combination of levels; the sampled designs draw ``samples`` points in the ranges (a
``levels`` factor is then drawn as one of its levels, each equally likely).

Everything is checked at load time, against the scenario too: an unknown key, a wrong
type, a bound the scenario refuses, an unknown outcome. Each mistake raises
:class:`ExperimentError`, a ``ValueError`` whose one-line message names the file, the
field, the value and what is allowed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ...base import WEEKS_PER_YEAR
from ...outcomes import OUTCOMES
from ...records import MODEL_COLUMNS
from ...scenario import (
    Scenario,
    ScenarioError,
    apply_overrides,
    load_scenario,
    read_toml,
    resolve_path,
    scenario_from_dict,
)
from ...scenario import (
    describe_errors as scenario_errors,
)

Design = Literal["grid", "random", "latin", "morris", "sobol"]  # the designs, declared once
FACTOR_FIELDS = ("levels", "low", "high", "integer")
DOTTED_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
#: what a run gives, from the tables that define it: the summary metrics (the outcome table,
#: whose keys ``coopsim.records.summary`` returns) and the weekly model columns a series may keep
SUMMARY_KEYS = tuple(OUTCOMES)
WEEKLY_COLUMNS = tuple(c for c in MODEL_COLUMNS if c not in ("week", "year"))
Scalar = bool | int | float | str


class ExperimentError(ValueError):
    """An experiment that cannot be run, with a one-line message saying why.

    Example:
        >>> try:
        ...     experiment_from_dict({"scenario": "tera", "design": "grid", "master_seed": 1,
        ...                           "factors": {"rex.every_weks": [4, 8]}})              # a typo
        ... except ExperimentError as exc:
        ...     print("rex.every_weks" in str(exc))
        True
    """


class Factor(BaseModel):
    """One varying scenario value: a list of levels, or a numeric range.

    Example:
        >>> Factor(levels=[4, 8, 16]).levels
        [4, 8, 16]
        >>> Factor(low=0.2, high=0.9).high
        0.9
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    levels: list[Any] | None = Field(None, description="the values to try (booleans, numbers or strings)")
    low: float | None = Field(None, description="lowest value of the range")
    high: float | None = Field(None, description="highest value of the range")
    integer: bool = Field(False, description="draw whole numbers low..high")

    @model_validator(mode="after")
    def _one_kind(self) -> Factor:
        if self.levels is not None:
            if self.low is not None or self.high is not None or self.integer:
                raise ValueError("give either levels = [...] or low and high, not both")
            _check_levels(self.levels)
            return self
        if self.low is None or self.high is None:
            raise ValueError("needs levels = [...] or both low and high")
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError("low and high must be finite numbers")
        if self.low > self.high:
            raise ValueError(f"low = {self.low:g} is above high = {self.high:g}")
        if self.integer and not (self.low.is_integer() and self.high.is_integer()):
            raise ValueError("integer = true needs whole numbers for low and high")
        return self

    @property
    def values_to_check(self) -> list[tuple[str, Scalar]]:
        """(label, value) pairs that must all be valid in the scenario: every level, or both bounds."""
        if self.levels is not None:
            return [(f"level {i + 1}", v) for i, v in enumerate(self.levels)]
        assert self.low is not None and self.high is not None
        cast = int if self.integer else float
        return [("low", cast(self.low)), ("high", cast(self.high))]


def _kind(value: Any) -> str:
    """'bool', 'number' or 'str' for a level, or 'other'."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "str" if isinstance(value, str) else "other"


def _check_levels(levels: list[Any]) -> None:
    """Levels: at least one, scalars of one kind, no repeats."""
    if not levels:
        raise ValueError("levels is empty (give at least one value)")
    kinds = {_kind(v) for v in levels}
    if "other" in kinds:
        raise ValueError("levels must be booleans, numbers or strings (not tables or lists)")
    if len(kinds) > 1:
        raise ValueError(f"levels mix kinds ({', '.join(sorted(kinds))}); use values of one kind")
    if any(isinstance(v, float) and not math.isfinite(v) for v in levels):
        raise ValueError("levels must be finite numbers")
    if len(set(levels)) != len(levels):
        raise ValueError("levels has a repeated value")


class Experiment(BaseModel):
    """A validated experiment: a base scenario, factors, a design, replications and seeds.

    Build one with :func:`load_experiment` (from a file) or :func:`experiment_from_dict`
    (from Python), which also check it against its scenario and resolve the defaults.

    Example:
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 3, "design": "latin", "samples": 10,
        ...                             "replications": 2, "master_seed": 7,
        ...                             "factors": {"rex.every_weeks": {"low": 4, "high": 16, "integer": True}}})
        >>> exp.factor_keys, exp.horizon, len(exp.fingerprint)
        (['rex.every_weeks'], 3.0, 64)
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field("experiment", min_length=1, description="a short name (default: the file name)")
    description: str = Field("", description="the question the experiment answers")
    scenario: str = Field(..., min_length=1, description="a scenario name or the path of a scenario file")
    years: float | None = Field(None, gt=0, le=200, description="horizon of every run (default: the scenario's)")
    design: Design
    samples: int | None = Field(
        None,
        ge=1,
        le=10_000_000,
        description="points drawn (random, latin), base samples (sobol), trajectories (morris)",
    )
    morris_levels: int | None = Field(None, ge=2, le=1000, description="grid levels of the morris design (default 4)")
    second_order: bool | None = Field(None, description="sobol: also sample for second-order indices (default false)")
    replications: int = Field(1, ge=1, le=1_000_000, description="runs per sample, with seeds shared across samples")
    master_seed: int = Field(..., ge=0, lt=2**63, description="the seed every run's seed derives from")
    outcomes: list[str] | None = Field(None, description="summary metrics kept per run (default: all)")
    weekly: list[str] = Field(default_factory=list, description="weekly model columns kept as series per run")
    overrides: dict[str, Any] = Field(default_factory=dict, description="dotted scenario keys set for every run")
    factors: dict[str, Factor] = Field(default_factory=dict, description="dotted scenario keys that vary")

    _source: str = PrivateAttr("<experiment>")
    _file: Path | None = PrivateAttr(None)
    _scenario_file: Path | None = PrivateAttr(None)
    _base: dict[str, Any] | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _design_fits(self) -> Experiment:
        """Options that only make sense with some designs, and what each design needs."""
        for key in [*self.factors, *self.overrides]:
            if not DOTTED_KEY.match(key):
                raise ValueError(f"{key!r} is not a dotted scenario key like rex.every_weeks")
        both = sorted(set(self.factors) & set(self.overrides))
        if both:
            raise ValueError(f"{', '.join(both)} is both a factor and an override; keep one")
        if self.years is not None and round(self.years * WEEKS_PER_YEAR) < 1:
            raise ValueError(f"years = {self.years:g} is less than one week")
        if self.morris_levels is not None and self.design != "morris":
            raise ValueError(f"morris_levels is only used by the morris design (design = {self.design!r})")
        if self.second_order is not None and self.design != "sobol":
            raise ValueError(f"second_order is only used by the sobol design (design = {self.design!r})")
        if self.morris_levels is not None and self.morris_levels % 2:
            raise ValueError(f"morris_levels = {self.morris_levels}: must be even (SALib's morris design)")
        if self.design == "grid":
            _check_grid(self)
        else:
            _check_sampled(self)
        return self

    # --- what load_experiment resolved ------------------------------------------------

    @property
    def source(self) -> str:
        """Where the experiment came from (its file, or '<experiment>'), for messages."""
        return self._source

    @property
    def file(self) -> Path | None:
        """The experiment file, or None for one built from Python data."""
        return self._file

    @property
    def scenario_file(self) -> Path:
        """The base scenario's file, resolved."""
        if self._scenario_file is None:
            raise ExperimentError(f"{self.source}: not checked yet (use load_experiment or experiment_from_dict)")
        return self._scenario_file

    @property
    def base_scenario(self) -> dict[str, Any]:
        """The base scenario with the overrides applied, as plain (JSON) data; a copy."""
        if self._base is None:
            raise ExperimentError(f"{self.source}: not checked yet (use load_experiment or experiment_from_dict)")
        return copy.deepcopy(self._base)

    @property
    def horizon(self) -> float:
        """Years each run lasts: ``years``, or the base scenario's."""
        if self.years is not None:
            return float(self.years)
        if self._base is None:
            raise ExperimentError(f"{self.source}: not checked yet (use load_experiment or experiment_from_dict)")
        return float(self._base["years"])

    @property
    def outcome_keys(self) -> list[str]:
        """The summary metrics kept (resolved by the check, never None afterwards)."""
        return list(self.outcomes or [])

    @property
    def factor_keys(self) -> list[str]:
        """The factors' dotted keys, in file order (the order of the design's columns)."""
        return list(self.factors)

    def to_data(self) -> dict[str, Any]:
        """The experiment as plain JSON data (what the manifest stores)."""
        return self.model_dump(mode="json", exclude_none=True)

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the experiment and its base scenario as data: what a resumed sweep
        must find unchanged (comments and layout of the files do not count)."""
        data = {"experiment": self.to_data(), "scenario": self.base_scenario, "horizon": self.horizon}
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_grid(exp: Experiment) -> None:
    """A grid needs levels for every factor and takes no sample count."""
    if exp.samples is not None:
        raise ValueError("samples is not used by the grid design (it runs every combination of levels)")
    ranged = [k for k, f in exp.factors.items() if f.levels is None]
    if ranged:
        raise ValueError(f"the grid design needs levels = [...] for every factor; {', '.join(ranged)} has low/high")


# Fewest base samples (N of the Saltelli scheme) for Sobol' indices: with fewer, the
# bootstrap intervals come from a handful of distinct resamples (none at all with N = 1,
# whose interval is 0) and the indices are far outside [0, 1]; 256 or more for stable ones.
SOBOL_MIN_SAMPLES = 8


def _check_sampled(exp: Experiment) -> None:
    """A sampled design needs a sample count and at least one factor."""
    if exp.samples is None:
        raise ValueError(f"the {exp.design} design needs samples = N (how many points to draw)")
    if not exp.factors:
        raise ValueError(f"the {exp.design} design needs at least one factor in [factors]")
    if exp.design == "sobol" and (exp.samples & (exp.samples - 1) or exp.samples < SOBOL_MIN_SAMPLES):
        raise ValueError(
            f"samples = {exp.samples}: the sobol design needs a power of two of at least {SOBOL_MIN_SAMPLES} "
            "(256 or more for stable indices)"
        )


# --- reading and checking ---------------------------------------------------------------


def _flatten(table: dict[str, Any], is_leaf: Any, prefix: str = "") -> dict[str, Any]:
    """``{"rex": {"enabled": x}}`` -> ``{"rex.enabled": x}``; ``is_leaf(value)`` stops the descent."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and not is_leaf(value):
            out.update(_flatten(value, is_leaf, dotted + "."))
        else:
            out[dotted] = value
    return out


def _is_factor(value: Any) -> bool:
    return isinstance(value, dict) and bool(set(value) & set(FACTOR_FIELDS))


def _normalise(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Flatten the ``[factors]`` and ``[overrides]`` tables to dotted keys; a list is levels."""
    data = dict(data)
    factors = data.get("factors")
    if isinstance(factors, dict):
        flat = _flatten(factors, _is_factor)
        for key, value in flat.items():
            if isinstance(value, list):
                flat[key] = {"levels": value}
            elif not isinstance(value, dict):
                raise ExperimentError(
                    f"{source}: factors.{key} = {value!r}: expected a list of levels, e.g. [4, 8], "
                    "or a range, e.g. { low = 4, high = 16 }"
                )
        data["factors"] = flat
    overrides = data.get("overrides")
    if isinstance(overrides, dict):
        data["overrides"] = _flatten(overrides, lambda v: False)
    return data


def describe_errors(source: str, exc: ValidationError) -> str:
    """One line naming the file, each field, its value and what is allowed (the scenario's
    rule, :func:`coopsim.scenario.describe_errors`, on the experiment's schema).

    Example:
        >>> from pydantic import ValidationError
        >>> try:
        ...     Experiment.model_validate({"scenario": "tera", "design": "grid", "master_seed": -1})
        ... except ValidationError as exc:
        ...     print(describe_errors("my.toml", exc))
        my.toml: master_seed = -1: ...
    """
    return scenario_errors(source, exc, root=Experiment)


def load_experiment(path: str | Path) -> Experiment:
    """Read, validate and check an experiment file; raise :class:`ExperimentError` if wrong.

    The scenario is looked for next to the experiment file first, then in ``scenarios/``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "rex.toml"
        >>> _ = path.write_text('''
        ... scenario = "tera"
        ... years = 3
        ... design = "grid"
        ... master_seed = 1
        ... [factors]
        ... rex.enabled = [true, false]
        ... ''')
        >>> exp = load_experiment(path)
        >>> exp.name, exp.design, exp.factors["rex.enabled"].levels
        ('rex', 'grid', [True, False])
    """
    path = Path(path)
    if not path.is_file():
        raise ExperimentError(f"{path}: no such experiment file")
    data = read_toml(path, ExperimentError, "experiment")
    data.setdefault("name", path.stem)
    exp = experiment_from_dict(data, source=str(path), base_dir=path.resolve().parent)
    exp._file = path.resolve()
    return exp


def experiment_from_dict(
    data: dict[str, Any], source: str = "<experiment>", base_dir: Path | None = None
) -> Experiment:
    """Validate experiment data (as read from TOML) and check it against its scenario.

    ``base_dir`` is where a relative scenario path is looked for first (default: the
    current folder, then ``scenarios/``).

    Example:
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 1, "design": "grid", "master_seed": 1,
        ...                             "factors": {"mediation.capacity_per_month": [0, 2, 4]}})
        >>> exp.factor_keys, "annual_turnover" in exp.outcome_keys          # outcomes default to all
        (['mediation.capacity_per_month'], True)
    """
    data = _normalise(data, source)
    try:
        exp = Experiment.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError(describe_errors(source, exc)) from None
    return check_experiment(exp, source, base_dir)


def check_experiment(exp: Experiment, source: str = "<experiment>", base_dir: Path | None = None) -> Experiment:
    """Check an experiment against its scenario and resolve its defaults.

    Resolves the scenario file, applies the overrides, builds the base scenario's model
    once without running it (so that a scenario the model refuses is reported now), checks
    every factor value against the scenario's schema (its fields' types and bounds) and the
    outcomes and weekly columns against the outcome table and the model's columns. Returns
    a copy with ``outcomes`` filled in.

    Example:
        >>> raw = Experiment.model_validate({"scenario": "tera", "design": "grid", "master_seed": 1,
        ...                                   "factors": {"rex.enabled": {"levels": [True, False]}}})
        >>> raw.outcomes is None, check_experiment(raw).scenario_file.name
        (True, 'tera.toml')
    """
    from ...model import CoopModel

    scenario_file = _resolve_scenario(exp, source, base_dir)
    base = _apply(_scenario_data(scenario_file, source), exp.overrides, f"{source}: overrides")
    try:
        CoopModel(scenario_from_dict(base), seed=0, years=1 / WEEKS_PER_YEAR)
    except ScenarioError as exc:
        raise ExperimentError(f"{source}: {exc}") from None
    except ValueError as exc:  # the model refuses to set the scenario up
        raise ExperimentError(f"{source}: scenario {exp.scenario!r} cannot be set up: {exc}") from None
    for key, factor in exp.factors.items():
        for label, value in factor.values_to_check:
            _apply(base, {key: value}, f"{source}: factors.{key} ({label})")
        _check_fractions(key, factor, source)
    outcomes = _check_names(exp.outcomes, SUMMARY_KEYS, "outcomes", "a summary metric", source)
    _check_names(exp.weekly, WEEKLY_COLUMNS, "weekly", "a weekly column", source)
    checked = exp.model_copy(update={"outcomes": outcomes or list(SUMMARY_KEYS)})
    checked._source = source
    checked._scenario_file = scenario_file
    checked._base = base
    return checked


def _check_fractions(key: str, factor: Factor, source: str) -> None:
    """A range over a whole-number scenario value needs ``integer = true`` (a draw like
    7.3 would be refused at run time): the scenario's schema says which values are whole.

    Example:
        >>> _check_fractions("rex.participation", Factor(low=0.2, high=0.9), "e.toml")   # a share: fine
        >>> try:
        ...     _check_fractions("rex.every_weeks", Factor(low=4, high=16), "e.toml")
        ... except ExperimentError as exc:
        ...     print(exc)
        e.toml: factors.rex.every_weeks: rex.every_weeks takes whole numbers, but low/high draw fractions (add integer = true to the factor)
    """
    if factor.levels is not None or factor.integer or factor.low == factor.high:
        return
    if _whole_numbers(key):
        raise ExperimentError(
            f"{source}: factors.{key}: {key} takes whole numbers, but low/high draw fractions "
            "(add integer = true to the factor)"
        )


def _whole_numbers(key: str) -> bool:
    """Whether the scenario field at the dotted ``key`` is typed ``int`` (or ``int | None``)
    in the scenario's pydantic schema.

    Example:
        >>> _whole_numbers("rex.every_weeks"), _whole_numbers("rex.participation"), _whole_numbers("no.such")
        (True, False, False)
    """
    node: Any = Scenario
    annotation: Any = None
    for part in key.split("."):
        fields = getattr(node, "model_fields", None)
        if not isinstance(fields, dict) or part not in fields:
            return False
        annotation = node = fields[part].annotation
    kinds = set(get_args(annotation) or (annotation,)) - {type(None)}
    return kinds == {int}


def _resolve_scenario(exp: Experiment, source: str, base_dir: Path | None) -> Path:
    try:
        return resolve_path(exp.scenario, base=base_dir).resolve()
    except ScenarioError as exc:
        raise ExperimentError(f"{source}: scenario = {exp.scenario!r}: {exc}") from None


def _scenario_data(path: Path, source: str) -> dict[str, Any]:
    """The scenario file's values (after ``extends``) as plain data."""
    try:
        return load_scenario(path).model_dump(mode="json")
    except ScenarioError as exc:
        raise ExperimentError(f"{source}: scenario: {exc}") from None


def _apply(data: dict[str, Any], overrides: dict[str, Any], where: str) -> dict[str, Any]:
    """``data`` with dotted ``overrides`` set, validated as a scenario; the scenario's
    one-line error prefixed with ``where`` otherwise."""
    try:
        changed = apply_overrides(copy.deepcopy(data), overrides)
    except ScenarioError as exc:  # a dotted key that goes through a value
        raise ExperimentError(f"{where}: {str(exc).removeprefix('--set ')}") from None
    try:
        scenario: Scenario = scenario_from_dict(changed, source=where)
    except ScenarioError as exc:
        raise ExperimentError(str(exc)) from None
    return scenario.model_dump(mode="json")


def _check_names(names: list[str] | None, allowed: tuple[str, ...], field: str, what: str, source: str) -> list[str]:
    """Names that must each be one of ``allowed``, without repeats."""
    if names is None:
        return []
    if field == "outcomes" and not names:
        raise ExperimentError(f"{source}: outcomes is empty (leave it out to keep every summary metric)")
    for name in names:
        if name not in allowed:
            raise ExperimentError(f"{source}: {field}: {name!r} is not {what} (allowed: {', '.join(allowed)})")
    if len(set(names)) != len(names):
        raise ExperimentError(f"{source}: {field} has a repeated name")
    return list(names)
