"""The analysis half of the experiments: paired comparison, sensitivity, scenario discovery,
report, and their sub-commands.

The sensitivity, discovery and report tests read synthetic experiment folders written
here in the store format of ``coopsim sweep`` (manifest.json, plan.parquet,
runs/part-*.parquet), with outcomes made from the factors by a known formula, so that
the right answer is known: a factor the outcome ignores, a dominant one, a planted box.
"""

from __future__ import annotations

import importlib.util
import json
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from coopsim import run
from coopsim.cli import main
from coopsim.experiments.analyses import common as analysis_base
from coopsim.experiments.analyses import compare as compare_module
from coopsim.experiments.analyses.common import OUTCOMES, AnalysisError, load_results
from coopsim.experiments.analyses.compare import SERIES_COLUMNS, compare, paired_statistics, wilcoxon_p
from coopsim.experiments.analyses.discover import boxes_table, discover, trajectory_figure
from coopsim.experiments.analyses.report import report
from coopsim.experiments.analyses.sensitivity import sensitivity, sensitivity_figure
from coopsim.experiments.engine import execute, worker
from coopsim.experiments.engine.seeds import paired_seeds

PNG = b"\x89PNG\r\n\x1a\n"
REX_START = 104  # scenarios/tera.toml: rex.start_week


def is_png(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == PNG


# --- synthetic experiment folders ---------------------------------------------------------------

STORE_AVAILABLE = importlib.util.find_spec("coopsim.experiments.engine.store") is not None
FORMAT = "coopsim-sweep/1"


def _read_store(folder: Path) -> pd.DataFrame:
    """Fallback reader of the runs while coopsim.experiments.store does not exist."""
    parts = sorted((folder / "runs").glob("part-*.parquet"))
    frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    return frame.sort_values("run_id", ignore_index=True)


@pytest.fixture(autouse=True)
def _store_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read synthetic folders without the store module when it is not there (yet)."""
    if not STORE_AVAILABLE:
        monkeypatch.setattr(analysis_base, "_load_runs", _read_store)
        monkeypatch.setattr(analysis_base, "_read_manifest", lambda f: json.loads((f / "manifest.json").read_text()))


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


# --- compare --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison():
    """tera (A) vs tera-without-rex (B): 4 paired seeds of 3 years (REX starts at week 104)."""
    return compare("tera", "tera-without-rex", replications=4, years=3, workers=1)


def test_compare_runs_both_scenarios_on_the_same_seeds(comparison):
    s = comparison.summaries
    assert len(s) == 8 and set(s["variant"]) == {"A", "B"}
    seeds_a = s.loc[s["variant"] == "A", "seed"].tolist()
    seeds_b = s.loc[s["variant"] == "B", "seed"].tolist()
    assert seeds_a == seeds_b == comparison.seeds == paired_seeds(4, 0)
    assert len(set(seeds_a)) == 4
    assert comparison.label_a == "tera" and comparison.label_b == "tera-without-rex"
    assert set(s.loc[s["variant"] == "B", "scenario"]) == {"tera-without-rex"}


def test_paired_runs_are_identical_until_rex_starts(comparison):
    w = comparison.weekly
    cols = list(SERIES_COLUMNS)
    a = w[w["variant"] == "A"].sort_values(["replicate", "week"], ignore_index=True)
    b = w[w["variant"] == "B"].sort_values(["replicate", "week"], ignore_index=True)
    before = a["week"] < REX_START
    assert len(a) == len(b) == 4 * 3 * 52
    pd.testing.assert_frame_equal(a.loc[before, cols], b.loc[before, cols])
    assert (a.loc[~before, cols].to_numpy() != b.loc[~before, cols].to_numpy()).any()


def test_compare_statistics_are_consistent(comparison):
    t = comparison.table()
    assert list(t["outcome"])[:2] == ["burnout_incidence_per_100py", "annual_turnover"]
    for r in t.to_dict("records"):
        assert r["n_pairs"] == 4
        assert r["diff_ci_low"] <= r["diff_mean"] <= r["diff_ci_high"], r
        if np.isfinite(r["rel_diff_pct"]):
            assert r["rel_ci_low"] <= r["rel_diff_pct"] <= r["rel_ci_high"], r
            assert r["rel_diff_pct"] == pytest.approx(100 * r["diff_mean"] / r["mean_a"])
        assert 0 <= r["p_value"] <= 1
        assert r["mean_b"] - r["mean_a"] == pytest.approx(r["diff_mean"])
    s = comparison.summaries
    burnout = s.pivot(index="replicate", columns="variant", values="burnout_incidence_per_100py")
    assert t.loc[0, "diff_mean"] == pytest.approx((burnout["B"] - burnout["A"]).mean())
    bands = comparison.bands()
    assert {"q05", "q25", "median", "q75", "q95"} <= set(bands.columns)
    assert (bands["q05"] <= bands["median"]).all() and (bands["median"] <= bands["q95"]).all()


def test_compare_sentences_in_english_and_french(comparison):
    en, fr = comparison.sentences("en"), comparison.sentences("fr")
    assert len(en) == len(fr) == len(comparison.differences)
    assert re.match(
        r"^Burnout incidence is [\d.]+ % (higher|lower) with tera-without-rex than with tera "
        r"\[[+−]?[\d.]+ %, [+−]?[\d.]+ %\] \(4 paired seeds\)",
        en[0],
    ), en[0]
    assert re.match(
        r"^L'incidence du burnout est [\d,]+ % plus (élevée|basse) avec tera-without-rex qu'avec tera "
        r"\[[+−]?[\d,]+ % ; [+−]?[\d,]+ %\] \(4 graines appariées\)",
        fr[0],
    ), fr[0]
    assert all(s.endswith(".") for s in en + fr)
    assert any("Le turnover annuel est" in s for s in fr)
    with pytest.raises(AnalysisError):
        comparison.sentences("de")


def test_compare_figure_table_and_markdown(comparison, tmp_path):
    comparison.figure(tmp_path / "c.png")
    assert is_png(tmp_path / "c.png")
    md = comparison.markdown()
    assert "## In English" in md and "## En français" in md and "| Burnout incidence |" in md
    assert comparison.table()["headline"].str.contains(r"%\s\[").all()


def test_compare_of_a_scenario_with_itself_finds_no_difference():
    c = compare("tera", "tera", replications=2, years=0.5, outcomes=["annual_turnover", "mean_trust"])
    assert (c.differences["diff_mean"] == 0).all() and (c.differences["p_value"] == 1).all()
    assert c.label_a != c.label_b  # "tera (A)", "tera (B)"
    assert "the same" in c.sentences()[0] and "identique" in c.sentences("fr")[0]


def test_compare_refuses_too_few_replications_and_unknown_outcomes():
    with pytest.raises(AnalysisError, match="at least 2"):
        compare("tera", "tera-without-rex", replications=1)
    with pytest.raises(AnalysisError, match="unknown outcome 'nope'"):
        compare("tera", "tera-without-rex", replications=2, outcomes=["nope"])


def test_paired_statistics_of_a_known_sample():
    a = np.array([10.0, 12.0, 11.0, 13.0, np.nan])
    b = np.array([8.0, 9.0, 9.0, 10.0, 1.0])  # the NaN pair is left out
    s = paired_statistics(a, b, n_boot=500, rng=np.random.default_rng(0))
    assert s["n_pairs"] == 4 and s["diff_mean"] == -2.5 and s["diff_median"] == -2.5
    assert s["diff_ci_low"] == -3.0 and s["diff_ci_high"] == -2.0  # the bootstrap of {-2,-3,-2,-3}
    assert s["rel_diff_pct"] == pytest.approx(-2.5 / 11.5 * 100)
    assert s["p_value"] == pytest.approx(0.125)  # exact Wilcoxon, n = 4, all of one sign


def test_wilcoxon_p_is_scipys_p_value():
    """The three ways scipy takes (exact, permutations, normal approximation) give its very
    numbers: no ties; ties or zeros up to 13 differences; more, or above 50."""
    from scipy import stats

    rng = np.random.default_rng(3)
    samples = [rng.normal(size=n) for n in (2, 5, 12, 30, 50, 60)]
    samples += [rng.integers(-3, 4, size=n).astype(float) for n in (3, 6, 8, 20, 40)]
    samples += [np.round(rng.normal(size=n), 1) for n in (7, 25)] + [np.array([0.0, 0.0, 1.5]), np.array([0.1, -0.1])]
    for d in samples:
        if np.all(d == 0):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert wilcoxon_p(d) == stats.wilcoxon(d).pvalue, d


def test_band_quantiles_are_nanquantiles():
    values = np.array([[1.0, 2.0, 4.0], [np.nan, 3.0, 1.0], [np.nan, np.nan, np.nan], [5.0, 0.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(values, list(compare_module.BAND_QUANTILES.values()), axis=1)
    np.testing.assert_array_equal(compare_module._quantiles(values), expected)


def test_compare_bands_are_the_runs_quantiles(comparison):
    w = comparison.weekly
    runs = w[(w["variant"] == "B") & (w["week"] == 120)]["active"].to_numpy()
    b = comparison.bands(["active"])
    row = b[(b["variant"] == "B") & (b["week"] == 120)]
    assert list(b.columns) == ["variant", "scenario", "column", "week", "year", "q05", "q25", "median", "q75", "q95"]
    assert row["median"].item() == np.median(runs) and row["q95"].item() == np.quantile(runs, 0.95)
    assert set(b["scenario"]) == {"tera", "tera-without-rex"} and len(b) == 2 * 3 * 52


def test_compare_runs_here_when_worker_processes_would_not_pay():
    lines: list[str] = []
    compare(
        "tera", "tera-without-rex", replications=2, years=0.1, workers=2, outcomes=["active_final"], notify=lines.append
    )
    assert len(lines) == 1 and "all in this process" in lines[0], lines


def test_compare_uses_the_pool_when_it_pays(monkeypatch):
    """With free workers the runs left after the first two go to the pool (threads stand in
    for the processes), in job order, with the numbers of a serial comparison."""
    sizes: list[int] = []

    class Pool(ThreadPoolExecutor):
        def __init__(self, max_workers: int, mp_context: Any) -> None:
            sizes.append(max_workers)
            super().__init__(max_workers)

    monkeypatch.setattr(compare_module, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(compare_module, "WORKER_START_S", 0.0)
    lines: list[str] = []
    kwargs: dict[str, Any] = {"replications": 3, "years": 0.2, "outcomes": ["annual_turnover", "active_final"]}
    pooled = compare("tera", "tera-without-rex", workers=2, notify=lines.append, **kwargs)
    serial = compare("tera", "tera-without-rex", workers=1, **kwargs)
    assert sizes == [2] and lines == []
    pd.testing.assert_frame_equal(pooled.summaries, serial.summaries)
    pd.testing.assert_frame_equal(pooled.differences, serial.differences)
    pd.testing.assert_frame_equal(pooled.weekly, serial.weekly)


def test_every_summary_metric_has_a_sentence_name():
    keys = set(run("tera", seed=1, years=0.1, keep_model=False).summary) - {"seed", "weeks"}
    assert keys <= set(OUTCOMES), keys - set(OUTCOMES)


def test_compare_command_writes_its_files(tmp_path, capsys):
    out = tmp_path / "cmp"
    args = ["compare", "tera", "tera-without-rex", "-r", "2", "--years", "0.5", "--workers", "1", "--out", str(out)]
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "comparison.csv",
        "comparison.md",
        "comparison.png",
        "summaries.parquet",
    ]
    assert is_png(out / "comparison.png")
    md = (out / "comparison.md").read_text(encoding="utf-8")
    assert "Burnout incidence" in md and "L'incidence du burnout" in md
    table = pd.read_csv(out / "comparison.csv")
    assert {"outcome", "diff_mean", "diff_ci_low", "rel_diff_pct", "p_value", "headline"} <= set(table.columns)
    summaries = pd.read_parquet(out / "summaries.parquet")
    assert len(summaries) == 4
    assert (
        summaries.loc[summaries["variant"] == "A", "seed"].tolist()
        == summaries.loc[summaries["variant"] == "B", "seed"].tolist()
    )
    assert "paired seeds" in capsys.readouterr().out


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


# --- report -----------------------------------------------------------------------------------------


def test_report_of_a_morris_experiment(morris_store, tmp_path):
    md = report(morris_store, tmp_path / "rep")
    files = sorted(p.name for p in md.parent.iterdir())
    assert {"report.md", "report.html", "sensitivity.png", "outcome-burnout_incidence_per_100py.png"} <= set(files)
    assert all(is_png(md.parent / f) for f in files if f.endswith(".png"))
    text = md.read_text(encoding="utf-8")
    for part in ("# Experiment synthetic", "## Factors", "## Outcomes over all runs", "## Sensitivity", "μ*"):
        assert part in text
    assert "mediation_success_rate" in text  # listed as not analysed (NaN in some samples)
    page = (md.parent / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page and '<img src="sensitivity.png"' in page


def test_report_command_on_a_grid_experiment(grid_store, capsys):
    assert main(["report", str(grid_store)]) == 0
    folder = grid_store / "report"
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "## Mean of each outcome by factor level" in text and "| `governance.mode` | assembly |" in text
    assert "Not computed: the design is 'grid'" in text
    assert is_png(folder / "outcome-annual_turnover.png") and (folder / "report.html").is_file()


# --- command-line mistakes: one line, exit code 2 ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "tera", "tera-without-rex", "-r", "1"], "at least 2"),
        (["compare", "tera", "no-such-scenario", "-r", "2"], "no such scenario"),
        (["compare", "tera", "tera", "-r", "2", "--outcome", "nope", "--years", "0.1"], "unknown outcome"),
        (["sensitivity", "{grid}"], "'morris' or 'sobol'"),
        (["sensitivity", "{morris}", "--outcome", "nope"], "no outcome 'nope'"),
        (["sensitivity", "{missing}"], "no such folder"),
        (["discover", "{grid}", "--outcome", "annual_turnover"], "one of the arguments --below --above"),
        (["discover", "{grid}", "--outcome", "annual_turnover", "--below", "1", "--above", "2"], "not allowed"),
        (["discover", "{grid}", "--outcome", "nope", "--below", "1"], "no outcome 'nope'"),
        (["discover", "{grid}", "--outcome", "annual_turnover", "--below", "1", "--min-density", "2"], "between 0"),
        (["report", "{plain}"], "not an experiment folder"),
    ],
)
def test_command_mistakes_are_one_line_exit_2(args, message, grid_store, morris_store, tmp_path, capsys):
    (tmp_path / "plain").mkdir()
    paths = {"grid": grid_store, "morris": morris_store, "missing": tmp_path / "nope", "plain": tmp_path / "plain"}
    argv = [a.format(**paths) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("coopsim: error: ") and err.count("\n") == 1, err
    assert message in err, err


def test_analysis_commands_have_help(capsys):
    for name in ("compare", "sensitivity", "discover", "report"):
        assert main([name, "--help"]) == 0
        text = capsys.readouterr().out
        assert "examples:" in text and f"coopsim {name}" in text


# --- with the folders 'coopsim sweep' really writes -------------------------------------------------


TINY_MORRIS = """
name = "tiny-morris"
scenario = "tera"
years = 1
design = "morris"
samples = 2
replications = 1
master_seed = 3
outcomes = ["annual_turnover", "mean_engagement", "conflicts_opened"]

[factors]
mediation.capacity_per_month = { low = 0, high = 6, integer = true }
work.overwork = { low = 0.0, high = 0.5 }
rex.enabled = [true, false]
"""


def sweep_tiny_morris(tmp_path: Path) -> Path:
    """Sweep a tiny Morris experiment (8 one-year runs, in this process) into tmp_path/out.

    Nothing here catches an error: a sweep that fails fails the test that called it.
    """
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_MORRIS, encoding="utf-8")
    return execute.sweep(spec, tmp_path / "out", workers=1, progress=False)


def test_an_error_inside_the_sweep_fails_the_analysis_test(tmp_path, monkeypatch):
    """The real-sweep test below cannot pass (or skip) when the sweep breaks."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected into the sweep's runs")

    monkeypatch.setattr(worker, "simulate", broken)
    with pytest.raises(Exception, match="injected into the sweep's runs"):
        sweep_tiny_morris(tmp_path)


def test_analysis_of_a_real_morris_sweep(tmp_path):
    out = sweep_tiny_morris(tmp_path)
    frame, manifest = load_results(out)
    assert len(frame) == 2 * 4
    t = sensitivity(frame, manifest, "mean_engagement")
    assert set(t["factor"]) == {"mediation.capacity_per_month", "work.overwork", "rex.enabled"}
    assert t.loc[t["factor"] == "rex.enabled", "mu_star"].item() == 0  # REX starts at week 104: no effect in a year
    md = report(out)
    assert (md.parent / "sensitivity.png").is_file()
    median = frame["annual_turnover"].median()
    box = discover(frame, "annual_turnover", below=median + 1e-9, manifest=manifest, min_support=0.2)[0]
    assert 0 < box.coverage <= 1
