"""TERA's six legal structures, the association's circles, and the roles people hold in them.

Seed passages: "L'écosystème coopératif de Tera est organisé en 6 structures définies et
autonomes" (SCI Le Tilleul, Coop du Tilleul SCIC SA, SCIC QRT, the Abeille association,
the endowment fund, the TERA association); "la gouvernance repose sur des cercles portés
par un ou plusieurs référents" (the six circles: Accueil-Intégration, Écoute & Médiation,
Constitution, Formations internes, Planification, Fonctions transversales); "Le principe
une personne, une tâche ne s'applique pas" (people hold several roles).

A *unit* is a place where work is done (a structure's activity or a circle); it offers
*roles*, each with a kind of work (operational, coordination, care, admin), hours per
week and an appeal (how willingly people take it: "il reste néanmoins des tâches qui ne
sont pas volontairement prises en charge").

The ecosystem grows: a unit is started in its year (``opens_year``), once the collective
counts enough active members to carry it (``opens_at_active``); until then its role slots
are closed (they ask no hours and nobody can take them). The seed tells the activities
came one after another: "Depuis le début, l'objectif a été d'élargir les initiatives en
cours à Lartel et celle de l'épicerie"; "lorsqu'ils ont voulu développer l'activité de
boulangerie"; the Coop du Tilleul "a été créée le 18 décembre 2021 par la transformation
de l'association"; the circles' work is partly "encore à formaliser".
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from .base import WEEKS_PER_YEAR, WORK_CODE, Params
from .compiled import kernel
from .population import INT

STRUCTURE_KEYS = ("sci", "coop", "qrt", "abeille", "fund", "association")
SCI, COOP, QRT, ABEILLE, FUND, ASSOCIATION = range(6)  # index of each structure in a treasury array
WorkKind = Literal["operational", "coordination", "care", "admin"]


class RoleSpec(Params):
    """A kind of role offered by a unit (``count`` identical slots).

    Example:
        >>> role = RoleSpec(name="accounts", kind="admin", hours=2, appeal=0.2)
        >>> role.count, role.salaried
        (1, False)
    """

    name: str
    kind: WorkKind
    hours: float = Field(gt=0, le=60, description="hours per week the role asks")
    appeal: float = Field(0.6, ge=0, le=1, description="how willingly people take it (low: nobody wants it)")
    count: int = Field(1, ge=1, le=10000)
    salaried: bool = Field(False, description="held by a salaried member paid by the structure")


class UnitSpec(Params):
    """An activity of a structure, or a circle of the TERA association.

    Example:
        >>> unit = UnitSpec(name="bakery", structure="coop", roles=[RoleSpec(name="baker", kind="operational", hours=10)])
        >>> unit.circle, unit.roles[0].name
        (False, 'baker')
    """

    name: str
    structure: Literal["sci", "coop", "qrt", "abeille", "fund", "association"]
    circle: bool = Field(False, description="a circle of the TERA association")
    roles: list[RoleSpec] = Field(min_length=1)
    opens_year: float = Field(
        0.0, ge=0, le=100, description="year the activity or circle is started (0: from the founding)"
    )
    opens_at_active: int = Field(
        0,
        ge=0,
        le=100000,
        description="active members the collective needs before it starts the unit, from its year on",
    )


class StructureSpec(Params):
    """A legal structure with its starting treasury (euros).

    Example:
        >>> StructureSpec(key="sci", name="SCI Les Tournesols", treasury=20000).treasury
        20000.0
    """

    key: Literal["sci", "coop", "qrt", "abeille", "fund", "association"]
    name: str
    treasury: float = Field(ge=0, le=1e9, description="treasury at the start, euros")


class StructuresParams(Params):
    """The six structures and their units (activities and circles).

    Example:
        >>> from coopsim import load_scenario
        >>> spec = load_scenario("tera").structures
        >>> [s.key for s in spec.structures]
        ['sci', 'coop', 'qrt', 'abeille', 'fund', 'association']
    """

    structures: list[StructureSpec]
    units: list[UnitSpec] = Field(min_length=1)
    pool_hours_per_member: float = Field(
        3.0, ge=0, le=40, description="common operational work per active member per week (chantiers, markets, events)"
    )
    demand_growth: float = Field(
        0.5,
        ge=0,
        le=10,
        description="extra share of every role's hours per 50 active members (more customers, more projects)",
    )
    coordination_growth: float = Field(
        0.5, ge=0, le=10, description="further extra share of coordination hours per 50 active members"
    )

    @model_validator(mode="after")
    def _six_structures(self) -> StructuresParams:
        keys = [s.key for s in self.structures]
        if sorted(keys) != sorted(STRUCTURE_KEYS):
            raise ValueError(f"structures must list each of {', '.join(STRUCTURE_KEYS)} exactly once, got {keys}")
        return self


class Roles:
    """Every role slot, as arrays: its unit, kind, hours, appeal, holder (-1: vacant) and
    whether its unit has been started (``open``; a closed slot is vacant and asks nothing).

    Example:
        >>> from coopsim import load_scenario
        >>> roles = Roles(load_scenario("tera").structures)
        >>> roles.count == len(roles.names), bool((roles.holder == -1).all())   # every slot vacant at first
        (True, True)
        >>> bool(roles.open.any())                            # nothing is started before the founding
        False
    """

    def __init__(self, spec: StructuresParams) -> None:
        units, kinds, hours, appeal, salaried, names = [], [], [], [], [], []
        for u_index, unit in enumerate(spec.units):
            for role in unit.roles:
                for _ in range(role.count):
                    units.append(u_index)
                    kinds.append(WORK_CODE[role.kind])
                    hours.append(role.hours)
                    appeal.append(role.appeal)
                    salaried.append(role.salaried)
                    names.append(f"{unit.name}: {role.name}")
        self.names = names
        self.unit = np.array(units, dtype=np.int64)
        self.kind = np.array(kinds, dtype=np.int64)
        self.hours = np.array(hours, dtype=float)
        self.appeal = np.array(appeal, dtype=float)
        self.salaried = np.array(salaried, dtype=bool)
        self.structure = np.array([STRUCTURE_KEYS.index(spec.units[u].structure) for u in units], dtype=np.int64)
        self.holder = np.full(len(units), -1, dtype=np.int64)
        self.since = np.zeros(len(units), dtype=np.int64)  # week the holder took it
        self.vacant_since = np.zeros(len(units), dtype=np.int64)
        self.formal = np.zeros(len(units), dtype=bool)  # formalised by a cooperation agreement
        self.announced = np.zeros(len(units), dtype=bool)  # handed over openly (REX): easier to fill
        self.effort = np.ones(len(units))  # share of its hours the role takes as now organised (REX)
        # a holder under a cooperation agreement gives notice before leaving a role: who gave
        # it (-1: nobody; a notice lapses once someone else holds the slot) and when it ends
        self.notice_by = np.full(len(units), -1, dtype=np.int64)
        self.notice_end = np.zeros(len(units), dtype=np.int64)
        self.open = np.zeros(len(units), dtype=bool)  # its unit has been started
        self.unit_names = [u.name for u in spec.units]
        self.unit_is_circle = np.array([u.circle for u in spec.units], dtype=bool)
        self.unit_opens_week = np.array([round(u.opens_year * WEEKS_PER_YEAR) for u in spec.units], dtype=np.int64)
        self.unit_opens_at_active = np.array([u.opens_at_active for u in spec.units], dtype=np.int64)
        self.unit_opened_week = np.full(len(spec.units), -1, dtype=np.int64)  # -1: not started yet
        self.count = len(units)

    def start_units(self, week: int, active: int) -> np.ndarray:
        """Start the units whose year has come, if the collective is large enough to carry
        them; their role slots open as vacancies this week. Returns the units started.

        Example:
            >>> from coopsim import load_scenario
            >>> roles = Roles(load_scenario("tera").structures)
            >>> first = roles.start_units(week=0, active=15)
            >>> bool(0 < roles.open.sum() < roles.count), (roles.unit_opened_week[first] == 0).all()
            (True, np.True_)
        """
        started = units_due(self.unit_opened_week, self.unit_opens_week, self.unit_opens_at_active, week, active)
        open_units(self.unit, self.open, self.vacant_since, self.unit_opened_week, started, week)
        return started

    def held_by(self, n: int) -> np.ndarray:
        """Number of roles each of the ``n`` people holds."""
        held = self.holder >= 0
        return np.bincount(self.holder[held], minlength=n)

    def staffed(self, unit_name: str) -> bool:
        """Whether someone holds a role in the named unit.

        Example:
            >>> from coopsim import load_scenario
            >>> roles = Roles(load_scenario("tera").structures)
            >>> roles.staffed("Écoute & Médiation")                 # every slot vacant at first
            False
        """
        return bool(unit_staffed(self.holder, self.unit, self.unit_names.index(unit_name)))


@kernel
def units_due(opened_week: np.ndarray, opens_week: np.ndarray, opens_at_active: np.ndarray, week: int,
              active: int) -> np.ndarray:  # fmt: skip
    """The units not started yet whose year has come and whose needed members are active."""
    due = np.empty(opened_week.size, dtype=np.int64)
    k = 0
    for u in range(opened_week.size):
        if opened_week[u] < 0 and opens_week[u] <= week and opens_at_active[u] <= active:
            due[k] = u
            k += 1
    return due[:k]


@kernel
def open_units(unit: np.ndarray, open_: np.ndarray, vacant_since: np.ndarray, opened_week: np.ndarray,
               started: np.ndarray, week: int) -> None:  # fmt: skip
    """The units ``started`` open this week: their role slots become vacancies."""
    for u in started:
        opened_week[u] = week
    for r in range(unit.size):
        for u in started:
            if unit[r] == u:
                open_[r] = True
                vacant_since[r] = week


@kernel
def take_slot(holder: np.ndarray, since: np.ndarray, announced: np.ndarray, notice_by: np.ndarray,
              people_ints: np.ndarray, r: int, person: int, week: int) -> None:  # fmt: skip
    """``person`` takes role slot ``r`` this week: its holder, no longer an announced vacancy
    nor on notice, one more role held."""
    holder[r] = person
    since[r] = week
    announced[r] = False
    notice_by[r] = -1
    people_ints[INT.roles, person] += 1


@kernel
def vacate_slot(holder: np.ndarray, vacant_since: np.ndarray, people_ints: np.ndarray, r: int, week: int) -> int:
    """The holder of role slot ``r`` gives it up this week (one role fewer); returns who held it."""
    h = holder[r]
    people_ints[INT.roles, h] -= 1
    holder[r] = -1
    vacant_since[r] = week
    return h


@kernel
def assign(
    holder: np.ndarray, since: np.ndarray, announced: np.ndarray, notice_by: np.ndarray, people_ints: np.ndarray,
    roles: np.ndarray, persons: np.ndarray, week: int, cap: int,
) -> np.ndarray:  # fmt: skip
    """``persons[j]`` takes ``roles[j]`` (a role listed twice goes to its first taker). Under a
    cap (> 0) nobody takes a role that would give them more than ``cap``: each person's roles
    are taken in slot order until the cap. Returns the takers, in slot order (under a cap,
    grouped by taker in index order, each taker's in slot order)."""
    by_slot = np.argsort(roles, kind="mergesort")  # stable: of a role listed twice, the first taker comes first
    slots = np.empty(roles.size, dtype=np.int64)
    takers = np.empty(roles.size, dtype=np.int64)
    k = 0
    for j in by_slot:
        if k == 0 or roles[j] != slots[k - 1]:
            slots[k] = roles[j]
            takers[k] = persons[j]
            k += 1
    slots, takers = slots[:k], takers[:k]
    if cap > 0:
        by_taker = np.argsort(takers, kind="mergesort")
        slots, takers = slots[by_taker], takers[by_taker]
    taken = 0
    for j in range(k):
        if cap > 0 and people_ints[INT.roles, takers[j]] >= cap:
            continue
        take_slot(holder, since, announced, notice_by, people_ints, slots[j], takers[j], week)
        takers[taken] = takers[j]
        taken += 1
    return takers[:taken]


@kernel
def release(
    holder: np.ndarray, vacant_since: np.ndarray, people_ints: np.ndarray, roles: np.ndarray, week: int
) -> np.ndarray:
    """The holders of these role slots give them up this week; returns who held each."""
    holders = np.empty(roles.size, dtype=np.int64)
    for j in range(roles.size):
        holders[j] = vacate_slot(holder, vacant_since, people_ints, roles[j], week)
    return holders


@kernel
def release_all(holder: np.ndarray, vacant_since: np.ndarray, people_ints: np.ndarray, person: int, week: int) -> int:
    """``person`` gives up every role slot they hold this week; returns how many."""
    released = 0
    for r in range(holder.size):
        if holder[r] == person:
            vacate_slot(holder, vacant_since, people_ints, r, week)
            released += 1
    return released


@kernel
def hand_over(
    holder: np.ndarray, vacant_since: np.ndarray, announced: np.ndarray, people_ints: np.ndarray, hours: np.ndarray,
    salaried: np.ndarray, person: int, week: int, openly: bool,
) -> bool:  # fmt: skip
    """``person`` gives up their heaviest role (a salaried one weighs nothing; the first in slot
    order among equals), announced as vacant when ``openly``; False when they hold none."""
    heaviest, most = -1, 0.0
    for r in range(holder.size):
        if holder[r] == person:
            weight = 0.0 if salaried[r] else hours[r]
            if heaviest < 0 or weight > most:
                heaviest, most = r, weight
    if heaviest < 0:
        return False
    vacate_slot(holder, vacant_since, people_ints, heaviest, week)
    announced[heaviest] = openly
    return True


@kernel
def holders_of_unit(holder: np.ndarray, unit: np.ndarray, u: int) -> np.ndarray:
    """The people holding a role of unit ``u``, ascending, each once.

    Example:
        >>> import numpy as np
        >>> holders_of_unit(np.array([5, -1, 2, 5, 7]), np.array([1, 1, 1, 1, 0]), 1).tolist()
        [2, 5]
    """
    held = np.empty(holder.size, dtype=np.int64)
    k = 0
    for r in range(holder.size):
        if unit[r] == u and holder[r] >= 0:
            held[k] = holder[r]
            k += 1
    held = np.sort(held[:k])
    out = np.empty(k, dtype=np.int64)
    m = 0
    for j in range(k):
        if m == 0 or held[j] != out[m - 1]:
            out[m] = held[j]
            m += 1
    return out[:m]


@kernel
def unit_staffed(holder: np.ndarray, unit: np.ndarray, u: int) -> bool:
    """Whether one of unit ``u``'s role slots is held."""
    staffed = False
    for r in range(holder.size):
        if unit[r] == u and holder[r] >= 0:
            staffed = True
            break
    return staffed


@kernel
def circles_staffed(holder: np.ndarray, unit: np.ndarray, unit_is_circle: np.ndarray) -> int:
    """How many circles have at least one of their role slots held."""
    staffed = np.zeros(unit_is_circle.size, dtype=np.bool_)
    count = 0
    for r in range(holder.size):
        u = unit[r]
        if holder[r] >= 0 and unit_is_circle[u] and not staffed[u]:
            staffed[u] = True
            count += 1
    return count
