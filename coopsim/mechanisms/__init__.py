"""The levers: one module per mechanism, each with its hypothesis and its seed passage, and
the one registry that everything else reads them from.

Every mechanism is a :class:`coopsim.base.Mechanism`: off, on, or tuned by its fields,
starting at ``start_week``, acting only through the weekly processes (``modify`` changes
what the processes read, ``act`` runs after the process named by ``phase``). Each class
declares at its top what it is (``key``, ``order``, names and sentence in French and
English, the event kinds it emits, the settings the page offers); its module's docstring
holds its seed passage.

:data:`REGISTRY` maps each lever's key to its class, ordered by ``order`` (then key). It is
the one list of levers: the scenario's tables (``[rex]`` ...), :data:`MECHANISM_NAMES`,
the model's random streams and the order of the levers within a week
(``Scenario.mechanisms()``), the facilitator page's switches, settings and words, and the
event table (``coopsim.base.EVENT_KINDS``) are all built from it.

**Adding a lever** takes three files: its module here (the class with its declarations;
every module of this package is imported and searched for levers when the package is
imported), the process it nudges (what the process reads: a model helper its ``act``
calls, or a field of :class:`coopsim.base.Modifiers` with its neutral value, the one
interface between levers and processes), and its test file. Give it a free ``order`` (the
levers shipped use 10, 20, ... 110). Its ``act`` runs in Python between the compiled phases
of the week (:mod:`coopsim.week`); declare ``modifies_from_settings = True`` when its
``modify`` reads its own settings only (then the weeks run many at a time in one compiled
call), and ``uniforms_only = True`` when its ``act`` draws uniforms only. A lever defined elsewhere (a notebook, a test) is
added with :func:`register` and removed with :func:`unregister`; what is built from the
registry follows (:func:`on_change`).

Example:
    >>> list(REGISTRY)[:3]
    ['rex', 'mediation', 'contractualisation']
    >>> REGISTRY["rex"].name_fr, REGISTRY["rex"].phase
    ("REX (retours d'expérience)", 'interactions')
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TypeVar

from .. import base
from ..base import Mechanism

M = TypeVar("M", bound=type[Mechanism])

#: the levers, key -> class, in their fixed order (``order``, then key)
REGISTRY: dict[str, type[Mechanism]] = {}

#: the levers' keys, in the registry's order (a live view: it follows :func:`register`)
MECHANISM_NAMES = REGISTRY.keys()

_listeners: list[Callable[[], None]] = []


def _check(lever: type[Mechanism]) -> None:
    """Refuse a class whose declarations are missing or do not fit its fields."""
    if not (isinstance(lever, type) and issubclass(lever, Mechanism)):
        raise TypeError(f"{lever!r} is not a Mechanism class")
    name = lever.__name__
    if "key" not in lever.__dict__ or not lever.key.isidentifier():
        raise ValueError(f"{name}: declare its own 'key', a Python name such as 'rex' (its scenario table)")
    for attribute in ("name_fr", "name_en", "sentence_fr", "sentence_en"):
        if not getattr(lever, attribute):
            raise ValueError(f"{name}: '{attribute}' is empty (the page shows it)")
    for control in lever.controls:
        if control.field not in lever.model_fields:
            raise ValueError(f"{name}: control of an unknown field {control.field!r}")
        if not (control.fr and control.en and control.low <= control.high and control.step > 0):
            raise ValueError(f"{name}: control {control.field!r} needs two labels, low <= high and a step > 0")
    if not all(isinstance(kind, str) and kind.isidentifier() for kind in lever.events):
        raise ValueError(f"{name}: 'events' must be a tuple of event kinds such as ('rex_session',)")
    taken = {other.order: key for key, other in REGISTRY.items() if key != lever.key}
    if lever.order in taken:
        raise ValueError(
            f"{name}: order {lever.order} is taken by {taken[lever.order]!r} (orders in use: {sorted(taken)})"
        )


def _changed() -> None:
    """The event table and everything built from the registry follow it."""
    base.set_lever_event_kinds(kind for lever in REGISTRY.values() for kind in lever.events)
    for listener in _listeners:
        listener()


def register(lever: M) -> M:
    """Add a lever class to the registry (also usable as a class decorator); the scenario,
    the page and the event table follow at once.

    Registering the same class again changes nothing; another class with a key already
    taken, or an order already taken, is refused.

    Example:
        >>> from coopsim.base import Mechanism
        >>> class Demo(Mechanism):
        ...     key = "demo"
        ...     order = 990
        ...     name_fr = name_en = sentence_fr = sentence_en = "demo"
        >>> register(Demo) is Demo, list(REGISTRY)[-1]
        (True, 'demo')
        >>> unregister("demo"); "demo" in REGISTRY
        False
    """
    _check(lever)
    if REGISTRY.get(lever.key) is lever:
        return lever
    if lever.key in REGISTRY:
        raise ValueError(f"{lever.__name__}: key {lever.key!r} is taken by {REGISTRY[lever.key].__name__}")
    before = list(REGISTRY.values())
    _set(sorted([*before, lever], key=lambda c: (c.order, c.key)))
    try:
        _changed()
    except Exception:  # e.g. a key the scenario already uses for another table: back as it was
        _set(before)
        _changed()
        raise
    return lever


def _set(levers: list[type[Mechanism]]) -> None:
    REGISTRY.clear()
    REGISTRY.update({c.key: c for c in levers})


def unregister(key: str) -> None:
    """Remove a lever from the registry (what is built from it follows).

    Example:
        >>> unregister("no_such_lever")
        Traceback (most recent call last):
        ...
        KeyError: 'no_such_lever'
    """
    del REGISTRY[key]
    _changed()


def on_change(listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener`` now and after every change of the registry (how the scenario and
    the page rebuild what they derive from it); returns a function that stops the calls.

    Example:
        >>> seen = []
        >>> stop = on_change(lambda: seen.append(len(REGISTRY)))
        >>> stop()
        >>> seen
        [11]
    """
    _listeners.append(listener)
    listener()
    return lambda: _listeners.remove(listener)


def _discover() -> None:
    """Import every module of this package and register the levers they define."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Mechanism)
            and obj.__module__ == module.__name__
            and "key" in obj.__dict__
        ]
    for lever in found:
        register(lever)


_discover()

__all__ = ["MECHANISM_NAMES", "REGISTRY", "on_change", "register", "unregister"]
