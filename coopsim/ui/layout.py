"""A stable layout of the people network, grouped by structure and circle.

Force-directed layouts recomputed each week make every dot jump (the pain of Mesa's
network view). Here each place of work (a unit: a structure's activity or a circle of the
association) has a fixed *anchor* on a ring, grouped by structure; each person has a fixed
personal offset drawn once from the model's seed and their index. Every week a person
drifts a little towards the anchor of the unit where they hold most role-hours (their
*home*), so the picture moves smoothly and the groups stay readable:

- people with no role stay near the centre (newcomers first appear next to the person who
  welcomed them, their first tie, then settle);
- withdrawn people drift to an outer ring; departed people are not drawn.

Everything is numpy on the model's arrays; no randomness outside a generator seeded from
``(model.seed, person index)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import Status
from ..structures import STRUCTURE_KEYS

RING = 1.0  # radius of the ring of unit anchors
OUTER = 1.55  # radius of the withdrawn ring
SPREAD = 0.16  # radius of a group around its anchor
DRIFT = 0.12  # share of the distance to its home a person covers each week


class Layout:
    """Positions of every person of one model, kept for the whole session.

    Attributes:
        pos: ``(n, 2)`` positions of people ``0 .. n-1`` (rows of departed people kept).
        anchors: ``(units, 2)`` anchor of each unit; ``unit_structure``: its structure index.
    """

    def __init__(self, model: Any) -> None:
        self.seed = int(model.seed)
        R = model.roles
        self.unit_structure = np.array(
            [STRUCTURE_KEYS.index(u.structure) for u in model.scenario.structures.units], dtype=np.int64
        )
        self.unit_is_circle = R.unit_is_circle.copy()
        self.anchors = self._anchors()
        self.offset = np.zeros((0, 2))
        self.pos = np.zeros((0, 2))
        self.update(model, settle=True)

    def _anchors(self) -> np.ndarray:
        """Units on a ring, structure by structure, each structure's units side by side."""
        order = np.lexsort((np.arange(self.unit_structure.size), self.unit_structure))
        angles = np.zeros(self.unit_structure.size)
        gap = 0.35  # extra angle between two structures
        step = 2 * np.pi / (self.unit_structure.size + gap * len(STRUCTURE_KEYS))
        angle, last = np.pi / 2, -1
        for u in order.tolist():
            if self.unit_structure[u] != last and last != -1:
                angle -= gap * step
            angles[u] = angle
            angle -= step
            last = int(self.unit_structure[u])
        radius = np.where(self.unit_is_circle, 0.78 * RING, RING)
        return np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])

    def structure_centres(self) -> np.ndarray:
        """Where to write each structure's name: beyond the mean of its anchors."""
        centres = np.zeros((len(STRUCTURE_KEYS), 2))
        for k in range(len(STRUCTURE_KEYS)):
            units = self.anchors[(self.unit_structure == k) & ~self.unit_is_circle]
            if units.size == 0:
                units = self.anchors[self.unit_structure == k]
            mean = units.mean(axis=0) if units.size else np.zeros(2)
            norm = np.hypot(*mean) or 1.0
            centres[k] = mean / norm * (RING + 0.32)
        return centres

    def _personal_offsets(self, start: int, stop: int) -> np.ndarray:
        """A fixed point in a disc of radius :data:`SPREAD` for each new person."""
        out = np.zeros((stop - start, 2))
        for k, i in enumerate(range(start, stop)):
            rng = np.random.default_rng([self.seed, i, 7])
            r, a = SPREAD * np.sqrt(rng.random()), 2 * np.pi * rng.random()
            out[k] = r * np.cos(a), r * np.sin(a)
        return out

    def homes(self, model: Any) -> np.ndarray:
        """Where each person is heading this week (see the module docstring)."""
        P, R = model.people, model.roles
        n = P.n
        held = R.holder >= 0
        unit_hours = np.zeros((n, self.anchors.shape[0]))
        np.add.at(unit_hours, (R.holder[held], R.unit[held]), R.hours[held])
        has_role = unit_hours.sum(axis=1) > 0
        main_unit = unit_hours.argmax(axis=1)
        home = self.offset[:n] * 3.0  # no role: around the centre
        home[has_role] = self.anchors[main_unit[has_role]] + self.offset[:n][has_role]
        withdrawn = P.status[:n] == Status.WITHDRAWN
        if withdrawn.any():
            idx = np.flatnonzero(withdrawn)
            angle = np.arctan2(self.pos[idx, 1], self.pos[idx, 0])
            home[idx] = np.column_stack([OUTER * np.cos(angle), OUTER * np.sin(angle)]) + 0.3 * self.offset[idx]
        return home

    def _place_newcomers(self, model: Any, start: int, stop: int) -> np.ndarray:
        """New people start beside their first tie (the person who met them), else at the centre."""
        N = model.network
        a, b = N.view("a"), N.view("b")
        new = np.zeros((stop - start, 2))
        for k, i in enumerate(range(start, stop)):
            ties = np.flatnonzero((a == i) | (b == i))
            if ties.size:
                first = int(ties[0])
                other = int(b[first] if a[first] == i else a[first])
                if other < start:
                    new[k] = self.pos[other] + 0.5 * self.offset[start + k]
                    continue
            new[k] = self.offset[start + k]
        return new

    def update(self, model: Any, settle: bool = False) -> None:
        """Add newcomers and move everyone a step towards their home (``settle``: all the way)."""
        n, old = model.people.n, self.pos.shape[0]
        if n > old:
            self.offset = np.vstack([self.offset, self._personal_offsets(old, n)])
            self.pos = np.vstack([self.pos, np.zeros((n - old, 2))])
            if old:
                self.pos[old:n] = self._place_newcomers(model, old, n)
        home = self.homes(model)
        if settle or old == 0:
            self.pos[:n] = home
        else:
            self.pos[:n] += DRIFT * (home - self.pos[:n])
