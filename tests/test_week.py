"""The weeks in one compiled call (``coopsim/week.py``) against the weeks process by process.

Both ways run the same kernels on the same blocks of random numbers; these tests hold them
to identical results: every frame of every shipped scenario, a run stepped a week at a time,
a lever written in Python only acting between the compiled phases, and a lever whose
modifiers read the state (one week a call). ``tests/test_core_reference.py`` holds the
compiled way, and here the Python way, to the stored reference outputs.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from core_reference import REFERENCE_FILE, outputs, shipped_scenarios
from test_core_reference import mismatches

from coopsim import CoopModel, Scenario
from coopsim.base import Mechanism, Modifiers
from coopsim.compiled import ReadAhead
from coopsim.week import MORE, NEWCOMERS, ROOM, CompiledWeek


def _frames(model: CoopModel) -> tuple[Any, ...]:
    rec = model.recorder
    hours = rec.hours_at_window_start
    return (
        rec.model_frame(),
        rec.people_frame(),
        rec.events_frame(),
        rec.exits,
        None if hours is None else hours.tolist(),
    )


def assert_same_run(a: CoopModel, b: CoopModel) -> None:
    """Two models ran to the same week with identical records, people and ledger."""
    assert (a.week, a.steps, a.running) == (b.week, b.steps, b.running)
    for x, y in zip(_frames(a), _frames(b), strict=True):
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)
        else:
            assert x == y
    np.testing.assert_array_equal(a.people.floats[:, : a.people.n], b.people.floats[:, : b.people.n])
    np.testing.assert_array_equal(a.ledger.treasury, b.ledger.treasury)
    assert (a.backlog, a.acceptance) == (b.backlog, b.acceptance)


def python_weeks(model: CoopModel) -> CoopModel:
    """The model, set to run each week process by process, in Python."""
    model.compiled_week = None
    return model


@pytest.mark.parametrize("scenario", shipped_scenarios())
def test_compiled_and_python_weeks_give_identical_runs(scenario: str) -> None:
    compiled, python = CoopModel(scenario, seed=3), python_weeks(CoopModel(scenario, seed=3))
    assert isinstance(compiled.compiled_week, CompiledWeek)
    compiled.run_model()
    python.run_model()
    assert_same_run(compiled, python)


def test_the_python_weeks_reproduce_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle holds for the Python way too (two seeds of each shipped scenario)."""
    import json

    reference = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    monkeypatch.setattr(CoopModel, "compiled", False)
    assert CoopModel("tera").compiled_week is None
    problems = [
        f"{name} seed {seed}{d}"
        for name in shipped_scenarios()
        for seed in (1, 2)
        for d in mismatches(reference[name][str(seed)], outputs(name, seed))[:3]
    ]
    assert not problems, "\n".join(problems[:20])


def test_a_week_at_a_time_gives_the_run_of_many_weeks_a_call() -> None:
    stepped, whole = CoopModel("tera-all", seed=8, years=3), CoopModel("tera-all", seed=8, years=3)
    while stepped.running:
        stepped.step()
    whole.run_model()
    assert_same_run(stepped, whole)


class _Nudge(Mechanism):
    """A lever in Python only: after the conflicts, it draws from its stream and lowers the
    trust of a person it draws (a change the following processes read)."""

    phase: ClassVar[str] = "conflict"
    calls: ClassVar[list[int]] = []

    def act(self, model: Any, rng: np.random.Generator) -> None:
        type(self).calls.append(model.week)
        i = int(rng.integers(model.people.n))
        model.people.trust[i] *= 0.5


class _Reader(Mechanism):
    """A lever whose modifiers read the state: more meetings' defusing with more members."""

    def modify(self, mods: Modifiers, model: Any) -> None:
        mods.defuse_bonus += 0.001 * model.count(1)


@pytest.mark.parametrize("lever", [_Nudge, _Reader])
def test_a_lever_in_python_only_gives_the_python_weeks(monkeypatch: pytest.MonkeyPatch, lever: type) -> None:
    original = Scenario.mechanisms
    monkeypatch.setattr(Scenario, "mechanisms", lambda self: [*original(self), ("extra", lever(enabled=True))])
    _Nudge.calls.clear()
    weeks_a_call: list[int] = []
    segment = CompiledWeek._segment

    def counted(self: CompiledWeek, stop: int) -> None:
        weeks_a_call.append(stop - self.model.week)
        segment(self, stop)

    monkeypatch.setattr(CompiledWeek, "_segment", counted)
    compiled, python = CoopModel("tera", seed=5, years=3), python_weeks(CoopModel("tera", seed=5, years=3))
    compiled.run_model()
    if lever is _Nudge:
        assert _Nudge.calls == list(range(156)), "the Python lever acts every week, after the conflicts"
        assert max(weeks_a_call) > 1, "a lever's act does not cut the calls into weeks"
    else:
        assert set(weeks_a_call) == {1}, "modifiers that read the state: a week a call"
    python.run_model()
    assert_same_run(compiled, python)


def test_short_blocks_and_little_room_give_the_same_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streams read ahead only when a call finds them short, a few numbers at a time, and
    snapshots kept in small chunks: the call returns for more numbers and more room all the
    time, and the run is the same."""
    import coopsim.records

    monkeypatch.setattr(ReadAhead, "BLOCK", 8)
    monkeypatch.setattr(coopsim.records, "SNAPSHOT_MIN_CHUNK", 1)
    read_ahead = CompiledWeek._read_ahead

    def when_short(self: CompiledWeek, short: int = -1, need: int = 0) -> None:
        if short >= 0:  # not ahead of time: only for the stream the call found short
            read_ahead(self, short, need)

    monkeypatch.setattr(CompiledWeek, "_read_ahead", when_short)
    returns = returns_of_calls(monkeypatch)
    tera_all_both_ways(seed=6)
    assert {MORE, ROOM} <= set(returns)


def test_arrivals_without_room_are_taken_over_by_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no room for one more person in the kernel's arrays of newcomers found, every
    week with arrivals returns for Python to take them over from their count: the same run."""

    def no_room_for_newcomers(self: CompiledWeek) -> None:
        self.found = np.empty((2, self.model.people.n), dtype=np.int64)

    returns = returns_of_calls(monkeypatch, before=no_room_for_newcomers)
    compiled = tera_all_both_ways(seed=7)
    assert returns.count(NEWCOMERS) >= 5 and compiled.people.n > compiled.scenario.population.founders


def returns_of_calls(monkeypatch: pytest.MonkeyPatch, before: Any = None) -> list[int]:
    """Why each kernel call returns, in order (``before``: done to the compiled week before each)."""
    returns: list[int] = []
    call = CompiledWeek._call

    def counted(self: CompiledWeek, phase: int, stop: int) -> tuple[int, int, int]:
        if before is not None:
            before(self)
        result = call(self, phase, stop)
        returns.append(result[1])
        return result

    monkeypatch.setattr(CompiledWeek, "_call", counted)
    return returns


def tera_all_both_ways(seed: int) -> CoopModel:
    """Three years of ``tera-all`` run by the compiled weeks and process by process: the same
    run; returns the compiled one."""
    compiled = CoopModel("tera-all", seed=seed, years=3)
    python = python_weeks(CoopModel("tera-all", seed=seed, years=3))
    compiled.run_model()
    python.run_model()
    assert_same_run(compiled, python)
    return compiled
