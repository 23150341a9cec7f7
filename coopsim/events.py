"""The run's logs: what happened to whom, week by week, in the order it happened.

An event is a week, a kind (its code in :data:`coopsim.base.EVENT_KINDS`) and the person it
names (-1 for a collective event such as a REX session). The :class:`EventLog` keeps them
as the columns of one integer block, so that a process's kernel writes its events as it
decides them (:func:`log_event`), in the same order as Python's :meth:`EventLog.add`; it
also counts the events of the week by kind, which the week's row of the records reads. The
:class:`ExitLog` keeps the exits from active membership (the summary's turnover) the same way.

A kernel never grows a block: the process reserves room for as many entries as it can
write (:meth:`KernelLog.reserve`) before calling it, and hands the count back through
:meth:`KernelLog.written`, which refuses a count beyond the room reserved.
"""

from __future__ import annotations

import itertools

import numpy as np

from .compiled import kernel

WEEK, CODE, PERSON = range(3)  # the rows of the log's block


class KernelLog:
    """A log that kernels write to: a block of ``rows`` integer rows, a column per entry, the
    first ``n`` written. A kernel never grows the block: the caller reserves room first
    (:meth:`reserve`) and hands the kernel's count back (:meth:`written`), which refuses a
    count beyond the room reserved (the kernel writes nothing past the block's end).

    Example:
        >>> log = KernelLog(capacity=16)
        >>> log.reserve(40)                               # the block doubles to hold them
        >>> log.rows.shape, log.n
        ((1, 64), 0)
        >>> log.written(65)
        Traceback (most recent call last):
        RuntimeError: a kernel wrote 65 entries with room reserved for fewer
    """

    ROWS = 1
    WHAT = "entries"

    def __init__(self, capacity: int = 256) -> None:
        self.rows = np.zeros((self.ROWS, max(16, capacity)), dtype=np.int64)
        self.n = 0

    def reserve(self, count: int) -> None:
        """Make room for ``count`` more entries (the block doubles as needed)."""
        needed = self.n + count
        if needed > self.rows.shape[1]:
            capacity = self.rows.shape[1]
            while capacity < needed:
                capacity *= 2
            rows = np.zeros((self.ROWS, capacity), dtype=np.int64)
            rows[:, : self.n] = self.rows[:, : self.n]
            self.rows = rows

    def written(self, n: int) -> None:
        """Take the count of entries a kernel has written (from ``self.n`` on)."""
        if n > self.rows.shape[1]:
            raise RuntimeError(f"a kernel wrote {n - self.n} {self.WHAT} with room reserved for fewer")
        self.n = n


class EventLog(KernelLog):
    """The events so far: ``rows[WEEK | CODE | PERSON, :n]``, in order; ``week_counts[code]``
    counts the events of each kind since the records last took them.

    Example:
        >>> import numpy as np
        >>> log = EventLog(kinds=3, capacity=2)
        >>> log.add(week=4, code=1, persons=np.array([7, 9, 11]))   # grows as needed
        >>> log.add(week=5, code=2, persons=np.array([-1]))
        >>> log.rows[:, : log.n].tolist(), log.week_counts.tolist()
        ([[4, 4, 4, 5], [1, 1, 1, 2], [7, 9, 11, -1]], [0, 3, 1])
        >>> [(week, code, persons.tolist()) for week, code, persons in log.groups(start=1)]
        [(4, 1, [9, 11]), (5, 2, [-1])]
    """

    ROWS, WHAT = 3, "events"

    def __init__(self, kinds: int, capacity: int = 1024) -> None:
        super().__init__(capacity)
        self.week_counts = np.zeros(kinds, dtype=np.int64)

    def add(self, week: int, code: int, persons: np.ndarray) -> None:
        """Log one event of kind ``code`` for each of ``persons`` (-1: a collective event)."""
        if persons.size:
            self.reserve(persons.size)
            self.n = log_events(self.rows, self.week_counts, self.n, week, code, persons)

    def groups(self, start: int = 0) -> list[tuple[int, int, np.ndarray]]:
        """The events from row ``start`` on, as ``(week, code, persons)``: one group per run of
        consecutive events of the same week and kind (a collective event alone)."""
        weeks, codes, persons = self.rows[:, start : self.n]
        if weeks.size == 0:
            return []
        cuts = np.flatnonzero((np.diff(weeks) != 0) | (np.diff(codes) != 0) | (persons[1:] < 0) | (persons[:-1] < 0))
        bounds = np.r_[0, cuts + 1, weeks.size]
        return [(int(weeks[a]), int(codes[a]), persons[a:b]) for a, b in itertools.pairwise(bounds)]


class ExitLog(KernelLog):
    """The run's exits from active membership, in order: ``rows[:, :n]`` holds each one's week,
    person, paid status on leaving and whether they were core (a year active holding roles).
    Kernels write them (room reserved, :meth:`reserve`) and hand the count back
    (:meth:`written`), as for the :class:`EventLog`.

    Example:
        >>> exits = ExitLog(capacity=1)
        >>> exits.reserve(2)
        >>> exits.rows[:, :2] = [[3, 4], [7, 9], [0, 2], [1, 0]]
        >>> exits.written(2)
        >>> exits.as_tuples()
        [(3, 7, 0, True), (4, 9, 2, False)]
    """

    ROWS, WHAT = 4, "exits"

    def as_tuples(self) -> list[tuple[int, int, int, bool]]:
        """The exits as ``(week, person, paid, core)``."""
        week, person, paid, core = self.rows[:, : self.n].tolist()
        return [(w, i, p, bool(c)) for w, i, p, c in zip(week, person, paid, core, strict=True)]


@kernel
def log_exit(rows: np.ndarray, n: int, week: int, person: int, paid: int, core: bool) -> int:
    """Write one exit at row ``n`` (when reserved; see :func:`log_event`); return ``n + 1``."""
    if n < rows.shape[1]:
        rows[0, n] = week
        rows[1, n] = person
        rows[2, n] = paid
        rows[3, n] = core
    return n + 1


@kernel
def log_event(rows: np.ndarray, week_counts: np.ndarray, n: int, week: int, code: int, person: int) -> int:
    """Write one event at row ``n`` of the log's block (when reserved: past its end nothing is
    written, and :meth:`EventLog.written` then refuses the count) and count it; return ``n + 1``."""
    if n < rows.shape[1]:
        rows[WEEK, n] = week
        rows[CODE, n] = code
        rows[PERSON, n] = person
    week_counts[code] += 1
    return n + 1


@kernel
def log_events(rows: np.ndarray, week_counts: np.ndarray, n: int, week: int, code: int, persons: np.ndarray) -> int:
    """:func:`log_event` for each of ``persons`` in turn; return the new count."""
    for person in persons:
        n = log_event(rows, week_counts, n, week, code, person)
    return n
