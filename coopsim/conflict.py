"""Conflict: disagreements, their handling in meetings, escalation and festering.

Process 4 of the week (*conflict*). Disagreements arise between acquaintances in contact, more often
when life spheres overlap (spill-over), when a stipend's expectations are undefined
(pressure and resentment) and when people are tired. A disagreement may be defused
(more often between people who trust each other, and, when it surfaces in a meeting, with
the meeting practices): it is then fertile and adds a little trust. Otherwise it escalates into an
open conflict that strains both parties and erodes their tie until it is resolved (by
itself, rarely, or by mediation). A conflict open for long festers.

Seed passages: "coopérer ce n'est pas être tout le temps d'accord" and "accepter les
désaccords, les considérer comme féconds" (fertile disagreements); "Les conflits
personnels ou familiaux peuvent interférer avec les relations de travail" (spill-over);
"des petits conflits ont émergé, car les membres du collectif s'attendaient à une plus
grande production de légumes" (stipend resentment); "je n'ai pas réussi à gérer mes
conflits" (unresolved conflicts in Simon's story).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import EVENT_CODE, Params, Status, packed
from .compiled import UniformStream, kernel, uniform_stream
from .events import log_event, log_events
from .model_state import ModelState
from .network import TIE_FLOAT, TIE_INT
from .population import FLOAT, INT

DEPARTED = Status.DEPARTED  # a plain integer, for the kernels
FERTILE, OPENED = range(2)  # the rows of the new disagreements' ties, defused or opened
RESOLVED, FESTERS = range(2)  # the rows of the first parties of the conflicts resolved, beginning to fester
DEFUSED, OPENED_CODE, RESOLVED_CODE, FESTERING_CODE = (
    EVENT_CODE[kind] for kind in ("conflict_defused", "conflict_opened", "conflict_resolved", "conflict_festering")
)


class ConflictParams(Params):
    """Behavioural constants of disagreements and conflicts (per week).

    Example:
        >>> ConflictParams(festering_weeks=6).festering_weeks
        6
    """

    disagreement_rate: float = Field(
        0.004, ge=0, le=1, description="weekly chance of a disagreement on a tie in contact"
    )
    spill_over: float = Field(1.5, ge=0, le=20, description="relative rise when both share all life spheres")
    resentment: float = Field(
        3.0, ge=0, le=50, description="relative rise per unit of expectation gap or pressure at either end"
    )
    fatigue: float = Field(1.0, ge=0, le=20, description="relative rise at full exhaustion of both")
    in_meeting_share: float = Field(0.5, ge=0, le=1, description="share of disagreements that surface in a meeting")
    defuse_base: float = Field(
        0.45, ge=0, le=1, description="chance a disagreement is defused, at full trust, without special practices"
    )
    fertile_gain: float = Field(0.02, ge=0, le=1, description="trust gained on a tie when a disagreement is defused")
    resolve_base: float = Field(
        0.02, ge=0, le=1, description="weekly chance an open conflict resolves by itself, at full trust"
    )
    festering_weeks: int = Field(12, ge=1, le=520, description="weeks after which an open conflict festers")


def open_counts(model: ModelState) -> None:
    """People's number of open conflicts (festering ones count double).

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> open_counts(m)
        >>> n_open = len(m.conflicts.open_ids) + len(m.conflicts.festering)   # festering ones count double
        >>> int(m.people.view("conflicts").sum()) == 2 * n_open              # two parties per conflict
        True
    """
    N, P, C = model.network, model.people, model.conflicts
    count_open(P.ints, P.n, N.ints, C.open_ids, C.tie, C.festering.flags)


@kernel
def count_open(
    people_ints: np.ndarray,
    n: int,
    tie_ints: np.ndarray,
    open_ids: np.ndarray,
    tie_of: np.ndarray,
    festering: np.ndarray,
) -> None:
    """Each person's open conflicts: each party of an open conflict counts it once, twice
    when it festers."""
    counts = people_ints[INT.conflicts]
    for i in range(n):
        counts[i] = 0
    for c in open_ids:
        e = tie_of[c]
        weight = 2 if festering[c] else 1
        counts[tie_ints[TIE_INT.a, e]] += weight
        counts[tie_ints[TIE_INT.b, e]] += weight


@kernel
def close_conflicts(
    open_ids: np.ndarray, closing: np.ndarray, tie_of: np.ndarray, festering: np.ndarray, tie_ints: np.ndarray,
    code: int, log_rows: np.ndarray, log_counts: np.ndarray, logged: int, week: int,
) -> tuple[int, int]:  # fmt: skip
    """Close the open conflicts ``closing`` (ascending, all in ``open_ids``): they leave
    ``open_ids`` (the conflicts still open are moved to its first entries, in order), no
    longer fester, free their ties, and each is logged as ``code`` for its first party, in
    order (room reserved). Returns the number still open and of events logged; what
    :meth:`coopsim.network.Conflicts.close` and :func:`close` do in numpy.

    Example:
        >>> import numpy as np
        >>> from coopsim.events import EventLog
        >>> log, open_ids = EventLog(20), np.array([1, 4, 6])
        >>> tie_of, festering = np.array([0, 0, 0, 0, 1, 0, 2]), np.ones(7, dtype=bool)
        >>> ties = np.array([[7, 8, 9], [1, 2, 3], [-1, 4, -1]])  # first party, second party, conflict
        >>> log.reserve(1)
        >>> still, logged = close_conflicts(open_ids, np.array([4]), tie_of, festering, ties, 12, log.rows,
        ...                                 log.week_counts, log.n, 5)
        >>> open_ids[:still].tolist(), bool(festering[4]), int(ties[2, 1]), log.rows[:, 0].tolist()
        ([1, 6], False, -1, [5, 12, 8])
    """
    k = 0
    still = 0
    for j in range(open_ids.size):
        c = open_ids[j]
        if k < closing.size and closing[k] == c:
            k += 1
            festering[c] = False
            e = tie_of[c]
            tie_ints[TIE_INT.conflict, e] = -1
            logged = log_event(log_rows, log_counts, logged, week, code, tie_ints[TIE_INT.a, e])
        else:
            open_ids[still] = c
            still += 1
    return still, logged


def close(model: ModelState, conflict_ids: np.ndarray, kind: str | None) -> None:
    """Close conflicts, free their ties and record ``kind`` for the first party.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> ids = m.conflicts.open(np.array([0]), week=m.week)   # open a conflict on tie 0 ...
        >>> m.network.conflict[0] = ids[0]
        >>> close(m, ids, "conflict_resolved")                   # ... and close it
        >>> int(m.network.conflict[0]), ids[0] in m.conflicts.open_ids
        (-1, False)
    """
    N = model.network
    if conflict_ids.size == 0:
        return
    ties = model.conflicts.close(conflict_ids)
    N.conflict[ties] = -1
    if kind is not None:
        model.emit(kind, N.a[ties])


def disagree(model: ModelState, rng: np.random.Generator | UniformStream) -> None:
    """Process *conflict*: new disagreements, defused or opened; old ones resolve or fester.

    One kernel call (:func:`conflict_week`) reads the week's uniforms from the conflict
    stream's read-ahead block (three per tie, then one per conflict open before the week,
    then one per conflict opened now) and logs the week's events itself.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> before = m.conflicts.total
        >>> disagree(m, np.random.default_rng(0))
        >>> m.conflicts.total >= before                          # conflicts are only ever added
        True
    """
    N, P, C, mods = model.network, model.people, model.conflicts, model.mods
    m, before = N.m, C.open_ids.size
    stream, log = uniform_stream(rng), model.recorder.log
    block, start = stream.block(4 * m + before)
    C.reserve(m)  # room for a conflict on every tie
    log.reserve(2 * m + before)  # a tie's disagreement defused or opened; a conflict resolved or festering
    read, logged, n_opened, C.open_ids = conflict_week(
        block, start, log.rows, log.week_counts, log.n, P.floats, P.ints, P.n, N.ints, N.floats, m, model.contact,
        C.open_ids, C.total, C.tie, C.opened, C.festering.flags, packed(model.scenario.conflict), mods.sphere_mixing,
        mods.defuse_bonus, model.week,
    )  # fmt: skip
    C.total += n_opened
    stream.advance(read)
    log.written(logged)


@kernel
def conflict_week(
    block: np.ndarray, start: int, log_rows: np.ndarray, log_counts: np.ndarray, logged: int,
    people_floats: np.ndarray, people_ints: np.ndarray, n: int, tie_ints: np.ndarray, tie_floats: np.ndarray, m: int,
    contact: np.ndarray, open_ids: np.ndarray, total: int, tie_of: np.ndarray, opened: np.ndarray,
    festering: np.ndarray, conflict: np.ndarray, mixing: float, defuse_bonus: float, week: int,
) -> tuple[int, int, int, np.ndarray]:  # fmt: skip
    """The week's conflicts in one call: new disagreements (:func:`_new_disagreements`, three
    uniforms per tie from ``block`` at ``start``), those defused logged, those opened made
    conflicts ``total`` on (room reserved) and logged; then every open conflict resolves or
    festers (:func:`_resolve_or_fester`, a uniform each: the conflicts open before, then
    those opened now), logged in that order. Returns the position reached in ``block``, the
    events logged, the conflicts opened and the conflicts still open, in order."""
    before = open_ids.size
    new = np.empty((2, m), dtype=np.int64)  # the ties of the disagreements defused, then of those opened
    n_fertile, n_opened = _new_disagreements(
        people_floats, tie_ints, tie_floats, m, contact, block[start : start + 3 * m], new, conflict, mixing,
        defuse_bonus,
    )  # fmt: skip
    for j in range(n_fertile):
        logged = log_event(log_rows, log_counts, logged, week, DEFUSED, tie_ints[TIE_INT.a, new[FERTILE, j]])
    still_open = np.empty(before + n_opened, dtype=np.int64)
    still_open[:before] = open_ids
    for j in range(n_opened):
        e, c = new[OPENED, j], total + j
        tie_of[c] = e
        opened[c] = week
        tie_ints[TIE_INT.conflict, e] = c
        still_open[before + j] = c
        logged = log_event(log_rows, log_counts, logged, week, OPENED_CODE, tie_ints[TIE_INT.a, e])
    start += 3 * m
    parties = np.empty((2, before + n_opened), dtype=np.int64)  # the first party of those resolved, festering
    n_open, n_resolved, n_festers = _resolve_or_fester(
        people_ints, n, tie_ints, tie_floats, still_open, tie_of, opened, festering,
        block[start : start + before + n_opened], parties, conflict[0]["resolve_base"], week,
        conflict[0]["festering_weeks"],
    )  # fmt: skip
    logged = log_events(log_rows, log_counts, logged, week, RESOLVED_CODE, parties[RESOLVED, :n_resolved])
    logged = log_events(log_rows, log_counts, logged, week, FESTERING_CODE, parties[FESTERS, :n_festers])
    return start + before + n_opened, logged, n_opened, still_open[:n_open]


@kernel
def _new_disagreements(
    people_floats: np.ndarray, tie_ints: np.ndarray, tie_floats: np.ndarray, m: int, contact: np.ndarray,
    u: np.ndarray, new: np.ndarray, conflict: np.ndarray, mixing: float, defuse_bonus: float,
) -> tuple[int, int]:  # fmt: skip
    """New disagreements on the ties in contact (``contact`` may miss the ties made this
    week, which are not in contact yet), the likelier with shared life spheres, tension
    (pressure, expectation gap) and fatigue at either end; each is defused (fertile: it adds
    trust), the likelier with trust and when it surfaces in a meeting with good practices,
    or opened. Writes the ties of the new disagreements, in tie order, in the rows ``FERTILE``
    (defused) and ``OPENED`` of ``new`` and returns how many of each."""
    cp = conflict[0]  # the process's constants (ConflictParams), read once
    disagreement_rate, spill_over, resentment = cp["disagreement_rate"], cp["spill_over"], cp["resentment"]
    fatigue, in_meeting_share, defuse_base = cp["fatigue"], cp["in_meeting_share"], cp["defuse_base"]
    fertile_gain = cp["fertile_gain"]
    n_fertile = n_opened = 0
    for e in range(min(m, contact.size)):
        if not contact[e] or tie_ints[TIE_INT.conflict, e] >= 0:
            continue
        a, b = tie_ints[TIE_INT.a, e], tie_ints[TIE_INT.b, e]
        tension_a = people_floats[FLOAT.pressure, a] + people_floats[FLOAT.expectation_gap, a]
        tension_b = people_floats[FLOAT.pressure, b] + people_floats[FLOAT.expectation_gap, b]
        overlap_a, overlap_b = people_floats[FLOAT.overlap, a], people_floats[FLOAT.overlap, b]
        p = (
            disagreement_rate
            * (1.0 + spill_over * overlap_a * overlap_b * mixing)
            * (1.0 + resentment * (tension_a + tension_b))
            * (1.0 + fatigue * 0.5 * (people_floats[FLOAT.exhaustion, a] + people_floats[FLOAT.exhaustion, b]))
        )
        if not u[e] < p:  # u_new
            continue
        trust = 0.5 * (tie_floats[TIE_FLOAT.trust_ab, e] + tie_floats[TIE_FLOAT.trust_ba, e])
        bonus = defuse_bonus if u[m + e] < in_meeting_share else 0.0  # u_meeting
        chance = min(max((defuse_base + bonus) * trust, 0.0), 1.0)
        if u[2 * m + e] < chance:  # u_defuse
            tie_floats[TIE_FLOAT.trust_ab, e] = min(1.0, tie_floats[TIE_FLOAT.trust_ab, e] + fertile_gain)
            tie_floats[TIE_FLOAT.trust_ba, e] = min(1.0, tie_floats[TIE_FLOAT.trust_ba, e] + fertile_gain)
            new[FERTILE, n_fertile] = e
            n_fertile += 1
        else:
            new[OPENED, n_opened] = e
            n_opened += 1
    return n_fertile, n_opened


@kernel
def _resolve_or_fester(
    people_ints: np.ndarray, n: int, tie_ints: np.ndarray, tie_floats: np.ndarray, open_ids: np.ndarray,
    tie_of: np.ndarray, opened: np.ndarray, festering: np.ndarray, u_resolve: np.ndarray, parties: np.ndarray,
    resolve_base: float, week: int, festering_weeks: int,
) -> tuple[int, int, int]:  # fmt: skip
    """Each open conflict closes when a party has left, resolves by itself (the likelier the
    more the two trust each other), or stays open and festers once old enough; then each
    person's open conflicts are counted. The conflicts still open are kept, in order, at the
    start of ``open_ids``; the first party of the conflicts resolved and of those that began
    to fester are written in the rows ``RESOLVED`` and ``FESTERS`` of ``parties``. Returns how
    many conflicts stay open, how many resolved and how many began to fester."""
    n_open = n_resolved = n_festers = 0
    status = people_ints[INT.status]
    for k in range(open_ids.size):
        c = open_ids[k]
        e = tie_of[c]
        a, b = tie_ints[TIE_INT.a, e], tie_ints[TIE_INT.b, e]
        gone = status[a] == DEPARTED or status[b] == DEPARTED
        trust = 0.5 * (tie_floats[TIE_FLOAT.trust_ab, e] + tie_floats[TIE_FLOAT.trust_ba, e])
        if gone or u_resolve[k] < resolve_base * trust:
            tie_ints[TIE_INT.conflict, e] = -1
            festering[c] = False
            if not gone:
                parties[RESOLVED, n_resolved] = a
                n_resolved += 1
            continue
        if week - opened[c] >= festering_weeks and not festering[c]:
            festering[c] = True
            parties[FESTERS, n_festers] = a
            n_festers += 1
        open_ids[n_open] = c
        n_open += 1
    count_open(people_ints, n, tie_ints, open_ids[:n_open], tie_of, festering)
    return n_open, n_resolved, n_festers
