"""The weeks in one compiled call: the processes in order, the levers that have a compiled
form, and the week's record.

:meth:`coopsim.model.CoopModel.step` can run a week process by process in Python, each
process one kernel call between Python's bookkeeping (fetching arrays, reading blocks
ahead, reserving room). With about fifteen such steps a week, that bookkeeping costs more
than the arithmetic. :func:`run_weeks` runs the same steps, week after week, in one call:
each phase calls the very kernel the Python process calls, with the same blocks of random
numbers, so the weeks give the same numbers either way (``tests/test_core_reference.py``
holds both ways to the stored reference outputs, and ``tests/test_processes.py`` compares
them week by week).

What needs Python makes the call return early, saying where to resume:

- ``LEVERS``: the levers of a phase, when one of them has no compiled form this week (a
  lever written in Python only; a first REX session, whose facilitators are drawn by a
  permutation; the stipend's start, end and first payment, which makes its kinds of flow;
  the yearly training): Python runs them all, in order;
- ``NEWCOMERS``: the arrivals, the welcome or the integration need more room (people,
  ties, events) than Python made: Python takes the week's arrivals over from their count;
- ``MORE``: a stream's read-ahead block is short (a Poisson draw reads a variable count);
- ``ROOM``: the logs, ties, conflicts or records need room for the coming week.

A call covers weeks whose modifiers the levers set from their settings alone (Python sets
them once for the call; the training's share of the notice of exhaustion, which follows the
first aiders, is computed each week): :class:`CompiledWeek` ends a call where a lever
starts, at the start of the last year's window of the records, and after one week when a
lever's modifiers read the state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .base import EVENT_CODE, WEEKS_PER_YEAR, Mechanism, Modifiers, packed
from .compiled import ReadAhead, kernel, poisson_from
from .conflict import conflict_week
from .events import log_events
from .governance import active_and_staffed, backlog_after, capacity
from .interactions import interactions_week
from .mechanisms.mediation import MEDIATION_CIRCLE, Mediation
from .mechanisms.mediation import month as mediation_month
from .mechanisms.rex import Rex, session_due
from .mechanisms.rex import fade as rex_fade
from .mechanisms.rex import session as rex_session
from .mechanisms.stipend import RevenuDeTransition, ends_this_week, pay_month, stipend_kinds
from .mechanisms.stipend import follow_up as stipend_follow_up
from .mechanisms.training import InternalTraining, acts_this_week, notice_with_first_aiders
from .membership import (
    arrival_uniforms,
    integrate,
    integration_uniforms,
    integration_week,
    membership_week,
    newcomers_arrive,
    welcome_circle,
)
from .money import FUND, gift_scale, payments_of_the_week
from .population import NEWCOMER as NEWCOMER_STATUS
from .population import count_with_status, paid_status
from .records import snapshot_week, week_row, window_eve
from .territory import acceptance_and_rate
from .wellbeing import engage, strain_week
from .work import work_week

#: where a week resumes: before each process; DONE: the week is over
WORK, STRAIN, INTERACTIONS, CONFLICT, ENGAGEMENT, MEMBERSHIP, ARRIVALS, GOVERNANCE, MONEY, DONE = range(10)
PHASE_OF_PROCESS = {
    "work": WORK,
    "strain": STRAIN,
    "interactions": INTERACTIONS,
    "conflict": CONFLICT,
    "engagement": ENGAGEMENT,
    "membership": MEMBERSHIP,
    "arrivals": ARRIVALS,
    "governance": GOVERNANCE,
    "money": MONEY,
}
#: why a call returned (see the module's docstring)
FINISHED, LEVERS, NEWCOMERS, MORE, ROOM = range(5)
CONTINUE = FINISHED  # a phase went through: on to the next
#: the levers with a compiled form, by their place in the kernel's flags and settings
REX, MEDIATION, STIPEND, TRAINING = range(4)
COMPILED_LEVERS = {"rex": REX, "mediation": MEDIATION, "stipend": STIPEND, "training": TRAINING}
#: each compiled lever's settings when the scenario has none (its lever unregistered)
DEFAULTS = {"rex": Rex(), "mediation": Mediation(), "stipend": RevenuDeTransition(), "training": InternalTraining()}
#: what the kernel knows of the levers' Python state: REX's facilitators trained, the
#: stipend's recipients chosen, the stipend ended
TRAINED, CHOSEN, ENDED = range(3)
#: the streams handed to the kernel, by their place in its blocks and positions
STREAMS = ("work", "strain", "interactions", "conflict", "engagement", "membership", "arrivals", "governance", "money",
           "rex", "mediation", "newcomers")  # fmt: skip
(S_WORK, S_STRAIN, S_INTERACTIONS, S_CONFLICT, S_ENGAGEMENT, S_MEMBERSHIP, S_ARRIVALS, S_GOVERNANCE, S_MONEY, S_REX,
 S_MEDIATION, S_NEWCOMERS) = range(len(STREAMS))  # fmt: skip
#: the model's numbers the kernel reads and writes, in ``model.numbers`` (the model's
#: attributes of these names, and the week's notice of exhaustion)
NUMBERS = ("backlog", "acceptance", "week_demand", "week_unmet", "week_decision_capacity", "week_mediated",
           "week_mediated_ok", "notice")  # fmt: skip
BACKLOG, ACCEPTANCE, DEMAND, UNMET, DECISION_CAPACITY, MEDIATED, MEDIATED_OK, NOTICE = range(len(NUMBERS))
#: the counts the kernel reads and writes: events and exits logged, ties, conflicts, open
#: conflicts, people, numbers a short stream needs, weeks recorded, rows used in the
#: snapshot chunk, snapshots taken in this call, rows in the snapshot chunk
LOGGED, EXITED, TIES, CONFLICTS, OPEN, PEOPLE, NEED, WEEKS, CHUNK_USED, SNAPSHOTS, CHUNK_SIZE = range(11)
#: the role slots' arrays handed to the kernel, in this order (attributes of ``Roles``)
ROLE_ARRAYS = ("unit", "kind", "hours", "appeal", "salaried", "effort", "holder", "since", "vacant_since", "formal",
               "announced", "notice_by", "notice_end", "open", "unit_opened_week", "unit_opens_week",
               "unit_opens_at_active", "structure", "unit_is_circle")  # fmt: skip
(R_UNIT, R_KIND, R_HOURS, R_APPEAL, R_SALARIED, R_EFFORT, R_HOLDER, R_SINCE, R_VACANT_SINCE, R_FORMAL, R_ANNOUNCED,
 R_NOTICE_BY, R_NOTICE_END, R_OPEN, R_OPENED_WEEK, R_OPENS_WEEK, R_OPENS_AT_ACTIVE, R_STRUCTURE,
 R_UNIT_IS_CIRCLE) = range(len(ROLE_ARRAYS))  # fmt: skip
SALARY_UNPAID = EVENT_CODE["salary_unpaid"]
READ_AHEAD_NUMBERS = 2**17  # numbers a stream reads ahead at most, unless a week needs more (1 MiB)
READ_AHEAD_WEEKS = 26  # weeks a stream reads ahead at most
MODIFIER_DTYPE = np.dtype(
    [
        (k, np.float64 if type(v) is float else np.bool_ if type(v) is bool else np.int64)
        for k, v in vars(Modifiers()).items()
    ]
)


@kernel
def run_weeks(
    week: int, phase: int, stop: int, horizon: int, people_every: int, numbers: np.ndarray,
    counts: np.ndarray, blocks: tuple, positions: np.ndarray, levers: np.ndarray, lever_state: np.ndarray,
    stipend_kinds: np.ndarray, python_phases: np.ndarray, python_after: np.ndarray, mods: np.ndarray,
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray,
    tie_ints: np.ndarray, tie_floats: np.ndarray, pairs: np.ndarray, contact: np.ndarray,
    roles: tuple, welcome_circle: int, mediation_circle: int,
    open_ids: np.ndarray, tie_of: np.ndarray, opened: np.ndarray, sessions: np.ndarray, festering: np.ndarray,
    settled: np.ndarray,
    treasury: np.ndarray, totals: np.ndarray, flows: np.ndarray, unpaid: np.ndarray, found: np.ndarray,
    log_rows: np.ndarray, log_counts: np.ndarray, event_totals: np.ndarray, exits: np.ndarray,
    table: np.ndarray, chunk_floats: np.ndarray, chunk_counts: np.ndarray, chunk_codes: np.ndarray,
    snapshots: np.ndarray, params: tuple, lever_settings: tuple,
) -> tuple[int, int, int, int, np.ndarray, np.ndarray]:  # fmt: skip
    """Run the weeks from ``week`` (at ``phase``) to ``stop`` (excluded), each recorded,
    until they are done or Python is needed (see the module's docstring). Returns the week
    and the phase to resume at, why it returned, a number that goes with the reason (the
    phase whose levers Python runs, the newcomers arriving, the stream to read further
    ahead), the network's contact flags and the open conflicts (both may be new arrays).

    The numbers it reads and writes are in ``numbers`` (:data:`NUMBERS`: the model's own,
    and the week's notice of exhaustion), ``counts`` (:data:`PEOPLE`: how many people have
    rows; newcomers add some) and ``positions``; ``params`` are the packed
    parameter groups (:data:`coopsim.model.PARAMETER_GROUPS`), ``roles`` the role slots'
    arrays (:data:`ROLE_ARRAYS`), ``lever_settings`` the compiled levers' settings, packed
    (:data:`COMPILED_LEVERS`)."""
    while week < stop:
        n = counts[PEOPLE]
        if phase == WORK:
            if _no_room(counts, n, week, people_every, horizon, roles[R_UNIT].size, log_rows, exits, tie_ints, tie_of,
                        table, chunk_floats, snapshots):  # fmt: skip
                return week, WORK, ROOM, 0, contact, open_ids
            _start_week(week, n, numbers, levers, lever_state, python_phases, python_after, mods, floats, ints, flags,
                        lever_settings)  # fmt: skip
        phase, why, value, contact, open_ids = _week(
            phase, week, numbers, counts, blocks, positions, levers, stipend_kinds, python_after, mods, floats, ints,
            flags,
            tie_ints, tie_floats, pairs, contact, roles, welcome_circle, mediation_circle, open_ids, tie_of, opened,
            sessions, festering, settled, treasury, totals, flows, unpaid, found, log_rows, log_counts, exits, params,
            lever_settings,
        )  # fmt: skip
        if why != FINISHED:
            return week, phase, why, value, contact, open_ids
        _record(week, counts[PEOPLE], horizon, people_every, numbers, counts, floats, ints, flags, roles, log_counts,
                event_totals, treasury, totals, table, chunk_floats, chunk_counts, chunk_codes, snapshots)  # fmt: skip
        week += 1
        phase = WORK
    return week, WORK, FINISHED, 0, contact, open_ids


@kernel
def month_start(week: int) -> bool:
    """Whether ``week`` starts a month (as :meth:`coopsim.model.CoopModel.step` says).

    Example:
        >>> [w for w in range(10) if month_start(w)]
        [0, 5, 9]
    """
    return week == 0 or int(week * 12 / WEEKS_PER_YEAR) != int((week - 1) * 12 / WEEKS_PER_YEAR)


@kernel
def _no_room(
    counts: np.ndarray, n: int, week: int, people_every: int, horizon: int, roles: int, log_rows: np.ndarray,
    exits: np.ndarray, tie_ints: np.ndarray, tie_of: np.ndarray, table: np.ndarray, chunk_floats: np.ndarray,
    snapshots: np.ndarray,
) -> bool:  # fmt: skip
    """Whether a week could overflow what Python made room for (:meth:`CompiledWeek._room`
    makes the same room)."""
    m, open_ = counts[TIES], counts[OPEN]
    snapshot = snapshot_week(week, people_every, horizon)
    return (
        counts[LOGGED] + log_room(roles, n, m, open_) > log_rows.shape[1]
        or counts[EXITED] + 2 * n > exits.shape[1]
        or m + n > tie_ints.shape[1]
        or counts[CONFLICTS] + m + n > tie_of.size
        or counts[WEEKS] >= table.shape[0]
        or (snapshot and (counts[CHUNK_USED] + n > chunk_floats.shape[1] or counts[SNAPSHOTS] >= snapshots.shape[1]))
    )


@kernel
def log_room(roles: int, n: int, m: int, open_: int) -> int:
    """Events a week may log at most: roles dropped, handed over and taken; noticed, burnouts,
    departures, recoveries; disagreements and conflicts; withdrawals, returns; a REX
    session's; mediations; salaries unpaid; stipends paid or unpaid (a bound, not a count)."""
    return 7 * roles + 13 * n + 2 * (m + n) + 2 * open_ + 2 * (open_ + m + n) + 2


@kernel
def _start_week(
    week: int, n: int, numbers: np.ndarray, levers: np.ndarray, lever_state: np.ndarray, python_phases: np.ndarray,
    python_after: np.ndarray, mods: np.ndarray, floats: np.ndarray, ints: np.ndarray, flags: np.ndarray,
    lever_settings: tuple,
) -> None:  # fmt: skip
    """A week's start: nothing mediated yet; the notice of exhaustion (the levers' settings,
    plus the training's first aiders at work); after which processes Python runs levers (the
    levers without a compiled form, and the compiled levers' weeks that need Python: a
    first REX session, the stipend's start and end, the yearly training; the stipend's
    first payment is found after the money's process)."""
    rex, _, stipend, training = lever_settings
    numbers[MEDIATED] = 0.0
    numbers[MEDIATED_OK] = 0.0
    python_after[:] = python_phases
    notice = mods[0]["exhaustion_notice"]
    if levers[TRAINING]:
        notice = notice_with_first_aiders(training, notice, flags, ints, n)
        python_after[ENGAGEMENT] |= acts_this_week(training, week)
    numbers[NOTICE] = notice
    if levers[REX]:
        python_after[INTERACTIONS] |= not lever_state[TRAINED] and session_due(rex, week)
    if levers[STIPEND]:
        ending = ends_this_week(stipend, week, lever_state[ENDED])
        python_after[MONEY] |= not lever_state[CHOSEN] or ending


@kernel
def _record(
    week: int, n: int, horizon: int, people_every: int, numbers: np.ndarray, counts: np.ndarray, floats: np.ndarray,
    ints: np.ndarray, flags: np.ndarray, roles: tuple, log_counts: np.ndarray, event_totals: np.ndarray,
    treasury: np.ndarray, totals: np.ndarray, table: np.ndarray, chunk_floats: np.ndarray, chunk_counts: np.ndarray,
    chunk_codes: np.ndarray, snapshots: np.ndarray,
) -> None:  # fmt: skip
    """The week's row of the records and, on a snapshot week, the people present
    (:meth:`coopsim.records.Recorder.record_week` in Python)."""
    snapshot = snapshot_week(week, people_every, horizon)
    present = week_row(
        table, counts[WEEKS], floats, ints, flags, n, week, roles[R_HOLDER], roles[R_OPEN], log_counts, event_totals, treasury,
        counts[OPEN], numbers[DEMAND], numbers[UNMET], numbers[BACKLOG], numbers[DECISION_CAPACITY],
        numbers[ACCEPTANCE], numbers[MEDIATED], numbers[MEDIATED_OK], totals, snapshot, chunk_floats, chunk_counts,
        chunk_codes, counts[CHUNK_USED],
    )  # fmt: skip
    if snapshot:
        counts[CHUNK_USED] += present
        snapshots[0, counts[SNAPSHOTS]] = week
        snapshots[1, counts[SNAPSHOTS]] = present
        counts[SNAPSHOTS] += 1
    counts[WEEKS] += 1


@kernel
def _week(
    phase: int, week: int, numbers: np.ndarray, counts: np.ndarray, blocks: tuple, positions: np.ndarray,
    levers: np.ndarray, stipend_kinds: np.ndarray, python_after: np.ndarray, mods: np.ndarray, floats: np.ndarray,
    ints: np.ndarray, flags: np.ndarray, tie_ints: np.ndarray, tie_floats: np.ndarray, pairs: np.ndarray,
    contact: np.ndarray,
    roles: tuple, welcome_circle: int, mediation_circle: int, open_ids: np.ndarray, tie_of: np.ndarray,
    opened: np.ndarray, sessions: np.ndarray, festering: np.ndarray, settled: np.ndarray, treasury: np.ndarray,
    totals: np.ndarray, flows: np.ndarray, unpaid: np.ndarray, found: np.ndarray, log_rows: np.ndarray,
    log_counts: np.ndarray, exits: np.ndarray, params: tuple, lever_settings: tuple,
) -> tuple[int, int, int, np.ndarray, np.ndarray]:  # fmt: skip
    """The week from ``phase`` on: each process as its Python function runs it (the same
    kernel, the same blocks), then, unless Python runs the levers of its phase this week,
    the compiled levers of that phase. Returns the phase to resume at, why, the number that
    goes with it, the contact flags and the open conflicts."""
    holder, unit = roles[R_HOLDER], roles[R_UNIT]
    rex, mediation, stipend, _ = lever_settings
    md = mods[0]
    people, logs = (floats, ints, flags), (log_rows, log_counts, exits)
    while phase != DONE:
        n = counts[PEOPLE]  # newcomers add rows
        if phase == WORK:
            why, value = _work(week, n, numbers, counts, blocks, positions, md, people, roles, logs, params)
        elif phase == STRAIN:
            why, value = _strain(week, n, numbers, counts, blocks, positions, md, people, roles, logs, params)
        elif phase == INTERACTIONS:
            why, value, contact = _interactions(
                n, counts, blocks, positions, levers, md, people, tie_ints, tie_floats, pairs, contact, roles, params
            )
        elif phase == CONFLICT:
            why, value, open_ids = _conflict(
                week, n, counts, blocks, positions, levers, md, people, tie_ints, tie_floats, contact, open_ids,
                tie_of, opened, festering, logs, params,
            )  # fmt: skip
        elif phase == ENGAGEMENT:
            why, value = _engagement(n, numbers, blocks, positions, counts, md, people, roles, params)
        elif phase == MEMBERSHIP:
            why, value = _membership(week, n, numbers, counts, blocks, positions, people, roles, logs, params)
        elif phase == ARRIVALS:
            why, value = _arrivals(week, numbers, counts, blocks, positions, md, people, roles, welcome_circle, found,
                                   tie_ints, tie_floats, pairs, logs, params)  # fmt: skip
        elif phase == GOVERNANCE:
            why, value = _governance(n, numbers, counts, blocks, positions, md, ints, roles, params)
        else:
            why, value = _money(week, n, numbers, counts, blocks, positions, floats, ints, roles, treasury, totals,
                                flows, unpaid, logs, params)  # fmt: skip
        if why == MORE:
            return phase, MORE, value, contact, open_ids
        if why != CONTINUE:  # no room for the arrivals: Python takes them over from their count
            return GOVERNANCE, why, value, contact, open_ids
        done = phase
        phase += 1
        if done == MONEY and levers[STIPEND]:
            python_after[MONEY] |= _first_payment(stipend, week, stipend_kinds, treasury)
        if python_after[done]:
            return phase, LEVERS, done, contact, open_ids
        if done == INTERACTIONS and levers[REX]:
            counts[LOGGED] = _rex_week(
                week, n, rex, blocks[S_REX], positions, floats, ints, flags, tie_ints, tie_floats, counts, holder,
                roles[R_VACANT_SINCE], roles[R_ANNOUNCED], roles[R_HOURS], roles[R_SALARIED], roles[R_EFFORT],
                open_ids, tie_of, festering, log_rows, log_counts,
            )  # fmt: skip
            open_ids = open_ids[: counts[OPEN]]
        elif done == CONFLICT and levers[MEDIATION] and month_start(week):
            open_ids = _mediation_month(
                week, n, numbers, counts, blocks, positions, mediation, mediation_circle, holder, unit, open_ids,
                opened, sessions, tie_of, festering, settled, tie_ints, tie_floats, ints, log_rows, log_counts,
            )  # fmt: skip
        elif done == MONEY and levers[STIPEND]:
            counts[LOGGED] = _stipend_week(
                week, stipend, stipend_kinds, treasury, totals, flows, floats, ints, flags, counts, log_rows, log_counts
            )
    return DONE, FINISHED, 0, contact, open_ids


@kernel
def _first_payment(stipend: np.ndarray, week: int, kinds: np.ndarray, treasury: np.ndarray) -> bool:
    """Whether the stipend's month starts with its first payment (its kinds of flow not made
    yet, and the fund can pay one): Python makes its kinds of flow and pays."""
    return month_start(week) and kinds[0] < 0 and treasury[FUND] >= stipend[0]["amount_per_month"]


@kernel
def _stipend_week(
    week: int, stipend: np.ndarray, kinds: np.ndarray, treasury: np.ndarray, totals: np.ndarray, flows: np.ndarray,
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, counts: np.ndarray, log_rows: np.ndarray,
    log_counts: np.ndarray,
) -> int:  # fmt: skip
    """The stipend's week (:meth:`coopsim.mechanisms.stipend.RevenuDeTransition.act`, its
    recipients chosen): at a month's start, the month's stipends; then the follow-up.
    Returns the events logged."""
    logged = counts[LOGGED]
    if month_start(week):
        logged = pay_month(
            stipend, treasury, totals, flows, floats, ints, flags, counts[PEOPLE], kinds, week, log_rows, log_counts,
            logged,
        )  # fmt: skip
    stipend_follow_up(stipend, floats, ints, flags, counts[PEOPLE], week)
    return logged


@kernel
def _work(
    week: int, n: int, numbers: np.ndarray, counts: np.ndarray, blocks: tuple, positions: np.ndarray, md: Any,
    people: tuple, roles: tuple, logs: tuple, params: tuple,
) -> tuple[int, int]:  # fmt: skip
    """Process *work* (:func:`coopsim.work.allocate`), then each person's paid status."""
    (unit, kind, hours, appeal, salaried, effort, holder, since, vacant_since, formal, announced, notice_by,
     notice_end, open_, opened_week, opens_week, opens_at_active, _, _) = roles  # fmt: skip
    floats, ints, flags = people
    log_rows, log_counts, _ = logs
    wp, s, duty_hold = params[0], params[9][0], params[8][0]["duty_hold"]
    if short(blocks, positions, counts, S_WORK, 5 * unit.size):
        return MORE, S_WORK
    positions[S_WORK], counts[LOGGED], numbers[DEMAND], numbers[UNMET] = work_week(
        blocks[S_WORK], positions[S_WORK], log_rows, log_counts, counts[LOGGED], unit, kind, hours, appeal, salaried,
        effort, holder, since, vacant_since, formal, announced, notice_by, notice_end, open_, opened_week, opens_week,
        opens_at_active, floats, ints, flags, n, week, numbers[BACKLOG], wp, s["demand_growth"],
        s["coordination_growth"], s["pool_hours_per_member"], duty_hold, md["notice_weeks"], md["formal_appeal_cost"],
        md["fill_boost"], md["role_cap"], md["extra_common_hours"], md["hours_cap"],
    )  # fmt: skip
    paid_status(ints, flags, n, holder, salaried)
    return CONTINUE, 0


@kernel
def _strain(
    week: int, n: int, numbers: np.ndarray, counts: np.ndarray, blocks: tuple, positions: np.ndarray, md: Any,
    people: tuple, roles: tuple, logs: tuple, params: tuple,
) -> tuple[int, int]:  # fmt: skip
    """Process *strain* (:func:`coopsim.wellbeing.strain_and_recovery`)."""
    floats, ints, flags = people
    log_rows, log_counts, exits = logs
    if short(blocks, positions, counts, S_STRAIN, 2 * n):
        return MORE, S_STRAIN
    if short(blocks, positions, counts, S_MEMBERSHIP, n):
        return MORE, S_MEMBERSHIP
    (positions[S_STRAIN], positions[S_MEMBERSHIP], counts[EXITED], counts[LOGGED]) = strain_week(
        blocks[S_STRAIN], positions[S_STRAIN], blocks[S_MEMBERSHIP], positions[S_MEMBERSHIP], floats, ints, flags,
        n, params[1], md["sphere_mixing"], numbers[NOTICE], params[8][0]["duty_hold"],
        params[4][0]["burnout_departure"], week, roles[R_HOLDER], roles[R_VACANT_SINCE], roles[R_FORMAL],
        roles[R_ANNOUNCED], roles[R_HOURS], roles[R_SALARIED], exits, counts[EXITED], log_rows, log_counts,
        counts[LOGGED],
    )  # fmt: skip
    return CONTINUE, 0


@kernel
def _interactions(
    n: int, counts: np.ndarray, blocks: tuple, positions: np.ndarray, levers: np.ndarray, md: Any, people: tuple,
    tie_ints: np.ndarray, tie_floats: np.ndarray, pairs: np.ndarray, contact: np.ndarray, roles: tuple,
    params: tuple,
) -> tuple[int, int, np.ndarray]:  # fmt: skip
    """Process *interactions* (:func:`coopsim.interactions.interact`); REX's uniforms are
    checked first, so that a short block stops the week before its process."""
    m = counts[TIES]
    if short(blocks, positions, counts, S_INTERACTIONS, m + 2 * n):
        return MORE, S_INTERACTIONS, contact
    if levers[REX] and short(blocks, positions, counts, S_REX, 2 * n + counts[OPEN]):
        return MORE, S_REX, contact
    start = positions[S_INTERACTIONS]
    contact, counts[TIES] = interactions_week(
        blocks[S_INTERACTIONS], start, people[0], people[1], n, tie_ints, tie_floats, m, pairs, roles[R_HOLDER],
        roles[R_UNIT], md["sphere_mixing"], params[2],
    )  # fmt: skip
    positions[S_INTERACTIONS] = start + m + 2 * n
    return CONTINUE, 0, contact


@kernel
def _conflict(
    week: int, n: int, counts: np.ndarray, blocks: tuple, positions: np.ndarray, levers: np.ndarray, md: Any,
    people: tuple, tie_ints: np.ndarray, tie_floats: np.ndarray, contact: np.ndarray, open_ids: np.ndarray,
    tie_of: np.ndarray, opened: np.ndarray, festering: np.ndarray, logs: tuple, params: tuple,
) -> tuple[int, int, np.ndarray]:  # fmt: skip
    """Process *conflict* (:func:`coopsim.conflict.disagree`); the mediation's uniforms are
    checked first."""
    if short(blocks, positions, counts, S_CONFLICT, 4 * counts[TIES] + counts[OPEN]):
        return MORE, S_CONFLICT, open_ids
    if levers[MEDIATION] and short(blocks, positions, counts, S_MEDIATION, counts[OPEN] + counts[TIES]):
        return MORE, S_MEDIATION, open_ids
    read, counts[LOGGED], opened_now, open_ids = conflict_week(
        blocks[S_CONFLICT], positions[S_CONFLICT], logs[0], logs[1], counts[LOGGED], people[0], people[1], n,
        tie_ints, tie_floats, counts[TIES], contact, open_ids, counts[CONFLICTS], tie_of, opened, festering,
        params[3], md["sphere_mixing"], md["defuse_bonus"], week,
    )  # fmt: skip
    positions[S_CONFLICT] = read
    counts[CONFLICTS] += opened_now
    counts[OPEN] = open_ids.size
    return CONTINUE, 0, open_ids


@kernel
def _mediation_month(
    week: int, n: int, numbers: np.ndarray, counts: np.ndarray, blocks: tuple, positions: np.ndarray,
    mediation: np.ndarray, circle: int, holder: np.ndarray, unit: np.ndarray, open_ids: np.ndarray,
    opened: np.ndarray, sessions: np.ndarray, tie_of: np.ndarray, festering: np.ndarray, settled: np.ndarray,
    tie_ints: np.ndarray, tie_floats: np.ndarray, ints: np.ndarray, log_rows: np.ndarray, log_counts: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """The month's mediations (:meth:`coopsim.mechanisms.mediation.Mediation.act`); returns
    the conflicts still open."""
    read, counts[LOGGED], still_open, mediated, resolved = mediation_month(
        blocks[S_MEDIATION], positions[S_MEDIATION], mediation, circle, holder, unit, open_ids, opened, sessions,
        tie_of, festering, settled, tie_ints, tie_floats, ints, n, week, log_rows, log_counts, counts[LOGGED],
    )  # fmt: skip
    positions[S_MEDIATION] = read
    counts[OPEN] = still_open
    numbers[MEDIATED] += mediated
    numbers[MEDIATED_OK] += resolved
    return open_ids[:still_open]


@kernel
def _engagement(
    n: int, numbers: np.ndarray, blocks: tuple, positions: np.ndarray, counts: np.ndarray, md: Any, people: tuple,
    roles: tuple, params: tuple,
) -> tuple[int, int]:  # fmt: skip
    """Process *engagement* (:func:`coopsim.wellbeing.update_engagement`)."""
    if short(blocks, positions, counts, S_ENGAGEMENT, n):
        return MORE, S_ENGAGEMENT
    start = positions[S_ENGAGEMENT]
    engage(
        people[0], people[1], n, blocks[S_ENGAGEMENT], start, roles[R_HOLDER], roles[R_FORMAL], numbers[BACKLOG],
        md["formal_recognition"], md["description_recognition"], params[1],
    )  # fmt: skip
    positions[S_ENGAGEMENT] = start + n
    return CONTINUE, 0


@kernel
def _membership(
    week: int, n: int, numbers: np.ndarray, counts: np.ndarray, blocks: tuple, positions: np.ndarray, people: tuple,
    roles: tuple, logs: tuple, params: tuple,
) -> tuple[int, int]:  # fmt: skip
    """Process *membership* (:func:`coopsim.membership.leave_or_withdraw`)."""
    floats, ints, flags = people
    log_rows, log_counts, exits = logs
    if short(blocks, positions, counts, S_MEMBERSHIP, 3 * n):
        return MORE, S_MEMBERSHIP
    positions[S_MEMBERSHIP], counts[EXITED], counts[LOGGED] = membership_week(
        blocks[S_MEMBERSHIP], positions[S_MEMBERSHIP], floats, ints, flags, n, week, numbers[ACCEPTANCE],
        params[8][0]["duty_hold"], params[4], roles[R_HOLDER], roles[R_VACANT_SINCE], roles[R_FORMAL],
        roles[R_ANNOUNCED], exits, counts[EXITED], log_rows, log_counts, counts[LOGGED],
    )  # fmt: skip
    return CONTINUE, 0


@kernel
def _arrivals(
    week: int, numbers: np.ndarray, counts: np.ndarray, blocks: tuple, positions: np.ndarray, md: Any,
    people: tuple, roles: tuple, welcome_circle: int, found: np.ndarray, tie_ints: np.ndarray,
    tie_floats: np.ndarray, pairs: np.ndarray, logs: tuple, params: tuple,
) -> tuple[int, int]:  # fmt: skip
    """Process *arrivals* (:func:`coopsim.membership.arrive_and_integrate`): the territory's
    acceptance, the arrivals (:func:`coopsim.membership.newcomers_arrive`), the welcome and
    the integration (:func:`coopsim.membership.integration_week`). The blocks are checked
    before anything changes (``MORE``: the phase starts again); without room for what the
    week's arrivals may add, returns ``NEWCOMERS`` and how many come, for Python to go on."""
    floats, ints, flags = people
    log_rows, log_counts, _ = logs
    holder, unit = roles[R_HOLDER], roles[R_UNIT]
    n, m = counts[PEOPLE], counts[TIES]
    ties, introductions = params[8][0]["newcomer_ties"], md["welcome_introductions"]
    acceptance, rate = acceptance_and_rate(floats, ints, n, numbers[ACCEPTANCE], params[5], md["acceptance_gain"])
    arriving, read = poisson_from(blocks[S_ARRIVALS], positions[S_ARRIVALS], rate)
    if arriving < 0:  # the draw ran out of uniforms: a week's worth more
        counts[NEED] = 64 + 2 * n
        return MORE, S_ARRIVALS  # nothing has changed: the phase starts again
    circle = welcome_circle if md["welcome_capacity"] > 0 else -1
    capacity = md["welcome_capacity"]
    uniforms = read - positions[S_ARRIVALS] + integration_uniforms(
        ints, flags, n, holder, unit, circle, capacity, introductions, arriving
    )  # fmt: skip
    if arriving:
        uniforms += arrival_uniforms(ints, n, arriving, ties)
        if short(blocks, positions, counts, S_NEWCOMERS, 5 * arriving):
            return MORE, S_NEWCOMERS
    if short(blocks, positions, counts, S_ARRIVALS, uniforms):
        return MORE, S_ARRIVALS
    numbers[ACCEPTANCE] = acceptance
    positions[S_ARRIVALS] = read
    newcomers = count_with_status(ints, n, NEWCOMER_STATUS) + arriving
    room = (
        n + arriving <= min(floats.shape[1], found.shape[1])
        and m + arriving * ties + newcomers * (introductions + 1) <= min(tie_ints.shape[1], pairs.size // 2)
        and counts[LOGGED] + arriving + 2 * (n + arriving) + roles[R_UNIT].size + 2 <= log_rows.shape[1]
        and counts[CHUNK_USED] + n + arriving <= counts[CHUNK_SIZE]
    )
    if not room:
        return NEWCOMERS, arriving
    if arriving:
        positions[S_NEWCOMERS], read, counts[TIES], counts[LOGGED] = newcomers_arrive(
            arriving, week, floats, ints, flags, n, blocks[S_NEWCOMERS], positions[S_NEWCOMERS], blocks[S_ARRIVALS],
            read, params[8], tie_ints, tie_floats, counts[TIES], pairs, log_rows, log_counts, counts[LOGGED],
        )  # fmt: skip
        n += arriving
        counts[PEOPLE] = n
    positions[S_ARRIVALS], counts[TIES], counts[LOGGED] = integration_week(
        blocks[S_ARRIVALS], read, floats, ints, flags, n, found, week, holder, unit, circle, capacity,
        md["integration_weeks"], params[4][0]["integration_weeks_unwelcomed"], introductions, md["delegation"],
        params[6][0]["objection"], tie_ints, tie_floats, counts[TIES], pairs, log_rows, log_counts, counts[LOGGED],
    )  # fmt: skip
    return CONTINUE, 0


@kernel
def _governance(
    n: int, numbers: np.ndarray, counts: np.ndarray, blocks: tuple, positions: np.ndarray, md: Any, ints: np.ndarray,
    roles: tuple, params: tuple,
) -> tuple[int, int]:  # fmt: skip
    """Process *governance* (:func:`coopsim.governance.decide`)."""
    gp = params[6]
    active, circles = active_and_staffed(ints, n, roles[R_HOLDER], roles[R_UNIT], roles[R_UNIT_IS_CIRCLE])
    arriving, read = poisson_from(blocks[S_GOVERNANCE], positions[S_GOVERNANCE], gp[0]["decisions_per_member"] * active)
    if arriving < 0:
        counts[NEED] = 64
        return MORE, S_GOVERNANCE
    positions[S_GOVERNANCE] = read
    decided = capacity(gp, md["delegation"], active, circles)
    numbers[DECISION_CAPACITY] = decided
    numbers[BACKLOG] = backlog_after(gp, numbers[BACKLOG], arriving, decided)
    return CONTINUE, 0


@kernel
def _money(
    week: int, n: int, numbers: np.ndarray, counts: np.ndarray, blocks: tuple, positions: np.ndarray,
    floats: np.ndarray, ints: np.ndarray, roles: tuple, treasury: np.ndarray, totals: np.ndarray, flows: np.ndarray,
    unpaid: np.ndarray, logs: tuple, params: tuple,
) -> tuple[int, int]:  # fmt: skip
    """Process *money* (:func:`coopsim.money.flows`)."""
    if short(blocks, positions, counts, S_MONEY, 1):
        return MORE, S_MONEY
    money = params[7]
    gifts = gift_scale(money) * blocks[S_MONEY][positions[S_MONEY]]
    positions[S_MONEY] += 1
    k = payments_of_the_week(
        treasury, totals, flows, roles[R_HOLDER], roles[R_STRUCTURE], roles[R_KIND], roles[R_UNIT],
        roles[R_UNIT_IS_CIRCLE], roles[R_HOURS], roles[R_SALARIED], floats, ints, n, gifts, numbers[ACCEPTANCE],
        money, unpaid,
    )  # fmt: skip
    counts[LOGGED] = log_events(logs[0], logs[1], counts[LOGGED], week, SALARY_UNPAID, unpaid[:k])
    return CONTINUE, 0


@kernel
def short(blocks: tuple, positions: np.ndarray, counts: np.ndarray, stream: int, need: int) -> bool:
    """Whether the block of ``stream`` holds fewer than ``need`` unread numbers (then
    ``counts[NEED]`` says how many Python should read ahead)."""
    counts[NEED] = need
    return positions[stream] + need > blocks[stream].size


@kernel
def _rex_week(
    week: int, n: int, rex: np.ndarray, block: np.ndarray, positions: np.ndarray, floats: np.ndarray,
    ints: np.ndarray, flags: np.ndarray, tie_ints: np.ndarray, tie_floats: np.ndarray, counts: np.ndarray,
    holder: np.ndarray, vacant_since: np.ndarray, announced: np.ndarray, hours: np.ndarray, salaried: np.ndarray,
    effort: np.ndarray, open_ids: np.ndarray, tie_of: np.ndarray, festering: np.ndarray, log_rows: np.ndarray,
    log_counts: np.ndarray,
) -> int:  # fmt: skip
    """REX's week (:meth:`coopsim.mechanisms.rex.Rex.act`, its facilitators trained): the
    agreements and reorganisations fade, and on a session week, the session. Returns the
    events logged; ``counts[OPEN]`` says how many conflicts are still open."""
    p = rex[0]
    rex_fade(floats, n, effort, 1.0 - p["limits_fade"], p["forgetting"])
    if not session_due(rex, week):
        return counts[LOGGED]
    positions[S_REX], logged, counts[OPEN] = rex_session(
        block, positions[S_REX], rex, floats, ints, flags, n, tie_ints, tie_floats, counts[TIES], holder,
        vacant_since, announced, hours, salaried, effort, open_ids, tie_of, festering, week, log_rows, log_counts,
        counts[LOGGED],
    )  # fmt: skip
    return logged


@contextlib.contextmanager
def ctrl_c_as_itself() -> Iterator[None]:
    """A Ctrl-C that lands while a compiled call runs Python (numba reads a constant it
    keeps pickled the first time a kernel needs it) comes back from the call as a
    ``SystemError`` ("returned a result with an exception set") caused, one or more
    ``SystemError`` down, by the ``KeyboardInterrupt``; raise the interruption itself, so
    that whoever stops on Ctrl-C (a sweep that saves what completed, the command line) sees
    one.

    Example:
        >>> inner = SystemError("returned a result with an exception set")
        >>> inner.__cause__ = KeyboardInterrupt()
        >>> try:
        ...     with ctrl_c_as_itself():
        ...         raise SystemError("returned a result with an exception set") from inner
        ... except KeyboardInterrupt:
        ...     print("interrupted")
        interrupted
    """
    try:
        yield
    except SystemError as error:
        cause: BaseException | None = error
        while isinstance(cause, SystemError):
            cause = cause.__cause__
        if isinstance(cause, KeyboardInterrupt):
            raise KeyboardInterrupt from error
        raise


#: the compiled levers whose modifiers the kernel computes each week (they read the state)
DYNAMIC_MODIFIERS = ("training",)


def _settings_only(lever: Mechanism) -> bool:
    """Whether a lever's modifiers stay the same from week to week while it is active (it
    sets none, or from its settings only, or the kernel computes them each week)."""
    return type(lever).modify is Mechanism.modify or lever.modifies_from_settings or lever.key in DYNAMIC_MODIFIERS


class CompiledWeek:
    """Runs a model's weeks through :func:`run_weeks`: one call for as many weeks as the
    levers allow, and Python for what the call returns for (see the module's docstring).

    Example:
        >>> from coopsim import CoopModel
        >>> a, b = CoopModel("tera", seed=4, years=1), CoopModel("tera", seed=4, years=1)
        >>> b.compiled_week = None                                # the week process by process
        >>> a.run_model(); b.run_model()
        >>> bool(np.array_equal(a.recorder.table, b.recorder.table, equal_nan=True))
        True
    """

    def __init__(self, model: Any) -> None:
        self.model = model  # a coopsim.model.CoopModel (typed loosely: the model imports this module)
        self.counts = np.zeros(CHUNK_SIZE + 1, dtype=np.int64)
        self.positions = np.zeros(len(STREAMS), dtype=np.int64)
        self.levers = np.zeros(len(COMPILED_LEVERS), dtype=bool)
        self.lever_state = np.zeros(3, dtype=bool)
        self.stipend_kinds = np.full(3, -1, dtype=np.int64)
        self.python_phases = np.zeros(DONE, dtype=bool)
        self.python_after = np.zeros(DONE, dtype=bool)
        self.mods = np.zeros(1, dtype=MODIFIER_DTYPE)
        self.unpaid = np.empty(model.roles.count, dtype=np.int64)
        self.found = np.empty((2, 0), dtype=np.int64)
        self.snapshots = np.empty((2, 0), dtype=np.int64)
        self.roles = tuple(getattr(model.roles, name) for name in ROLE_ARRAYS)  # role slots never move
        self._no_block = np.zeros(0)
        self._schedule: list[Any] | None = None
        self._streams: list[tuple[int, ReadAhead]] = []
        self._acting: dict[int, list[Any]] = {}

    def _plan(self, schedule: list[Any]) -> None:
        """Note, once per plan of the week, the read-ahead streams and the levers acting
        after each process."""
        self._schedule = schedule
        streams = self.model.streams
        self._streams = [
            (s, streams[name]) for s, name in enumerate(STREAMS) if isinstance(streams.get(name), ReadAhead)
        ]
        self._acting = {PHASE_OF_PROCESS[name]: acting for name, _, _, acting in schedule if acting}

    def run_until(self, stop: int, progress: Callable[[int], Any] | None = None) -> None:
        """Run the model's weeks up to ``stop`` (excluded), a call at a time, each ending
        where the levers' modifiers may change (:meth:`_segment_end`)."""
        model = self.model
        while model.week < stop:
            start = model.week
            self._segment(self._segment_end(stop))
            if progress is not None:
                progress(model.week - start)

    def _segment_end(self, stop: int) -> int:
        """Where a call from this week must end, at the latest ``stop``: where a lever
        starts, after the week before the last year's window of the records (its hours are
        kept), after this week when an active lever's modifiers read the state."""
        model = self.model
        week = model.week
        end = stop
        window = window_eve(model.horizon)
        if week <= window:
            end = min(end, window + 1)
        for _, lever in model.scenario.mechanisms():
            if lever.enabled and lever.start_week > week:
                end = min(end, lever.start_week)
            elif lever.active(week) and not _settings_only(lever):
                end = week + 1
        return max(end, week + 1)

    def _segment(self, stop: int) -> None:
        """Run the weeks up to ``stop`` (excluded), whose modifiers are the same."""
        model, rec = self.model, self.model.recorder
        if model._schedule is not self._schedule:
            self._plan(model._schedule)
        self._modifiers()
        self._flags()
        self._read_ahead()
        while rec.weeks + stop - model.week > rec.table.shape[0]:
            rec._grow()
        snapshots = (stop - model.week) // model.scenario.record.people_every + 2
        if self.snapshots.shape[1] < snapshots:
            self.snapshots = np.empty((2, snapshots), np.int64)
        phase = WORK
        while True:
            phase, why, value = self._call(phase, stop)
            if why == FINISHED:
                return
            if why == MORE:
                self._read_ahead(value, int(self.counts[NEED]))
                continue
            if why == LEVERS:
                self._levers(value)
            elif why == NEWCOMERS:
                if value:
                    model.add_newcomers(value)
                integrate(model, model.streams["arrivals"])
                self._levers(ARRIVALS)
            # Python may have added people, ties or events: room for the rest of the week
            # (the snapshot's rows above all) as a whole week needs it
            self._room()
            self._read_ahead()

    def _modifiers(self) -> None:
        """This call's modifiers: the levers' settings (the dynamic ones' share is the kernel's)."""
        model = self.model
        mods, week = model.mods, model.week
        mods.reset(model.scenario.membership.integration_weeks_unwelcomed)
        for lever in model._modifying:
            if lever.active(week) and lever.key not in DYNAMIC_MODIFIERS:
                lever.modify(mods, model)
        self.mods[0] = tuple(vars(mods).values())

    def _flags(self) -> None:
        """Which compiled levers act in this call, and after which processes Python runs
        levers every week (a lever without a compiled form there)."""
        model = self.model
        week, names = model.week, model.roles.unit_names
        self.levers[:] = False
        self.python_phases[:] = False
        for phase, acting in self._acting.items():
            for lever, _ in acting:
                if not lever.active(week):
                    continue
                compiled = lever.key in COMPILED_LEVERS
                if lever.key == "mediation" and lever.needs_circle and MEDIATION_CIRCLE not in names:
                    compiled = False  # its Python act says what is missing
                if compiled:
                    self.levers[COMPILED_LEVERS[lever.key]] = True
                else:
                    self.python_phases[phase] = True
        for lever in model._modifying:
            if lever.key in DYNAMIC_MODIFIERS and lever.active(week):
                self.levers[COMPILED_LEVERS[lever.key]] = True
        self._settings = tuple(packed(getattr(model.scenario, key, None) or DEFAULTS[key]) for key in COMPILED_LEVERS)
        self._welcome = welcome_circle(model)
        self._mediation_circle = names.index(MEDIATION_CIRCLE) if MEDIATION_CIRCLE in names else -1

    def _call(self, phase: int, stop: int) -> tuple[int, int, int]:
        """One kernel call from this week's ``phase``; the model takes back what it changed."""
        model = self.model
        P, N, C, L, rec = model.people, model.network, model.conflicts, model.ledger, model.recorder
        state = model.mechanism_state
        self.lever_state[:] = (
            state.get("rex", {}).get("trained", False),
            state.get("stipend", {}).get("chosen", False),
            state.get("stipend", {}).get("ended", False),
        )
        self.stipend_kinds[:] = stipend_kinds(L.kinds)
        counts, positions = self.counts, self.positions
        blocks = [self._no_block] * len(STREAMS)
        for s, stream in self._streams:
            blocks[s] = stream.buffer
            positions[s] = stream.position
        if self.found.shape[1] < P.n:
            self.found = np.empty((2, 2 * P.n), dtype=np.int64)
        chunk = rec._chunk_with_room(0)
        counts[:] = (rec.log.n, rec.exit_log.n, N.m, C.total, C.open_ids.size, P.n, 0, rec.weeks, chunk[3], 0,
                     chunk[0].shape[1])  # fmt: skip
        with ctrl_c_as_itself():
            week, phase, why, value, model.contact, C.open_ids = run_weeks(
                model.week, phase, stop, model.horizon, model.scenario.record.people_every, model.numbers,
                counts, tuple(blocks), positions, self.levers, self.lever_state, self.stipend_kinds, self.python_phases,
                self.python_after, self.mods, P.floats, P.ints, P.flags, N.ints, N.floats, N.pairs, model.contact,
                self.roles, self._welcome, self._mediation_circle, C.open_ids, C.tie, C.opened, C.sessions,
                C.festering.flags, C.settled_by_mediation.flags, L.treasury, L.totals, L.flows, self.unpaid,
                self.found, rec.log.rows, rec.log.week_counts, rec.event_totals, rec.exit_log.rows, rec.table,
                chunk[0], chunk[1], chunk[2], self.snapshots, model._params, self._settings,
            )  # fmt: skip
        for s, stream in self._streams:
            stream.position = int(positions[s])
        P.n = int(counts[PEOPLE])
        rec.log.written(int(counts[LOGGED]))
        rec.exit_log.written(int(counts[EXITED]))
        N.m, C.total = int(counts[TIES]), int(counts[CONFLICTS])
        model.mods.exhaustion_notice = float(model.numbers[NOTICE])
        model.week, model.month_start = int(week), bool(month_start(int(week)))
        self._took_records(int(counts[SNAPSHOTS]), chunk, why == FINISHED)
        return int(phase), int(why), int(value)

    def _took_records(self, taken: int, chunk: list[Any], finished: bool) -> None:
        """The records the call wrote: the weeks' rows, the people's snapshots."""
        model, rec, counts = self.model, self.model.recorder, self.counts
        rec.weeks = int(counts[WEEKS])
        chunk[3] = int(counts[CHUNK_USED])
        rec._snapshots.extend(zip(self.snapshots[0, :taken].tolist(), self.snapshots[1, :taken].tolist()))
        if finished and model.week - 1 == window_eve(model.horizon):  # a call ends there (_segment_end)
            rec.hours_at_window_start = model.people.hours_total[: model.people.n].copy()

    def _levers(self, phase: int) -> None:
        """The levers of ``phase``, in Python (when the kernel said so for this week)."""
        if not self.python_after[phase]:
            return
        model = self.model
        for lever, rng in self._acting.get(phase, []):
            if lever.active(model.week):
                lever.act(model, rng)

    def _read_ahead(self, short: int = -1, need: int = 0) -> None:
        """Each stream with fewer numbers read ahead than half the weeks it reads ahead reads
        ahead for up to :data:`READ_AHEAD_WEEKS` (the needs of a week: the bounds the kernel checks,
        from the people, ties, role slots and open conflicts now), as many as
        :data:`READ_AHEAD_NUMBERS` allows (a fresh block of many megabytes costs more to map
        than to fill). The stream ``short`` reads at least ``need``. Done whenever the call
        returns for Python, so that it seldom returns for this."""
        model = self.model
        n, m, roles, open_ = model.people.n, model.network.m, model.roles.count, model.conflicts.open_ids.size
        weekly = (5 * roles, 2 * n, m + 2 * n, 4 * (m + n) + open_, n, 4 * n, 64 + 2 * n, 64, 1, 2 * n + open_,
                  open_ + m + n, 64)  # fmt: skip
        for s, stream in self._streams:
            wanted = max(weekly[s], need) if s == short else weekly[s]
            weeks = max(1, min(READ_AHEAD_WEEKS, READ_AHEAD_NUMBERS // max(wanted, 1)))
            if stream.buffer.size - stream.position < max(1, weeks // 2) * wanted:
                stream.block(weeks * wanted)

    def _room(self) -> None:
        """Room for what a week may add to the logs, ties, conflicts and snapshots (the room
        :func:`_no_room` checks), and for as many newcomers again as there are people (the
        room :func:`_arrivals` checks)."""
        model = self.model
        P, N, C, R, rec = model.people, model.network, model.conflicts, model.roles, model.recorder
        n, m = P.n, N.m
        rec.log.reserve(int(log_room(R.count, n, m, C.open_ids.size)))
        rec.exit_log.reserve(2 * n)
        N.reserve(2 * n)
        C.reserve(m + n)
        rec._chunk_with_room(2 * n)
        if self.snapshots.shape[1] <= self.counts[SNAPSHOTS]:
            self.snapshots = np.empty((2, 2 * self.snapshots.shape[1] + 2), np.int64)
