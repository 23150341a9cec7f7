"""Reference outputs of the core: what every shipped scenario gives on 20 seeds.

The compiled weekly loop must give the same results as the plain numpy processes it
replaced (the oracle). ``tests/reference/core_outputs.json`` holds, for each shipped scenario and seed, a
run's summary and a digest of its frames (per column: the sum and the week-weighted sum;
per event kind: the count and the sum of the persons). ``tests/test_core_reference.py``
compares a fresh run with it.

Regenerate only when the model is meant to change (a new process, a refit), and say so in
the commit: ``python tests/core_reference.py``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REFERENCE_FILE = Path(__file__).parent / "reference" / "core_outputs.json"
SEEDS = tuple(range(1, 21))
YEARS = 10


def shipped_scenarios() -> list[str]:
    """The names of the scenario files shipped in ``scenarios/``."""
    from coopsim.scenario import SCENARIO_DIR

    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def _plain(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def frame_digest(frame: pd.DataFrame, order: str) -> dict[str, list[float]]:
    """Per numeric column: its sum and its sum weighted by ``order`` + 1 (catches shifts)."""
    weight = frame[order].to_numpy(dtype=float) + 1.0
    out = {}
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.cat.codes
        x = np.nan_to_num(values.to_numpy(dtype=float), nan=-1.0)
        out[column] = [float(x.sum()), float((x * weight).sum())]
    return out


def outputs(scenario: str, seed: int) -> dict[str, Any]:
    """A run's summary and the digests of its frames."""
    from coopsim import run

    result = run(scenario, seed=seed, years=YEARS, keep_model=False)
    events = result.events
    kinds = {
        str(kind): [len(group), int(group["person"].sum())] for kind, group in events.groupby("kind", observed=True)
    }
    return {
        "summary": {k: _plain(v) for k, v in result.summary.items()},
        "model_frame": frame_digest(result.model_frame, "week"),
        "people_frame": frame_digest(result.people_frame, "week"),
        "events": kinds,
    }


def main() -> None:
    data = {name: {str(seed): outputs(name, seed) for seed in SEEDS} for name in shipped_scenarios()}
    REFERENCE_FILE.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {REFERENCE_FILE} ({len(data)} scenarios x {len(SEEDS)} seeds)")


if __name__ == "__main__":
    main()
