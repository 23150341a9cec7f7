"""The oracle: every shipped scenario on 20 seeds gives the stored reference outputs.

The reference (``tests/reference/core_outputs.json``) was written by the plain numpy
processes before the weekly loop was compiled; the compiled core must reproduce it, to the
bit for counts and to 1e-12 (relative) for floating sums, whose order of additions may
differ. Regenerate it only when the model is meant to change: ``python tests/core_reference.py``.
"""

from __future__ import annotations

import json
import math

import pytest
from core_reference import REFERENCE_FILE, SEEDS, outputs, shipped_scenarios

REFERENCE = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
TOLERANCE = 1e-12


def mismatches(expected: object, got: object, where: str = "") -> list[str]:
    """Where two nested outputs differ (numbers to TOLERANCE, NaN stored as null)."""
    if isinstance(expected, dict) and isinstance(got, dict):
        out = [f"{where}/{k}: missing" for k in expected.keys() - got.keys()]
        out += [f"{where}/{k}: unexpected" for k in got.keys() - expected.keys()]
        for k in expected.keys() & got.keys():
            out += mismatches(expected[k], got[k], f"{where}/{k}")
        return out
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        return [m for k, (e, g) in enumerate(zip(expected, got)) for m in mismatches(e, g, f"{where}[{k}]")]
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)) and not isinstance(expected, bool):
        if math.isclose(expected, got, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
            return []
    elif expected == got:
        return []
    return [f"{where}: expected {expected!r}, got {got!r}"]


def test_the_comparison_sees_a_difference() -> None:
    """The check itself can fail: a changed number, key or NaN is reported."""
    assert mismatches({"a": 1.0, "b": [1, 2]}, {"a": 1.0, "b": [1, 2]}) == []
    assert mismatches({"a": 1.0}, {"a": 1.0 + 1e-9}) == ["/a: expected 1.0, got 1.000000001"]
    assert mismatches({"a": None}, {"a": 0.0}) and mismatches({"a": 1}, {"b": 1})


def test_every_shipped_scenario_has_a_reference() -> None:
    assert sorted(REFERENCE) == shipped_scenarios()


@pytest.mark.parametrize("scenario", shipped_scenarios())
def test_core_reproduces_the_reference(scenario: str) -> None:
    problems = []
    for seed in SEEDS:
        diff = mismatches(REFERENCE[scenario][str(seed)], outputs(scenario, seed))
        problems += [f"seed {seed}{d}" for d in diff[:5]]
    assert not problems, "\n".join(problems[:20])
