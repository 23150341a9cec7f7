"""The analysis sub-commands together: their mistakes (one line, exit code 2), their help, and the analyses of a real sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coopsim.cli import main
from coopsim.experiments.analyses.common import load_results
from coopsim.experiments.analyses.discover import discover
from coopsim.experiments.analyses.report import report
from coopsim.experiments.analyses.sensitivity import sensitivity
from coopsim.experiments.engine import execute, worker

# --- command-line mistakes: one line, exit code 2 ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "tera", "tera-without-rex", "-r", "1"], "at least 2"),
        (["compare", "tera", "no-such-scenario", "-r", "2"], "no such scenario"),
        (["compare", "tera", "tera", "-r", "2", "--outcome", "nope", "--years", "0.1"], "unknown outcome"),
        (["sensitivity", "{grid}"], "'morris' or 'sobol'"),
        (["sensitivity", "{morris}", "--outcome", "nope"], "no outcome 'nope'"),
        (["sensitivity", "{missing}"], "no such folder"),
        (["discover", "{grid}", "--outcome", "annual_turnover"], "one of the arguments --below --above"),
        (["discover", "{grid}", "--outcome", "annual_turnover", "--below", "1", "--above", "2"], "not allowed"),
        (["discover", "{grid}", "--outcome", "nope", "--below", "1"], "no outcome 'nope'"),
        (["discover", "{grid}", "--outcome", "annual_turnover", "--below", "1", "--min-density", "2"], "between 0"),
        (["report", "{plain}"], "not an experiment folder"),
    ],
)
def test_command_mistakes_are_one_line_exit_2(args, message, grid_store, morris_store, tmp_path, capsys):
    (tmp_path / "plain").mkdir()
    paths = {"grid": grid_store, "morris": morris_store, "missing": tmp_path / "nope", "plain": tmp_path / "plain"}
    argv = [a.format(**paths) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("coopsim: error: ") and err.count("\n") == 1, err
    assert message in err, err


def test_analysis_commands_have_help(capsys):
    for name in ("compare", "sensitivity", "discover", "report"):
        assert main([name, "--help"]) == 0
        text = capsys.readouterr().out
        assert "examples:" in text and f"coopsim {name}" in text


# --- with the folders 'coopsim sweep' really writes -------------------------------------------------


TINY_MORRIS = """
name = "tiny-morris"
scenario = "tera"
years = 1
design = "morris"
samples = 2
replications = 1
master_seed = 3
outcomes = ["annual_turnover", "mean_engagement", "conflicts_opened"]

[factors]
mediation.capacity_per_month = { low = 0, high = 6, integer = true }
work.overwork = { low = 0.0, high = 0.5 }
rex.enabled = [true, false]
"""


def sweep_tiny_morris(tmp_path: Path) -> Path:
    """Sweep a tiny Morris experiment (8 one-year runs, in this process) into tmp_path/out.

    Nothing here catches an error: a sweep that fails fails the test that called it.
    """
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_MORRIS, encoding="utf-8")
    return execute.sweep(spec, tmp_path / "out", workers=1, progress=False)


def test_an_error_inside_the_sweep_fails_the_analysis_test(tmp_path, monkeypatch):
    """The real-sweep test below cannot pass (or skip) when the sweep breaks."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected into the sweep's runs")

    monkeypatch.setattr(worker, "simulate", broken)
    with pytest.raises(Exception, match="injected into the sweep's runs"):
        sweep_tiny_morris(tmp_path)


def test_analysis_of_a_real_morris_sweep(tmp_path):
    out = sweep_tiny_morris(tmp_path)
    frame, manifest = load_results(out)
    assert len(frame) == 2 * 4
    t = sensitivity(frame, manifest, "mean_engagement")
    assert set(t["factor"]) == {"mediation.capacity_per_month", "work.overwork", "rex.enabled"}
    assert t.loc[t["factor"] == "rex.enabled", "mu_star"].item() == 0  # REX starts at week 104: no effect in a year
    md = report(out)
    assert (md.parent / "sensitivity.png").is_file()
    median = frame["annual_turnover"].median()
    box = discover(frame, "annual_turnover", below=median + 1e-9, manifest=manifest, min_support=0.2)[0]
    assert 0 < box.coverage <= 1
