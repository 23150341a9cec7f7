"""The people of the ecosystem, as arrays (their acquaintance network: :mod:`coopsim.network`).

Every person ever present has one row (index ``i``) in each array; rows are never
removed, a departed person keeps status ``DEPARTED``, so indices stay stable for the
person frames and the UI. Arrays grow by doubling when people arrive.

Seed passages: "la participation est libre et
consciente", "un engagement fluctuant" (engagement); Mélanie's "moins je vois de monde,
plus je suis contente" (a preference for working alone); "mélangés dans leurs trois
communautés de vie (travail, vie et politique)" (life-sphere overlap); "en sécurité dans
les flux, et non dans les stocks" (financial and emotional security).
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np
from pydantic import Field, ValidationInfo, field_validator

from .base import Paid, Params, Status
from .compiled import kernel


class PopulationParams(Params):
    """Who starts the ecosystem and what newcomers are like (distributions of traits).

    Example:
        >>> PopulationParams(founders=20).founders
        20
    """

    founders: int = Field(15, ge=2, le=20000, description="people in the founding group")
    founder_ties: int = Field(6, ge=2, le=50, description="acquaintances per founder (small world)")
    newcomer_ties: int = Field(3, ge=1, le=50, description="acquaintances a newcomer makes on arrival")
    rewire: float = Field(0.1, ge=0, le=1, description="small-world rewiring probability")
    capacity_hours_mean: float = Field(14.0, gt=0, le=60, description="mean hours/week a volunteer can give")
    capacity_hours_sd: float = Field(6.0, ge=0, le=30)
    engagement_mean: float = Field(0.6, ge=0, le=1)
    engagement_sd: float = Field(0.15, ge=0, le=1)
    meaning_mean: float = Field(0.75, ge=0, le=1, description="shared meaning at arrival")
    meaning_sd: float = Field(0.15, ge=0, le=1)
    duty_share: float = Field(0.12, ge=0, le=1, description="share who take the tasks nobody takes")
    duty_hold: float = Field(
        0.85, ge=0, le=1, description="how much a sense of duty lowers the chance of dropping a role or withdrawing"
    )
    prefers_alone_share: float = Field(0.15, ge=0, le=1, description="share who prefer working alone")
    spheres_mean: float = Field(
        2.3, ge=1, le=3, description="mean number of life spheres (work, life, politics) shared in the ecosystem"
    )
    financial_security_mean: float = Field(0.45, ge=0, le=1)
    salaried_founders: int = Field(2, ge=0, le=20000, description="founders salaried by the structures")

    @field_validator("salaried_founders")
    @classmethod
    def _among_founders(cls, value: int, info: ValidationInfo) -> int:
        """The salaried founders are some of the founders (``founders`` is checked first).

        Example:
            >>> try:
            ...     PopulationParams(founders=3, salaried_founders=5)
            ... except ValueError as exc:
            ...     print(exc.errors()[0]["msg"])
            Value error, at most founders = 3 (the salaried founders are some of the founders)
        """
        founders = info.data.get("founders")
        if founders is not None and value > founders:
            raise ValueError(f"at most founders = {founders} (the salaried founders are some of the founders)")
        return value


class People:
    """State of every person, one row each, in numpy arrays owned by the model.

    The fields of one type share one 2-D block (``floats``, ``ints``, ``flags``: a row per
    field, a column per person), and each field name is a view of its row, so that
    ``people.exhaustion[i]`` and ``people.floats[F.exhaustion, i]`` are the same number and a
    compiled kernel takes a whole block as one argument.

    Example:
        >>> import numpy as np
        >>> from coopsim.base import Status
        >>> people = People()
        >>> rows = people.add(3, week=0, status=Status.ACTIVE, p=PopulationParams(), rng=np.random.default_rng(1))
        >>> rows.tolist(), people.n, int(people.mask(Status.ACTIVE).sum())
        ([0, 1, 2], 3, 3)
        >>> people.view("exhaustion").shape
        (3,)
    """

    FLOAT_FIELDS = (
        "engagement",
        "trust",  # trust in the collective
        "capacity",  # hours per week available
        "hours",  # hours worked this week
        "required",  # hours asked this week (roles + share of the common pool)
        "load",  # hours / capacity
        "exhaustion",
        "recognition",
        "security_fin",
        "security_emo",
        "meaning",
        "overlap",  # life-sphere overlap, 0 (one sphere) to 1 (work, life and politics)
        "pressure",  # social pressure (stipend without agreed objectives)
        "duty",  # takes the tasks nobody takes
        "hours_total",  # cumulated hours since arrival
        "coord_total",  # cumulated coordination hours
        "income_base",  # financial security from one's own income, outside the ecosystem's pay
        "expectation_gap",  # how far a stipend recipient's visible work falls short of what others expect
        "identity",  # role identity: how much being a member who carries roles is part of who one is
        "restraint",  # share of one's hours beyond capacity one has agreed in a REX to stop imposing on oneself
        "expected_hours",  # hours a week the others expect of a stipend recipient
    )
    INT_FIELDS = ("status", "paid", "roles", "conflicts", "arrival_week", "status_week", "burnout_count")
    BOOL_FIELDS = ("prefers_alone", "burned_out", "rex_trained", "first_aider", "stipend", "contract", "welcomed")

    # One array per field, each of length ``capacity`` (rows past ``n`` are unused).
    engagement: np.ndarray
    trust: np.ndarray
    capacity: np.ndarray
    hours: np.ndarray
    required: np.ndarray
    load: np.ndarray
    exhaustion: np.ndarray
    recognition: np.ndarray
    security_fin: np.ndarray
    security_emo: np.ndarray
    meaning: np.ndarray
    overlap: np.ndarray
    pressure: np.ndarray
    duty: np.ndarray
    hours_total: np.ndarray
    coord_total: np.ndarray
    income_base: np.ndarray
    expectation_gap: np.ndarray
    identity: np.ndarray
    restraint: np.ndarray
    expected_hours: np.ndarray
    status: np.ndarray
    paid: np.ndarray
    roles: np.ndarray
    conflicts: np.ndarray
    arrival_week: np.ndarray
    status_week: np.ndarray
    burnout_count: np.ndarray
    prefers_alone: np.ndarray
    burned_out: np.ndarray
    rex_trained: np.ndarray
    first_aider: np.ndarray
    stipend: np.ndarray
    contract: np.ndarray
    welcomed: np.ndarray

    def __init__(self, capacity: int = 64) -> None:
        self.n = 0
        self._cap = max(8, capacity)
        self.floats = np.zeros((len(self.FLOAT_FIELDS), self._cap))
        self.ints = np.zeros((len(self.INT_FIELDS), self._cap), dtype=np.int64)
        self.flags = np.zeros((len(self.BOOL_FIELDS), self._cap), dtype=bool)
        self._bind_views()

    def __setstate__(self, state: dict[str, Any]) -> None:
        """After a copy or unpickling, the field names view the copied blocks again."""
        self.__dict__.update(state)
        self._bind_views()

    def _bind_views(self) -> None:
        """Each field is a row of its block: ``people.exhaustion`` is ``people.floats[EXHAUSTION]``."""
        for block, fields in (
            (self.floats, self.FLOAT_FIELDS),
            (self.ints, self.INT_FIELDS),
            (self.flags, self.BOOL_FIELDS),
        ):
            for row, name in enumerate(fields):
                setattr(self, name, block[row])

    def _grow(self, needed: int) -> None:
        new_cap = self._cap
        while new_cap < needed:
            new_cap *= 2
        for attr in ("floats", "ints", "flags"):
            old = getattr(self, attr)
            new = np.zeros((old.shape[0], new_cap), dtype=old.dtype)
            new[:, : self.n] = old[:, : self.n]
            setattr(self, attr, new)
        self._cap = new_cap
        self._bind_views()

    def reserve(self, count: int) -> None:
        """Make room for ``count`` more people (the blocks double as needed)."""
        if self.n + count > self._cap:
            self._grow(self.n + count)

    def add(self, count: int, week: int, status: int, p: PopulationParams, rng: np.random.Generator) -> np.ndarray:
        """Add ``count`` people with traits drawn from ``p``; return their indices.

        The draws, in this order: capacity, engagement, meaning and own income (normal),
        duty and preference for working alone (uniform), life spheres shared (normal).
        """
        self.reserve(count)
        start = self.n
        self.n += count
        z = rng.standard_normal((4, count))  # capacity, engagement, meaning, own income (standard normal)
        uniforms = rng.random((2, count))
        spheres = rng.normal(p.spheres_mean, 0.7, count)
        _new_people(
            self.floats, self.ints, self.flags, start, week, status, z, uniforms, spheres,
            p.capacity_hours_mean, p.capacity_hours_sd, p.engagement_mean, p.engagement_sd, p.meaning_mean, p.meaning_sd,
            p.financial_security_mean, p.duty_share, p.prefers_alone_share,
        )  # fmt: skip
        return np.arange(start, start + count)

    def view(self, name: str) -> np.ndarray:
        """The live rows of one array (a view, no copy)."""
        return getattr(self, name)[: self.n]

    def mask(self, status: int) -> np.ndarray:
        """Boolean mask over live rows of the people with this status."""
        return self.status[: self.n] == status

    def present(self) -> np.ndarray:
        """Boolean mask of the people who have not departed."""
        return self.status[: self.n] != Status.DEPARTED


@kernel
def _new_people(
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, start: int, week: int, status: int,
    z: np.ndarray, uniforms: np.ndarray, spheres: np.ndarray, capacity_mean: float, capacity_sd: float,
    engagement_mean: float, engagement_sd: float, meaning_mean: float, meaning_sd: float, income_mean: float,
    duty_share: float, alone_share: float,
) -> None:  # fmt: skip
    """The rows of the people who arrive: traits from the draws (normal ones as mean + sd · z,
    numpy's own formula), clipped to their ranges, and the same starting trust (0.5),
    recognition (0.3) and emotional security (0.5) for all."""
    for k in range(z.shape[1]):
        i = start + k
        ints[INT.status, i] = status
        ints[INT.arrival_week, i] = week
        ints[INT.status_week, i] = week
        ints[INT.paid, i] = VOLUNTEER
        floats[FLOAT.capacity, i] = min(max(capacity_mean + capacity_sd * z[0, k], 2.0), 50.0)
        floats[FLOAT.engagement, i] = min(max(engagement_mean + engagement_sd * z[1, k], 0.05), 1.0)
        floats[FLOAT.meaning, i] = min(max(meaning_mean + meaning_sd * z[2, k], 0.0), 1.0)
        floats[FLOAT.trust, i] = 0.5
        floats[FLOAT.recognition, i] = 0.3
        income = min(max(income_mean + 0.15 * z[3, k], 0.0), 1.0)
        floats[FLOAT.income_base, i] = income
        floats[FLOAT.security_fin, i] = income
        floats[FLOAT.security_emo, i] = 0.5
        floats[FLOAT.duty, i] = 1.0 if uniforms[0, k] < duty_share else 0.0
        flags[FLAG.prefers_alone, i] = uniforms[1, k] < alone_share
        shared = min(max(np.rint(spheres[k]), 1.0), 3.0)
        floats[FLOAT.overlap, i] = (shared - 1.0) / 2.0


@kernel
def newcomer_rows(
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, start: int, count: int, week: int, normals: np.ndarray,
    normals_at: int, uniforms: np.ndarray, uniforms_at: int, population: np.ndarray,
) -> None:  # fmt: skip
    """The rows ``start`` to ``start + count - 1`` of newcomers arriving (room made), as
    :meth:`People.add` makes them, from read-ahead blocks: ``5 * count`` standard normals from
    ``normals_at`` (capacity, engagement, meaning and own income for each in turn, then the
    life spheres shared: mean + 0.7 z) and ``2 * count`` uniforms from ``uniforms_at`` (duty,
    then the preference for working alone); ``population``: the traits' parameters, packed."""
    p = population[0]
    z = normals[normals_at : normals_at + 4 * count].reshape((4, count))
    u = uniforms[uniforms_at : uniforms_at + 2 * count].reshape((2, count))
    spheres = np.empty(count)
    for k in range(count):
        spheres[k] = p["spheres_mean"] + 0.7 * normals[normals_at + 4 * count + k]
    _new_people(
        floats, ints, flags, start, week, NEWCOMER, z, u, spheres, p["capacity_hours_mean"],
        p["capacity_hours_sd"], p["engagement_mean"], p["engagement_sd"], p["meaning_mean"], p["meaning_sd"],
        p["financial_security_mean"], p["duty_share"], p["prefers_alone_share"],
    )  # fmt: skip


@kernel
def with_status(ints: np.ndarray, n: int, code: int) -> np.ndarray:
    """The people, among the first ``n``, with status ``code`` (ascending).

    Example:
        >>> people, rng = People(), np.random.default_rng(1)
        >>> _ = people.add(3, week=0, status=Status.NEWCOMER, p=PopulationParams(), rng=rng)
        >>> people.status[1] = Status.ACTIVE
        >>> with_status(people.ints, people.n, Status.ACTIVE).tolist()
        [1]
    """
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if ints[INT.status, i] == code:
            out[k] = i
            k += 1
    return out[:k]


@kernel
def count_with_status(ints: np.ndarray, n: int, code: int) -> int:
    """How many of the first ``n`` people have status ``code``."""
    count = 0
    for i in range(n):
        if ints[INT.status, i] == code:
            count += 1
    return count


def _field_index(name: str, fields: tuple[str, ...]) -> Any:
    """A named tuple of row numbers: ``FLOAT.exhaustion`` is the row of ``exhaustion`` in
    ``people.floats`` (compiled kernels read these as constants)."""
    return namedtuple(name, fields)(*range(len(fields)))


FLOAT = _field_index("FloatRows", People.FLOAT_FIELDS)
INT = _field_index("IntRows", People.INT_FIELDS)
FLAG = _field_index("FlagRows", People.BOOL_FIELDS)


VOLUNTEER, STIPEND, SALARIED = Paid.VOLUNTEER, Paid.STIPEND, Paid.SALARIED  # plain integers, for the kernels
DEPARTED = Status.DEPARTED
NEWCOMER = Status.NEWCOMER


@kernel
def paid_status(ints: np.ndarray, flags: np.ndarray, n: int, holder: np.ndarray, salaried: np.ndarray) -> None:
    """Each person's paid status: salaried when holding a salaried role, else on stipend when a
    recipient still living there, else volunteer."""
    for i in range(n):
        if flags[FLAG.stipend, i] and ints[INT.status, i] != DEPARTED:
            ints[INT.paid, i] = STIPEND
        else:
            ints[INT.paid, i] = VOLUNTEER
    for r in range(holder.size):
        if holder[r] >= 0 and salaried[r]:
            ints[INT.paid, holder[r]] = SALARIED
