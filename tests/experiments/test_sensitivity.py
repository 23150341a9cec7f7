"""Morris and Sobol indices (coopsim.experiments.analyses.sensitivity) and `coopsim sensitivity`."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_support import (
    _manifest,
    is_png,
    runs_frame,
)
from SALib.sample import sobol as sobol_sample

from coopsim.cli import main
from coopsim.experiments.analyses.common import AnalysisError, load_results
from coopsim.experiments.analyses.sensitivity import sensitivity, sensitivity_figure

# --- sensitivity -----------------------------------------------------------------------------------


def test_morris_ranks_the_dominant_factor_first_and_the_ignored_one_near_zero(morris_store):
    frame, manifest = load_results(morris_store)
    assert len(frame) == 2 * 80
    t = sensitivity(frame, manifest, "burnout_incidence_per_100py")
    assert list(t["factor"]) == ["rex.every_weeks", "mediation.capacity_per_month", "spheres.share"]
    mu = t.set_index("factor")["mu_star"]
    assert mu["rex.every_weeks"] == pytest.approx(10, rel=0.05)  # 10 per range of the factor
    assert mu["mediation.capacity_per_month"] == pytest.approx(1.5, rel=0.15)
    assert mu["spheres.share"] < 0.02 * mu["rex.every_weeks"]
    assert (t["mu_star_conf"] >= 0).all() and t["method"].eq("morris").all()


def test_sobol_indices_of_an_ignored_factor_are_zero_within_their_interval():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [0, 1], [0, 1]]}
    X = sobol_sample.sample(problem, 256, calc_second_order=False, seed=3)
    frame = runs_frame(X, problem["names"], {"y": lambda X, r: 10 * X[:, 0] + 2 * X[:, 2] + 3 * X[:, 0] * X[:, 2]})
    t = sensitivity(frame, _manifest("sobol", problem, ["y"])).set_index("factor")
    assert t.index[0] == "a" and t.loc["a", "rank"] == 1
    assert abs(t.loc["b", "S1"]) <= t.loc["b", "S1_conf"] + 1e-12
    assert abs(t.loc["b", "ST"]) <= t.loc["b", "ST_conf"] + 1e-12
    assert t.loc["a", "S1"] > 0.7 and t.loc["a", "ST"] - t.loc["a", "ST_conf"] > 0.7


def test_sensitivity_refuses_other_designs_and_undefined_outcomes(morris_store, grid_store):
    frame, manifest = load_results(grid_store)
    with pytest.raises(AnalysisError, match="'morris' or 'sobol'"):
        sensitivity(frame, manifest)
    frame, manifest = load_results(morris_store)
    with pytest.raises(AnalysisError, match=r"undefined \(NaN\)"):
        sensitivity(frame, manifest, "mediation_success_rate")
    with pytest.raises(AnalysisError, match="no outcome 'nope'"):
        sensitivity(frame, manifest, "nope")
    with pytest.raises(AnalysisError, match="whole Morris trajectories"):
        sensitivity(frame[frame["sample_id"] < 7], manifest, "burnout_incidence_per_100py")


def test_sensitivity_figure_and_command(morris_store, tmp_path, capsys):
    frame, manifest = load_results(morris_store)
    sensitivity_figure(sensitivity(frame, manifest, "burnout_incidence_per_100py"), tmp_path / "s.png")
    assert is_png(tmp_path / "s.png")
    out = tmp_path / "sens"
    assert main(["sensitivity", str(morris_store), "--out", str(out), "--resamples", "100"]) == 0
    assert is_png(out / "sensitivity.png")
    table = pd.read_csv(out / "sensitivity.csv")
    assert table.loc[0, "factor"] == "rex.every_weeks"
    assert "μ*" in (out / "sensitivity.md").read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    assert "1. rex.every_weeks" in printed and "not analysed: mediation_success_rate" in printed
