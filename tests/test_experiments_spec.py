"""Experiment files, seeds and designs: what a sweep will run, checked before it runs.

- derived seeds are pinned (the same on every machine and version), distinct and shared
  by replicate r of every sample;
- each design gives the expected number of runs (SALib's counts for morris and sobol),
  with values inside the ranges and of the scenario's types;
- every shipped experiment loads, and the first and last run of its plan can be set up;
- malformed experiment files each end with one ``coopsim: error:`` line naming the
  problem and exit code 2 (through ``coopsim sweep``), and nothing is written.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from coopsim.cli import main
from coopsim.experiments import (
    ExperimentError,
    derive_seed,
    experiment_from_dict,
    load_experiment,
    plan,
    run_count,
)
from coopsim.experiments.commands.sweep import EXPERIMENT_DIR
from coopsim.experiments.engine.execute import tasks
from coopsim.experiments.engine.seeds import design_seed
from coopsim.experiments.engine.worker import run_one

# --- seeds ---------------------------------------------------------------------------------


def test_derived_seeds_are_pinned() -> None:
    """SeedSequence-derived: these numbers must never change (stores would not resume)."""
    assert derive_seed(0, 0) == 1317536309490288386
    assert derive_seed(20240611, 0) == 291017149022176246
    assert derive_seed(20240611, 5) == 4592752312435559149
    assert design_seed(20240611) == 285237284


def test_derived_seeds_are_distinct_and_fit_int64() -> None:
    seeds = [derive_seed(m, r) for m in (0, 1, 2, 12345) for r in range(2500)]
    assert len(set(seeds)) == len(seeds)
    assert all(0 <= s < 2**63 for s in seeds)
    assert design_seed(1) != design_seed(2)


def test_negative_seeds_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        derive_seed(-1, 0)
    with pytest.raises(ValueError, match="negative"):
        derive_seed(1, -1)


# --- designs -------------------------------------------------------------------------------

RANGES: dict[str, Any] = {
    "rex.participation": {"low": 0.2, "high": 0.9},
    "rex.every_weeks": {"low": 4, "high": 16, "integer": True},
    "mediation.enabled": {"levels": [True, False]},
}


def _exp(design: str, **extra: Any) -> Any:
    data: dict[str, Any] = {"scenario": "tera", "years": 1, "design": design, "master_seed": 7, **extra}
    data.setdefault("replications", 3)
    if design != "grid":
        data.setdefault("samples", 8)
        data.setdefault("factors", RANGES)
    return experiment_from_dict(data)


@pytest.mark.parametrize(
    ("design", "extra", "per_replicate"),
    [
        ("grid", {"factors": {"rex.every_weeks": [4, 8, 16], "mediation.enabled": [True, False]}}, 3 * 2),
        ("grid", {"factors": {}}, 1),
        ("random", {}, 8),
        ("latin", {}, 8),
        ("morris", {}, 8 * (3 + 1)),
        ("morris", {"morris_levels": 6, "samples": 5}, 5 * (3 + 1)),
        ("sobol", {}, 8 * (3 + 2)),
        ("sobol", {"second_order": True}, 8 * (2 * 3 + 2)),
    ],
)
def test_designs_give_the_expected_number_of_runs(design: str, extra: dict[str, Any], per_replicate: int) -> None:
    exp = _exp(design, **extra)
    frame = plan(exp)
    assert len(frame) == run_count(exp) == per_replicate * 3
    assert frame["run_id"].tolist() == list(range(len(frame)))
    assert frame["sample_id"].nunique() == per_replicate
    assert list(frame.columns) == ["run_id", "sample_id", "replicate", "seed", *exp.factor_keys]


def test_replicate_r_of_every_sample_shares_its_seed() -> None:
    frame = plan(_exp("latin"))
    assert frame.groupby("replicate")["seed"].nunique().eq(1).all()
    assert frame["seed"].nunique() == 3
    assert all(sorted(reps) == [0, 1, 2] for _, reps in frame.groupby("sample_id")["replicate"])
    assert frame["seed"].tolist() == [derive_seed(7, r) for r in frame["replicate"]]


def test_grid_is_every_combination_of_levels() -> None:
    exp = _exp("grid", factors={"rex.every_weeks": [4, 8, 16], "mediation.enabled": [True, False]}, replications=1)
    frame = plan(exp)
    combos = list(zip(frame["rex.every_weeks"], frame["mediation.enabled"]))
    assert combos == list(itertools.product([4, 8, 16], [True, False]))
    assert frame["rex.every_weeks"].dtype == np.int64
    assert frame["mediation.enabled"].dtype == bool


@pytest.mark.parametrize("design", ["random", "latin", "morris", "sobol"])
def test_sampled_values_stay_in_their_ranges_and_types(design: str) -> None:
    frame = plan(_exp(design))
    assert frame["rex.participation"].between(0.2, 0.9).all()
    assert frame["rex.every_weeks"].dtype == np.int64
    assert frame["rex.every_weeks"].between(4, 16).all()
    assert set(frame["mediation.enabled"]) <= {True, False}


@pytest.mark.parametrize("design", ["random", "latin", "morris", "sobol"])
def test_plans_follow_the_master_seed(design: str) -> None:
    a, b = plan(_exp(design)), plan(_exp(design))
    assert a.equals(b)
    c = plan(_exp(design, master_seed=8))
    assert not np.allclose(a["rex.participation"], c["rex.participation"])


def test_integer_ranges_draw_every_whole_number_evenly() -> None:
    exp = _exp(
        "random", samples=4000, replications=1, factors={"rex.every_weeks": {"low": 4, "high": 7, "integer": True}}
    )
    counts = plan(exp)["rex.every_weeks"].value_counts()
    assert sorted(counts.index) == [4, 5, 6, 7]
    assert counts.min() > 900


# --- shipped experiments ---------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXPERIMENT_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_experiments_load_and_their_extreme_runs_set_up(path: Path) -> None:
    exp = load_experiment(path)
    frame = plan(exp)
    assert len(frame) == run_count(exp)
    todo = tasks(exp, frame)
    for task in (todo[0], todo[-1]):
        result = run_one({**task, "years": 1 / 52})
        assert set(exp.outcome_keys) <= set(result["row"])


def test_smoke_experiment_is_24_runs_of_3_years() -> None:
    exp = load_experiment(EXPERIMENT_DIR / "smoke.toml")
    assert (run_count(exp), exp.horizon, exp.design) == (24, 3.0, "grid")


def test_an_experiment_built_in_python() -> None:
    exp = experiment_from_dict(
        {
            "scenario": "tera",
            "design": "grid",
            "master_seed": 1,
            "factors": {"rex": {"enabled": [True, False]}},
            "overrides": {"population.founders": 12},
        }
    )
    assert exp.factor_keys == ["rex.enabled"]
    assert exp.base_scenario["population"]["founders"] == 12
    assert exp.horizon == exp.base_scenario["years"]
    assert "annual_turnover" in exp.outcome_keys  # default: every summary metric


# --- malformed experiment files --------------------------------------------------------------

GOOD = """\
scenario = "tera"
years = 1
design = "grid"
replications = 2
master_seed = 1
outcomes = ["annual_turnover"]

[factors]
rex.enabled = [true, false]
"""

LATIN = """\
scenario = "tera"
years = 1
design = "latin"
samples = 4
master_seed = 1

[factors]
"""

BAD_CASES = [
    ("bad-toml", GOOD + "[factors\n", ["e.toml", "not valid TOML"]),
    ("unknown-top-key", GOOD.replace("years = 1", "yeers = 1"), ["yeers", "unknown key", "allowed", "years"]),
    ("unknown-design", GOOD.replace('"grid"', '"factorial"'), ["design", "factorial", "unknown design", "latin"]),
    ("missing-scenario", GOOD.replace('"tera"', '"atlantis"'), ["scenario", "atlantis", "no such scenario file"]),
    ("unknown-factor-key", LATIN + "rex.bogus = { low = 0, high = 1 }\n", ["factors.rex.bogus", "unknown key"]),
    (
        "out-of-range-bound",
        LATIN + "rex.participation = { low = 0.2, high = 1.5 }\n",
        ["factors.rex.participation (high)", "1.5", "less than or equal to 1"],
    ),
    ("low-above-high", LATIN + "rex.participation = { low = 0.9, high = 0.2 }\n", ["rex.participation", "low = 0.9"]),
    (
        "levels-and-range",
        LATIN + "rex.participation = { levels = [0.2], low = 0.1, high = 0.3 }\n",
        ["rex.participation", "either levels", "not both"],
    ),
    ("unknown-outcome", GOOD.replace('"annual_turnover"', '"happiness"'), ["outcomes", "happiness", "allowed"]),
    ("zero-replications", GOOD.replace("replications = 2", "replications = 0"), ["replications = 0", "greater"]),
    ("missing-master-seed", GOOD.replace("master_seed = 1\n", ""), ["master_seed", "required"]),
    (
        "samples-missing",
        LATIN.replace("samples = 4\n", "") + "rex.participation = { low = 0.2, high = 0.9 }\n",
        ["samples"],
    ),
    (
        "sobol-not-power-of-two",
        LATIN.replace('"latin"', '"sobol"').replace("samples = 4", "samples = 100")
        + "rex.participation = { low = 0.2, high = 0.9 }\n",
        ["samples = 100", "power of two"],
    ),
    (
        "sobol-too-few-samples",
        LATIN.replace('"latin"', '"sobol"').replace("samples = 4", "samples = 1")
        + "rex.participation = { low = 0.2, high = 0.9 }\n",
        ["samples = 1", "at least 8"],
    ),
    (
        "grid-with-range",
        GOOD + "rex.participation = { low = 0.2, high = 0.9 }\n",
        ["grid", "levels", "rex.participation"],
    ),
    (
        "fractions-of-a-whole-number",
        LATIN + "rex.every_weeks = { low = 4, high = 16 }\n",
        ["rex.every_weeks", "whole numbers", "integer = true"],
    ),
    ("mixed-levels", GOOD.replace("[true, false]", "[true, 3]"), ["rex.enabled", "mix kinds"]),
    (
        "factor-and-override",
        GOOD + "[overrides]\nrex.enabled = true\n",
        ["rex.enabled", "both a factor and an override"],
    ),
    ("bad-override", GOOD + "[overrides]\nrex.participation = 2\n", ["overrides", "rex.participation", "2"]),
    ("unknown-weekly", GOOD.replace("[factors]", 'weekly = ["mood"]\n\n[factors]'), ["weekly", "mood"]),
    ("factor-scalar", GOOD + "rex.every_weeks = 4\n", ["factors.rex.every_weeks", "expected a list of levels"]),
    (
        "plan-too-large-for-memory",  # refused from the counts, before anything is drawn (was a 72 TiB allocation)
        LATIN.replace('"latin"', '"random"').replace("samples = 4", "samples = 10000000\nreplications = 1000000")
        + "rex.participation = { low = 0.2, high = 0.9 }\n",
        ["10,000,000,000,000 runs", "10,000,000 per replicate x 1,000,000 replications", "PiB of memory", "lower"],
    ),
    (
        "odd-morris-levels",
        LATIN.replace('"latin"', '"morris"').replace("[factors]", "morris_levels = 3\n\n[factors]")
        + "rex.participation = { low = 0.2, high = 0.9 }\n",
        ["morris_levels = 3", "even"],
    ),
]


def _sweep_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``coopsim sweep`` expecting a user error; return the one error line."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("coopsim: error: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(("text", "expect"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_malformed_experiments_get_one_clear_line(
    text: str, expect: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "e.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    line = _sweep_error(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"], capsys)
    for word in expect:
        assert word in line, line
    assert not out.exists()


def test_a_plan_too_large_for_memory_is_refused_before_anything_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    from coopsim.experiments import Experiment
    from coopsim.experiments.engine import design

    exp = _exp("grid", factors={"rex.every_weeks": [4, 8, 16], "mediation.enabled": [True, False]}, replications=1000)
    assert design.plan_bytes(exp) == 6000 * (3 * 8 * 6 + 150)
    monkeypatch.setattr(design, "memory_total", lambda: 2 * design.plan_bytes(exp))  # just fits in half
    assert len(plan(exp)) == 6000
    monkeypatch.setattr(design, "memory_total", lambda: 2 * design.plan_bytes(exp) - 1)
    with pytest.raises(
        ExperimentError, match=r"6,000 runs \(6 per replicate x 1,000 replications\).*about 1.68 MiB of memory"
    ):
        plan(exp)
    raw = Experiment.model_validate({**exp.to_data(), "replications": 1000})  # plan() checks even an unchecked one
    with pytest.raises(ExperimentError, match="6,000 runs"):
        plan(raw)


def test_missing_experiment_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _sweep_error(["sweep", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")], capsys)
    assert "nope.toml" in line and "no such experiment file" in line


def test_load_experiment_raises_experiment_error(tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_text(GOOD.replace("replications = 2", "replications = -1"), encoding="utf-8")
    with pytest.raises(ExperimentError, match=r"e\.toml: replications = -1"):
        load_experiment(path)


def test_an_experiment_file_that_is_not_utf8_gets_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "e.toml"
    path.write_bytes((GOOD + '# "Écoute"\n').encode("latin-1"))
    out = tmp_path / "out"
    line = _sweep_error(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"], capsys)
    for word in ("e.toml", "not UTF-8", "experiment file must be saved as UTF-8"):
        assert word in line, line
    assert not out.exists()
