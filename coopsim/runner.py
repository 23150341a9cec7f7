"""run(): one seeded run of a scenario, returned as frames and a summary.

Example::

    >>> from coopsim import run
    >>> result = run("tera", seed=1, years=2)
    >>> int(result.model_frame["week"].iloc[-1])
    103
    >>> sorted(result.summary)[:3]
    ['acceptance_final', 'active_final', 'annual_turnover']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from .model import CoopModel
from .records import Recorder, summary
from .scenario import Scenario


@dataclass
class RunResult:
    """The outputs of one run.

    Attributes:
        model_frame: one row per week (counts, distributions, work, conflict, money).
        people_frame: one row per present person per recorded week (every week by
            default; every ``record.people_every`` weeks when set).
        events: one row per event: week, person (-1 for collective events), kind.
        summary: headline numbers (defined in ``coopsim.records`` and ``docs/ODD.md``).
        scenario: the scenario that was run (after overrides).
        seed: the seed of the run.
        recorder: what the run recorded, from which the frames are built when first read.
        model: the model at its last week (for inspection; not picklable cheaply).

    Example:
        >>> result = run("tera", seed=1, years=0.5)
        >>> len(result.model_frame), result.summary["weeks"], set(result.events.columns) >= {"week", "kind"}
        (26, 26, True)
    """

    summary: dict[str, Any]
    scenario: Scenario
    seed: int
    recorder: Recorder = field(repr=False)
    model: CoopModel | None = field(default=None, repr=False)

    # The frames are built from the recorder when first read (a run read only for its
    # summary, as a comparison's or a calibration's, never pays for them).

    @cached_property
    def model_frame(self) -> pd.DataFrame:
        return self.recorder.model_frame()

    @cached_property
    def people_frame(self) -> pd.DataFrame:
        return self.recorder.people_frame()

    @cached_property
    def events(self) -> pd.DataFrame:
        return self.recorder.events_frame()


def run(
    scenario: Scenario | str | Path = "tera",
    seed: int | None = None,
    years: float | None = None,
    overrides: list[str] | dict[str, Any] | None = None,
    progress: Any = None,
    keep_model: bool = True,
) -> RunResult:
    """Run a scenario once and return its frames and summary.

    Args:
        scenario: a :class:`Scenario`, or the path or name of a scenario file.
        seed: the run's seed (``None``: a fresh one, reported in ``result.seed``).
        years: horizon (default: the scenario's ``years``).
        overrides: ``"dotted.key=value"`` strings or a dict applied to the scenario.
        progress: an optional callable called with the number of weeks done after each
            week (the CLI passes a progress bar's ``update``).
        keep_model: keep the final model in ``result.model``.

    Example:
        >>> result = run("tera", seed=3, years=0.5, overrides=["rex.enabled=false"])
        >>> result.summary["seed"], result.scenario.rex.enabled
        (3, False)
    """
    model = CoopModel(scenario, seed=seed, years=years, overrides=overrides)
    model.run_weeks(model.horizon, progress)
    rec = model.recorder
    summ = summary(model)
    summ["seed"] = model.seed
    summ["weeks"] = rec.weeks
    return RunResult(summ, model.scenario, model.seed, rec, model if keep_model else None)
