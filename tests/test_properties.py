"""Invariants that hold whatever the levers, checked week by week over random scenarios.

Hypothesis draws a scenario by overriding a few levers and constants of TERA (mechanisms
on or off and their start weeks, group size, arrivals, caps, stipend recipients, strains
strong enough to make people burn out, salaries and stipends too large for the
treasuries), then steps a :class:`CoopModel` one week at a time and checks after every
week that:

- every state stays in its range and the role counts agree with the role slots;
- people are conserved (present = previous present + arrivals - departures);
- money is conserved (the total treasury moves exactly by what came in from outside
  minus what went out) and no treasury goes negative;
- with contractualisation, nobody holds more roles than the cap;
- only active, not burned-out members hold roles.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopsim import CoopModel, load_scenario
from coopsim.base import Status
from coopsim.compiled import GammaStream, NormalStream, UniformStream, gamma, integers_from, poisson, standard_normals
from coopsim.network import Network
from coopsim.scenario import MECHANISM_NAMES

UNIT_FIELDS = (
    "engagement",
    "trust",
    "exhaustion",
    "recognition",
    "security_fin",
    "security_emo",
    "meaning",
    "pressure",
)

PROPERTY_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def scenario_overrides(draw: st.DrawFn) -> dict[str, Any]:
    """A few levers and constants of TERA, overridden at random."""
    ov: dict[str, Any] = {}
    for name in MECHANISM_NAMES:
        ov[f"{name}.enabled"] = draw(st.booleans())
        ov[f"{name}.start_week"] = draw(st.integers(0, 40))
    ov["population.founders"] = founders = draw(st.integers(2, 40))
    ov["population.salaried_founders"] = draw(st.integers(0, min(3, founders)))  # some of the founders
    ov["population.duty_share"] = draw(st.sampled_from([0.0, 0.12, 0.5]))
    ov["territory.arrivals_per_week"] = draw(st.floats(0.0, 2.0))
    ov["territory.housing_capacity"] = draw(st.integers(5, 200))
    ov["contractualisation.max_roles_per_person"] = draw(st.integers(1, 4))
    ov["contractualisation.share_formalised"] = draw(st.floats(0.0, 1.0))
    ov["contractualisation.hour_limit"] = draw(st.sampled_from([0.0, 5.0, 20.0]))
    ov["stipend.recipients"] = draw(st.integers(0, 8))
    ov["stipend.with_objectives"] = draw(st.booleans())
    # the larger amount empties the endowment fund within months: unpaid stipends
    ov["stipend.amount_per_month"] = draw(st.sampled_from([865.0, 30000.0]))
    ov["stipend.duration_weeks"] = draw(st.integers(0, 30))
    ov["rex.every_weeks"] = draw(st.integers(1, 10))
    ov["rex.facilitators"] = draw(st.integers(0, 12))
    ov["mediation.resolution_probability"] = draw(st.floats(0.0, 1.0))
    ov["mediation.needs_circle"] = draw(st.booleans())
    ov["welcome.capacity"] = draw(st.integers(0, 8))
    # strong strain and many disagreements: burnouts, conflicts, mediations within a year
    ov["wellbeing.overload_strain"] = draw(st.floats(0.0, 0.3))
    ov["wellbeing.role_strain"] = draw(st.floats(0.0, 0.05))
    ov["conflict.disagreement_rate"] = draw(st.floats(0.0, 0.2))
    ov["membership.burnout_departure"] = draw(st.floats(0.0, 1.0))
    # the larger salary cannot be paid for long: refused payments
    ov["money.salary_per_month"] = draw(st.sampled_from([1500.0, 50000.0]))
    return ov


def check_state(model: CoopModel) -> None:
    """Ranges, role bookkeeping and who may hold roles, after a week."""
    P, R, N = model.people, model.roles, model.network
    n = P.n
    week = model.week - 1
    for name in UNIT_FIELDS:
        values = P.view(name)
        assert np.all((values >= 0.0) & (values <= 1.0)), f"week {week}: {name} out of [0, 1]: {values}"
    assert np.all(P.view("load") >= 0.0), f"week {week}: negative load"
    assert np.all(P.view("hours") >= 0.0), f"week {week}: negative hours"
    roles = P.view("roles")
    assert np.all(roles >= 0), f"week {week}: negative role count"
    np.testing.assert_array_equal(roles, R.held_by(n), err_msg=f"week {week}: roles != role slots held")
    for name in ("trust_ab", "trust_ba"):
        t = N.view(name)
        assert np.all((t >= 0.0) & (t <= 1.0)), f"week {week}: tie {name} out of [0, 1]"

    holders = R.holder[R.holder >= 0]
    assert np.all(holders < n)
    assert np.all(P.status[holders] == Status.ACTIVE), f"week {week}: a role held by someone not active"
    assert not P.burned_out[holders].any(), f"week {week}: a role held by someone burned out"
    status = P.view("status")
    gone = (status == Status.DEPARTED) | (status == Status.WITHDRAWN)
    assert np.all(roles[gone] == 0), f"week {week}: departed or withdrawn people hold roles"

    cp = model.scenario.contractualisation
    if cp.enabled and cp.max_roles_per_person > 0 and week >= cp.start_week:
        assert roles.max(initial=0) <= cp.max_roles_per_person, f"week {week}: above the role cap"


@PROPERTY_SETTINGS
@given(
    overrides=scenario_overrides(),
    seed=st.integers(0, 2**32 - 1),
    years=st.sampled_from([1.0, 1.5, 2.0]),
)
def test_weekly_invariants(overrides: dict[str, Any], seed: int, years: float) -> None:
    scenario = load_scenario("tera", overrides=overrides)
    model = CoopModel(scenario, seed=seed, years=years)
    L = model.ledger
    founders = scenario.population.founders
    total_0, in_0, out_0 = L.treasury.sum(), L.inflow_total, L.outflow_total
    assert np.all(L.treasury >= 0.0)
    n_after_week = []
    while model.running:
        total, inflow, outflow = L.treasury.sum(), L.inflow_total, L.outflow_total
        model.step()
        week = model.week - 1
        n_after_week.append(model.people.n)

        # money: the week's change in total treasury is what came in minus what went out
        assert np.all(L.treasury >= 0.0), f"week {week}: negative treasury {L.treasury}"
        assert L.inflow_total >= inflow and L.outflow_total >= outflow
        scale = max(1.0, abs(total), L.inflow_total - inflow + L.outflow_total - outflow)
        change = L.treasury.sum() - total
        external = (L.inflow_total - inflow) - (L.outflow_total - outflow)
        assert change == pytest.approx(external, rel=0, abs=1e-9 * scale), f"week {week}: money not conserved"
        cumulative = L.treasury.sum() - total_0
        assert cumulative == pytest.approx(
            (L.inflow_total - in_0) - (L.outflow_total - out_0), rel=0, abs=1e-9 * max(scale, abs(total_0))
        )
        check_state(model)

    # people: present = previous present + arrivals - departures, week by week
    frame = model.recorder.model_frame()
    assert len(frame) == model.horizon
    present = frame["present"].to_numpy()
    arrivals = frame["arrivals"].to_numpy()
    departures = frame["departures"].to_numpy()
    previous = np.r_[founders, present[:-1]]
    np.testing.assert_array_equal(present, previous + arrivals - departures)
    n_ever = np.asarray(n_after_week)
    np.testing.assert_array_equal(n_ever, founders + np.cumsum(arrivals))
    np.testing.assert_array_equal(n_ever - frame["departed_total"].to_numpy(), present)
    assert model.people.n == founders + int(arrivals.sum())
    # the frame's counts agree with the statuses at the last week
    status = model.people.view("status")
    assert present[-1] == int((status != Status.DEPARTED).sum())
    assert frame["active"].iloc[-1] == int((status == Status.ACTIVE).sum())


@PROPERTY_SETTINGS
@given(
    overrides=scenario_overrides(),
    cap=st.integers(1, 4),
    start=st.integers(0, 30),
    seed=st.integers(0, 2**32 - 1),
)
def test_role_cap_holds_every_week_under_contractualisation(
    overrides: dict[str, Any], cap: int, start: int, seed: int
) -> None:
    overrides = {
        **overrides,
        "contractualisation.enabled": True,
        "contractualisation.start_week": start,
        "contractualisation.max_roles_per_person": cap,
    }
    model = CoopModel(load_scenario("tera", overrides=overrides), seed=seed, years=1)
    while model.running:
        model.step()
        check_state(model)  # includes: nobody above the cap from the start week on
        if model.week - 1 >= start:
            assert model.people.view("roles").max(initial=0) <= cap
            # everyone holding a formal role has an agreement (roles are only taken in the work
            # process, before contractualisation acts; the flag may outlive roles lost later in the week)
            R, P = model.roles, model.people
            assert P.contract[R.holder[(R.holder >= 0) & R.formal]].all()


def test_a_copied_model_keeps_its_field_views() -> None:
    """``people.exhaustion`` is a row of ``people.floats`` (and ties likewise), also in a copy."""
    import copy

    from coopsim import CoopModel

    m = copy.deepcopy(CoopModel("tera", seed=1, years=1))
    m.people.exhaustion[0] = 0.123
    m.network.trust_ab[0] = 0.456
    assert m.people.floats[m.people.FLOAT_FIELDS.index("exhaustion"), 0] == 0.123
    assert m.network.floats[0, 0] == 0.456


@settings(max_examples=200, deadline=None)
@given(
    batches=st.lists(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=40), min_size=1, max_size=12)
)
def test_the_network_adds_each_pair_once_in_order(batches: list[list[tuple[int, int]]]) -> None:
    """Ties added in batches (with repeats, either way round, and self-pairs) are those a
    Python set of pairs would keep, in the order first met, lower end first; the set of pairs
    is rebuilt as the network grows past its first size (16 ties here)."""
    net, seen, expected = Network(capacity=16), set(), []
    for batch in batches:
        a = np.array([i for i, _ in batch], dtype=np.int64)
        b = np.array([j for _, j in batch], dtype=np.int64)
        before = len(expected)
        for i, j in batch:
            if i != j and (min(i, j), max(i, j)) not in seen:
                seen.add((min(i, j), max(i, j)))
                expected.append((min(i, j), max(i, j)))
        assert net.add_ties(a, b, trust=0.5) == len(expected) - before
    assert list(zip(net.view("a").tolist(), net.view("b").tolist())) == expected
    assert (net.view("conflict") == -1).all() and (net.view("trust_ab") == 0.5).all()


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    asks=st.lists(st.tuples(st.sampled_from(["random", "shape", "one", "block"]), st.integers(0, 6000)), max_size=12),
)
def test_a_uniform_stream_gives_the_generators_numbers(seed: int, asks: list[tuple[str, int]]) -> None:
    """Whatever mix of calls reads a :class:`UniformStream` (arrays, matrices, single draws,
    blocks read by a kernel, across its refills), it gives the numbers the plain generator
    gives, in order."""
    stream, plain = UniformStream(np.random.default_rng(seed)), np.random.default_rng(seed)
    for how, count in asks:
        if how == "random":
            assert np.array_equal(stream.random(count), plain.random(count))
        elif how == "shape":
            assert np.array_equal(stream.random((2, count // 2)), plain.random((2, count // 2)))
        elif how == "one":
            assert stream.random() == plain.random()
        else:
            block, start = stream.block(count)
            taken = count // 3  # a kernel reads only part of what was made room for
            assert np.array_equal(block[start : start + taken], plain.random(taken))
            stream.advance(start + taken)
    assert stream.random() == plain.random()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    asks=st.lists(
        st.tuples(
            st.sampled_from(["uniforms", "poisson", "integers", "permutation"]),
            st.floats(0.0, 2000.0, allow_nan=False),
        ),
        max_size=25,
    ),
)
def test_a_uniform_stream_draws_poissons_and_gives_the_generator_back(seed: int, asks: list[tuple[str, float]]) -> None:
    """Poisson draws from a :class:`UniformStream`'s block (numpy's algorithms, any mean),
    and draws of other kinds from its :meth:`~UniformStream.plain` generator (the uniforms
    read ahead given back), interleaved with uniforms in any order: the numbers of the plain
    generator, which ends in the same state."""
    stream, plain = UniformStream(np.random.default_rng(seed)), np.random.default_rng(seed)
    for how, x in asks:
        if how == "uniforms":
            assert np.array_equal(stream.random(int(x) % 50), plain.random(int(x) % 50))
        elif how == "poisson":
            assert poisson(stream, x) == plain.poisson(x)
        elif how == "integers":  # 32-bit draws: half a 64-bit draw may be kept for the next
            bound = 1 + int(x) % 40
            assert np.array_equal(stream.plain().integers(0, bound, 3), plain.integers(0, bound, 3))
        else:
            assert np.array_equal(stream.plain().permutation(1 + int(x) % 30), plain.permutation(1 + int(x) % 30))
    assert stream.plain().bit_generator.state == plain.bit_generator.state


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sizes=st.lists(st.integers(0, 3000), max_size=12), shape=st.floats(0.1, 20.0))
def test_normal_and_gamma_streams_give_the_generators_numbers(seed: int, sizes: list[int], shape: float) -> None:
    """Normals and gammas read ahead in blocks are numpy's ``normal`` and ``gamma`` draws,
    in order, however many are asked at a time (across refills)."""
    normals, gammas = NormalStream(np.random.default_rng(seed)), GammaStream(np.random.default_rng(seed), shape)
    plain_n, plain_g = np.random.default_rng(seed), np.random.default_rng(seed)
    for size in sizes:
        block, start = standard_normals(normals, size)
        assert np.array_equal(0.0 + 0.3 * block[start : start + size], plain_n.normal(0.0, 0.3, size))
        normals.advance(start + size)
        assert gamma(gammas, shape, 2.5) == plain_g.gamma(shape, 2.5)


@settings(max_examples=200, deadline=None)
@given(
    bounds=st.lists(st.integers(0, 2**40), min_size=1, max_size=50),
    uniforms=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=50, max_size=50),
)
def test_integers_from_uniforms_stay_in_their_bounds_and_follow_the_uniform(
    bounds: list[int], uniforms: list[float]
) -> None:
    """An integer made from a uniform lies in [0, bound], is ``floor(u (bound + 1))``, and a
    larger uniform never gives a smaller integer (the draws without replacement read them so)."""
    b, u = np.array(bounds, dtype=np.int64), np.array(uniforms)
    out = integers_from(u, 0, b)
    assert ((out >= 0) & (out <= b)).all()
    expected = np.minimum(np.floor(u[: b.size] * (b + 1.0)).astype(np.int64), b)
    np.testing.assert_array_equal(out, expected)
    higher = integers_from(np.minimum(u + 0.25, np.nextafter(1.0, 0.0)), 0, b)
    assert (higher >= out).all()
