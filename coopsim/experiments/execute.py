"""Run a sweep: every run of an experiment's plan, in-process, on a process pool or on Dask.

:func:`sweep` draws the plan, opens (or resumes) the results folder, skips the runs
already saved there and runs the others with one of three executors:

- **in-process** (``workers=1``): one run after the other, in this process;
- **process pool** (the default, ``workers`` processes, all cores by default): a
  ``concurrent.futures.ProcessPoolExecutor`` whose processes are *spawned* (fresh
  interpreters that import :func:`~coopsim.experiments.worker.run_one` by name; Mesa
  sets spawn anyway), so that it works the same from a script, a notebook or a test;
- **Dask** (``scheduler="tcp://host:8786"`` joins an existing cluster, whose workers
  must have coopsim installed; ``dask=True`` starts a ``LocalCluster`` of ``workers``
  single-threaded processes).

Whichever runs it, a run's result depends only on its task (scenario, factor values,
seed, horizon), so the same experiment gives the same results. Results are saved as
they complete, in small batches (every ``batch_size`` runs or ``save_every`` seconds),
each batch written in one step (see ``store.py``); the order of the rows on disk does
not matter (:func:`~coopsim.experiments.store.load` sorts them).

Interruptions: Ctrl-C (or SIGTERM) stops submitting, saves the runs already completed
and raises :class:`SweepInterruptedError`, whose message says how to resume (the same
command). A killed sweep (SIGKILL, power cut) loses at most the runs of its last
unsaved batch. A Dask worker that dies has its runs rerun elsewhere by Dask (and by this
module if Dask gives up on them); a run is saved at most once.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from types import FrameType
from typing import Any

import pandas as pd

from .design import plan as make_plan
from .spec import Experiment, check_experiment, load_experiment
from .store import Store, check_store
from .worker import run_one

DEFAULT_BATCH = 200  # runs saved together at most
DEFAULT_SAVE_EVERY = 5.0  # seconds between two saves at most (when runs complete)
CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler
DASK_RETRIES = 3  # times a run is resubmitted after Dask gave up on it (its workers died)


class SweepError(Exception):
    """A sweep that cannot start (e.g. an unreachable scheduler): one line saying why.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> try:
        ...     sweep(exp, "out/never-written", scheduler="tcp://10.0.0.5")   # no port
        ... except SweepError as exc:
        ...     print(str(exc).split(":")[0])
        --scheduler tcp
    """


class SweepInterruptedError(Exception):
    """The sweep was interrupted; the runs completed so far are saved (the message says how to resume).

    Example:
        >>> def run_and_report(exp, folder):
        ...     try:
        ...         sweep(exp, folder)
        ...     except SweepInterruptedError as exc:                 # after Ctrl-C or SIGTERM
        ...         print(exc)                                       # says how many runs are saved and how to resume
        >>> issubclass(SweepInterruptedError, Exception) and not issubclass(SweepInterruptedError, KeyboardInterrupt)
        True
    """


class RunError(Exception):
    """A run raised an exception (a bug or a scenario the model refuses); completed runs are saved.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> bad = tasks(exp, make_plan(exp))[0]
        >>> bad["factors"] = {"rex.every_weeks": 0}               # a value the scenario refuses
        >>> try:
        ...     list(InProcess().results([bad]))
        ... except RunError as exc:
        ...     print(str(exc)[:40])
        run 0 (sample 0, replicate 0, seed ...
    """


# --- the tasks ---------------------------------------------------------------------------


def tasks(exp: Experiment, plan: pd.DataFrame, skip: set[int] | None = None) -> list[dict[str, Any]]:
    """The tasks of the plan's runs not in ``skip``, in run_id order (plain data, see worker.py).

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> todo = tasks(exp, make_plan(exp), skip={0})           # run 0 is saved already
        >>> [t["run_id"] for t in todo], todo[0]["factors"]
        ([1], {'rex.enabled': False})
    """
    base = exp.base_scenario
    columns = {c: plan[c].tolist() for c in plan.columns}  # Python scalars, not numpy ones
    out = []
    for i in range(len(plan)):
        run_id = columns["run_id"][i]
        if skip and run_id in skip:
            continue
        out.append(
            {
                "run_id": run_id,
                "sample_id": columns["sample_id"][i],
                "replicate": columns["replicate"][i],
                "seed": columns["seed"][i],
                "years": exp.horizon,
                "scenario": base,
                "factors": {k: columns[k][i] for k in exp.factor_keys},
                "outcomes": exp.outcome_keys,
                "weekly": list(exp.weekly),
            }
        )
    return out


def _describe_task(task: dict[str, Any]) -> str:
    factors = ", ".join(f"{k}={v!r}" for k, v in task["factors"].items())
    return f"run {task['run_id']} (sample {task['sample_id']}, replicate {task['replicate']}, seed {task['seed']}{', ' if factors else ''}{factors})"


# --- executors ----------------------------------------------------------------------------


class InProcess:
    """Runs the tasks one after the other in this process.

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> with InProcess() as executor:
        ...     results = list(executor.results(tasks(exp, make_plan(exp))))
        >>> [r["run_id"] for r in results], results[1]["row"]["rex.enabled"]
        ([0, 1], False)
    """

    kind = "in-process"
    startup_seconds = 0.0

    def __init__(self) -> None:
        self.workers = 1

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def results(self, todo: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for task in todo:
            try:
                result = run_one(task)
            except Exception as exc:
                raise RunError(f"{_describe_task(task)} failed: {type(exc).__name__}: {exc}") from exc
            yield result


def _ignore_sigint() -> None:
    """In pool processes: leave Ctrl-C to the parent, which stops the sweep cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Pool:
    """Runs the tasks on a pool of spawned processes, a few tasks queued per process.

    Example:
        >>> with Pool(2) as pool:                                  # processes start with the first tasks
        ...     pool.workers, pool.kind
        (2, 'process pool')
    """

    kind = "process pool"
    startup_seconds = 0.0  # processes start lazily, with the first tasks

    def __init__(self, workers: int) -> None:
        import multiprocessing

        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_sigint
        )

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def results(self, todo: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        queue = iter(todo)
        running: dict[Future[dict[str, Any]], dict[str, Any]] = {}
        for task in itertools.islice(queue, 2 * self.workers):
            running[self._pool.submit(run_one, task)] = task
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                exc = future.exception()
                if exc is not None:
                    raise RunError(f"{_describe_task(task)} failed: {type(exc).__name__}: {exc}") from exc
                nxt = next(queue, None)
                if nxt is not None:
                    running[self._pool.submit(run_one, nxt)] = nxt
                yield future.result()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while processes are started (from the main thread; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _check_address(address: str) -> None:
    """Refuse a scheduler address Dask cannot parse, before trying to connect."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        parse_host_port(parse_address(address)[1])
    except ValueError as exc:
        raise SweepError(f"--scheduler {address}: not an address like tcp://10.0.0.5:8786 ({exc})") from None


class Dask:
    """Runs the tasks on a Dask cluster: an existing one (``scheduler``) or a LocalCluster.

    Example:
        >>> try:
        ...     Dask(workers=2, scheduler="tcp://10.0.0.5")         # an address without its port
        ... except SweepError as exc:
        ...     print(str(exc).split(":")[0])
        --scheduler tcp
    """

    kind = "dask"

    def __init__(self, workers: int, scheduler: str | None) -> None:
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        self.startup_seconds = 0.0
        start = time.perf_counter()
        if scheduler is not None:
            _check_address(scheduler)
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise SweepError(
                    f"--scheduler {scheduler}: cannot connect within {CONNECT_TIMEOUT} s ({exc}); "
                    "is the scheduler running (dask scheduler) and the address right?"
                ) from None
            self.kind = f"dask {scheduler}"
        else:
            with _sigint_ignored():  # its worker processes inherit that: Ctrl-C is the sweep's to handle
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self._cluster, set_as_default=False)
            self.kind = "dask LocalCluster"
        self.startup_seconds = time.perf_counter() - start
        self.workers = self._threads() or workers
        self._session = uuid.uuid4().hex[:8]

    def _threads(self) -> int:
        """Worker threads in the cluster now."""
        return int(sum(self.client.nthreads().values()))

    def __enter__(self) -> Dask:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()

    def _submit(self, task: dict[str, Any], attempt: int) -> Any:
        key = f"coopsim-run-{self._session}-{task['run_id']}-{attempt}"
        return self.client.submit(run_one, task, key=key, pure=False)

    def results(self, todo: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        queue = iter(todo)
        running: dict[str, tuple[dict[str, Any], int]] = {}
        pending = as_completed(loop=self.client.loop)
        window, checked = max(2 * self.workers, 4), time.monotonic()
        for task in itertools.islice(queue, window):
            future = self._submit(task, 0)
            running[future.key] = (task, 0)
            pending.add(future)
        for future in pending:
            task, attempt = running.pop(future.key)
            if future.status == "cancelled":  # the scheduler was lost or restarted
                raise SweepError(
                    f"the Dask scheduler dropped {_describe_task(task)} (lost connection or restart); "
                    "the completed runs are saved: run the same command to resume"
                )
            if future.status == "error":
                exc = future.exception()
                if isinstance(exc, KilledWorker) and attempt < DASK_RETRIES:  # its workers kept dying: again
                    retry = self._submit(task, attempt + 1)
                    running[retry.key] = (task, attempt + 1)
                    pending.add(retry)
                    continue
                raise RunError(f"{_describe_task(task)} failed: {type(exc).__name__}: {exc}") from exc
            result = future.result()
            future.release()
            if time.monotonic() - checked > 5:  # the cluster may have grown or shrunk
                window, checked = max(2 * self._threads(), 4), time.monotonic()
            for nxt in itertools.islice(queue, max(window - len(running), 0)):
                new = self._submit(nxt, 0)
                running[new.key] = (nxt, 0)
                pending.add(new)
            yield result


def make_executor(workers: int | None, scheduler: str | None, dask: bool) -> InProcess | Pool | Dask:
    """The executor for the options: Dask if asked, else a pool, else (1 worker) in-process.

    Example:
        >>> type(make_executor(1, None, False)).__name__, type(make_executor(2, None, False)).__name__
        ('InProcess', 'Pool')
    """
    if workers is not None and workers < 1:
        raise SweepError(f"--workers {workers}: must be 1 or more")
    if scheduler is not None:
        if workers is not None:
            raise SweepError("--workers does not apply with --scheduler (the cluster's workers run the sweep)")
        return Dask(0, scheduler)
    count = workers if workers is not None else os.cpu_count() or 1
    if dask:
        return Dask(count, None)
    return InProcess() if count == 1 else Pool(count)


# --- the sweep ----------------------------------------------------------------------------


def _as_experiment(experiment: Experiment | str | Path) -> Experiment:
    if isinstance(experiment, Experiment):
        if experiment._base is None:  # built in Python and not checked yet
            return check_experiment(experiment)
        return experiment
    return load_experiment(experiment)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """While sweeping, SIGTERM (e.g. a job scheduler's stop) acts like Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _progress_bar(enabled: bool, total: int, initial: int, name: str) -> Any:
    """A tqdm bar: runs done / total, rate, time left (a line every 10 s when not on a terminal)."""
    import sys

    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="run",
        desc=name,
        disable=not enabled,
        mininterval=0.5 if sys.stderr.isatty() else 10,
        smoothing=0.05,
        dynamic_ncols=True,
    )


class _Saver:
    """Buffers completed runs and saves them every ``batch_size`` runs or ``save_every`` seconds."""

    def __init__(self, store: Store, batch_size: int, save_every: float) -> None:
        self.store, self.batch_size, self.save_every = store, batch_size, save_every
        self.buffer: list[dict[str, Any]] = []
        self.last = time.monotonic()

    def add(self, result: dict[str, Any]) -> None:
        self.buffer.append(result)
        if len(self.buffer) >= self.batch_size or time.monotonic() - self.last >= self.save_every:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.store.save(self.buffer)
            self.buffer = []
        self.last = time.monotonic()


def sweep(
    experiment: Experiment | str | Path,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    dask: bool = False,
    progress: bool = True,
    batch_size: int = DEFAULT_BATCH,
    save_every: float = DEFAULT_SAVE_EVERY,
    resume_hint: str | None = None,
) -> Path:
    """Run every run of an experiment not yet saved in ``out``; return ``out``.

    Args:
        experiment: an :class:`Experiment` or the path of an experiment file.
        out: the results folder (created; resumed when it holds the same experiment).
        workers: processes (default: all cores); 1 runs in this process.
        scheduler: address of a Dask scheduler to run on (e.g. ``tcp://host:8786``).
        dask: run on a Dask LocalCluster of ``workers`` processes.
        progress: show a progress bar (runs done, rate, time left).
        batch_size, save_every: save completed runs every that many runs or seconds.
        resume_hint: the command to resume, for the interruption message.

    Raises:
        ExperimentError, StoreError, SweepError: before any run, with a one-line message.
        SweepInterruptedError: after Ctrl-C or SIGTERM; the completed runs are saved.
        RunError: a run raised; the completed runs are saved.

    Example::

        from coopsim.experiments import sweep, load
        sweep("experiments/smoke.toml", "out/smoke")
        load("out/smoke").groupby("rex.enabled").annual_turnover.mean()

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> from coopsim.experiments import load
        >>> folder = sweep(exp, tempfile.mkdtemp(), workers=1, progress=False)
        >>> load(folder)[["run_id", "rex.enabled"]].values.tolist()
        [[0, True], [1, False]]
        >>> sweep(exp, folder, workers=1, progress=False) == folder      # again: nothing left to run
        True
    """
    exp = _as_experiment(experiment)
    plan = make_plan(exp)
    out = Path(out)
    if len(check_store(out, exp, plan)) >= len(plan):  # refuses a wrong folder before starting workers
        return out
    with (
        _sigterm_interrupts(),
        make_executor(workers, scheduler, dask) as executor,
        Store.open(out, exp, plan) as store,
    ):
        store.begin_session(executor.kind, executor.workers, executor.startup_seconds)
        status = _run(executor, store, tasks(exp, plan, skip=store.done), progress, batch_size, save_every)
        if status == "interrupted":
            raise SweepInterruptedError(_interrupted_message(store, out, resume_hint))
    return out


def _run(
    executor: InProcess | Pool | Dask,
    store: Store,
    todo: list[dict[str, Any]],
    progress: bool,
    batch: int,
    every: float,
) -> str:
    """Run the tasks, saving the results as they come; return 'finished' or 'interrupted'."""
    saver = _Saver(store, max(1, batch), every)
    total = store.manifest["runs_total"]
    try:
        with _progress_bar(progress, total, len(store.done), store.manifest["experiment"]["name"]) as bar:
            for result in executor.results(todo):
                saver.add(result)
                bar.update(1)
        status = "finished"
    except KeyboardInterrupt:
        status = "interrupted"
    except BaseException:
        with contextlib.suppress(Exception):  # keep what completed, if the disk allows
            saver.flush()
            store.end_session("failed")
        raise
    saver.flush()
    store.end_session(status)
    return status


def _interrupted_message(store: Store, out: Path, resume_hint: str | None) -> str:
    total = store.manifest["runs_total"]
    how = (
        f"run the same command to resume: {resume_hint}"
        if resume_hint
        else "sweep() again with the same arguments resumes"
    )
    return f"interrupted: {len(store.done)} of {total} runs are saved in {out}; {how}"
