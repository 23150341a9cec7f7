"""Shared fixtures: a baseline TERA run and builders of small, quiet scenarios and models.

The builders read every parameter from the scenario they build, never from hard-coded
copies, so the tests keep working while the constants in ``scenarios/tera.toml`` and the
parameter defaults are being calibrated.

Skips and CI: a test that lacks something it cannot install itself (Chromium, a notebook
kernel) calls the function of the ``missing_dependency`` fixture, which skips with the
exact install command on a workstation and fails when ``CI`` is set (``.ci/run`` sets
it), so that CI cannot pass without running every test. Any other skip that happens
while ``CI`` is set is turned into a failure too (:func:`pytest_runtest_makereport`);
``tests/test_no_silent_skips.py`` lists the only skips the tests may contain.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from typing import NoReturn

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


def in_ci() -> bool:
    """Whether ``CI`` is set (to anything but empty, ``0``, ``false`` or ``no``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing_dependency(what: str, install: str) -> NoReturn:
    """Fail in CI, skip elsewhere: ``what`` is missing and ``install`` says how to get it."""
    message = f"{what} is missing; install it with: {install}"
    if in_ci():
        pytest.fail(f"{message} (CI is set: a test that cannot run fails)", pytrace=False)
    pytest.skip(f"{message} (skipped because CI is not set; in CI this fails)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """While ``CI`` is set, a skipped test is reported as failed: CI runs every test."""
    report: pytest.TestReport = yield
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} skipped while CI is set ({reason}); in CI every test must run"
    return report


@pytest.fixture(scope="session", autouse=True)
def kernels_ready() -> None:
    """Compile (or load from the cache) the model's kernels once, before any test: on a fresh
    install the first model says so on standard error, a line the tests of one-line error
    messages must not depend on meeting or not, whatever order the tests run in."""
    CoopModel("tera", seed=0, years=0.1).run_model()


def build_small_scenario(*overrides: str) -> Scenario:
    """TERA with every mechanism off, 4 founders and no arrivals, then ``overrides``."""
    return load_scenario("tera", overrides=[*QUIET, *overrides])


def build_small_model(*overrides: str, seed: int = 1, years: float = 1) -> CoopModel:
    """A :class:`CoopModel` of :func:`build_small_scenario`, not stepped yet, with every unit
    already started (the tests set who holds which role by hand, in any unit)."""
    model = CoopModel(build_small_scenario(*overrides), seed=seed, years=years)
    model.roles.open[:] = True
    model.roles.unit_opened_week[:] = 0
    return model


@pytest.fixture(scope="session")
def baseline_run() -> RunResult:
    """One TERA run of three years (the model is kept in ``result.model``)."""
    return run("tera", seed=BASELINE_SEED, years=BASELINE_YEARS)


@pytest.fixture(scope="session")
def small_scenario() -> Callable[..., Scenario]:
    """Builder of small scenarios: ``small_scenario("rex.enabled=true", ...)``."""
    return build_small_scenario


@pytest.fixture(scope="session")
def missing_dependency() -> Callable[[str, str], NoReturn]:
    """``missing_dependency("Chromium at /usr/bin/chromium", "sudo apt-get install chromium")``:
    fails when ``CI`` is set, skips (saying what to install) otherwise."""
    return _missing_dependency


@pytest.fixture(scope="session")
def small_model() -> Callable[..., CoopModel]:
    """Builder of small models: ``small_model("work.overwork=0", seed=3)``."""
    return build_small_model
