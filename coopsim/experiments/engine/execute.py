"""Run a sweep: every run of an experiment's plan, in-process, on a process pool or on Dask.

:func:`sweep` draws the plan, opens (or resumes) the results folder, skips the runs
already saved there and runs the others with one of three executors:

- **in-process** (``workers=1``): one run after the other, in this process;
- **process pool** (the default, ``workers`` processes, all cores by default): a
  ``concurrent.futures.ProcessPoolExecutor`` whose processes are *spawned* (fresh
  interpreters that import :func:`~coopsim.experiments.engine.worker.run_one` by name; Mesa
  sets spawn anyway), so that it works the same from a script, a notebook or a test;
- **Dask** (``scheduler="tcp://host:8786"`` joins an existing cluster, whose workers
  must have coopsim installed; ``dask=True`` starts a ``LocalCluster`` of ``workers``
  single-threaded processes).

Whichever runs it, a run's result depends only on its task (scenario, factor values,
seed, horizon), so the same experiment gives the same results. Results are saved as
they complete, in small batches (every ``batch_size`` runs or ``save_every`` seconds),
each batch written in one step (see ``store.py``); the order of the rows on disk does
not matter (:func:`~coopsim.experiments.engine.store.load` sorts them).

Interruptions: Ctrl-C (or SIGTERM) stops submitting, saves the runs already completed
and raises :class:`SweepInterruptedError`, whose message says how to resume (the same
command). A killed sweep (SIGKILL, power cut) loses at most the runs of its last
unsaved batch. A Dask worker that dies has its runs rerun elsewhere by Dask (and by this
module if Dask gives up on them); a run is saved at most once.

A pool process that dies (killed, out of memory, a crash in compiled code) breaks the
whole ``ProcessPoolExecutor``: every run in flight there is lost, and nothing says which
one was running in the dead process. The pool is then started again and the lost runs
are run again (:data:`SHARED_RETRIES` times); a run lost once more is run alone, on a
process of its own, beside the pool, so that a death there can only be its own. A run
whose own process dies :data:`ALONE_RETRIES` times stops the sweep
(:class:`WorkerDiedError`, naming it); the completed runs stay saved.
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
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, NamedTuple

import pandas as pd

from .design import plan as make_plan
from .spec import Experiment, check_experiment, load_experiment
from .store import Notify, Store, survey
from .worker import run_one

DEFAULT_BATCH = 200  # runs saved together at most
DEFAULT_SAVE_EVERY = 5.0  # seconds between two saves at most (when runs complete)
CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler
DASK_RETRIES = 3  # times a run is resubmitted after Dask gave up on it (its workers died)
SHARED_RETRIES = 1  # times a run lost with a broken pool is run in the pool again
ALONE_RETRIES = 2  # then: times it is run alone, on a process of its own, before the sweep stops
TASK_CHUNK = 10_000  # plan rows turned into tasks at a time (tasks are made as they are sent)


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


class WorkerDiedError(RunError):
    """A run whose process died each time it ran, the last times alone on a process of its
    own (killed from outside, out of memory, a crash in compiled code); completed runs are saved.

    Example:
        >>> issubclass(WorkerDiedError, RunError)
        True
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
    return list(iter_tasks(exp, plan, skip))


def iter_tasks(exp: Experiment, plan: pd.DataFrame, skip: set[int] | None = None) -> Iterator[dict[str, Any]]:
    """The tasks of :func:`tasks`, made as they are asked for (a sweep holds a few at a time,
    not one per run of its plan).

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> next(iter_tasks(exp, make_plan(exp)))["run_id"]
        0
    """
    base = exp.base_scenario
    outcomes, weekly, keys = exp.outcome_keys, list(exp.weekly), exp.factor_keys
    for start in range(0, len(plan), TASK_CHUNK):
        chunk = plan.iloc[start : start + TASK_CHUNK]
        columns = {c: chunk[c].tolist() for c in chunk.columns}  # Python scalars, not numpy ones
        for i in range(len(chunk)):
            run_id = columns["run_id"][i]
            if skip and run_id in skip:
                continue
            yield {
                "run_id": run_id,
                "sample_id": columns["sample_id"][i],
                "replicate": columns["replicate"][i],
                "seed": columns["seed"][i],
                "years": exp.horizon,
                "scenario": base,
                "factors": {k: columns[k][i] for k in keys},
                "outcomes": list(outcomes),
                "weekly": list(weekly),
            }


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

    def results(self, todo: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for task in todo:
            try:
                result = run_one(task)
            except Exception as exc:
                raise RunError(f"{_describe_task(task)} failed: {type(exc).__name__}: {exc}") from exc
            yield result


def _ignore_sigint() -> None:
    """In pool processes: leave Ctrl-C to the parent, which stops the sweep cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _spawn_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that leave Ctrl-C to the sweep."""
    import multiprocessing

    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_sigint
    )


def _how_it_ended(processes: list[Any]) -> str:
    """How the processes of a broken pool ended ('killed by SIGKILL', 'exit code 1'), if known."""
    ends = []
    for process in processes:
        process.join(timeout=1)  # reaped already, as a rule: then at once
        code = process.exitcode
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                ends.append(f"killed by {signal.Signals(-code).name}")
                continue
            ends.append(f"killed by signal {-code}")
        elif code:
            ends.append(f"exit code {code}")
    return ", ".join(sorted(set(ends))) or "ended abruptly"


class Pool:
    """Runs the tasks on a pool of spawned processes, a few tasks queued per process.

    A process that dies breaks the pool: it is started again, and the runs lost with it
    are run again (see the module's docstring).

    Example:
        >>> with Pool(2) as pool:                                  # processes start with the first tasks
        ...     pool.workers, pool.kind
        (2, 'process pool')
    """

    kind = "process pool"
    startup_seconds = 0.0  # processes start lazily, with the first tasks

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = _spawn_pool(workers)
        self._alone: ProcessPoolExecutor | None = None  # one process, for a run lost twice
        self._alone_processes: list[Any] = []

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in (self._pool, self._alone):
            if pool is not None:
                pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def _restart(self) -> None:
        """Replace the broken shared pool by a new one."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = _spawn_pool(self.workers)

    def _submit_alone(self, task: dict[str, Any]) -> Future[dict[str, Any]]:
        """Run ``task`` on the one-process pool (started if needed), nothing else beside it there."""
        if self._alone is None:
            self._alone = _spawn_pool(1)
        future = self._alone.submit(run_one, task)
        processes = getattr(self._alone, "_processes", None) or {}  # to say how it ended, if it dies
        self._alone_processes = list(processes.values())
        return future

    def _drop_alone(self) -> str:
        """Shut the one-process pool whose process died; say how it ended."""
        if self._alone is not None:
            self._alone.shutdown(wait=True, cancel_futures=True)  # broken: its process is reaped, quickly
            self._alone = None
        return _how_it_ended(self._alone_processes)

    def results(self, todo: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        flight = _Flight(iter(todo))
        while True:
            intact = self._fill(flight)
            if intact and not flight.shared and not flight.solo:
                return
            lost: list[dict[str, Any]] = []
            if intact:
                done, _ = wait([*flight.shared, *flight.solo], return_when=FIRST_COMPLETED)
                for future in done:
                    if future in flight.solo:
                        result = self._alone_done(future, flight)
                    elif isinstance(future.exception(), BrokenProcessPool):
                        lost.append(flight.shared.pop(future))
                        continue
                    else:
                        result = _result(future, flight.shared.pop(future))
                    if result is not None:
                        yield result
            if lost or not intact:
                yield from self._recover(flight, lost)

    def _fill(self, flight: _Flight) -> bool:
        """Submit runs up to a few per process; False if the shared pool turned out broken."""
        if not flight.solo and flight.alone:
            suspect = flight.alone.popleft()
            flight.solo[self._submit_alone(suspect)] = suspect
        while len(flight.shared) < 2 * self.workers:
            task = flight.again.popleft() if flight.again else next(flight.queue, None)
            if task is None:
                break
            try:
                future = self._pool.submit(run_one, task)
            except BrokenProcessPool:  # broke since the last look: the run never started
                flight.again.appendleft(task)
                return False
            flight.shared[future] = task
        return True

    def _alone_done(self, future: Future[dict[str, Any]], flight: _Flight) -> dict[str, Any] | None:
        """The result of a run done alone; None if its process died (it is run alone again),
        :class:`WorkerDiedError` once that happened :data:`ALONE_RETRIES` times."""
        task = flight.solo.pop(future)
        if not isinstance(future.exception(), BrokenProcessPool):
            return _result(future, task)
        run_id = task["run_id"]
        deaths = flight.died_alone[run_id] = flight.died_alone.get(run_id, 0) + 1
        how = self._drop_alone()
        if deaths >= ALONE_RETRIES:
            last = "the last time" if deaths == 1 else f"the last {deaths} times"
            raise WorkerDiedError(
                f"{_describe_task(task)}: lost {flight.lost.get(run_id, 0) + deaths} times with a process that died, "
                f"{last} running alone on a process of its own ({how}): out of memory, or killed from outside?"
            )
        flight.alone.appendleft(task)
        return None

    def _recover(self, flight: _Flight, lost: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The shared pool broke: keep the runs it completed, start a new pool, send the lost
        runs to it again (or, lost too often, to be run alone)."""
        wait(flight.shared)  # every run still in flight there is failed by the broken pool
        for future, task in flight.shared.items():
            if isinstance(future.exception(), BrokenProcessPool):
                lost.append(task)
            else:
                yield _result(future, task)
        flight.shared.clear()
        self._restart()
        for task in sorted(lost, key=lambda t: t["run_id"]):
            times = flight.lost[task["run_id"]] = flight.lost.get(task["run_id"], 0) + 1
            (flight.again if times <= SHARED_RETRIES else flight.alone).append(task)


@dataclass
class _Flight:
    """The runs of a pool sweep: to come, in flight, lost."""

    queue: Iterator[dict[str, Any]]  # the runs not submitted yet
    again: deque[dict[str, Any]] = field(default_factory=deque)  # lost with a broken pool: run there again
    alone: deque[dict[str, Any]] = field(default_factory=deque)  # lost too often: run alone
    lost: dict[int, int] = field(default_factory=dict)  # run_id: times lost with the shared pool
    died_alone: dict[int, int] = field(default_factory=dict)  # run_id: times its own process died
    shared: dict[Future[dict[str, Any]], dict[str, Any]] = field(default_factory=dict)  # in the shared pool
    solo: dict[Future[dict[str, Any]], dict[str, Any]] = field(default_factory=dict)  # running alone (one)


def _result(future: Future[dict[str, Any]], task: dict[str, Any]) -> dict[str, Any]:
    """A run's result, or :class:`RunError` if the run raised."""
    exc = future.exception()
    if exc is not None:
        raise RunError(f"{_describe_task(task)} failed: {type(exc).__name__}: {exc}") from exc
    return future.result()


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
            except (TypeError, RuntimeError, ValueError) as exc:  # e.g. tls:// without certificates (docs/DASK.md)
                raise SweepError(
                    f"--scheduler {scheduler}: cannot connect securely ({exc}); check the TLS settings "
                    "(DASK_DISTRIBUTED__COMM__TLS__* or distributed.yaml, docs/DASK.md section 3)"
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

    def results(self, todo: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
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
            with _interrupts_deferred():  # a part written but not yet counted would be written twice
                self.store.save(self.buffer)
                self.buffer = []
        self.last = time.monotonic()


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (saving a part and counting its runs is
    one step), then interrupt as usual."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, frame: received.append(signum))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise KeyboardInterrupt


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
    notify: Notify | None = None,
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
        notify: called with a line for what the store did to the folder (a damaged part
            set aside, a lost manifest made again); default: a ``StoreWarning``.

    Raises:
        ExperimentError, StoreError, SweepError: before any run, with a one-line message.
        SweepInterruptedError: after Ctrl-C or SIGTERM; the completed runs are saved.
        RunError: a run raised (:class:`WorkerDiedError`: its process kept dying); the
            completed runs are saved.

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
    options = (workers, scheduler, dask, progress, batch_size, save_every)
    return run_sweep(experiment, out, *options, resume_hint=resume_hint, notify=notify).folder


class Outcome(NamedTuple):
    """What :func:`run_sweep` did: the results folder, and how many runs it saved.

    Example:
        >>> Outcome(Path("out/smoke"), 24).saved
        24
    """

    folder: Path
    saved: int


def run_sweep(
    experiment: Experiment | str | Path,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    dask: bool = False,
    progress: bool = True,
    batch_size: int = DEFAULT_BATCH,
    save_every: float = DEFAULT_SAVE_EVERY,
    resume_hint: str | None = None,
    notify: Notify | None = None,
) -> Outcome:
    """:func:`sweep`, returning also how many runs this call saved (``coopsim sweep`` reports it).

    Example:
        >>> from coopsim.experiments import experiment_from_dict
        >>> exp = experiment_from_dict({"scenario": "tera", "years": 0.1, "design": "grid", "master_seed": 1,
        ...                             "outcomes": ["annual_turnover"], "factors": {"rex.enabled": [True, False]}})
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> run_sweep(exp, folder, workers=1, progress=False).saved, run_sweep(exp, folder, workers=1, progress=False).saved
        (2, 0)
    """
    exp = _as_experiment(experiment)
    plan = make_plan(exp)
    out = Path(out)
    found = survey(out, exp, plan)  # refuses a wrong folder before starting workers
    to_run = len(found.ids) < len(plan)
    if not to_run and found.up_to_date and not found.plan_damaged and not found.damaged:
        return Outcome(out, 0)  # nothing to run, nothing to repair
    with (
        _sigterm_interrupts(),
        make_executor(workers, scheduler, dask) if to_run else InProcess() as executor,
        Store.open(out, exp, plan, notify) as store,
    ):
        store.begin_session(executor.kind, executor.workers, executor.startup_seconds)
        todo = iter_tasks(exp, plan, skip=set(store.done))
        status = _run(executor, store, todo, progress and to_run, batch_size, save_every)
        if status == "interrupted":
            raise SweepInterruptedError(_interrupted_message(store, out, resume_hint))
    return Outcome(out, store.saved_this_session)


def _run(
    executor: InProcess | Pool | Dask,
    store: Store,
    todo: Iterable[dict[str, Any]],
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
