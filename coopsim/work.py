"""Work: the week's demand from the structures and its allocation to people.

Process 1 of the week (*work*: demand, then allocation). Roles are taken by volunteering,
weighted by engagement and free time; roles nobody wants stay vacant until someone with
a strong sense of duty takes them; roles are dropped more often by the disengaged and
the exhausted, less often by those whose roles have become part of who they are (role
identity, see :mod:`coopsim.membership`). Hours come from roles plus a share of the common
operational pool (chantiers, markets, events). Engaged people stretch beyond their
capacity, less after agreeing limits in a REX; a role whose work REX sessions have
revisited takes fewer hours (:mod:`coopsim.mechanisms.rex`).

Seed passages: "il reste néanmoins des tâches qui ne sont pas volontairement prises en
charge et qui doivent néanmoins être accomplies" and "Je prends les tâches que personne
ne prend" (the unwanted tasks and who takes them); "ce sont toujours les mêmes personnes
qui participent activement aux réunions, qui s'investissent et qui rédigent les comptes
rendus" (concentration emerges from engagement and duty); "les personnes non rémunérées
peuvent assez facilement mettre fin à leurs activités" (dropping roles); "de nombreuses
personnes travaillant dans des conditions de flux tendu et d'urgence" (overwork).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import EVENT_CODE, WORK_CODE, Params, Status, packed
from .compiled import UniformStream, kernel, numpy_sum, uniform_stream
from .events import log_event, log_events
from .model_state import ModelState
from .population import FLAG, FLOAT, INT, count_with_status
from .structures import open_units, take_slot, units_due, vacate_slot

COORD = WORK_CODE["coordination"]
CARE = WORK_CODE["care"]
ACTIVE = Status.ACTIVE
NEWCOMER = Status.NEWCOMER
ROLE_DROPPED, ROLE_TAKEN = EVENT_CODE["role_dropped"], EVENT_CODE["role_taken"]


class WorkParams(Params):
    """Behavioural constants of role taking, dropping and hours.

    Example:
        >>> WorkParams(look_probability=0.5).look_probability
        0.5
    """

    look_probability: float = Field(0.3, ge=0, le=1, description="weekly chance a vacant role is offered to someone")
    unwanted_appeal: float = Field(0.35, ge=0, le=1, description="roles below this appeal are those nobody wants")
    unwanted_wait_weeks: int = Field(
        4, ge=0, le=520, description="weeks a role nobody wants stays vacant before a dutiful person takes it"
    )
    involvement_bias: float = Field(
        1.0,
        ge=0,
        le=20,
        description="how much more often each role already held puts a person first in line for a vacancy",
    )
    alone_penalty: float = Field(
        0.5, ge=0, le=1, description="appeal of coordination and care roles lost for those who prefer working alone"
    )
    overwork: float = Field(
        0.6, ge=0, le=3, description="how far a fully engaged person stretches beyond capacity (share of capacity)"
    )
    drop_base: float = Field(0.002, ge=0, le=1, description="weekly chance an engaged, rested holder drops a role")
    drop_disengaged: float = Field(0.015, ge=0, le=1, description="added weekly chance at zero engagement")
    drop_exhausted: float = Field(0.03, ge=0, le=1, description="added weekly chance at full exhaustion")
    identity_hold: float = Field(
        0.0,
        ge=0,
        le=1,
        description="how much less often a person with a full role identity drops a role (share of the chance)",
    )
    newcomer_pool_weight: float = Field(
        0.5, ge=0, le=1, description="newcomers' share of common work relative to members"
    )


@kernel
def role_scale(
    kind: np.ndarray, effort: np.ndarray, active: int, demand_growth: float, coordination_growth: float, backlog: float
) -> np.ndarray:
    """Each role's demand multiplier (see :func:`scale_of_roles`) for ``active`` members."""
    scale = np.empty(kind.size)
    for r in range(kind.size):
        s = 1.0 + demand_growth * active / 50.0
        if kind[r] == COORD:
            s += coordination_growth * active / 50.0 + 0.02 * min(backlog, 50.0)
        scale[r] = s * effort[r]
    return scale


def scale_of_roles(model: ModelState) -> np.ndarray:
    """Weekly demand multiplier of each role: it grows with the group, coordination also with
    the backlog; and it is the share of its hours the role takes as REX sessions organised it.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> scale = scale_of_roles(m)
        >>> scale.shape == (m.roles.count,), bool((scale > 0).all())
        (True, True)
    """
    R, sp = model.roles, model.scenario.structures
    active = model.count(Status.ACTIVE)
    return role_scale(R.kind, R.effort, active, sp.demand_growth, sp.coordination_growth, float(model.backlog))


@kernel
def held_count(holder: np.ndarray) -> int:
    """How many role slots are held."""
    held = 0
    for r in range(holder.size):
        if holder[r] >= 0:
            held += 1
    return held


@kernel
def on_notice(holder: np.ndarray, notice_by: np.ndarray, r: int) -> bool:
    """Whether the holder of slot ``r`` has given notice on it (a cooperation agreement)."""
    return holder[r] >= 0 and notice_by[r] == holder[r]


@kernel
def vacancy_count(holder: np.ndarray, open_: np.ndarray, notice_by: np.ndarray) -> int:
    """How many role slots of the units started are offered: vacant, or on notice."""
    offered = 0
    for r in range(holder.size):
        if open_[r] and (holder[r] < 0 or on_notice(holder, notice_by, r)):
            offered += 1
    return offered


@kernel
def roles_dropped(
    draws: np.ndarray, dropped_by: np.ndarray, holder: np.ndarray, vacant_since: np.ndarray, announced: np.ndarray,
    notice_by: np.ndarray, notice_end: np.ndarray, formal: np.ndarray, salaried: np.ndarray, floats: np.ndarray,
    ints: np.ndarray, week: int, drop_base: float, drop_disengaged: float, drop_exhausted: float, notice_weeks: int,
    duty_hold: float, identity_hold: float,
) -> int:  # fmt: skip
    """Each held role slot, in slot order, is dropped by its holder with a chance that rises
    with disengagement and exhaustion (``draws``: a uniform per held slot); the slots dropped
    become vacant. Writes who dropped each in ``dropped_by`` and returns how many.

    The holder of a formalised role (under ``notice_weeks`` > 0) does not drop it at once:
    they give notice, the role is announced as open for a successor while they go on with
    it, and they leave it when the notice ends (if nobody took it over before)."""
    j = k = 0
    for r in range(holder.size):
        h = holder[r]
        if h < 0:
            continue
        if formal[r] and notice_weeks > 0 and on_notice(holder, notice_by, r):
            j += 1
            if week >= notice_end[r]:
                dropped_by[k] = vacate_slot(holder, vacant_since, ints, r, week)
                notice_by[r] = -1
                k += 1
            continue
        exhaustion = floats[FLOAT.exhaustion, h]
        p = (
            drop_base
            + drop_disengaged * (1.0 - floats[FLOAT.engagement, h])
            + drop_exhausted * (exhaustion * exhaustion)
        )
        p = p * (1.0 - duty_hold * floats[FLOAT.duty, h])  # "Je prends les tâches que personne ne prend"
        p = p * (1.0 - identity_hold * floats[FLOAT.identity, h])  # role identity: a role long carried is oneself
        if salaried[r]:
            p *= 0.3  # a job is not dropped as lightly as a volunteer role
        if draws[j] < p and formal[r] and notice_weeks > 0:
            notice_by[r] = h  # "définir les engagements, les responsabilités": a handover, not a silent exit
            notice_end[r] = week + notice_weeks
            announced[r] = True
            vacant_since[r] = week  # on offer from now: an unwanted role falls to the dutiful only after a wait
        elif draws[j] < p:
            dropped_by[k] = vacate_slot(holder, vacant_since, ints, r, week)
            k += 1
        j += 1
    return k


def drop_roles(model: ModelState, rng: np.random.Generator) -> None:
    """Holders drop roles: more often when disengaged or exhausted, less when dutiful or carried
    long enough to be part of who one is (role identity); a formalised role after a notice.
    (The second step of :func:`allocate`, on its own.)

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> held = int((m.roles.holder >= 0).sum())
        >>> drop_roles(m, np.random.default_rng(0))
        >>> int((m.roles.holder >= 0).sum()) <= held
        True
    """
    R, P, wp = model.roles, model.people, model.scenario.work
    draws = rng.random(held_count(R.holder))
    holders = np.empty(draws.size, dtype=np.int64)
    dropped = roles_dropped(
        draws, holders, R.holder, R.vacant_since, R.announced, R.notice_by, R.notice_end, R.formal, R.salaried,
        P.floats, P.ints, model.week, wp.drop_base, wp.drop_disengaged, wp.drop_exhausted, model.mods.notice_weeks,
        model.scenario.population.duty_hold, wp.identity_hold,
    )  # fmt: skip
    if dropped:
        model.emit("role_dropped", holders[:dropped])


@kernel
def first_above(cum: np.ndarray, value: float) -> int:
    """``np.searchsorted(cum, value, side="right")``: how many of the sorted ``cum`` are <= value."""
    lo, hi = 0, cum.size
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if value < cum[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


@kernel
def able_and_dutiful(
    able: np.ndarray, cum: np.ndarray, dutiful: np.ndarray, duty_cum: np.ndarray, floats: np.ndarray,
    ints: np.ndarray, flags: np.ndarray, n: int, involvement_bias: float,
) -> tuple[int, int, float, float]:  # fmt: skip
    """Who may be offered a vacancy, in index order: the active members not burned out
    (``able``), each weighted by engagement, free time and the roles already held (running
    sum in ``cum``), and among them the dutiful, weighted by engagement (``dutiful``, running
    sum in ``duty_cum``). Returns how many of each and the two sums of weights."""
    n_able = n_dutiful = 0
    weight_sum = duty_sum = 0.0
    for i in range(n):
        if ints[INT.status, i] != ACTIVE or flags[FLAG.burned_out, i]:
            continue
        free = min(max(1.0 - floats[FLOAT.load, i], 0.0), 1.0)
        # "ce sont toujours les mêmes personnes qui participent activement aux réunions"
        weight = floats[FLOAT.engagement, i] * (0.2 + free) * (1.0 + involvement_bias * ints[INT.roles, i])
        weight_sum += weight
        able[n_able] = i
        cum[n_able] = weight_sum
        n_able += 1
        if floats[FLOAT.duty, i] > 0.5:
            duty_sum += floats[FLOAT.engagement, i]
            dutiful[n_dutiful] = i
            duty_cum[n_dutiful] = duty_sum
            n_dutiful += 1
    return n_able, n_dutiful, weight_sum, duty_sum


@kernel
def weighted_pick(people: np.ndarray, cum: np.ndarray, count: int, total: float, u: float) -> int:
    """The one of the first ``count`` of ``people`` that the uniform ``u`` picks in proportion
    to their weights (``cum``: the running sum of the weights, ``total`` their sum)."""
    return people[min(first_above(cum[:count], u * total), count - 1)]


@kernel
def acceptance(
    r: int, pick: int, kind: np.ndarray, appeal: np.ndarray, formal: np.ndarray, floats: np.ndarray,
    flags: np.ndarray, alone_penalty: float, formal_appeal_cost: float, fill_boost: float,
) -> float:  # fmt: skip
    """The chance that ``pick`` accepts role slot ``r`` when it is offered: the role's appeal
    (less when it is formalised, and for coordination and care roles offered to one who
    prefers working alone), times their engagement and free time."""
    role_appeal = appeal[r]
    if formal[r]:
        role_appeal = role_appeal - formal_appeal_cost
    if flags[FLAG.prefers_alone, pick] and (kind[r] == COORD or kind[r] == CARE):
        role_appeal = role_appeal - alone_penalty
    free = min(max(1.0 - floats[FLOAT.load, pick], 0.0), 1.0)
    return min(max(role_appeal, 0.0), 1.0) * floats[FLOAT.engagement, pick] * (0.3 + 0.7 * free) * fill_boost


@kernel
def unwanted_and_waiting(
    r: int, appeal: np.ndarray, vacant_since: np.ndarray, week: int, unwanted_appeal: float, unwanted_wait_weeks: int
) -> bool:
    """Whether role slot ``r`` is one nobody wants, vacant (or on offer) for weeks: it falls to
    someone with a sense of duty ("Je prends les tâches que personne ne prend")."""
    return week - vacant_since[r] >= unwanted_wait_weeks and appeal[r] < unwanted_appeal


@kernel
def in_taker_order(takers: np.ndarray, handed_by: np.ndarray, k: int) -> None:
    """Reorder the first ``k`` takers (and who handed each slot over) by taker index, stably."""
    order = np.argsort(takers[:k], kind="mergesort")
    takers[:k] = takers[:k][order]
    handed_by[:k] = handed_by[:k][order]


@kernel
def vacancies_taken(
    u: np.ndarray, takers: np.ndarray, holder: np.ndarray, since: np.ndarray, announced: np.ndarray,
    vacant_since: np.ndarray, open_: np.ndarray, notice_by: np.ndarray, handed_by: np.ndarray, kind: np.ndarray,
    appeal: np.ndarray, formal: np.ndarray, floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int,
    week: int, look_probability: float, unwanted_appeal: float, unwanted_wait_weeks: int, involvement_bias: float,
    alone_penalty: float, formal_appeal_cost: float, fill_boost: float, role_cap: int,
) -> int:  # fmt: skip
    """Each vacant slot of a unit started (``open_``), or one whose holder gave notice, in
    slot order, may be taken (``u``: four uniforms per vacancy, to look, to pick someone, to
    accept, to pick a dutiful person); writes who took each in ``takers``, in slot order
    (under a role cap, by taker in index order), and in ``handed_by`` who handed the slot over
    (-1: it was vacant), and returns how many.

    A vacancy is offered with a weekly chance (twice as likely when handed over openly) to an
    able member picked by engagement, free time and the roles already held (see
    :func:`able_and_dutiful`); that person accepts by the role's appeal, their engagement and
    free time (:func:`acceptance`). A role nobody wants, vacant for weeks, falls to a dutiful
    member picked by engagement. Who is picked is judged on the roles held at the start of
    the pass; under a role cap (> 0) a person at the cap takes no more.
    """
    able, dutiful = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    cum, duty_cum = np.empty(n), np.empty(n)
    n_able, n_dutiful, weight_sum, duty_sum = able_and_dutiful(
        able, cum, dutiful, duty_cum, floats, ints, flags, n, involvement_bias
    )
    j = k = 0
    for r in range(holder.size if n_able else 0):
        if not open_[r] or (holder[r] >= 0 and not on_notice(holder, notice_by, r)):
            continue
        look = u[0, j] < look_probability * (2.0 if announced[r] else 1.0)
        pick = weighted_pick(able, cum, n_able, weight_sum, u[1, j])
        accept = acceptance(r, pick, kind, appeal, formal, floats, flags, alone_penalty, formal_appeal_cost, fill_boost)
        takes = look and u[2, j] < accept
        if (
            not takes
            and n_dutiful > 0
            and unwanted_and_waiting(r, appeal, vacant_since, week, unwanted_appeal, unwanted_wait_weeks)
        ):
            pick = weighted_pick(dutiful, duty_cum, n_dutiful, duty_sum, u[3, j])
            takes = True
        j += 1
        if takes and pick != holder[r] and (role_cap <= 0 or ints[INT.roles, pick] < role_cap):
            takers[k] = pick
            handed_by[k] = holder[r]
            k += 1
            if holder[r] >= 0:  # the successor takes over from the holder on notice
                vacate_slot(holder, vacant_since, ints, r, week)
            take_slot(holder, since, announced, notice_by, ints, r, pick, week)
    if role_cap > 0:
        in_taker_order(takers, handed_by, k)
    return k


def fill_vacancies(model: ModelState, rng: np.random.Generator) -> None:
    """Vacant roles are offered to members; the unwanted ones fall to the dutiful. (The third
    step of :func:`allocate`, on its own.)

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> held = int((m.roles.holder >= 0).sum())
        >>> fill_vacancies(m, np.random.default_rng(0))
        >>> int((m.roles.holder >= 0).sum()) >= held
        True
    """
    R, P, wp, mods = model.roles, model.people, model.scenario.work, model.mods
    offered = vacancy_count(R.holder, R.open, R.notice_by)
    u = rng.random((4, offered))  # to look, to pick, to accept, to pick a dutiful person
    takers = np.empty((2, offered), dtype=np.int64)  # who took each slot, who handed it over
    taken = vacancies_taken(
        u, takers[0], R.holder, R.since, R.announced, R.vacant_since, R.open, R.notice_by, takers[1], R.kind, R.appeal, R.formal,
        P.floats, P.ints, P.flags, P.n, model.week,
        wp.look_probability, wp.unwanted_appeal, wp.unwanted_wait_weeks, wp.involvement_bias, wp.alone_penalty,
        mods.formal_appeal_cost, mods.fill_boost, mods.role_cap,
    )  # fmt: skip
    if taken:
        handed = takers[1, :taken]
        if (handed >= 0).any():
            model.emit("role_dropped", handed[handed >= 0])
        model.emit("role_taken", takers[0, :taken])


@kernel
def active_counts(ints: np.ndarray, flags: np.ndarray, n: int) -> tuple[int, int]:
    """How many active members there are, and how many of them are not burned out."""
    active = active_able = 0
    for i in range(n):
        if ints[INT.status, i] == ACTIVE:
            active += 1
            if not flags[FLAG.burned_out, i]:
                active_able += 1
    return active, active_able


@kernel
def hours_held(
    holder: np.ndarray, open_: np.ndarray, hours: np.ndarray, kind: np.ndarray, salaried: np.ndarray,
    scale: np.ndarray, held: np.ndarray, asked: np.ndarray, vacant_asked: np.ndarray,
) -> int:  # fmt: skip
    """Each role slot's hours this week (``asked``: its hours times its ``scale``; nothing
    before its unit has started), added to its holder's in ``held`` (rows: all, salaried,
    coordination) or, for a vacant slot of a unit started, written in ``vacant_asked``.
    Returns how many vacant slots asked hours."""
    role_hours, salaried_hours, coord_hours = held[0], held[1], held[2]
    n_vacant = 0
    for r in range(hours.size):
        asked[r] = hours[r] * scale[r] if open_[r] else 0.0
        h = holder[r]
        if h < 0:
            if not open_[r]:
                continue
            vacant_asked[n_vacant] = asked[r]
            n_vacant += 1
            continue
        role_hours[h] += asked[r]
        if salaried[r]:
            salaried_hours[h] += asked[r]
        if kind[r] == COORD:
            coord_hours[h] += asked[r]
    return n_vacant


@kernel
def pool_weights(
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, held: np.ndarray, cap: np.ndarray,
    weight: np.ndarray, newcomer_pool_weight: float,
) -> None:  # fmt: skip
    """Each person's capacity (free time plus salaried hours, in ``cap``) and weight in the
    sharing of the common pool (``weight``): engagement times the spare time their roles
    leave, for active members not burned out, and newcomers at a lower weight."""
    role_hours, salaried_hours = held[0], held[1]
    for i in range(n):
        cap[i] = floats[FLOAT.capacity, i] + salaried_hours[i]  # a salaried role is paid time on top of free time
        spare = max(cap[i] - role_hours[i], 0.0)
        status = ints[INT.status, i]
        share = (1.0 if status == ACTIVE and not flags[FLAG.burned_out, i] else 0.0) + newcomer_pool_weight * (
            1.0 if status == NEWCOMER else 0.0
        )
        weight[i] = floats[FLOAT.engagement, i] * spare * share


@kernel
def hours_done(
    i: int, required: float, cap: float, salaried_hours: float, coord_hours: float, floats: np.ndarray,
    flags: np.ndarray, overwork: float, hours_cap: float,
) -> float:  # fmt: skip
    """Person ``i`` does the hours ``required`` of them up to their stretch: capacity, more
    the more engaged, less after agreeing limits in a REX, and within the contract's hour
    limit if they have one. Records their hours, load and running totals; returns the hours
    asked but not done."""
    # limits agreed in a REX ("s'imposer des tâches [...] au risque de les épuiser") hold back the stretch
    engagement = floats[FLOAT.engagement, i]
    stretch = cap * (1.0 + overwork * engagement * (1.0 - floats[FLOAT.restraint, i]))
    if hours_cap > 0 and flags[FLAG.contract, i]:
        stretch = min(stretch, hours_cap + salaried_hours)
    done = min(required, stretch)
    floats[FLOAT.required, i] = required
    floats[FLOAT.hours, i] = done
    floats[FLOAT.load, i] = done / cap if cap > 0 else 0.0
    floats[FLOAT.hours_total, i] += done
    ratio = done / required if required > 0 else 1.0
    floats[FLOAT.coord_total, i] += coord_hours * ratio
    return required - done


@kernel
def hours_of_the_week(
    holder: np.ndarray, open_: np.ndarray, hours: np.ndarray, kind: np.ndarray, salaried: np.ndarray,
    effort: np.ndarray, floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, backlog: float,
    demand_growth: float, coordination_growth: float, pool_hours_per_member: float, extra_common_hours: float,
    newcomer_pool_weight: float, overwork: float, hours_cap: float,
) -> tuple[float, float]:  # fmt: skip
    """Each person's hours asked and done, load and running totals; returns the week's demand
    and unmet hours.

    A person's roles ask their hours times the role's scale (the slots of units not yet
    started ask nothing, see :func:`hours_held`); the common pool is shared among
    active members (and newcomers, at a lower weight) by engagement and spare time
    (:func:`pool_weights`). Salaried roles are paid time on top of free time. People stretch
    beyond capacity by engagement, less after agreeing limits in a REX, and within the
    contract's hour limit if they have one (:func:`hours_done`).
    """
    active, active_able = active_counts(ints, flags, n)
    scale = role_scale(kind, effort, active, demand_growth, coordination_growth, backlog)
    held = np.zeros((3, n))  # hours asked by each person's roles: all, salaried, coordination
    slots = np.empty((2, hours.size))  # each role's hours this week; those of the vacant ones
    asked, vacant_asked = slots[0], slots[1]
    n_vacant = hours_held(holder, open_, hours, kind, salaried, scale, held, asked, vacant_asked)
    pool_total = pool_hours_per_member * active_able + extra_common_hours
    person = np.empty((3, n))  # capacity (with salaried hours), share of the pool, hours asked but not done
    cap, weight, short = person[0], person[1], person[2]
    pool_weights(floats, ints, flags, n, held, cap, weight, newcomer_pool_weight)
    weight_sum = numpy_sum(weight, n)
    for i in range(n):
        pool = pool_total * weight[i] / weight_sum if weight_sum > 0 else 0.0
        required = held[0, i] + pool
        short[i] = hours_done(i, required, cap[i], held[1, i], held[2, i], floats, flags, overwork, hours_cap)
    demand = numpy_sum(asked, hours.size) + pool_total
    unmet = numpy_sum(vacant_asked, n_vacant) + numpy_sum(short, n)
    return demand, unmet


def compute_hours(model: ModelState) -> None:
    """Hours asked and done this week, load, and unmet work. (The last step of
    :func:`allocate`, on its own.)

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> compute_hours(m)
        >>> 0 <= m.week_unmet <= m.week_demand
        True
    """
    R, P, mods = model.roles, model.people, model.mods
    sp, wp = model.scenario.structures, model.scenario.work
    demand, unmet = hours_of_the_week(
        R.holder,
        R.open,
        R.hours,
        R.kind,
        R.salaried,
        R.effort,
        P.floats,
        P.ints,
        P.flags,
        P.n,
        float(model.backlog),
        sp.demand_growth,
        sp.coordination_growth,
        sp.pool_hours_per_member,
        float(mods.extra_common_hours),
        wp.newcomer_pool_weight,
        wp.overwork,
        float(mods.hours_cap),
    )
    model.week_demand = float(demand)
    model.week_unmet = float(unmet)


@kernel
def work_week(
    block: np.ndarray, start: int, log_rows: np.ndarray, log_counts: np.ndarray, logged: int,
    unit: np.ndarray, kind: np.ndarray, hours: np.ndarray, appeal: np.ndarray, salaried: np.ndarray,
    effort: np.ndarray, holder: np.ndarray, since: np.ndarray, vacant_since: np.ndarray, formal: np.ndarray,
    announced: np.ndarray, notice_by: np.ndarray, notice_end: np.ndarray, open_: np.ndarray,
    opened_week: np.ndarray, opens_week: np.ndarray, opens_at_active: np.ndarray,
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, week: int, backlog: float,
    work: np.ndarray, demand_growth: float, coordination_growth: float, pool_hours_per_member: float,
    duty_hold: float, notice_weeks: int, formal_appeal_cost: float, fill_boost: float, role_cap: int,
    extra_common_hours: float, hours_cap: float,
) -> tuple[int, int, float, float]:  # fmt: skip
    """The week's work in one call: the units due start (:func:`coopsim.structures.units_due`),
    roles are dropped (:func:`roles_dropped`, a uniform per held slot) and vacancies filled
    (:func:`vacancies_taken`, four uniforms per slot offered), both reading their uniforms
    from ``block`` from ``start`` on; the roles dropped, handed over and taken are logged
    in that order; then the hours (:func:`hours_of_the_week`). Returns the position reached
    in ``block``, the events logged, and the week's demand and unmet hours."""
    wp = work[0]
    open_units(unit, open_, vacant_since, opened_week, units_due(opened_week, opens_week, opens_at_active, week,
               count_with_status(ints, n, ACTIVE)), week)  # fmt: skip
    held = held_count(holder)
    dropped_by = np.empty(held, dtype=np.int64)
    dropped = roles_dropped(
        block[start : start + held], dropped_by, holder, vacant_since, announced, notice_by, notice_end, formal,
        salaried, floats, ints, week, wp["drop_base"], wp["drop_disengaged"], wp["drop_exhausted"], notice_weeks,
        duty_hold, wp["identity_hold"],
    )  # fmt: skip
    logged = log_events(log_rows, log_counts, logged, week, ROLE_DROPPED, dropped_by[:dropped])
    start += held
    offered = vacancy_count(holder, open_, notice_by)
    takers = np.empty((2, offered), dtype=np.int64)  # who took each slot, who handed it over
    taken = vacancies_taken(
        block[start : start + 4 * offered].reshape((4, offered)), takers[0], holder, since, announced, vacant_since,
        open_, notice_by, takers[1], kind, appeal, formal, floats, ints, flags, n, week, wp["look_probability"],
        wp["unwanted_appeal"], wp["unwanted_wait_weeks"], wp["involvement_bias"], wp["alone_penalty"],
        formal_appeal_cost, fill_boost, role_cap,
    )  # fmt: skip
    start += 4 * offered
    for j in range(taken):  # the slots taken over from a holder on notice
        if takers[1, j] >= 0:
            logged = log_event(log_rows, log_counts, logged, week, ROLE_DROPPED, takers[1, j])
    logged = log_events(log_rows, log_counts, logged, week, ROLE_TAKEN, takers[0, :taken])
    demand, unmet = hours_of_the_week(
        holder, open_, hours, kind, salaried, effort, floats, ints, flags, n, backlog, demand_growth,
        coordination_growth, pool_hours_per_member, extra_common_hours, wp["newcomer_pool_weight"], wp["overwork"],
        hours_cap,
    )  # fmt: skip
    return start, logged, demand, unmet


def allocate(model: ModelState, rng: np.random.Generator | UniformStream) -> None:
    """Process *work*: start the units whose time has come, drop roles, fill vacancies, then
    compute hours and load, all in one kernel call (:func:`work_week`) that reads its
    uniforms from the work stream's read-ahead block and logs its events itself. The steps
    one at a time (:func:`drop_roles`, :func:`fill_vacancies`, :func:`compute_hours`) do
    the same, in Python between the kernels; ``tests/test_processes.py`` checks both ways
    give the same week.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> from coopsim.base import Status
        >>> allocate(m, np.random.default_rng(0))
        >>> holders = m.roles.holder[m.roles.holder >= 0]
        >>> bool((m.people.status[holders] == Status.ACTIVE).all())     # only active members hold roles
        True
    """
    R, P, mods, sp = model.roles, model.people, model.mods, model.scenario.structures
    stream, log = uniform_stream(rng), model.recorder.log
    block, start = stream.block(5 * R.count)  # a uniform per held slot, then four per slot offered
    log.reserve(3 * R.count)  # roles dropped, handed over, taken
    read, logged, demand, unmet = work_week(
        block, start, log.rows, log.week_counts, log.n, R.unit, R.kind, R.hours, R.appeal, R.salaried, R.effort,
        R.holder, R.since, R.vacant_since, R.formal, R.announced, R.notice_by, R.notice_end, R.open,
        R.unit_opened_week, R.unit_opens_week, R.unit_opens_at_active, P.floats, P.ints, P.flags, P.n, model.week,
        float(model.backlog), packed(model.scenario.work), sp.demand_growth, sp.coordination_growth,
        sp.pool_hours_per_member, model.scenario.population.duty_hold, mods.notice_weeks, mods.formal_appeal_cost,
        mods.fill_boost, mods.role_cap, float(mods.extra_common_hours), float(mods.hours_cap),
    )  # fmt: skip
    stream.advance(read)
    log.written(logged)
    model.week_demand, model.week_unmet = float(demand), float(unmet)
