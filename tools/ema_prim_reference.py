"""Write the EMA Workbench PRIM reference that ``tests/experiments/test_discover_ema.py`` checks ours against.

EMA Workbench's ``ema_workbench.analysis.prim`` is the reference implementation of PRIM for
scenario discovery. This script builds three small data sets (seeded numpy, 300-400 runs:
a noisy rectangle in three numeric factors, a diagonal boundary that no box fits, and a
rectangle in a numeric and a categorical factor), runs EMA's PRIM on each with the settings
of ``coopsim discover``'s defaults and its objective (the density of the box, EMA's
``ORIGINAL``)::

    prim.Prim(x, y, threshold=0.8, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05,
              obj_function=PRIMObjectiveFunctions.ORIGINAL).find_box()

and writes the data and EMA's peeling and pasting trajectory (each box's limits, runs and
good runs) to ``tests/experiments/ema_prim_reference.json``. The test reads that file; it
never imports ema_workbench, which is not a dependency of coopsim.

Usage (in a virtual environment of its own, outside the repository, e.g.
``python3.11 -m venv /tmp/ema && /tmp/ema/bin/pip install ema_workbench``; the reference was
written with ema_workbench 2.5.3, numpy 2.4.6 and pandas 3.1.1)::

    /tmp/ema/bin/python tools/ema_prim_reference.py
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")  # EMA warns about optional packages (altair, ipyparallel) at import
import ema_workbench  # noqa: E402
from ema_workbench.analysis import prim  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "tests" / "experiments" / "ema_prim_reference.json"
SETTINGS = {"threshold": 0.8, "peel_alpha": 0.05, "paste_alpha": 0.05, "mass_min": 0.05}


def datasets() -> Iterator[tuple[str, pd.DataFrame, np.ndarray]]:
    """(name, factors, 0/1 outcome) of each data set; factor values rounded to 6 decimals."""
    rng = np.random.default_rng(16)
    x = pd.DataFrame({f: rng.uniform(size=400) for f in "abc"}).round(6)
    inside = ((x.a > 0.2) & (x.a < 0.6) & (x.b > 0.3)).to_numpy()
    yield "noisy_rectangle", x, (inside ^ (rng.uniform(size=400) < 0.1)).astype(int)  # 10 % of labels flipped
    rng = np.random.default_rng(17)
    x = pd.DataFrame({f: rng.uniform(size=300) for f in "ab"}).round(6)
    yield "diagonal", x, (x.a + x.b < 0.7).to_numpy().astype(int)
    rng = np.random.default_rng(18)
    x = pd.DataFrame({"a": rng.uniform(size=400), "b": rng.uniform(size=400)}).round(6)
    x["k"] = rng.choice(["p", "q", "r", "s"], size=400)
    inside = (x.k.isin(["p", "q"]) & (x.a < 0.5)).to_numpy()
    yield "categorical", x, (inside ^ (rng.uniform(size=400) < 0.05)).astype(int)


def ema_trajectory(x: pd.DataFrame, y: np.ndarray) -> list[dict]:
    """EMA's boxes, peeling then pasting: limits (numeric: [low, high]; categorical: the
    levels kept, sorted), n (runs inside) and k (good runs inside)."""
    box = prim.Prim(x, y, obj_function=prim.PRIMObjectiveFunctions.ORIGINAL, **SETTINGS).find_box()
    steps = []
    for lims, (_, row) in zip(box.box_lims, box.peeling_trajectory.iterrows(), strict=True):
        limits = {}
        for f in x.columns:
            low, high = lims.loc[0, f], lims.loc[1, f]
            limits[f] = sorted(low) if isinstance(low, set) else [float(low), float(high)]
        steps.append({"limits": limits, "n": int(row["n"]), "k": int(row["k"])})
    return steps


def main() -> None:
    logging.getLogger("EMA").setLevel(logging.WARNING)
    reference = {
        "generated_by": (
            f"tools/ema_prim_reference.py with ema_workbench {ema_workbench.__version__}, numpy {np.__version__}, "
            f"pandas {pd.__version__}: prim.Prim(x, y, threshold=0.8, peel_alpha=0.05, paste_alpha=0.05, "
            f"mass_min=0.05, obj_function=PRIMObjectiveFunctions.ORIGINAL).find_box()"
        ),
        "settings": SETTINGS,
        "datasets": {},
    }
    for name, x, y in datasets():
        steps = ema_trajectory(x, y)
        n_peeled = next((i for i in range(1, len(steps)) if steps[i]["n"] > steps[i - 1]["n"]), len(steps))
        reference["datasets"][name] = {
            "factors": {f: x[f].tolist() for f in x.columns},
            "y": y.tolist(),
            "peeling": steps[:n_peeled],
            "pasting": steps[n_peeled:],
        }
        print(f"{name}: {len(x)} runs, {int(y.sum())} good; {n_peeled} peeling boxes, {len(steps) - n_peeled} pastes")
    OUT.write_text(json.dumps(reference, indent=None) + "\n", encoding="utf-8")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
