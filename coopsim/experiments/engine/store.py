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
    DIR/quarantine/            damaged part files set aside by a resumed sweep (their
                               runs are run again); never read

Every part file names the plan its runs belong to: its Parquet metadata holds
``coopsim.plan`` (:func:`~coopsim.experiments.engine.design.plan_fingerprint`: a sha256 of the
experiment, its base scenario, horizon, design, seeds and factor values),
``coopsim.version`` and ``coopsim.experiment`` (the name). A sweep resumes only runs of
its own plan:

- a folder whose parts name another plan (or none, or another coopsim version) is
  refused, whatever its manifest says, with a message saying what to do; runs are never
  adopted by another experiment;
- a folder whose ``manifest.json`` is missing (e.g. deleted, or moved aside because it
  was damaged) gets a new one when all its parts name this plan (the runs are kept and
  the message says so), and is refused otherwise;
- a part file that cannot be read (not Parquet, empty, truncated) is moved into
  ``quarantine/`` with the series part of the same batch, with a message naming it, and
  its runs are run again.

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
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ... import __version__
from .design import plan_fingerprint, problem
from .spec import Experiment
from .worker import ID_COLUMNS

FORMAT = "coopsim-sweep/1"
MANIFEST = "manifest.json"
PLAN = "plan.parquet"
RUNS = "runs"
SERIES = "series"
LOCK = ".lock"
QUARANTINE = "quarantine"
OWN_NAMES = {MANIFEST, PLAN, RUNS, SERIES, LOCK, QUARANTINE}
#: Keys every manifest has (one without them is damaged).
MANIFEST_KEYS = (
    "experiment",
    "fingerprint",
    "coopsim_version",
    "runs_total",
    "factors",
    "outcomes",
    "weekly",
    "sessions",
)
#: Prefix of the keys a part file's Parquet metadata gets: plan, version, experiment.
PART_KEY = "coopsim."
#: What reading a damaged Parquet file raises (pyarrow's errors derive from these).
READ_ERRORS = (OSError, ValueError, pa.ArrowException)

#: Called with a one-line message when the store does something the user should know
#: (a damaged part set aside, a manifest rebuilt).
Notify = Callable[[str], None]


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


class StoreWarning(UserWarning):
    """What a resumed sweep did to its folder (a damaged part set aside, a manifest rebuilt),
    warned when no ``notify`` function was given.

    Example:
        >>> issubclass(StoreWarning, UserWarning)
        True
    """


def _warn(message: str) -> None:
    warnings.warn(message, StoreWarning, stacklevel=4)


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
    from ...cli_support import json_safe

    text = json.dumps(json_safe(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomic(path, lambda f: f.write(text.encode("utf-8")))


def _write_parquet(path: Path, frame: pd.DataFrame | pa.Table) -> None:
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    write_atomic(path, lambda f: pq.write_table(table, f))


def _damaged_manifest(path: Path, why: str) -> str:
    return (
        f"{path}: damaged ({why}); move it aside (e.g. to {path.name}.damaged) and run the same sweep command "
        "again: it rebuilds the manifest from the runs saved for that experiment's plan, and refuses runs of another"
    )


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
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{folder}: not a sweep results folder (no {MANIFEST})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:  # not UTF-8, not JSON: written over, truncated
        raise StoreError(_damaged_manifest(path, f"not JSON: {exc}")) from None
    if not isinstance(data, dict):
        raise StoreError(_damaged_manifest(path, "not a JSON object"))
    if data.get("format") != FORMAT:
        raise StoreError(f"{path}: format {data.get('format')!r} is not {FORMAT!r}")
    missing = [key for key in MANIFEST_KEYS if key not in data]
    if missing:
        raise StoreError(_damaged_manifest(path, f"no {missing[0]!r}"))
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


def _why(exc: BaseException) -> str:
    """The first sentence of an error, for a one-line message."""
    return str(exc).split(". ")[0].strip() or type(exc).__name__


def part_keys(metadata: dict[bytes, bytes] | None) -> dict[str, str]:
    """The coopsim keys of a part file's Parquet metadata, without their prefix.

    Example:
        >>> part_keys({b"pandas": b"{}", b"coopsim.plan": b"5e1f", b"coopsim.version": b"0.1.0"})
        {'plan': '5e1f', 'version': '0.1.0'}
    """
    keys = {}
    for key, value in (metadata or {}).items():
        name = key.decode("utf-8", "replace")
        if name.startswith(PART_KEY):
            keys[name.removeprefix(PART_KEY)] = value.decode("utf-8", "replace")
    return keys


def _read_runs_part(part: Path) -> tuple[dict[str, str], list[int]]:
    """A runs part's coopsim keys and run ids (from its footer and one column); raises one
    of :data:`READ_ERRORS` when it cannot be read."""
    with part.open("rb") as f:
        parquet = pq.ParquetFile(f)
        schema = parquet.schema_arrow
        if "run_id" not in schema.names:
            raise ValueError("no run_id column")
        ids = parquet.read(columns=["run_id"]).column("run_id").to_pylist()
    return part_keys(schema.metadata), [int(i) for i in ids]


def _read_series_keys(part: Path) -> dict[str, str]:
    """A series part's coopsim keys (from its footer); raises one of :data:`READ_ERRORS`."""
    with part.open("rb") as f:
        return part_keys(pq.ParquetFile(f).schema_arrow.metadata)


def _belongs(keys: dict[str, str], fingerprint: str, legacy_ok: bool) -> bool:
    """Whether a part with these keys holds runs of the plan ``fingerprint`` (and this coopsim).

    ``legacy_ok``: parts without keys are accepted (a folder whose manifest was written
    before parts named their plan, and which vouches for them)."""
    if "plan" not in keys:
        return legacy_ok
    return keys["plan"] == fingerprint and keys.get("version") == __version__


def _whose(keys: dict[str, str]) -> str:
    """Which plan a foreign part belongs to, for a message."""
    if "plan" not in keys:
        return "of an unknown plan (written before part files named their plan)"
    if keys.get("version") != __version__:
        return f"made with coopsim {keys.get('version')}, this is {__version__}"
    return f"of another plan (experiment {keys.get('experiment')!r})"


def completed_ids(folder: str | Path) -> set[int]:
    """The run ids saved in a results folder (in part files that can be read).

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
        try:
            ids.update(_read_runs_part(part)[1])
        except READ_ERRORS:  # damaged: a resumed sweep sets it aside and runs its runs again
            continue
    return ids


def _read_part(part: Path, plan: str | None) -> pd.DataFrame:
    """A part file as a frame; :class:`StoreError` if it is damaged or not of the plan ``plan``."""
    try:
        table = pq.read_table(part)
    except READ_ERRORS as exc:
        raise StoreError(
            f"{part}: damaged ({_why(exc)}); move it into {part.parent.parent / QUARANTINE}/ and run the same "
            "sweep command again: its runs are run again"
        ) from None
    keys = part_keys(table.schema.metadata)
    if plan is not None and keys.get("plan") != plan:
        raise StoreError(
            f"{part}: holds runs {_whose(keys)}, not of this folder's plan; move it out of the folder "
            "(a sweep into the folder refuses it too)"
        )
    return table.to_pandas()


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
    frame = _concat([_read_part(p, manifest.get("plan_fingerprint")) for p in parts])
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
    series = _concat([_read_part(p, manifest.get("plan_fingerprint")) for p in parts])
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
    return all(np.array_equal(a[c].to_numpy(), b[c].to_numpy()) for c in a.columns)


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
        >>> from coopsim.experiments.engine.execute import tasks
        >>> from coopsim.experiments.engine.worker import run_one
        >>> the_plan = plan(exp)
        >>> with Store.open(tempfile.mkdtemp(), exp, the_plan) as store:
        ...     saved = store.save([run_one(t) for t in tasks(exp, the_plan)])
        ...     again = store.save([run_one(tasks(exp, the_plan)[0])])          # a run is saved once
        >>> saved, again, sorted(store.done)
        (2, 0, [0, 1])
    """

    def __init__(self, folder: Path, lock: IO[bytes] | None, found: Survey, quarantined: list[str]) -> None:
        self.folder = folder
        self._lock = lock
        self.done: set[int] = set(found.ids)
        self.write_seconds = 0.0
        self.saved_this_session = 0
        self.quarantined = quarantined
        self.manifest = read_manifest(folder)
        self._keys = {
            f"{PART_KEY}plan".encode(): found.fingerprint.encode("ascii"),
            f"{PART_KEY}version".encode(): __version__.encode("utf-8"),
            f"{PART_KEY}experiment".encode(): str(self.manifest["experiment"]["name"]).encode("utf-8"),
        }

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: str | Path, exp: Experiment, plan: pd.DataFrame, notify: Notify | None = None) -> Store:
        """Create the results folder of ``exp``, or reopen it to resume the same experiment's plan.

        Refuses (:class:`StoreError`) a path that is a file, a folder holding other
        things, a folder of a different experiment or plan (by its manifest or by its
        parts), of another coopsim version, or a folder another sweep is writing into.
        Sets damaged parts aside and rebuilds a missing manifest from parts of this plan,
        telling ``notify`` (default: a :class:`StoreWarning`) in one line each.
        """
        folder = Path(folder)
        say = notify or _warn
        _check_folder(folder)
        folder.mkdir(parents=True, exist_ok=True)
        lock = _lock(folder)
        try:
            found = survey(folder, exp, plan)  # again, now that no other sweep writes here
            quarantined = _quarantine(folder, found.damaged, say)
            if not found.manifest:
                _create(folder, exp, plan, rebuilt=len(found.ids) if found.ids else None)
                if found.ids:
                    say(
                        f"{folder}: had no {MANIFEST}; made a new one, keeping the {len(found.ids)} runs saved "
                        "in runs/ (their part files name this experiment's plan)"
                    )
            elif found.plan_damaged:
                if (folder / PLAN).exists():
                    _set_aside(folder, PLAN)
                _write_parquet(folder / PLAN, plan)
                say(
                    f"{folder / PLAN}: missing or damaged; written again from the experiment (the manifest vouches for it)"
                )
            for sub in (RUNS, SERIES):  # deleted by hand, perhaps
                (folder / sub).mkdir(exist_ok=True)
            _clean(folder)
            store = cls(folder, lock, found, quarantined)
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

    def _part(self, frame: pd.DataFrame) -> pa.Table:
        """A part file's table: the frame, with the plan, version and experiment in its metadata."""
        table = pa.Table.from_pandas(frame, preserve_index=False)
        return table.replace_schema_metadata({**(table.schema.metadata or {}), **self._keys})

    def save(self, results: Iterable[dict[str, Any]]) -> int:
        """Save a batch of :func:`~coopsim.experiments.engine.worker.run_one` results not saved
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
                _write_parquet(self.folder / SERIES / name, self._part(frame))
            _write_parquet(self.folder / RUNS / name, self._part(pd.DataFrame([r["row"] for r in ordered])))
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
        session = {
            "started": now(),
            "ended": None,
            "executor": executor,
            "workers": workers,
            "startup_seconds": round(startup_seconds, 3),
            "runs_done_before": len(self.done),
            "status": "running",
        }
        if self.quarantined:
            session["quarantined"] = self.quarantined
        self.manifest["sessions"].append(session)
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


# --- what a folder holds, before writing into it ----------------------------------------------


@dataclass
class Survey:
    """What a results folder holds for a plan (see :func:`survey`).

    Example:
        >>> found = Survey("5e1f...", manifest=True, ids={0, 1})
        >>> sorted(found.ids), found.damaged
        ([0, 1], {})
    """

    fingerprint: str  #: the plan's fingerprint
    manifest: bool = False  #: whether the folder has a manifest (else one is made)
    ids: set[int] = field(default_factory=set)  #: the runs saved in sound parts of this plan
    damaged: dict[str, tuple[str, str]] = field(default_factory=dict)  #: part name: (runs or series, why)
    plan_damaged: bool = False  #: plan.parquet cannot be read (it is written again)
    #: the manifest's count of saved runs (a sweep killed after its last save leaves it behind)
    recorded: int | None = None
    #: whether the manifest has a session still marked running (its sweep was killed)
    left_running: bool = False

    @property
    def up_to_date(self) -> bool:
        """Whether the manifest records every saved run and no killed session (nothing to repair there)."""
        return self.manifest and not self.left_running and self.recorded == len(self.ids)


def survey(folder: str | Path, exp: Experiment, plan: pd.DataFrame) -> Survey:
    """Without writing anything: refuse (:class:`StoreError`) a folder :meth:`Store.open`
    would refuse, and say what it holds for this plan: its sound runs, its damaged parts.

    Every part file is checked (its footer, and the run ids of a runs part): a part that
    names another plan, no plan, or another coopsim version is refused, with or without a
    manifest.

    Example:
        >>> from coopsim.experiments import experiment_from_dict, plan, sweep
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)   # 2 runs of 5 weeks
        >>> survey(folder, exp, plan(exp)).ids
        {0, 1}
        >>> part = next((folder / "runs").glob("part-*"))
        >>> _ = part.write_bytes(b"written over")                # now damaged: to set aside
        >>> found = survey(folder, exp, plan(exp))
        >>> found.ids, [kind for kind, why in found.damaged.values()]
        (set(), ['runs'])

        The manifest lost, another experiment is refused the runs of the first:

        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)
        >>> (folder / "manifest.json").unlink()
        >>> longer = experiment_from_dict({"scenario": "tera", "years": 0.2, "design": "grid", "master_seed": 1,
        ...                                "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> try:
        ...     survey(folder, longer, plan(longer))
        ... except StoreError as exc:
        ...     print(str(exc).split(": ", 1)[1])
        has no manifest.json, and holds runs of another plan (experiment 'experiment'): 1 part file, e.g. runs/part-...
        >>> survey(folder, exp, plan(exp)).ids                    # the first experiment's own runs: kept
        {0, 1}
    """
    folder = Path(folder)
    _check_folder(folder)
    found = Survey(plan_fingerprint(exp, plan))
    if not folder.is_dir():
        return found
    legacy_ok = False
    if (folder / MANIFEST).exists() or (folder / MANIFEST).is_symlink():
        manifest = read_manifest(folder)
        found.manifest = True
        found.plan_damaged = _check_same(folder, exp, plan, manifest, found.fingerprint)
        found.recorded = manifest.get("runs_done")
        found.left_running = any(isinstance(s, dict) and s.get("status") == "running" for s in manifest["sessions"])
        legacy_ok = "plan_fingerprint" not in manifest  # made before parts named their plan: it vouches for them
    _survey_parts(folder, found, legacy_ok)
    return found


def _survey_parts(folder: Path, found: Survey, legacy_ok: bool) -> None:
    """Read the footer of every part file into ``found`` (the ids of the sound runs parts of
    this plan, the damaged parts); a :class:`StoreError` when a part belongs to another plan."""
    runs: dict[str, list[int]] = {}
    foreign: list[tuple[Path, dict[str, str]]] = []
    for part in _parts(folder, RUNS):
        try:
            keys, ids = _read_runs_part(part)
        except READ_ERRORS as exc:
            found.damaged[part.name] = (RUNS, _why(exc))
            continue
        if _belongs(keys, found.fingerprint, legacy_ok):
            runs[part.name] = ids
        else:
            foreign.append((part, keys))
    for part in _parts(folder, SERIES):
        if part.name not in runs:  # an orphan of an interrupted write (deleted), or of a damaged batch
            continue
        try:
            keys = _read_series_keys(part)
        except READ_ERRORS as exc:
            found.damaged[part.name] = (SERIES, _why(exc))
            continue
        if not _belongs(keys, found.fingerprint, legacy_ok):
            foreign.append((part, keys))
    if foreign:
        raise StoreError(_foreign_message(folder, foreign, found.manifest))
    for name, ids in runs.items():
        if name not in found.damaged:
            found.ids.update(ids)


def _foreign_message(folder: Path, foreign: list[tuple[Path, dict[str, str]]], has_manifest: bool) -> str:
    """Why a folder with parts of another plan is refused, and what to do (one line)."""
    part, keys = foreign[0]
    files = f"{len(foreign)} part file{'s' if len(foreign) > 1 else ''}"
    which = f"runs {_whose(keys)}: {files}, e.g. {part.parent.name}/{part.name}"
    if has_manifest:
        return (
            f"{folder}: holds {which}, not of the plan its {MANIFEST} records; they are not adopted: move them out "
            "of the folder and run the same command again, or choose a new --out folder"
        )
    return (
        f"{folder}: has no {MANIFEST}, and holds {which}; they are not adopted: choose a new --out folder, "
        "or move runs/ and series/ out of this one to start afresh in it"
    )


def _check_folder(folder: Path) -> None:
    """Refuse a path that is a file, or a folder that is not (the start of) a results folder."""
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and not (folder / MANIFEST).exists():
        strangers = sorted(
            p.name
            for p in folder.iterdir()
            if p.name not in OWN_NAMES and not p.name.startswith(".") and not p.name.startswith(MANIFEST)
        )
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


def _create(folder: Path, exp: Experiment, plan: pd.DataFrame, rebuilt: int | None = None) -> None:
    """A new results folder: runs/, series/, plan.parquet, then the manifest (last: it marks the folder complete).

    ``rebuilt``: the number of runs of this plan found in a folder that had lost its manifest."""
    (folder / RUNS).mkdir(exist_ok=True)
    (folder / SERIES).mkdir(exist_ok=True)
    _write_parquet(folder / PLAN, plan)
    manifest = new_manifest(exp, plan)
    if rebuilt is not None:
        manifest["rebuilt"] = {"at": manifest["created"], "runs_found": rebuilt}
    _write_json(folder / MANIFEST, manifest)


def new_manifest(exp: Experiment, plan: pd.DataFrame) -> dict[str, Any]:
    """The manifest of a new results folder.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> from coopsim.experiments import plan
        >>> manifest = new_manifest(exp, plan(exp))
        >>> manifest["runs_total"], manifest["factors"], manifest["runs_done"], len(manifest["plan_fingerprint"])
        (2, ['rex.enabled'], 0, 64)
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
        "plan_fingerprint": plan_fingerprint(exp, plan),
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


def _check_same(folder: Path, exp: Experiment, plan: pd.DataFrame, manifest: dict[str, Any], fingerprint: str) -> bool:
    """Refuse to resume into a folder made by another experiment, plan, scenario or coopsim
    version; return whether its plan.parquet cannot be read (the manifest vouches for the
    plan then, and it is written again)."""
    name = manifest["experiment"].get("name") if isinstance(manifest["experiment"], dict) else None
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
    differs = StoreError(
        f"{folder}: the plan of {name!r} drawn now differs from the saved one; choose a new --out folder"
    )
    if manifest.get("plan_fingerprint", fingerprint) != fingerprint:
        raise differs
    try:
        saved = pd.read_parquet(folder / PLAN)
    except READ_ERRORS:
        return True
    if not _same_plan(saved, plan):
        raise differs
    return False


def _set_aside(folder: Path, relative: str) -> Path:
    """Move ``folder/relative`` into ``folder/quarantine/relative`` (a free name); return where."""
    source = folder / relative
    target = folder / QUARANTINE / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    while target.exists():
        target = target.with_name(f"{target.stem}-{uuid.uuid4().hex[:4]}{target.suffix}")
    try:
        os.replace(source, target)
    except OSError as exc:
        raise StoreError(
            f"{source}: is damaged and cannot be set aside ({exc.strerror or exc}); move it out of {folder} "
            "and run the same command again"
        ) from None
    _fsync_dir(source.parent)
    _fsync_dir(target.parent)
    return target


def _quarantine(folder: Path, damaged: dict[str, tuple[str, str]], say: Notify) -> list[str]:
    """Set each damaged batch aside (its runs part and its series part); return the names moved."""
    moved = []
    for name, (kind, why) in sorted(damaged.items()):
        for sub in (RUNS, SERIES):  # the runs part first: a series part alone is an orphan
            if (folder / sub / name).exists():
                moved.append(str(_set_aside(folder, f"{sub}/{name}").relative_to(folder)))
        say(
            f"{folder / kind / name}: damaged ({why}); set aside with its batch in {folder / QUARANTINE}/, "
            "its runs are run again"
        )
    return moved


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
