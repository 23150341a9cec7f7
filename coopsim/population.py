"""The people of the ecosystem and their acquaintance network, as arrays.

Every person ever present has one row (index ``i``) in each array; rows are never
removed, a departed person keeps status ``DEPARTED``, so indices stay stable for the
person frames and the UI. Arrays grow by doubling when people arrive.

Seed passages: "pas de coopération sans confiance, et pas de confiance sans
inter-connaissance" (the network and pairwise trust); "la participation est libre et
consciente", "un engagement fluctuant" (engagement); Mélanie's "moins je vois de monde,
plus je suis contente" (a preference for working alone); "mélangés dans leurs trois
communautés de vie (travail, vie et politique)" (life-sphere overlap); "en sécurité dans
les flux, et non dans les stocks" (financial and emotional security).
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import networkx as nx
import numpy as np
from pydantic import Field, ValidationInfo, field_validator

from .base import Paid, Params, Status, clip


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

    def add(self, count: int, week: int, status: int, p: PopulationParams, rng: np.random.Generator) -> np.ndarray:
        """Add ``count`` people with traits drawn from ``p``; return their indices."""
        if self.n + count > self._cap:
            self._grow(self.n + count)
        idx = np.arange(self.n, self.n + count)
        self.n += count
        self.status[idx] = status
        self.arrival_week[idx] = week
        self.status_week[idx] = week
        self.capacity[idx] = clip(rng.normal(p.capacity_hours_mean, p.capacity_hours_sd, count), 2.0, 50.0)
        self.engagement[idx] = clip(rng.normal(p.engagement_mean, p.engagement_sd, count), 0.05, 1.0)
        self.meaning[idx] = clip(rng.normal(p.meaning_mean, p.meaning_sd, count), 0.0, 1.0)
        self.trust[idx] = 0.5
        self.recognition[idx] = 0.3
        self.income_base[idx] = clip(rng.normal(p.financial_security_mean, 0.15, count), 0.0, 1.0)
        self.security_fin[idx] = self.income_base[idx]
        self.security_emo[idx] = 0.5
        self.duty[idx] = (rng.random(count) < p.duty_share).astype(float)
        self.prefers_alone[idx] = rng.random(count) < p.prefers_alone_share
        spheres = clip(np.round(rng.normal(p.spheres_mean, 0.7, count)), 1, 3)
        self.overlap[idx] = (spheres - 1.0) / 2.0
        self.paid[idx] = Paid.VOLUNTEER
        return idx

    def view(self, name: str) -> np.ndarray:
        """The live rows of one array (a view, no copy)."""
        return getattr(self, name)[: self.n]

    def mask(self, status: int) -> np.ndarray:
        """Boolean mask over live rows of the people with this status."""
        return self.status[: self.n] == status

    def present(self) -> np.ndarray:
        """Boolean mask of the people who have not departed."""
        return self.status[: self.n] != Status.DEPARTED


def _field_index(name: str, fields: tuple[str, ...]) -> Any:
    """A named tuple of row numbers: ``FLOAT.exhaustion`` is the row of ``exhaustion`` in
    ``people.floats`` (compiled kernels read these as constants)."""
    return namedtuple(name, fields)(*range(len(fields)))


FLOAT = _field_index("FloatRows", People.FLOAT_FIELDS)
INT = _field_index("IntRows", People.INT_FIELDS)
FLAG = _field_index("FlagRows", People.BOOL_FIELDS)


class Network:
    """The acquaintance network: undirected ties with a trust value in each direction.

    Tie ``e`` joins ``a[e]`` and ``b[e]``; ``trust_ab[e]`` is how much ``a`` trusts ``b``
    and ``trust_ba[e]`` the reverse. Neighbour sums use ``np.bincount`` over the tie ends,
    never a loop over people.

    Example:
        >>> import numpy as np
        >>> net = Network()
        >>> net.add_ties(np.array([0, 1]), np.array([1, 2]), trust=0.5)
        2
        >>> net.add_ties(np.array([1]), np.array([0]), trust=0.5)   # the tie 0-1 exists already
        0
        >>> net.has(1, 0), net.view("trust_ab").tolist()
        (True, [0.5, 0.5])
    """

    INT_FIELDS = ("a", "b", "conflict")  # the two ends; the open conflict on the tie, or -1
    FLOAT_FIELDS = ("trust_ab", "trust_ba")

    a: np.ndarray
    b: np.ndarray
    conflict: np.ndarray
    trust_ab: np.ndarray
    trust_ba: np.ndarray

    def __init__(self, capacity: int = 256) -> None:
        self.m = 0
        self._cap = max(16, capacity)
        self.ints = np.zeros((len(self.INT_FIELDS), self._cap), dtype=np.int64)
        self.ints[TIE_INT.conflict] = -1
        self.floats = np.zeros((len(self.FLOAT_FIELDS), self._cap))
        self._bind_views()
        self._pairs: set[tuple[int, int]] = set()

    def __setstate__(self, state: dict[str, Any]) -> None:
        """After a copy or unpickling, the field names view the copied blocks again."""
        self.__dict__.update(state)
        self._bind_views()

    def _bind_views(self) -> None:
        """Each field is a row of its block (``network.trust_ab`` is ``network.floats[0]``)."""
        for block, fields in ((self.ints, self.INT_FIELDS), (self.floats, self.FLOAT_FIELDS)):
            for row, name in enumerate(fields):
                setattr(self, name, block[row])

    def _grow(self, needed: int) -> None:
        new_cap = self._cap
        while new_cap < needed:
            new_cap *= 2
        ints = np.zeros((len(self.INT_FIELDS), new_cap), dtype=np.int64)
        ints[TIE_INT.conflict] = -1
        floats = np.zeros((len(self.FLOAT_FIELDS), new_cap))
        ints[:, : self.m] = self.ints[:, : self.m]
        floats[:, : self.m] = self.floats[:, : self.m]
        self.ints, self.floats, self._cap = ints, floats, new_cap
        self._bind_views()

    def has(self, i: int, j: int) -> bool:
        return (min(i, j), max(i, j)) in self._pairs

    def add_ties(self, a: np.ndarray, b: np.ndarray, trust: float) -> int:
        """Add the ties (a[k], b[k]) that do not exist yet; return how many were added."""
        new = []
        for i, j in zip(a.tolist(), b.tolist()):
            key = (min(i, j), max(i, j))
            if i != j and key not in self._pairs:
                self._pairs.add(key)
                new.append(key)
        if not new:
            return 0
        if self.m + len(new) > self._cap:
            self._grow(self.m + len(new))
        arr = np.array(new, dtype=np.int64)
        sl = slice(self.m, self.m + len(new))
        self.a[sl] = arr[:, 0]
        self.b[sl] = arr[:, 1]
        self.trust_ab[sl] = trust
        self.trust_ba[sl] = trust
        self.conflict[sl] = -1
        self.m += len(new)
        return len(new)

    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[: self.m]

    def degree(self, n: int, live: np.ndarray) -> np.ndarray:
        """Number of live ties per person (``live`` is a boolean mask over ties)."""
        a, b = self.view("a"), self.view("b")
        w = live.astype(float)
        return np.bincount(a, w, minlength=n) + np.bincount(b, w, minlength=n)

    def trust_given_mean(self, n: int, live: np.ndarray) -> np.ndarray:
        """Mean trust each person places in their live ties (0 where they have none)."""
        a, b = self.view("a"), self.view("b")
        w = live.astype(float)
        total = np.bincount(a, self.view("trust_ab") * w, minlength=n) + np.bincount(
            b, self.view("trust_ba") * w, minlength=n
        )
        deg = self.degree(n, live)
        return np.divide(total, deg, out=np.zeros(n), where=deg > 0)

    def mutual_trust(self, ties: np.ndarray) -> np.ndarray:
        """The mean of the two directions' trust on each of these ties.

        Example:
            >>> net = Network()
            >>> net.add_ties(np.array([0]), np.array([1]), trust=0.4)
            1
            >>> net.trust_ba[0] = 0.8
            >>> net.mutual_trust(np.array([0])).round(2).tolist()
            [0.6]
        """
        return 0.5 * (self.trust_ab[ties] + self.trust_ba[ties])


TIE_INT = _field_index("TieIntRows", Network.INT_FIELDS)
TIE_FLOAT = _field_index("TieFloatRows", Network.FLOAT_FIELDS)


def founding_network(n: int, ties: int, rewire: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Small-world acquaintance network of the founding group, seeded from ``rng``.

    Example:
        >>> import numpy as np
        >>> a, b = founding_network(15, ties=6, rewire=0.1, rng=np.random.default_rng(1))
        >>> len(a), bool((a != b).all())                         # 15 people x 6 acquaintances / 2
        (45, True)
    """
    k = min(ties, n - 1)
    if k < 2:
        g = nx.complete_graph(n)
    else:
        g = nx.connected_watts_strogatz_graph(n, k, rewire, tries=100, seed=int(rng.integers(2**31 - 1)))
    edges = np.array(list(g.edges()), dtype=np.int64).reshape(-1, 2)
    return edges[:, 0], edges[:, 1]


class Conflicts:
    """Open and closed conflicts, one row each.

    Example:
        >>> import numpy as np
        >>> conflicts = Conflicts()
        >>> conflicts.open(np.array([4, 7]), week=3).tolist()     # on ties 4 and 7
        [0, 1]
        >>> conflicts.total, conflicts.open_ids.tolist()
        (2, [0, 1])
    """

    def __init__(self) -> None:
        self.tie: list[int] = []
        self.opened: list[int] = []
        self.open_ids: np.ndarray = np.zeros(0, dtype=np.int64)  # rows still open
        self.festering: set[int] = set()
        self.total = 0

    def ties_of(self, ids: np.ndarray) -> np.ndarray:
        """The tie each of these conflicts is on.

        Example:
            >>> conflicts = Conflicts()
            >>> conflicts.open(np.array([4, 7]), week=3).tolist()
            [0, 1]
            >>> conflicts.ties_of(np.array([1, 0])).tolist()
            [7, 4]
        """
        return np.array([self.tie[c] for c in ids.tolist()], dtype=np.int64)

    def open(self, ties: np.ndarray, week: int) -> np.ndarray:
        ids = np.arange(self.total, self.total + ties.size, dtype=np.int64)
        self.tie.extend(ties.tolist())
        self.opened.extend([week] * ties.size)
        self.total += ties.size
        self.open_ids = np.concatenate([self.open_ids, ids])
        return ids
