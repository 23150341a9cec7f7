"""One browser tab's state: the settings, the model, the layout, and the history the views read.

Nothing here is shared between tabs: the page creates one :class:`Session` per browser
session (``solara.use_memo`` inside the page), never a module-level model (a model at
module level would be shared by every tab, Mesa #856). It is plain Python, so the logic is
tested without a browser.

- :class:`Settings`: the scenario chosen, its dotted overrides (switches and sliders) and
  the seed; immutable and hashable, so the page can compare two of them cheaply.
- :data:`CONTROLS`: the main sliders of the set-up panel (key, kind and range): the
  founding group and the arrivals, then each lever's own (``Mechanism.controls``, in the
  registry's order).
- :class:`Session`: the model, stepped under a lock (the play loop runs in a thread while
  the page draws), with a :class:`History` of each person's weekly state, the
  :class:`Notable` events the feed turns into sentences, the money flows of each week and
  a stable :class:`~coopsim.ui.layout.Layout`.

Example:
    >>> s = Session(Settings(seed=3, overrides=(("years", 1),)))
    >>> s.step(4)
    4
    >>> s.week, s.model.horizon
    (4, 52)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .. import base as coopsim_base
from ..base import Mechanism
from ..mechanisms import REGISTRY, on_change
from ..model import CoopModel
from ..scenario import SCENARIO_DIR, Scenario, load_scenario
from .layout import Layout


@dataclass(frozen=True)
class Control:
    """A main slider of the set-up panel: a dotted scenario key, its kind and range."""

    key: str
    kind: str  # "int", "float" or "bool"
    low: float = 0
    high: float = 1
    step: float = 1


#: the main sliders that are not a lever's
WORLD_CONTROLS = (
    Control("population.founders", "int", 4, 60, 1),
    Control("territory.arrivals_per_week", "float", 0.0, 2.0, 0.05),
)

#: every main slider: :data:`WORLD_CONTROLS`, then the levers' (kept up to date with the registry)
CONTROLS: list[Control] = []


def lever_controls(key: str, lever: type[Mechanism]) -> list[Control]:
    """The sliders a lever declares, as the panel shows them (the kind follows the field's type).

    >>> [(c.key, c.kind) for c in lever_controls("stipend", REGISTRY["stipend"])][-1]
    ('stipend.with_objectives', 'bool')
    """

    def kind(field: str) -> str:
        annotation = lever.model_fields[field].annotation
        return "bool" if annotation is bool else "int" if annotation is int else "float"

    return [Control(f"{key}.{c.field}", kind(c.field), c.low, c.high, c.step) for c in lever.controls]


def _controls() -> None:
    CONTROLS[:] = [*WORLD_CONTROLS, *(c for key, lever in REGISTRY.items() for c in lever_controls(key, lever))]


on_change(_controls)


def scenario_names() -> list[str]:
    """The scenarios shipped in ``scenarios/``, TERA first."""
    names = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
    return sorted(names, key=lambda n: (n != "tera", n))


@functools.lru_cache(maxsize=64)
def _load(scenario: str, overrides: tuple[tuple[str, Any], ...]) -> Scenario:
    """Load a scenario once per (name, overrides): the panel reads its values at every draw."""
    return load_scenario(scenario, overrides=dict(overrides) or None)


on_change(_load.cache_clear)  # a scenario loaded before a lever was registered lacks its table


def _lookup(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node[part]
    return node


@dataclass(frozen=True)
class Settings:
    """What the facilitator chose: a scenario, dotted overrides and a seed.

    ``overrides`` is a tuple of ``(dotted key, value)`` pairs, e.g.
    ``(("rex.enabled", False),)``; ``years`` is the top-level key ``"years"``.
    """

    scenario: str = "tera"
    seed: int = 1
    overrides: tuple[tuple[str, Any], ...] = field(default=())

    def scenario_obj(self) -> Scenario:
        """The validated scenario (raises ``ScenarioError`` when a value is refused)."""
        return _load(self.scenario, self.overrides)

    def value(self, key: str) -> Any:
        """The current value of a dotted key (an override, else the scenario file's)."""
        own = dict(self.overrides)
        if key in own:
            return own[key]
        return _lookup(self.scenario_obj().model_dump(), key)

    def set(self, key: str, value: Any) -> Settings:
        """A copy with ``key`` set to ``value`` (dropped when it equals the file's value)."""
        rest = tuple((k, v) for k, v in self.overrides if k != key)
        base = _lookup(_load(self.scenario, ()).model_dump(), key)
        if value != base:
            rest = (*rest, (key, value))
        return replace(self, overrides=tuple(sorted(rest)))

    def with_scenario(self, name: str) -> Settings:
        """Another scenario file, with its own values (the overrides are dropped)."""
        return replace(self, scenario=name, overrides=())

    def with_seed(self, seed: int) -> Settings:
        return replace(self, seed=int(seed))


@dataclass
class Notable:
    """An event worth a sentence: week, kind, the person, the other party, context.

    ``kind`` is an event kind of ``coopsim.base.EVENT_KINDS`` or one the session derives
    (``mediation_ok``, ``mediation_failed``, ``stipend_started``); ``roles`` and ``weeks``
    are the roles held just before and the weeks since arrival (for a burnout).
    """

    week: int
    kind: str
    person: int = -1
    other: int = -1
    roles: int = 0
    weeks: int = 0


#: the event kinds told in the feed as they come (others are derived or left out as noise)
PLAIN_KINDS = (
    "arrival",
    "integration",
    "integration_refused",
    "recovery",
    "withdrawal",
    "reengagement",
    "departure",
    "rex_session",
    "exhaustion_noticed",
)
ONCE_KINDS = {"stipend_paid": "stipend_started", "stipend_unpaid": "stipend_unpaid", "salary_unpaid": "salary_unpaid"}
"""kinds told only the first time they happen to a person (monthly events would flood the feed)"""
HISTORY_FIELDS = ("status", "paid", "roles", "exhaustion", "engagement", "trust", "load", "hours")


class History:
    """Each week's copy of a few of every person's arrays (for the inspector and the work view)."""

    def __init__(self) -> None:
        self.weeks: list[int] = []
        self.rows: list[dict[str, np.ndarray]] = []

    def record(self, model: Any) -> None:
        P = model.people
        self.weeks.append(model.week)
        self.rows.append({f: getattr(P, f)[: P.n].copy() for f in HISTORY_FIELDS})

    def person(self, i: int, name: str) -> np.ndarray:
        """One person's value of ``name`` week by week (NaN before they arrived)."""
        return np.array([row[name][i] if i < row[name].size else np.nan for row in self.rows], dtype=float)

    def hours_last(self, weeks: int, n: int) -> np.ndarray:
        """Hours each of ``n`` people worked over the last ``weeks`` recorded weeks."""
        total = np.zeros(n)
        for row in self.rows[-weeks:]:
            h = row["hours"]
            total[: h.size] += h
        return total


class Session:
    """The model of one browser tab, with what the views need, stepped under a lock."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.lock = threading.RLock()
        self.version = 0
        self.reset(settings or Settings())

    def reset(self, settings: Settings | None = None) -> None:
        """A new model from ``settings`` (default: the current ones), at week 0."""
        with self.lock:
            if settings is not None:
                self.settings = settings
            self.model = CoopModel(self.settings.scenario_obj(), seed=self.settings.seed)
            self.layout = Layout(self.model)
            self.history = History()
            self.notables: list[Notable] = []
            self.flows: list[dict[str, float]] = []
            n = self.model.people.n
            self.role_weeks = np.zeros(n)
            self.max_roles = self.model.people.roles[:n].copy()
            self._events_seen = 0
            self._once_seen: set[tuple[str, int]] = set()
            self.cache: dict[str, Any] = {}  # what the views draw once per run (e.g. a figure's background)
            self.version += 1

    # --- stepping -------------------------------------------------------------------------

    @property
    def week(self) -> int:
        return int(self.model.week)

    @property
    def done(self) -> bool:
        return not self.model.running

    def step(self, weeks: int = 1, cancel: threading.Event | None = None) -> int:
        """Advance up to ``weeks`` weeks (stops at the horizon or when ``cancel`` is set)."""
        done = 0
        for _ in range(max(0, int(weeks))):
            if self.done or (cancel is not None and cancel.is_set()):
                break
            with self.lock:
                self._step_once()
            done += 1
        return done

    def run_to_end(self, cancel: threading.Event | None = None, progress: Callable[[int], Any] | None = None) -> int:
        """Advance to the horizon, a year at a time (``progress`` gets the week after each year)."""
        done = 0
        while not self.done and not (cancel is not None and cancel.is_set()):
            done += self.step(52, cancel)
            if progress is not None:
                progress(self.week)
        return done

    def _step_once(self) -> None:
        m = self.model
        C = m.conflicts
        open_before = set(C.open_ids.tolist())
        festering_before = set(C.festering)
        roles_before = m.people.roles[: m.people.n].copy()
        m.step()
        self.history.record(m)
        n = m.people.n
        self.role_weeks = np.pad(self.role_weeks, (0, n - self.role_weeks.size)) + m.people.roles[:n]
        self.max_roles = np.maximum(np.pad(self.max_roles, (0, n - self.max_roles.size)), m.people.roles[:n])
        self.flows.append(dict(m.ledger.week_flows))
        self._collect(open_before, festering_before, roles_before)
        self.layout.update(m)

    # --- the events worth a sentence ----------------------------------------------------

    def _new_events(self) -> list[tuple[int, str, np.ndarray]]:
        """The recorder's events since the last call (the recorder keeps them as a list of
        ``(week, code, persons)``; reading it avoids rebuilding the whole events frame)."""
        events = self.model.recorder._events
        new = events[self._events_seen :]
        self._events_seen = len(events)
        kinds = coopsim_base.EVENT_KINDS  # read now: a lever registered late may have added kinds
        return [(week, kinds[code], persons) for week, code, persons in new]

    def _pair(self, conflict: int) -> tuple[int, int]:
        N = self.model.network
        tie = self.model.conflicts.tie[conflict]
        return int(N.a[tie]), int(N.b[tie])

    def _collect(self, open_before: set[int], festering_before: set[int], roles_before: np.ndarray) -> None:
        m, week = self.model, self.model.week - 1
        C = m.conflicts
        open_after = set(C.open_ids.tolist())
        closed = sorted(open_before - open_after)
        out: list[Notable] = []
        mediated: list[int] = []
        resolved_people: set[int] = set()
        for _, kind, persons in self._new_events():
            people = persons.tolist()
            if kind in PLAIN_KINDS:
                out += [Notable(week, kind, p) for p in people]
            elif kind == "burnout":
                for p in people:
                    roles = int(roles_before[p]) if p < roles_before.size else 0
                    out.append(Notable(week, kind, p, roles=roles, weeks=week - int(m.people.arrival_week[p])))
            elif kind in ONCE_KINDS:
                for p in people:
                    if (kind, p) not in self._once_seen:
                        self._once_seen.add((kind, p))
                        out.append(Notable(week, ONCE_KINDS[kind], p))
            elif kind == "conflict_mediated":
                mediated += people
            elif kind == "conflict_resolved":
                resolved_people.update(people)
        for c in sorted(open_after - open_before):
            out.append(Notable(week, "conflict_opened", *self._pair(c)))
        for c in sorted(set(C.festering) - festering_before):
            out.append(Notable(week, "conflict_festering", *self._pair(c)))
        for p in mediated:  # a mediated conflict that closed this week: the mediation worked
            match = next((c for c in closed if self._pair(c)[0] == p), None)
            if match is not None:
                closed.remove(match)
                out.append(Notable(week, "mediation_ok", *self._pair(match)))
            else:
                still = next((c for c in sorted(open_after) if self._pair(c)[0] == p), None)
                if still is not None:
                    out.append(Notable(week, "mediation_failed", *self._pair(still)))
        for c in closed:
            a, b = self._pair(c)
            if a in resolved_people:
                out.append(Notable(week, "conflict_resolved", a, b))
        self.notables.extend(out)

    # --- what the views read ------------------------------------------------------------

    def people_order(self) -> list[int]:
        """Everyone who ever lived there: those who burned out first, then those who held
        most roles for longest (Simon's profile: "5 à 6 ans" of accumulating roles)."""
        n = self.model.people.n
        weeks = np.pad(self.role_weeks, (0, n - self.role_weeks.size))
        burned = self.model.people.burnout_count[:n] > 0
        return np.lexsort((np.arange(n), -weeks, ~burned)).tolist()

    def person_notables(self, i: int) -> list[Notable]:
        """The events of one person's story."""
        return [e for e in self.notables if i in (e.person, e.other)]
