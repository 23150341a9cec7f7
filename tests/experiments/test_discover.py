"""Scenario discovery with PRIM (coopsim.experiments.analyses.discover) and `coopsim discover`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_support import (
    is_png,
)

from coopsim.cli import main
from coopsim.experiments.analyses.common import AnalysisError, load_results
from coopsim.experiments.analyses.discover import boxes_table, discover, trajectory_figure

# --- PRIM -------------------------------------------------------------------------------------------


def _planted(n: int, dims: int, flip: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"x{k}": rng.uniform(size=n) for k in range(dims)})
    inside = frame["x0"].between(0.2, 0.6) & frame["x1"].between(0.3, 0.8)
    good = inside.to_numpy() ^ (rng.uniform(size=n) < flip)  # a few labels flipped
    frame["burnout_incidence_per_100py"] = np.where(good, 1.0, 5.0) + rng.normal(0, 0.1, n)
    return frame


@pytest.mark.parametrize(("dims", "flip"), [(2, 0.0), (3, 0.03)])
def test_prim_finds_a_planted_box(dims, flip):
    frame = _planted(3000, dims, flip, seed=dims)
    box = discover(frame, "burnout_incidence_per_100py", below=3, factors=[f"x{k}" for k in range(dims)])[0]
    for name, (lo, hi) in {"x0": (0.2, 0.6), "x1": (0.3, 0.8)}.items():
        assert box.limits[name][0] == pytest.approx(lo, abs=0.1), box.limits
        assert box.limits[name][1] == pytest.approx(hi, abs=0.1), box.limits
    assert box.density > 0.8 and box.coverage > 0.6, (box.density, box.coverage)
    assert {"x0", "x1"} <= set(box.restricted())
    t = box.trajectory
    assert t["selected"].sum() == 1 and t.loc[t["selected"], "step"].item() == box.step
    assert (np.diff(t["coverage"]) <= 1e-12).all() and (np.diff(t["n_inside"]) < 0).all()
    assert t["support"].iloc[-1] >= 0.05 and t["density"].iloc[-1] >= t["density"].iloc[0]
    inside = box.contains(frame)
    assert inside.sum() == box.n_inside
    assert box.describe().startswith("Burnout incidence stays below 3 in")
    assert "reste sous 3" in box.describe("fr")


def test_prim_restricts_categorical_and_boolean_factors():
    rng = np.random.default_rng(7)
    n = 2400
    frame = pd.DataFrame(
        {
            "x": rng.uniform(size=n),
            "mode": rng.choice(["circle", "assembly", "delegated"], size=n),
            "flag": rng.choice([True, False], size=n),
        }
    )
    frame["y"] = np.where((frame["mode"] != "assembly") & frame["flag"] & (frame["x"] < 0.5), 0.0, 1.0)
    box = discover(frame, "y", below=0.5, factors=["x", "mode", "flag"])[0]
    assert box.levels["mode"] == ["circle", "delegated"]
    assert box.levels["flag"] == [True]
    assert box.limits["x"][1] == pytest.approx(0.5, abs=0.05)
    assert box.density > 0.9 and box.coverage > 0.8
    table = boxes_table([box]).set_index("factor")
    assert table.loc["mode", "levels"] == "circle, delegated" and bool(table.loc["mode", "restricted"])
    assert table.loc["mode", "density_if_dropped"] < box.density


def test_prim_on_a_store_with_covering_and_a_chosen_step(grid_store, tmp_path):
    frame, manifest = load_results(grid_store)
    boxes = discover(frame, "burnout_incidence_per_100py", below=3, manifest=manifest, max_boxes=2)
    first = boxes[0]
    assert first.levels["rex.enabled"] == [True] and "assembly" not in first.levels["governance.mode"]
    assert first.density > 0.8
    assert all(b.number == k + 1 for k, b in enumerate(boxes))
    chosen = discover(frame, "burnout_incidence_per_100py", below=3, manifest=manifest, step=0)[0]
    assert chosen.step == 0 and chosen.support == 1 and not chosen.restricted()
    trajectory_figure(boxes, tmp_path / "t.png")
    assert is_png(tmp_path / "t.png")


def test_discover_refuses_bad_targets(grid_store):
    frame, manifest = load_results(grid_store)
    with pytest.raises(AnalysisError, match="exactly one"):
        discover(frame, "annual_turnover", manifest=manifest)
    with pytest.raises(AnalysisError, match="exactly one"):
        discover(frame, "annual_turnover", below=1, above=0, manifest=manifest)
    with pytest.raises(AnalysisError, match="no run has"):
        discover(frame, "annual_turnover", below=-1, manifest=manifest)
    with pytest.raises(AnalysisError, match="no outcome 'nope'"):
        discover(frame, "nope", below=1, manifest=manifest)


def test_discover_command_writes_its_files(grid_store, tmp_path, capsys):
    out = tmp_path / "disc"
    args = ["discover", str(grid_store), "--outcome", "burnout_incidence_per_100py", "--below", "3", "--out", str(out)]
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == ["boxes.csv", "discover.md", "trajectory.csv", "trajectory.png"]
    md = (out / "discover.md").read_text(encoding="utf-8")
    assert "coverage" in md and "couverture" in md and "`rex.enabled`" in md
    assert {"factor", "restricted", "low", "high", "levels", "coverage", "density"} <= set(
        pd.read_csv(out / "boxes.csv").columns
    )
    assert "box 1: coverage" in capsys.readouterr().out


# --- pasting -------------------------------------------------------------------------------------


def _overpeeled(seed: int) -> pd.DataFrame:
    """Runs where greedy peeling cuts too much: level 'c' of g is bad below x0 = 0.3 and
    always good above, levels 'a' and 'b' good above 0.3 in 85 % of the runs. Peeling drops
    'c' first (its many bad runs at low x0), then peels x0 up to 0.3; by then 'c''s runs
    left (x0 ≥ 0.3) are denser than the box: pasting must put 'c' back."""
    rng = np.random.default_rng(seed)
    ab = pd.DataFrame({"g": rng.choice(["a", "b"], 1400), "x0": rng.uniform(size=1400)})
    ab["y"] = ((ab["x0"] >= 0.3) & (rng.uniform(size=1400) < 0.85)).astype(float)
    c = pd.DataFrame({"g": "c", "x0": np.r_[rng.uniform(0, 0.3, 300), rng.uniform(0.3, 1, 200)]})
    c["y"] = (c["x0"] >= 0.3).astype(float)
    return pd.concat([ab, c], ignore_index=True)


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_pasting_puts_back_what_peeling_cut_too_early(seed):
    frame = _overpeeled(seed)
    box = discover(frame, "y", above=0.5, factors=["g", "x0"])[0]
    peeled = box.trajectory.loc[box.step]
    assert box.trajectory.loc[box.step, "peeled"] != "(all runs)"
    assert list(box.pastes["paste"]) == ["g + c"], box.pastes  # the level dropped first comes back
    assert box.levels["g"] == ["a", "b", "c"]
    assert box.n_inside > peeled["n_inside"] and box.density > peeled["density"]  # larger and denser
    assert box.coverage > peeled["coverage"]
    assert box.limits["x0"][0] == pytest.approx(0.3, abs=0.03)  # the x0 limit stays
    assert box.contains(frame).sum() == box.n_inside
    assert box.pastes["n_inside"].iloc[-1] == box.n_inside and box.pastes["density"].iloc[-1] == box.density
    unpasted = discover(frame, "y", above=0.5, factors=["g", "x0"], step=box.step)[0]  # a step asked: as peeled
    assert unpasted.pastes.empty and unpasted.n_inside == peeled["n_inside"]


def test_pasting_widens_a_numeric_limit_cut_too_far():
    """On one factor: a box cut two runs too far below is pasted back, one run at a time
    (alpha = 5 % of 8 runs: one run), while that makes it denser, and no further."""
    from coopsim.experiments.analyses.discover import _State, paste

    x = np.arange(10.0)
    good = (x >= 2) & (x <= 7)
    peeled = _State(x >= 4, {"x": (4.0, 9.0)}, {}, "x ≥ 4")
    steps = paste(peeled, {"x": x}, {}, good)
    assert [s.limits["x"] for s in steps] == [(3.0, 9.0), (2.0, 9.0)]
    assert [int(s.inside.sum()) for s in steps] == [7, 8]
    assert paste(steps[-1], {"x": x}, {}, good) == []  # x = 1 is bad: pasting it would thin the box
    pure = _State((x >= 4) & (x <= 7), {"x": (4.0, 7.0)}, {}, "")
    assert paste(pure, {"x": x}, {}, good) == []  # a pure box cannot get denser (as EMA Workbench's prim)


def test_a_box_that_restricts_nothing_says_so():
    """A target met almost everywhere: the whole explored range is the box, said plainly."""
    y = np.r_[np.zeros(47), np.ones(5), np.zeros(48)]  # the 5 bad runs in the middle: no edge to peel
    box = discover(pd.DataFrame({"a": np.linspace(0, 1, 100), "y": y}), "y", below=0.5, factors=["a"])[0]
    assert box.restricted() == []
    assert box.describe().startswith("No box: over the whole explored range, y stays below 0.5 in 95 % of the runs")
    assert box.describe("fr").startswith("Pas de boîte : sur tout le domaine exploré,")
    assert "with over" not in box.describe() and "(density)" not in box.describe()
