"""One outcome table (``coopsim.outcomes``) and every place that names an outcome reads it:
the summary, the ODD's outputs section, the experiments, the page and the validation."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from coopsim import CoopModel, run
from coopsim.experiments.analyses import common as analysis_base
from coopsim.outcomes import DIRECTIONS, HEADLINE, OUTCOMES, markdown_table
from coopsim.records import summary
from coopsim.ui import strings
from coopsim.validation.patterns import PATTERNS_BY_KEY, outcome_words

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"

#: patterns whose statistic is one summary metric of the baseline
PATTERN_OUTCOMES = {
    "settled_people": "present_final",
    "coordination_concentration": "top20_coordination_share",
    "mediation_success": "mediation_success_per_dispute",
    "high_exhaustion": "share_high_exhaustion",
}


def test_the_summary_gives_exactly_the_table() -> None:
    model = CoopModel("tera", seed=2, years=0.2)
    model.run_model()
    assert list(summary(model)) == list(OUTCOMES)
    assert list(run("tera", seed=2, years=0.2, keep_model=False).summary) == [*OUTCOMES, "seed", "weeks"]


def test_the_odd_shows_the_table() -> None:
    text = ODD.read_text(encoding="utf-8")
    section = text[text.index("### 8.4 Summary metrics") : text.index("## 9.")]
    found = re.search(r"<!-- outcomes table:[^\n]*-->\n(.*?)\n<!-- end of the outcomes table -->", section, re.DOTALL)
    assert found, "docs/ODD.md 8.4: the outcomes table's markers are missing"
    assert found.group(1) == markdown_table(), (
        "docs/ODD.md 8.4 differs from coopsim/outcomes.py: paste the output of `python -m coopsim.outcomes`"
    )


@pytest.mark.parametrize("key", list(OUTCOMES))
def test_each_outcome_is_described(key: str) -> None:
    o = OUTCOMES[key]
    assert o.key == key and o.direction in DIRECTIONS
    assert o.definition.endswith(".") and o.definition.count(". ") == 0, "one sentence"
    assert o.formula and o.en and o.fr
    article = re.match(r"(Le |La |Les |L')", o.fr)
    assert article, f"{key}: the French name opens a sentence with its article"
    if article.group(1) in ("Le ", "La "):
        assert o.feminine == (article.group(1) == "La "), f"{key}: gender and article disagree"
    assert bool(o.unit) == bool(o.unit_fr) or key == "decision_backlog_mean"


def test_the_experiments_name_outcomes_from_the_table() -> None:
    assert analysis_base.OUTCOMES is OUTCOMES
    assert analysis_base.HEADLINE == HEADLINE and set(HEADLINE) <= set(OUTCOMES)
    assert analysis_base.outcome_name("annual_turnover").fr == OUTCOMES["annual_turnover"].fr
    assert analysis_base.short_label("unmet_work_share") == OUTCOMES["unmet_work_share"].label("en")


def test_the_page_and_the_validation_use_the_same_words() -> None:
    assert list(strings.OUTCOME_LABELS) == list(HEADLINE)
    for key, (fr, en) in strings.OUTCOME_LABELS.items():
        assert fr == OUTCOMES[key].label("fr", with_unit=True) and en == OUTCOMES[key].label("en", with_unit=True)
    for pattern, key in PATTERN_OUTCOMES.items():
        p = PATTERNS_BY_KEY[pattern]
        assert (p.label, p.label_fr) == (outcome_words(key, "en"), outcome_words(key, "fr"))


def test_count_columns_are_whole_numbers_given_as_integers() -> None:
    from coopsim.records import COUNT_COLUMNS, MODEL_COLUMNS

    result = run("tera-all", seed=2, years=3)
    frame, rec = result.model_frame, result.model.recorder
    assert set(COUNT_COLUMNS) <= set(MODEL_COLUMNS)
    for column in COUNT_COLUMNS:
        assert frame[column].dtype == np.int64, column
        np.testing.assert_array_equal(rec.columns[column][: rec.weeks], frame[column], err_msg=column)  # nothing cut
