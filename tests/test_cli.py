"""End-to-end tests of the ``coopsim`` command: the files a run writes, help, version.

One short run (2 years, seed 3) is made once for the module and inspected by several
tests; the other tests make their own 1-year runs.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import coopsim
from coopsim.cli import RUN_FILES, main
from coopsim.cli_support import json_safe, shipped_scenarios

SUMMARY_KEYS = {
    "active_final",
    "arrivals_total",
    "departures_total",
    "annual_turnover",
    "burnout_incidence_per_100py",
    "top10_hours_share",
    "conflicts_opened",
    "conflicts_mediated",
    "unmet_work_share",
    "decision_backlog_mean",
}


def _strict_json(path: Path) -> dict:
    """Load JSON refusing NaN and Infinity (which are not valid JSON)."""

    def refuse(name: str) -> None:
        raise ValueError(f"{path.name} contains {name}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, read from its header (and check the signature)."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of ``coopsim run tera --seed 3 --years 2`` (made once)."""
    out = tmp_path_factory.mktemp("cli") / "tmp" / "x"
    assert main(["run", "tera", "--seed", "3", "--years", "2", "--out", str(out), "--quiet"]) == 0
    return out


def test_run_writes_every_file(run_dir: Path) -> None:
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(RUN_FILES)
    assert not list(run_dir.parent.glob(".*partial*")), "the temporary folder was left behind"


def test_parquet_tables_have_the_expected_columns(run_dir: Path) -> None:
    model = pd.read_parquet(run_dir / "model.parquet")
    assert len(model) == 104
    assert {"week", "year", "active", "newcomers", "withdrawn", "exhaustion_p50", "treasury_fund"} <= set(model)
    people = pd.read_parquet(run_dir / "people.parquet")
    assert {"week", "person", "status", "paid", "hours", "roles", "exhaustion"} <= set(people)
    assert len(people) > 0
    events = pd.read_parquet(run_dir / "events.parquet")
    assert list(events.columns) == ["week", "person", "kind"]
    assert "arrival" in set(events["kind"].astype(str))


def test_summary_json_says_what_was_run(run_dir: Path) -> None:
    summary = _strict_json(run_dir / "summary.json")
    assert summary["scenario"] == "tera"
    assert summary["seed"] == 3
    assert summary["years"] == 2
    assert summary["weeks"] == 104
    assert summary["overrides"] == []
    assert summary["coopsim_version"] == coopsim.__version__
    assert Path(summary["scenario_file"]).name == "tera.toml"
    assert set(summary) >= SUMMARY_KEYS


def test_scenario_json_is_the_scenario_as_run(run_dir: Path) -> None:
    scenario = coopsim.Scenario.model_validate(_strict_json(run_dir / "scenario.json"))
    assert scenario == coopsim.load_scenario("tera")


def test_report_png_is_a_readable_sheet(run_dir: Path) -> None:
    width, height = _png_size(run_dir / "report.png")
    assert 1500 <= width <= 2000 and 1000 <= height <= 1400  # 16 x 11 inches at 110 dpi
    assert (run_dir / "report.png").stat().st_size > 50_000


def test_python_dash_m_gives_the_same_run(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "y"
    args = ["run", "tera", "--seed", "3", "--years", "2", "--out", str(out), "--no-report"]
    proc = subprocess.run([sys.executable, "-m", "coopsim", *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "active members at the end" in proc.stdout
    assert str(out) in proc.stdout
    assert not (out / "report.png").exists()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "model.parquet"), pd.read_parquet(run_dir / "model.parquet"))


def test_default_and_relative_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", "tera", "--seed", "1", "--years", "1", "--no-report", "--quiet"]) == 0
    assert (tmp_path / "out" / "tera" / "summary.json").is_file()
    assert main(["run", "tera", "--seed", "1", "--years", "1", "--no-report", "--quiet", "--out", "tmp/x"]) == 0
    assert (tmp_path / "tmp" / "x" / "model.parquet").is_file()


def test_overrides_are_recorded_and_nan_becomes_null(tmp_path: Path) -> None:
    out = tmp_path / "no-mediation"
    argv = ["run", "tera", "--seed", "2", "--years", "1", "--no-report", "--quiet", "--out", str(out)]
    assert main([*argv, "--set", "mediation.enabled=false"]) == 0
    summary = _strict_json(out / "summary.json")
    assert summary["overrides"] == ["mediation.enabled=false"]
    assert summary["conflicts_mediated"] == 0
    assert summary["mediation_success_rate"] is None  # NaN in result.summary
    assert _strict_json(out / "scenario.json")["mediation"]["enabled"] is False


def test_rerun_into_an_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "again"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    base = ["run", "tera", "--seed", "1", "--years", "1", "--quiet", "--out", str(out)]
    assert main(base) == 0
    assert (out / "report.png").is_file()
    assert main([*base, "--no-report"]) == 0
    assert not (out / "report.png").exists(), "a stale report.png would not match the new run"
    assert (out / "notes.txt").read_text() == "mine"
    assert not list(tmp_path.glob(".*partial*"))


def test_human_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s"
    assert main(["run", "tera", "--seed", "1", "--years", "1", "--no-report", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    for words in ("active members", "arrivals / departures", "annual turnover", "per 100 person-years", "top-10 %"):
        assert words in text
    summary = _strict_json(out / "summary.json")
    # disputes are compared with conflicts; the sessions (a dispute may have two) are said as such
    opened, disputes, sessions = (
        summary["conflicts_opened"],
        summary["disputes_mediated"],
        summary["conflicts_mediated"],
    )
    line = re.search(r"conflicts opened / mediated +(\d+) / (\d+) \(in (\d+) médiation sessions\)", text)
    assert line is not None, text
    assert [int(x) for x in line.groups()] == [opened, disputes, sessions]
    assert str(out) in text


def test_quiet_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "tera", "--years", "1", "--no-report", "--quiet", "--out", str(tmp_path / "q")]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert isinstance(_strict_json(tmp_path / "q" / "summary.json")["seed"], int)  # a fresh seed, recorded


def test_main_help_explains_the_tool(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "scenario" in text and "TOML" in text
    assert "coopsim run tera --seed 1" in text
    assert "coopsim run tera --set rex.enabled=false --out out/no-rex" in text
    for path in shipped_scenarios():
        assert path.stem in text


def test_run_help_lists_options_and_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--seed", "--years", "--set", "--out", "--no-report", "--quiet"):
        assert option in text
    for name in RUN_FILES:
        assert name in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"coopsim {coopsim.__version__}"


def test_scenarios_lists_names_and_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    text = capsys.readouterr().out
    paths = shipped_scenarios()
    assert paths, "no shipped scenarios found"
    for path in paths:
        assert path.stem in text
    assert coopsim.load_scenario("tera-without-rex").description in text


def test_no_command_shows_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "commands" in capsys.readouterr().err


def test_json_safe() -> None:
    import numpy as np

    data = {"a": float("nan"), "b": [1.5, float("inf")], "c": np.float64(2.0), "d": np.int64(3), "e": "x"}
    assert json_safe(data) == {"a": None, "b": [1.5, None], "c": 2.0, "d": 3, "e": "x"}
    assert isinstance(json_safe(np.int64(3)), int)
    assert not math.isnan(json_safe(np.float64(0.5)))


def test_progress_bar_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the weeks are counted on stderr, and the bar is cleared at the end."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["run", "tera", "--seed", "1", "--years", "1", "--no-report", "--out", str(tmp_path / "p")]) == 0
    assert "/52 [" in terminal.getvalue() and "week" in terminal.getvalue()
