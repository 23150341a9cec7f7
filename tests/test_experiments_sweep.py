"""Sweeps: the same results whichever runs them, and a store that survives interruptions.

A tiny experiment (2 × 2 grid × 6 replications = 24 one-year runs, with weekly series)
is swept once in-process; that store is the reference every other way of running it
must reproduce exactly (``load()`` frames equal, series equal):

- a 2-process pool and a 2-worker Dask LocalCluster;
- ``coopsim sweep`` killed with SIGKILL (with its worker processes) at random points,
  three times, then finished with the same command;
- Ctrl-C (SIGINT), then the same command;
- a Dask cluster one of whose workers is SIGKILLed mid-sweep;
- a store with a half-written temporary file and an orphan series part;
- a disk that fills up, then has room again; a run that raises;
- damaged part files (not Parquet, empty, truncated): set aside, their runs run again;
- a pool process that dies inside a run: the pool heals and the lost runs are run again;
  a run that kills its process every time stops the sweep, naming it and no other.

Runs are never adopted by another plan: every part file names its plan, and a folder
whose manifest is lost (deleted, or moved aside because it was damaged) is refused to
another experiment and rebuilt for its own.

No run may be missing or saved twice (checked on the raw parts, not only on ``load``).
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from coopsim.cli import main
from coopsim.experiments import (
    RunError,
    StoreError,
    completed_ids,
    load,
    load_experiment,
    load_series,
    plan,
    read_manifest,
    sweep,
)
from coopsim.experiments.engine import execute, store, worker
from coopsim.experiments.engine.design import plan_fingerprint
from coopsim.experiments.engine.seeds import derive_seed

TINY = """\
# a tiny experiment for the tests
name = "tiny"
scenario = "tera"
years = 1
design = "grid"
replications = 6
master_seed = 99
outcomes = ["annual_turnover", "burnouts_total", "conflicts_opened", "mean_engagement", "mediation_success_rate"]
weekly = ["active", "exhaustion_mean"]

[factors]
rex.enabled = [true, false]
mediation.capacity_per_month = [0, 4]
"""
TOTAL = 24


@pytest.fixture(scope="module")
def exp_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exp") / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(exp_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of an uninterrupted in-process sweep."""
    out = tmp_path_factory.mktemp("ref") / "store"
    sweep(exp_file, out, workers=1, progress=False, batch_size=6)  # 4 batches: 4 runs parts, 4 series parts
    return out


def assert_same_store(a: Path, b: Path) -> None:
    """Same runs, same values, same series; each run saved exactly once in ``b``'s parts."""
    pd.testing.assert_frame_equal(load(a), load(b))
    pd.testing.assert_frame_equal(load_series(a), load_series(b))
    assert_each_run_once(b)


def assert_each_run_once(folder: Path) -> None:
    ids = [i for p in sorted((folder / "runs").glob("part-*.parquet")) for i in pq.read_table(p)["run_id"].to_pylist()]
    assert sorted(ids) == list(range(TOTAL)), "a run is missing or saved twice"
    series = load_series(folder)
    assert not series.duplicated(["run_id", "week"]).any()
    assert read_manifest(folder)["runs_done"] == TOTAL


# --- the reference ---------------------------------------------------------------------------


def test_a_store_holds_one_tidy_row_per_run(reference: Path, exp_file: Path) -> None:
    frame = load(reference)
    exp = load_experiment(exp_file)
    assert list(frame.columns) == ["run_id", "sample_id", "replicate", "seed", *exp.factor_keys, *exp.outcome_keys]
    assert frame["run_id"].tolist() == list(range(TOTAL))
    assert frame.groupby("replicate")["seed"].nunique().eq(1).all()
    series = load_series(reference)
    assert len(series) == TOTAL * 52
    assert {"week", "year", "active", "exhaustion_mean", "rex.enabled"} <= set(series.columns)
    manifest = read_manifest(reference)
    assert manifest["experiment"]["sha256"] == store.file_sha256(exp_file)
    assert manifest["runs_total"] == manifest["runs_done"] == TOTAL
    assert manifest["finished"] is not None
    assert manifest["sessions"][-1]["status"] == "finished"
    assert_each_run_once(reference)


def test_every_part_file_names_its_plan(reference: Path, exp_file: Path) -> None:
    exp = load_experiment(exp_file)
    fingerprint = plan_fingerprint(exp, plan(exp))
    manifest = read_manifest(reference)
    assert manifest["plan_fingerprint"] == fingerprint
    parts = sorted(reference.glob("*/part-*.parquet"))
    assert len(parts) == 8  # 4 batches of runs and their series
    expected = {"plan": fingerprint, "version": manifest["coopsim_version"], "experiment": "tiny"}
    assert all(store.part_keys(pq.read_schema(part).metadata) == expected for part in parts)


def test_a_run_in_a_sweep_is_the_same_run_as_coopsim_run(reference: Path) -> None:
    from coopsim import run

    row = load(reference).iloc[5]
    result = run(
        "tera",
        seed=int(row["seed"]),
        years=1,
        overrides={
            "rex.enabled": bool(row["rex.enabled"]),
            "mediation.capacity_per_month": int(row["mediation.capacity_per_month"]),
        },
    )
    assert result.summary["annual_turnover"] == row["annual_turnover"]
    assert result.summary["conflicts_opened"] == row["conflicts_opened"]


def test_a_finished_sweep_runs_nothing_again(reference: Path, exp_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    parts = sorted((copy / "runs").iterdir())
    assert sweep(exp_file, copy, workers=1, progress=False) == copy
    assert sorted((copy / "runs").iterdir()) == parts


def test_a_sweep_killed_after_its_last_save_is_finished_by_the_same_command(
    reference: Path, exp_file: Path, tmp_path: Path
) -> None:
    # every run saved, but the kill came before the manifest recorded the end of the session
    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    manifest = read_manifest(copy)
    manifest.update(runs_done=15, finished=None)
    manifest["sessions"][-1].update(status="running", ended=None)
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    parts = sorted((copy / "runs").iterdir())
    assert sweep(exp_file, copy, workers=1, progress=False) == copy
    assert sorted((copy / "runs").iterdir()) == parts  # nothing run again
    manifest = read_manifest(copy)
    assert manifest["runs_done"] == TOTAL and manifest["finished"] is not None
    assert [s["status"] for s in manifest["sessions"]][-2:] == ["killed", "finished"]
    assert_same_store(reference, copy)


# --- the same results whichever runs them ---------------------------------------------------


def test_a_process_pool_gives_the_identical_store(reference: Path, exp_file: Path, tmp_path: Path) -> None:
    sweep(exp_file, tmp_path / "pool", workers=2, progress=False, batch_size=5)
    assert_same_store(reference, tmp_path / "pool")
    assert read_manifest(tmp_path / "pool")["sessions"][-1]["executor"] == "process pool"


def test_a_dask_local_cluster_gives_the_identical_store(reference: Path, exp_file: Path, tmp_path: Path) -> None:
    sweep(exp_file, tmp_path / "dask", workers=2, dask=True, progress=False, batch_size=5)
    assert_same_store(reference, tmp_path / "dask")
    assert read_manifest(tmp_path / "dask")["sessions"][-1]["executor"] == "dask LocalCluster"


# --- interruptions ------------------------------------------------------------------------------


def _command(exp_file: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "coopsim", "sweep", str(exp_file), "--out", str(out), "--save-every", "1", *extra]


def _wait_for_runs(out: Path, count: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until ``count`` runs are saved in ``out`` (or the process has ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "runs").is_dir() and len(completed_ids(out)) >= count:
            return
        time.sleep(0.02)


def test_sigkill_at_random_points_then_the_same_command_resumes(
    reference: Path, exp_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "killed"
    rng = random.Random(20240611)
    done_after_kills = []
    for workers in ("2", "1", "1"):  # a pool killed with its processes, then the sweep process alone
        before = len(completed_ids(out)) if (out / "runs").is_dir() else 0
        proc = subprocess.Popen(_command(exp_file, out, "--workers", workers, "--quiet"), start_new_session=True)
        _wait_for_runs(out, before + rng.randint(1, 4), proc)
        time.sleep(rng.uniform(0.0, 0.15))  # sometimes in the middle of a run, sometimes of a write
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its pool processes, as a job killer would
        proc.wait(timeout=30)
        done = completed_ids(out)
        assert len(done) >= before
        done_after_kills.append(len(done))
        pd.testing.assert_frame_equal(load(out), load(reference).iloc[sorted(done)].reset_index(drop=True))
    assert 0 < done_after_kills[0] < TOTAL, "the first kill should land mid-sweep"
    finish = subprocess.run(_command(exp_file, out, "--workers", "1", "--quiet"), capture_output=True, timeout=120)
    assert finish.returncode == 0, finish.stderr.decode()
    assert_same_store(reference, out)
    statuses = [s["status"] for s in read_manifest(out)["sessions"]]
    assert statuses[-1] == "finished" and statuses.count("killed") >= 1


def test_ctrl_c_saves_what_completed_and_says_how_to_resume(tmp_path: Path) -> None:
    # runs of ten years (~0.1 s each), so that seconds of runs are left when the Ctrl-C
    # lands, even on a loaded machine (the 24 one-year runs of the compiled model take
    # about as long as two looks at the folder)
    exp_file = tmp_path / "slower.toml"
    exp_file.write_text(TINY.replace("years = 1", "years = 10"), encoding="utf-8")
    reference = sweep(exp_file, tmp_path / "reference", workers=1, progress=False)
    out = tmp_path / "interrupted"
    proc = subprocess.Popen(_command(exp_file, out, "--workers", "1", "--quiet"), stderr=subprocess.PIPE)
    _wait_for_runs(out, 4, proc)
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    message = err.decode().strip()
    assert proc.returncode == 130, message
    assert "interrupted" in message and "resume" in message and "--out" in message
    assert len(message.splitlines()) == 1
    assert read_manifest(out)["sessions"][-1]["status"] == "interrupted"
    assert 4 <= len(completed_ids(out)) < TOTAL
    assert main(["sweep", str(exp_file), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert_same_store(reference, out)


def test_half_written_and_orphan_files_are_ignored_then_cleaned(
    reference: Path, exp_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "debris"
    shutil.copytree(reference, out)
    parts = sorted((out / "runs").glob("part-*.parquet"))
    (out / "runs" / parts[0].name).unlink()  # the last batch was lost ...
    torn = out / "runs" / f".{parts[0].name}.1234abcd.tmp"
    torn.write_bytes(b"PAR1 half a file")  # ... while being written
    orphan = out / "series" / parts[0].name  # its series part was written, not its runs part
    assert orphan.exists()
    assert len(load(out)) == TOTAL - len(pq.read_table(reference / "runs" / parts[0].name))
    assert set(load_series(out)["run_id"]) == set(load(out)["run_id"])
    sweep(exp_file, out, workers=1, progress=False)
    assert not torn.exists()
    assert_same_store(reference, out)


def test_a_dask_worker_killed_mid_sweep_loses_and_duplicates_nothing(
    reference: Path, exp_file: Path, tmp_path: Path
) -> None:
    from distributed import Client, LocalCluster

    out = tmp_path / "dask-killed"
    killed: list[int] = []
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        victim = next(iter(client.run(os.getpid).values()))

        def kill_when_running() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if (out / "runs").is_dir() and len(completed_ids(out)) >= 3:
                    killed.append(len(completed_ids(out)))
                    os.kill(victim, signal.SIGKILL)
                    return
                time.sleep(0.01)

        killer = threading.Thread(target=kill_when_running)
        killer.start()
        sweep(exp_file, out, scheduler=cluster.scheduler_address, progress=False, batch_size=1)
        killer.join()
    assert killed and killed[0] < TOTAL, "the worker should die mid-sweep"
    assert_same_store(reference, out)


def test_a_full_disk_stops_the_sweep_and_the_store_resumes(
    reference: Path, exp_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "full"
    real = store._write_parquet
    writes: list[Path] = []

    def fill_up(path: Path, frame: pd.DataFrame) -> None:
        if path.parent.name in ("runs", "series"):
            writes.append(path)
        if len(writes) > 4:  # two batches (series + runs each) fit, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, frame)

    monkeypatch.setattr(store, "_write_parquet", fill_up)
    with pytest.raises(StoreError, match="No space left"):
        sweep(exp_file, out, workers=1, progress=False, batch_size=5)
    assert len(completed_ids(out)) == 10
    monkeypatch.setattr(store, "_write_parquet", real)
    sweep(exp_file, out, workers=1, progress=False, batch_size=5)
    assert_same_store(reference, out)


@pytest.fixture
def run_12_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make run 12 of the experiment (replicate 3 of sample 0, seed derive_seed(99, 3)) raise."""
    real = worker.simulate
    bad_seed = derive_seed(99, 3)

    def fail(scenario: Any, seed: int, years: float | None) -> Any:
        if seed == bad_seed:
            raise ValueError("the model refused")
        return real(scenario, seed, years)

    monkeypatch.setattr(worker, "simulate", fail)


@pytest.mark.usefixtures("run_12_fails")
def test_a_failing_run_stops_the_sweep_and_keeps_what_completed(exp_file: Path, tmp_path: Path) -> None:
    with pytest.raises(RunError, match=r"run 12 \(sample 0, replicate 3.*ValueError: the model refused"):
        sweep(exp_file, tmp_path / "failed", workers=1, progress=False, batch_size=100)
    assert completed_ids(tmp_path / "failed") == set(range(12))
    assert read_manifest(tmp_path / "failed")["sessions"][-1]["status"] == "failed"


@pytest.mark.usefixtures("run_12_fails")
def test_the_command_reports_a_failing_run_in_one_line(
    exp_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "failed"
    assert main(["sweep", str(exp_file), "--out", str(out), "--workers", "1", "--quiet", "--save-every", "100"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err.startswith("coopsim: error: run 12 (sample 0, replicate 3") and "are saved" in err
    assert completed_ids(out) == set(range(12))


# --- damaged files, dead processes ------------------------------------------------------------


def _ids(folder: Path, names: list[str]) -> list[int]:
    return [i for name in names for i in pq.read_table(folder / "runs" / name)["run_id"].to_pylist()]


def test_damaged_parts_are_set_aside_and_their_runs_run_again(
    reference: Path, exp_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "damaged"
    shutil.copytree(reference, out)
    names = [p.name for p in sorted((out / "runs").glob("part-*.parquet"))]
    (out / "runs" / names[0]).write_bytes(b"not a Parquet file at all")
    (out / "runs" / names[1]).write_bytes(b"")  # zero length
    series = out / "series" / names[2]
    series.write_bytes(series.read_bytes()[: series.stat().st_size // 2])  # truncated
    (out / "plan.parquet").write_bytes(b"PAR1")  # the plan too (the manifest vouches for it: written again)
    assert completed_ids(out) == set(load(reference)["run_id"]) - set(_ids(reference, names[:2]))
    assert main(["sweep", str(exp_file), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    *notes, plan_note = capsys.readouterr().err.strip().splitlines()
    assert len(notes) == 3 and all("damaged" in n and "set aside" in n and "run again" in n for n in notes), notes
    assert "plan.parquet: missing or damaged; written again" in plan_note
    assert f"runs/{names[0]}: damaged (Parquet magic bytes not found" in notes[0]
    assert f"runs/{names[1]}: damaged (Parquet file size is 0 bytes" in notes[1]
    assert f"series/{names[2]}: damaged (" in notes[2]
    quarantine = out / "quarantine"
    moved = sorted(p.relative_to(quarantine).as_posix() for p in quarantine.rglob("*.parquet"))
    assert moved == sorted([f"{kind}/{name}" for kind in ("runs", "series") for name in names[:3]] + ["plan.parquet"])
    assert_same_store(reference, out)
    assert len(read_manifest(out)["sessions"][-1]["quarantined"]) == 6


VICTIM = 5  # run 5: sample 1, replicate 1


def die_in_run(task: dict[str, Any]) -> dict[str, Any]:
    """worker.run_one, except that the process running run VICTIM kills itself: on its first
    attempt (COOPSIM_TEST_DIE=once) or on every one (=always). Every attempt is logged in
    the file COOPSIM_TEST_ATTEMPTS. (Pool processes import this function by name.)"""
    log = Path(os.environ["COOPSIM_TEST_ATTEMPTS"])
    with log.open("a") as f:
        f.write(f"{task['run_id']}\n")
    if task["run_id"] == VICTIM:
        first = log.read_text().split().count(str(VICTIM)) == 1
        if first or os.environ["COOPSIM_TEST_DIE"] == "always":
            os.kill(os.getpid(), signal.SIGKILL)
    return worker.run_one(task)


@pytest.fixture
def attempts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Pool sweeps run die_in_run; returns how many times a run was attempted."""
    log = tmp_path / "attempts.log"
    monkeypatch.setenv("COOPSIM_TEST_ATTEMPTS", str(log))
    monkeypatch.setattr(execute, "run_one", die_in_run)
    return lambda run_id: log.read_text().split().count(str(run_id)) if log.exists() else 0


def test_a_pool_process_that_dies_is_replaced_and_its_runs_run_again(
    reference: Path, exp_file: Path, tmp_path: Path, attempts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOPSIM_TEST_DIE", "once")
    out = tmp_path / "healed"
    sweep(exp_file, out, workers=2, progress=False, batch_size=5)
    assert attempts(VICTIM) == 2
    assert_same_store(reference, out)
    assert read_manifest(out)["sessions"][-1]["status"] == "finished"


def test_a_run_that_keeps_killing_its_process_stops_the_sweep_naming_it(
    reference: Path,
    exp_file: Path,
    tmp_path: Path,
    attempts: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COOPSIM_TEST_DIE", "always")
    monkeypatch.setattr(execute, "ALONE_RETRIES", 1)  # lost with the pool twice, then dead alone once
    out = tmp_path / "dying"
    argv = ["sweep", str(exp_file), "--out", str(out), "--workers", "2", "--save-every", "1", "--quiet"]
    line = _error_line(argv, capsys)
    assert re.search(
        rf"error: run {VICTIM} \(sample 1, replicate 1, .*\): lost 3 times with a process that died, the last time "
        r"running alone on a process of its own \(killed by SIGKILL\).* completed before it are saved",
        line,
    ), line
    assert attempts(VICTIM) == 3
    done = completed_ids(out)
    assert VICTIM not in done
    pd.testing.assert_frame_equal(load(out), load(reference).iloc[sorted(done)].reset_index(drop=True))
    assert read_manifest(out)["sessions"][-1]["status"] == "failed"


# --- runs never adopted by another plan -------------------------------------------------------

OTHER = (
    TINY.replace('name = "tiny"', 'name = "other"')
    .replace("years = 1", "years = 0.2")
    .replace("replications = 6", "replications = 1")
)


def test_a_lost_manifest_lets_no_other_experiment_adopt_the_runs(
    reference: Path, exp_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lost"
    shutil.copytree(reference, out)
    other = tmp_path / "other.toml"
    other.write_text(OTHER, encoding="utf-8")
    manifest = out / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:100])  # damaged
    line = _error_line(["sweep", str(exp_file), "--out", str(out), "--workers", "1", "--quiet"], capsys)
    assert "manifest.json: damaged" in line and "move it aside" in line and "rebuilds the manifest" in line
    manifest.rename(out / "manifest.json.damaged")  # as the message says
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    line = _error_line(["sweep", str(other), "--out", str(out), "--workers", "1", "--quiet"], capsys)
    assert "has no manifest.json" in line and "another plan (experiment 'tiny')" in line and "not adopted" in line
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before  # nothing written
    assert main(["sweep", str(exp_file), "--out", str(out), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "made a new one, keeping the 24 runs" in captured.err
    assert "24 of 24 runs done (all saved before)" in captured.out
    assert_same_store(reference, out)


def test_parts_of_another_plan_are_refused_beside_a_manifest(reference: Path, tmp_path: Path, exp_file: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text(OTHER, encoding="utf-8")
    elsewhere = sweep(other, tmp_path / "elsewhere", workers=1, progress=False)
    out = tmp_path / "mixed"
    shutil.copytree(reference, out)
    stray = next((elsewhere / "runs").glob("part-*.parquet"))
    shutil.copy(stray, out / "runs" / stray.name)
    with pytest.raises(StoreError, match=r"holds runs of another plan \(experiment 'other'\).*not adopted"):
        sweep(exp_file, out, workers=1, progress=False)
    with pytest.raises(StoreError, match="another plan"):
        load(out)


def test_a_store_made_before_parts_named_their_plan_still_resumes(
    reference: Path, exp_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "legacy"
    shutil.copytree(reference, out)
    for kind in ("runs", "series"):
        (out / kind / sorted((reference / "runs").glob("part-*"))[-1].name).unlink()  # the last batch was lost
    for part in out.glob("*/part-*.parquet"):
        table = pq.read_table(part)
        pq.write_table(table.replace_schema_metadata({b"pandas": table.schema.metadata[b"pandas"]}), part)
    data = json.loads((out / "manifest.json").read_text())
    del data["plan_fingerprint"]
    (out / "manifest.json").write_text(json.dumps(data))
    sweep(exp_file, out, workers=1, progress=False)
    assert_same_store(reference, out)
    (out / "manifest.json").unlink()  # without it, nothing vouches for the parts without a plan
    with pytest.raises(StoreError, match="unknown plan"):
        sweep(exp_file, out, workers=1, progress=False)


# --- refusals -----------------------------------------------------------------------------------


def _error_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coopsim: error: ")
    return lines[0]


def test_a_store_of_another_experiment_is_refused(
    reference: Path, exp_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "other"
    shutil.copytree(reference, out)
    commented = tmp_path / "tiny.toml"
    commented.write_text("# only a comment changed\n" + TINY, encoding="utf-8")
    assert main(["sweep", str(commented), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    changed = tmp_path / "changed.toml"
    changed.write_text(TINY.replace("master_seed = 99", "master_seed = 100"), encoding="utf-8")
    line = _error_line(["sweep", str(changed), "--out", str(out), "--workers", "1"], capsys)
    assert "another experiment" in line and "new --out" in line


def test_unusable_out_folders_are_refused(exp_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert "not a folder" in _error_line(["sweep", str(exp_file), "--out", str(afile)], capsys)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("x")
    line = _error_line(["sweep", str(exp_file), "--out", str(foreign)], capsys)
    assert "not a sweep results folder" in line and "thesis.tex" in line


def test_an_unreachable_scheduler_is_refused_quickly(
    exp_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execute, "CONNECT_TIMEOUT", 1)
    out = tmp_path / "nowhere"
    line = _error_line(["sweep", str(exp_file), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9"], capsys)
    assert "--scheduler tcp://127.0.0.1:9" in line and "cannot connect" in line
    assert not out.exists()
    line = _error_line(["sweep", str(exp_file), "--out", str(out), "--scheduler", "my-laptop"], capsys)
    assert "--scheduler my-laptop: not an address" in line


def test_bad_worker_counts_are_refused(exp_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "--workers 0" in _error_line(
        ["sweep", str(exp_file), "--out", str(tmp_path / "o"), "--workers", "0"], capsys
    )


def test_one_sweep_at_a_time_writes_into_a_folder(reference: Path, exp_file: Path) -> None:
    from coopsim.experiments import plan

    exp = load_experiment(exp_file)
    with store.Store.open(reference, exp, plan(exp)), pytest.raises(StoreError, match="another sweep is writing"):
        store.Store.open(reference, exp, plan(exp))
