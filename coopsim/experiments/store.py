"""The results folder of a sweep: append-only Parquet parts, a plan and a manifest.

Layout of a results folder (``--out DIR``)::

    DIR/manifest.json          what was run: the experiment (file, sha256, data), the
                               SALib problem, the coopsim version, the sessions (start,
                               end, executor, runs done) and the counts
    DIR/plan.parquet           every planned run: run_id, sample_id, replicate, seed,
                               factor values (written once)
    DIR/runs/part-*.parquet    the completed runs, a batch per file: the plan's columns
                               and the outcomes
    DIR/series/part-*.parquet  the weekly series of the same batches (when asked):
                               run_id, week, year and the asked columns

How a half-written file never corrupts the store:

- every file is written under a hidden temporary name in its final folder, flushed to
  disk (fsync), then renamed to its final name in one step (``os.replace``); a killed
  sweep leaves at most a hidden ``.*.tmp`` file, which readers ignore and the next
  sweep deletes;
- a batch's series part is written before its runs part, and a run counts as done only
  once its runs part exists; a series part without its runs part is an orphan, ignored
  by :func:`load_series` and deleted on resume (its runs are run again);
- one sweep at a time writes into a folder (a lock, released by the system even when
  the sweep is killed).

Read the results with :func:`load` (one row per run) and :func:`load_series`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from .design import problem
from .spec import Experiment
from .worker import ID_COLUMNS

FORMAT = "coopsim-sweep/1"
MANIFEST = "manifest.json"
PLAN = "plan.parquet"
RUNS = "runs"
SERIES = "series"
LOCK = ".lock"
OWN_NAMES = {MANIFEST, PLAN, RUNS, SERIES, LOCK}


class StoreError(Exception):
    """A results folder that cannot be used (one-line message saying why and what to do).

    Example:
        >>> import tempfile
        >>> try:
        ...     read_manifest(tempfile.mkdtemp())
        ... except StoreError as exc:
        ...     print(str(exc).split(": ", 1)[1])
        not a sweep results folder (no manifest.json)
    """


def now() -> str:
    """The current time, ISO 8601 with the UTC offset, to the second.

    Example:
        >>> stamp = now()                                          # e.g. 2025-03-01T14:05:09+01:00
        >>> stamp[4], stamp[10], len(stamp)
        ('-', 'T', 25)
    """
    return _dt.datetime.now(_dt.UTC).astimezone().isoformat(timespec="seconds")


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = path.write_bytes(b"abc")
        >>> file_sha256(path)[:16]
        'ba7816bf8f01cfea'
    """
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- writing files in one step ----------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows opening a folder)."""
    if sys.platform.startswith("win"):
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, write: Any) -> None:
    """Write ``path`` through ``write(binary_file)`` under a temporary name, fsync, rename.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "notes.txt"
        >>> write_atomic(path, lambda f: f.write(b"saved in one step"))
        >>> path.read_text(), [p.name for p in path.parent.iterdir()]        # no temporary file left
        ('saved in one step', ['notes.txt'])
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)


def _write_json(path: Path, data: Any) -> None:
    from ..cli_support import json_safe

    text = json.dumps(json_safe(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomic(path, lambda f: f.write(text.encode("utf-8")))


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    write_atomic(path, lambda f: pq.write_table(table, f))


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a results folder, or :class:`StoreError` if there is none.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> manifest = read_manifest(folder)
        >>> manifest["runs_done"], manifest["runs_total"], manifest["sessions"][0]["status"]
        (2, 2, 'finished')
    """
    path = Path(folder) / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{folder}: not a sweep results folder (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot read: {exc}") from None
    if data.get("format") != FORMAT:
        raise StoreError(f"{path}: format {data.get('format')!r} is not {FORMAT!r}")
    return data


# --- the parts -------------------------------------------------------------------------


def _parts(folder: Path, kind: str) -> list[Path]:
    """The committed part files of ``runs`` or ``series``, sorted by name (hidden temp files excluded)."""
    sub = folder / kind
    return sorted(p for p in sub.glob("part-*.parquet") if p.is_file()) if sub.is_dir() else []


def _committed_series(folder: Path) -> list[Path]:
    """Series parts whose runs part exists (the others are orphans of an interrupted write)."""
    runs = {p.name for p in _parts(folder, RUNS)}
    return [p for p in _parts(folder, SERIES) if p.name in runs]


def completed_ids(folder: str | Path) -> set[int]:
    """The run ids saved in a results folder.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> completed_ids(folder)
        {0, 1}
    """
    ids: set[int] = set()
    for part in _parts(Path(folder), RUNS):
        ids.update(int(i) for i in pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist())
    return ids


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def load(folder: str | Path) -> pd.DataFrame:
    """The completed runs of a sweep, one row per run, sorted by run_id.

    Columns: run_id, sample_id, replicate, seed, one per factor (its dotted key), one per
    outcome. Runs not done yet (an interrupted sweep) are absent; ``len(load(d))`` over
    the manifest's ``runs_total`` says how far it got.

    Example::

        from coopsim.experiments import load
        df = load("out/smoke")
        df.groupby("rex.enabled")["annual_turnover"].mean()

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> df = load(folder)
        >>> list(df.columns)
        ['run_id', 'sample_id', 'replicate', 'seed', 'rex.enabled', 'annual_turnover']
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    parts = _parts(folder, RUNS)
    if not parts:
        columns = [*ID_COLUMNS, *manifest["factors"], *manifest["outcomes"]]
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ID_COLUMNS else "float64") for c in columns})
    frame = _concat([pd.read_parquet(p) for p in parts])
    frame = frame.drop_duplicates("run_id", keep="first")
    return frame.sort_values("run_id", kind="stable").reset_index(drop=True)


def load_series(folder: str | Path) -> pd.DataFrame:
    """The weekly series of the completed runs, one row per run and week (long format).

    Columns: run_id, sample_id, replicate, seed, the factors, week, year, and the weekly
    columns the experiment asked for; sorted by run_id and week. Empty when the
    experiment asked for no weekly series.

    Example:
        >>> import tempfile
        >>> from coopsim.experiments import experiment_from_dict, sweep
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "weekly": ["active"],
        ...                             "factors": {"rex.enabled": [True, False]}})
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)
        >>> series = load_series(folder)
        >>> len(series), list(series.columns)[-3:]                 # 2 runs x 5 weeks
        (10, ['week', 'year', 'active'])
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    parts = _committed_series(folder)
    if not parts:
        columns = [*ID_COLUMNS, *manifest["factors"], "week", "year", *manifest["weekly"]]
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    series = _concat([pd.read_parquet(p) for p in parts])
    series = series.drop_duplicates(["run_id", "week"], keep="first")
    plan = pd.read_parquet(folder / PLAN)
    frame = plan.merge(series, on="run_id", how="inner", validate="one_to_many")
    return frame.sort_values(["run_id", "week"], kind="stable").reset_index(drop=True)


def load_plan(folder: str | Path) -> pd.DataFrame:
    """Every planned run of a sweep (done or not): run_id, sample_id, replicate, seed, factors.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import plan, sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)
        >>> load_plan(folder).equals(plan(exp))
        True
    """
    return pd.read_parquet(Path(folder) / PLAN)


# --- the store of one sweep --------------------------------------------------------------


def _same_plan(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Same columns, same rows, same values (dtypes of equal values may differ)."""
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    return all(a[c].tolist() == b[c].tolist() for c in a.columns)


class Store:
    """The results folder of one sweep, opened for writing by one process at a time.

    Use :meth:`open` (create or resume), :meth:`save` for each batch of completed runs,
    and :meth:`close` (or ``with Store.open(...) as store:``).

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import plan
        >>> from coopsim.experiments.execute import tasks
        >>> from coopsim.experiments.worker import run_one
        >>> the_plan = plan(exp)
        >>> with Store.open(tempfile.mkdtemp(), exp, the_plan) as store:
        ...     saved = store.save([run_one(t) for t in tasks(exp, the_plan)])
        ...     again = store.save([run_one(tasks(exp, the_plan)[0])])          # a run is saved once
        >>> saved, again, sorted(store.done)
        (2, 0, [0, 1])
    """

    def __init__(self, folder: Path, lock: IO[bytes] | None) -> None:
        self.folder = folder
        self._lock = lock
        self.done: set[int] = completed_ids(folder)
        self.write_seconds = 0.0
        self.saved_this_session = 0
        self.manifest = read_manifest(folder)

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: str | Path, exp: Experiment, plan: pd.DataFrame) -> Store:
        """Create the results folder of ``exp``, or reopen it to resume the same experiment.

        Refuses (:class:`StoreError`) a path that is a file, a folder holding other
        things, a folder of a different experiment (or coopsim version), or a folder
        another sweep is writing into.
        """
        folder = Path(folder)
        _check_folder(folder)
        folder.mkdir(parents=True, exist_ok=True)
        lock = _lock(folder)
        try:
            if (folder / MANIFEST).exists():
                _check_same(folder, exp, plan)
            else:
                _create(folder, exp, plan)
            _clean(folder)
            store = cls(folder, lock)
        except BaseException:
            lock.close()
            raise
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the folder for another sweep."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # --- writing --------------------------------------------------------------------------

    def save(self, results: Iterable[dict[str, Any]]) -> int:
        """Save a batch of :func:`~coopsim.experiments.worker.run_one` results not saved
        yet (a run already saved is skipped); return how many were saved."""
        fresh: dict[int, dict[str, Any]] = {}
        for result in results:
            run_id = int(result["run_id"])
            if run_id not in self.done and run_id not in fresh:
                fresh[run_id] = result
        if not fresh:
            return 0
        start = time.perf_counter()
        name = f"part-{min(fresh):09d}-{uuid.uuid4().hex[:12]}.parquet"
        ordered = [fresh[i] for i in sorted(fresh)]
        series = [r["series"] for r in ordered if r.get("series") is not None]
        try:
            if series:  # first the series, then the runs part that commits both
                columns = series[0].keys()
                frame = pd.DataFrame({c: np.concatenate([s[c] for s in series]) for c in columns})
                _write_parquet(self.folder / SERIES / name, frame)
            _write_parquet(self.folder / RUNS / name, pd.DataFrame([r["row"] for r in ordered]))
        except OSError as exc:
            raise StoreError(
                f"{self.folder}: cannot save results: {exc.strerror or exc}; the {len(self.done)} runs saved "
                "before are kept: make room and run the same command to resume"
            ) from None
        self.done.update(fresh)
        self.saved_this_session += len(fresh)
        self.write_seconds += time.perf_counter() - start
        return len(fresh)

    def begin_session(self, executor: str, workers: int, startup_seconds: float = 0.0) -> None:
        """Record in the manifest that a sweep session starts (on ``workers`` workers of ``executor``)."""
        for session in self.manifest["sessions"]:
            if session.get("status") == "running":  # a previous sweep was killed
                session["status"] = "killed"
        self.manifest["sessions"].append(
            {
                "started": now(),
                "ended": None,
                "executor": executor,
                "workers": workers,
                "startup_seconds": round(startup_seconds, 3),
                "runs_done_before": len(self.done),
                "status": "running",
            }
        )
        self._update()

    def end_session(self, status: str) -> None:
        """Record in the manifest how the session ended: finished, interrupted or failed."""
        session = self.manifest["sessions"][-1]
        session.update(
            ended=now(), status=status, runs_saved=self.saved_this_session, write_seconds=round(self.write_seconds, 3)
        )
        if len(self.done) >= self.manifest["runs_total"] and self.manifest.get("finished") is None:
            self.manifest["finished"] = now()
        self._update()

    def _update(self) -> None:
        self.manifest["runs_done"] = len(self.done)
        _write_json(self.folder / MANIFEST, self.manifest)


def check_store(folder: str | Path, exp: Experiment, plan: pd.DataFrame) -> set[int]:
    """Without writing anything: refuse a folder :meth:`Store.open` would refuse; return
    the run ids it already holds (none for a new folder).

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import sweep
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> from coopsim.experiments import read_manifest
        >>> from coopsim.experiments import plan
        >>> check_store(folder, exp, plan(exp))                   # the runs a resumed sweep would skip
        {0, 1}
    """
    folder = Path(folder)
    _check_folder(folder)
    if not (folder / MANIFEST).exists():
        return set()
    _check_same(folder, exp, plan)
    return completed_ids(folder)


def _check_folder(folder: Path) -> None:
    """Refuse a path that is a file, or a folder that is not (the start of) a results folder."""
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and not (folder / MANIFEST).exists():
        strangers = sorted(p.name for p in folder.iterdir() if p.name not in OWN_NAMES and not p.name.startswith("."))
        if strangers:
            raise StoreError(
                f"{folder}: is not empty and is not a sweep results folder (holds {', '.join(strangers[:3])}"
                f"{', ...' if len(strangers) > 3 else ''}); choose a new or empty --out folder"
            )


def _lock(folder: Path) -> IO[bytes]:
    """Take the folder's lock (held until closed; the system releases it if the process dies)."""
    f = (folder / LOCK).open("ab")
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock; one sweep at a time is up to the user
        return f
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise StoreError(f"{folder}: another sweep is writing into this folder; wait for it to end") from None
    return f


def _create(folder: Path, exp: Experiment, plan: pd.DataFrame) -> None:
    """A new results folder: runs/, series/, plan.parquet, then the manifest (last: it marks the folder complete)."""
    (folder / RUNS).mkdir(exist_ok=True)
    (folder / SERIES).mkdir(exist_ok=True)
    _write_parquet(folder / PLAN, plan)
    _write_json(folder / MANIFEST, new_manifest(exp, plan))


def new_manifest(exp: Experiment, plan: pd.DataFrame) -> dict[str, Any]:
    """The manifest of a new results folder.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> from coopsim.experiments import plan
        >>> manifest = new_manifest(exp, plan(exp))
        >>> manifest["runs_total"], manifest["factors"], manifest["runs_done"]
        (2, ['rex.enabled'], 0)
    """
    from importlib.metadata import version

    return {
        "format": FORMAT,
        "experiment": {
            "name": exp.name,
            "file": str(exp.file) if exp.file is not None else None,
            "sha256": file_sha256(exp.file) if exp.file is not None else None,
            "data": exp.to_data(),
        },
        "fingerprint": exp.fingerprint,
        "scenario_file": str(exp.scenario_file),
        "scenario": exp.base_scenario,
        "horizon_years": exp.horizon,
        "design": exp.design,
        "problem": problem(exp),
        "samples": int(plan["sample_id"].nunique()),
        "replications": exp.replications,
        "master_seed": exp.master_seed,
        "factors": exp.factor_keys,
        "outcomes": exp.outcome_keys,
        "weekly": list(exp.weekly),
        "runs_total": len(plan),
        "runs_done": 0,
        "coopsim_version": __version__,
        "salib_version": version("SALib"),
        "python_version": sys.version.split()[0],
        "created": now(),
        "finished": None,
        "sessions": [],
    }


def _check_same(folder: Path, exp: Experiment, plan: pd.DataFrame) -> None:
    """Refuse to resume into a folder made by another experiment, scenario or coopsim version."""
    manifest = read_manifest(folder)
    name = manifest["experiment"]["name"]
    if manifest["fingerprint"] != exp.fingerprint:
        raise StoreError(
            f"{folder}: holds the results of another experiment ({name!r}, or the same file or its scenario "
            "changed since); resume it with its unchanged files, or choose a new --out folder"
        )
    if manifest["coopsim_version"] != __version__:
        raise StoreError(
            f"{folder}: was made with coopsim {manifest['coopsim_version']}, this is {__version__}; "
            "results of two versions are not mixed: choose a new --out folder"
        )
    if not _same_plan(pd.read_parquet(folder / PLAN), plan):
        raise StoreError(
            f"{folder}: the plan of {name!r} drawn now differs from the saved one; choose a new --out folder"
        )


def _clean(folder: Path) -> None:
    """Delete what interrupted writes left: hidden temp files and orphan series parts."""
    for kind in (RUNS, SERIES, "."):
        sub = folder / kind
        for tmp in sub.glob(".*.tmp") if sub.is_dir() else []:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    committed = {p.name for p in _parts(folder, RUNS)}
    for part in _parts(folder, SERIES):
        if part.name not in committed:
            part.unlink()
