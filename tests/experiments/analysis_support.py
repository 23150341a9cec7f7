"""Helpers of the experiment analysis tests: synthetic experiment folders in the store
format of ``coopsim sweep`` (manifest.json, plan.parquet, runs/part-*.parquet), with
outcomes made from the factors by a known formula, so that the right answer is known: a
factor the outcome ignores, a dominant one, a planted box.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from SALib.sample import morris as morris_sample

PNG = b"\x89PNG\r\n\x1a\n"
REX_START = 104  # scenarios/tera.toml: rex.start_week


def is_png(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == PNG


# --- synthetic experiment folders ---------------------------------------------------------------

FORMAT = "coopsim-sweep/1"


def write_store(folder: Path, frame: pd.DataFrame, manifest: dict[str, Any]) -> Path:
    """An experiment folder as 'coopsim sweep' writes it, holding ``frame``'s runs."""
    folder.mkdir(parents=True)
    (folder / "runs").mkdir()
    factors = [f["name"] for f in manifest["factors"]]
    full = {
        "format": FORMAT,
        "name": "synthetic",
        "experiment": {"name": "synthetic"},
        "fingerprint": "synthetic",
        "coopsim_version": "synthetic",
        "weekly": [],
        "sessions": [],
        "runs_total": len(frame),
        "runs_done": len(frame),
        **manifest,
    }
    (folder / "manifest.json").write_text(json.dumps(full), encoding="utf-8")
    frame[["run_id", "sample_id", "replicate", "seed", *factors]].to_parquet(folder / "plan.parquet", index=False)
    frame.to_parquet(folder / "runs" / "part-000000000-synthetic.parquet", index=False)
    return folder


def runs_frame(X: np.ndarray, names: list[str], outcomes: dict[str, Any], replications: int = 1) -> pd.DataFrame:
    """One row per run: the samples of X repeated per replicate (run_id = r · n + sample),
    outcomes computed by ``outcomes[name](x_row_matrix, replicate) -> values``."""
    n = X.shape[0]
    parts = []
    for r in range(replications):
        part = pd.DataFrame(
            {"run_id": np.arange(n) + r * n, "sample_id": np.arange(n), "replicate": r, "seed": 100 + r}
        )
        for k, name in enumerate(names):
            part[name] = X[:, k]
        for name, f in outcomes.items():
            part[name] = f(X, r)
        parts.append(part)
    return pd.concat(parts, ignore_index=True).sort_values("run_id", ignore_index=True)


MORRIS_PROBLEM = {
    "num_vars": 3,
    "names": ["rex.every_weeks", "spheres.share", "mediation.capacity_per_month"],
    "bounds": [[4, 16], [0, 1], [0, 6]],
}


def _morris_frame() -> pd.DataFrame:
    X = morris_sample.sample(MORRIS_PROBLEM, N=20, num_levels=4, seed=1)
    noise = np.random.default_rng(5)

    def y(X: np.ndarray, r: int) -> np.ndarray:  # x0 dominant, x1 ignored, x2 mild, a little noise
        return 10 * (X[:, 0] - 4) / 12 + 0 * X[:, 1] + 1.5 * X[:, 2] / 6 + noise.normal(0, 0.05, len(X))

    def z(X: np.ndarray, r: int) -> np.ndarray:  # undefined in some samples
        return np.where(X[:, 2] > 3, 1.0, np.nan)

    return runs_frame(X, MORRIS_PROBLEM["names"], {"burnout_incidence_per_100py": y, "mediation_success_rate": z}, 2)


def _manifest(design: str, problem: dict[str, Any], outcomes: list[str], **extra: Any) -> dict[str, Any]:
    factors = [{"name": n, "low": b[0], "high": b[1]} for n, b in zip(problem["names"], problem["bounds"])]
    return {"design": design, "factors": factors, "problem": problem, "outcomes": outcomes, **extra}
