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

from .base import WORK_CODE, Params, Status, clip
from .state import ModelState

COORD = WORK_CODE["coordination"]
CARE = WORK_CODE["care"]


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
    R = model.roles
    active = model.count(Status.ACTIVE)
    sp = model.scenario.structures
    scale = np.full(R.count, 1.0 + sp.demand_growth * active / 50.0)
    scale[R.kind == COORD] += sp.coordination_growth * active / 50.0 + 0.02 * min(model.backlog, 50.0)
    return scale * R.effort


def drop_roles(model: ModelState, rng: np.random.Generator) -> None:
    """Holders drop roles: more often when disengaged or exhausted, less when formalised, dutiful
    or carried long enough to be part of who one is (role identity).

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
    held = np.flatnonzero(R.holder >= 0)
    draws = rng.random(held.size)
    if held.size == 0:
        return
    h = R.holder[held]
    p = wp.drop_base + wp.drop_disengaged * (1.0 - P.engagement[h]) + wp.drop_exhausted * P.exhaustion[h] ** 2
    p = p * np.where(R.formal[held], 1.0 - model.mods.quit_cost, 1.0)
    p = p * (1.0 - model.scenario.population.duty_hold * P.duty[h])  # "Je prends les tâches que personne ne prend"
    p = p * (1.0 - wp.identity_hold * P.identity[h])  # role identity: a role long carried is part of oneself
    p[R.salaried[held]] *= 0.3  # a job is not dropped as lightly as a volunteer role
    model.release_roles(held[draws < p])


def fill_vacancies(model: ModelState, rng: np.random.Generator) -> None:
    """Vacant roles are offered to members; the unwanted ones fall to the dutiful.

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
    n = P.n
    able = np.flatnonzero((P.status[:n] == Status.ACTIVE) & ~P.burned_out[:n])
    vacant = np.flatnonzero(R.holder < 0)
    u_look = rng.random(vacant.size)
    u_pick = rng.random(vacant.size)
    u_accept = rng.random(vacant.size)
    u_duty = rng.random(vacant.size)
    if vacant.size == 0 or able.size == 0:
        return
    look = u_look < wp.look_probability * np.where(R.announced[vacant], 2.0, 1.0)
    free = clip(1.0 - P.load[able], 0.0, 1.0)
    # "ce sont toujours les mêmes personnes qui participent activement aux réunions" (where vacancies come up)
    weight = P.engagement[able] * (0.2 + free) * (1.0 + wp.involvement_bias * P.roles[able])
    cum = np.cumsum(weight)
    pick = able[np.minimum(np.searchsorted(cum, u_pick * cum[-1], side="right"), able.size - 1)]
    appeal = R.appeal[vacant] - mods.formal_appeal_cost * R.formal[vacant]
    people_facing = (R.kind[vacant] == COORD) | (R.kind[vacant] == CARE)
    appeal = appeal - wp.alone_penalty * (P.prefers_alone[pick] & people_facing)
    free_pick = clip(1.0 - P.load[pick], 0.0, 1.0)
    p_accept = clip(appeal, 0.0, 1.0) * P.engagement[pick] * (0.3 + 0.7 * free_pick) * mods.fill_boost
    takes = look & (u_accept < p_accept)

    # Roles nobody wants, vacant for weeks: someone with a sense of duty takes them.
    dutiful = able[P.duty[able] > 0.5]
    long_vacant = (model.week - R.vacant_since[vacant]) >= wp.unwanted_wait_weeks
    unwanted = ~takes & long_vacant & (R.appeal[vacant] < wp.unwanted_appeal)
    if dutiful.size and unwanted.any():
        dw = np.cumsum(P.engagement[dutiful])
        duty_pick = dutiful[np.minimum(np.searchsorted(dw, u_duty * dw[-1], side="right"), dutiful.size - 1)]
        pick = np.where(unwanted, duty_pick, pick)
        takes = takes | unwanted
    model.assign_roles(vacant[takes], pick[takes])


def compute_hours(model: ModelState) -> None:
    """Hours asked and done this week, load, and unmet work.

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
    n = P.n
    scale = scale_of_roles(model)
    role_hours = R.hours_by(n, scale)
    salaried_hours = R.hours_by(n, scale * R.salaried)
    status = P.status[:n]
    active = (status == Status.ACTIVE) & ~P.burned_out[:n]
    newcomer = status == Status.NEWCOMER
    pool_total = model.scenario.structures.pool_hours_per_member * active.sum() + mods.extra_common_hours
    cap = P.capacity[:n] + salaried_hours  # a salaried role is paid time on top of free time
    spare = clip(cap - role_hours, 0.0)
    w = P.engagement[:n] * spare * (active + model.scenario.work.newcomer_pool_weight * newcomer)
    pool = pool_total * w / w.sum() if w.sum() > 0 else np.zeros(n)
    required = role_hours + pool
    # limits agreed in a REX ("s'imposer des tâches [...] au risque de les épuiser") hold back the stretch
    stretch = cap * (1.0 + model.scenario.work.overwork * P.engagement[:n] * (1.0 - P.restraint[:n]))
    if mods.hours_cap > 0:
        stretch = np.where(P.contract[:n], np.minimum(stretch, mods.hours_cap + salaried_hours), stretch)
    done = np.minimum(required, stretch)
    P.required[:n] = required
    P.hours[:n] = done
    P.load[:n] = np.divide(done, cap, out=np.zeros(n), where=cap > 0)
    P.hours_total[:n] += done
    coord_hours = R.hours_by(n, scale * (R.kind == COORD))
    ratio = np.divide(done, required, out=np.ones(n), where=required > 0)
    P.coord_total[:n] += coord_hours * ratio
    vacant = R.holder < 0
    demand = float((R.hours * scale).sum() + pool_total)
    unmet = float((R.hours * scale)[vacant].sum() + (required - done).sum())
    model.week_demand = demand
    model.week_unmet = unmet


def allocate(model: ModelState, rng: np.random.Generator) -> None:
    """Process *work*: drop roles, fill vacancies, then compute hours and load.

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
    drop_roles(model, rng)
    fill_vacancies(model, rng)
    compute_hours(model)
