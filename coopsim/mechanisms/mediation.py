"""Médiation: the listening and mediation commission resolves escalated conflicts.

Hypothesis: a conflict that was not defused in a meeting and has lasted a few weeks can be
taken up by the commission; it has a limited capacity per month and needs at least one
member in the Écoute & Médiation circle. A mediation succeeds more often when the two
people still trust each other and less often once the conflict has festered (late
referral is the main reason workplace mediations fail in the Acas evaluations); success
closes the conflict (its strain and its erosion of trust stop). Failed mediations leave
the conflict open; it may fester. A dispute is mediated at most ``max_sessions_per_dispute``
times (the commission's practice: after that, the dispute is no longer the commission's to
take up); the summary counts the sessions held and, per dispute, the disputes mediated and
the share of them a mediation settled. The share of disputes settled is therefore an
outcome of the conflicts the commission meets, which the validation compares with the
per-dispute settlement rates of the studies below (they count disputes, not sessions).

Seed passage: "la commission écoute-médiation, une commission de l'association, offre des
espaces d'écoute, organise des médiations et met en place des stratégies pour traiter les
divergences voire les tensions au sein de l'écosystème"; "Cercle écoute et Méditation :
systèmes de soutien et gestion de conflits". Studies: mediated workplace disputes settle
fully or partly in about 64-73 % of cases (EEOC mediation evaluations; Acas evaluations,
e.g. Saundry, Bennett & Wibberley 2013, "Workplace mediation: the participant experience",
Acas research paper 02/13), ranges as given in the project's validation issue.

Acts after the *conflict* process.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from ..base import EVENT_CODE, LeverControl, Mechanism, packed
from ..compiled import UniformStream, kernel, uniform_stream
from ..conflict import count_open
from ..events import log_events
from ..model_state import ModelState
from ..network import TIE_FLOAT, TIE_INT
from ..structures import unit_staffed

MEDIATION_CIRCLE = "Écoute & Médiation"
MEDIATED, RESOLVED = range(2)  # the rows of the first parties of the conflicts mediated, resolved
CONFLICT_MEDIATED, CONFLICT_RESOLVED = EVENT_CODE["conflict_mediated"], EVENT_CODE["conflict_resolved"]


class Mediation(Mechanism):
    """The commission's capacity and its chance of success.

    Example:
        >>> from pydantic import ValidationError
        >>> Mediation(enabled=True, capacity_per_month=4).capacity_per_month
        4
        >>> try:
        ...     Mediation(resolution_probability=1.5)            # a probability above 1 is refused
        ... except ValidationError:
        ...     print("refused")
        refused
    """

    key = "mediation"
    order = 20
    name_fr = "Médiation"
    name_en = "Mediation"
    sentence_fr = (
        "La commission écoute-médiation reprend chaque mois quelques conflits ouverts ; une médiation réussie les clôt."
    )
    sentence_en = (
        "The listening and mediation commission takes up a few open conflicts each month; a successful mediation "
        "closes them."
    )
    events = ("conflict_mediated", "conflict_resolved")
    controls = (
        LeverControl(
            "capacity_per_month",
            "Médiation : médiations par mois",
            "Mediation: mediations per month",
            0,
            10,
            1,
            unit_fr="par mois",
            unit_en="per month",
        ),
    )

    phase: ClassVar[str] = "conflict"
    uniforms_only: ClassVar[bool] = True

    capacity_per_month: int = Field(2, ge=0, le=100000, description="mediations the commission can run per month")
    resolution_probability: float = Field(
        0.65,
        ge=0,
        le=1,
        description="chance a mediation resolves a fresh conflict between people of neutral trust (0.5)",
    )
    festering_factor: float = Field(
        0.5, ge=0, le=1, description="multiplies the chance of success once the conflict has festered"
    )
    min_age_weeks: int = Field(2, ge=0, le=520, description="weeks a conflict is open before it is taken up")
    needs_circle: bool = Field(True, description="mediation needs a member in the Écoute & Médiation circle")
    max_sessions_per_dispute: int = Field(
        2, ge=1, le=1000, description="mediation sessions a dispute may have before the commission lets it go"
    )

    def act(self, model: ModelState, rng: np.random.Generator | UniformStream) -> None:
        """At the start of each month, the month's mediations (:func:`month`)."""
        if not model.month_start:
            return
        N, C, R, P = model.network, model.conflicts, model.roles, model.people
        stream, log = uniform_stream(rng), model.recorder.log
        block, start = stream.block(C.open_ids.size)
        log.reserve(2 * self.capacity_per_month)
        circle = R.unit_names.index(MEDIATION_CIRCLE) if self.needs_circle and C.open_ids.size else -1
        read, logged, n_open, mediated, resolved = month(
            block, start, packed(self), circle, R.holder, R.unit, C.open_ids, C.opened, C.sessions, C.tie,
            C.festering.flags, C.settled_by_mediation.flags, N.ints, N.floats, P.ints, P.n, model.week, log.rows,
            log.week_counts, log.n,
        )  # fmt: skip
        stream.advance(read)
        log.written(logged)
        C.open_ids = C.open_ids[:n_open]
        model.week_mediated += mediated
        model.week_mediated_ok += resolved

    def success_probability(self, model: ModelState, conflict_ids: np.ndarray, ties: np.ndarray) -> np.ndarray:
        """Each mediation's chance: ``resolution_probability × (0.5 + mutual trust)``, times
        ``festering_factor`` for a festering conflict, at most 1.

        Example:
            >>> from coopsim import CoopModel
            >>> m = CoopModel("tera", seed=1, years=0.1)
            >>> med = Mediation(resolution_probability=0.6, festering_factor=0.5)
            >>> m.network.trust_ab[0] = m.network.trust_ba[0] = 0.5      # neutral trust
            >>> med.success_probability(m, np.array([-1]), np.array([0])).round(3).tolist()
            [0.6]
        """
        trust = model.network.mutual_trust(ties)
        festering = model.conflicts.festering.flags[conflict_ids]
        p = self.resolution_probability * (0.5 + trust) * np.where(festering, self.festering_factor, 1.0)
        return np.minimum(p, 1.0)


@kernel
def month(
    block: np.ndarray, start: int, mediation: np.ndarray, circle: int, holder: np.ndarray, unit: np.ndarray,
    open_ids: np.ndarray, opened: np.ndarray, sessions: np.ndarray, tie_of: np.ndarray, festering: np.ndarray,
    settled: np.ndarray, tie_ints: np.ndarray, tie_floats: np.ndarray, people_ints: np.ndarray, n: int, week: int,
    log_rows: np.ndarray, log_counts: np.ndarray, logged: int,
) -> tuple[int, int, int, int, int]:  # fmt: skip
    """A month's mediations (``mediation``: the lever's settings, packed), reading a uniform
    per open conflict from ``block``: when the commission is staffed (someone holds a role
    in the unit ``circle``; -1: not needed), the conflicts it takes up (:func:`_taken_up`)
    are mediated (:func:`_mediate`), each logged, then those resolved. Returns the
    position read to, the events logged, the conflicts still open (first in ``open_ids``),
    mediated and resolved."""
    p = mediation[0]
    read = start + open_ids.size
    if open_ids.size == 0 or (circle >= 0 and not unit_staffed(holder, unit, circle)):
        return read, logged, open_ids.size, 0, 0
    taken = _taken_up(
        open_ids, opened, sessions, week, p["min_age_weeks"], p["capacity_per_month"], p["max_sessions_per_dispute"]
    )
    if taken.size == 0:
        return read, logged, open_ids.size, 0, 0
    parties = np.empty((2, taken.size), dtype=np.int64)  # first party of those mediated, of those resolved
    resolved, still_open = _mediate(
        open_ids, taken, block[start:read], tie_of, festering, sessions, settled, tie_ints, tie_floats, people_ints,
        n, p["resolution_probability"], p["festering_factor"], parties,
    )  # fmt: skip
    logged = log_events(log_rows, log_counts, logged, week, CONFLICT_MEDIATED, parties[MEDIATED])
    logged = log_events(log_rows, log_counts, logged, week, CONFLICT_RESOLVED, parties[RESOLVED, :resolved])
    return read, logged, still_open, taken.size, resolved


@kernel
def _taken_up(
    open_ids: np.ndarray, opened: np.ndarray, sessions: np.ndarray, week: int, min_age: int, capacity: int,
    max_sessions: int,
) -> np.ndarray:  # fmt: skip
    """The open conflicts the commission takes up this month (positions in ``open_ids``):
    those open for at least ``min_age`` weeks and mediated fewer than ``max_sessions`` times,
    the oldest first, up to its capacity."""
    eligible = np.empty(open_ids.size, dtype=np.int64)
    k = 0
    for j in range(open_ids.size):
        c = open_ids[j]
        if week - opened[c] >= min_age and sessions[c] < max_sessions:
            eligible[k] = j
            k += 1
    eligible = eligible[:k]
    order = np.argsort(opened[open_ids[eligible]], kind="mergesort")  # stable: the first opened first
    return eligible[order][:capacity]


@kernel
def _mediate(
    open_ids: np.ndarray, taken: np.ndarray, u: np.ndarray, tie_of: np.ndarray, festering: np.ndarray,
    sessions: np.ndarray, settled: np.ndarray, tie_ints: np.ndarray, tie_floats: np.ndarray,
    people_ints: np.ndarray, n: int, resolution: float, festering_factor: float, parties: np.ndarray,
) -> tuple[int, int]:  # fmt: skip
    """The mediations of the conflicts at positions ``taken`` of ``open_ids``: each is one
    more session on its dispute and succeeds when ``u`` at its position is below its chance
    (:meth:`Mediation.success_probability`, person by person); a success closes the conflict
    (its tie is freed, it no longer festers, it is settled by mediation, it leaves
    ``open_ids``, whose first entries are the conflicts still open); then
    each person's open conflicts are counted. The first party of the conflicts mediated and
    of those resolved are written in the rows ``MEDIATED`` and ``RESOLVED`` of ``parties``.
    Returns the numbers resolved and still open."""
    closed = np.zeros(open_ids.size, dtype=np.bool_)
    resolved = 0
    for k in range(taken.size):
        c = open_ids[taken[k]]
        e = tie_of[c]
        sessions[c] += 1
        parties[MEDIATED, k] = tie_ints[TIE_INT.a, e]
        trust = 0.5 * (tie_floats[TIE_FLOAT.trust_ab, e] + tie_floats[TIE_FLOAT.trust_ba, e])
        chance = min(resolution * (0.5 + trust) * (festering_factor if festering[c] else 1.0), 1.0)
        if u[taken[k]] < chance:
            closed[taken[k]] = True
            festering[c] = False
            settled[c] = True
            tie_ints[TIE_INT.conflict, e] = -1
            parties[RESOLVED, resolved] = tie_ints[TIE_INT.a, e]
            resolved += 1
    still_open = 0
    for j in range(open_ids.size):
        if not closed[j]:
            open_ids[still_open] = open_ids[j]
            still_open += 1
    count_open(people_ints, n, tie_ints, open_ids[:still_open], tie_of, festering)
    return resolved, still_open


__all__ = ["MEDIATION_CIRCLE", "Mediation"]
