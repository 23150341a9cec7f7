"""Seeds: the same seed gives the same run, anywhere; common random numbers across levers.

- same scenario and seed: identical frames, events and summary (NaN-aware);
- another seed: different frames; the acquaintance network follows the seed;
- ``mesa.batch_run`` (including dotted overrides passed as parameters) and a spawned
  worker process give the summaries of :func:`coopsim.run`;
- a mechanism switched on at week ``W`` leaves the run identical to the run without it
  for every week before ``W`` (its draws come from its own stream), and changes it later.
"""

from __future__ import annotations

import math
import multiprocessing
from typing import Any, ClassVar

import mesa
import numpy as np
import pandas as pd
import pytest

from coopsim import CoopModel, Scenario, run
from coopsim.base import Mechanism
from coopsim.compiled import ReadAhead

SEEDS = (3, 11, 29)


def assert_summaries_equal(left: dict[str, Any], right: dict[str, Any]) -> None:
    """Equal keys and values, NaN equal to NaN."""
    assert left.keys() == right.keys()
    for key, a in left.items():
        b = right[key]
        if isinstance(a, float) and math.isnan(a):
            assert isinstance(b, float) and math.isnan(b), key
        else:
            assert a == b, f"{key}: {a} != {b}"


def summary_of_run(scenario: str, seed: int, years: float, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Module-level worker for a spawned process: the summary of one run."""
    return run(scenario, seed=seed, years=years, overrides=overrides, keep_model=False).summary


# --- same seed, same run; other seed, other run -------------------------------------------


def test_same_seed_same_run(baseline_run) -> None:
    again = run("tera", seed=baseline_run.seed, years=3)
    pd.testing.assert_frame_equal(again.model_frame, baseline_run.model_frame)
    pd.testing.assert_frame_equal(again.people_frame, baseline_run.people_frame)
    pd.testing.assert_frame_equal(again.events, baseline_run.events)
    assert_summaries_equal(again.summary, baseline_run.summary)


def test_same_seed_same_run_with_every_lever() -> None:
    first = run("tera-all", seed=5, years=1)
    second = run("tera-all", seed=5, years=1)
    pd.testing.assert_frame_equal(first.model_frame, second.model_frame)
    pd.testing.assert_frame_equal(first.people_frame, second.people_frame)
    pd.testing.assert_frame_equal(first.events, second.events)
    assert_summaries_equal(first.summary, second.summary)


def test_other_seed_other_run(baseline_run) -> None:
    other = run("tera", seed=baseline_run.seed + 1, years=3)
    assert not other.model_frame.equals(baseline_run.model_frame)
    assert not other.people_frame.equals(baseline_run.people_frame)
    assert other.summary["seed"] != baseline_run.summary["seed"]


def test_network_follows_the_seed() -> None:
    def ties(seed: int, weeks: int) -> tuple[np.ndarray, ...]:
        model = CoopModel("tera", seed=seed, years=1)
        for _ in range(weeks):
            model.step()
        N = model.network
        return tuple(N.view(name).copy() for name in ("a", "b", "trust_ab", "trust_ba"))

    for weeks in (0, 20):
        first, again, other = ties(7, weeks), ties(7, weeks), ties(8, weeks)
        for x, y in zip(first, again):
            np.testing.assert_array_equal(x, y)
        assert any(x.shape != y.shape or not np.array_equal(x, y) for x, y in zip(first, other))
    # the founding network alone differs between seeds (its rewiring is seeded)
    founding = {tuple(map(tuple, np.c_[ties(s, 0)[:2]])) for s in range(1, 6)}
    assert len(founding) > 1


def test_seed_none_is_reported_and_replayable() -> None:
    # documented: ``seed=None`` draws a fresh seed, kept in ``model.seed`` / ``result.seed``
    first = run("tera", seed=None, years=0.5)
    assert isinstance(first.seed, int)
    again = run("tera", seed=first.seed, years=0.5)
    pd.testing.assert_frame_equal(first.model_frame, again.model_frame)
    pd.testing.assert_frame_equal(first.people_frame, again.people_frame)


# --- mesa.batch_run and other processes -----------------------------------------------------


def test_batch_run_matches_run() -> None:
    results = mesa.batch_run(
        CoopModel,
        parameters={"scenario": "tera", "seed": [1, 2], "years": 1},
        iterations=1,
        max_steps=10_000,
        number_processes=1,
        display_progress=False,
    )
    assert sorted(r["seed"] for r in results) == [1, 2]
    for row in results:
        expected = run("tera", seed=row["seed"], years=1).summary
        assert row["Step"] == expected["weeks"] - 1
        for key in ("burnout_incidence_per_100py", "active_final", "conflicts_opened", "arrivals_total"):
            assert row[key] == expected[key], key
        keys = [k for k in expected if k in row and k not in ("seed", "weeks")]
        assert len(keys) >= 20
        assert_summaries_equal({k: row[k] for k in keys}, {k: expected[k] for k in keys})


def test_batch_run_dotted_override_reaches_the_scenario() -> None:
    results = mesa.batch_run(
        CoopModel,
        parameters={"scenario": "tera", "seed": 4, "years": 1, "rex.enabled": [True, False], "rex.start_week": 0},
        iterations=1,
        max_steps=10_000,
        number_processes=1,
        display_progress=False,
    )
    by_lever = {row["rex.enabled"]: row for row in results}
    assert set(by_lever) == {True, False}
    # facilitators are trained at REX's first session, and only when REX is on
    assert by_lever[True]["rex_facilitators"] > 0
    assert by_lever[False]["rex_facilitators"] == 0
    for enabled, row in by_lever.items():
        expected = run("tera", seed=4, years=1, overrides={"rex.enabled": enabled, "rex.start_week": 0}).summary
        keys = [k for k in expected if k in row and k not in ("seed", "weeks")]
        assert_summaries_equal({k: row[k] for k in keys}, {k: expected[k] for k in keys})
    assert by_lever[True]["mean_engagement"] != by_lever[False]["mean_engagement"]


def test_spawned_process_gives_the_same_summary() -> None:
    ctx = multiprocessing.get_context("spawn")
    jobs = [("tera", 6, 1.0, None), ("tera", 6, 1.0, {"mediation.start_week": 0, "conflict.disagreement_rate": 0.05})]
    with ctx.Pool(1) as pool:
        remote = pool.starmap(summary_of_run, jobs)
    for job, summary in zip(jobs, remote):
        assert_summaries_equal(summary, summary_of_run(*job))


# --- common random numbers ------------------------------------------------------------------

# (lever switched on at week W, the same lever switched off, W)
CRN_CASES = [
    pytest.param({"rex.enabled": True, "rex.start_week": 60}, {"rex.enabled": False}, 60, id="rex"),
    pytest.param(
        {"mediation.enabled": True, "mediation.start_week": 70, "conflict.disagreement_rate": 0.02},
        {"mediation.enabled": False, "conflict.disagreement_rate": 0.02},
        70,
        id="mediation",
    ),
    pytest.param({"stipend.enabled": True, "stipend.start_week": 80}, {"stipend.enabled": False}, 80, id="stipend"),
    pytest.param(
        {"contractualisation.enabled": True, "contractualisation.start_week": 50},
        {"contractualisation.enabled": False},
        50,
        id="contractualisation",
    ),
]


@pytest.mark.parametrize(("switched_on", "switched_off", "start"), CRN_CASES)
def test_mechanism_changes_nothing_before_its_start_week(
    switched_on: dict[str, Any], switched_off: dict[str, Any], start: int
) -> None:
    for seed in SEEDS:
        on = run("tera", seed=seed, years=2, overrides=switched_on)
        off = run("tera", seed=seed, years=2, overrides=switched_off)

        def before(frame: pd.DataFrame, start: int = start) -> pd.DataFrame:
            return frame[frame["week"] < start].reset_index(drop=True)

        def after(frame: pd.DataFrame, start: int = start) -> pd.DataFrame:
            return frame[frame["week"] >= start].reset_index(drop=True)

        pd.testing.assert_frame_equal(before(on.model_frame), before(off.model_frame))
        pd.testing.assert_frame_equal(before(on.people_frame), before(off.people_frame))
        pd.testing.assert_frame_equal(before(on.events), before(off.events))
        assert len(before(on.model_frame)) == start
        assert not after(on.model_frame).equals(after(off.model_frame)), f"seed {seed}: the lever changed nothing"


class _Dummy(Mechanism):
    """A lever that draws from its own stream every week and changes nothing."""

    phase: ClassVar[str] = "work"

    def act(self, model: Any, rng: np.random.Generator) -> None:
        rng.random(17)


def _first_numbers(rng: Any) -> list[float]:
    """A stream's next four numbers, whatever kind it reads ahead (uniforms, normals, gammas)."""
    if isinstance(rng, ReadAhead):
        block, start = rng.block(4)
        return block[start : start + 4].tolist()
    return rng.random(4).tolist()


def test_adding_a_mechanism_moves_no_other_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streams are named, not numbered: a new lever leaves every other stream's draws, and a
    run it does not touch, exactly as they were."""
    before = CoopModel("tera", seed=5, years=1)
    first_draws = {name: _first_numbers(rng) for name, rng in before.streams.items()}
    base_run = run("tera", seed=5, years=1).summary

    original = Scenario.mechanisms
    monkeypatch.setattr(Scenario, "mechanisms", lambda self: [("dummy", _Dummy(enabled=True)), *original(self)])
    after = CoopModel("tera", seed=5, years=1)
    assert "dummy" in after.streams
    assert {name: _first_numbers(after.streams[name]) for name in first_draws} == first_draws
    assert_summaries_equal(run("tera", seed=5, years=1).summary, base_run)
