"""Person: a thin Mesa agent that reads one row of the model's arrays.

Nothing is stored on the agent but its row index: ``member.exhaustion`` reads
``model.people.exhaustion[member.index]``, so the UI, notebooks and Mesa idioms
(``model.agents.select(...)``) see the same state the whole-array processes update.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

import mesa
import numpy as np

from .base import Paid, Status


def _array_view(name: str, cast: type = float) -> property:
    def getter(self: Person) -> Any:
        return cast(getattr(self.model.people, name)[self.index])

    getter.__doc__ = f"This person's ``{name}`` (read from ``model.people.{name}``)."
    return property(getter)


class _IdCounters(weakref.WeakKeyDictionary):
    """Each model's counter of agent ids, held weakly: Mesa keeps them in a class-level dict
    that holds every model ever made, so that no finished run could be freed."""

    def __getitem__(self, model: Any) -> Any:
        if model not in self:
            self[model] = itertools.count(1)
        return super().__getitem__(model)


class Person(mesa.Agent):
    """One person of the ecosystem, as a view over row ``index`` of ``model.people``.

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> member = m.persons[0]
        >>> member.status, member.paid in ("volunteer", "stipend", "salaried")
        ('active', True)
        >>> member.exhaustion == float(m.people.exhaustion[member.index])    # a view, not a copy
        True
    """

    model: Any  # the CoopModel (a ModelState); Any because mesa.Agent types it as mesa.Model
    _ids = _IdCounters()  # read by mesa.Agent.__init__ in place of its own (see _IdCounters)

    def __init__(self, model: Any, index: int) -> None:
        super().__init__(model)
        self.index = index

    engagement = _array_view("engagement")
    trust = _array_view("trust")
    capacity = _array_view("capacity")
    hours = _array_view("hours")
    load = _array_view("load")
    exhaustion = _array_view("exhaustion")
    recognition = _array_view("recognition")
    security_fin = _array_view("security_fin")
    security_emo = _array_view("security_emo")
    meaning = _array_view("meaning")
    overlap = _array_view("overlap")
    pressure = _array_view("pressure")
    roles = _array_view("roles", int)
    conflicts = _array_view("conflicts", int)
    arrival_week = _array_view("arrival_week", int)
    burned_out = _array_view("burned_out", bool)
    prefers_alone = _array_view("prefers_alone", bool)
    rex_trained = _array_view("rex_trained", bool)

    @property
    def status(self) -> str:
        """newcomer, active, withdrawn or departed."""
        return Status.NAMES[int(self.model.people.status[self.index])]

    @property
    def paid(self) -> str:
        """volunteer, stipend or salaried."""
        return Paid.NAMES[int(self.model.people.paid[self.index])]

    @property
    def role_names(self) -> list[str]:
        """Names of the roles this person holds now."""
        R = self.model.roles
        return [R.names[r] for r in np.flatnonzero(R.holder == self.index)]

    @property
    def acquaintances(self) -> list[int]:
        """Indices of the people this person knows."""
        N = self.model.network
        a, b = N.view("a"), N.view("b")
        return sorted(set(b[a == self.index].tolist()) | set(a[b == self.index].tolist()))

    def __repr__(self) -> str:
        return f"Person({self.index}, {self.status}, roles={self.roles}, exhaustion={self.exhaustion:.2f})"
