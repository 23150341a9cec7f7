"""Shared fixtures: a baseline TERA run and builders of small, quiet scenarios and models.

The builders read every parameter from the scenario they build, never from hard-coded
copies, so the tests keep working while the constants in ``scenarios/tera.toml`` and the
parameter defaults are being calibrated.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from coopsim import CoopModel, RunResult, Scenario, load_scenario, run
from coopsim.scenario import MECHANISM_NAMES

BASELINE_SEED = 20240611
BASELINE_YEARS = 3

# Every mechanism off, four founders, nobody arriving: a small, quiet ecosystem whose
# state the process tests set by hand.
QUIET = (
    *(f"{name}.enabled=false" for name in MECHANISM_NAMES),
    "population.founders=4",
    "territory.arrivals_per_week=0",
)


def build_small_scenario(*overrides: str) -> Scenario:
    """TERA with every mechanism off, 4 founders and no arrivals, then ``overrides``."""
    return load_scenario("tera", overrides=[*QUIET, *overrides])


def build_small_model(*overrides: str, seed: int = 1, years: float = 1) -> CoopModel:
    """A :class:`CoopModel` of :func:`build_small_scenario`, not stepped yet."""
    return CoopModel(build_small_scenario(*overrides), seed=seed, years=years)


@pytest.fixture(scope="session")
def baseline_run() -> RunResult:
    """One TERA run of three years (the model is kept in ``result.model``)."""
    return run("tera", seed=BASELINE_SEED, years=BASELINE_YEARS)


@pytest.fixture(scope="session")
def small_scenario() -> Callable[..., Scenario]:
    """Builder of small scenarios: ``small_scenario("rex.enabled=true", ...)``."""
    return build_small_scenario


@pytest.fixture(scope="session")
def small_model() -> Callable[..., CoopModel]:
    """Builder of small models: ``small_model("work.overwork=0", seed=3)``."""
    return build_small_model
