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

The rules are stated in whole-array form by the helpers below (:func:`attachment`,
:func:`update_role_identity`, :func:`withdrawal_midpoint`, :func:`life_event_chance`); each
week they run person by person in compiled kernels (:func:`withdraw_return_or_leave`,
:func:`welcome_and_ready`), and the status changes they decide are made by kernels too
(:func:`change_status`, :func:`burn_out`, :func:`depart_person`: roles released, exits and
events logged), the very ones the model's ``set_status``, ``burnout`` and ``depart`` call.

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

from typing import Any

import numpy as np
from pydantic import Field

from .base import EVENT_CODE, WEEKS_PER_YEAR, Params, Status, packed
from .compiled import (
    UniformStream,
    choice_bounds,
    choice_bounds_each,
    chosen,
    chosen_each,
    integers_from,
    kernel,
    uniform_stream,
)
from .events import log_event, log_exit
from .governance import consent_chance
from .model_state import ModelState
from .network import add_pairs
from .population import FLAG, FLOAT, INT, count_with_status, newcomer_rows, with_status
from .structures import holders_of_unit, release_all
from .territory import acceptance_and_arrivals

WELCOME_CIRCLE = "Accueil-Intégration"
NEWCOMER, ACTIVE, WITHDRAWN, DEPARTED = Status.NEWCOMER, Status.ACTIVE, Status.WITHDRAWN, Status.DEPARTED
WITHDRAWS, COMES_BACK, LEAVES = range(3)  # the rows of the people the membership kernel flags
WELCOMED, READY = range(2)  # the rows of the newcomers the welcome kernel finds
FIRST_TIES_TRUST = 0.45  # trust on a newcomer's first ties, made on arrival
WELCOME_TRUST = 0.55  # trust on a tie made by a welcome
INTEGRATION, INTEGRATION_REFUSED = EVENT_CODE["integration"], EVENT_CODE["integration_refused"]
ARRIVAL = EVENT_CODE["arrival"]
ROLE_DROPPED, DEPARTURE, BURNOUT = EVENT_CODE["role_dropped"], EVENT_CODE["departure"], EVENT_CODE["burnout"]
WITHDRAWAL, REENGAGEMENT = EVENT_CODE["withdrawal"], EVENT_CODE["reengagement"]


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
    newcomer_departure: float = Field(
        0.03,
        ge=0,
        le=1,
        description="weekly chance a newcomer in integration leaves, times 1 - territorial acceptance and "
        "1 - their attachment (ties, security, life spheres there)",
    )
    integration_weeks_unwelcomed: int = Field(26, ge=1, le=520, description="integration time without a welcome circle")


def attachment(model: ModelState, idx: np.ndarray) -> np.ndarray:
    """What keeps a person in the territory: trust, financial security, life spheres there.
    (:func:`withdraw_return_or_leave` applies the same rule, person by person.)

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
    roles (full at two) and fades once one carries none. (:func:`withdraw_return_or_leave`
    applies the same rule, person by person, every week.)

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
    (:func:`withdraw_return_or_leave` applies the same rule, person by person.)

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
    (:func:`withdraw_return_or_leave` applies the same rule, person by person.)

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


def leave_or_withdraw(model: ModelState, rng: np.random.Generator | UniformStream) -> None:
    """Process *membership*: withdrawal, re-engagement and departures.

    The kernel :func:`withdraw_return_or_leave` updates role identity and says who
    withdraws, who comes back and who leaves, each from the statuses at the start of the
    week; the status changes are then made in that order (withdrawals, re-engagements,
    departures; they release roles and record exits and events), all in one kernel call
    (:func:`membership_week`) reading three uniforms per person from the stream's block.

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
    P, R = model.people, model.roles
    stream, exits, log = uniform_stream(rng), model.recorder.exit_log, model.recorder.log
    block, start = stream.block(3 * P.n)  # withdrawing, coming back, leaving
    exits.reserve(P.n)
    log.reserve(3 * P.n + R.count)  # a withdrawal, a return or a departure each; the roles released
    read, n_exits, logged = membership_week(
        block, start, P.floats, P.ints, P.flags, P.n, model.week, model.acceptance,
        model.scenario.population.duty_hold, packed(model.scenario.membership), R.holder, R.vacant_since, R.formal,
        R.announced, exits.rows, exits.n, log.rows, log.week_counts, log.n,
    )  # fmt: skip
    stream.advance(read)
    exits.written(n_exits)
    log.written(logged)


@kernel
def membership_week(
    block: np.ndarray, start: int, floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, week: int,
    acceptance: float, duty_hold: float, membership: np.ndarray, holder: np.ndarray, vacant_since: np.ndarray,
    formal: np.ndarray, announced: np.ndarray, exits: np.ndarray, n_exits: int, log_rows: np.ndarray,
    log_counts: np.ndarray, logged: int,
) -> tuple[int, int, int]:  # fmt: skip
    """The week's membership in one call: who withdraws, comes back or leaves
    (:func:`withdraw_return_or_leave`, three uniforms per person from ``block`` at
    ``start``), then those changes in that order (:func:`change_status`,
    :func:`depart_person`), logged. Returns the position reached in ``block`` and the logs'
    new counts."""
    flagged = np.empty((3, n), dtype=np.int64)
    counts = withdraw_return_or_leave(
        floats, ints, flags, n, block[start : start + 3 * n].reshape((3, n)), flagged, week, acceptance, duty_hold,
        membership,
    )  # fmt: skip
    for row, status, kind in ((WITHDRAWS, WITHDRAWN, WITHDRAWAL), (COMES_BACK, ACTIVE, REENGAGEMENT)):
        for j in range(counts[row]):
            i = flagged[row, j]
            n_exits, logged = change_status(
                i, status, week, ints, flags, holder, vacant_since, formal, announced, exits, n_exits, log_rows,
                log_counts, logged,
            )  # fmt: skip
            logged = log_event(log_rows, log_counts, logged, week, kind, i)
    for j in range(counts[LEAVES]):
        n_exits, logged = depart_person(
            flagged[LEAVES, j], week, ints, flags, holder, vacant_since, formal, announced, exits, n_exits, log_rows,
            log_counts, logged,
        )  # fmt: skip
    return start + 3 * n, n_exits, logged


@kernel
def change_status(
    i: int, status: int, week: int, ints: np.ndarray, flags: np.ndarray, holder: np.ndarray,
    vacant_since: np.ndarray, formal: np.ndarray, announced: np.ndarray, exits: np.ndarray, n_exits: int,
    log_rows: np.ndarray, log_counts: np.ndarray, logged: int,
) -> tuple[int, int]:  # fmt: skip
    """Person ``i`` takes ``status`` this week. Leaving active membership is an exit (written
    in ``exits``; core when active a year or more and holding roles) and releases their
    roles (each logged as dropped); a contract holder announces their formalised roles as
    they go (a handover). Room reserved in both logs; returns their new counts."""
    if ints[INT.status, i] == ACTIVE and status != ACTIVE:
        core = week - ints[INT.status_week, i] >= WEEKS_PER_YEAR and ints[INT.roles, i] > 0
        n_exits = log_exit(exits, n_exits, week, i, ints[INT.paid, i], core)
        if flags[FLAG.contract, i]:
            for r in range(holder.size):
                if holder[r] == i and formal[r]:
                    announced[r] = True
        for _ in range(release_all(holder, vacant_since, ints, i, week)):
            logged = log_event(log_rows, log_counts, logged, week, ROLE_DROPPED, i)
    ints[INT.status, i] = status
    ints[INT.status_week, i] = week
    return n_exits, logged


@kernel
def depart_person(
    i: int, week: int, ints: np.ndarray, flags: np.ndarray, holder: np.ndarray, vacant_since: np.ndarray,
    formal: np.ndarray, announced: np.ndarray, exits: np.ndarray, n_exits: int, log_rows: np.ndarray,
    log_counts: np.ndarray, logged: int,
) -> tuple[int, int]:  # fmt: skip
    """Person ``i`` leaves the territory (:func:`change_status`), gives up any stipend, and the
    departure is logged; nothing when already gone. Returns the logs' new counts."""
    if ints[INT.status, i] == DEPARTED:
        return n_exits, logged
    n_exits, logged = change_status(
        i, DEPARTED, week, ints, flags, holder, vacant_since, formal, announced, exits, n_exits, log_rows, log_counts,
        logged,
    )  # fmt: skip
    flags[FLAG.stipend, i] = False
    return n_exits, log_event(log_rows, log_counts, logged, week, DEPARTURE, i)


@kernel
def burn_out(
    i: int, u_leave: float, burnout_departure: float, week: int, ints: np.ndarray, flags: np.ndarray,
    holder: np.ndarray, vacant_since: np.ndarray, formal: np.ndarray, announced: np.ndarray, exits: np.ndarray,
    n_exits: int, log_rows: np.ndarray, log_counts: np.ndarray, logged: int,
) -> tuple[int, int]:  # fmt: skip
    """Person ``i`` burns out (logged): stops everything (an active member withdraws; a newcomer
    stays a newcomer, membership needs consent) and leaves the territory when ``u_leave``
    (a draw of the *membership* stream) is under ``burnout_departure``. Returns the logs'
    new counts."""
    flags[FLAG.burned_out, i] = True
    ints[INT.burnout_count, i] += 1
    logged = log_event(log_rows, log_counts, logged, week, BURNOUT, i)
    if ints[INT.status, i] == ACTIVE:
        n_exits, logged = change_status(
            i, WITHDRAWN, week, ints, flags, holder, vacant_since, formal, announced, exits, n_exits, log_rows,
            log_counts, logged,
        )  # fmt: skip
    if u_leave < burnout_departure:
        n_exits, logged = depart_person(
            i, week, ints, flags, holder, vacant_since, formal, announced, exits, n_exits, log_rows, log_counts,
            logged,
        )  # fmt: skip
    return n_exits, logged


@kernel
def withdraw_return_or_leave(
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, u: np.ndarray, flagged: np.ndarray, week: int,
    acceptance: float, duty_hold: float, membership: np.ndarray,
) -> tuple[int, int, int]:  # fmt: skip
    """Each person's week in the membership process: who withdraws, who comes back and who
    leaves, judged on the statuses at the start of the week. Writes their indices, ascending,
    in the rows ``WITHDRAWS``, ``COMES_BACK`` and ``LEAVES`` of ``flagged`` and returns their
    numbers.

    Per person, the rules of :func:`update_role_identity` (role identity moves towards
    :func:`role_identity_target`), :func:`withdrawal_midpoint`, :func:`attachment` and
    :func:`life_event_chance`: an active member withdraws with a chance that rises as
    engagement falls below the midpoint (lower for the dutiful; :func:`_withdrawal_chance`);
    a withdrawn person not burned out and engaged enough comes back; anyone present leaves
    with the life-event chance, plus a chance for the withdrawn (less the more attached) and
    for newcomers (less the more attached, more when the territory accepts them little;
    :func:`_leaving_chance`).
    ``u`` holds the uniforms for withdrawing, coming back and leaving (rows 0, 1, 2).

    Example:
        >>> import numpy as np
        >>> from coopsim.population import People, PopulationParams
        >>> people = People()
        >>> rows = people.add(4, week=0, status=ACTIVE, p=PopulationParams(), rng=np.random.default_rng(1))
        >>> rules = packed(MembershipParams())                  # the defaults
        >>> u = np.array([[0.0, 1.0, 0.0, 1.0], [0.0] * 4, [1.0, 1.0, 1.0, 0.0]])  # 0 and 2 withdraw, 3 leaves
        >>> flagged = np.empty((3, 4), dtype=np.int64)
        >>> withdraw_return_or_leave(people.floats, people.ints, people.flags, 4, u, flagged, 0, 0.2, 0.85, rules)
        (2, 0, 1)
        >>> flagged[WITHDRAWS, :2].tolist(), flagged[LEAVES, :1].tolist()   # nobody was withdrawn: nobody comes back
        ([0, 2], [3])
    """
    mp = membership[0]  # the process's constants (MembershipParams)
    identity_rate = mp["identity_rate"]
    reengage_above, reengage_probability = mp["reengage_above"], mp["reengage_probability"]
    n_withdraw = n_back = n_leave = 0
    for i in range(n):
        status = ints[INT.status, i]
        engagement = floats[FLOAT.engagement, i]
        # role identity (Grube & Piliavin 2000): those with a strong one stay at an
        # engagement at which those with none drift away
        identity = floats[FLOAT.identity, i]
        identity += identity_rate * (min(ints[INT.roles, i], 2) / 2.0 - identity)
        floats[FLOAT.identity, i] = identity
        if status == ACTIVE:
            if u[0, i] < _withdrawal_chance(mp, engagement, identity, floats[FLOAT.duty, i], duty_hold):
                flagged[WITHDRAWS, n_withdraw] = i
                n_withdraw += 1
        elif (
            status == WITHDRAWN
            and not flags[FLAG.burned_out, i]
            and engagement > reengage_above
            and u[1, i] < reengage_probability
        ):
            flagged[COMES_BACK, n_back] = i
            n_back += 1
        if status != DEPARTED and u[2, i] < _leaving_chance(mp, floats, ints, i, status, week, acceptance):
            flagged[LEAVES, n_leave] = i
            n_leave += 1
    return n_withdraw, n_back, n_leave


@kernel
def _withdrawal_chance(mp: Any, engagement: float, identity: float, duty: float, duty_hold: float) -> float:
    """An active member's chance of withdrawing this week: it rises as their engagement falls
    below the midpoint (:func:`withdrawal_midpoint`, lower with a strong role identity), and
    is lower for the dutiful."""
    midpoint = mp["withdraw_below"] + mp["identity_shift"] * (0.5 - identity)
    p_withdraw = mp["withdraw_probability"] / (1.0 + np.exp((engagement - midpoint) / mp["withdraw_spread"]))
    return p_withdraw * (1.0 - duty_hold * duty)


@kernel
def _leaving_chance(
    mp: Any, floats: np.ndarray, ints: np.ndarray, i: int, status: int, week: int, acceptance: float
) -> float:
    """Present person ``i``'s chance of leaving the territory this week: the life-event chance
    (:func:`life_event_chance`), plus a chance for the withdrawn (less the more attached) and
    for newcomers (less the more attached, more when the territory accepts them little)."""
    attached = (floats[FLOAT.trust, i] + floats[FLOAT.security_fin, i] + floats[FLOAT.overlap, i]) / 3.0
    held = 1.0 - mp["embeddedness_hold"] * attached
    inertia_years = mp["inertia_years"]
    if inertia_years <= 0:
        p_leave = mp["life_departure"] * held
    else:
        years_here = (week - ints[INT.arrival_week, i]) / WEEKS_PER_YEAR
        p_leave = mp["life_departure"] * inertia_years / (inertia_years + years_here) * held
    if status == WITHDRAWN:
        p_leave += mp["withdrawn_departure"] * (1.0 - attached)
    elif status == NEWCOMER:  # a welcome acts through the ties it brings (attachment)
        p_leave += mp["newcomer_departure"] * (1.0 - acceptance) * (1.0 - attached)
    return p_leave


def arrive_and_integrate(model: ModelState, rng: np.random.Generator) -> None:
    """Process *arrivals*: newcomers come, are welcomed, and are integrated by consent.

    The territory's acceptance moves and newcomers arrive (:mod:`coopsim.territory`; their
    traits and first ties: :func:`newcomers_arrive`); then the week's integration
    (:func:`integration_week`): the welcome circle welcomes the waiting newcomers it has room
    for, who are introduced to a few members, and each newcomer who has waited long enough,
    in index order, becomes an active member if nobody among the deciders objects (every
    active member, or the welcome circle under delegation), and is otherwise asked again
    after half the integration time. Every uniform of the week comes from this one stream.

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
    stream = uniform_stream(rng)
    count = acceptance_and_arrivals(model, stream)
    if count:
        model.add_newcomers(count, stream)
    integrate(model, stream)


def integrate(model: ModelState, rng: np.random.Generator | UniformStream) -> None:
    """The welcome and the integration of the week, once the newcomers have come
    (:func:`integration_week`).

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.add_newcomers(2)
        >>> stream = UniformStream(np.random.default_rng(0))
        >>> integrate(m, stream)                                 # nobody welcomed or ready yet
        >>> stream.position == m.people.n                         # a consent draw per person
        True
    """
    P, R, N, mods, mp = model.people, model.roles, model.network, model.mods, model.scenario.membership
    stream, log = uniform_stream(rng), model.recorder.log
    circle = welcome_circle(model)
    newcomers = int(count_with_status(P.ints, P.n, NEWCOMER))  # each may be introduced, or asked
    N.reserve(newcomers * (mods.welcome_introductions + 1))
    log.reserve(newcomers)
    block, start = stream.block(
        integration_uniforms(P.ints, P.flags, P.n, R.holder, R.unit, circle, mods.welcome_capacity,
                             mods.welcome_introductions, 0)
    )  # fmt: skip
    found = np.empty((2, P.n), dtype=np.int64)
    read, N.m, logged = integration_week(
        block, start, P.floats, P.ints, P.flags, P.n, found, model.week, R.holder, R.unit, circle,
        mods.welcome_capacity, mods.integration_weeks, mp.integration_weeks_unwelcomed, mods.welcome_introductions,
        mods.delegation, model.scenario.governance.objection, N.ints, N.floats, N.m, N.pairs, log.rows,
        log.week_counts, log.n,
    )  # fmt: skip
    stream.advance(read)
    log.written(logged)


def welcome_circle(model: ModelState) -> int:
    """The welcome circle's unit when the welcome is on (its capacity above zero), else -1.

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> welcome_circle(m)                                    # week 0: no modifier set yet
        -1
        >>> m.step()
        >>> m.roles.unit_names[welcome_circle(m)]
        'Accueil-Intégration'
    """
    return model.roles.unit_names.index(WELCOME_CIRCLE) if model.mods.welcome_capacity > 0 else -1


@kernel
def arrival_uniforms(ints: np.ndarray, n: int, count: int, ties: int) -> int:
    """The uniforms the arrival of ``count`` newcomers reads (:func:`newcomers_arrive`): two
    traits each, and the draws that choose the ``ties`` active members each meets."""
    hosts = count_with_status(ints, n, ACTIVE)
    return 2 * count + count * choice_bounds(hosts, min(ties, hosts)).size


@kernel
def newcomers_arrive(
    count: int, week: int, floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, normals: np.ndarray,
    normals_at: int, uniforms: np.ndarray, uniforms_at: int, population: np.ndarray, tie_ints: np.ndarray,
    tie_floats: np.ndarray, m: int, pairs: np.ndarray, log_rows: np.ndarray, log_counts: np.ndarray, logged: int,
) -> tuple[int, int, int, int]:  # fmt: skip
    """``count`` newcomers arrive, in the rows from ``n`` (room made for them, their ties and
    their events): their traits (:func:`coopsim.population.newcomer_rows`), then each in turn
    meets ``newcomer_ties`` active members chosen without replacement
    (:func:`coopsim.compiled.chosen_each`, from the uniforms), a tie each at
    ``FIRST_TIES_TRUST``; then their arrivals are logged. Returns where the readers of the
    normals and of the uniforms got to, the number of ties and of events."""
    newcomer_rows(floats, ints, flags, n, count, week, normals, normals_at, uniforms, uniforms_at, population)
    uniforms_at += 2 * count
    hosts = with_status(ints, n + count, ACTIVE)
    k = min(population[0]["newcomer_ties"], hosts.size)
    bounds = choice_bounds_each(hosts.size, k, count, -1)
    met = chosen_each(hosts, k, count, integers_from(uniforms, uniforms_at, bounds))
    newcomer = np.empty(count * k, dtype=np.int64)
    for t in range(count):
        newcomer[t * k : (t + 1) * k] = n + t
    m = add_pairs(tie_ints, tie_floats, m, pairs, newcomer, met, FIRST_TIES_TRUST)
    for t in range(count):
        logged = log_event(log_rows, log_counts, logged, week, ARRIVAL, n + t)
    return normals_at + 5 * count, uniforms_at + bounds.size, m, logged


@kernel
def integration_uniforms(
    ints: np.ndarray, flags: np.ndarray, n: int, holder: np.ndarray, unit: np.ndarray, circle: int, capacity: int,
    introductions: int, arriving: int,
) -> int:  # fmt: skip
    """The uniforms a week's integration reads at most (:func:`integration_week`), once
    ``arriving`` more newcomers have come: a consent draw per person, and the draws of the
    introductions of as many newcomers as the welcome may take."""
    if circle < 0:
        return n + arriving
    waiting = arriving
    for i in range(n):
        if ints[INT.status, i] == NEWCOMER and not flags[FLAG.welcomed, i]:
            waiting += 1
    members = count_with_status(ints, n, ACTIVE)
    per = 1 + choice_bounds(members, min(introductions, members)).size
    return n + arriving + min(waiting, max(capacity, 0)) * per


@kernel
def integration_week(
    uniforms: np.ndarray, at: int, floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int,
    found: np.ndarray, week: int, holder: np.ndarray, unit: np.ndarray, circle: int, capacity: int,
    weeks_welcomed: int, weeks_unwelcomed: int, introductions: int, delegation: bool, objection: float,
    tie_ints: np.ndarray, tie_floats: np.ndarray, m: int, pairs: np.ndarray, log_rows: np.ndarray,
    log_counts: np.ndarray, logged: int,
) -> tuple[int, int, int]:  # fmt: skip
    """The week's welcome and integration, from the uniforms ``uniforms[at:]`` (room made
    for the ties and events): a consent draw per person; the welcome and the ready
    (:func:`welcome_and_ready`, the welcome circle ``circle``, -1 when the welcome is off);
    each newly welcomed newcomer meets a referent of the circle and is introduced to
    ``introductions`` active members ("l'activité de la commission Accueil s'appuie sur les
    porteurs d'activité": :func:`_introductions`); then each ready newcomer is asked
    (:func:`_consent`; the deciders: the welcome circle under ``delegation``, else every
    active member). Returns where the uniforms' reader got to, the number of ties and of
    events."""
    consent = uniforms[at : at + n]
    at += n
    welcomed, k = welcome_and_ready(
        ints, flags, n, found, week, unit, holder, circle, capacity, weeks_welcomed, weeks_unwelcomed
    )
    if welcomed:
        referents, members, per, bounds = _introduction_plan(holder, unit, circle, ints, n, introductions, welcomed)
        draws = integers_from(uniforms, at, bounds)
        m = _introductions(found[WELCOMED, :welcomed], referents, members, per, draws, tie_ints, tie_floats, m, pairs)
        at += bounds.size
    if k:
        deciders = holders_of_unit(holder, unit, circle) if delegation and circle >= 0 else np.zeros(0, np.int64)
        if deciders.size == 0:
            deciders = with_status(ints, n, ACTIVE)
        p_yes = consent_chance(objection, floats, deciders)
        logged = _consent(
            found[READY, :k], consent, p_yes, ints, flags, week, weeks_welcomed, weeks_unwelcomed, log_rows,
            log_counts, logged,
        )  # fmt: skip
    return at, m, logged


@kernel
def _consent(
    ready: np.ndarray, u_consent: np.ndarray, p_yes: float, ints: np.ndarray, flags: np.ndarray, week: int,
    weeks_welcomed: int, weeks_unwelcomed: int, log_rows: np.ndarray, log_counts: np.ndarray, logged: int,
) -> int:  # fmt: skip
    """Each newcomer ready, in index order, becomes an active member when nobody objects (their
    consent draw under ``p_yes``); otherwise they are told so and asked again after half their
    integration time. Both are logged; returns the events logged."""
    for i in ready:
        if u_consent[i] < p_yes:
            ints[INT.status, i] = ACTIVE  # a newcomer was not active: no roles to release
            ints[INT.status_week, i] = week
            logged = log_event(log_rows, log_counts, logged, week, INTEGRATION, i)
        else:
            logged = log_event(log_rows, log_counts, logged, week, INTEGRATION_REFUSED, i)
            weeks_needed = weeks_welcomed if flags[FLAG.welcomed, i] else weeks_unwelcomed
            ints[INT.status_week, i] = week - weeks_needed // 2
    return logged


@kernel
def _introduction_plan(
    holder: np.ndarray, unit: np.ndarray, circle: int, ints: np.ndarray, n: int, wanted: int, newcomers: int
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Who a welcome draws from: the welcome circle's referents (the holders of its roles)
    and the active members; how many members each newcomer meets; the bounds of the draws
    for all the newcomers in turn (:func:`coopsim.compiled.choice_bounds_each`)."""
    referents = holders_of_unit(holder, unit, circle)
    members = with_status(ints, n, ACTIVE)
    k = min(wanted, members.size)
    return referents, members, k, choice_bounds_each(members.size, k, newcomers, referents.size - 1)


@kernel
def _introductions(
    newcomers: np.ndarray, referents: np.ndarray, members: np.ndarray, k: int, draws: np.ndarray,
    tie_ints: np.ndarray, tie_floats: np.ndarray, m: int, pairs: np.ndarray,
) -> int:  # fmt: skip
    """For each newcomer in turn: their referent (``referents[draw]``, when there are any),
    then ``k`` members chosen without replacement (:func:`chosen`). Adds a tie (at
    ``WELCOME_TRUST``; room reserved) for each pair (newcomer, person met), newcomer by
    newcomer, the members first and the referent last; returns the new number of ties."""
    has_referent = 1 if referents.size else 0
    per = k + has_referent
    per_draws = has_referent + choice_bounds(members.size, k).size
    newcomer = np.empty(newcomers.size * per, dtype=np.int64)
    met = np.empty(newcomers.size * per, dtype=np.int64)
    for t in range(newcomers.size):
        d = t * per_draws
        newcomer[t * per : (t + 1) * per] = newcomers[t]
        met[t * per : t * per + k] = chosen(members, k, draws[d + has_referent : d + per_draws])
        if has_referent:
            met[t * per + k] = referents[draws[d]]
    return add_pairs(tie_ints, tie_floats, m, pairs, newcomer, met, WELCOME_TRUST)


@kernel
def welcome_and_ready(
    ints: np.ndarray,
    flags: np.ndarray,
    n: int,
    found: np.ndarray,
    week: int,
    role_unit: np.ndarray,
    role_holder: np.ndarray,
    circle: int,
    capacity: int,
    weeks_welcomed: int,
    weeks_unwelcomed: int,
) -> tuple[int, int]:
    """Welcome newcomers and find those ready to be integrated: writes the newly welcomed and
    the ready, ascending, in the rows ``WELCOMED`` and ``READY`` of ``found`` and returns how
    many of each.

    When someone holds a role in the welcome circle (the unit ``circle``; -1: none), the
    newcomers not yet welcomed are welcomed, in index order, while fewer than ``capacity``
    newcomers are. A newcomer who is not burned out is ready after ``weeks_welcomed`` weeks
    in integration if welcomed, else after ``weeks_unwelcomed``.

    Example:
        >>> import numpy as np
        >>> from coopsim.population import People, PopulationParams
        >>> people, traits, rng = People(), PopulationParams(), np.random.default_rng(1)
        >>> member = people.add(1, week=0, status=ACTIVE, p=traits, rng=rng)
        >>> newcomers = people.add(3, week=0, status=NEWCOMER, p=traits, rng=rng)
        >>> unit, holder = np.array([0, 1]), np.array([-1, 0])  # the member holds a role of unit 1
        >>> found = np.empty((2, 4), dtype=np.int64)
        >>> welcomed, k = welcome_and_ready(people.ints, people.flags, 4, found, 12, unit, holder, 1, 2, 12, 26)
        >>> found[WELCOMED, :welcomed].tolist(), found[READY, :k].tolist()
        ([1, 2], [1, 2])
        >>> people.welcomed[:4].tolist()                        # room for two: the third waits 26 weeks
        [False, True, True, False]
    """
    welcome_staffed = False
    welcomed = 0
    if circle >= 0:
        for r in range(role_unit.size):
            if role_unit[r] == circle and role_holder[r] >= 0:
                welcome_staffed = True
    if welcome_staffed:
        room = capacity
        for i in range(n):
            if ints[INT.status, i] == NEWCOMER and flags[FLAG.welcomed, i]:
                room -= 1
        for i in range(n):
            if room <= 0:
                break
            if ints[INT.status, i] == NEWCOMER and not flags[FLAG.welcomed, i]:
                flags[FLAG.welcomed, i] = True
                found[WELCOMED, welcomed] = i
                welcomed += 1
                room -= 1
    k = 0
    for i in range(n):
        if ints[INT.status, i] != NEWCOMER:
            continue
        weeks_needed = weeks_welcomed if flags[FLAG.welcomed, i] else weeks_unwelcomed
        if week - ints[INT.status_week, i] >= weeks_needed and not flags[FLAG.burned_out, i]:
            found[READY, k] = i
            k += 1
    return welcomed, k
