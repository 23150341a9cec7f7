"""REX (retours d'expérience): periodic debriefs run by trained facilitators.

Hypothesis: in a REX session a person tells why they do their work and what it takes;
invisible work becomes visible. Those who carry the most gain the most recognition,
participants' trust in each other grows, shared meaning is renewed, and the difficulties
found get answers: overloaded participants hand over a role openly, so that someone else
takes it sooner, those who work beyond their capacity agree to stop imposing the extra
hours on themselves (an agreement that fades over the following months), open
conflicts between participants may be resolved, the more easily the more the two still
trust each other (the seed lists the REX among the tools to prevent and handle conflicts),
and the work situations revisited get organised better: each role a participant holds
takes a little fewer hours, down to a floor, a gain that drifts back unless sessions
revisit the role. Sessions need
at least one trained facilitator among the active members; facilitators who leave are
not replaced unless the internal-training mechanism trains new ones.

Seed passages: "Je n'ai plus envie de m'imposer des tâches de manière autonome, ni de voir
les autres s'imposer des tâches sans que cela soit reconnu, au risque de les épuiser [...]
Dans ce contexte, l'importance des REX (retours d'expérience) se fait ressentir. Lorsqu'une
personne explique pourquoi elle fait ce travail et partage les aspects concrets de son
quotidien, cela touche les autres. [...] La montée en compétences et les multiples
responsabilités de cette personne deviennent visibles pour le groupe. Cela crée une
confiance [...] 12 personnes se sont formées aux REX" and "Les REX permettent de revenir
sur des situations de travail, d'identifier les difficultés rencontrées et de trouver des
réponses", in the passage that begins "Différents outils sont utilisés pour la prévention
et la gestion des conflits lors des moments de désaccords". Study: reflective small-group sessions reduced depersonalisation among
physicians (West et al. 2014, JAMA Intern Med 174:527, doi:10.1001/jamainternmed.2013.14387);
debriefs improve the effectiveness of teams and individuals by about 20-25 % (Tannenbaum &
Cerasoli 2013, Human Factors 55:231, doi:10.1177/0018720812448394); what an organisation
learns by doing depreciates (Argote, Beckman & Epple 1990, Management Science 36:140).

Acts after the *interactions* process.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from ..base import EVENT_CODE, LeverControl, Mechanism, Status, packed
from ..compiled import UniformStream, kernel, plain_generator, uniform_stream
from ..conflict import close_conflicts, count_open
from ..events import log_event
from ..model_state import ModelState
from ..network import TIE_FLOAT, TIE_INT
from ..population import FLAG, FLOAT, INT
from ..structures import hand_over

ACTIVE = Status.ACTIVE  # plain integers, for the kernels
REX_SESSION, CONFLICT_RESOLVED, ROLE_DROPPED = (
    EVENT_CODE["rex_session"],
    EVENT_CODE["conflict_resolved"],
    EVENT_CODE["role_dropped"],
)


class Rex(Mechanism):
    """REX sessions: frequency, trained facilitators, participation and what a session does.

    Example:
        >>> rex = Rex(enabled=True, every_weeks=4, start_week=104)
        >>> rex.active(52), rex.active(104)                       # sessions from the third year on
        (False, True)
    """

    key = "rex"
    order = 10
    name_fr = "REX (retours d'expérience)"
    name_en = "REX (structured debriefs)"
    sentence_fr = (
        "Des séances régulières où chacun raconte son travail : le travail invisible devient visible "
        "(reconnaissance, confiance, rôles passés plus tôt)."
    )
    sentence_en = (
        "Regular sessions where people tell what their work takes: invisible work becomes visible "
        "(recognition, trust, roles handed over sooner)."
    )
    events = ("rex_session", "role_dropped", "conflict_resolved")
    controls = (
        LeverControl(
            "every_weeks",
            "REX : semaines entre deux séances",
            "REX: weeks between sessions",
            1,
            52,
            1,
            unit_fr="semaines",
            unit_en="weeks",
        ),
    )

    phase: ClassVar[str] = "interactions"
    uniforms_only: ClassVar[bool] = True

    every_weeks: int = Field(8, ge=1, le=520, description="weeks between two sessions")
    facilitators: int = Field(12, ge=0, le=100000, description="members trained to facilitate at the start (TERA: 12)")
    participation: float = Field(0.5, ge=0, le=1, description="share of active members attending a session")
    per_facilitator: int = Field(8, ge=1, le=1000, description="participants one facilitator can hold")
    recognition_gain: float = Field(
        0.25, ge=0, le=1, description="recognition gained by the participant who carries the most"
    )
    trust_gain: float = Field(
        0.08, ge=0, le=1, description="trust gained between two participants (times the gap to 1)"
    )
    meaning_gain: float = Field(0.02, ge=0, le=1)
    handover: float = Field(0.5, ge=0, le=1, description="chance an overloaded participant hands over a role")
    limits: float = Field(
        1.0,
        ge=0,
        le=1,
        description="share of the hours beyond capacity a participant working beyond it agrees to stop imposing on "
        "themselves",
    )
    limits_fade: float = Field(0.02, ge=0, le=1, description="weekly fading of such an agreement")
    conflict_resolution: float = Field(
        0.5,
        ge=0,
        le=1,
        description="chance an open conflict between two participants is resolved in the session, at full trust",
    )

    streamlining: float = Field(
        0.3,
        ge=0,
        le=1,
        description="share of a role's avoidable hours removed when its holder debriefs it in a session",
    )
    effort_floor: float = Field(
        0.8, ge=0, le=1, description="share of a role's hours that no reorganisation removes (debriefs: about -20 %)"
    )
    forgetting: float = Field(
        0.01, ge=0, le=1, description="weekly drift of a role's organisation back to its original hours"
    )

    def act(self, model: ModelState, rng: np.random.Generator | UniformStream) -> None:
        """Every week, agreements and reorganisations fade; every ``every_weeks`` weeks, a
        session (:func:`session`), the facilitators trained before the first."""
        P, R = model.people, model.roles
        fade(P.floats, P.n, R.effort, 1.0 - self.limits_fade, self.forgetting)
        if not session_due(packed(self), model.week):
            return
        n = P.n
        state = model.mechanism_state.setdefault("rex", {})
        if not state.get("trained"):
            state["trained"] = True
            pool = np.flatnonzero((P.status[:n] == Status.ACTIVE) & ~P.burned_out[:n])
            chosen = plain_generator(rng).permutation(pool)[: self.facilitators]
            P.rex_trained[chosen] = True
        N, C, stream, log = model.network, model.conflicts, uniform_stream(rng), model.recorder.log
        block, start = stream.block(2 * n + C.open_ids.size)
        log.reserve(2 + C.open_ids.size + n)  # the session, the conflicts resolved, the roles handed over
        read, logged, n_open = session(
            block, start, packed(self), P.floats, P.ints, P.flags, n, N.ints, N.floats, N.m, R.holder,
            R.vacant_since, R.announced, R.hours, R.salaried, R.effort, C.open_ids, C.tie, C.festering.flags,
            model.week, log.rows, log.week_counts, log.n,
        )  # fmt: skip
        C.open_ids = C.open_ids[:n_open]
        stream.advance(read)
        log.written(logged)


@kernel
def session_due(rex: np.ndarray, week: int) -> bool:
    """Whether ``week`` has a session (``rex``: the lever's settings, packed): every
    ``every_weeks`` weeks from its start.

    Example:
        >>> [w for w in range(104, 116) if session_due(packed(Rex(start_week=104, every_weeks=4)), w)]
        [104, 108, 112]
    """
    return (week - rex[0]["start_week"]) % rex[0]["every_weeks"] == 0


@kernel
def session(
    block: np.ndarray, start: int, rex: np.ndarray, people_floats: np.ndarray, people_ints: np.ndarray,
    people_flags: np.ndarray, n: int, tie_ints: np.ndarray, tie_floats: np.ndarray, m: int, holder: np.ndarray,
    vacant_since: np.ndarray, announced: np.ndarray, hours: np.ndarray, salaried: np.ndarray, effort: np.ndarray,
    open_ids: np.ndarray, tie_of: np.ndarray, festering: np.ndarray, week: int, log_rows: np.ndarray,
    log_counts: np.ndarray, logged: int,
) -> tuple[int, int, int]:  # fmt: skip
    """A session (``rex``: the lever's settings, packed), reading its uniforms from
    ``block``: who attends (:func:`_attendance`); with two participants or more, the
    session (logged) and what it does for them (:func:`_debrief`); the open conflicts
    between two participants revisited (:func:`_resolved_between`): the work situations
    and the difficulties met ("identifier les difficultés rencontrées et trouver des
    réponses"), resolved the more easily the more the two still trust each other (closed,
    logged, ``open_ids`` kept in order in its first entries, open conflicts counted again);
    the overloaded participants each hand over their heaviest role, openly. Returns the
    position read to, the events logged and the number of conflicts still open."""
    p = rex[0]
    u_attend, u_hand = block[start : start + n], block[start + n : start + 2 * n]
    read = start + 2 * n
    attend = _attendance(people_ints, people_flags, n, u_attend, p["participation"], p["per_facilitator"])
    if attend.size < 2:
        return read, logged, open_ids.size
    logged = log_event(log_rows, log_counts, logged, week, REX_SESSION, -1)
    inside, handing = _debrief(
        people_floats, people_ints, n, attend, tie_ints, tie_floats, m, holder, effort, u_hand,
        p["recognition_gain"], p["meaning_gain"], p["trust_gain"], p["streamlining"], p["effort_floor"], p["limits"],
        p["handover"],
    )  # fmt: skip
    u_resolve = block[read : read + open_ids.size]
    read += open_ids.size
    still_open = open_ids.size
    if open_ids.size and p["conflict_resolution"] != 0:
        resolved = _resolved_between(
            open_ids, tie_of, tie_ints, tie_floats, inside, u_resolve, p["conflict_resolution"]
        )
        if resolved.size:
            still_open, logged = close_conflicts(
                open_ids, resolved, tie_of, festering, tie_ints, CONFLICT_RESOLVED, log_rows, log_counts, logged, week
            )
            count_open(people_ints, n, tie_ints, open_ids[:still_open], tie_of, festering)
    for i in handing:
        if hand_over(holder, vacant_since, announced, people_ints, hours, salaried, i, week, True):
            logged = log_event(log_rows, log_counts, logged, week, ROLE_DROPPED, i)
    return read, logged, still_open


@kernel
def fade(people_floats: np.ndarray, n: int, effort: np.ndarray, keep: float, forgetting: float) -> None:
    """Every week: each person's agreement to stop imposing extra hours fades (``keep`` of it
    stays), and each role's organisation drifts back towards its original hours."""
    for i in range(n):
        people_floats[FLOAT.restraint, i] *= keep
    for r in range(effort.size):
        effort[r] += forgetting * (1.0 - effort[r])


@kernel
def _attendance(
    people_ints: np.ndarray, people_flags: np.ndarray, n: int, u_attend: np.ndarray, participation: float,
    per_facilitator: int,
) -> np.ndarray:  # fmt: skip
    """Who attends a session: active members who are not burned out come with chance
    ``participation``, as many as the trained facilitators among them can hold (none
    without a facilitator)."""
    able = np.zeros(n, dtype=np.bool_)
    facilitators = 0
    for i in range(n):
        able[i] = people_ints[INT.status, i] == ACTIVE and not people_flags[FLAG.burned_out, i]
        if able[i] and people_flags[FLAG.rex_trained, i]:
            facilitators += 1
    attend = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if k < facilitators * per_facilitator and able[i] and u_attend[i] < participation:
            attend[k] = i
            k += 1
    return attend[:k]


@kernel
def _debrief(
    people_floats: np.ndarray, people_ints: np.ndarray, n: int, attend: np.ndarray, tie_ints: np.ndarray,
    tie_floats: np.ndarray, m: int, holder: np.ndarray, effort: np.ndarray, u_hand: np.ndarray,
    recognition_gain: float, meaning_gain: float, trust_gain: float, streamlining: float, effort_floor: float,
    limits: float, handover: float,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """What a session does for its participants: recognition in proportion to the hours
    one carries (relative to the most), renewed meaning, trust between participants, the
    roles they hold streamlined, an agreement to stop working beyond capacity. Returns who
    was inside and the overloaded participants (beyond capacity or exhausted, with several
    roles) who hand over a role."""
    hours_max = people_floats[FLOAT.hours, attend[0]]
    for i in attend[1:]:
        hours_max = max(hours_max, people_floats[FLOAT.hours, i])
    inside = np.zeros(n, dtype=np.bool_)
    handing = np.empty(attend.size, dtype=np.int64)
    k = 0
    for i in attend:
        inside[i] = True
        visible = min(max(people_floats[FLOAT.hours, i] / (hours_max + 1e-9), 0.0), 1.0)
        people_floats[FLOAT.recognition, i] = min(1.0, people_floats[FLOAT.recognition, i] + recognition_gain * visible)
        people_floats[FLOAT.meaning, i] = min(1.0, people_floats[FLOAT.meaning, i] + meaning_gain)
        load = people_floats[FLOAT.load, i]
        if load > 1.0:  # working beyond capacity: "s'imposer des tâches"
            people_floats[FLOAT.restraint, i] = max(people_floats[FLOAT.restraint, i], limits)
        overloaded = (load > 1.0 or people_floats[FLOAT.exhaustion, i] > 0.5) and people_ints[INT.roles, i] > 1
        if overloaded and u_hand[i] < handover:
            handing[k] = i
            k += 1
    for e in range(m):
        if inside[tie_ints[TIE_INT.a, e]] and inside[tie_ints[TIE_INT.b, e]]:
            for row in (TIE_FLOAT.trust_ab, TIE_FLOAT.trust_ba):
                tie_floats[row, e] += trust_gain * (1.0 - tie_floats[row, e])
    for r in range(holder.size):
        if holder[r] >= 0 and inside[holder[r]]:
            effort[r] -= streamlining * (effort[r] - effort_floor)
    return inside, handing[:k]


@kernel
def _resolved_between(
    open_ids: np.ndarray, tie_of: np.ndarray, tie_ints: np.ndarray, tie_floats: np.ndarray, inside: np.ndarray,
    u_resolve: np.ndarray, resolution: float,
) -> np.ndarray:  # fmt: skip
    """The open conflicts between two participants that the session resolves, with chance
    ``resolution`` times their mutual trust."""
    resolved = np.empty(open_ids.size, dtype=np.int64)
    k = 0
    for j in range(open_ids.size):
        e = tie_of[open_ids[j]]
        trust = 0.5 * (tie_floats[TIE_FLOAT.trust_ab, e] + tie_floats[TIE_FLOAT.trust_ba, e])
        both = inside[tie_ints[TIE_INT.a, e]] and inside[tie_ints[TIE_INT.b, e]]
        if both and u_resolve[j] < resolution * trust:
            resolved[k] = open_ids[j]
            k += 1
    return resolved[:k]
