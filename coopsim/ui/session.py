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
- The page's gate: a browser can send any value for any input (the page's JavaScript is
  no guard), so every value is checked here before it is used: :meth:`Control.check`
  (a number inside the slider's range, a yes/no that is a boolean), :func:`check_choice`
  (one of the values offered), :func:`check_setting` (a key the page offers, then its
  control). A scenario is a name among the shipped ones (:func:`scenario_names`), loaded
  from ``scenarios/`` only, or a file the user dropped on the page, parsed as data
  (:func:`uploaded_settings`): never a path a client names. What is refused raises
  :class:`InputError` (a :class:`~coopsim.scenario.ScenarioError`), which the page shows as a
  sentence in its language; nothing is changed.
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
import math
import threading
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

import numpy as np

from .. import base as coopsim_base
from ..base import Mechanism
from ..mechanisms import REGISTRY, on_change
from ..model import CoopModel
from ..scenario import SCENARIO_DIR, Scenario, ScenarioError, apply_overrides, load_scenario, scenario_from_dict
from .layout import Layout
from .strings import CONTROL_LABELS as _LABELS
from .strings import mechanism_name, number, pick, t

#: the largest scenario file the page accepts, in bytes (TERA's is about 12 kB)
MAX_UPLOAD_BYTES = 200_000
#: the longest value a refusal message quotes (a client may send a megabyte of text)
SHOWN_CHARS = 40


def shown(value: Any) -> str:
    """A value as a refusal message quotes it: its ``repr``, cut short.

    >>> shown("x" * 100)[-5:], shown(0)
    ("x...'", '0')
    """
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 4] + "...'"


class InputError(ScenarioError):
    """A value the page does not accept, and what it accepts, said in either language.

    ``what`` names the input (a dotted key such as ``rex.every_weeks``, or ``scenario``,
    ``seed``, ``years``, ``replications``, ``speed``, ``color_by``, ``tab``, ``person``,
    ``upload``); ``low``/``high`` give a range, ``choices`` a set of allowed values,
    ``reason`` any other reason (for a dropped file).

    Example:
        >>> InputError("rex.every_weeks", 0, low=1, high=52).message("en")
        '“REX: weeks between sessions”: 0 refused (allowed: 1 to 52). Nothing was changed.'
    """

    def __init__(
        self,
        what: str,
        value: Any,
        low: float | None = None,
        high: float | None = None,
        choices: Sequence[Any] = (),
        reason: str = "",
    ) -> None:
        self.what, self.value, self.low, self.high = what, value, low, high
        self.choices, self.reason = tuple(choices), reason
        allowed = reason or (f"{low} to {high}" if low is not None else ", ".join(map(str, self.choices)))
        super().__init__(f"{what} = {shown(value)}: refused ({allowed})")

    def message(self, lang: str) -> str:
        """The sentence the page shows (the value quoted, what is allowed, nothing changed)."""
        label = input_label(self.what, lang)
        if self.what == "scenario":
            return t("refused_scenario", lang, value=shown(self.value), choices=", ".join(scenario_names()))
        if self.what == "upload":
            return t("refused_upload", lang, reason=self.reason)
        if self.reason:
            allowed = self.reason
        elif self.low is not None and self.high is not None:
            digits = 0 if float(self.low).is_integer() and float(self.high).is_integer() else 2
            allowed = t("range", lang, low=number(self.low, lang, digits), high=number(self.high, lang, digits))
        elif self.choices:
            allowed = ", ".join(str(c) for c in self.choices)
        else:
            allowed = t("yes_no", lang)
        return t("refused", lang, label=label, value=shown(self.value), allowed=allowed)


def input_label(what: str, lang: str) -> str:
    """The words for an input of the page (a main setting, a lever's switch, the seed ...)."""
    if what in _LABELS:
        return pick(_LABELS, what, lang)
    lever, _, rest = what.partition(".")
    if rest == "enabled" and lever in REGISTRY:
        return mechanism_name(lever, lang)
    return t(what, lang) if what in INPUT_WORDS else what


#: inputs whose label is a text of :data:`coopsim.ui.strings.TEXT` of the same key
INPUT_WORDS = (
    "years",
    "seed",
    "replications",
    "speed",
    "color_by",
    "scenario",
    "setting",
    "person",
    "tab",
    "feed",
    "present",
)


@dataclass(frozen=True)
class Control:
    """A main slider of the set-up panel: a dotted scenario key, its kind and range."""

    key: str
    kind: str  # "int", "float" or "bool"
    low: float = 0
    high: float = 1
    step: float = 1

    def check(self, value: Any) -> Any:
        """``value`` if this control accepts it (as an ``int``, a ``float`` or a ``bool``),
        else :class:`InputError`: a number must be finite, whole for an ``int`` control, and
        inside ``[low, high]``; a yes/no must be a boolean (not a word, not a number).

        >>> Control("rex.every_weeks", "int", 1, 52).check(4.0)
        4
        >>> Control("rex.every_weeks", "int", 1, 52).check(0)
        Traceback (most recent call last):
        ...
        coopsim.ui.session.InputError: rex.every_weeks = 0: refused (1 to 52)
        """
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise InputError(self.key, value)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if ok and self.kind == "int":
            ok = float(value).is_integer()
        if not ok or not self.low <= value <= self.high:
            raise InputError(self.key, value, low=self.low, high=self.high)
        return int(value) if self.kind == "int" else round(float(value), 6)  # no 0.15000000000000002


#: the duration slider: whole years (the schema allows up to 200; the page offers 20)
YEARS = Control("years", "int", 1, 20, 1)
#: the seed field: what numpy's seeding takes without surprise
SEED = Control("seed", "int", 0, 2**32 - 1, 1)


def check_choice(what: str, value: Any, choices: Sequence[Any]) -> Any:
    """``value`` if it is one of ``choices`` (compared by type and value), else :class:`InputError`.

    >>> check_choice("speed", 4, (1, 4, 13))
    4
    >>> check_choice("speed", True, (1, 4, 13))
    Traceback (most recent call last):
    ...
    coopsim.ui.session.InputError: speed = True: refused (1, 4, 13)
    """
    for choice in choices:
        if type(value) is type(choice) and value == choice:
            return choice
    raise InputError(what, value, choices=choices)


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


def page_control(key: str) -> Control:
    """The control of a key the page sets: a main slider, a lever's switch, or the duration.

    Any other key raises :class:`InputError` (a client may name any key).
    """
    for control in CONTROLS:
        if control.key == key:
            return control
    if key == "years":
        return YEARS
    lever, _, rest = key.partition(".") if isinstance(key, str) else ("", "", "")
    if rest == "enabled" and lever in REGISTRY:
        return Control(key, "bool")
    raise InputError("setting", key, reason="not a setting of the page")


def check_setting(key: str, value: Any) -> Any:
    """``value`` checked against the page's control for ``key`` (see :meth:`Control.check`)."""
    return page_control(key).check(value)


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[str, ...]:
    names = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
    return tuple(sorted(names, key=lambda n: (n != "tera", n)))


def scenario_names() -> list[str]:
    """The scenarios shipped in ``scenarios/``, TERA first (the only names the page loads).

    >>> scenario_names()[0]
    'tera'
    """
    return list(_shipped())


def check_scenario(name: Any) -> str:
    """``name`` if it is a shipped scenario's, else :class:`InputError` (never a path).

    >>> check_scenario("/etc/passwd")
    Traceback (most recent call last):
    ...
    coopsim.ui.session.InputError: scenario = '/etc/passwd': refused (...)
    """
    if isinstance(name, str) and name in _shipped():
        return name
    raise InputError("scenario", name, choices=_shipped())


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Values of ``top`` over ``base``: tables merged key by key, other values replaced."""
    out = dict(base)
    for key, value in top.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def uploaded_data(text: str, label: str) -> dict[str, Any]:
    """The raw data of a scenario file dropped on the page (its text, parsed as TOML).

    Its ``extends``, if any, must name a shipped scenario (``"tera.toml"`` or ``"tera"``),
    whose values it then changes; nothing else is read from the disk.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{label}: not valid TOML: {exc}") from None
    parent = data.pop("extends", None)
    if parent is not None:
        stem = parent.removesuffix(".toml") if isinstance(parent, str) else None
        if stem not in _shipped():
            raise ScenarioError(
                f"{label}: extends = {shown(parent)}: a file dropped on the page may only extend a shipped "
                f"scenario ({', '.join(_shipped())})"
            )
        data = _merge(load_scenario(SCENARIO_DIR / f"{stem}.toml").to_toml_dict(), data)
    data.setdefault("name", PurePath(label).stem or "uploaded")
    return data


@functools.lru_cache(maxsize=64)
def _load(scenario: str, overrides: tuple[tuple[str, Any], ...], source: str = "") -> Scenario:
    """Load a scenario once per (name, overrides, dropped text): the panel reads its values
    at every draw. A name is looked up among the shipped scenarios only; ``source`` is the
    text of a dropped file (then ``scenario`` is only its label)."""
    if source:
        data = uploaded_data(source, scenario)
        if overrides:
            data = apply_overrides(data, dict(overrides))
        return scenario_from_dict(data, source=scenario, overridden=tuple(k for k, _ in overrides))
    name = check_scenario(scenario)
    return load_scenario(SCENARIO_DIR / f"{name}.toml", overrides=dict(overrides) or None)


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
    ``scenario`` names a shipped scenario, or, when ``source`` holds the text of a file
    dropped on the page, labels that file (its name, e.g. ``"atelier.toml"``).
    """

    scenario: str = "tera"
    seed: int = 1
    overrides: tuple[tuple[str, Any], ...] = field(default=())
    source: str = field(default="", repr=False)

    def scenario_obj(self) -> Scenario:
        """The validated scenario (raises ``ScenarioError`` when a value is refused)."""
        return _load(self.scenario, self.overrides, self.source)

    def value(self, key: str) -> Any:
        """The current value of a dotted key (an override, else the scenario file's; read
        even when the overrides together are refused, so the panel can still show them)."""
        own = dict(self.overrides)
        if key in own:
            return own[key]
        return _lookup(_load(self.scenario, (), self.source).model_dump(), key)

    def set(self, key: str, value: Any) -> Settings:
        """A copy with ``key`` set to ``value`` (dropped when it equals the file's value)."""
        rest = tuple((k, v) for k, v in self.overrides if k != key)
        base = _lookup(_load(self.scenario, (), self.source).model_dump(), key)
        if value != base:
            rest = (*rest, (key, value))
        return replace(self, overrides=tuple(sorted(rest)))

    def with_scenario(self, name: str) -> Settings:
        """Another shipped scenario, with its own values (the overrides are dropped)."""
        return replace(self, scenario=check_scenario(name), overrides=(), source="")

    def with_seed(self, seed: int) -> Settings:
        return replace(self, seed=int(seed))

    @property
    def uploaded(self) -> bool:
        """Whether the scenario is a file dropped on the page (rather than a shipped one)."""
        return bool(self.source)


def uploaded_settings(settings: Settings, name: Any, data: Any) -> Settings:
    """``settings`` with the scenario of a file dropped on the page: its bytes read as UTF-8
    TOML, validated, its overrides dropped and its seed kept; anything wrong raises
    :class:`InputError` (``what="upload"``) with the reason.

    The file's name only labels it (``atelier.toml``); it is never used as a path.

    >>> s = uploaded_settings(Settings(), "../x.toml", b'extends = "tera.toml"\\n[rex]\\nenabled = false')
    >>> s.scenario, s.scenario_obj().rex.enabled
    ('x.toml', False)
    """
    label = PurePath(name).name[:60] if isinstance(name, str) and PurePath(name).name else "scenario.toml"
    if not isinstance(data, bytes):
        raise InputError("upload", name, reason="no file content")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError("upload", name, reason=f"{label}: {len(data)} bytes, more than {MAX_UPLOAD_BYTES}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("upload", name, reason=f"{label}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise InputError("upload", name, reason=f"{label}: empty file")
    if label in _shipped():
        label += ".toml"  # a label, never the name of a shipped scenario
    chosen = replace(settings, scenario=label, overrides=(), source=text)
    try:
        chosen.scenario_obj()
    except ScenarioError as exc:
        raise InputError("upload", name, reason=str(exc)) from None
    return chosen


@dataclass
class Notable:
    """An event worth a sentence: week, kind, the person, the other party, context.

    ``kind`` is an event kind of ``coopsim.base.EVENT_KINDS`` or one the session derives
    (``mediation_ok``, ``mediation_failed``, ``stipend_started``, ``departure_roles``: a
    departure of someone who held roles, ``rex_changed``: a REX session after which roles
    were handed over or conflicts settled); ``roles`` and ``weeks`` are the roles held just
    before and the weeks since arrival (for a burnout), the roles left (for a departure) or
    handed over (for a REX session); ``count``: the conflicts a REX session settled.
    """

    week: int
    kind: str
    person: int = -1
    other: int = -1
    roles: int = 0
    weeks: int = 0
    count: int = 0


#: the event kinds told in the feed as they come (others are derived or left out as noise)
PLAIN_KINDS = (
    "arrival",
    "integration",
    "integration_refused",
    "recovery",
    "withdrawal",
    "reengagement",
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
        self.feed_filter = "all"  # the feed's filter, kept when the feed's tab is left and opened again
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
            with self.lock:  # looked at under the lock: once a pause holds the lock, no week starts
                if self.done or (cancel is not None and cancel.is_set()):
                    break
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
        """The recorder's events since the last call, grouped by week and kind
        (:meth:`coopsim.events.EventLog.groups`; reading the log avoids rebuilding the whole
        events frame)."""
        log = self.model.recorder.log
        new = log.groups(start=self._events_seen)
        self._events_seen = log.n
        kinds = coopsim_base.EVENT_KINDS  # read now: a lever registered late may have added kinds
        return [(week, kinds[code], persons) for week, code, persons in new]

    def _pair(self, conflict: int) -> tuple[int, int]:
        N = self.model.network
        tie = self.model.conflicts.tie[conflict]
        return int(N.a[tie]), int(N.b[tie])

    def _collect(self, open_before: set[int], festering_before: set[int], roles_before: np.ndarray) -> None:
        """Add the week's :class:`Notable` events: the recorder's, in their order, then the
        conflicts opened, festering, mediated and resolved (from the open conflicts before
        and after the week); a REX session after which roles were handed over or conflicts
        settled becomes ``rex_changed``."""
        week = self.model.week - 1
        open_after = set(self.model.conflicts.open_ids.tolist())
        out, mediated, resolved_people = self._recorded_notables(week, roles_before)
        for c in sorted(open_after - open_before):
            out.append(Notable(week, "conflict_opened", *self._pair(c)))
        for c in sorted(set(self.model.conflicts.festering) - festering_before):
            out.append(Notable(week, "conflict_festering", *self._pair(c)))
        out += self._closing_notables(week, sorted(open_before - open_after), open_after, mediated, resolved_people)
        for e in out:
            if e.kind == "rex_session" and (e.roles or e.count):
                e.kind = "rex_changed"
        self.notables.extend(out)

    def _recorded_notables(self, week: int, roles_before: np.ndarray) -> tuple[list[Notable], list[int], set[int]]:
        """The recorder's new events as notables, with the people named by a mediation and
        those named by a resolved conflict (their sentences come from the conflicts closed).

        The roles dropped and conflicts resolved right after a REX session count as its
        consequences (``roles``, ``count``), until another kind of event comes."""
        out: list[Notable] = []
        mediated: list[int] = []
        resolved_people: set[int] = set()
        rex: Notable | None = None  # the REX session of this week, while its consequences come
        for _, kind, persons in self._new_events():
            people = persons.tolist()
            if rex is not None and kind in ("role_dropped", "conflict_resolved"):
                if kind == "role_dropped":
                    rex.roles += len(people)
                else:
                    rex.count += len(people)  # one party named per conflict
            elif kind != "rex_session":
                rex = None
            if kind == "rex_session":
                rex = Notable(week, kind)
                out.append(rex)
            elif kind == "conflict_mediated":
                mediated += people
            elif kind == "conflict_resolved":
                resolved_people.update(people)
            else:
                out += self._people_notables(week, kind, people, roles_before)
        return out, mediated, resolved_people

    def _people_notables(self, week: int, kind: str, people: list[int], roles_before: np.ndarray) -> list[Notable]:
        """An event's sentences, one per person it names: a departure (with the roles left),
        a burnout (with the roles held and the weeks since arrival), a kind of
        :data:`PLAIN_KINDS`, or one of :data:`ONCE_KINDS` the first time only; none for
        another kind."""
        out: list[Notable] = []
        for p in people:
            roles = int(roles_before[p]) if p < roles_before.size else 0
            if kind == "departure":
                out.append(Notable(week, "departure_roles" if roles else kind, p, roles=roles))
            elif kind in PLAIN_KINDS:
                out.append(Notable(week, kind, p))
            elif kind == "burnout":
                arrived = int(self.model.people.arrival_week[p])
                out.append(Notable(week, kind, p, roles=roles, weeks=week - arrived))
            elif kind in ONCE_KINDS and (kind, p) not in self._once_seen:
                self._once_seen.add((kind, p))
                out.append(Notable(week, ONCE_KINDS[kind], p))
        return out

    def _closing_notables(
        self, week: int, closed: list[int], open_after: set[int], mediated: list[int], resolved_people: set[int]
    ) -> list[Notable]:
        """What became of the conflicts: a mediated conflict that closed this week (the
        mediation worked) or one still open (it failed), then the other conflicts closed
        that a party's resolution names."""
        out: list[Notable] = []
        closed = list(closed)
        for p in mediated:
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
        return out

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
