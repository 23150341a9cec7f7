"""ModelState: what the weekly processes and the mechanisms see of the model.

The processes (``work``, ``wellbeing``, ``conflict`` ...) are functions of the model's
state; :class:`coopsim.model.CoopModel` schedules them. To keep the model above its
processes (no import circle), the processes are typed against this protocol, which
:class:`CoopModel` satisfies, rather than against the model class itself. It lists the
state arrays and the few helpers that keep the bookkeeping consistent (roles, statuses,
events).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from .base import Modifiers
from .compiled import UniformStream
from .ledger import Ledger
from .network import Conflicts, Network
from .population import People
from .structures import Roles


class ModelState(Protocol):
    """The state and helpers shared by the weekly processes and the mechanisms.

    Example:
        >>> from coopsim import CoopModel
        >>> from coopsim.base import Status
        >>> m: ModelState = CoopModel("tera", seed=1)            # the model satisfies the protocol
        >>> m.count(Status.ACTIVE) == int(m.people.mask(Status.ACTIVE).sum())
        True
    """

    scenario: Any  # the :class:`coopsim.scenario.Scenario` being run
    people: People
    network: Network
    roles: Roles
    conflicts: Conflicts
    ledger: Ledger
    mods: Modifiers
    recorder: Any  # the :class:`coopsim.records.Recorder` of the run
    streams: dict[str, Any]  # a numpy Generator per name (a UniformStream for a uniform-only process)
    mechanism_state: dict[str, dict[str, Any]]
    week: int
    horizon: int
    month_start: bool
    backlog: float
    acceptance: float
    contact: np.ndarray  # ties in contact this week (set by the interactions process)
    week_demand: float
    week_unmet: float
    week_decision_capacity: float
    week_mediated: int
    week_mediated_ok: int

    def count(self, status: int) -> int: ...
    def emit(self, kind: str, persons: np.ndarray) -> None: ...
    def assign_roles(self, roles: np.ndarray, persons: np.ndarray, quiet: bool = False) -> None: ...
    def release_roles(self, roles: np.ndarray) -> None: ...
    def hand_over_one_role(self, person: int, announced: bool = True) -> None: ...
    def enforce_role_cap(self, cap: int) -> None: ...
    def set_status(self, i: int, status: int) -> None: ...
    def burnout(self, i: int) -> None: ...
    def depart(self, i: int) -> None: ...
    def add_newcomers(self, count: int, uniforms: UniformStream | None = None) -> None: ...
