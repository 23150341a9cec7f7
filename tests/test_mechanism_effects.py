"""Each mechanism's direction on its target outcome, over many paired seeds.

The variants share their seeds with the baseline (common random numbers), so the test is
a paired one (Wilcoxon signed-rank, one-sided). The effects are not written anywhere:
they come out of the weekly processes the mechanisms act through.
"""

from __future__ import annotations

import multiprocessing

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coopsim import run

SEEDS = list(range(1, 21))
ALPHA = 0.05


def _summary(job: tuple[str, int]) -> dict[str, float]:
    scenario, seed = job
    result = run(scenario, seed=seed, keep_model=False)
    out = dict(result.summary)
    # conflicts opened once the stipend runs (the two stipend designs differ from then on)
    start = result.scenario.stipend.start_week
    out["conflicts_opened_during_stipend"] = float(result.model_frame["conflicts_opened"].iloc[start:].sum())
    return out


_CACHE: dict[str, pd.DataFrame] = {}


def summaries(scenario: str) -> pd.DataFrame:
    """Summaries of ``scenario`` over SEEDS, computed once per test session on two processes."""
    if scenario not in _CACHE:
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            rows = pool.map(_summary, [(scenario, s) for s in SEEDS])
        _CACHE[scenario] = pd.DataFrame(rows, index=SEEDS)
    return _CACHE[scenario]


def paired_lower(better: str, worse: str, outcome: str) -> tuple[float, float]:
    """Mean difference (better - worse) and the one-sided p-value that ``better`` is lower."""
    x = summaries(better)[outcome].to_numpy()
    y = summaries(worse)[outcome].to_numpy()
    diff = x - y
    p = stats.wilcoxon(x, y, alternative="less").pvalue if np.any(diff != 0) else 1.0
    return float(diff.mean()), float(p)


pytestmark = pytest.mark.statistical


def test_rex_lowers_burnout_incidence():
    diff, p = paired_lower("tera", "tera-without-rex", "burnout_incidence_per_100py")
    assert diff < 0 and p < ALPHA, (diff, p)


def test_rex_lowers_turnover():
    diff, p = paired_lower("tera", "tera-without-rex", "annual_turnover")
    assert diff < 0 and p < ALPHA, (diff, p)


def test_mediation_lowers_burnout_and_turnover():
    for outcome in ("burnout_incidence_per_100py", "annual_turnover"):
        diff, p = paired_lower("tera", "tera-without-mediation", outcome)
        assert diff < 0 and p < ALPHA, (outcome, diff, p)


def test_mediation_settles_disputes_at_about_the_studies_rate() -> None:
    runs = summaries("tera")
    assert runs["mediation_success_per_dispute"].notna().all()
    assert (runs["disputes_mediated"] <= runs["conflicts_opened"]).all()  # counted per dispute
    assert (runs["disputes_mediated"] <= runs["conflicts_mediated"]).all()  # a dispute may have two sessions
    # a session settles with resolution_probability x (0.5 + the parties' mutual trust), halved
    # once the conflict festers, and a dispute may have a second session: the share of disputes
    # settled is an outcome of the trust left between the parties and of that second chance,
    # above the share of sessions, and inside the 55-80 % of the mediation studies (EEOC, Acas;
    # docs/VALIDATION.md, where 64-73 % is the narrower fit target).
    sessions = (runs["mediation_success_rate"] * runs["conflicts_mediated"]).sum() / runs["conflicts_mediated"].sum()
    disputes = (runs["mediation_success_per_dispute"] * runs["disputes_mediated"]).sum() / runs[
        "disputes_mediated"
    ].sum()
    assert sessions < disputes, (sessions, disputes)
    assert 0.55 < disputes < 0.80, disputes


def test_contractualisation_lowers_unpaid_turnover():
    diff, p = paired_lower("tera-with-contract", "tera", "annual_turnover_unpaid")
    assert diff < 0 and p < ALPHA, (diff, p)


def test_contractualisation_caps_roles():
    assert (summaries("tera-with-contract")["max_roles_held"] <= 3).all()
    assert (summaries("tera")["max_roles_held"] > 3).any()


def test_stipend_without_objectives_raises_conflict():
    diff, p = paired_lower("tera-income-objectives", "tera-income-no-objectives", "conflicts_opened_during_stipend")
    assert diff < 0 and p < ALPHA, (diff, p)


def test_stipend_without_objectives_raises_pressure():
    diff, p = paired_lower("tera-income-objectives", "tera-income-no-objectives", "stipend_pressure_mean")
    assert diff < 0 and p < ALPHA, (diff, p)
