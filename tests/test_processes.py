"""Pinned tests of each weekly process and each mechanism, on small scripted situations.

Each test builds a small, quiet TERA (every mechanism off, four founders, no arrivals),
sets the arrays by hand, calls one process function or one mechanism, and compares the
result with the documented equation evaluated here from the scenario's parameters (never
with a number copied from a run). Where a process draws random numbers the situation is
set so that the draw cannot matter (a probability of 0 or 1), the expected draws are
replayed from a copy of the process's generator, or the process is handed a
:class:`Scripted` generator whose uniforms lie just below (the event happens) or just above
(it does not) the probability the documented equation gives: run from both sides, such a
test pins the probability itself, to a relative 1e-9.

The docstring examples of the processes are usage examples (they show a call and a bound
the result keeps); the arithmetic is pinned here. ``tools/mutation_check.py`` checks that
these tests catch small mistakes in the equations (each of its mutations must make one fail).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from coopsim import CoopModel, run
from coopsim.base import WEEKS_PER_YEAR, WORK_CODE, Modifiers, Paid, Status
from coopsim.compiled import UniformStream, poisson
from coopsim.conflict import disagree, open_counts
from coopsim.governance import consent_probability, decide, decision_capacity
from coopsim.interactions import interact
from coopsim.mechanisms.mediation import MEDIATION_CIRCLE
from coopsim.membership import (
    WELCOME_CIRCLE,
    arrive_and_integrate,
    attachment,
    integrate,
    leave_or_withdraw,
    life_event_chance,
)
from coopsim.money import ABEILLE, COOP, FUND, OUTSIDE, Ledger, flows, pay_salaries
from coopsim.network import Network
from coopsim.structures import ASSOCIATION, QRT, SCI
from coopsim.territory import arrivals_this_week, update_acceptance
from coopsim.wellbeing import strain_and_recovery, update_engagement
from coopsim.work import CARE, COORD, allocate, compute_hours, drop_roles, fill_vacancies

OPERATIONAL = WORK_CODE["operational"]

# --- helpers -------------------------------------------------------------------------------


def vacate_all(model: CoopModel) -> None:
    """Every role slot vacant, nobody holding anything."""
    model.roles.holder[:] = -1
    model.people.roles[:] = 0
    model.update_paid_status()


def give(model: CoopModel, person: int, *roles: int) -> None:
    model.assign_roles(np.array(roles, dtype=np.int64), np.full(len(roles), person, dtype=np.int64), quiet=True)


def events(model: CoopModel, kind: str) -> list[int]:
    """Persons of the events of one kind recorded so far."""
    frame = model.recorder.events_frame()
    return frame.loc[frame["kind"] == kind, "person"].astype(int).tolist()


def unit_slots(model: CoopModel, unit_name: str) -> np.ndarray:
    R = model.roles
    return np.flatnonzero(R.unit == R.unit_names.index(unit_name))


def volunteer_roles(model: CoopModel, kind: int = OPERATIONAL) -> np.ndarray:
    """Non-salaried role slots of one kind of work, heaviest first."""
    R = model.roles
    slots = np.flatnonzero((R.kind == kind) & ~R.salaried)
    return slots[np.argsort(-R.hours[slots], kind="stable")]


def fresh_network(model: CoopModel, pairs: list[tuple[int, int]], trust: float = 0.5) -> Network:
    """Replace the acquaintance network by the given ties (in this order)."""
    N = Network()
    for a, b in pairs:
        N.add_ties(np.array([a]), np.array([b]), trust)
    model.network = N
    return N


def role_scale(model: CoopModel) -> np.ndarray:
    """The documented demand multiplier of each role (see ``work.scale_of_roles``), times the
    share of its hours the role takes as REX sessions have organised it (``roles.effort``)."""
    R, sp = model.roles, model.scenario.structures
    active = model.count(Status.ACTIVE)
    scale = np.full(R.count, 1.0 + sp.demand_growth * active / 50.0)
    scale[R.kind == COORD] += sp.coordination_growth * active / 50.0 + 0.02 * min(model.backlog, 50.0)
    return scale * R.effort


EDGE = 1e-9  # relative distance of a scripted uniform from the probability it is compared with


def at(p: float | np.ndarray, below: bool) -> np.ndarray:
    """Uniforms just below ``p`` (the event happens) or just above it (it does not)."""
    return np.asarray(p, dtype=float) * (1.0 - EDGE if below else 1.0 + EDGE)


class ScriptedUniforms(UniformStream):
    """Stands in for a uniform-only stream read by a kernel: its block holds the scripted
    uniforms in order (then NaN, which no comparison passes), and ``read`` says how many the
    process took, so that a test checks it took exactly those scripted."""

    def __init__(self, *draws: np.ndarray) -> None:
        super().__init__(np.random.default_rng(0))
        self.scripted = np.concatenate([np.ravel(d) for d in draws])

    def block(self, count: int) -> tuple[np.ndarray, int]:
        return np.concatenate((self.scripted, np.full(count, np.nan))), 0

    def advance(self, position: int) -> None:
        self.read = position


class Scripted:
    """Stands in for a process's generator: each call returns the next scripted value (an
    array of uniforms of the size asked for, a Poisson or Gamma draw), and records what was
    asked, so that a test puts each draw exactly where it wants and reads the rate asked for."""

    def __init__(self, *draws: object) -> None:
        self.draws = list(draws)
        self.asked: list[tuple[str, object]] = []

    def _next(self, method: str, argument: object) -> object:
        self.asked.append((method, argument))
        assert self.draws, f"{method}({argument}) asked for more draws than scripted"
        return self.draws.pop(0)

    def random(self, size: int | tuple[int, ...] | None = None) -> np.ndarray:
        value = np.asarray(self._next("random", size), dtype=float)
        assert value.shape == np.empty(() if size is None else size).shape, (value.shape, size)
        return value

    def poisson(self, lam: float) -> object:
        return self._next("poisson", lam)

    def gamma(self, shape: float, scale: float) -> object:
        return self._next("gamma", (shape, scale))


# --- work ----------------------------------------------------------------------------------


def test_unwanted_role_falls_to_the_dutiful_after_waiting(small_model) -> None:
    m = small_model("work.look_probability=0", "work.unwanted_wait_weeks=4")
    P, R, wp = m.people, m.roles, m.scenario.work
    vacate_all(m)
    P.duty[:4] = 0.0
    P.duty[2] = 1.0
    unwanted = int(np.flatnonzero(R.appeal < wp.unwanted_appeal)[0])
    wanted = int(np.flatnonzero((R.appeal >= wp.unwanted_appeal) & ~R.salaried)[0])
    others = np.setdiff1d(np.arange(R.count), [unwanted, wanted])
    give(m, 0, *others.tolist())
    m.week = 20
    R.vacant_since[wanted] = 0  # wanted by nobody this week, but not one of the unwanted

    R.vacant_since[unwanted] = m.week - wp.unwanted_wait_weeks + 1  # one week short
    fill_vacancies(m, m.streams["work"])
    assert R.holder[unwanted] == -1

    R.vacant_since[unwanted] = m.week - wp.unwanted_wait_weeks
    fill_vacancies(m, m.streams["work"])
    assert R.holder[unwanted] == 2
    assert P.roles[2] == 1
    assert R.since[unwanted] == m.week
    assert R.holder[wanted] == -1  # nobody looked at it, and it is not a duty
    assert events(m, "role_taken") == [2]


@pytest.mark.parametrize("below", [True, False])
def test_unwanted_role_falls_to_a_dutiful_member_picked_by_engagement(small_model, below: bool) -> None:
    m = small_model("work.look_probability=0", "work.unwanted_wait_weeks=4")
    P, R, wp = m.people, m.roles, m.scenario.work
    vacate_all(m)
    unwanted = int(np.flatnonzero(R.appeal < wp.unwanted_appeal)[0])
    give(m, 1, *np.setdiff1d(np.arange(R.count), [unwanted]).tolist())
    m.week = 20
    R.vacant_since[unwanted] = 0
    P.duty[:4] = [0.8, 0.0, 0.9, 0.5]  # 0 and 2 are dutiful; 3 only at the level, not above it
    P.engagement[:4] = [0.3, 0.5, 0.9, 0.6]
    u = np.array([[0.5], [0.5], [0.5], [float(at(0.3 / (0.3 + 0.9), below))]])  # about the end of 0's share

    fill_vacancies(m, Scripted(u))

    assert R.holder[unwanted] == (0 if below else 2)


@pytest.mark.parametrize("weeks", [0, 30, 200])
def test_the_work_process_is_its_steps_in_order(weeks: int) -> None:
    """``allocate`` runs in one kernel (``work_week``) what the steps the tests below take one
    at a time do in turn: units started, roles dropped, vacancies filled, hours. The same
    roles, people, events and week's hours, and the work stream left at the same place."""
    whole = CoopModel("tera", seed=5)
    for _ in range(weeks):
        whole.step()
    steps = copy.deepcopy(whole)
    allocate(whole, whole.streams["work"])
    steps.roles.start_units(steps.week, steps.count(Status.ACTIVE))
    drop_roles(steps, steps.streams["work"])
    fill_vacancies(steps, steps.streams["work"])
    compute_hours(steps)
    for name in ("holder", "since", "vacant_since", "announced", "notice_by", "open", "unit_opened_week"):
        assert np.array_equal(getattr(whole.roles, name), getattr(steps.roles, name)), name
    n = whole.people.n
    assert np.array_equal(whole.people.floats[:, :n], steps.people.floats[:, :n])
    assert np.array_equal(whole.people.ints[:, :n], steps.people.ints[:, :n])
    logged = whole.recorder.log
    assert logged.n == steps.recorder.log.n and (logged.n > 0) == (weeks > 0)
    assert np.array_equal(logged.rows[:, : logged.n], steps.recorder.log.rows[:, : logged.n])
    assert np.array_equal(logged.week_counts, steps.recorder.log.week_counts)
    assert (whole.week_demand, whole.week_unmet) == (steps.week_demand, steps.week_unmet)
    assert whole.streams["work"].random() == steps.streams["work"].random()


def test_compute_hours_load_and_overwork_cap(small_model) -> None:
    m = small_model("structures.pool_hours_per_member=0")
    P, R = m.people, m.roles
    ow = m.scenario.work.overwork
    vacate_all(m)
    heavy, light = volunteer_roles(m)[[0, -1]]
    salaried = int(np.flatnonzero(R.salaried)[0])
    give(m, 0, heavy)
    give(m, 1, light)
    give(m, 2, salaried)
    P.engagement[:4] = [0.5, 0.8, 0.4, 0.9]
    P.capacity[:4] = [0.25 * R.hours[heavy], 20.0, 6.0, 10.0]
    P.hours_total[:4] = 0.0
    m.backlog = 3.0
    scale = role_scale(m)

    compute_hours(m)

    required = np.zeros(4)
    required[0] = R.hours[heavy] * scale[heavy]
    required[1] = R.hours[light] * scale[light]
    required[2] = R.hours[salaried] * scale[salaried]
    cap = P.capacity[:4].copy()
    cap[2] += R.hours[salaried] * scale[salaried]  # a salaried role is paid time on top of free time
    stretch = cap * (1.0 + ow * P.engagement[:4])
    done = np.minimum(required, stretch)
    assert done[0] == pytest.approx(stretch[0]) and done[0] < required[0]  # capped by overwork
    assert done[1] == pytest.approx(required[1]) and done[2] == pytest.approx(required[2])
    np.testing.assert_allclose(P.required[:4], required)
    np.testing.assert_allclose(P.hours[:4], done)
    np.testing.assert_allclose(P.load[:4], done / cap)
    np.testing.assert_allclose(P.hours_total[:4], done)
    vacant = R.holder < 0
    unmet = (R.hours * scale)[vacant].sum() + (required - done).sum()
    assert m.week_unmet == pytest.approx(unmet)
    assert m.week_demand == pytest.approx((R.hours * scale).sum())


def test_common_pool_shared_by_engagement_and_spare_time(small_model) -> None:
    m = small_model()
    P, R = m.people, m.roles
    sp, wp = m.scenario.structures, m.scenario.work
    vacate_all(m)
    light = volunteer_roles(m)[-1]
    give(m, 1, light)
    P.status[:4] = [Status.ACTIVE, Status.ACTIVE, Status.NEWCOMER, Status.WITHDRAWN]
    P.engagement[:4] = [0.8, 0.4, 0.6, 0.9]
    P.capacity[:4] = [10.0, 10.0, 8.0, 12.0]
    scale = role_scale(m)

    compute_hours(m)

    role_hours = np.array([0.0, R.hours[light] * scale[light], 0.0, 0.0])
    spare = np.clip(P.capacity[:4] - role_hours, 0.0, None)
    weight = P.engagement[:4] * spare * np.array([1.0, 1.0, wp.newcomer_pool_weight, 0.0])
    pool = sp.pool_hours_per_member * 2 * weight / weight.sum()
    np.testing.assert_allclose(P.required[:4], role_hours + pool)
    assert P.required[3] == 0.0  # the withdrawn give no time


def test_contract_caps_hours_on_roles_but_not_salaried_time(small_model) -> None:
    m = small_model("structures.pool_hours_per_member=0")
    P, R = m.people, m.roles
    vacate_all(m)
    ops = volunteer_roles(m)
    salaried = int(np.flatnonzero(R.salaried)[0])
    give(m, 0, ops[0])
    give(m, 1, ops[0 + 1])
    give(m, 2, salaried, ops[2])
    P.capacity[:4] = 30.0
    P.engagement[:4] = 1.0
    P.contract[:4] = [True, False, True, False]
    m.mods.hours_cap = 4.0
    scale = role_scale(m)

    compute_hours(m)

    assert P.hours[0] == pytest.approx(4.0)
    assert P.hours[1] == pytest.approx(R.hours[ops[1]] * scale[ops[1]])
    assert P.hours[2] == pytest.approx(4.0 + R.hours[salaried] * scale[salaried])
    assert P.required[2] > P.hours[2]


def test_demand_counts_the_common_pool_of_the_able_members(small_model) -> None:
    m = small_model()
    P, R = m.people, m.roles
    sp, wp = m.scenario.structures, m.scenario.work
    assert sp.pool_hours_per_member > 0
    vacate_all(m)
    coord = int(np.flatnonzero((R.kind == COORD) & ~R.salaried)[0])
    light = volunteer_roles(m)[-1]
    give(m, 0, coord)
    give(m, 2, light)
    P.status[:4] = [Status.ACTIVE, Status.ACTIVE, Status.ACTIVE, Status.NEWCOMER]
    P.burned_out[:4] = [False, True, False, False]  # active, but gives no common work
    P.engagement[:4] = [0.8, 0.9, 0.5, 0.6]
    P.capacity[:4] = [0.5 * R.hours[coord], 10.0, 12.0, 8.0]
    P.restraint[:4] = 0.0
    P.hours_total[:4] = 0.0
    P.coord_total[:4] = 0.0
    m.backlog = 60.0  # coordination grows with the backlog, up to 50
    m.mods.extra_common_hours = 3.0
    scale = role_scale(m)

    compute_hours(m)

    role_hours = np.array([R.hours[coord] * scale[coord], 0.0, R.hours[light] * scale[light], 0.0])
    cap = P.capacity[:4]
    share = np.array([1.0, 0.0, 1.0, wp.newcomer_pool_weight])
    weight = P.engagement[:4] * np.clip(cap - role_hours, 0.0, None) * share
    pool_total = sp.pool_hours_per_member * 2 + 3.0  # two able active members, and the committee's hours
    required = role_hours + pool_total * weight / weight.sum()
    done = np.minimum(required, cap * (1.0 + wp.overwork * P.engagement[:4]))
    assert done[0] < required[0]  # the coordinator cannot do all that is asked
    np.testing.assert_allclose(P.required[:4], required, rtol=1e-12)
    np.testing.assert_allclose(P.hours[:4], done, rtol=1e-12)
    np.testing.assert_allclose(P.coord_total[:4], [role_hours[0] * done[0] / required[0], 0.0, 0.0, 0.0], rtol=1e-12)
    asked = R.hours * scale
    assert m.week_demand == pytest.approx(asked.sum() + pool_total, rel=1e-12)
    assert m.week_unmet == pytest.approx(asked[R.holder < 0].sum() + (required - done).sum(), rel=1e-12)


@pytest.mark.parametrize("below", [True, False])
def test_drop_chance_arithmetic(small_model, below: bool) -> None:
    m = small_model(
        "work.drop_base=0.05",
        "work.drop_disengaged=0.2",
        "work.drop_exhausted=0.3",
        "work.identity_hold=0.4",
        "population.duty_hold=0.5",
    )
    P, R, wp = m.people, m.roles, m.scenario.work
    vacate_all(m)
    ops = volunteer_roles(m)
    salaried = int(np.flatnonzero(R.salaried)[0])
    give(m, 0, ops[0], ops[1])
    give(m, 1, ops[2])
    give(m, 2, salaried)
    give(m, 3, ops[3])
    R.formal[ops[1]] = True  # formal, but with no notice period (no contractualisation): dropped at once
    P.engagement[:4] = [0.7, 0.2, 0.5, 0.9]
    P.exhaustion[:4] = [0.6, 0.1, 0.3, 0.8]
    P.duty[:4] = [0.0, 0.8, 0.0, 0.3]
    P.identity[:4] = [0.5, 0.0, 1.0, 0.2]
    held = np.flatnonzero(R.holder >= 0)  # the draws follow the slot order
    h = R.holder[held]
    p = wp.drop_base + wp.drop_disengaged * (1.0 - P.engagement[h]) + wp.drop_exhausted * P.exhaustion[h] ** 2
    p *= 1.0 - 0.5 * P.duty[h]
    p *= 1.0 - wp.identity_hold * P.identity[h]
    p *= np.where(R.salaried[held], 0.3, 1.0)  # a job is not dropped as lightly

    drop_roles(m, Scripted(at(p, below)))

    np.testing.assert_array_equal(R.holder[held], -1 if below else h)
    assert events(m, "role_dropped") == (h.tolist() if below else [])


@pytest.mark.parametrize(
    "look, pick_below, accept",
    [(True, True, True), (True, False, False), (True, False, True), (False, True, True)],
)
def test_vacancy_offer_pick_and_acceptance_arithmetic(small_model, look: bool, pick_below: bool, accept: bool) -> None:
    m = small_model("work.look_probability=0.3", "work.alone_penalty=0.5", "work.involvement_bias=1.5")
    P, R, wp = m.people, m.roles, m.scenario.work
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0])
    give(m, 2, ops[1], ops[2])
    P.duty[:4] = 0.0  # nobody dutiful: no vacancy falls to anyone by duty
    P.engagement[:4] = [0.6, 0.9, 0.4, 0.7]
    P.load[:4] = [0.5, 1.2, 0.1, 0.8]
    P.prefers_alone[:4] = [False, True, False, True]
    m.mods.formal_appeal_cost, m.mods.fill_boost = 0.05, 1.3
    vacant = np.flatnonzero(R.holder < 0)
    R.announced[vacant[::2]] = True
    R.formal[vacant[1::3]] = True
    free = np.clip(1.0 - P.load[:4], 0.0, 1.0)
    cum = np.cumsum(P.engagement[:4] * (0.2 + free) * (1.0 + wp.involvement_bias * P.roles[:4]))
    target = np.arange(vacant.size) % 3  # offered to person t (just below the end of t's share) or t + 1
    pick = target if pick_below else target + 1
    appeal = R.appeal[vacant] - 0.05 * R.formal[vacant]
    alone = P.prefers_alone[pick] & np.isin(R.kind[vacant], [COORD, CARE])
    appeal = appeal - wp.alone_penalty * alone
    chance = np.clip(appeal, 0.0, 1.0) * P.engagement[pick] * (0.3 + 0.7 * free[pick]) * 1.3
    u = np.array(
        [
            at(wp.look_probability * np.where(R.announced[vacant], 2.0, 1.0), look),
            at(cum[target] / cum[-1], pick_below),
            at(chance, accept),
            np.full(vacant.size, 0.5),
        ]
    )

    fill_vacancies(m, Scripted(u))

    taken = look & accept & (chance > 0)
    assert taken.sum() >= (5 if look and accept else 0)
    np.testing.assert_array_equal(R.holder[vacant], np.where(taken, pick, -1))


# --- strain, recovery, burnout -------------------------------------------------------------


def test_exhaustion_arithmetic(small_model) -> None:
    m = small_model("population.founders=5", "membership.burnout_departure=0")
    P, wp = m.people, m.scenario.wellbeing
    vacate_all(m)
    give(m, 0, *volunteer_roles(m)[:4].tolist())
    P.status[3] = Status.WITHDRAWN
    P.burned_out[3] = True
    P.status[4] = Status.DEPARTED
    P.load[:5] = [1.5, 0.5, 1.0, 0.0, 0.0]
    P.conflicts[:5] = [2, 0, 1, 0, 0]
    P.pressure[:5] = [0.4, 0.0, 0.0, 0.0, 0.0]
    P.overlap[:5] = [1.0, 0.5, 0.0, 0.0, 1.0]
    P.security_emo[:5] = [0.6, 0.2, 0.5, 1.0, 0.5]
    P.exhaustion[:5] = [0.3, 0.5, 0.2, 0.1, 0.7]
    load, roles = P.load[:5].copy(), P.roles[:5].copy()

    strain = (
        wp.overload_strain * np.clip(load - 1.0, 0.0, None)
        + wp.role_strain * np.clip(roles - wp.role_comfort, 0, None)
        + wp.conflict_strain * P.conflicts[:5]
        + wp.pressure_strain * P.pressure[:5]
        + wp.saturation_strain * P.overlap[:5]
    )
    recovery_rate = (
        wp.recovery_floor
        + wp.recovery * np.clip(1.0 - load, 0.0, 1.0) * (0.5 + 0.5 * P.security_emo[:5])
        + wp.rest_recovery * P.burned_out[:5]
    )
    expected = np.clip(P.exhaustion[:5] + strain - recovery_rate * P.exhaustion[:5], 0.0, 1.0)
    expected[4] = 0.7  # the departed are left alone
    assert np.all(expected < wp.burnout_threshold)
    assert expected[3] < wp.recovered_below

    strain_and_recovery(m, m.streams["strain"])

    np.testing.assert_allclose(P.exhaustion[:5], expected)
    assert not P.burned_out[3]  # rested below the recovery level
    assert events(m, "recovery") == [3]
    assert events(m, "burnout") == []


def test_burnout_at_threshold_releases_every_role(small_model) -> None:
    m = small_model("membership.burnout_departure=0")
    P, R, wp = m.people, m.roles, m.scenario.wellbeing
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0], ops[1])
    give(m, 1, ops[2], ops[3])
    P.load[:4] = 1.0  # no overload, no recovery beyond the floor
    P.conflicts[:4] = 0
    P.pressure[:4] = 0.0
    P.overlap[:4] = 0.0
    strain = wp.role_strain * max(2 - wp.role_comfort, 0)
    # next week's exhaustion is e·(1 − recovery_floor) + strain: the level that reaches the threshold
    crossing = (wp.burnout_threshold - strain) / (1.0 - wp.recovery_floor)
    P.exhaustion[0] = crossing + 1e-9
    P.exhaustion[1] = crossing - 1e-6
    m.week = 7

    strain_and_recovery(m, m.streams["strain"])

    assert P.burned_out[0] and not P.burned_out[1]
    assert P.status[0] == Status.WITHDRAWN and P.status_week[0] == 7
    assert P.roles[0] == 0 and not np.any(R.holder == 0)
    assert R.holder[ops[0]] == -1 and R.vacant_since[ops[0]] == 7
    assert P.burnout_count[0] == 1
    assert P.status[1] == Status.ACTIVE and P.roles[1] == 2
    assert events(m, "burnout") == [0]
    assert events(m, "role_dropped") == [0, 0]
    assert [(week, person) for week, person, *_ in m.recorder.exits] == [(7, 0)]


def test_burnout_may_make_one_leave(small_model) -> None:
    m = small_model("membership.burnout_departure=1")
    P = m.people
    P.exhaustion[0] = 1.0
    strain_and_recovery(m, m.streams["strain"])
    assert P.status[0] == Status.DEPARTED
    assert events(m, "departure") == [0]


def test_noticed_exhaustion_hands_over_the_heaviest_role_unless_dutiful(small_model) -> None:
    m = small_model("population.duty_hold=1")
    P, R, wp = m.people, m.roles, m.scenario.wellbeing
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0], ops[-1])
    give(m, 1, ops[1], ops[-2])
    P.duty[:4] = [0.0, 1.0, 0.0, 0.0]
    P.load[:4] = 1.0
    P.exhaustion[:4] = [wp.notice_level + 0.1, wp.notice_level + 0.1, 0.0, 0.0]
    P.security_emo[:4] = 0.5
    m.mods.exhaustion_notice = 1.0

    strain_and_recovery(m, m.streams["strain"])

    assert events(m, "exhaustion_noticed") == [0, 1]
    assert R.holder[ops[0]] == -1 and R.announced[ops[0]]  # handed over openly
    assert R.holder[ops[-1]] == 0
    assert P.roles[1] == 2  # "Je prends les tâches que personne ne prend"
    np.testing.assert_allclose(P.security_emo[:2], 0.6)


def test_burnout_at_the_threshold_itself_and_notice_only_above_its_level(small_model) -> None:
    m = small_model("wellbeing.burnout_threshold=1", "wellbeing.notice_level=1", "membership.burnout_departure=0")
    P = m.people
    vacate_all(m)
    P.load[:4] = [2.0, 1.0, 1.0, 1.0]
    P.conflicts[:4] = 0
    P.pressure[:4] = 0.0
    P.overlap[:4] = 0.0
    P.exhaustion[:4] = [1.0, 0.5, 0.5, 0.5]  # person 0 stays at 1: strain outweighs recovery
    m.mods.exhaustion_notice = 1.0

    strain_and_recovery(m, m.streams["strain"])

    assert P.exhaustion[0] == 1.0
    assert events(m, "burnout") == [0]  # at the threshold: burns out
    assert events(m, "exhaustion_noticed") == []  # at the notice level: not above it


@pytest.mark.parametrize("noticed, agrees", [(True, True), (True, False), (False, True)])
def test_noticed_exhaustion_chance_and_handover_agreement(small_model, noticed: bool, agrees: bool) -> None:
    m = small_model("population.duty_hold=0.6", "membership.burnout_departure=0")
    P, R, wp = m.people, m.roles, m.scenario.wellbeing
    vacate_all(m)
    ops = volunteer_roles(m)
    for person in range(4):
        give(m, person, ops[person])
    P.load[:4] = 1.0
    P.conflicts[:4] = 0
    P.pressure[:4] = 0.0
    P.overlap[:4] = 0.0
    P.exhaustion[:4] = wp.notice_level + 0.1
    P.duty[:4] = [0.0, 0.5, 1.0, 0.2]
    P.security_emo[:4] = 0.5
    m.mods.exhaustion_notice = 0.4
    refusal = 0.6 * P.duty[:4]  # the dutiful refuse to hand over a role with this chance

    rng = ScriptedUniforms(np.array([at(np.full(4, 0.4), noticed), at(refusal, not agrees)]))
    strain_and_recovery(m, rng)

    assert rng.read == rng.scripted.size
    assert events(m, "exhaustion_noticed") == ([0, 1, 2, 3] if noticed else [])
    np.testing.assert_allclose(P.security_emo[:4], 0.6 if noticed else 0.5)
    hands_over = noticed & (agrees | (refusal == 0.0))
    np.testing.assert_array_equal(R.holder[ops[:4]], np.where(hands_over, -1, np.arange(4)))


def test_engagement_backlog_per_active_member_and_security_of_pay(small_model) -> None:
    m = small_model()
    P, wp = m.people, m.scenario.wellbeing
    vacate_all(m)
    P.status[:4] = [Status.ACTIVE, Status.ACTIVE, Status.WITHDRAWN, Status.NEWCOMER]
    P.paid[:4] = [Paid.STIPEND, Paid.SALARIED, Paid.VOLUNTEER, Paid.VOLUNTEER]
    P.income_base[:4] = [0.2, 0.5, 0.3, 0.0]  # below what the stipend and the salary give
    P.hours[:4] = [12.0, 35.0, 0.0, 6.0]
    P.conflicts[:4] = [0, 2, 0, 1]
    P.trust[:4] = [0.7, 0.4, 0.5, 0.6]
    P.recognition[:4] = [0.2, 0.6, 0.1, 0.3]
    P.security_fin[:4] = [0.4, 0.6, 0.3, 0.2]
    P.security_emo[:4] = [0.5, 0.3, 0.6, 0.4]
    P.meaning[:4] = [0.6, 0.5, 0.4, 0.7]
    P.exhaustion[:4] = [0.3, 0.7, 0.1, 0.2]
    P.pressure[:4] = [0.2, 0.0, 0.0, 0.0]
    P.engagement[:4] = [0.5, 0.6, 0.3, 0.7]
    m.backlog = 1.0  # shared by the two active members: 0.5 each
    noise = 0.0 + wp.engagement_noise * copy.deepcopy(m.streams["engagement"]).standard_normal(4)  # read ahead
    before = {name: getattr(P, name)[:4].copy() for name in ("recognition", "security_fin", "security_emo", "meaning")}
    engagement = P.engagement[:4].copy()

    update_engagement(m, m.streams["engagement"])

    rec = before["recognition"] + wp.recognition_decay * (wp.visibility - before["recognition"])
    fin_target = np.array([wp.stipend_security, wp.salaried_security, 0.3, 0.0])
    fin = before["security_fin"] + wp.security_rate * (fin_target - before["security_fin"])
    emo_target = 0.3 + 0.5 * P.trust[:4] + 0.2 * (P.conflicts[:4] == 0)
    emo = before["security_emo"] + wp.security_rate * (emo_target - before["security_emo"])
    meaning = before["meaning"] + 0.005 * (P.trust[:4] - before["meaning"]) - 0.002 * P.conflicts[:4]
    heavy = np.clip(P.hours[:4] / P.hours[:4].mean() - 1.0, 0.0, 2.0) / 2.0  # all four are present
    target = (
        wp.w_meaning * meaning
        + wp.w_trust * P.trust[:4]
        + wp.w_recognition * rec
        + wp.w_security * 0.5 * (fin + emo)
        - wp.w_exhaustion * P.exhaustion[:4]
        - wp.w_pressure * P.pressure[:4]
        - wp.w_conflict * P.conflicts[:4]
        - wp.w_backlog * 0.5
        - wp.w_frustration * heavy * (1.0 - rec)
        + wp.baseline
    )
    expected = engagement + wp.engagement_rate * (target - engagement) + noise
    assert ((expected > 0.0) & (expected < 1.0)).all()  # no clipping hides a term
    np.testing.assert_allclose(P.recognition[:4], rec, rtol=1e-12)
    np.testing.assert_allclose(P.security_fin[:4], fin, rtol=1e-12)
    np.testing.assert_allclose(P.security_emo[:4], emo, rtol=1e-12)
    np.testing.assert_allclose(P.meaning[:4], meaning, rtol=1e-12)
    np.testing.assert_allclose(P.engagement[:4], expected, rtol=1e-12)


# --- interactions --------------------------------------------------------------------------


def test_trust_grows_with_coworking_and_fades_without_contact(small_model) -> None:
    m = small_model("interactions.new_tie_probability=0")
    P, ip = m.people, m.scenario.interactions
    vacate_all(m)
    R = m.roles
    unit = next(u for u in range(len(R.unit_names)) if ((R.unit == u) & ~R.salaried).sum() >= 2)
    shared = np.flatnonzero((R.unit == unit) & ~R.salaried)  # two slots of the same unit
    give(m, 0, shared[0])
    give(m, 1, shared[1])
    N = fresh_network(m, [(0, 1), (2, 3), (0, 2)])
    N.trust_ab[:3] = [0.5, 0.7, 0.55]
    N.trust_ba[:3] = [0.6, 0.2, 0.55]
    N.conflict[2] = 0  # an open conflict on the tie (0, 2)
    P.overlap[:4] = [0.5, 0.5, 0.0, 0.0]
    P.trust[:4] = [0.5, 0.6, 0.3, 0.9]
    before_ab, before_ba, trust_before = N.trust_ab[:3].copy(), N.trust_ba[:3].copy(), P.trust[:4].copy()

    interact(m, m.streams["interactions"])

    gain = ip.trust_gain * (1.0 + ip.overlap_bonus * 0.25)
    expected = {}
    for name, t in (("ab", before_ab), ("ba", before_ba)):
        e = np.empty(3)
        e[0] = t[0] + gain * (1.0 - t[0])
        e[1] = t[1] - ip.trust_decay * (t[1] - ip.trust_base)
        e[2] = t[2] - ip.trust_decay * (t[2] - ip.trust_base) - ip.conflict_erosion
        expected[name] = np.clip(e, 0.0, 1.0)
    np.testing.assert_allclose(N.trust_ab[:3], expected["ab"])
    np.testing.assert_allclose(N.trust_ba[:3], expected["ba"])
    assert N.trust_ab[0] > before_ab[0] and N.trust_ba[0] > before_ba[0]
    np.testing.assert_array_equal(m.contact, [True, False, False])

    ab, ba = expected["ab"], expected["ba"]
    given = np.array([(ab[0] + ab[2]) / 2, ba[0], (ab[1] + ba[2]) / 2, ba[1]])
    np.testing.assert_allclose(P.trust[:4], trust_before + ip.collective_rate * (given - trust_before))
    assert N.m == 3  # nobody met anyone new


@pytest.mark.parametrize("below", [True, False])
def test_contact_outside_work_and_new_ties_at_work(small_model, below: bool) -> None:
    m = small_model("interactions.social_contact=0.3", "interactions.new_tie_probability=0.2")
    P, R, ip = m.people, m.roles, m.scenario.interactions
    vacate_all(m)
    unit = next(u for u in range(len(R.unit_names)) if ((R.unit == u) & ~R.salaried).sum() >= 2)
    shared = np.flatnonzero((R.unit == unit) & ~R.salaried)
    elsewhere = int(np.flatnonzero((R.unit != unit) & ~R.salaried)[0])
    give(m, 0, shared[0])
    give(m, 1, shared[1])
    give(m, 2, elsewhere)  # person 3 works nowhere: none of the ties below joins co-workers
    N = fresh_network(m, [(0, 3), (2, 3), (1, 3)])
    P.overlap[:4] = [0.9, 0.4, 0.6, 0.8]
    m.mods.sphere_mixing = 0.5
    pair = P.overlap[N.a[:3]] * P.overlap[N.b[:3]] * 0.5
    u_social = at(ip.social_contact * pair, below)
    # 0 meets a member of its unit (1), 2 one of another unit (0), 1 nobody; 3 works nowhere
    u_tie = np.array([at(0.2, below), at(0.2, False), at(0.2, below), 0.0])
    u_other = np.array([1.5, 0.0, 0.5, 0.0]) / 4  # the members 0 to 3, picked as int(u * 4)

    rng = ScriptedUniforms(u_social, u_tie, u_other)
    interact(m, rng)

    assert rng.read == rng.scripted.size
    np.testing.assert_array_equal(m.contact, [below] * 3)
    assert N.m == (4 if below else 3)
    if below:
        assert (N.a[3], N.b[3]) == (0, 1) and N.trust_ab[3] == N.trust_ba[3] == ip.trust_base


# --- conflict ------------------------------------------------------------------------------


def test_open_conflicts_are_counted_and_fester(small_model) -> None:
    m = small_model("conflict.disagreement_rate=1", "conflict.defuse_base=0", "conflict.resolve_base=0")
    P, C, cp = m.people, m.conflicts, m.scenario.conflict
    N = fresh_network(m, [(0, 1), (1, 2), (2, 3)], trust=0.6)
    m.contact = np.array([True, True, False])
    m.week = 5

    disagree(m, m.streams["conflict"])

    assert N.conflict[0] >= 0 and N.conflict[1] >= 0 and N.conflict[2] == -1
    np.testing.assert_array_equal(P.conflicts[:4], [1, 2, 1, 0])
    assert events(m, "conflict_opened") == [0, 1]
    assert C.open_ids.size == 2

    # festering conflicts count double
    m.week = 5 + cp.festering_weeks
    m.contact = np.zeros(3, dtype=bool)
    disagree(m, m.streams["conflict"])
    np.testing.assert_array_equal(P.conflicts[:4], [2, 4, 2, 0])
    assert events(m, "conflict_festering") == [0, 1]

    # a conflict whose party has left closes
    P.status[0] = Status.DEPARTED
    disagree(m, m.streams["conflict"])
    assert N.conflict[0] == -1 and N.conflict[1] >= 0
    np.testing.assert_array_equal(P.conflicts[:4], [0, 2, 2, 0])
    assert C.open_ids.size == 1


def test_defused_disagreement_raises_tie_trust(small_model) -> None:
    m = small_model("conflict.disagreement_rate=1", "conflict.defuse_base=1", "conflict.in_meeting_share=1")
    P, cp = m.people, m.scenario.conflict
    N = fresh_network(m, [(0, 1), (2, 3)])
    N.trust_ab[:2] = [0.6, 0.6]
    N.trust_ba[:2] = [0.7, 0.7]
    m.contact = np.array([True, False])
    m.mods.defuse_bonus = 1.0
    assert (cp.defuse_base + 1.0) * 0.65 >= 1.0  # defused for sure

    disagree(m, m.streams["conflict"])

    assert N.trust_ab[0] == pytest.approx(0.6 + cp.fertile_gain)
    assert N.trust_ba[0] == pytest.approx(0.7 + cp.fertile_gain)
    assert N.trust_ab[1] == 0.6  # no contact, no disagreement
    assert events(m, "conflict_defused") == [0]
    assert events(m, "conflict_opened") == []
    assert N.conflict[0] == -1 and P.conflicts[:4].sum() == 0


@pytest.mark.parametrize(
    "disagreeing, defused, resolved", [(True, True, True), (True, False, False), (False, False, False)]
)
def test_disagreement_defuse_and_resolution_arithmetic(
    small_model, disagreeing: bool, defused: bool, resolved: bool
) -> None:
    m = small_model(
        "conflict.disagreement_rate=0.05",
        "conflict.in_meeting_share=0.5",
        "conflict.defuse_base=0.45",
        "conflict.resolve_base=0.3",
    )
    P, C, cp = m.people, m.conflicts, m.scenario.conflict
    N = fresh_network(m, [(0, 1), (1, 2), (2, 3), (0, 2), (1, 3)])
    N.trust_ab[:5] = [0.8, 0.5, 0.3, 0.6, 0.9]
    N.trust_ba[:5] = [0.6, 0.7, 0.2, 0.4, 0.5]
    for tie in (3, 4):  # two conflicts open since week 0
        N.conflict[tie] = C.open(np.array([tie]), 0)[0]
    open_counts(m)
    m.week = 5
    m.contact = np.array([True, True, True, True, False])  # tie 3 is in conflict: no new disagreement
    P.overlap[:4] = [0.9, 0.5, 0.2, 0.7]
    P.pressure[:4] = [0.1, 0.0, 0.2, 0.0]
    P.expectation_gap[:4] = [0.0, 0.3, 0.0, 0.0]
    P.exhaustion[:4] = [0.4, 0.2, 0.8, 0.1]
    m.mods.sphere_mixing, m.mods.defuse_bonus = 0.8, 0.3
    a, b = N.a[:3], N.b[:3]
    tension = P.pressure[:4] + P.expectation_gap[:4]
    p = (
        cp.disagreement_rate
        * (1.0 + cp.spill_over * P.overlap[a] * P.overlap[b] * 0.8)
        * (1.0 + cp.resentment * (tension[a] + tension[b]))
        * (1.0 + cp.fatigue * 0.5 * (P.exhaustion[a] + P.exhaustion[b]))
    )
    trust = 0.5 * (N.trust_ab[:5] + N.trust_ba[:5])
    u_meeting = np.array([0.2, 0.7, 0.4, 0.5, 0.5])  # ties 0 and 2 surface in a meeting
    chance = np.clip((cp.defuse_base + 0.3 * (u_meeting[:3] < 0.5)) * trust[:3], 0.0, 1.0)
    u = np.concatenate(
        [
            at(p, disagreeing), [0.0, 0.0],  # u_new
            u_meeting,
            at(chance, defused), [0.5, 0.5],  # u_defuse
            at(cp.resolve_base * trust[3:], resolved),  # u_resolve of the conflicts already open
        ]
    )  # fmt: skip
    opened = disagreeing and not defused
    rng = ScriptedUniforms(u, *([np.full(3, 0.999)] if opened else []))  # the new conflicts do not resolve
    trust_ab, trust_ba = N.trust_ab[:3].copy(), N.trust_ba[:3].copy()

    disagree(m, rng)

    assert rng.read == rng.scripted.size
    fertile = disagreeing and defused
    assert events(m, "conflict_defused") == ([0, 1, 2] if fertile else [])
    assert events(m, "conflict_opened") == ([0, 1, 2] if opened else [])
    np.testing.assert_allclose(N.trust_ab[:3], np.minimum(1.0, trust_ab + cp.fertile_gain * fertile))
    np.testing.assert_allclose(N.trust_ba[:3], np.minimum(1.0, trust_ba + cp.fertile_gain * fertile))
    assert ((N.conflict[:3] >= 0) == opened).all()
    assert events(m, "conflict_resolved") == ([0, 1] if resolved else [])
    assert ((N.conflict[3:5] == -1) == resolved).all()
    counts = np.zeros(4, dtype=int)
    for tie in np.flatnonzero(N.conflict[:5] >= 0):
        counts[[N.a[tie], N.b[tie]]] += 1
    np.testing.assert_array_equal(P.conflicts[:4], counts)


# --- governance ----------------------------------------------------------------------------


def test_backlog_arithmetic(small_model) -> None:
    m = small_model()
    gp = m.scenario.governance
    active = m.count(Status.ACTIVE)
    m.backlog = 10.0
    arriving = poisson(copy.deepcopy(m.streams["governance"]), gp.decisions_per_member * active)  # numpy's, read ahead
    capacity = gp.consent_capacity * (gp.reference_size / max(active, gp.reference_size)) ** gp.consent_exponent

    decide(m, m.streams["governance"])

    assert m.week_decision_capacity == pytest.approx(capacity)
    assert m.backlog == pytest.approx(max(0.0, 10.0 * (1.0 - gp.lapse) + arriving - capacity))


def test_backlog_never_negative(small_model) -> None:
    m = small_model("governance.decisions_per_member=0")
    m.backlog = 0.5
    decide(m, m.streams["governance"])
    assert m.backlog == 0.0


@pytest.mark.parametrize("exponent", [1.0, 2.0])
def test_consent_capacity_shrinks_with_group_size(small_model, exponent: float) -> None:
    m = small_model("population.founders=40", "governance.reference_size=10", f"governance.consent_exponent={exponent}")
    P, gp = m.people, m.scenario.governance
    capacities = []
    for k in (5, 10, 20, 40):
        P.status[:40] = Status.WITHDRAWN
        P.status[:k] = Status.ACTIVE
        capacities.append(decision_capacity(m))
    cc = gp.consent_capacity
    np.testing.assert_allclose(capacities, [cc, cc, cc * 0.5**exponent, cc * 0.25**exponent])


def test_delegation_uses_staffed_circles(small_model) -> None:
    m = small_model()
    R, gp = m.roles, m.scenario.governance
    vacate_all(m)
    m.scenario.delegation.modify(m.mods, m)
    assert m.mods.delegation is True
    assert decision_capacity(m) == pytest.approx(gp.consent_capacity * 0.5)  # no circle staffed
    welcome = unit_slots(m, WELCOME_CIRCLE)
    give(m, 0, welcome[0])
    give(m, 1, welcome[1])  # the same circle twice: one staffed circle
    give(m, 2, unit_slots(m, MEDIATION_CIRCLE)[0])
    give(m, 3, int(np.flatnonzero(~R.unit_is_circle[R.unit])[0]))  # not a circle
    assert decision_capacity(m) == pytest.approx(gp.circle_capacity * 2 + gp.consent_capacity * 0.5)


# --- membership ----------------------------------------------------------------------------


def test_newcomer_integrated_after_integration_weeks_by_consent(small_model) -> None:
    m = small_model("governance.objection=0")
    P, mp = m.people, m.scenario.membership
    m.week = 40
    m.add_newcomers(2)
    assert m.people.n == 6 and P.status[4] == Status.NEWCOMER
    weeks = mp.integration_weeks_unwelcomed
    P.status_week[4] = m.week - weeks
    P.status_week[5] = m.week - weeks + 1

    arrive_and_integrate(m, m.streams["arrivals"])

    assert P.status[4] == Status.ACTIVE and P.status_week[4] == m.week
    assert P.status[5] == Status.NEWCOMER
    assert events(m, "integration") == [4]
    assert m.people.n == 6  # nobody arrives at zero arrivals per week


def test_integration_refused_when_members_object(small_model) -> None:
    m = small_model("governance.objection=1")
    P, mp = m.people, m.scenario.membership
    m.week = 40
    m.add_newcomers(1)
    P.trust[:4] = 0.0  # every member objects (chance 0.999 each)
    weeks = mp.integration_weeks_unwelcomed
    P.status_week[4] = m.week - weeks
    arrive_and_integrate(m, m.streams["arrivals"])
    assert P.status[4] == Status.NEWCOMER
    assert events(m, "integration_refused") == [4]
    assert P.status_week[4] == m.week - weeks // 2  # asked again after half the time


@pytest.mark.parametrize("below", [True, False])
def test_integration_consent_arithmetic(small_model, below: bool) -> None:
    m = small_model("governance.objection=0.3")
    P, mp = m.people, m.scenario.membership
    m.week = 40
    m.add_newcomers(2)
    P.status[3] = Status.WITHDRAWN  # not among the deciders
    P.trust[:4] = [0.9, 0.5, 0.2, 0.0]
    P.status_week[4:6] = m.week - mp.integration_weeks_unwelcomed
    p_yes = (1.0 - 0.3 * 0.1) * (1.0 - 0.3 * 0.5) * (1.0 - 0.3 * 0.8)  # nobody among the three active objects
    assert consent_probability(m, np.arange(3)) == pytest.approx(p_yes, rel=1e-12)
    u_consent = np.array([0.5, 0.5, 0.5, 0.5, *at([p_yes, p_yes], below)])

    stream = ScriptedUniforms(u_consent)
    integrate(m, stream)  # the consent draws, one per person

    assert events(m, "integration" if below else "integration_refused") == [4, 5]
    assert stream.read == 6


def test_welcome_circle_capacity_and_integration_time(small_model) -> None:
    m = small_model("governance.objection=0", "welcome.capacity=2", "welcome.integration_weeks=5")
    P, mp = m.people, m.scenario.membership
    assert mp.integration_weeks_unwelcomed > 6
    vacate_all(m)
    m.scenario.welcome.modify(m.mods, m)
    assert m.mods.welcome_capacity == 2 and m.mods.integration_weeks == 5
    m.week = 10
    m.add_newcomers(3)

    arrive_and_integrate(m, m.streams["arrivals"])
    assert not P.welcomed[4:7].any()  # nobody in the welcome circle: nobody welcomed

    give(m, 0, unit_slots(m, WELCOME_CIRCLE)[0])
    arrive_and_integrate(m, m.streams["arrivals"])
    np.testing.assert_array_equal(P.welcomed[4:7], [True, True, False])

    m.week = 15
    arrive_and_integrate(m, m.streams["arrivals"])
    np.testing.assert_array_equal(P.status[4:7], [Status.ACTIVE, Status.ACTIVE, Status.NEWCOMER])


def test_role_identity_builds_with_roles_and_keeps_people_in(small_model) -> None:
    m = small_model(
        "membership.withdraw_probability=1",
        "membership.withdraw_below=0.25",
        "membership.withdraw_spread=0.001",
        "membership.identity_shift=0.2",
        "membership.identity_rate=0.1",
        "membership.reengage_probability=0",
        "membership.life_departure=0",
        "population.duty_share=0",
    )
    P = m.people
    vacate_all(m)
    give(m, 0, *volunteer_roles(m)[:2].tolist())
    P.identity[:4] = [0.9, 0.9, 0.1, 0.1]
    P.engagement[:4] = 0.25  # at withdraw_below: a strong identity stays, a weak one leaves
    leave_or_withdraw(m, m.streams["membership"])
    # identity moved 10 % of the way to its target (1 with two roles, 0 with none)
    np.testing.assert_allclose(P.identity[:4], [0.91, 0.81, 0.09, 0.09])
    assert events(m, "withdrawal") == [2, 3]
    np.testing.assert_array_equal(P.status[:2], Status.ACTIVE)


def test_life_departure_grows_rarer_with_years_lived_there(small_model) -> None:
    m = small_model("membership.life_departure=0.01", "membership.inertia_years=2", "membership.embeddedness_hold=0")
    m.week = 6 * WEEKS_PER_YEAR
    m.add_newcomers(1)  # row 4 arrives now; the founders arrived six years ago
    chance = life_event_chance(m)
    np.testing.assert_allclose(chance[:5], [0.0025] * 4 + [0.01])
    m.scenario.membership.inertia_years = 0.0
    np.testing.assert_allclose(life_event_chance(m)[:5], 0.01)


def test_attachment_keeps_people_from_leaving_for_outside_reasons(small_model) -> None:
    m = small_model("membership.life_departure=0.01", "membership.embeddedness_hold=0.5")
    P = m.people
    for field in (P.trust, P.security_fin, P.overlap):  # attachment: their mean
        field[:4] = [1.0, 0.0, 0.5, 0.0]
    np.testing.assert_allclose(life_event_chance(m)[:4], 0.01 * (1.0 - 0.5 * np.array([1.0, 0.0, 0.5, 0.0])))
    m.scenario.membership.inertia_years = 2.0
    m.week = 2 * WEEKS_PER_YEAR  # inertia halves it again for the founders
    np.testing.assert_allclose(life_event_chance(m)[:4], 0.005 * np.array([0.5, 1.0, 0.75, 1.0]))


def test_departures_follow_life_event_chance_and_attachment(small_model) -> None:
    m = small_model(
        "population.founders=40",
        "membership.life_departure=0.3",
        "membership.inertia_years=2",
        "membership.embeddedness_hold=0.5",
        "membership.withdrawn_departure=0.4",
        "membership.withdraw_probability=0",
        "membership.reengage_probability=0",
    )
    P, mp = m.people, m.scenario.membership
    m.week = 3 * WEEKS_PER_YEAR
    for i in range(0, 40, 2):
        m.set_status(i, Status.WITHDRAWN)
    withdrawn = P.status[:40] == Status.WITHDRAWN
    chance = life_event_chance(m) + withdrawn * mp.withdrawn_departure * (1.0 - attachment(m, np.arange(40)))
    u_leave = copy.deepcopy(m.streams["membership"]).random((3, 40))[2]
    leave_or_withdraw(m, m.streams["membership"])
    expected = np.flatnonzero(u_leave < chance).tolist()
    assert 0 < len(expected) < 40
    assert events(m, "departure") == expected


def test_member_who_withdraws_does_not_reengage_the_same_week(small_model) -> None:
    m = small_model(
        "membership.withdraw_probability=1",
        "membership.withdraw_below=1",
        "membership.identity_shift=0",
        "membership.withdraw_spread=0.001",
        "membership.reengage_probability=1",
        "membership.life_departure=0",
        "membership.withdrawn_departure=0",
        "population.duty_share=0",
    )
    P, mp = m.people, m.scenario.membership
    P.engagement[:4] = max(0.9, mp.reengage_above + 0.05)
    leave_or_withdraw(m, m.streams["membership"])
    assert events(m, "withdrawal") == [0, 1, 2, 3]
    np.testing.assert_array_equal(P.status[:4], Status.WITHDRAWN)


def test_newcomer_who_burns_out_does_not_become_member_without_consent(small_model) -> None:
    m = small_model(
        "membership.burnout_departure=0",
        "membership.reengage_probability=1",
        "membership.life_departure=0",
        "membership.withdrawn_departure=0",
        "membership.newcomer_departure=0",
    )
    P, mp = m.people, m.scenario.membership
    m.add_newcomers(1)
    P.exhaustion[4] = 1.0
    strain_and_recovery(m, m.streams["strain"])
    assert P.burned_out[4]
    P.exhaustion[4] = 0.0
    strain_and_recovery(m, m.streams["strain"])
    assert not P.burned_out[4]
    P.engagement[4] = max(0.9, mp.reengage_above + 0.05)
    leave_or_withdraw(m, m.streams["membership"])
    assert events(m, "integration") == []
    assert P.status[4] != Status.ACTIVE


def test_strain_week_handles_the_noticed_then_the_burning_then_the_recovered(small_model) -> None:
    m = small_model("membership.burnout_departure=0", "population.duty_hold=0")
    P, wp = m.people, m.scenario.wellbeing
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0])
    give(m, 2, ops[1])
    P.load[:4] = 1.0
    P.conflicts[:4] = 0
    P.pressure[:4] = 0.0
    P.exhaustion[:4] = [wp.notice_level + 0.05, 1.0, 1.0, 0.0]
    assert wp.notice_level + 0.05 < wp.burnout_threshold
    P.burned_out[3] = True
    m.mods.exhaustion_notice = 1.0

    strain_and_recovery(m, m.streams["strain"])

    frame = m.recorder.events_frame()
    assert list(zip(frame["kind"].astype(str), frame["person"].astype(int), strict=True)) == [
        ("exhaustion_noticed", 0),
        ("role_dropped", 0),
        ("exhaustion_noticed", 1),
        ("exhaustion_noticed", 2),
        ("role_dropped", 2),
        ("burnout", 1),
        ("burnout", 2),
        ("recovery", 3),
    ]
    np.testing.assert_array_equal(P.burned_out[:4], [False, True, True, False])


def test_engagement_arithmetic(small_model) -> None:
    m = small_model()
    P, R, wp = m.people, m.roles, m.scenario.wellbeing
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0], ops[1])
    give(m, 1, ops[2])
    R.formal[ops[:2]] = True  # person 0 holds two formal roles: recognised once
    m.mods.formal_recognition, m.mods.description_recognition = 0.01, 0.004
    P.status[3] = Status.DEPARTED
    P.paid[:4] = [Paid.SALARIED, Paid.STIPEND, Paid.VOLUNTEER, Paid.VOLUNTEER]
    P.income_base[:4] = [0.1, 0.9, 0.4, 0.4]
    P.hours[:4] = [30.0, 10.0, 2.0, 50.0]
    P.conflicts[:4] = [0, 1, 4, 0]
    P.trust[:4] = [0.8, 0.5, 0.2, 0.6]
    P.recognition[:4] = [0.3, 0.5, 0.2, 0.1]
    P.security_fin[:4] = [0.5, 0.5, 0.5, 0.5]
    P.security_emo[:4] = [0.6, 0.4, 0.3, 0.5]
    P.meaning[:4] = [0.7, 0.6, 0.5, 0.4]
    P.exhaustion[:4] = [0.2, 0.4, 0.6, 0.1]
    P.pressure[:4] = [0.0, 0.3, 0.0, 0.0]
    P.engagement[:4] = [0.6, 0.5, 0.4, 0.7]
    m.backlog = 2.0
    noise = 0.0 + wp.engagement_noise * copy.deepcopy(m.streams["engagement"]).standard_normal(4)  # read ahead
    before = P.engagement[:4].copy()

    update_engagement(m, m.streams["engagement"])

    rec = np.array([0.3, 0.5, 0.2, 0.1])
    rec = np.clip(rec + wp.recognition_decay * (wp.visibility - rec) + [0.014, 0.004, 0.0, 0.0], 0.0, 1.0)
    fin_target = np.maximum([wp.salaried_security, wp.stipend_security, 0.0, 0.0], [0.1, 0.9, 0.4, 0.4])
    fin = 0.5 + wp.security_rate * (fin_target - 0.5)
    emo_before = np.array([0.6, 0.4, 0.3, 0.5])
    emo_target = 0.3 + 0.5 * P.trust[:4] + 0.2 * (P.conflicts[:4] == 0)
    emo = np.clip(emo_before + wp.security_rate * (emo_target - emo_before), 0.0, 1.0)
    meaning_before = np.array([0.7, 0.6, 0.5, 0.4])
    meaning = meaning_before + 0.005 * (P.trust[:4] - meaning_before) - 0.002 * np.minimum(P.conflicts[:4], 3)
    heavy = np.clip(P.hours[:4] / (42.0 / 3 + 1e-9) - 1.0, 0.0, 2.0) / 2.0  # the mean over the present
    target = (
        wp.w_meaning * meaning
        + wp.w_trust * P.trust[:4]
        + wp.w_recognition * rec
        + wp.w_security * 0.5 * (fin + emo)
        - wp.w_exhaustion * P.exhaustion[:4]
        - wp.w_pressure * P.pressure[:4]
        - wp.w_conflict * np.minimum(P.conflicts[:4], 3)
        - wp.w_backlog * min(2.0 / 3, 1.0)  # three active members
        - wp.w_frustration * heavy * (1.0 - rec)
        + wp.baseline
    )
    engagement = np.clip(before + wp.engagement_rate * (target - before) + noise, 0.0, 1.0)
    engagement[3] = before[3]  # the departed are left alone
    np.testing.assert_allclose(P.recognition[:4], rec)
    np.testing.assert_allclose(P.security_fin[:4], fin)
    np.testing.assert_allclose(P.security_emo[:4], emo)
    np.testing.assert_allclose(P.meaning[:4], meaning)
    np.testing.assert_allclose(P.engagement[:4], engagement)


@pytest.mark.parametrize("below", [True, False])
def test_withdrawal_return_and_departure_arithmetic(small_model, below: bool) -> None:
    m = small_model(
        "membership.withdraw_probability=0.5",
        "membership.withdraw_below=0.3",
        "membership.withdraw_spread=0.1",
        "membership.identity_shift=0.2",
        "membership.identity_rate=0.1",
        "membership.reengage_above=0.45",
        "membership.reengage_probability=0.3",
        "membership.life_departure=0.01",
        "membership.inertia_years=2",
        "membership.embeddedness_hold=0.5",
        "membership.withdrawn_departure=0.2",
        "membership.newcomer_departure=0.3",
        "population.duty_hold=0.5",
    )
    P, mp = m.people, m.scenario.membership
    m.week = 3 * WEEKS_PER_YEAR
    m.add_newcomers(2)  # rows 4 and 5 arrive now; the founders came three years ago
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0])
    give(m, 1, ops[1], ops[2])
    P.status[2:4] = Status.WITHDRAWN
    P.burned_out[:6] = False
    P.contract[:6] = [True, False, False, False, False, False]  # an agreement does not hold anyone back here
    P.duty[:6] = [0.6, 0.0, 0.0, 0.0, 0.0, 0.0]
    P.identity[:6] = [0.4, 0.9, 0.2, 0.1, 0.0, 0.0]
    P.engagement[:6] = [0.3, 0.2, 0.6, mp.reengage_above, 0.5, 0.5]  # 3: at the level, not above it
    P.welcomed[:6] = [False, False, False, False, True, False]
    P.trust[:6] = [0.8, 0.2, 0.5, 0.4, 0.6, 0.3]
    P.security_fin[:6] = [0.5, 0.1, 0.3, 0.9, 0.2, 0.4]
    P.overlap[:6] = [0.2, 0.6, 0.7, 0.1, 0.3, 0.5]
    m.acceptance = 0.4
    identity = P.identity[:6] + 0.1 * (np.minimum(P.roles[:6], 2) / 2.0 - P.identity[:6])
    midpoint = 0.3 + 0.2 * (0.5 - identity)
    withdraw = 0.5 / (1.0 + np.exp((P.engagement[:6] - midpoint) / 0.1))
    withdraw *= 1.0 - 0.5 * P.duty[:6]
    attached = (P.trust[:6] + P.security_fin[:6] + P.overlap[:6]) / 3.0
    years_here = np.array([3.0, 3.0, 3.0, 3.0, 0.0, 0.0])
    leave = 0.01 * 2 / (2 + years_here) * (1.0 - 0.5 * attached)
    newcomers = 0.3 * (1.0 - 0.4) * (1.0 - attached[4:6])  # welcomed or not: their attachment decides
    leave += [0.0, 0.0, 0.2 * (1.0 - attached[2]), 0.2 * (1.0 - attached[3]), *newcomers]
    u = np.array(
        [
            [*at(withdraw[:2], below), 0.0, 0.0, 0.0, 0.0],
            [0.5, 0.5, at(0.3, below), 0.0, 0.5, 0.5],
            at(leave, below),
        ]
    )

    rng = ScriptedUniforms(u)
    leave_or_withdraw(m, rng)

    assert rng.read == rng.scripted.size
    np.testing.assert_allclose(P.identity[:6], identity, rtol=1e-12)
    assert events(m, "withdrawal") == ([0, 1] if below else [])
    assert events(m, "reengagement") == ([2] if below else [])
    assert events(m, "departure") == ([0, 1, 2, 3, 4, 5] if below else [])


def test_arrival_rate_with_housing_room_and_visibility(small_model) -> None:
    m = small_model("territory.housing_capacity=10", "territory.visibility_size=4", "territory.arrivals_per_week=0.8")
    P, tp = m.people, m.scenario.territory
    m.add_newcomers(1)
    P.status[:5] = [Status.ACTIVE, Status.ACTIVE, Status.WITHDRAWN, Status.DEPARTED, Status.NEWCOMER]
    m.acceptance = 0.3
    rng = Scripted(2)
    assert arrivals_this_week(m, rng) == 2
    room, visible = 1.0 - 4 / 10, 2 / 4  # four people present, two active members
    assert rng.asked == [("poisson", pytest.approx(0.8 * (0.5 + 0.3) * (0.5 + 0.5 * visible) * room, rel=1e-12))]

    tp.housing_capacity = 3  # more people present than homes: nobody comes
    rng = Scripted(0)
    arrivals_this_week(m, rng)
    assert rng.asked == [("poisson", 0.0)]


def test_acceptance_follows_the_active_members_involvement(small_model) -> None:
    m = small_model()
    P, tp = m.people, m.scenario.territory
    P.status[:4] = [Status.ACTIVE, Status.ACTIVE, Status.WITHDRAWN, Status.NEWCOMER]
    P.engagement[:4] = [0.8, 0.6, 0.1, 0.9]
    m.mods.acceptance_gain = 0.01
    a = m.acceptance
    a = a + tp.involvement_gain * 0.7 * (1 - a) + 0.01 * (1 - a)  # the mean engagement of the active members
    a = a - tp.acceptance_decay * (a - tp.acceptance_floor)
    update_acceptance(m)
    assert m.acceptance == pytest.approx(a, rel=1e-12)


# --- money ---------------------------------------------------------------------------------


def test_ledger_refuses_unaffordable_payments_and_records_flows() -> None:
    L = Ledger([100.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert not L.pay(0, 1, 150.0, "too_much")
    np.testing.assert_array_equal(L.treasury, [100, 0, 0, 0, 0, 0])
    assert L.week_flows == {}
    assert L.pay(0, 1, 60.0, "rent")
    assert L.pay(0, 1, 40.0, "rent")  # exactly what is left
    assert L.pay(OUTSIDE, 2, 10.0, "gift")
    assert L.pay(1, OUTSIDE, 25.0, "loan")
    assert not L.pay(0, 3, 0.01, "nothing_left")
    assert L.pay(0, 3, 0.0, "zero")  # nothing to pay is always affordable, and not recorded
    np.testing.assert_allclose(L.treasury, [0, 75, 10, 0, 0, 0])
    assert L.inflow_total == 10.0 and L.outflow_total == 25.0
    assert L.week_flows == {"rent": 100.0, "gift": 10.0, "loan": 25.0}
    assert L.treasury.sum() - 100.0 == pytest.approx(L.inflow_total - L.outflow_total)
    L.week_flows = {}  # a new week: the flows start again, the totals since the start stay
    assert L.week_flows == {} and L.inflow_total == 10.0 and L.outflow_total == 25.0


def test_salaries_paid_by_the_structure_or_left_unpaid(small_model) -> None:
    m = small_model()
    P, R, L, mp = m.people, m.roles, m.ledger, m.scenario.money
    vacate_all(m)
    salaried = int(np.flatnonzero(R.salaried & (R.structure == COOP))[0])
    give(m, 0, salaried)
    weekly = mp.salary_per_month * 12 / WEEKS_PER_YEAR
    L.treasury[COOP] = weekly + 1.0
    out = L.outflow_total
    pay_salaries(m)
    assert L.treasury[COOP] == pytest.approx(1.0)
    assert L.outflow_total == pytest.approx(out + weekly)

    P.security_fin[0] = 0.5
    pay_salaries(m)  # 1 euro left: unpaid
    assert L.treasury[COOP] == pytest.approx(1.0)
    assert P.security_fin[0] == pytest.approx(0.5 * 0.95)
    assert events(m, "salary_unpaid") == [0]


def test_money_flows_of_the_week(small_model) -> None:
    m = small_model()
    P, R, L, mp = m.people, m.roles, m.ledger, m.scenario.money
    m.add_newcomers(2)
    P.status[5] = Status.DEPARTED  # five residents, four active members
    vacate_all(m)
    coop_ops = np.flatnonzero((R.structure == COOP) & (R.kind == OPERATIONAL) & ~R.salaried)
    salaried = int(np.flatnonzero(R.salaried)[0])
    give(m, 0, coop_ops[0])
    give(m, 1, coop_ops[1])
    give(m, 2, salaried)
    give(m, 3, unit_slots(m, WELCOME_CIRCLE)[0])  # one staffed circle
    P.required[:4] = [10.0, 0.0, 5.0, 1.0]
    P.hours[:4] = [6.0, 0.0, 4.0, 1.0]  # the share of what was asked each did: 0.6, all (nothing asked), 0.8
    m.acceptance = 0.35
    L.treasury[:] = [5000.0, 5000.0, 5000.0, 800.0, 20000.0, 5000.0]
    t = L.treasury.copy()
    L.week_flows = {}

    flows(m, Scripted(600.0))  # the week's gifts

    expected: dict[str, float] = {}

    def pay(payer: int, payee: int, amount: float, kind: str) -> None:
        if payer != OUTSIDE:
            assert t[payer] >= amount
            t[payer] -= amount
        if payee != OUTSIDE:
            t[payee] += amount
        expected[kind] = expected.get(kind, 0.0) + amount

    share_done = {int(coop_ops[0]): 0.6, int(coop_ops[1]): 1.0, salaried: 0.8}
    coop_hours = sum(
        R.hours[r] * done for r, done in share_done.items() if R.structure[r] == COOP and R.kind[r] == OPERATIONAL
    )
    sales = mp.sales_per_hour * coop_hours * (0.5 + 0.35) + mp.local_spending * 5
    pay(OUTSIDE, COOP, sales, "coop_sales")
    pay(COOP, OUTSIDE, mp.supplies_share * sales, "coop_supplies")
    pay(COOP, SCI, mp.commercial_rent, "commercial_rent")
    pay(SCI, OUTSIDE, mp.sci_loan, "sci_loan")
    pay(OUTSIDE, QRT, mp.housing_rent * mp.housing_share * 5, "housing_rent")
    pay(QRT, OUTSIDE, mp.qrt_loan, "qrt_loan")
    pay(OUTSIDE, FUND, 600.0, "gifts")
    pay(OUTSIDE, ASSOCIATION, mp.subsidies_per_year / WEEKS_PER_YEAR + mp.membership_fee * 4, "subsidies_and_fees")
    pay(ASSOCIATION, OUTSIDE, mp.circle_budget * 1, "circle_budgets")
    pay(FUND, ASSOCIATION, mp.fund_grant_share * (t[FUND] - mp.fund_reserve), "fund_grants")
    pay(ABEILLE, COOP, mp.abeille_investment_share * t[ABEILLE], "abeille_investment")
    pay(int(R.structure[salaried]), OUTSIDE, mp.salary_per_month * 12 / WEEKS_PER_YEAR, "salaries")
    assert L.week_flows == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(L.treasury, t, rtol=1e-12)


# --- mechanisms ----------------------------------------------------------------------------


def test_rex_session_recognises_who_carries_most(small_model) -> None:
    m = small_model(
        "rex.start_week=1",
        "rex.every_weeks=2",
        "rex.participation=1",
        "rex.facilitators=4",
        "rex.per_facilitator=10",
        "rex.handover=1",
    )
    P, R, rex = m.people, m.roles, m.scenario.rex
    N = m.network
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0], ops[-1])
    P.hours[:4] = [20.0, 10.0, 5.0, 0.0]
    P.load[:4] = [1.2, 0.5, 0.5, 0.0]
    P.exhaustion[:4] = 0.0
    P.recognition[:4] = 0.3
    P.meaning[:4] = 0.5
    ab, ba = N.view("trust_ab").copy(), N.view("trust_ba").copy()

    m.week = 2  # sessions at weeks 1, 3, 5, ...: not a session week
    rex.act(m, m.streams["rex"])
    assert events(m, "rex_session") == []
    np.testing.assert_array_equal(P.recognition[:4], 0.3)

    m.week = 3
    rex.act(m, m.streams["rex"])
    assert events(m, "rex_session") == [-1]
    assert P.rex_trained[:4].all()
    gain = rex.recognition_gain * P.hours[:4] / 20.0
    np.testing.assert_allclose(P.recognition[:4], np.minimum(1.0, 0.3 + gain), rtol=1e-6)
    assert P.recognition[0] > P.recognition[1] > P.recognition[2] > P.recognition[3]
    np.testing.assert_allclose(P.meaning[:4], min(1.0, 0.5 + rex.meaning_gain))
    np.testing.assert_allclose(N.view("trust_ab"), ab + rex.trust_gain * (1.0 - ab))
    np.testing.assert_allclose(N.view("trust_ba"), ba + rex.trust_gain * (1.0 - ba))
    # the overloaded participant hands over the heaviest role, openly
    assert R.holder[ops[0]] == -1 and R.announced[ops[0]] and R.holder[ops[-1]] == 0


# REX sessions in weeks 1, 3, 5, … that every active member attends, nobody handing over a role
REX_EVERY_ODD_WEEK_FOR_ALL = (
    "rex.start_week=1",
    "rex.every_weeks=2",
    "rex.participation=1",
    "rex.facilitators=4",
    "rex.handover=0",
)


def test_rex_limits_the_hours_participants_impose_on_themselves(small_model) -> None:
    m = small_model(
        *REX_EVERY_ODD_WEEK_FOR_ALL,
        "rex.limits=0.8",
        "rex.limits_fade=0.1",
        "work.overwork=0.5",
    )
    P, rex = m.people, m.scenario.rex
    vacate_all(m)
    give(m, 0, *volunteer_roles(m)[:6].tolist())  # far more than anyone's capacity
    P.engagement[:4] = 1.0
    compute_hours(m)
    cap = P.capacity[0]
    assert P.load[0] > 1.0 and P.hours[0] == pytest.approx(cap * 1.5)  # stretched by overwork
    assert (P.load[1:4] <= 1.0).all()

    m.week = 3
    rex.act(m, m.streams["rex"])
    np.testing.assert_allclose(P.restraint[:4], [0.8, 0.0, 0.0, 0.0])  # only who works beyond capacity
    compute_hours(m)
    assert P.hours[0] == pytest.approx(cap * (1.0 + 0.5 * (1.0 - 0.8)))

    m.week = 4  # no session: the agreement fades
    rex.act(m, m.streams["rex"])
    assert P.restraint[0] == pytest.approx(0.8 * 0.9)


def test_rex_streamlines_the_roles_its_participants_hold(small_model) -> None:
    m = small_model(
        *REX_EVERY_ODD_WEEK_FOR_ALL,
        "rex.limits=0",
        "rex.streamlining=0.5",
        "rex.effort_floor=0.8",
        "rex.forgetting=0.1",
        "structures.pool_hours_per_member=0",
    )
    P, R, rex = m.people, m.roles, m.scenario.rex
    vacate_all(m)
    held, vacant = volunteer_roles(m)[:2]
    give(m, 0, held)
    P.capacity[:4] = 100.0  # nobody works beyond capacity: the hours done are the hours required
    compute_hours(m)
    before = P.required[0]

    m.week = 3
    rex.act(m, m.streams["rex"])
    assert R.effort[held] == pytest.approx(1.0 - 0.5 * (1.0 - 0.8))  # half the avoidable fifth removed
    assert (R.effort[R.holder < 0] == 1.0).all() and R.effort[vacant] == 1.0  # nobody debriefed those
    compute_hours(m)
    assert P.required[0] == pytest.approx(0.9 * before) and P.hours[0] == pytest.approx(0.9 * before)

    m.week = 4  # no session: the organisation drifts back
    rex.act(m, m.streams["rex"])
    assert R.effort[held] == pytest.approx(0.9 + 0.1 * (1.0 - 0.9))


def test_rex_resolves_conflicts_between_participants_who_trust_each_other(small_model) -> None:
    m = small_model(
        "rex.start_week=0",
        "rex.participation=1",
        "rex.facilitators=4",
        "rex.handover=0",
        "rex.trust_gain=0",
        "rex.conflict_resolution=1",
    )
    P, C = m.people, m.conflicts
    N = fresh_network(m, [(0, 1), (2, 3)])
    N.trust_ab[:2] = N.trust_ba[:2] = [1.0, 0.0]  # full trust on the first tie, none on the second
    for tie in (0, 1):
        N.conflict[tie] = C.open(np.array([tie]), 0)[0]
    open_counts(m)
    np.testing.assert_array_equal(P.conflicts[:4], [1, 1, 1, 1])

    m.scenario.rex.act(m, m.streams["rex"])

    assert N.conflict[0] == -1 and N.conflict[1] >= 0  # only where the two still trust each other
    np.testing.assert_array_equal(P.conflicts[:4], [0, 0, 1, 1])
    assert events(m, "conflict_resolved") == [0]


@pytest.mark.parametrize("below", [True, False])
def test_rex_resolution_chance_follows_mutual_trust(small_model, below: bool) -> None:
    m = small_model(
        "rex.start_week=0",
        "rex.participation=1",
        "rex.handover=0",
        "rex.trust_gain=0",
        "rex.conflict_resolution=0.8",
    )
    P, C = m.people, m.conflicts
    m.mechanism_state["rex"] = {"trained": True}
    P.rex_trained[:4] = True
    N = fresh_network(m, [(0, 1), (2, 3)])
    N.trust_ab[:2] = [0.9, 0.2]
    N.trust_ba[:2] = [0.3, 0.6]
    for tie in (0, 1):
        N.conflict[tie] = C.open(np.array([tie]), 0)[0]
    open_counts(m)
    chance = 0.8 * 0.5 * (N.trust_ab[:2] + N.trust_ba[:2])

    rng = ScriptedUniforms(np.zeros((2, 4)), at(chance, below))
    m.scenario.rex.act(m, rng)

    assert rng.read == rng.scripted.size

    assert events(m, "conflict_resolved") == ([0, 2] if below else [])
    np.testing.assert_array_equal(P.conflicts[:4], 0 if below else 1)


def test_rex_needs_a_facilitator(small_model) -> None:
    m = small_model("rex.start_week=0", "rex.participation=1", "rex.facilitators=0")
    P = m.people
    P.recognition[:4] = 0.3
    m.scenario.rex.act(m, m.streams["rex"])
    assert events(m, "rex_session") == []
    np.testing.assert_array_equal(P.recognition[:4], 0.3)


def _mediation_model(small_model, *overrides: str) -> CoopModel:
    m = small_model("mediation.min_age_weeks=2", "mediation.capacity_per_month=1", *overrides)
    C = m.conflicts
    N = fresh_network(m, [(0, 1), (2, 3), (1, 2)])
    for tie, week in ((0, 1), (1, 3), (2, 9)):
        N.conflict[tie] = C.open(np.array([tie]), week)[0]
    open_counts(m)
    vacate_all(m)
    m.week = 10
    m.month_start = True
    return m


def test_mediation_resolves_the_oldest_conflicts(small_model) -> None:
    m = _mediation_model(small_model, "mediation.resolution_probability=1", "mediation.needs_circle=true")
    P, N = m.people, m.network
    give(m, 3, unit_slots(m, MEDIATION_CIRCLE)[0])
    np.testing.assert_array_equal(P.conflicts[:4], [1, 2, 2, 1])

    m.month_start = False
    m.scenario.mediation.act(m, m.streams["mediation"])
    assert m.conflicts.open_ids.size == 3  # only at the start of a month

    m.month_start = True
    m.scenario.mediation.act(m, m.streams["mediation"])
    assert N.conflict[0] == -1 and N.conflict[1] >= 0 and N.conflict[2] >= 0  # capacity 1: the oldest
    np.testing.assert_array_equal(P.conflicts[:4], [0, 1, 2, 1])
    assert events(m, "conflict_mediated") == [0]
    assert events(m, "conflict_resolved") == [0]
    assert (m.week_mediated, m.week_mediated_ok) == (1, 1)

    m.scenario.mediation.act(m, m.streams["mediation"])
    assert N.conflict[1] == -1 and N.conflict[2] >= 0  # one week old: not taken up yet


def test_mediation_needs_someone_in_the_circle(small_model) -> None:
    m = _mediation_model(small_model, "mediation.resolution_probability=1", "mediation.needs_circle=true")
    m.scenario.mediation.act(m, m.streams["mediation"])
    assert m.conflicts.open_ids.size == 3
    assert events(m, "conflict_mediated") == []

    m = _mediation_model(small_model, "mediation.resolution_probability=1", "mediation.needs_circle=false")
    m.scenario.mediation.act(m, m.streams["mediation"])
    assert m.conflicts.open_ids.size == 2


def test_failed_mediation_leaves_the_conflict_open(small_model) -> None:
    m = _mediation_model(small_model, "mediation.resolution_probability=0", "mediation.needs_circle=false")
    m.scenario.mediation.act(m, m.streams["mediation"])
    assert m.conflicts.open_ids.size == 3
    assert events(m, "conflict_mediated") == [0] and events(m, "conflict_resolved") == []
    assert (m.week_mediated, m.week_mediated_ok) == (1, 0)


def test_mediation_takes_up_a_conflict_once_it_is_min_age_weeks_old(small_model) -> None:
    m = _mediation_model(
        small_model,
        "mediation.resolution_probability=0",
        "mediation.needs_circle=false",
        "mediation.capacity_per_month=3",
    )
    m.week = 11  # the conflicts opened in weeks 1, 3 and 9: the last is exactly min_age_weeks old
    m.scenario.mediation.act(m, m.streams["mediation"])
    assert events(m, "conflict_mediated") == [0, 2, 1]  # the first party of each, the oldest first
    assert m.week_mediated == 3


@pytest.mark.parametrize("below", [True, False])
def test_mediation_success_arithmetic(small_model, below: bool) -> None:
    m = _mediation_model(
        small_model,
        "mediation.resolution_probability=0.6",
        "mediation.festering_factor=0.5",
        "mediation.needs_circle=false",
        "mediation.capacity_per_month=3",
    )
    N, C, med = m.network, m.conflicts, m.scenario.mediation
    N.trust_ab[:3] = [0.2, 0.9, 0.6]
    N.trust_ba[:3] = [0.4, 0.7, 0.1]
    C.festering.add(int(N.conflict[1]))
    open_counts(m)
    m.week = 11
    ids = N.conflict[:3].copy()  # opened in this order: the oldest first
    trust = 0.5 * (N.trust_ab[:3] + N.trust_ba[:3])
    p = 0.6 * (0.5 + trust) * np.array([1.0, 0.5, 1.0])
    np.testing.assert_allclose(med.success_probability(m, ids, np.arange(3)), p, rtol=1e-12)
    med.resolution_probability = 0.9  # 0.9 × (0.5 + 0.8) > 1: at most 1
    np.testing.assert_allclose(med.success_probability(m, ids[[0, 2]], np.array([0, 2])), [0.72, 0.9 * 0.85])
    N.trust_ab[1] = N.trust_ba[1] = 1.0
    np.testing.assert_allclose(med.success_probability(m, ids[[1]], np.array([1])), [0.9 * 1.5 * 0.5])
    C.festering.flags[ids[1]] = False
    np.testing.assert_allclose(med.success_probability(m, ids[[1]], np.array([1])), [1.0])
    C.festering.flags[ids[1]] = True
    N.trust_ab[1], N.trust_ba[1] = 0.9, 0.7
    med.resolution_probability = 0.6

    rng = ScriptedUniforms(at(p, below))
    m.scenario.mediation.act(m, rng)

    assert rng.read == rng.scripted.size

    assert events(m, "conflict_mediated") == [0, 2, 1]
    assert events(m, "conflict_resolved") == ([0, 2, 1] if below else [])
    assert (m.week_mediated, m.week_mediated_ok) == (3, 3 if below else 0)
    assert ((N.conflict[:3] == -1) == below).all()


def test_rex_streamlines_a_revisited_role_towards_the_floor(small_model) -> None:
    m = small_model(*REX_EVERY_ODD_WEEK_FOR_ALL, "rex.limits=0", "rex.streamlining=0.5", "rex.effort_floor=0.8")
    R, rex = m.roles, m.scenario.rex
    vacate_all(m)
    held = volunteer_roles(m)[0]
    give(m, 0, held)
    R.effort[held] = 0.9  # revisited before, drifted back a little since
    m.week = 3
    rex.act(m, m.streams["rex"])
    drifted = 0.9 + rex.forgetting * (1.0 - 0.9)
    assert R.effort[held] == pytest.approx(drifted - 0.5 * (drifted - 0.8), rel=1e-12)


def test_rex_agreement_handover_and_room_for_participants(small_model) -> None:
    m = small_model(
        *REX_EVERY_ODD_WEEK_FOR_ALL,
        "population.founders=5",
        "rex.facilitators=1",
        "rex.per_facilitator=3",
        "rex.handover=0.5",
        "rex.limits=0.5",
        "rex.limits_fade=0.1",
        "rex.conflict_resolution=0",
    )
    P, R, rex = m.people, m.roles, m.scenario.rex
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0])
    give(m, 1, ops[1], ops[-1])
    give(m, 2, ops[2])
    give(m, 3, ops[3], ops[4])
    m.mechanism_state["rex"] = {"trained": True}
    P.rex_trained[:5] = [False, False, True, False, False]  # one facilitator: room for three
    P.load[:5] = [1.2, 0.8, 1.1, 1.5, 0.0]
    P.exhaustion[:5] = [0.3, 0.6, 0.2, 0.9, 0.0]
    P.restraint[:5] = [0.9, 0.0, 0.2, 0.4, 0.0]
    P.meaning[:5] = 0.5
    m.week = 3

    rng = ScriptedUniforms(np.zeros((2, 5)), np.zeros(0))
    rex.act(m, rng)  # all would attend; every overloaded one hands over

    assert rng.read == rng.scripted.size

    np.testing.assert_allclose(P.meaning[:5], [0.5 + rex.meaning_gain] * 3 + [0.5, 0.5])  # the first three
    # beyond capacity: the agreement is kept, or raised to `limits`; the others' fade
    np.testing.assert_allclose(P.restraint[:5], [0.9 * 0.9, 0.0, 0.5, 0.4 * 0.9, 0.0])
    # exhausted, with two roles: hands over the heaviest; 0 and 2 hold one role, 3 was not there
    assert R.holder[ops[1]] == -1 and R.announced[ops[1]]
    np.testing.assert_array_equal(P.roles[:5], [1, 1, 1, 2, 0])


def test_contractualisation_caps_roles_and_formalises(small_model) -> None:
    m = small_model("contractualisation.share_formalised=1", "contractualisation.max_roles_per_person=2")
    P, R, c = m.people, m.roles, m.scenario.contractualisation
    vacate_all(m)
    ops = volunteer_roles(m)
    for week, role in enumerate(ops[:4], start=1):  # taken at weeks 1, 2, 3, 4
        m.week = week
        give(m, 0, role)
    give(m, 1, ops[4])
    m.week = 10
    mods = Modifiers()
    c.modify(mods, m)
    assert (mods.role_cap, mods.hours_cap) == (c.max_roles_per_person, c.hour_limit)
    assert (mods.formal_recognition, mods.notice_weeks) == (c.recognition_per_week, c.notice_weeks)
    assert mods.formal_appeal_cost == c.flexibility_cost
    m.mods = mods

    c.act(m, m.streams["contractualisation"])

    assert P.roles[0] == 2
    np.testing.assert_array_equal(np.sort(np.flatnonzero(R.holder == 0)), np.sort(ops[:2]))  # the oldest kept
    assert R.formal.all()
    np.testing.assert_array_equal(P.contract[:4], [True, True, False, False])
    np.testing.assert_array_equal(P.roles[:4], R.held_by(4))

    m.assign_roles(np.array([ops[5], ops[6]]), np.array([0, 1]))  # 0 is at the cap, 1 is not
    assert R.holder[ops[5]] == -1 and R.holder[ops[6]] == 1
    assert P.roles[1] == 2


@pytest.mark.parametrize("share", [0.0, 0.5])
def test_contractualisation_formalises_its_share_once(small_model, share: float) -> None:
    m = small_model(f"contractualisation.share_formalised={share}", "contractualisation.max_roles_per_person=0")
    R, P = m.roles, m.people
    expected = copy.deepcopy(m.streams["contractualisation"]).random(R.count) < share
    holders_before = R.holder.copy()
    m.scenario.contractualisation.act(m, m.streams["contractualisation"])
    np.testing.assert_array_equal(R.formal, expected)
    np.testing.assert_array_equal(R.holder, holders_before)  # no cap: nobody hands anything over
    contract = np.zeros(4, dtype=bool)
    contract[R.holder[(R.holder >= 0) & expected]] = True
    np.testing.assert_array_equal(P.contract[:4], contract)
    m.scenario.contractualisation.act(m, m.streams["contractualisation"])
    np.testing.assert_array_equal(R.formal, expected)  # formalised once


def _stipend_model(small_model, *overrides: str) -> CoopModel:
    m = small_model(
        "stipend.recipients=2",
        "stipend.amount_per_month=1000",
        "stipend.abeille_share=0.85",
        "stipend.start_week=0",
        *overrides,
    )
    P = m.people
    vacate_all(m)
    P.income_base[:4] = [0.5, 0.1, 0.3, 0.9]  # the two with the least income: 1 and 2
    P.hours[:4] = [0.0, 10.0, 40.0, 0.0]
    P.capacity[:4] = 10.0
    P.pressure[:4] = 0.0
    m.week = 0
    m.month_start = True
    return m


def test_stipend_paid_monthly_from_the_fund_through_the_abeille(small_model) -> None:
    m = _stipend_model(small_model)
    P, L, s = m.people, m.ledger, m.scenario.stipend
    before, out_before, in_before = L.treasury.copy(), L.outflow_total, L.inflow_total
    L.week_flows = {}

    s.act(m, m.streams["stipend"])

    np.testing.assert_array_equal(P.stipend[:4], [False, True, True, False])
    np.testing.assert_allclose(P.capacity[:4], [10.0, 10.0 + s.freed_hours, 10.0 + s.freed_hours, 10.0])
    change = L.treasury - before
    assert change[FUND] == pytest.approx(-2 * 1000.0)
    assert change[ABEILLE] == pytest.approx(0.0)
    assert change[COOP] == pytest.approx(2 * 850.0)
    assert L.outflow_total - out_before == pytest.approx(2 * 150.0)
    assert L.inflow_total == in_before
    assert L.week_flows["stipend_euros"] == pytest.approx(300.0)
    assert L.week_flows["stipend_abeille_reserve"] == pytest.approx(1700.0)
    assert L.week_flows["abeille_spent_at_coop"] == pytest.approx(1700.0)
    assert events(m, "stipend_paid") == [1, 2]
    m.update_paid_status()
    np.testing.assert_array_equal(P.paid[:4], [Paid.VOLUNTEER, Paid.STIPEND, Paid.STIPEND, Paid.VOLUNTEER])

    m.week, m.month_start = 1, False
    treasury = L.treasury.copy()
    s.act(m, m.streams["stipend"])
    np.testing.assert_array_equal(L.treasury, treasury)  # paid once a month


def test_stipend_unpaid_when_the_fund_is_short(small_model) -> None:
    m = _stipend_model(small_model)
    P, L = m.people, m.ledger
    L.treasury[FUND] = 999.0
    P.security_fin[:4] = 0.5
    treasury = L.treasury.copy()
    m.scenario.stipend.act(m, m.streams["stipend"])
    np.testing.assert_array_equal(L.treasury, treasury)
    assert events(m, "stipend_unpaid") == [1, 2]
    np.testing.assert_allclose(P.security_fin[:4], [0.5, 0.45, 0.45, 0.5])


def _involved_hours(m: CoopModel, default: float) -> float:
    """Mean hours of the active unpaid members holding two roles or more (``default``: none)."""
    P = m.people
    core = (P.status[: P.n] == Status.ACTIVE) & (P.paid[: P.n] == Paid.VOLUNTEER) & (P.roles[: P.n] >= 2)
    return float(P.hours[: P.n][core].mean()) if core.any() else default


@pytest.mark.parametrize("with_objectives", [False, True])
def test_stipend_expectations_and_pressure_arithmetic(small_model, with_objectives: bool) -> None:
    m = _stipend_model(small_model, f"stipend.with_objectives={str(with_objectives).lower()}")
    P, s = m.people, m.scenario.stipend
    P.recognition[:4] = 0.3
    ops = volunteer_roles(m)
    give(m, 3, ops[0], ops[1])  # 3 carries two roles unpaid: the others' yardstick
    P.hours[3] = 30.0
    m.scenario.stipend.act(m, m.streams["stipend"])
    bought = 1000 * 12 / WEEKS_PER_YEAR / s.reference_wage
    if with_objectives:  # agreed within what each can give (capacity plus the freed hours); no review yet
        expected = np.minimum(s.objective_hours, 10.0 + s.freed_hours)
    else:  # what the money buys, moving towards the larger of that and the involved members' hours
        yardstick = max(bought, _involved_hours(m, bought))
        assert yardstick == 30.0
        expected = bought + s.expectation_rate * (yardstick - bought)
    np.testing.assert_allclose(P.expected_hours[1:3], expected, rtol=1e-12)
    gap = np.clip((expected - np.array([10.0, 40.0])) / expected, 0.0, 1.0)
    np.testing.assert_allclose(P.pressure[1:3], s.pressure_rate * gap, rtol=1e-12)
    np.testing.assert_allclose(P.expectation_gap[1:3], gap, rtol=1e-12)
    assert P.pressure[0] == 0.0 and P.pressure[3] == 0.0
    if with_objectives:  # person 2 delivers more than agreed: recognised
        np.testing.assert_allclose(P.recognition[1:3], [0.3, 0.31])


def test_stipend_objectives_met_within_a_tenth_and_follow_up(small_model) -> None:
    m = _stipend_model(small_model, "stipend.with_objectives=true", "stipend.objective_hours=20")
    P, s = m.people, m.scenario.stipend
    P.capacity[:4] = 40.0 - s.freed_hours  # the agreement is the objective asked: 20 hours
    P.hours[:4] = [0.0, 16.0, 19.0, 0.0]
    P.recognition[:4] = 0.3
    P.security_emo[:4] = 0.5
    m.scenario.stipend.act(m, m.streams["stipend"])  # the start: the agreed 20 hours, no follow-up yet
    np.testing.assert_allclose(P.expected_hours[1:3], [20.0, 20.0])
    np.testing.assert_allclose(P.expectation_gap[:4], [0.0, 0.2, 0.05, 0.0])
    np.testing.assert_allclose(P.recognition[:4], [0.3, 0.3, 0.31, 0.3])
    np.testing.assert_allclose(P.security_emo[:4], [0.5, 0.505, 0.505, 0.5])
    m.week, m.month_start = s.review_weeks - 1, False  # no follow-up this week: the objective holds
    m.scenario.stipend.act(m, m.streams["stipend"])
    np.testing.assert_allclose(P.expected_hours[1:3], [20.0, 20.0])
    m.week = s.review_weeks  # the first follow-up: 20 revised halfway to 16 and 19
    m.scenario.stipend.act(m, m.streams["stipend"])
    np.testing.assert_allclose(P.expected_hours[1:3], [18.0, 19.5])
    np.testing.assert_allclose(P.expectation_gap[1:3], [2 / 18, 0.5 / 19.5])


def test_stipend_unagreed_expectation_climbs_towards_the_involved(small_model) -> None:
    """Without objectives, nothing brings the expectation back to what a recipient can give."""
    m = _stipend_model(small_model)
    P, s = m.people, m.scenario.stipend
    ops = volunteer_roles(m)
    give(m, 3, ops[0], ops[1])
    P.hours[3] = 40.0
    for week in range(30):
        m.week, m.month_start = week, week == 0
        s.act(m, m.streams["stipend"])
    bought = 1000 * 12 / WEEKS_PER_YEAR / s.reference_wage
    expected = 40.0 - (40.0 - bought) * (1.0 - s.expectation_rate) ** 30
    np.testing.assert_allclose(P.expected_hours[1:3], expected, rtol=1e-9)


def test_stipend_freed_hours_end_with_the_stipend(small_model) -> None:
    m = _stipend_model(small_model, "stipend.duration_weeks=4")
    P, s = m.people, m.scenario.stipend
    s.act(m, m.streams["stipend"])
    assert P.capacity[1] == pytest.approx(10.0 + s.freed_hours)
    m.week, m.month_start = 4, False
    s.act(m, m.streams["stipend"])
    assert not P.stipend[:4].any()
    np.testing.assert_allclose(P.capacity[:4], 10.0)


def test_meeting_practices_raise_the_defuse_bonus(small_model) -> None:
    m = small_model()
    meetings = m.scenario.meetings
    mods = Modifiers()
    meetings.modify(mods, m)
    assert mods.defuse_bonus == pytest.approx(
        meetings.meteo_defuse + meetings.cloture_defuse + meetings.guetteur_defuse
    )
    assert mods.exhaustion_notice == pytest.approx(meetings.meteo_notice)

    m = small_model("meetings.tour_meteo=false")
    mods = Modifiers()
    m.scenario.meetings.modify(mods, m)
    assert mods.defuse_bonus == pytest.approx(m.scenario.meetings.cloture_defuse + m.scenario.meetings.guetteur_defuse)
    assert mods.exhaustion_notice == 0.0


@pytest.mark.parametrize("practices", [False, True])
def test_meeting_practices_defuse_disagreements(small_model, practices: bool) -> None:
    m = small_model(
        "conflict.disagreement_rate=1",
        "conflict.defuse_base=0",
        "conflict.in_meeting_share=1",
        "conflict.resolve_base=0",  # no conflict opened this week resolves by itself in the same call
        "meetings.meteo_defuse=1",
    )
    N = fresh_network(m, [(0, 1), (1, 2), (2, 3)], trust=1.0)
    m.contact = np.ones(3, dtype=bool)
    if practices:
        m.scenario.meetings.modify(m.mods, m)
    disagree(m, m.streams["conflict"])
    opened = (N.conflict[:3] >= 0).sum()
    assert opened == (0 if practices else 3)
    assert len(events(m, "conflict_defused")) == (3 if practices else 0)


def test_sphere_separation_lowers_mixing_and_saturation(small_model) -> None:
    m = small_model("spheres.strength=0.5")
    P, wp = m.people, m.scenario.wellbeing
    vacate_all(m)
    m.scenario.spheres.modify(m.mods, m)
    assert m.mods.sphere_mixing == pytest.approx(0.5)
    P.load[:4] = 1.0
    P.conflicts[:4] = 0
    P.pressure[:4] = 0.0
    P.overlap[:4] = [1.0, 0.0, 1.0, 0.0]
    P.exhaustion[:4] = 0.5
    strain_and_recovery(m, m.streams["strain"])
    np.testing.assert_allclose(P.exhaustion[0] - P.exhaustion[1], wp.saturation_strain * 0.5)


def test_role_descriptions_ease_taking_roles_and_recognise_holders(small_model) -> None:
    m = small_model("role_descriptions.fill_boost=0.3", "role_descriptions.recognition_per_week=0.004")
    P, wp = m.people, m.scenario.wellbeing
    vacate_all(m)
    give(m, 0, *volunteer_roles(m)[:2].tolist())
    rd = m.scenario.role_descriptions
    rd.modify(m.mods, m)
    assert m.mods.fill_boost == pytest.approx(1.3)
    assert m.mods.description_recognition == pytest.approx(0.004)
    P.recognition[:4] = 0.3
    update_engagement(m, m.streams["engagement"])
    base = 0.3 + wp.recognition_decay * (wp.visibility - 0.3)
    np.testing.assert_allclose(P.recognition[:4], [base + 0.004, base, base, base])


def test_territorial_dialogue_raises_acceptance(small_model) -> None:
    accepted = {}
    for on in (False, True):
        m = small_model()
        tp, P = m.scenario.territory, m.people
        ctd = m.scenario.ctd
        if on:
            ctd.modify(m.mods, m)
            assert m.mods.acceptance_gain == pytest.approx(ctd.acceptance_gain_per_year / WEEKS_PER_YEAR)
            assert m.mods.extra_common_hours == pytest.approx(ctd.hours_per_week)
        a = m.acceptance
        involvement = P.engagement[:4].mean()
        a = a + tp.involvement_gain * involvement * (1 - a) + m.mods.acceptance_gain * (1 - a)
        a = a - tp.acceptance_decay * (a - tp.acceptance_floor)
        update_acceptance(m)
        assert m.acceptance == pytest.approx(a)
        accepted[on] = m.acceptance
    assert accepted[True] > accepted[False]


@pytest.mark.parametrize("delegation", [False, True])
def test_delegation_lets_the_welcome_circle_decide_integration(small_model, delegation: bool) -> None:
    m = small_model("governance.objection=1", "welcome.capacity=4", "welcome.integration_weeks=2")
    P = m.people
    vacate_all(m)
    give(m, 0, unit_slots(m, WELCOME_CIRCLE)[0])
    P.trust[:4] = [1.0, 0.0, 0.0, 0.0]  # the welcomer never objects, the others almost surely
    m.scenario.welcome.modify(m.mods, m)
    if delegation:
        m.scenario.delegation.modify(m.mods, m)
    m.week = 10
    m.add_newcomers(1)
    arrive_and_integrate(m, m.streams["arrivals"])  # welcomed
    m.week = 12
    arrive_and_integrate(m, m.streams["arrivals"])
    assert P.status[4] == (Status.ACTIVE if delegation else Status.NEWCOMER)


def test_training_on_its_yearly_week(small_model) -> None:
    m = small_model("training.start_week=3", "training.rex_facilitators_per_year=2", "training.first_aiders=3")
    P, t = m.people, m.scenario.training
    P.engagement[:4] = [0.9, 0.2, 0.6, 0.4]  # gaps wider than the 0.1 tie-breaking noise

    m.week = 4
    t.act(m, m.streams["training"])
    assert not P.rex_trained[:4].any() and not P.first_aider[:4].any()

    m.week = 3
    t.act(m, m.streams["training"])
    np.testing.assert_array_equal(P.rex_trained[:4], [True, False, True, False])
    np.testing.assert_array_equal(P.first_aider[:4], [True, False, True, True])

    mods = Modifiers()
    mods.exhaustion_notice = 0.01
    t.modify(mods, m)
    assert mods.exhaustion_notice == pytest.approx(min(0.9, 0.01 + 3 * t.notice_per_first_aider))

    P.status[3] = Status.WITHDRAWN  # a first aider stops: replaced next year
    m.week = 3 + WEEKS_PER_YEAR
    t.act(m, m.streams["training"])
    np.testing.assert_array_equal(P.rex_trained[:4], [True, True, True, False])
    np.testing.assert_array_equal(P.first_aider[:4], [True, True, True, True])


# --- Person agents -------------------------------------------------------------------------


def test_person_agents_read_the_arrays(baseline_run) -> None:
    m = baseline_run.model
    P = m.people
    assert len(m.agents) == P.n == len(m.persons)
    for i, person in enumerate(m.persons):
        assert person.index == i
        assert person.exhaustion == P.exhaustion[i]
        assert person.engagement == P.engagement[i]
        assert person.roles == P.roles[i] == len(person.role_names)
        assert person.status == Status.NAMES[P.status[i]]
        assert person.paid == Paid.NAMES[P.paid[i]]
    assert len(m.agents.select(lambda a: a.status == "active")) == m.count(Status.ACTIVE)


def test_person_view_follows_the_model_week_by_week(small_model) -> None:
    m = small_model("territory.arrivals_per_week=2")
    for _ in range(10):
        m.step()
        assert len(m.agents) == m.people.n
        for i in range(m.people.n):
            assert m.persons[i].exhaustion == m.people.exhaustion[i]
            assert m.persons[i].trust == m.people.trust[i]


# --- growth, notice, per-dispute mediation, welcome ties (issue 13) -----------------------------


def test_units_start_in_their_year_once_the_group_can_carry_them() -> None:
    m = CoopModel("tera", seed=1, years=1)  # the shipped TERA, not the small model (all units started)
    R = m.roles
    opens = {name: (int(R.unit_opens_week[u]), int(R.unit_opens_at_active[u])) for u, name in enumerate(R.unit_names)}
    started = R.unit_opened_week >= 0
    np.testing.assert_array_equal(started, R.unit_opens_week == 0)  # the founding's units only
    np.testing.assert_array_equal(R.open, started[R.unit])
    assert (R.holder[~R.open] == -1).all()  # nobody holds a role of a unit not started
    bakery = R.unit_names.index("Boulangerie et Alvéole")
    week, needed = opens["Boulangerie et Alvéole"]
    assert week > 0 and needed > 0
    assert bakery not in R.start_units(week, needed - 1).tolist()
    assert not R.open[R.unit == bakery].any()  # its year has come, but the group is too small
    assert bakery in R.start_units(week + 3, needed).tolist()
    assert R.open[R.unit == bakery].all() and R.unit_opened_week[bakery] == week + 3
    assert (R.vacant_since[R.unit == bakery] == week + 3).all()


def test_closed_slots_ask_no_hours_and_are_not_offered(small_model) -> None:
    m = small_model("structures.pool_hours_per_member=0")
    R = m.roles
    vacate_all(m)
    closed_unit = R.unit[volunteer_roles(m)[0]]
    R.open[R.unit == closed_unit] = False
    scale = role_scale(m)
    compute_hours(m)
    assert m.week_demand == pytest.approx((R.hours * scale)[R.open].sum(), rel=1e-12)
    assert m.week_unmet == pytest.approx((R.hours * scale)[R.open].sum(), rel=1e-12)  # all vacant
    rng = Scripted(np.full((4, int(R.open.sum())), 0.999))  # one set of draws per open vacancy only
    fill_vacancies(m, rng)
    assert rng.asked == [("random", (4, int(R.open.sum())))]


def test_formal_role_is_handed_over_after_notice(small_model) -> None:
    m = small_model("work.drop_base=1", "work.identity_hold=0", "population.duty_hold=0")
    R = m.roles
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0])
    give(m, 1, ops[1])
    R.formal[ops[0]] = True
    m.mods.notice_weeks = 4
    m.week = 10

    drop_roles(m, Scripted(np.zeros(2)))  # both decide to leave their role

    assert R.holder[ops[0]] == 0 and R.announced[ops[0]]  # formal: notice given, still held
    assert (R.notice_by[ops[0]], R.notice_end[ops[0]], R.vacant_since[ops[0]]) == (0, 14, 10)
    assert R.holder[ops[1]] == -1 and events(m, "role_dropped") == [1]  # informal: dropped at once

    m.week = 13
    drop_roles(m, Scripted(np.zeros(1)))  # notice not over: nothing happens, whatever the draw
    assert R.holder[ops[0]] == 0
    m.week = 14
    drop_roles(m, Scripted(np.ones(1)))  # notice over: the holder leaves the role
    assert R.holder[ops[0]] == -1 and R.announced[ops[0]] and R.notice_by[ops[0]] == -1
    assert events(m, "role_dropped") == [1, 0]
    give(m, 0, ops[0])  # taking it again: no notice left over from the last time
    drop_roles(m, Scripted(np.ones(1)))
    assert R.holder[ops[0]] == 0


def test_a_successor_takes_over_a_role_on_notice(small_model) -> None:
    m = small_model("work.look_probability=1")
    P, R = m.people, m.roles
    vacate_all(m)
    R.open[:] = False
    ops = volunteer_roles(m)
    R.open[ops[0]] = True
    give(m, 0, ops[0])
    R.formal[ops[0]] = True
    R.notice_by[ops[0]], R.notice_end[ops[0]] = 0, 100
    P.duty[:4] = 0.0
    P.engagement[:4] = [0.5, 1.0, 0.0, 0.0]  # 1 is picked (the others weigh nothing but 0)
    P.load[:4] = 0.0
    R.appeal[ops[0]] = 1.0

    fill_vacancies(m, Scripted(np.array([[0.0], [0.99], [0.0], [0.5]])))

    assert R.holder[ops[0]] == 1 and R.notice_by[ops[0]] == -1  # the successor holds it without notice
    assert events(m, "role_dropped") == [0] and events(m, "role_taken") == [1]
    np.testing.assert_array_equal(P.roles[:2], [0, 1])


def test_a_contract_holder_who_leaves_announces_the_formal_roles(small_model) -> None:
    m = small_model()
    P, R = m.people, m.roles
    vacate_all(m)
    ops = volunteer_roles(m)
    give(m, 0, ops[0], ops[1])
    R.formal[ops[0]] = True
    P.contract[0] = True
    m.set_status(0, Status.WITHDRAWN)
    assert R.holder[ops[0]] == -1 and R.holder[ops[1]] == -1
    assert R.announced[ops[0]] and not R.announced[ops[1]]


def test_a_dispute_is_mediated_at_most_max_sessions_times(small_model) -> None:
    m = _mediation_model(
        small_model,
        "mediation.resolution_probability=0",
        "mediation.needs_circle=false",
        "mediation.capacity_per_month=3",
        "mediation.max_sessions_per_dispute=2",
    )
    C = m.conflicts
    m.week = 11
    for _ in range(3):  # three monthly rounds: every dispute fails twice, then is let go
        m.scenario.mediation.act(m, m.streams["mediation"])
    np.testing.assert_array_equal(C.sessions[:3], [2, 2, 2])
    assert len(events(m, "conflict_mediated")) == 6
    assert C.open_ids.size == 3 and len(C.settled_by_mediation) == 0


def test_the_summary_counts_mediation_per_dispute() -> None:
    r = run("tera", seed=3, years=4)
    s, C = r.summary, r.model.conflicts
    assert 0 < s["disputes_mediated"] <= s["conflicts_opened"]
    assert s["disputes_mediated"] <= s["conflicts_mediated"]  # sessions
    assert s["disputes_mediated"] == int((C.sessions[: C.total] > 0).sum())
    assert C.sessions[: C.total].max() <= r.scenario.mediation.max_sessions_per_dispute
    settled = int(C.settled_by_mediation.flags[: C.total].sum())
    assert s["mediation_success_per_dispute"] == pytest.approx(settled / s["disputes_mediated"])
    assert s["conflicts_mediated"] * s["mediation_success_rate"] == pytest.approx(settled)  # a success settles one


def test_a_welcomed_newcomer_meets_one_referent_and_a_few_members(small_model) -> None:
    m = small_model("welcome.capacity=2", "welcome.introductions=2", "population.founders=6")
    N = m.network
    vacate_all(m)
    m.scenario.welcome.modify(m.mods, m)
    referents = unit_slots(m, WELCOME_CIRCLE)[:2]
    give(m, 0, referents[0])
    give(m, 1, referents[1])
    m.add_newcomers(1)
    newcomer = m.people.n - 1
    fresh = Network()  # only the ties the welcome makes
    m.network = fresh

    arrive_and_integrate(m, m.streams["arrivals"])

    met = {int(x) for x in np.concatenate((fresh.a[fresh.b == newcomer], fresh.b[fresh.a == newcomer]))}
    assert 2 <= len(met) <= 3  # two introductions and their referent (unless already one of the two)
    assert met & {0, 1}, "one of the two referents"
    assert np.allclose(fresh.view("trust_ab"), 0.55) and N is not fresh


@pytest.mark.parametrize("size", [1, 2, 7, 40, 333, 9_999, 10_000, 10_001, 20_000])
def test_a_draw_without_replacement_is_numpys_choice(size: int) -> None:
    """The compiled draw gives the members, the order and the generator state of numpy's
    ``choice(pool, k, replace=False)``: small and large draws, both of numpy's algorithms
    (Floyd's for a small share, a partial shuffle for more than a fiftieth of a big pool)."""
    from coopsim.compiled import draw_without_replacement

    pool = np.arange(5, 5 + size) * 3
    for k in sorted({k for k in (0, 1, 2, 3, 12, size // 50, size // 50 + 1, size // 2, size) if k <= size}):
        for seed in range(5):
            ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
            assert draw_without_replacement(ours, pool, k).tolist() == numpys.choice(pool, k, replace=False).tolist()
            assert ours.random() == numpys.random()  # the same number of draws taken
    ours, numpys = np.random.default_rng(9), np.random.default_rng(9)
    twice = draw_without_replacement(ours, pool, min(size, 3), times=2)
    assert twice.tolist() == [x for _ in range(2) for x in numpys.choice(pool, min(size, 3), replace=False)]
