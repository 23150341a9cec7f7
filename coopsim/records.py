"""What a run keeps: weekly model rows, person rows, events, exits, and the summary.

Recording writes into preallocated numpy arrays (a row per week) and chunks of arrays
(people, events), turned into pandas frames only at the end, so that recording every
week costs little next to the model itself.

Summary metrics: :func:`summary` returns the keys of :data:`coopsim.outcomes.OUTCOMES`, in
that order; each is defined there once (names in English and French, unit, definition,
formula, which way is better), and ``docs/ODD.md`` (section 8.4) shows that table.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from typing import Any

import numpy as np
import pandas as pd

from .base import EVENT_CODE, EVENT_KINDS, WEEKS_PER_YEAR, Paid, Status
from .compiled import kernel, numpy_sum
from .events import CODE, PERSON, WEEK, EventLog, ExitLog
from .ledger import INFLOW, OUTFLOW
from .model_state import ModelState
from .outcomes import HIGH_EXHAUSTION
from .population import FLAG, FLOAT, INT
from .structures import STRUCTURE_KEYS

MODEL_COLUMNS = (
    "active", "newcomers", "withdrawn", "present", "departed_total", "burned_out",
    "active_volunteers", "core",
    "arrivals", "departures", "integrations", "withdrawals", "burnouts", "recoveries",
    "roles_taken", "roles_dropped",
    "conflicts_opened", "conflicts_defused", "conflicts_mediated", "conflicts_resolved",
    "conflicts_festering", "conflicts_open", "rex_sessions", "stipends_paid",
    "exhaustion_mean", "exhaustion_p10", "exhaustion_p50", "exhaustion_p90",
    "engagement_mean", "engagement_p10", "engagement_p50", "engagement_p90",
    "trust_mean", "trust_p10", "trust_p50", "trust_p90",
    "recognition_mean", "pressure_mean", "high_exhaustion_share",
    "roles_vacant", "roles_per_active", "roles_max", "top20_hours_share",
    "demand_hours", "hours_done", "unmet_hours", "unmet_share",
    "backlog", "decision_capacity", "acceptance", "rex_facilitators",
    "mediations", "mediations_successful",
    *(f"treasury_{k}" for k in STRUCTURE_KEYS),
    "inflow_total", "outflow_total",
)  # fmt: skip
COLUMN: Any = namedtuple("ModelColumns", MODEL_COLUMNS)(*range(len(MODEL_COLUMNS)))  # COLUMN.active: its column

PEOPLE_COLUMNS = (
    "status", "paid", "engagement", "trust", "exhaustion", "load", "hours", "roles",
    "recognition", "security_fin", "security_emo", "meaning", "pressure", "conflicts",
    "burned_out",
)  # fmt: skip

COUNTED_EVENTS = {
    "arrivals": "arrival", "departures": "departure", "integrations": "integration",
    "withdrawals": "withdrawal", "burnouts": "burnout", "recoveries": "recovery",
    "roles_taken": "role_taken", "roles_dropped": "role_dropped",
    "conflicts_opened": "conflict_opened", "conflicts_defused": "conflict_defused",
    "conflicts_mediated": "conflict_mediated", "conflicts_resolved": "conflict_resolved",
    "conflicts_festering": "conflict_festering", "rex_sessions": "rex_session",
    "stipends_paid": "stipend_paid",
}  # fmt: skip
COUNTED_CODES = np.array([EVENT_CODE[kind] for kind in COUNTED_EVENTS.values()])
COUNTED_COLUMNS = np.array([MODEL_COLUMNS.index(name) for name in COUNTED_EVENTS])
TREASURY_COLUMNS = np.array([MODEL_COLUMNS.index(f"treasury_{k}") for k in STRUCTURE_KEYS])
#: the weekly columns that count people, events, roles or sessions: whole numbers, given as int64
COUNT_COLUMNS = (
    "active", "newcomers", "withdrawn", "present", "departed_total", "burned_out", "active_volunteers", "core",
    *COUNTED_EVENTS, "conflicts_open", "roles_vacant", "roles_max", "rex_facilitators", "mediations",
    "mediations_successful",
)  # fmt: skip

# The codes the kernels compare with (numba reads module constants, not class attributes).
NEWCOMER, ACTIVE, WITHDRAWN, DEPARTED = Status.NEWCOMER, Status.ACTIVE, Status.WITHDRAWN, Status.DEPARTED
VOLUNTEER = Paid.VOLUNTEER

# People snapshots keep each column in the smallest type that holds its values exactly:
# the true floats as float64, the person and the counts as int32, the codes and the flag
# as int8; the frame casts them back to the people arrays' types.
SNAPSHOT_FLOATS = tuple(c for c in PEOPLE_COLUMNS if c in FLOAT._fields)
SNAPSHOT_COUNTS = ("person", "roles", "conflicts")
SNAPSHOT_CODES = ("status", "paid", "burned_out")
SNAPSHOT_FLOAT_ROWS = np.array([FLOAT._fields.index(c) for c in SNAPSHOT_FLOATS])
SNAPSHOT_MIN_CHUNK = 4096  # rows; a chunk holds at least 16 snapshots of the people present


@kernel
def _sort(values):
    """Sort ``values`` in place, as ``np.sort`` orders them; a few dozen values (a TERA week)
    are sorted by insertion, quicker than numba's quicksort at that size (there is no NaN
    among them, so both give the same order)."""
    if values.size > 64:
        values.sort()
        return
    for i in range(1, values.size):
        value = values[i]
        j = i - 1
        while j >= 0 and values[j] > value:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = value


@kernel
def _nearest_rank(sorted_values, q):
    """The ``q`` quantile of sorted values, nearest rank (index ``q (k - 1)`` rounded)."""
    return sorted_values[int(np.rint(q * (sorted_values.size - 1)))]


# the rows of the people columns' scratch block: the active members' states, the stipend
# recipients' social pressure
EXHAUSTION, ENGAGEMENT, TRUST, RECOGNITION, HOURS, PRESSURE = range(6)


@kernel
def people_columns(row, floats, ints, flags, n, week):
    """The week's counts of people and the spread of the active members' states.

    Each person counts in their status; an active member also counts as a volunteer
    (unpaid), as core (active for a year or more and holding a role) and as a REX
    facilitator, and brings their exhaustion, engagement, trust, recognition, hours and
    roles to the active members' means and quantiles (nearest rank on the sorted values);
    stipend recipients bring their social pressure.
    """
    by_status = np.zeros(4, dtype=np.int64)
    burned = volunteers = core = facilitators = roles_active = roles_max = 0
    values = np.empty((6, n))  # the rows EXHAUSTION ... PRESSURE
    k = stipends = 0
    for i in range(n):
        status, roles = ints[INT.status, i], ints[INT.roles, i]
        by_status[status] += 1
        roles_max = max(roles_max, roles)
        if flags[FLAG.burned_out, i] and status != DEPARTED:
            burned += 1
        if flags[FLAG.stipend, i]:
            values[PRESSURE, stipends] = floats[FLOAT.pressure, i]
            stipends += 1
        if status == ACTIVE:
            if ints[INT.paid, i] == VOLUNTEER:
                volunteers += 1
            if week - ints[INT.status_week, i] >= WEEKS_PER_YEAR and roles > 0:
                core += 1
            if flags[FLAG.rex_trained, i]:
                facilitators += 1
            roles_active += roles
            values[EXHAUSTION, k] = floats[FLOAT.exhaustion, i]
            values[ENGAGEMENT, k] = floats[FLOAT.engagement, i]
            values[TRUST, k] = floats[FLOAT.trust, i]
            values[RECOGNITION, k] = floats[FLOAT.recognition, i]
            values[HOURS, k] = floats[FLOAT.hours, i]
            k += 1
    row[COLUMN.active] = k
    row[COLUMN.newcomers] = by_status[NEWCOMER]
    row[COLUMN.withdrawn] = by_status[WITHDRAWN]
    row[COLUMN.departed_total] = by_status[DEPARTED]
    row[COLUMN.present] = n - by_status[DEPARTED]
    row[COLUMN.burned_out] = burned
    row[COLUMN.active_volunteers] = volunteers
    row[COLUMN.core] = core
    row[COLUMN.rex_facilitators] = facilitators
    row[COLUMN.roles_max] = roles_max
    row[COLUMN.pressure_mean] = numpy_sum(values[PRESSURE], stipends) / stipends if stipends else np.nan
    row[COLUMN.hours_done] = numpy_sum(floats[FLOAT.hours], n)
    if k:
        spread_columns(row, values[:, :k], roles_active)


@kernel
def spread_columns(row, active, roles_active):
    """Means and quantiles of the active members' states (the rows of ``active``, sorted here
    in place), the share highly exhausted and the share of hours the busiest fifth carried."""
    k = active.shape[1]
    first = (COLUMN.exhaustion_mean, COLUMN.engagement_mean, COLUMN.trust_mean)  # then p10, p50, p90
    for j in (EXHAUSTION, ENGAGEMENT, TRUST):
        values = active[j]
        _sort(values)
        row[first[j]] = numpy_sum(values, k) / k
        row[first[j] + 1] = _nearest_rank(values, 0.1)
        row[first[j] + 2] = _nearest_rank(values, 0.5)
        row[first[j] + 3] = _nearest_rank(values, 0.9)
    high = 0
    for x in active[EXHAUSTION]:
        if x >= HIGH_EXHAUSTION:
            high += 1
    row[COLUMN.high_exhaustion_share] = high / k
    row[COLUMN.recognition_mean] = numpy_sum(active[RECOGNITION], k) / k
    _sort(active[HOURS])
    hours = active[HOURS][::-1]  # the busiest first
    total = numpy_sum(hours, k)
    top = max(1, int(np.rint(0.2 * k)))
    row[COLUMN.top20_hours_share] = numpy_sum(hours, top) / total if total > 0 else 0.0
    row[COLUMN.roles_per_active] = roles_active / k


@kernel
def week_row(
    table, w, floats, ints, flags, n, week, holder, open_, week_counts, event_totals, treasury,
    conflicts_open, demand, unmet, backlog, decision_capacity, acceptance, mediated, mediated_ok, totals,
    snapshot, chunk_floats, chunk_counts, chunk_codes, chunk_used,
):  # fmt: skip
    """Fill row ``w`` of the weekly table: the people's columns, this week's event counts
    (then moved to the run's totals), the vacant roles and the model's own numbers (``totals``:
    the money from and to outside so far); when ``snapshot``, copy the people present into
    the chunk from column ``chunk_used`` on (:func:`snapshot_present`; room made). Returns
    the number of people present."""
    if snapshot:
        snapshot_present(chunk_floats, chunk_counts, chunk_codes, chunk_used, floats, ints, flags, n)
    row = table[w]
    row[:] = 0.0
    people_columns(row, floats, ints, flags, n, week)
    for j in range(COUNTED_CODES.size):
        row[COUNTED_COLUMNS[j]] = week_counts[COUNTED_CODES[j]]
    for code in range(week_counts.size):
        event_totals[code] += week_counts[code]
        week_counts[code] = 0
    vacant = 0
    for r in range(holder.size):
        if holder[r] < 0 and open_[r]:
            vacant += 1
    row[COLUMN.roles_vacant] = vacant
    row[COLUMN.conflicts_open] = conflicts_open
    row[COLUMN.demand_hours] = demand
    row[COLUMN.unmet_hours] = unmet
    row[COLUMN.unmet_share] = unmet / demand if demand > 0 else 0.0
    row[COLUMN.backlog] = backlog
    row[COLUMN.decision_capacity] = decision_capacity
    row[COLUMN.acceptance] = acceptance
    row[COLUMN.mediations] = mediated
    row[COLUMN.mediations_successful] = mediated_ok
    for j in range(TREASURY_COLUMNS.size):
        row[TREASURY_COLUMNS[j]] = treasury[j]
    row[COLUMN.inflow_total] = totals[INFLOW]
    row[COLUMN.outflow_total] = totals[OUTFLOW]
    return int(row[COLUMN.present])


@kernel
def snapshot_present(floats_out, counts_out, codes_out, start, floats, ints, flags, n):
    """Copy the rows of the people present (not departed) into the snapshot store, from
    column ``start`` on; return how many were copied."""
    k = start
    for i in range(n):
        if ints[INT.status, i] == DEPARTED:
            continue
        for j in range(SNAPSHOT_FLOAT_ROWS.size):
            floats_out[j, k] = floats[SNAPSHOT_FLOAT_ROWS[j], i]
        counts_out[0, k] = i
        counts_out[1, k] = ints[INT.roles, i]
        counts_out[2, k] = ints[INT.conflicts, i]
        codes_out[0, k] = ints[INT.status, i]
        codes_out[1, k] = ints[INT.paid, i]
        codes_out[2, k] = flags[FLAG.burned_out, i]
        k += 1
    return k - start


def _empty_chunk(size: int) -> list[Any]:
    """A chunk of ``size`` person rows: [floats, counts, codes, rows used]."""
    return [
        np.empty((len(SNAPSHOT_FLOATS), size)),
        np.empty((len(SNAPSHOT_COUNTS), size), dtype=np.int32),
        np.empty((len(SNAPSHOT_CODES), size), dtype=np.int8),
        0,
    ]


@kernel
def snapshot_week(week: int, people_every: int, horizon: int) -> bool:
    """Whether the people present are recorded at the end of ``week``: every ``people_every``
    weeks, and the last week before ``horizon``.

    Example:
        >>> [w for w in range(10) if snapshot_week(w, 4, 10)]
        [0, 4, 8, 9]
    """
    return week % people_every == 0 or week == horizon - 1


def window_eve(horizon: int) -> int:
    """The week before the last year's window of a run to ``horizon``: the hours everyone has
    worked by its end are kept (``Recorder.hours_at_window_start``).

    Example:
        >>> window_eve(520)
        467
    """
    return horizon - WEEKS_PER_YEAR - 1


@functools.lru_cache(maxsize=8)
def categories(names: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical type of a frame column whose codes index ``names`` (made once: making
    it costs more than the column itself).

    Example:
        >>> categories(Status.NAMES).categories.tolist()
        ['newcomer', 'active', 'withdrawn', 'departed']
    """
    return pd.CategoricalDtype(pd.Index(names))


class Recorder:
    """Collects a run's weekly rows, person rows, events and exits.

    The weekly rows fill a preallocated table (a row per week, a column per
    :data:`MODEL_COLUMNS` entry; ``columns[name]`` is a view of one column), written by one
    kernel call a week. The people present at a snapshot week are copied into chunks of
    compact arrays; the frames are built once, at the end.

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1, years=0.25)
        >>> m.run_model()
        >>> frame = m.recorder.model_frame()                     # one row per week
        >>> len(frame), frame["week"].tolist()[:3]
        (13, [0, 1, 2])
        >>> m.recorder.columns["active"][:13].tolist() == frame["active"].tolist()  # a column of the table
        True
    """

    def __init__(self, model: ModelState) -> None:
        self.table = np.zeros((max(model.horizon, 1), len(MODEL_COLUMNS)))
        self.columns = self._column_views()
        self.weeks = 0
        self.log = EventLog(len(EVENT_KINDS))  # every event, in order; the week's counts by kind
        self.week_counts = self.log.week_counts
        self.event_totals = np.zeros(len(EVENT_KINDS), dtype=np.int64)  # of the weeks recorded
        self._snapshots: list[tuple[int, int]] = []  # week, people present
        self._chunks: list[list[Any]] = []  # [floats, counts, codes, rows used]
        self._no_chunk = _empty_chunk(0)  # what the kernel is handed in a week without snapshot
        self.exit_log = ExitLog()  # week, person, paid, core of each exit from active membership
        self.hours_at_window_start: np.ndarray | None = None

    def _column_views(self) -> dict[str, np.ndarray]:
        return {c: self.table[:, j] for j, c in enumerate(MODEL_COLUMNS)}

    def event(self, week: int, code: int, persons: np.ndarray) -> None:
        self.log.add(week, code, persons)

    @property
    def exits(self) -> list[tuple[int, int, int, bool]]:
        """Each exit from active membership (withdrawal, burnout, departure) as ``(week,
        person, paid, core)``: core when active a year or more and holding roles."""
        return self.exit_log.as_tuples()

    def _grow(self) -> None:
        table = np.zeros((2 * self.table.shape[0], self.table.shape[1]))
        table[: self.weeks] = self.table[: self.weeks]
        self.table = table
        self.columns = self._column_views()

    def record_week(self, model: ModelState) -> None:
        """Write this week's row (and, every few weeks, the people's rows) in one kernel call."""
        if self.weeks >= self.table.shape[0]:
            self._grow()
        P, L = model.people, model.ledger
        snapshot = snapshot_week(model.week, model.scenario.record.people_every, model.horizon)
        chunk = self._chunk_with_room(P.n) if snapshot else self._no_chunk
        present = week_row(
            self.table, self.weeks, P.floats, P.ints, P.flags, P.n, model.week, model.roles.holder, model.roles.open,
            self.week_counts, self.event_totals, L.treasury, model.conflicts.open_ids.size,
            model.week_demand, model.week_unmet, model.backlog, model.week_decision_capacity,
            model.acceptance, model.week_mediated, model.week_mediated_ok, L.totals,
            snapshot, chunk[0], chunk[1], chunk[2], chunk[3],
        )  # fmt: skip
        if snapshot:
            chunk[3] += present
            self._snapshots.append((model.week, present))
        if model.week == window_eve(model.horizon):
            self.hours_at_window_start = P.hours_total[: P.n].copy()
        self.weeks += 1

    def _chunk_with_room(self, rows: int) -> list[Any]:
        """The last chunk of person rows, or a new one when it has no room for ``rows`` more."""
        if not self._chunks or self._chunks[-1][3] + rows > self._chunks[-1][0].shape[1]:
            self._chunks.append(_empty_chunk(max(SNAPSHOT_MIN_CHUNK, 16 * rows)))
        return self._chunks[-1]

    # --- frames -----------------------------------------------------------------------

    def model_frame(self) -> pd.DataFrame:
        w = self.weeks
        weeks = np.arange(w)
        frame = pd.DataFrame(
            {"week": weeks, "year": weeks / WEEKS_PER_YEAR, **{c: a[:w] for c, a in self.columns.items()}}
        )
        return frame.astype(dict.fromkeys(COUNT_COLUMNS, np.int64))

    def people_frame(self) -> pd.DataFrame:
        if not self._snapshots:
            return pd.DataFrame(columns=["week", "person", *PEOPLE_COLUMNS])
        floats, counts, codes = (np.concatenate([c[k][:, : c[3]] for c in self._chunks], axis=1) for k in range(3))
        weeks, sizes = np.array(self._snapshots, dtype=np.int64).T
        column: dict[str, Any] = {"week": np.repeat(weeks, sizes)}
        column.update((c, counts[j].astype(np.int64)) for j, c in enumerate(SNAPSHOT_COUNTS))
        column.update((c, floats[j]) for j, c in enumerate(SNAPSHOT_FLOATS))
        column["status"] = pd.Categorical.from_codes(codes[0], dtype=categories(Status.NAMES))
        column["paid"] = pd.Categorical.from_codes(codes[1], dtype=categories(Paid.NAMES))
        column["burned_out"] = codes[2].astype(bool)
        # the columns are fresh arrays: the frame keeps them as they are (copy=False), rather
        # than copying them once more into blocks
        return pd.DataFrame({c: column[c] for c in ("week", "person", *PEOPLE_COLUMNS)}, copy=False)

    def events_frame(self) -> pd.DataFrame:
        log = self.log
        if log.n == 0:
            return pd.DataFrame({"week": [], "person": [], "kind": pd.Categorical([], EVENT_KINDS)})
        return pd.DataFrame(
            {
                "week": log.rows[WEEK, : log.n].copy(),
                "person": log.rows[PERSON, : log.n].copy(),
                "kind": pd.Categorical.from_codes(log.rows[CODE, : log.n], dtype=categories(EVENT_KINDS)),
            }
        )

    def event_total(self, kind: str) -> int:
        """Events of this kind so far (counted as they arrive)."""
        code = EVENT_CODE[kind]
        return int(self.event_totals[code] + self.week_counts[code])


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: equal, towards 1: one carries all).

    Example:
        >>> import numpy as np
        >>> gini(np.array([5.0, 5.0, 5.0, 5.0])), gini(np.array([0.0, 0.0, 0.0, 8.0]))
        (0.0, 0.75)
    """
    x = np.sort(np.asarray(x, dtype=float))
    if x.size == 0 or x.sum() == 0:
        return 0.0
    k = np.arange(1, x.size + 1)
    return float((2 * (k * x).sum()) / (x.size * x.sum()) - (x.size + 1) / x.size)


def top_share(x: np.ndarray, fraction: float) -> float:
    """Share of the total carried by the top ``fraction`` of values.

    Example:
        >>> import numpy as np
        >>> top_share(np.array([1.0, 1.0, 1.0, 7.0]), 0.25)     # the top quarter carries 70 %
        0.7
    """
    x = np.sort(np.asarray(x, dtype=float))[::-1]
    if x.size == 0 or x.sum() == 0:
        return 0.0
    k = max(1, int(np.ceil(fraction * x.size)))
    return float(x[:k].sum() / x.sum())


def nan_mean(x: np.ndarray) -> float:
    """Mean of the finite values, NaN when there is none.

    Example:
        >>> import numpy as np
        >>> nan_mean(np.array([1.0, np.nan, 3.0])), nan_mean(np.array([np.nan]))
        (2.0, nan)
    """
    finite = x[np.isfinite(x)]
    return float(finite.mean()) if finite.size else float("nan")


def summary(model: ModelState) -> dict[str, Any]:
    """The run's headline numbers: exactly the keys of :data:`coopsim.outcomes.OUTCOMES`, in
    that order (each defined there; ``run`` adds ``seed`` and ``weeks``).

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1, years=0.5)
        >>> m.run_model()
        >>> s = summary(m)
        >>> "annual_turnover" in s, bool(0 <= s["top10_hours_share"] <= 1)
        (True, True)
    """
    rec = model.recorder
    col = {c: arr[: rec.weeks] for c, arr in rec.columns.items()}
    return {
        **_membership_outcomes(model, col),
        **_workload_outcomes(model),
        "mean_engagement": float(col["engagement_mean"].mean()),
        "mean_trust": float(col["trust_mean"].mean()),
        **_conflict_outcomes(model, col),
        **_collective_outcomes(model, col),
    }


def _membership_outcomes(model: ModelState, col: dict[str, np.ndarray]) -> dict[str, Any]:
    """The summary's numbers on who is there and who leaves: the final counts, arrivals and
    departures, turnover (all, unpaid, core), burnouts and the share highly exhausted."""
    rec = model.recorder
    years = max(rec.weeks, 1) / WEEKS_PER_YEAR
    exits = rec.exits
    unpaid_exits = sum(1 for _, _, paid, _ in exits if paid == Paid.VOLUNTEER)
    core_exits = sum(1 for *_, core in exits if core)

    def per_year(count: float, mean_pop: float) -> float:
        return float(count / (mean_pop * years)) if mean_pop > 0 else float("nan")

    person_years = col["active"].sum() / WEEKS_PER_YEAR
    return {
        "active_final": int(col["active"][-1]) if rec.weeks else 0,
        "present_final": int(col["present"][-1]) if rec.weeks else 0,
        "arrivals_total": rec.event_total("arrival"),
        "departures_total": rec.event_total("departure"),
        "annual_turnover": per_year(len(exits), col["active"].mean()),
        "annual_turnover_unpaid": per_year(unpaid_exits, col["active_volunteers"].mean()),
        "annual_turnover_core": per_year(core_exits, col["core"].mean()),
        "burnouts_total": rec.event_total("burnout"),
        "burnout_incidence_per_100py": float(100 * col["burnouts"].sum() / person_years)
        if person_years
        else float("nan"),
        "share_high_exhaustion": float(col["high_exhaustion_share"].mean()),
    }


def _workload_outcomes(model: ModelState) -> dict[str, Any]:
    """The summary's numbers on how the work is shared: the shares of the hours done in the
    window carried by the top 10 % and 25 %, their Gini, and the top 20 %'s share of
    coordination."""
    rec, P = model.recorder, model.people
    n = P.n
    start = rec.hours_at_window_start if rec.hours_at_window_start is not None else np.zeros(n)
    window = P.hours_total[:n] - np.pad(start, (0, n - start.size))
    window = window[window > 0]
    coord = P.coord_total[:n]
    return {
        "top10_hours_share": top_share(window, 0.10),
        "top25_hours_share": top_share(window, 0.25),
        "gini_hours": gini(window),
        "top20_coordination_share": top_share(coord[coord > 0], 0.20),
    }


def _conflict_outcomes(model: ModelState, col: dict[str, np.ndarray]) -> dict[str, Any]:
    """The summary's numbers on conflicts: opened, defused, festering, mediated, and how often
    mediation succeeds (per session and per dispute)."""
    mediated = int(col["mediations"].sum())
    C = model.conflicts
    disputes_mediated = int(np.count_nonzero(C.sessions[: C.total]))
    disputes_settled = int(np.count_nonzero(C.settled_by_mediation.flags[: C.total]))
    return {
        "conflicts_opened": int(col["conflicts_opened"].sum()),
        "conflicts_defused": int(col["conflicts_defused"].sum()),
        "conflicts_festering": int(col["conflicts_festering"].sum()),
        "conflicts_mediated": mediated,
        "mediation_success_rate": float(col["mediations_successful"].sum() / mediated) if mediated else float("nan"),
        "disputes_mediated": disputes_mediated,
        "mediation_success_per_dispute": float(disputes_settled / disputes_mediated)
        if disputes_mediated
        else float("nan"),
    }


def _collective_outcomes(model: ModelState, col: dict[str, np.ndarray]) -> dict[str, Any]:
    """The summary's numbers on the collective as a whole: unmet work, the decision backlog,
    withdrawals, the most roles one person held, the territory's acceptance, the treasuries
    and the pressure of stipends."""
    rec = model.recorder
    demand = col["demand_hours"].sum()
    return {
        "unmet_work_share": float(col["unmet_hours"].sum() / demand) if demand > 0 else 0.0,
        "decision_backlog_mean": float(col["backlog"].mean()),
        "withdrawals_total": rec.event_total("withdrawal"),
        "max_roles_held": int(col["roles_max"].max()) if rec.weeks else 0,
        "acceptance_final": float(col["acceptance"][-1]) if rec.weeks else float("nan"),
        "treasury_total_final": float(sum(col[f"treasury_{k}"][-1] for k in STRUCTURE_KEYS)) if rec.weeks else 0.0,
        "stipend_pressure_mean": nan_mean(col["pressure_mean"]),
    }


class MesaRecords:
    """The shape ``mesa.batch_run`` reads from ``model.datacollector``.

    ``model_vars`` maps each weekly column and each summary key to a list indexed by step;
    summary values sit at the last step (they only exist once the run has ended).

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1, years=0.1)
        >>> m.run_model()
        >>> frame = m.datacollector.get_model_vars_dataframe()    # what mesa.batch_run reads
        >>> len(frame) == m.week, "active" in frame.columns
        (True, True)
    """

    def __init__(self, model: ModelState) -> None:
        self._model = model
        self._agent_records: dict[int, list[Any]] = {}
        self.agent_reporters: dict[str, Any] = {}

    @property
    def model_vars(self) -> dict[str, list[Any]]:
        rec = self._model.recorder
        out: dict[str, list[Any]] = {c: arr[: rec.weeks].tolist() for c, arr in rec.columns.items()}
        final = summary(self._model)
        for key, value in final.items():
            out[key] = [None] * max(rec.weeks - 1, 0) + [value]
        return out

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        return self._model.recorder.model_frame()
