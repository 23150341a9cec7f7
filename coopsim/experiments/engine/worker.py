"""What one run of a sweep does, in whichever process runs it.

:func:`run_one` is a plain module-level function of plain data (a dict in, a dict out),
so that a process pool or a Dask worker can import it by name and nothing defined in a
notebook or a ``__main__`` script ever has to be pickled. A task holds the base
scenario as data, the factor values of its sample, its seed, the horizon and the names
of the outcomes to keep; the result holds one row of the results table and, when asked,
the run's weekly series.

A run of a sweep is the same run as ``coopsim.run(scenario, seed, years)`` (same
scenario, same seed, same numbers); only the people and event tables, which a sweep does
not keep, are not built (that saves about 15 % of a run).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd

from ...model import CoopModel
from ...records import summary
from ...scenario import Scenario, apply_overrides, scenario_from_dict

#: Columns identifying a run, first in every row of the results.
ID_COLUMNS = ("run_id", "sample_id", "replicate", "seed")


def simulate(scenario: Scenario, seed: int, years: float | None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Run the scenario to its horizon; return its summary metrics and weekly frame.

    Example:
        >>> from coopsim import load_scenario
        >>> summary, weekly = simulate(load_scenario("tera"), seed=1, years=0.5)
        >>> len(weekly), "annual_turnover" in summary            # 26 weeks
        (26, True)
    """
    model = CoopModel(scenario, seed=seed, years=years)
    model.run_model()
    return summary(model), model.recorder.model_frame()


def scenario_for(base: dict[str, Any], factors: dict[str, Any]) -> Scenario:
    """The base scenario data with the sample's factor values set, validated.

    Example:
        >>> from coopsim import load_scenario
        >>> base = load_scenario("tera").model_dump(mode="json")
        >>> scenario_for(base, {"rex.every_weeks": 4}).rex.every_weeks
        4
    """
    data = apply_overrides(copy.deepcopy(base), dict(factors)) if factors else copy.deepcopy(base)
    return scenario_from_dict(data, source="<sweep run>")


def run_one(task: dict[str, Any]) -> dict[str, Any]:
    """Run one task; return ``{"run_id", "row", "series"}``.

    ``row`` is the run's row of the results table: run_id, sample_id, replicate, seed,
    one value per factor (named by its dotted key), one per outcome. ``series`` is
    ``None``, or a dict of arrays (run_id, week, year and the asked weekly columns).

    Example:
        >>> from coopsim import load_scenario
        >>> task = {"run_id": 7, "sample_id": 3, "replicate": 0, "seed": 1, "years": 0.1,
        ...         "scenario": load_scenario("tera").model_dump(mode="json"), "factors": {"rex.every_weeks": 4},
        ...         "outcomes": ["annual_turnover"], "weekly": []}
        >>> result = run_one(task)
        >>> sorted(result["row"]), result["series"]
        (['annual_turnover', 'replicate', 'rex.every_weeks', 'run_id', 'sample_id', 'seed'], None)
    """
    scenario = scenario_for(task["scenario"], task["factors"])
    summ, frame = simulate(scenario, seed=task["seed"], years=task["years"])
    row: dict[str, Any] = {key: task[key] for key in ID_COLUMNS}
    row.update(task["factors"])
    row.update({key: summ[key] for key in task["outcomes"]})
    series = None
    if task["weekly"]:
        series = {"run_id": np.full(len(frame), task["run_id"], dtype=np.int64)}
        series.update({c: frame[c].to_numpy() for c in ("week", "year", *task["weekly"])})
    return {"run_id": task["run_id"], "row": row, "series": series}
