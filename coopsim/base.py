"""Shared building blocks: the strict parameter base class, the mechanism base class with
what each lever declares about itself, status codes, event kinds.

Every parameter group of the model (a process's behavioural constants, a mechanism's
levers, the description of TERA) derives from :class:`Params`, so that a scenario file
with an unknown key, a wrong type or an out-of-range value is refused at load time with
the field named.
"""

from __future__ import annotations

import re
import sys
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

WEEKS_PER_YEAR = 52


class Params(BaseModel):
    """Base of every parameter group: unknown keys are errors, values are validated.

    Example:
        >>> from pydantic import Field, ValidationError
        >>> class Demo(Params):
        ...     rate: float = Field(0.1, ge=0, le=1)
        >>> Demo(rate=0.5).rate
        0.5
        >>> try:
        ...     Demo(rte=0.5)                                     # a typo is an error, not ignored
        ... except ValidationError as exc:
        ...     print(exc.errors()[0]["type"])
        extra_forbidden
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    def __setattr__(self, name: str, value: Any) -> None:
        """Assign a field (validated); the values :func:`packed` gave the kernels are made anew,
        and :func:`params_edits` counts one more assignment (a model plans its weeks anew)."""
        super().__setattr__(name, value)
        _PACKED.pop(id(self), None)
        global _EDITS
        _EDITS += 1


_EDITS = 0  # assignments to a parameter field since the start


def params_edits() -> int:
    """How many parameter fields have been assigned since the start (by any model or test):
    what a model planned from the parameters holds while this number is the same.

    Example:
        >>> before = params_edits()
        >>> lever = Mechanism()
        >>> lever.start_week = 3
        >>> params_edits() - before
        1
    """
    return _EDITS


_PACKED: dict[int, np.ndarray] = {}  # id of a parameter group -> its values packed for the kernels
_DTYPES = {bool: np.bool_, int: np.int64, float: np.float64}


def packed(params: Params) -> np.ndarray:
    """A parameter group's numbers (its float, int and bool fields) as a one-row structured
    array, so that a kernel takes them as one argument and reads ``rules[0]["rate"]``.

    Made once per group and kept until a field of the group is assigned (then made anew),
    so the kernels always see the current values at the cost of a dict lookup.

    Example:
        >>> from pydantic import Field
        >>> class Demo(Params):
        ...     rate: float = 0.1
        ...     weeks: int = 4
        ...     name: str = "not a number: left out"
        >>> demo = Demo()
        >>> rules = packed(demo)
        >>> rules.dtype.names, float(rules[0]["rate"]), packed(demo) is rules     # made once
        (('rate', 'weeks'), 0.1, True)
        >>> demo.rate = 0.5
        >>> float(packed(demo)[0]["rate"])                        # and anew after a change
        0.5
    """
    rules = _PACKED.get(id(params))
    if rules is None:
        values = {k: v for k, v in params.__dict__.items() if type(v) in _DTYPES}
        layout = tuple((k, _DTYPES[type(v)]) for k, v in values.items())
        # one dtype object per layout: numba recognises quickly only a structured dtype it has seen
        dtype = _LAYOUTS.setdefault(layout, np.dtype(list(layout)))
        rules = np.array([tuple(values.values())], dtype=dtype)
        _PACKED[id(params)] = rules
        weakref.finalize(params, _PACKED.pop, id(params), None)
    return rules


_LAYOUTS: dict[tuple[tuple[str, type], ...], np.dtype] = {}  # the dtype of each packed layout


@dataclass(frozen=True)
class LeverControl:
    """A setting the facilitator page offers for one of a lever's fields.

    ``field`` is the lever's field (the page's key is ``<lever key>.<field>``); ``fr`` and
    ``en`` are its labels; ``low``, ``high`` and ``step`` are the slider's range and step,
    inside the field's own bounds (unused for a yes/no field, shown as a check box);
    ``unit_fr`` and ``unit_en`` are written after its value (``"%"``: a share, written as a
    percentage; empty: no unit). Whether the slider takes whole numbers follows the
    field's type.

    Example:
        >>> c = LeverControl("every_weeks", "REX : semaines entre deux séances", "REX: weeks between sessions", 1, 52,
        ...                  unit_fr="semaines", unit_en="weeks")
        >>> c.field, c.step, c.unit_fr
        ('every_weeks', 1.0, 'semaines')
    """

    field: str
    fr: str
    en: str
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    unit_fr: str = ""
    unit_en: str = ""


def seed_passage(doc: str | None) -> str:
    r"""The "Seed passage(s):" paragraph of a mechanism module's docstring, on one line,
    without the studies and figures that may follow it (the source text's own words, in
    French).

    Example:
        >>> doc = "Hypothesis: ...\n\nSeed passage: 'les REX'; 'la confiance'. Study: West 2014.\n"
        >>> seed_passage(doc)
        "'les REX'; 'la confiance'."
        >>> seed_passage("No passage here.")
        ''
    """
    found = re.search(r"Seed passages?:\s*(.*?)(?:\n\s*\n|$)", doc or "", flags=re.DOTALL)
    if not found:
        return ""
    text = " ".join(found.group(1).split())
    return re.split(r"\s(?:Studies|Study|Amount, cohort)\b", text)[0].strip()


class Mechanism(Params):
    """Base of every mechanism (a lever the users pull).

    A mechanism is off (``enabled = false``), on, or tuned by its other fields. It starts
    acting at ``start_week``; before that week the run is identical to the same run
    without it (its random draws come from its own stream and it touches no state).

    The calling convention, the same for all mechanisms:

    - ``modify(mods, model)`` adjusts the :class:`Modifiers` that the weekly processes read
      (for example the meeting practices raise the chance that a disagreement is defused);
    - ``act(model, rng)`` runs at the mechanism's ``phase`` of the week, after the process
      of that name, and changes state only through the same variables the processes use.

    What a lever says about itself, declared once at the top of its class (class
    variables, read by :data:`coopsim.mechanisms.REGISTRY` and from there by the scenario,
    the facilitator page, the event table and the list of random streams):

    - ``key``: its table in a scenario file (``[rex]``), its attribute on the scenario
      (``scenario.rex``) and the name of its random stream;
    - ``order``: its place among the levers (the page lists them in that order, and in a
      week their ``modify`` run in that order);
    - ``name_fr``, ``name_en``, ``sentence_fr``, ``sentence_en``: its name and its effect
      in one sentence, in French and English;
    - ``passage``: the source text's words it rests on, read from the "Seed passage"
      paragraph of its module's docstring (:func:`seed_passage`) unless the class sets it;
    - ``events``: the event kinds its ``act`` emits, directly or through the model's helpers;
    - ``controls``: the settings the facilitator page offers (:class:`LeverControl`).

    Example:
        >>> lever = Mechanism(enabled=True, start_week=104)         # on from the third year
        >>> lever.active(52), lever.active(104), Mechanism().active(104)
        (False, True, False)
    """

    enabled: bool = False
    start_week: int = Field(0, ge=0, le=100000, description="week the mechanism starts acting")

    key: ClassVar[str] = ""
    order: ClassVar[int] = 0
    name_fr: ClassVar[str] = ""
    name_en: ClassVar[str] = ""
    sentence_fr: ClassVar[str] = ""
    sentence_en: ClassVar[str] = ""
    passage: ClassVar[str] = ""
    events: ClassVar[tuple[str, ...]] = ()
    controls: ClassVar[tuple[LeverControl, ...]] = ()
    phase: ClassVar[str] = "none"  # the process after which ``act`` runs
    # True when ``act`` draws uniforms only (any other kind from ``plain_generator(rng)``):
    # its stream is then read ahead in blocks its kernels read (coopsim.compiled.UniformStream)
    uniforms_only: ClassVar[bool] = False
    # True when ``modify`` reads the lever's settings only, never the state: the compiled
    # weeks (coopsim.week) then set the modifiers once for many weeks
    modifies_from_settings: ClassVar[bool] = False

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Read the seed passage from the module's docstring, unless the class gives its own."""
        super().__pydantic_init_subclass__(**kwargs)
        if "passage" not in cls.__dict__:
            module = sys.modules.get(cls.__module__)
            cls.passage = seed_passage(getattr(module, "__doc__", None))

    def active(self, week: int) -> bool:
        """True when the mechanism is switched on and its start week has come."""
        return self.enabled and week >= self.start_week

    def modify(self, mods: Modifiers, model: Any) -> None:
        """Adjust what the processes read this week (default: nothing)."""

    def act(self, model: Any, rng: np.random.Generator) -> None:
        """Act at this mechanism's phase of the week (default: nothing)."""


@dataclass
class Modifiers:
    """What the mechanisms change in the processes this week. Neutral values by default.

    Example:
        >>> mods = Modifiers()                                     # neutral: no mechanism acts
        >>> mods.fill_boost, mods.role_cap
        (1.0, 0)
        >>> Modifiers(role_cap=3).role_cap                        # what contractualisation sets
        3
    """

    defuse_bonus: float = 0.0  # meeting practices: added chance of defusing a disagreement
    exhaustion_notice: float = 0.0  # tour météo / first aid: chance an exhausted person is noticed
    role_cap: int = 0  # contractualisation: maximum roles per person (0: no cap)
    hours_cap: float = 0.0  # contractualisation: hour limit for contract holders (0: none)
    formal_recognition: float = 0.0  # contractualisation: weekly recognition of formal roles
    notice_weeks: int = 0  # contractualisation: notice before leaving a formal role (0: none)
    formal_appeal_cost: float = 0.0  # contractualisation: formal roles less appealing to take
    fill_boost: float = 1.0  # role descriptions: multiplier on the chance a vacancy is taken
    description_recognition: float = 0.0  # role descriptions: recognition of role holders
    sphere_mixing: float = 1.0  # sphere separation: how much life spheres overlap (1: fully)
    delegation: bool = False  # governance: decisions delegated to circles
    welcome_capacity: int = 0  # welcome circle: newcomers in integration at once (0: none)
    integration_weeks: int = 12
    welcome_introductions: int = 0  # welcome circle: members a welcomed newcomer is introduced to
    acceptance_gain: float = 0.0  # CTD: weekly gain of territorial acceptance
    extra_common_hours: float = 0.0  # CTD: hours added to the common pool of work

    def reset(self, integration_weeks: int) -> None:
        """Back to the neutral values, with this integration time (each week starts from them).

        Example:
            >>> mods = Modifiers(role_cap=3)
            >>> mods.reset(integration_weeks=26)
            >>> mods == Modifiers(integration_weeks=26)
            True
        """
        self.__dict__.update(_NEUTRAL_MODIFIERS)
        self.integration_weeks = integration_weeks


_NEUTRAL_MODIFIERS = dict(vars(Modifiers()))


class Status:
    """Life course of a person in the ecosystem (integer codes in ``People.status``).

    Example:
        >>> Status.ACTIVE, Status.NAMES[Status.ACTIVE]
        (1, 'active')
    """

    NEWCOMER = 0  # arrived, in integration
    ACTIVE = 1  # member who can hold roles and give time
    WITHDRAWN = 2  # still living there, no roles (after burnout or disengagement)
    DEPARTED = 3  # left the territory

    NAMES = ("newcomer", "active", "withdrawn", "departed")


class Paid:
    """Paid status (``People.paid``).

    Example:
        >>> Paid.NAMES[Paid.STIPEND]
        'stipend'
    """

    VOLUNTEER = 0
    STIPEND = 1
    SALARIED = 2

    NAMES = ("volunteer", "stipend", "salaried")


#: the event kinds the weekly processes emit (each lever declares its own in ``Mechanism.events``)
PROCESS_EVENTS = (
    "arrival",
    "integration",
    "role_taken",
    "role_dropped",
    "burnout",
    "recovery",
    "withdrawal",
    "reengagement",
    "departure",
    "conflict_opened",
    "conflict_defused",
    "conflict_resolved",
    "conflict_festering",
    "exhaustion_noticed",
    "integration_refused",
    "salary_unpaid",
)

#: the code book: every kind recorded so far, its code being its place. A kind keeps its
#: code, so that recorded events frames read the same; a kind that a newly registered
#: lever declares is appended after these (:func:`set_lever_event_kinds`).
RECORDED_EVENT_KINDS = (
    "arrival",
    "integration",
    "role_taken",
    "role_dropped",
    "burnout",
    "recovery",
    "withdrawal",
    "reengagement",
    "departure",
    "conflict_opened",
    "conflict_defused",
    "conflict_mediated",
    "conflict_resolved",
    "conflict_festering",
    "rex_session",
    "stipend_paid",
    "stipend_unpaid",
    "exhaustion_noticed",
    "integration_refused",
    "salary_unpaid",
)

#: the event table: every kind the processes and the registered levers emit, in code order
EVENT_KINDS: tuple[str, ...] = RECORDED_EVENT_KINDS
EVENT_CODE = {kind: code for code, kind in enumerate(EVENT_KINDS)}


def set_lever_event_kinds(declared: Iterable[str]) -> tuple[str, ...]:
    """Make the event table the code book plus the kinds the levers declare that it lacks
    (in the order given); called by the registry whenever a lever is registered or removed.

    ``EVENT_CODE`` is updated in place; ``EVENT_KINDS`` is a new tuple, so code that must
    see a kind added after it was imported reads ``base.EVENT_KINDS`` when it runs.

    Example:
        >>> before = EVENT_KINDS
        >>> set_lever_event_kinds(["rex_session", "demo_event"])[-1], EVENT_CODE["demo_event"]
        ('demo_event', 20)
        >>> set_lever_event_kinds(before[len(RECORDED_EVENT_KINDS) :]) == before     # as it was
        True
    """
    global EVENT_KINDS
    known = set(RECORDED_EVENT_KINDS)
    extra = [kind for kind in dict.fromkeys(declared) if kind not in known]
    EVENT_KINDS = (*RECORDED_EVENT_KINDS, *extra)
    EVENT_CODE.clear()
    EVENT_CODE.update({kind: code for code, kind in enumerate(EVENT_KINDS)})
    return EVENT_KINDS


WORK_KINDS = ("operational", "coordination", "care", "admin")
WORK_CODE = {kind: code for code, kind in enumerate(WORK_KINDS)}


def clip(x: np.ndarray, low: float, high: float | None = None) -> np.ndarray:
    """The result of ``np.clip(x, low, high)`` in two ufuncs (np.clip costs several times more).

    Example:
        >>> import numpy as np
        >>> clip(np.array([-1.0, 0.5, 2.0]), 0.0, 1.0)
        array([0. , 0.5, 1. ])
        >>> clip(np.array([-1.0, 2.0]), 0.0)                      # no upper bound
        array([0., 2.])
    """
    out = np.maximum(x, low)
    return out if high is None else np.minimum(out, high)
