"""Validation: the TERA baseline reproduces the patterns of docs/VALIDATION.md.

The pattern test runs the whole validation (30 paired seeds, as ``coopsim validate``) and
checks that every pattern documented as passing still passes, so a change of the model
that breaks a pattern fails here. Run it alone with ``pytest -m validation``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coopsim import CoopModel
from coopsim.cli import main
from coopsim.experiments.compare import paired_seeds
from coopsim.mechanisms.mediation import Mediation
from coopsim.validation.calibrate import CALIBRATION_SEED, CONSTANTS, distance, margin, narrowed, rank
from coopsim.validation.patterns import (
    PATTERNS,
    PATTERNS_BY_KEY,
    SOURCES,
    next_year_status,
    peripheral_dropout,
)
from coopsim.validation.validate import MASTER_SEED, simulate, summarise, write_docs

# The patterns that pass over 30 seeds (docs/VALIDATION.md): all sixteen, two of them
# (officer_turnover, rex_exhaustion_smd) with little room (docs/VALIDATION.md says how little).
PASSING = {
    "settled_people",
    "heavily_involved",
    "permanent_members",
    "core_renewal",
    "coordination_concentration",
    "founder_steps_back",
    "peripheral_dropout",
    "officer_turnover",
    "high_exhaustion",
    "mediation_success",
    "rex_exhaustion_smd",
    "rex_engagement_gain",
    "breach_attitude_over_exit",
    "objectives_conflict_ratio",
    "multirole_burnout_ratio",
    "backlog_grows_with_size",
}


@pytest.fixture(scope="module")
def per_seed() -> pd.DataFrame:
    return simulate(30, workers=2)


@pytest.mark.validation
def test_the_documented_patterns_pass_over_30_seeds(per_seed: pd.DataFrame) -> None:
    table = summarise(per_seed).set_index("pattern")
    failing = sorted(k for k in PASSING if not table.loc[k, "passed"])
    assert not failing, table.loc[failing, ["value", "low", "high"]].to_string()
    assert int(table["passed"].sum()) >= 10


@pytest.mark.validation
def test_every_pattern_has_a_source_and_a_reason_it_is_not_built_in() -> None:
    for p in PATTERNS:
        assert p.source in SOURCES, p.key
        assert p.note, p.key
        assert p.low < p.high, p.key


@pytest.mark.validation
def test_the_table_is_the_same_twice_and_for_any_number_of_workers() -> None:
    one = simulate(3, years=3, workers=1)
    two = simulate(3, years=3, workers=2)
    again = simulate(3, years=3, workers=2)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(summarise(two), summarise(again))


def test_validate_command_prints_the_table_and_writes_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "VALIDATION.md").write_text("# Validation\n\nprose kept\n", encoding="utf-8")
    assert main(["validate", "--seeds", "2", "--workers", "1", "--docs", str(docs), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "settled_people" in out and "patterns pass over 2 seeds" in out
    page = (docs / "VALIDATION.md").read_text(encoding="utf-8")
    assert page.startswith("# Validation\n\nprose kept") and "| pattern | target |" in page
    assert (docs / "figures" / "validation.png").stat().st_size > 1000


def test_peripheral_dropout_counts_the_role_less_volunteers_who_stop() -> None:
    rows = []
    for person, statuses in {
        0: ["active", "active", "active"],
        1: ["active", "active", "withdrawn"],
        2: ["active", "active"],
    }.items():
        for year, status in enumerate(statuses):
            rows.append({"week": 52 * year, "person": person, "status": status, "paid": "volunteer", "roles": 0})
    people = pd.DataFrame(rows)
    # year 1: persons 0 and 1 stay? 0 stays, 1 withdraws; person 2 is gone by year 2 (departed)
    table = next_year_status(people)
    assert table[(table.person == 2) & (table.year == 1)]["status_next"].item() == "departed"

    class Run:
        people_frame = people

    assert peripheral_dropout({"tera": Run()}) == pytest.approx(2 / 3)  # type: ignore[dict-item]


def test_distance_is_zero_inside_the_ranges_and_grows_outside() -> None:
    inside = {p.key: (p.low + p.high) / 2 for p in PATTERNS}
    assert distance(inside) == 0.0
    p = PATTERNS_BY_KEY["settled_people"]
    assert distance({"settled_people": p.high + (p.high - p.low)}) == pytest.approx(1.0)


def test_margin_prefers_the_point_that_passes_with_room() -> None:
    inside = {p.key: (p.low + p.high) / 2 for p in PATTERNS}
    assert margin(inside) == pytest.approx(0.5)
    p = PATTERNS_BY_KEY["officer_turnover"]
    thin = {**inside, "officer_turnover": p.high - 0.01 * (p.high - p.low)}
    out = {**inside, "officer_turnover": p.high + 0.1 * (p.high - p.low)}
    assert margin(thin) == pytest.approx(0.01) and margin(out) == pytest.approx(-0.1)
    scored = pd.DataFrame(
        [
            {"point": name, "in_range": 16 - (name == "out"), "distance": distance(v), "margin": margin(v)}
            for name, v in (("out", out), ("thin", thin), ("room", inside))
        ]
    )
    assert rank(scored)["point"].tolist() == ["room", "thin", "out"]


def test_calibration_searches_in_rounds_on_seeds_held_out_from_the_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not set(paired_seeds(30, CALIBRATION_SEED)) & set(paired_seeds(30, MASTER_SEED))
    csv = tmp_path / "ranked.csv"
    args = ["calibrate", "--samples", "3", "--seeds", "1", "--rounds", "2", "--keep", "2", "--confirm-seeds", "1"]
    assert main([*args, "--workers", "1", "--csv", str(csv), "--quiet"]) == 0
    assert "in_range" in capsys.readouterr().out
    screened = pd.read_csv(tmp_path / "ranked-screening.csv")
    second = screened["point"].str.startswith("round 2")
    first = screened[~second]  # the three points of round 1 and the current values
    assert len(first) == 4 and second.sum() == 3
    box = narrowed(rank(first), keep=2)  # round 2 searches the box of the best two points
    for key, (low, high) in CONSTANTS.items():
        assert first[key].dropna().between(low, high).all()
        assert screened.loc[second, key].between(*box[key]).all()
    confirmed = pd.read_csv(csv)
    assert len(confirmed) == 2 and list(confirmed["point"]) == list(rank(confirmed)["point"])


def test_summarise_reports_a_share_of_seeds_for_yes_no_patterns() -> None:
    per_seed = pd.DataFrame({"seed": [1, 2, 3, 4], "founder_steps_back": [1.0, 0.0, 1.0, 1.0]})
    row = summarise(per_seed).iloc[0]
    assert row["statistic"] == "share of seeds" and row["value"] == 0.75 and row["passed"]


def test_mediation_succeeds_more_often_with_trust_and_less_once_festering() -> None:
    m = CoopModel("tera", seed=3, years=0.1)
    med = Mediation(resolution_probability=0.6, festering_factor=0.5)
    ties = np.array([0, 0])
    m.network.trust_ab[0] = m.network.trust_ba[0] = 0.2
    low = med.success_probability(m, np.array([-1, -1]), ties)
    m.network.trust_ab[0] = m.network.trust_ba[0] = 0.9
    high = med.success_probability(m, np.array([-1, -1]), ties)
    assert (high > low).all()
    m.conflicts.festering.add(-1)
    assert (med.success_probability(m, np.array([-1, -1]), ties) == high * 0.5).all()


def test_write_docs_keeps_the_prose_around_the_results(tmp_path: Path) -> None:
    per_seed = pd.DataFrame({"seed": [1, 2], "mediation_success": [0.6, 0.7]})
    page = tmp_path / "VALIDATION.md"
    page.write_text(
        "# V\n\nbefore\n<!-- validation results: written by coopsim validate -->\nold\n"
        "<!-- end of validation results -->\nafter\n",
        encoding="utf-8",
    )
    write_docs(summarise(per_seed), per_seed, 2, tmp_path)
    text = page.read_text(encoding="utf-8")
    assert (
        "before" in text and "after" in text and "old" not in text and "mediation_success" not in text.split("after")[1]
    )
