"""Wellbeing: strain and recovery, burnout, recognition, security, shared meaning, engagement.

Processes 2 (*strain*: strain, recovery, burnout) and 5 (*engagement* and its companions) of the week.

Exhaustion accumulates with overload, role accumulation, open conflicts, social pressure
and relational saturation, and recovers in proportion to how exhausted one is, faster when
the load is light and one feels safe (fatigue fades as an exponential decay: the
effort-recovery model, Meijman & Mulder 1998, in P.J.D. Drenth et al. (eds.), *Handbook of
Work and Organizational Psychology* vol. 2, 5-33; the fatigue term of fitness-fatigue
models, Banister et al. 1975). Each person's exhaustion thus settles where strain and
recovery balance, and everyone carries some; crossing the burnout threshold makes a person
stop everything (Simon's story: "Au fil du temps, j'ai pris de plus en plus de responsabilités [...] Tout cela a duré environ 5 à 6
ans, mais depuis l'année dernière, j'ai pratiquement tout arrêté. Tout est entremêlé, et
je n'ai pas réussi à gérer mes conflits.").

Engagement moves towards a target made of shared meaning ("un sens commun, un socle de
valeurs"), trust, recognition ("Le manque de reconnaissance crée des frustrations") and
security ("La sécurité, financière et émotionnelle"), minus exhaustion, pressure, open
conflicts and stalled decisions; it fluctuates ("un engagement fluctuant").
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from .base import EVENT_CODE, Paid, Params, Status, packed
from .compiled import NormalStream, UniformStream, kernel, numpy_sum, standard_normals, uniform_stream
from .events import log_event
from .membership import burn_out
from .model_state import ModelState
from .population import FLAG, FLOAT, INT
from .structures import hand_over

ACTIVE, DEPARTED = Status.ACTIVE, Status.DEPARTED  # plain integers, for the kernels
SALARIED, STIPEND = Paid.SALARIED, Paid.STIPEND
NOTICED, HANDS_OVER, BURNING, RECOVERED = range(4)  # the rows of the people the strain kernel flags
EXHAUSTION_NOTICED, ROLE_DROPPED, RECOVERY = (EVENT_CODE[k] for k in ("exhaustion_noticed", "role_dropped", "recovery"))


class WellbeingParams(Params):
    """Behavioural constants of strain, recovery, burnout and engagement (per week).

    Example:
        >>> WellbeingParams(role_comfort=3).role_comfort
        3
    """

    overload_strain: float = Field(0.015, ge=0, le=1, description="exhaustion per week per unit of load above 1")
    role_comfort: int = Field(2, ge=0, le=50, description="roles one can hold without added strain")
    role_strain: float = Field(0.004, ge=0, le=1, description="exhaustion per week per role above comfort")
    conflict_strain: float = Field(
        0.004, ge=0, le=1, description="exhaustion per week per open conflict (doubled when festering)"
    )
    pressure_strain: float = Field(0.008, ge=0, le=1, description="exhaustion per week at full social pressure")
    saturation_strain: float = Field(
        0.003, ge=0, le=1, description="exhaustion per week at full life-sphere overlap (relational saturation)"
    )
    recovery: float = Field(
        0.03,
        ge=0,
        le=1,
        description="share of one's exhaustion recovered per week with no load and full emotional security",
    )
    recovery_floor: float = Field(
        0.005, ge=0, le=1, description="share of one's exhaustion recovered per week in any case"
    )
    burnout_threshold: float = Field(0.85, gt=0, le=1)
    notice_level: float = Field(
        0.6, ge=0, le=1, description="exhaustion at which others can notice it (tour météo, first aid)"
    )
    recovered_below: float = Field(
        0.3, ge=0, lt=1, description="exhaustion under which a burned-out person has recovered"
    )
    rest_recovery: float = Field(
        0.005, ge=0, le=1, description="extra share of one's exhaustion recovered per week while burned out (no roles)"
    )
    recognition_decay: float = Field(0.02, ge=0, le=1, description="weekly fading of recognition towards visibility")
    visibility: float = Field(0.15, ge=0, le=1, description="recognition that invisible work gets by itself")
    engagement_rate: float = Field(0.04, ge=0, le=1)
    engagement_noise: float = Field(0.02, ge=0, le=1)
    baseline: float = Field(0.05, ge=-1, le=1, description="constant term of the engagement target")
    w_meaning: float = Field(0.35, ge=0, le=2)
    w_trust: float = Field(0.25, ge=0, le=2)
    w_recognition: float = Field(0.3, ge=0, le=2)
    w_security: float = Field(0.15, ge=0, le=2)
    w_exhaustion: float = Field(0.45, ge=0, le=2)
    w_pressure: float = Field(0.3, ge=0, le=2)
    w_conflict: float = Field(0.08, ge=0, le=2, description="engagement lost per open conflict")
    w_backlog: float = Field(0.1, ge=0, le=2, description="engagement lost at a decision backlog of one per member")
    w_frustration: float = Field(0.2, ge=0, le=2, description="engagement lost when much work goes unrecognised")
    salaried_security: float = Field(0.8, ge=0, le=1)
    stipend_security: float = Field(0.7, ge=0, le=1)
    security_rate: float = Field(0.05, ge=0, le=1)


def strain_and_recovery(model: ModelState, rng: np.random.Generator | UniformStream) -> None:
    """Process *strain*: exhaustion rises with strain and recovers in proportion to itself; burnout.

    Each person's week is computed by :func:`_strain`; the people it flags are then
    handled in order: the noticed are recorded and may hand over a role, the burning
    burn out (one draw each from the *membership* stream), the recovered are recorded; all
    in one kernel call (:func:`strain_week`).

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> strain_and_recovery(m, np.random.default_rng(0))
        >>> e = m.people.view("exhaustion")
        >>> bool(((e >= 0) & (e <= 1)).all())
        True
    """
    P, R, mods = model.people, model.roles, model.mods
    n = P.n
    stream, leaving = uniform_stream(rng), uniform_stream(model.streams["membership"])
    block, start = stream.block(2 * n)  # who is noticed, who agrees to hand over a role
    leave_block, leave_start = leaving.block(n)  # whether one burning out leaves
    exits, log = model.recorder.exit_log, model.recorder.log
    exits.reserve(n)
    log.reserve(6 * n + R.count)  # noticed, role handed over, burnout, departure, recovery; roles released
    read, leave_read, n_exits, logged = strain_week(
        block, start, leave_block, leave_start, P.floats, P.ints, P.flags, n,
        packed(model.scenario.wellbeing), mods.sphere_mixing, mods.exhaustion_notice,
        model.scenario.population.duty_hold, model.scenario.membership.burnout_departure, model.week, R.holder,
        R.vacant_since, R.formal, R.announced, R.hours, R.salaried, exits.rows, exits.n, log.rows, log.week_counts,
        log.n,
    )  # fmt: skip
    stream.advance(read)
    leaving.advance(leave_read)
    exits.written(n_exits)
    log.written(logged)


@kernel
def strain_week(
    block: np.ndarray, start: int, leave_block: np.ndarray, leave_start: int, floats: np.ndarray, ints: np.ndarray,
    flags: np.ndarray, n: int, wellbeing: np.ndarray, mixing: float, exhaustion_notice: float, duty_hold: float,
    burnout_departure: float, week: int, holder: np.ndarray, vacant_since: np.ndarray, formal: np.ndarray,
    announced: np.ndarray, hours: np.ndarray, salaried: np.ndarray, exits: np.ndarray, n_exits: int,
    log_rows: np.ndarray, log_counts: np.ndarray, logged: int,
) -> tuple[int, int, int, int]:  # fmt: skip
    """The week's strain in one call (:func:`_strain`, two uniforms per person from ``block``
    at ``start``), then, in order: the noticed are logged and may hand over a role; the
    burning burn out (:func:`coopsim.membership.burn_out`, a uniform each from
    ``leave_block`` at ``leave_start``); the recovered recover, logged. Returns the positions
    reached in the two blocks and the logs' new counts."""
    flagged = np.empty((4, n), dtype=np.int64)
    noticed, burning, recovered = _strain(
        floats, ints, flags, n, block[start : start + 2 * n].reshape((2, n)), flagged, wellbeing, mixing,
        exhaustion_notice, duty_hold,
    )  # fmt: skip
    # Noticed by others (tour météo, first aiders): supported, and asked to hand over a role,
    # which the dutiful often refuse ("Je prends les tâches que personne ne prend").
    for k in range(noticed):
        i = flagged[NOTICED, k]
        logged = log_event(log_rows, log_counts, logged, week, EXHAUSTION_NOTICED, i)
        if flagged[HANDS_OVER, k] and hand_over(holder, vacant_since, announced, ints, hours, salaried, i, week, True):
            logged = log_event(log_rows, log_counts, logged, week, ROLE_DROPPED, i)
    for k in range(burning):
        n_exits, logged = burn_out(
            flagged[BURNING, k], leave_block[leave_start + k], burnout_departure, week, ints, flags, holder,
            vacant_since, formal, announced, exits, n_exits, log_rows, log_counts, logged,
        )  # fmt: skip
    for k in range(recovered):
        flags[FLAG.burned_out, flagged[RECOVERED, k]] = False
        logged = log_event(log_rows, log_counts, logged, week, RECOVERY, flagged[RECOVERED, k])
    return start + 2 * n, leave_start + burning, n_exits, logged


@kernel
def _strain(
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, u: np.ndarray, flagged: np.ndarray,
    wellbeing: np.ndarray, sphere_mixing: float, notice: float, duty_hold: float,
) -> tuple[int, int, int]:  # fmt: skip
    """Each present person's exhaustion rises with strain (load above capacity, roles above
    comfort, open conflicts, social pressure, life-sphere overlap) and recovers a share of
    itself, larger when the load is light and one feels safe, and while burned out.

    A present person not burned out whose exhaustion shows (above ``notice_level``) is
    noticed with chance ``notice`` (``u[0]``): supported (emotional security), and asked to
    hand over a role, which a dutiful person often refuses (``u[1]``). A present person not
    burned out at ``burnout_threshold`` burns out; a burned-out person (or one burning out
    now) under ``recovered_below`` has recovered. The noticed (with whether they hand over
    a role holding one), the burning and the recovered are written, in order of index, in
    the rows ``NOTICED``, ``HANDS_OVER``, ``BURNING`` and ``RECOVERED`` of ``flagged``; their
    numbers are returned."""
    wp = wellbeing[0]  # the process's constants (WellbeingParams), read once
    overload_strain, role_comfort, role_strain = wp["overload_strain"], wp["role_comfort"], wp["role_strain"]
    conflict_strain, pressure_strain = wp["conflict_strain"], wp["pressure_strain"]
    saturation_strain, recovery_floor, recovery = wp["saturation_strain"], wp["recovery_floor"], wp["recovery"]
    rest_recovery, notice_level = wp["rest_recovery"], wp["notice_level"]
    burnout_threshold, recovered_below = wp["burnout_threshold"], wp["recovered_below"]
    noticed = burning = recovered = 0
    for i in range(n):
        present = ints[INT.status, i] != DEPARTED
        load = floats[FLOAT.load, i]
        exh = floats[FLOAT.exhaustion, i]
        if present:
            strain = (
                overload_strain * max(load - 1.0, 0.0)
                + role_strain * max(ints[INT.roles, i] - role_comfort, 0)
                + conflict_strain * ints[INT.conflicts, i]
                + pressure_strain * floats[FLOAT.pressure, i]
                + saturation_strain * floats[FLOAT.overlap, i] * sphere_mixing
            )
            rate = recovery_floor + recovery * min(max(1.0 - load, 0.0), 1.0) * (
                0.5 + 0.5 * floats[FLOAT.security_emo, i]
            )
            if flags[FLAG.burned_out, i]:
                rate = rate + rest_recovery
            exh = exh + (strain - rate * exh)
        exh = min(max(exh, 0.0), 1.0)
        floats[FLOAT.exhaustion, i] = exh

        was_burned_out = flags[FLAG.burned_out, i]
        if present and not was_burned_out and exh > notice_level and u[0, i] < notice:
            floats[FLOAT.security_emo, i] = min(1.0, floats[FLOAT.security_emo, i] + 0.1)
            flagged[NOTICED, noticed] = i
            agrees = u[1, i] >= duty_hold * floats[FLOAT.duty, i]
            flagged[HANDS_OVER, noticed] = ints[INT.roles, i] > 0 and agrees
            noticed += 1
        burns = present and not was_burned_out and exh >= burnout_threshold
        if burns:
            flagged[BURNING, burning] = i
            burning += 1
        if (was_burned_out or burns) and exh < recovered_below:
            flagged[RECOVERED, recovered] = i
            recovered += 1
    return noticed, burning, recovered


def update_engagement(model: ModelState, rng: np.random.Generator) -> None:
    """Process *engagement*: recognition, security, meaning, then engagement itself.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> update_engagement(m, np.random.default_rng(0))
        >>> e = m.people.view("engagement")
        >>> bool(((e >= 0) & (e <= 1)).all())
        True
    """
    P, wp, mods, R = model.people, model.scenario.wellbeing, model.mods, model.roles
    n = P.n
    normals, start = standard_normals(rng, n)  # each person's noise: numpy's normal(0, engagement_noise)
    engage(
        P.floats, P.ints, n, normals, start, R.holder, R.formal, model.backlog, mods.formal_recognition,
        mods.description_recognition, packed(wp),
    )  # fmt: skip
    if isinstance(rng, NormalStream):
        rng.advance(start + n)


@kernel
def engage(
    floats: np.ndarray, ints: np.ndarray, n: int, normals: np.ndarray, start: int, holder: np.ndarray,
    formal: np.ndarray, backlog: float, formal_recognition: float, description_recognition: float,
    wellbeing: np.ndarray,
) -> None:  # fmt: skip
    """Each person's recognition, security, shared meaning and engagement for the week.

    Recognition fades towards what invisible work gets by itself (``visibility``), and
    holding a formal role, or any described role, adds to it (:func:`_recognition`).
    Financial security moves towards what one's pay (salary, stipend) or own income gives,
    emotional security towards what trust and the absence of open conflicts give
    (:func:`_financial_security`, :func:`_emotional_security`); shared meaning follows trust
    and wears with open conflicts (:func:`_shared_meaning`). A present person's engagement
    moves towards its target (:func:`_engagement_target`: meaning, trust, recognition,
    security, less exhaustion, pressure, open conflicts, the backlog per active member, and
    the frustration of working much more than the mean present person unrecognised), plus
    its noise (``engagement_noise`` times the person's standard normal, ``normals`` from
    ``start`` on, one per person)."""
    wp = wellbeing[0]  # the process's constants (WellbeingParams)
    engagement_rate, w_backlog, w_frustration = wp["engagement_rate"], wp["w_backlog"], wp["w_frustration"]
    status, paid, conflicts = ints[INT.status], ints[INT.paid], ints[INT.conflicts]
    hours = floats[FLOAT.hours]
    holds_formal, holds_any = _roles_held(holder, formal, n)
    mean_hours, active = _mean_hours_and_active(status, hours, n)
    backlog_term = w_backlog * min(backlog / max(active, 1), 1.0)

    for i in range(n):
        rec = _recognition(
            wp, floats[FLOAT.recognition, i], holds_formal[i], holds_any[i], formal_recognition, description_recognition
        )
        floats[FLOAT.recognition, i] = rec
        trust = floats[FLOAT.trust, i]
        fin = _financial_security(wp, floats[FLOAT.security_fin, i], paid[i], floats[FLOAT.income_base, i])
        floats[FLOAT.security_fin, i] = fin
        emo = _emotional_security(wp, floats[FLOAT.security_emo, i], trust, conflicts[i])
        floats[FLOAT.security_emo, i] = emo
        meaning = _shared_meaning(floats[FLOAT.meaning, i], trust, conflicts[i])
        floats[FLOAT.meaning, i] = meaning

        eng = floats[FLOAT.engagement, i]
        if status[i] != DEPARTED:
            heavy = min(max(hours[i] / (mean_hours + 1e-9) - 1.0, 0.0), 2.0) / 2.0
            frustration = w_frustration * heavy * (1.0 - rec)
            target = _engagement_target(
                wp, meaning, trust, rec, fin, emo, floats[FLOAT.exhaustion, i], floats[FLOAT.pressure, i],
                conflicts[i], backlog_term, frustration,
            )  # fmt: skip
            noise = 0.0 + wp["engagement_noise"] * normals[start + i]  # numpy's normal(0, engagement_noise)
            eng = eng + (engagement_rate * (target - eng) + noise)
        floats[FLOAT.engagement, i] = min(max(eng, 0.0), 1.0)


@kernel
def _roles_held(holder: np.ndarray, formal: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Who holds a formal role, and who holds any role at all."""
    holds_formal, holds_any = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
    for r in range(holder.size):
        if holder[r] >= 0:
            holds_any[holder[r]] = True
            holds_formal[holder[r]] |= formal[r]
    return holds_formal, holds_any


@kernel
def _mean_hours_and_active(status: np.ndarray, hours: np.ndarray, n: int) -> tuple[float, int]:
    """The mean hours of the present people this week (0 with nobody present), and how many
    people are active."""
    present_hours = np.empty(n)
    n_present = active = 0
    for i in range(n):
        if status[i] != DEPARTED:
            present_hours[n_present] = hours[i]
            n_present += 1
        if status[i] == ACTIVE:
            active += 1
    mean_hours = numpy_sum(present_hours, n_present) / n_present if n_present else 0.0
    return mean_hours, active


@kernel
def _recognition(
    wp: Any, rec: float, holds_formal: bool, holds_any: bool, formal_recognition: float, description_recognition: float
) -> float:
    """One person's recognition this week: it fades towards what invisible work gets by
    itself (``visibility``); holding a formal role, or any described role, adds to it."""
    rec = rec + wp["recognition_decay"] * (wp["visibility"] - rec)
    if holds_formal:
        rec = rec + formal_recognition
    if holds_any:
        rec = rec + description_recognition
    return min(max(rec, 0.0), 1.0)


@kernel
def _financial_security(wp: Any, fin: float, paid: int, income_base: float) -> float:
    """One person's financial security this week: it moves towards what their pay (salary,
    stipend) or their own income gives, whichever is more."""
    target_fin = 0.0
    if paid == SALARIED:
        target_fin = wp["salaried_security"]
    elif paid == STIPEND:
        target_fin = wp["stipend_security"]
    target_fin = max(target_fin, income_base)
    return fin + wp["security_rate"] * (target_fin - fin)


@kernel
def _emotional_security(wp: Any, emo: float, trust: float, conflicts: int) -> float:
    """One person's emotional security this week: it moves towards what their trust and the
    absence of open conflicts give."""
    target_emo = 0.3 + 0.5 * trust + (0.2 if conflicts == 0 else 0.0)
    return min(max(emo + wp["security_rate"] * (target_emo - emo), 0.0), 1.0)


@kernel
def _shared_meaning(meaning: float, trust: float, conflicts: int) -> float:
    """One person's sense of shared meaning this week ("un sens commun, un socle de valeurs"):
    it follows their trust and wears with open conflicts (up to three)."""
    meaning = meaning + (0.005 * (trust - meaning) - 0.002 * min(conflicts, 3))
    return min(max(meaning, 0.0), 1.0)


@kernel
def _engagement_target(
    wp: Any, meaning: float, trust: float, rec: float, fin: float, emo: float, exhaustion: float, pressure: float,
    conflicts: int, backlog_term: float, frustration: float,
) -> float:  # fmt: skip
    """The engagement one person's week draws them towards: meaning, trust, recognition and
    security, less exhaustion, pressure, open conflicts (up to three), the decision backlog
    and the frustration of unrecognised heavy work, from the ``baseline``."""
    return (
        wp["w_meaning"] * meaning
        + wp["w_trust"] * trust
        + wp["w_recognition"] * rec
        + wp["w_security"] * 0.5 * (fin + emo)
        - wp["w_exhaustion"] * exhaustion
        - wp["w_pressure"] * pressure
        - wp["w_conflict"] * min(conflicts, 3)
        - backlog_term
        - frustration
        + wp["baseline"]
    )
