"""The report of an experiment (coopsim.experiments.analyses.report) and `coopsim report`."""

from __future__ import annotations

from analysis_support import (
    is_png,
)

from coopsim.cli import main
from coopsim.experiments.analyses.report import report

# --- report -----------------------------------------------------------------------------------------


def test_report_of_a_morris_experiment(morris_store, tmp_path):
    md = report(morris_store, tmp_path / "rep")
    files = sorted(p.name for p in md.parent.iterdir())
    assert {"report.md", "report.html", "sensitivity.png", "outcome-burnout_incidence_per_100py.png"} <= set(files)
    assert all(is_png(md.parent / f) for f in files if f.endswith(".png"))
    text = md.read_text(encoding="utf-8")
    for part in ("# Experiment synthetic", "## Factors", "## Outcomes over all runs", "## Sensitivity", "μ*"):
        assert part in text
    assert "mediation_success_rate" in text  # listed as not analysed (NaN in some samples)
    page = (md.parent / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page and '<img src="sensitivity.png"' in page


def test_report_command_on_a_grid_experiment(grid_store, capsys):
    assert main(["report", str(grid_store)]) == 0
    folder = grid_store / "report"
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "## Mean of each outcome by factor level" in text and "| `governance.mode` | assembly |" in text
    assert "Not computed: the design is 'grid'" in text
    assert is_png(folder / "outcome-annual_turnover.png") and (folder / "report.html").is_file()
