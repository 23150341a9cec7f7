"""Fixtures of the experiment analysis tests: a Morris and a grid experiment folder, written
once per module (see ``analysis_support``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analysis_support import (
    MORRIS_PROBLEM,
    _manifest,
    _morris_frame,
    write_store,
)


@pytest.fixture(scope="module")
def morris_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    manifest = _manifest("morris", MORRIS_PROBLEM, ["burnout_incidence_per_100py", "mediation_success_rate"])
    return write_store(tmp_path_factory.mktemp("morris") / "exp", _morris_frame(), {**manifest, "replications": 2})


@pytest.fixture(scope="module")
def grid_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 x 3 grid (a boolean and a text factor) and a numeric one, 3 replications."""
    rows = []
    rng = np.random.default_rng(2)
    sample = 0
    for enabled in (True, False):
        for mode in ("circle", "assembly", "delegated"):
            for capacity in (0, 2, 4, 6):
                for r in range(3):
                    burnout = 2 + (0 if enabled else 3) + (3 if mode == "assembly" else 0) - 0.3 * capacity
                    rows.append(
                        {
                            "run_id": r * 24 + sample,
                            "sample_id": sample,
                            "replicate": r,
                            "seed": 10 + r,
                            "rex.enabled": enabled,
                            "governance.mode": mode,
                            "mediation.capacity_per_month": capacity,
                            "burnout_incidence_per_100py": burnout + rng.normal(0, 0.2),
                            "annual_turnover": 0.2 + rng.normal(0, 0.01),
                        }
                    )
                sample += 1
    frame = pd.DataFrame(rows).sort_values("run_id", ignore_index=True)
    manifest = {
        "design": "grid",
        "factors": [
            {"name": "rex.enabled", "levels": [True, False]},
            {"name": "governance.mode", "levels": ["circle", "assembly", "delegated"]},
            {"name": "mediation.capacity_per_month", "levels": [0, 2, 4, 6]},
        ],
        "outcomes": ["burnout_incidence_per_100py", "annual_turnover"],
        "replications": 3,
    }
    return write_store(tmp_path_factory.mktemp("grid") / "exp", frame, manifest)
