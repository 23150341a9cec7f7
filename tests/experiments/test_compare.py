"""The paired comparison of two scenarios (coopsim.experiments.analyses.compare) and `coopsim compare`."""

from __future__ import annotations

import re
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest
from analysis_support import (
    REX_START,
    is_png,
)

from coopsim import run
from coopsim.cli import main
from coopsim.experiments.analyses import compare as compare_module
from coopsim.experiments.analyses.common import OUTCOMES, AnalysisError
from coopsim.experiments.analyses.compare import SERIES_COLUMNS, compare, paired_statistics, wilcoxon_p
from coopsim.experiments.engine.seeds import paired_seeds

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
    # burnouts are rare in the first three years of a growing collective: on these seeds there may
    # be none, which the sentence then says in words
    assert en[0].startswith("Burnout incidence is ") and fr[0].startswith("L'incidence du burnout est "), en[0]
    assert re.match(
        r"^Annual turnover is [\d.]+ % (higher|lower) with tera-without-rex than with tera "
        r"\[[+−]?[\d.]+ %, [+−]?[\d.]+ %\] \(4 paired seeds\)",
        en[1],
    ), en[1]
    assert re.match(
        r"^Le turnover annuel est [\d,]+ % plus (élevé|bas) avec tera-without-rex qu'avec tera "
        r"\[[+−]?[\d,]+ % ; [+−]?[\d,]+ %\] \(4 graines appariées\)",
        fr[1],
    ), fr[1]
    assert all(s.endswith(".") for s in en + fr)
    assert any("Le turnover annuel est" in s for s in fr)
    with pytest.raises(AnalysisError):
        comparison.sentences("de")


def test_compare_figure_table_and_markdown(comparison, tmp_path):
    comparison.figure(tmp_path / "c.png")
    assert is_png(tmp_path / "c.png")
    md = comparison.markdown()
    assert "## In English" in md and "## En français" in md and "| Burnout incidence |" in md
    headline = comparison.table()["headline"]
    assert headline.str.match(r"^[+−]?[\d.]+( %)? \[").all()  # a change in % of A, or an absolute one
    assert headline.str.contains(r"%\s\[").sum() >= len(headline) - 1  # absolute only where A is (near) zero


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


@pytest.mark.parametrize("real_processes", [False, True], ids=["threads", "processes"])
def test_compare_uses_the_pool_when_it_pays(monkeypatch, real_processes):
    """With free workers the runs left after the first two go to the pool, in job order,
    with the numbers of a serial comparison: on threads standing in for the processes (the
    pool's size seen), and on real worker processes (forked here on Linux, spawned
    elsewhere), whose runs depend on their scenario and seed only."""
    sizes: list[int] = []

    class Pool(ThreadPoolExecutor):
        def __init__(self, max_workers: int, mp_context: Any) -> None:
            sizes.append(max_workers)
            super().__init__(max_workers)

    if not real_processes:
        monkeypatch.setattr(compare_module, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(compare_module, "WORKER_START_S", {"spawn": 0.0, "fork": 0.0})
    lines: list[str] = []
    kwargs: dict[str, Any] = {"replications": 3, "years": 0.2, "outcomes": ["annual_turnover", "active_final"]}
    pooled = compare("tera", "tera-without-rex", workers=2, notify=lines.append, **kwargs)
    serial = compare("tera", "tera-without-rex", workers=1, **kwargs)
    assert lines == []  # the pool was used
    assert sizes == ([] if real_processes else [2])
    pd.testing.assert_frame_equal(pooled.summaries, serial.summaries)
    pd.testing.assert_frame_equal(pooled.differences, serial.differences)
    pd.testing.assert_frame_equal(pooled.weekly, serial.weekly)


def test_workers_are_forked_only_while_this_process_runs_one_thread():
    """Forking a process that runs other threads can deadlock the copy: then workers are spawned."""
    alone = threading.active_count() == 1
    expected = "fork" if sys.platform == "linux" and alone else "spawn"
    assert compare_module.worker_context().get_start_method() == expected
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert compare_module.worker_context().get_start_method() == "spawn"
    finally:
        release.set()
        other.join()


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
