"""CoopModel: the weekly schedule that ties the processes and the mechanisms together.

One step is one week. The processes run in this order (the order of the model brief):

1. ``work``          demand from the structures, allocation of roles and hours
2. ``strain``        exhaustion rises with strain, falls with recovery; burnout
3. ``interactions``  contact on the network, pairwise trust, trust in the collective
4. ``conflict``      disagreements, defused in meetings or opened; festering
5. ``engagement``    recognition, security, shared meaning, engagement
6. ``membership``    withdrawal, re-engagement, departures
7. ``arrivals``      territorial acceptance, arrivals, welcome and integration by consent
8. ``governance``    decisions taken or left in the backlog
9. ``money``         sales, rents, gifts, subsidies, grants, salaries

Before the processes, each switched-on mechanism adjusts the week's :class:`Modifiers`;
after each process, the mechanisms whose ``phase`` is that process act.

Randomness: the model owns one seed. Each process, mechanism and set-up step draws from
its own *named stream*: a generator made from the seed and a stable key of the stream's
name (:func:`named_stream`), never from its position in a list. Adding, removing or
switching a mechanism therefore changes no other stream: two variants with the same seed
share their random numbers until their states diverge (common random numbers). The
streams of the processes that draw one kind of number only (:data:`READ_AHEAD`: uniforms,
normals, gammas) read them ahead in blocks their kernels read from: the same numbers, in the
same order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from . import conflict, governance, interactions, membership, money, week, wellbeing, work
from .agents import Person
from .base import EVENT_CODE, WEEKS_PER_YEAR, Mechanism, Modifiers, Status, packed, params_edits
from .compiled import (
    GammaStream,
    NormalStream,
    ReadAhead,
    UniformStream,
    announce_compilation,
)
from .network import Conflicts, Network, founding_network
from .population import People, count_with_status, paid_status
from .records import MesaRecords, Recorder
from .scenario import Scenario, apply_overrides, load_scenario, parse_override, scenario_from_dict
from .structures import Roles, assign, hand_over, release
from .week import CompiledWeek, month_start

PROCESSES: list[tuple[str, Callable[[Any, np.random.Generator], None]]] = [
    ("work", work.allocate),
    ("strain", wellbeing.strain_and_recovery),
    ("interactions", interactions.interact),
    ("conflict", conflict.disagree),
    ("engagement", wellbeing.update_engagement),
    ("membership", membership.leave_or_withdraw),
    ("arrivals", membership.arrive_and_integrate),
    ("governance", governance.decide),
    ("money", money.flows),
]
SETUP_STREAMS = ("founders", "network", "newcomers")
# the streams that draw one kind of number only (the processes', and the newcomers' traits'
# normals), and how each is read ahead in blocks that a kernel reads from
# (coopsim.compiled.ReadAhead: the plain generator's numbers)
READ_AHEAD: dict[str, Callable[[np.random.Generator], ReadAhead]] = {
    "work": UniformStream,
    "strain": UniformStream,
    "interactions": UniformStream,
    "conflict": UniformStream,
    "engagement": NormalStream,
    "membership": UniformStream,
    "arrivals": UniformStream,
    "governance": UniformStream,
    "money": lambda rng: GammaStream(rng, money.GIFT_SHAPE),
    "newcomers": NormalStream,
}
#: the parameter groups the week's kernel reads, in the order it unpacks them
PARAMETER_GROUPS = ("work", "wellbeing", "interactions", "conflict", "membership", "territory", "governance", "money",
                    "population", "structures")  # fmt: skip


def stream_key(name: str) -> int:
    """A stable 64-bit key for a stream's name (the same on every machine and Python run).

    Example:
        >>> stream_key("rex") == stream_key("rex") != stream_key("mediation")
        True
    """
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def named_stream(seed: int, name: str) -> np.random.Generator:
    """The generator of the stream ``name`` in a run seeded with ``seed``.

    It depends on the seed and the name only, so a stream draws the same numbers whatever
    other streams exist (adding a mechanism moves no other draw).

    Example:
        >>> a, b = named_stream(1, "work").random(3), named_stream(1, "work").random(3)
        >>> bool((a == b).all()), bool((a != named_stream(1, "strain").random(3)).all())
        (True, True)
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream_key(name),)))


def _number(place: int, kind: type, doc: str) -> Any:
    """A model attribute kept in ``model.numbers`` at ``place`` (as ``kind``), where the
    compiled weeks read and write it."""

    def get(model: CoopModel) -> Any:
        return kind(model.numbers[place])

    def set_(model: CoopModel, value: Any) -> None:
        model.numbers[place] = value

    return property(get, set_, doc=doc)


def _scenario_with_overrides(
    scenario: Scenario | str | Path | None, overrides: list[str] | dict[str, Any] | None, params: dict[str, Any]
) -> Scenario:
    """The scenario a model runs: the one given (a :class:`Scenario`, or the path or name of a
    scenario file; default ``"tera"``) with the ``overrides`` (``"dotted.key=value"`` strings
    or a dict) and then the keyword ``params`` applied."""
    all_overrides: dict[str, Any] = {}
    if isinstance(overrides, list):
        all_overrides.update({".".join(k): v for k, v in map(parse_override, overrides)})
    elif overrides:
        all_overrides.update(overrides)
    all_overrides.update(params)
    if scenario is None:
        scenario = "tera"
    if isinstance(scenario, Scenario):
        if all_overrides:
            scenario = scenario_from_dict(
                apply_overrides(scenario.model_dump(), all_overrides), scenario.name, tuple(all_overrides)
            )
        return scenario
    return load_scenario(scenario, all_overrides or None)


class CoopModel(mesa.Model):
    """An ecosystem of people, structures and a territory, stepped week by week.

    Args:
        scenario: a :class:`Scenario`, the path or name of a scenario file (default
            ``"tera"``).
        seed: the one seed every random draw derives from (``None``: a fresh one, kept in
            ``model.seed``).
        years: horizon in years (default: the scenario's); ``model.running`` turns false
            at the horizon, so ``mesa.batch_run`` and ``run_model`` stop there.
        overrides: ``"dotted.key=value"`` strings or a dict, applied to the scenario.
        **params: further overrides as keyword arguments with dotted names, e.g.
            ``CoopModel(**{"rex.enabled": False})``; this is how ``mesa.batch_run``'s
            ``parameters`` reach the scenario.

    State that changes every week lives in arrays: ``model.people`` (one row per person),
    ``model.network`` (ties and pairwise trust), ``model.roles`` (role slots and
    holders), ``model.ledger`` (treasuries). ``model.agents`` holds one thin
    :class:`Person` view per person.

    Example:
        >>> m = CoopModel("tera", seed=1, years=1)
        >>> m.run_model()
        >>> m.week
        52
    """

    #: run the weeks many at a time in one compiled call (:mod:`coopsim.week`); False (or a
    #: model's ``compiled_week`` set to None): each week process by process, in Python
    compiled: bool = True

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        seed: int | None = None,
        years: float | None = None,
        overrides: list[str] | dict[str, Any] | None = None,
        **params: Any,
    ) -> None:
        if seed is None:  # a fresh seed, kept so that the run can be repeated
            seed = int(np.random.default_rng().integers(2**63 - 1))
        self.seed = int(seed)
        super().__init__(seed=self.seed)
        self.scenario: Scenario = _scenario_with_overrides(scenario, overrides, params)
        scenario = self.scenario
        announce_compilation()
        self.horizon = round((years if years is not None else scenario.years) * WEEKS_PER_YEAR)

        names = [name for name, _ in PROCESSES] + [name for name, _ in scenario.mechanisms()] + list(SETUP_STREAMS)
        self.streams: dict[str, Any] = {name: named_stream(self.seed, name) for name in names}
        for name, read_ahead in READ_AHEAD.items():
            self.streams[name] = read_ahead(self.streams[name])
        for name, lever in scenario.mechanisms():
            if lever.uniforms_only:
                self.streams[name] = UniformStream(self.streams[name])

        self.week = 0
        self.month_start = True
        self.numbers = np.zeros(len(week.NUMBERS))  # the week's numbers below, kept where the kernels write them
        self.acceptance = scenario.territory.acceptance_start
        self.mods = Modifiers()
        self.mechanism_state: dict[str, dict[str, Any]] = {}
        self.contact = np.zeros(0, dtype=bool)
        self._persons: list[Person] = []

        self.people = People(capacity=max(64, 2 * scenario.population.founders))
        self.network = Network()
        self.roles = Roles(scenario.structures)
        self.conflicts = Conflicts()
        self.ledger = money.Ledger(self._start_treasuries())
        self.recorder = Recorder(self)
        self.datacollector = MesaRecords(self)
        self.compiled_week: CompiledWeek | None = CompiledWeek(self) if self.compiled else None
        self._found()
        self._plan_the_week()

    # --- set-up ---------------------------------------------------------------------

    def _start_treasuries(self) -> list[float]:
        by_key: dict[str, float] = {s.key: s.treasury for s in self.scenario.structures.structures}
        return [by_key[k] for k in money.STRUCTURE_KEYS]

    def _found(self) -> None:
        """The founding group: people, their acquaintances, salaried posts and first roles."""
        pp = self.scenario.population
        rng = self.streams["founders"]
        idx = self.add_people(pp.founders, Status.ACTIVE, rng)
        a, b = founding_network(pp.founders, pp.founder_ties, pp.rewire, self.streams["network"])
        self.network.add_ties(idx[a], idx[b], trust=0.6)
        R = self.roles
        R.start_units(self.week, pp.founders)
        salaried_roles = np.flatnonzero(R.salaried & R.open)
        takers = idx[np.argsort(-self.people.capacity[idx], kind="stable")][
            : min(pp.salaried_founders, salaried_roles.size)
        ]
        self.assign_roles(salaried_roles[: takers.size], takers, quiet=True)
        # The founders start with most roles of the first units taken (the more appealing,
        # the likelier), each by a founder drawn in proportion to engagement.
        vacant = np.flatnonzero((R.holder < 0) & R.open)
        u_take, u_pick = rng.random(vacant.size), rng.random(vacant.size)
        cum = np.cumsum(self.people.engagement[idx])
        takers = idx[np.minimum(np.searchsorted(cum, u_pick * cum[-1], side="right"), idx.size - 1)]
        taken = u_take < 0.7 * R.appeal[vacant] + 0.2
        self.assign_roles(vacant[taken], takers[taken], quiet=True)
        self.people.identity[idx] = membership.role_identity_target(self.people.roles[idx])
        self.update_paid_status()

    def add_people(self, count: int, status: int, rng: np.random.Generator) -> np.ndarray:
        """Add people with drawn traits (their :class:`Person` views are made when asked for)."""
        return self.people.add(count, self.week, status, self.scenario.population, rng)

    def _views(self) -> list[Person]:
        """The :class:`Person` views, made now for the people who arrived since last asked
        (a run that nobody inspects makes none)."""
        views = self._persons
        while len(views) < self.people.n:
            views.append(Person(self, len(views)))
        return views

    @property
    def persons(self) -> list[Person]:
        """A :class:`Person` view per person, in index order."""
        return self._views()

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Mesa's set of every agent: the :class:`Person` views of everyone so far."""
        self._views()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        self._views()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        self._views()
        return super().agent_types

    def add_newcomers(self, count: int, uniforms: UniformStream | None = None) -> None:
        """Newcomers arrive, their traits drawn, and each meets a few active members, drawn
        without replacement (:func:`coopsim.membership.newcomers_arrive`): normals from the
        stream *newcomers*, uniforms from ``uniforms`` (the stream *arrivals* by default)."""
        P, N, log = self.people, self.network, self.recorder.log
        normals, uniforms = self.streams["newcomers"], uniforms or self.streams["arrivals"]
        ties = self.scenario.population.newcomer_ties
        P.reserve(count)
        N.reserve(count * ties)
        log.reserve(count)
        z, z_at = normals.block(5 * count)
        u, u_at = uniforms.block(membership.arrival_uniforms(P.ints, P.n, count, ties))
        z_read, u_read, N.m, logged = membership.newcomers_arrive(
            count, self.week, P.floats, P.ints, P.flags, P.n, z, z_at, u, u_at, packed(self.scenario.population),
            N.ints, N.floats, N.m, N.pairs, log.rows, log.week_counts, log.n,
        )  # fmt: skip
        normals.advance(z_read)
        uniforms.advance(u_read)
        P.n += count
        log.written(logged)

    # --- helpers the processes and mechanisms share -------------------------------------

    def count(self, status: int) -> int:
        """Number of people with a status."""
        return int(count_with_status(self.people.ints, self.people.n, status))

    def emit(self, kind: str, persons: np.ndarray) -> None:
        """Record events of one kind this week (``persons`` may be -1 for collective events)."""
        self.recorder.event(self.week, EVENT_CODE[kind], np.asarray(persons, dtype=np.int64))

    def assign_roles(self, roles: np.ndarray, persons: np.ndarray, quiet: bool = False) -> None:
        """Give roles to people, respecting the contractualisation cap when there is one."""
        if roles.size == 0:
            return
        R = self.roles
        takers = assign(
            R.holder, R.since, R.announced, R.notice_by, self.people.ints, roles, persons, self.week, self.mods.role_cap
        )
        if not quiet:
            self.emit("role_taken", takers)

    def release_roles(self, roles: np.ndarray) -> None:
        """Holders give up these roles; the roles become vacant."""
        if roles.size == 0:
            return
        R = self.roles
        self.emit("role_dropped", release(R.holder, R.vacant_since, self.people.ints, roles, self.week))

    def hand_over_one_role(self, person: int, announced: bool = True) -> None:
        """A person hands over their heaviest role, openly (easier for others to take)."""
        R = self.roles
        if hand_over(
            R.holder, R.vacant_since, R.announced, self.people.ints, R.hours, R.salaried, person, self.week, announced
        ):
            self.emit("role_dropped", np.array([person]))

    def enforce_role_cap(self, cap: int) -> None:
        """People above the cap hand over their most recent extra roles."""
        R = self.roles
        held = np.flatnonzero(R.holder >= 0)
        order = held[np.lexsort((-R.since[held], R.holder[held]))]
        holders = R.holder[order]
        starts = np.r_[0, np.flatnonzero(np.diff(holders)) + 1] if holders.size else np.zeros(0, dtype=np.int64)
        rank = np.arange(holders.size) - np.repeat(starts, np.diff(np.r_[starts, holders.size]))
        # lexsort puts a person's roles from newest to oldest: keep the oldest ``cap``
        counts = np.bincount(holders, minlength=self.people.n)[holders] if holders.size else holders
        self.release_roles(order[rank < counts - cap])

    def set_status(self, i: int, status: int) -> None:
        """Change a person's status; leaving active membership releases their roles
        (:func:`coopsim.membership.change_status`)."""
        self._apply(membership.change_status, i, status, self.week)

    def burnout(self, i: int) -> None:
        """A person burns out: stops everything, and may leave the territory (a draw of the
        *membership* stream; :func:`coopsim.membership.burn_out`)."""
        u_leave = self.streams["membership"].random()
        self._apply(membership.burn_out, i, u_leave, self.scenario.membership.burnout_departure, self.week)

    def depart(self, i: int) -> None:
        """A person leaves the territory (:func:`coopsim.membership.depart_person`)."""
        self._apply(membership.depart_person, i, self.week)

    def _apply(self, change: Callable[..., tuple[int, int]], *first: Any) -> None:
        """Run a kernel changing a person's status (``first`` are its leading arguments, then
        the people, roles and logs) with room reserved, and take the logs' new counts."""
        P, R, exits, log = self.people, self.roles, self.recorder.exit_log, self.recorder.log
        exits.reserve(1)
        log.reserve(R.count + 3)
        n_exits, logged = change(
            *first, P.ints, P.flags, R.holder, R.vacant_since, R.formal, R.announced, exits.rows, exits.n,
            log.rows, log.week_counts, log.n,
        )  # fmt: skip
        exits.written(n_exits)
        log.written(logged)

    def update_paid_status(self) -> None:
        """Salaried if holding a salaried role; on stipend if a recipient still living there; else volunteer."""
        paid_status(self.people.ints, self.people.flags, self.people.n, self.roles.holder, self.roles.salaried)

    # --- the week ---------------------------------------------------------------------

    def _plan_the_week(self) -> None:
        """Resolve once what every week runs: each process with its stream, followed by the
        levers switched on that act at its phase (each with its stream), and the levers
        switched on that adjust the modifiers. Whether a lever has started is still asked
        every week; the plan is made anew whenever a parameter has been assigned since."""
        levers = [(lever, self.streams[name]) for name, lever in self.scenario.mechanisms() if lever.enabled]
        self._modifying = [lever for lever, _ in levers if type(lever).modify is not Mechanism.modify]
        self._schedule = [
            (name, process, self.streams[name], [(lever, rng) for lever, rng in levers if lever.phase == name])
            for name, process in PROCESSES
        ]
        self._params = tuple(packed(getattr(self.scenario, group)) for group in PARAMETER_GROUPS)
        self._planned = params_edits()

    backlog = _number(week.BACKLOG, float, "matters waiting for a decision")
    acceptance = _number(week.ACCEPTANCE, float, "the territory's acceptance of the ecosystem")
    week_demand = _number(week.DEMAND, float, "hours the week's work asked")
    week_unmet = _number(week.UNMET, float, "hours of the week's work left undone")
    week_decision_capacity = _number(week.DECISION_CAPACITY, float, "decisions the week could take")
    week_mediated = _number(week.MEDIATED, int, "mediations held this week")
    week_mediated_ok = _number(week.MEDIATED_OK, int, "mediations that settled their dispute this week")

    def run_weeks(self, stop: int, progress: Callable[[int], Any] | None = None) -> None:
        """Run the weeks up to ``stop`` (excluded): as many at a time as the compiled weeks
        allow (:mod:`coopsim.week`), or one :meth:`step` at a time; ``progress`` is called
        with the number of weeks done after each call."""
        if self.compiled_week is None:
            while self.week < stop:
                self.step()
                if progress is not None:
                    progress(1)
            return
        if params_edits() != self._planned:
            self._plan_the_week()
        start = self.week
        self.compiled_week.run_until(stop, progress)
        self.steps += self.week - start
        self.running = self.week < self.horizon

    def step(self) -> None:
        """One week: modifiers, then each process followed by the mechanisms of its phase."""
        week = self.week
        if params_edits() != self._planned:
            self._plan_the_week()
        if self.compiled_week is not None:
            self.compiled_week.run_until(week + 1)
            self.running = self.week < self.horizon
            return
        self.month_start = bool(month_start(week))
        self.week_mediated = self.week_mediated_ok = 0
        mods = self.mods
        mods.reset(self.scenario.membership.integration_weeks_unwelcomed)
        for lever in self._modifying:
            if lever.active(week):
                lever.modify(mods, self)
        for name, process, rng, acting in self._schedule:
            process(self, rng)
            if name == "work":
                self.update_paid_status()
            for lever, lever_rng in acting:
                if lever.active(week):
                    lever.act(self, lever_rng)
        self.recorder.record_week(self)
        self.week += 1
        if self.week >= self.horizon:
            self.running = False

    def _wrapped_step(self, *args: Any, **kwargs: Any) -> None:
        """Mesa's wrapper of ``step`` (it counts ``steps``), without its log line per step,
        whose formatting costs more than a week's bookkeeping."""
        self.steps += 1
        self._user_step(*args, **kwargs)

    def run_model(self) -> None:
        """Run to the horizon."""
        self.run_weeks(self.horizon)
