"""Membership: burnout, withdrawal and departure; arrivals and consent-based integration.

Processes 6 (*membership*) and 7 (*arrivals*) of the week. Disengaged members withdraw (they stay in the village
but give up their roles); withdrawn people may re-engage or leave the territory; everyone
may leave for reasons outside the model (a small life-event hazard). Newcomers arrive
from the territory (see :mod:`coopsim.territory`), are welcomed by the
Accueil-Intégration circle when it has room, and become active members once every active
member (or, under delegation, the welcome circle) consents. Newcomers not welcomed are
more likely to leave. A role held is also a reason to stay: carrying roles over time builds a
role identity (it follows the roles held at a slow pace, ``identity_rate``), and people with a
strong one withdraw only at a lower engagement than those with none (``identity_shift``).
Leaving the territory for reasons outside the model grows rarer the longer one has lived
there (cumulative inertia, ``inertia_years``) and the more attached one is to the place
(embeddedness, ``embeddedness_hold``).

Seed passages: "seule une minorité de personnes s'investit du début à la fin"; "les
équipes se sont beaucoup renouvelées" (ATEMIS); "lorsqu'un nouveau membre souhaite
intégrer le collectif, il est nécessaire que chaque membre actif donne son approbation";
"Commission Accueil-Intégration : redéfinir un processus d'intégration"; "environ 100
personnes se sont installées [...] même si certaines ne sont plus actives". Study: a
volunteer's role identity grows with the time spent volunteering and predicts the intention
to remain (Grube & Piliavin 2000, Personality and Social Psychology Bulletin
26(9):1108-1119; Penner 2002, Journal of Social Issues 58(3):447-467) and the actual length
of service (Chacón, Vecina & Dávila 2007, Social Behavior and Personality 35(5):627-642); the
chance of moving falls with the time lived in a place (cumulative inertia: McGinnis 1968,
Behavioral Science 13(5):401-415; local ties grow with it: Kasarda & Janowitz 1974, American
Sociological Review 39(3):328-339); embeddedness (links, fit, what one would give up)
predicts staying (Mitchell, Holtom, Lee, Sablynski & Erez 2001, Academy of Management
Journal 44(6):1102-1121).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import WEEKS_PER_YEAR, Params, Status
from .governance import consent_probability
from .state import ModelState
from .territory import arrivals_this_week, update_acceptance

WELCOME_CIRCLE = "Accueil-Intégration"


class MembershipParams(Params):
    """Behavioural constants of withdrawal, departure and integration (per week).

    Example:
        >>> MembershipParams(reengage_probability=0.05).reengage_probability
        0.05
    """

    withdraw_below: float = Field(
        0.3, ge=0, le=1, description="engagement at which half the maximum weekly chance of withdrawing applies"
    )
    withdraw_probability: float = Field(
        0.04, ge=0, le=1, description="maximum weekly chance of withdrawing (at very low engagement)"
    )
    withdraw_spread: float = Field(
        0.05, gt=0, le=1, description="width of the engagement band over which that chance rises"
    )
    identity_shift: float = Field(
        0.0,
        ge=0,
        le=1,
        description="how much higher the engagement at which people with no role identity withdraw than those with "
        "a full one (the midpoint is withdraw_below at half)",
    )
    identity_rate: float = Field(
        0.01,
        ge=0,
        le=1,
        description="weekly pace at which role identity follows the roles held (full at two roles; fades with none)",
    )
    inertia_years: float = Field(
        0.0,
        ge=0,
        le=100,
        description="years lived in the territory after which the chance of leaving for outside reasons has halved "
        "(cumulative inertia; 0: none)",
    )
    embeddedness_hold: float = Field(
        0.0,
        ge=0,
        le=1,
        description="share of the chance of leaving for outside reasons that full attachment (ties, security, "
        "life spheres there) removes (embeddedness; 0: none)",
    )
    reengage_above: float = Field(0.45, ge=0, le=1, description="engagement over which withdrawn people may come back")
    reengage_probability: float = Field(0.02, ge=0, le=1)
    life_departure: float = Field(
        0.0015, ge=0, le=1, description="weekly chance of leaving for reasons outside the model, on arrival"
    )
    withdrawn_departure: float = Field(
        0.008, ge=0, le=1, description="weekly chance a withdrawn person with no attachment leaves the territory"
    )
    burnout_departure: float = Field(
        0.25, ge=0, le=1, description="chance a person leaves the territory on burning out"
    )
    newcomer_departure: float = Field(0.004, ge=0, le=1, description="weekly chance a newcomer in integration leaves")
    unwelcomed_departure: float = Field(
        0.02,
        ge=0,
        le=1,
        description="weekly chance a newcomer nobody welcomes leaves (times 1 - territorial acceptance)",
    )
    integration_weeks_unwelcomed: int = Field(26, ge=1, le=520, description="integration time without a welcome circle")


def attachment(model: ModelState, idx: np.ndarray) -> np.ndarray:
    """What keeps a person in the territory: trust, financial security, life spheres there.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> a = attachment(m, np.arange(m.people.n))
        >>> a.shape == (m.people.n,), bool(((a >= 0) & (a <= 1)).all())
        (True, True)
    """
    P = model.people
    return (P.trust[idx] + P.security_fin[idx] + P.overlap[idx]) / 3.0


def role_identity_target(roles: np.ndarray) -> np.ndarray:
    """The role identity the roles held lead to: full at two roles, none without any.

    Example:
        >>> role_identity_target(np.array([0, 1, 2, 5])).tolist()
        [0.0, 0.5, 1.0, 1.0]
    """
    return np.minimum(roles, 2) / 2.0


def update_role_identity(model: ModelState) -> None:
    """Role identity follows the roles held, slowly: it builds up over the years one carries
    roles (full at two) and fades once one carries none.

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> P = m.people
        >>> P.roles[:2], P.identity[:2] = [2, 0], 0.5
        >>> update_role_identity(m)
        >>> bool(P.identity[0] > 0.5 > P.identity[1])
        True
    """
    P, mp = model.people, model.scenario.membership
    n = P.n
    P.identity[:n] += mp.identity_rate * (role_identity_target(P.roles[:n]) - P.identity[:n])


def withdrawal_midpoint(model: ModelState) -> np.ndarray:
    """The engagement at which each person's weekly chance of withdrawing is half its
    maximum: ``withdraw_below`` at half a role identity, lower with a stronger one.

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1, overrides=["membership.identity_shift=0.2"])
        >>> m.people.identity[:2] = [1.0, 0.0]
        >>> [round(float(x), 2) for x in withdrawal_midpoint(m)[:2] - m.scenario.membership.withdraw_below]
        [-0.1, 0.1]
    """
    mp = model.scenario.membership
    return mp.withdraw_below + mp.identity_shift * (0.5 - model.people.identity[: model.people.n])


def life_event_chance(model: ModelState) -> np.ndarray:
    """Each person's weekly chance of leaving for reasons outside the model: ``life_departure``
    on arrival, halved after ``inertia_years`` in the territory (cumulative inertia), and
    lowered by ``embeddedness_hold`` times one's :func:`attachment` (embeddedness).

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1, overrides=["membership.inertia_years=2", "membership.life_departure=0.004",
        ...                                          "membership.embeddedness_hold=0"])
        >>> m.week = 4 * 52                            # the founders arrived at week 0
        >>> float(life_event_chance(m)[0])             # 0.004 · 2 / (2 + 4)
        0.0013333333333333333
        >>> m.scenario.membership.embeddedness_hold = 0.5
        >>> bool(life_event_chance(m)[0] < 0.0013333333333333333)   # the attached leave less often
        True
    """
    P, mp = model.people, model.scenario.membership
    n = P.n
    held = 1.0 - mp.embeddedness_hold * attachment(model, np.arange(n))
    if mp.inertia_years <= 0:
        return mp.life_departure * held
    years_here = (model.week - P.arrival_week[:n]) / WEEKS_PER_YEAR
    return mp.life_departure * mp.inertia_years / (mp.inertia_years + years_here) * held


def leave_or_withdraw(model: ModelState, rng: np.random.Generator) -> None:
    """Process *membership*: withdrawal, re-engagement and departures.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> present = int(m.people.present().sum())
        >>> leave_or_withdraw(m, np.random.default_rng(0))
        >>> int(m.people.present().sum()) <= present             # people leave, nobody arrives here
        True
    """
    P, mp = model.people, model.scenario.membership
    n = P.n
    u_withdraw = rng.random(n)
    u_back = rng.random(n)
    u_leave = rng.random(n)
    status = P.status[:n].copy()  # the statuses at the start of this step
    eng = P.engagement[:n]
    quit_factor = np.where(P.contract[:n], 1.0 - model.mods.quit_cost, 1.0)
    quit_factor = quit_factor * (1.0 - model.scenario.population.duty_hold * P.duty[:n])
    # role identity (Grube & Piliavin 2000): those with a strong one stay at an engagement
    # at which those with none drift away
    update_role_identity(model)
    midpoint = withdrawal_midpoint(model)
    p_withdraw = mp.withdraw_probability / (1.0 + np.exp((eng - midpoint) / mp.withdraw_spread))
    withdraw = (status == Status.ACTIVE) & (u_withdraw < p_withdraw * quit_factor)
    for i in np.flatnonzero(withdraw):
        model.set_status(int(i), Status.WITHDRAWN)
        model.emit("withdrawal", np.array([i]))
    back = (
        (status == Status.WITHDRAWN)
        & ~P.burned_out[:n]
        & (eng > mp.reengage_above)
        & (u_back < mp.reengage_probability)
    )
    for i in np.flatnonzero(back):
        model.set_status(int(i), Status.ACTIVE)
        model.emit("reengagement", np.array([i]))

    idx = np.arange(n)
    p_leave = life_event_chance(model)
    p_leave += np.where(status == Status.WITHDRAWN, mp.withdrawn_departure * (1.0 - attachment(model, idx)), 0.0)
    newcomer = status == Status.NEWCOMER
    p_leave += np.where(newcomer & P.welcomed[:n], mp.newcomer_departure, 0.0)
    p_leave += np.where(newcomer & ~P.welcomed[:n], mp.unwelcomed_departure, 0.0) * (1.0 - model.acceptance)
    leave = (status != Status.DEPARTED) & (u_leave < p_leave)
    for i in np.flatnonzero(leave):
        model.depart(int(i))


def arrive_and_integrate(model: ModelState, rng: np.random.Generator) -> None:
    """Process *arrivals*: newcomers come, are welcomed, and are integrated by consent.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> n = m.people.n
        >>> arrive_and_integrate(m, np.random.default_rng(0))
        >>> m.people.n >= n                                      # rows are only ever added
        True
    """
    P, mods, mp = model.people, model.mods, model.scenario.membership
    update_acceptance(model)
    count = arrivals_this_week(model, rng)
    if count:
        model.add_newcomers(count)
    n = P.n
    u_consent = rng.random(n)
    newcomer = np.flatnonzero(P.status[:n] == Status.NEWCOMER)
    if newcomer.size == 0:
        return
    welcomers = model.roles.unit_holders(WELCOME_CIRCLE) if mods.welcome_capacity > 0 else np.zeros(0, dtype=np.int64)
    if welcomers.size:
        room = mods.welcome_capacity - int(P.welcomed[newcomer].sum())
        waiting = newcomer[~P.welcomed[newcomer]]
        if room > 0 and waiting.size:
            P.welcomed[waiting[:room]] = True
    weeks_needed = np.where(P.welcomed[newcomer], mods.integration_weeks, mp.integration_weeks_unwelcomed)
    ready = newcomer[((model.week - P.status_week[newcomer]) >= weeks_needed) & ~P.burned_out[newcomer]]
    if ready.size == 0:
        return
    if mods.delegation and welcomers.size:
        deciders = welcomers
    else:
        deciders = np.flatnonzero(P.status[:n] == Status.ACTIVE)
    p_yes = consent_probability(model, deciders)
    for i in ready:
        if u_consent[i] < p_yes:
            model.set_status(int(i), Status.ACTIVE)
            model.emit("integration", np.array([i]))
        else:
            model.emit("integration_refused", np.array([i]))
            # asked again after half the integration time
            P.status_week[i] = model.week - weeks_needed[np.searchsorted(newcomer, i)] // 2
