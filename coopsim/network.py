"""The acquaintance network between people, and the conflicts that sit on its ties, as arrays.

A tie joins two people (stored lower index first) and carries each one's trust in the
other; ties are never removed. A conflict is opened on a tie, may fester, and is closed by a
meeting, a REX or a mediation; its row stays, so that what happened to it can be read at the
end (how many mediation sessions it had, whether one settled it).

Seed passages: "pas de coopération sans confiance, et pas de confiance sans
inter-connaissance" (the network and pairwise trust); "La grande majorité d'entre eux se
connaissent personnellement" (the founders' small world); "accepter les désaccords, les
considérer comme féconds" (disagreements and conflicts).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx
import numpy as np

from .compiled import kernel
from .population import _field_index


class Network:
    """The acquaintance network: undirected ties with a trust value in each direction.

    Tie ``e`` joins ``a[e]`` and ``b[e]``; ``trust_ab[e]`` is how much ``a`` trusts ``b``
    and ``trust_ba[e]`` the reverse; ``conflict[e]`` is the conflict open on it, or -1. The
    fields share two blocks (``ints``, ``floats``: a row per field, a column per tie, the
    first ``m`` live), so that a kernel loops over the ties with two arguments.

    Example:
        >>> import numpy as np
        >>> net = Network()
        >>> net.add_ties(np.array([0, 1]), np.array([1, 2]), trust=0.5)
        2
        >>> net.add_ties(np.array([1]), np.array([0]), trust=0.5)   # the tie 0-1 exists already
        0
        >>> net.m, net.view("trust_ab").tolist()
        (2, [0.5, 0.5])
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
        # the ties' pairs, a hash set (insert_pair): a power of two of slots, at most half full
        self.pairs = np.full(1 << (2 * self._cap - 1).bit_length(), -1, dtype=np.int64)

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

    def reserve(self, count: int) -> None:
        """Make room for ``count`` more ties: in the blocks (doubled as needed) and in the set
        of pairs (kept at most half full, so that a look-up probes few slots)."""
        needed = self.m + count
        if needed > self._cap:
            self._grow(needed)
        if 2 * needed > self.pairs.size:
            size = self.pairs.size
            while 2 * needed > size:
                size *= 2
            self.pairs = np.full(size, -1, dtype=np.int64)
            rebuild_pairs(self.pairs, self.ints, self.m)

    def add_ties(self, a: np.ndarray, b: np.ndarray, trust: float) -> int:
        """Add the ties (a[k], b[k]) that do not exist yet, in this order, each stored with its
        lower end first; return how many were added."""
        self.reserve(a.size)
        m = add_pairs(self.ints, self.floats, self.m, self.pairs, a, b, trust)
        added, self.m = m - self.m, m
        return added

    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[: self.m]

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


@kernel
def tie_key(i: int, j: int) -> int:
    """The key of the pair {i, j} in the set of pairs: the lower end times 2^32 plus the higher.

    Example:
        >>> tie_key(3, 1) == tie_key(1, 3) == 2**32 + 3
        True
    """
    return min(i, j) * 4294967296 + max(i, j)


@kernel
def insert_pair(pairs: np.ndarray, i: int, j: int) -> bool:
    """Put the pair {i, j} in the set ``pairs`` (open addressing: its key at the first free
    slot from its hash, the set kept at most half full); False when it was there already."""
    mask = pairs.size - 1
    key = tie_key(i, j)
    slot = (key % 1000000007) * 40503 & mask
    while pairs[slot] != -1 and pairs[slot] != key:
        slot = (slot + 1) & mask
    if pairs[slot] == key:
        return False
    pairs[slot] = key
    return True


@kernel
def add_pairs(tie_ints: np.ndarray, tie_floats: np.ndarray, m: int, pairs: np.ndarray, a: np.ndarray,
              b: np.ndarray, trust: float) -> int:  # fmt: skip
    """Add the ties (a[k], b[k]) that are not in the set ``pairs`` yet, in this order, from tie
    ``m`` on (room reserved), each with its lower end first and ``trust`` both ways; return
    the new number of ties."""
    for k in range(a.size):
        i, j = a[k], b[k]
        if i == j or not insert_pair(pairs, i, j):
            continue
        tie_ints[TIE_INT.a, m], tie_ints[TIE_INT.b, m] = min(i, j), max(i, j)
        tie_ints[TIE_INT.conflict, m] = -1
        tie_floats[TIE_FLOAT.trust_ab, m] = trust
        tie_floats[TIE_FLOAT.trust_ba, m] = trust
        m += 1
    return m


@kernel
def rebuild_pairs(pairs: np.ndarray, tie_ints: np.ndarray, m: int) -> None:
    """Put the pairs of the first ``m`` ties in the (empty) set ``pairs``."""
    for e in range(m):
        insert_pair(pairs, tie_ints[TIE_INT.a, e], tie_ints[TIE_INT.b, e])


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


class ConflictSet:
    """A set of conflict ids kept as a boolean array (``flags[c]`` is true for a member), so
    that a kernel reads it as one argument; in Python it reads like a set. Ids index the
    array as numpy does.

    Example:
        >>> s = ConflictSet(8)
        >>> s.add(5); s.add(2)
        >>> 5 in s, 3 in s, sorted(s), len(s)
        (True, False, [2, 5], 2)
        >>> s.discard(5)
        >>> list(s)
        [2]
    """

    def __init__(self, capacity: int) -> None:
        self.flags = np.zeros(capacity, dtype=bool)

    def __contains__(self, c: object) -> bool:
        return isinstance(c, (int, np.integer)) and bool(self.flags[c])

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(self.flags).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self.flags))

    def add(self, c: int) -> None:
        self.flags[c] = True

    def discard(self, c: int) -> None:
        self.flags[c] = False


class Conflicts:
    """Open and closed conflicts, one row each, in arrays that grow by doubling.

    Conflict ``c`` is on tie ``tie[c]`` and was opened in week ``opened[c]`` (the first
    ``total`` rows are live); ``open_ids`` lists the conflicts still open, in the order they
    were opened; ``festering`` is the set of the open conflicts that fester; ``sessions[c]``
    counts the mediation sessions held on it and ``settled_by_mediation`` is the set of the
    conflicts a mediation closed.

    Example:
        >>> import numpy as np
        >>> conflicts = Conflicts()
        >>> conflicts.open(np.array([4, 7]), week=3).tolist()     # on ties 4 and 7
        [0, 1]
        >>> conflicts.total, conflicts.open_ids.tolist(), int(conflicts.opened[1])
        (2, [0, 1], 3)
        >>> conflicts.festering.add(1)
        >>> conflicts.close(np.array([1])).tolist(), conflicts.open_ids.tolist(), 1 in conflicts.festering
        ([7], [0], False)
    """

    def __init__(self, capacity: int = 64) -> None:
        self.total = 0
        self._cap = max(8, capacity)
        self.tie = np.zeros(self._cap, dtype=np.int64)
        self.opened = np.zeros(self._cap, dtype=np.int64)
        self.sessions = np.zeros(self._cap, dtype=np.int64)  # mediation sessions held on each dispute
        self.festering = ConflictSet(self._cap)
        self.settled_by_mediation = ConflictSet(self._cap)
        self.open_ids: np.ndarray = np.zeros(0, dtype=np.int64)  # rows still open, ascending

    def _grow(self, needed: int) -> None:
        new_cap = self._cap
        while new_cap < needed:
            new_cap *= 2
        for name in ("tie", "opened", "sessions"):
            new = np.zeros(new_cap, dtype=np.int64)
            new[: self.total] = getattr(self, name)[: self.total]
            setattr(self, name, new)
        for flag_set in (self.festering, self.settled_by_mediation):
            flags = np.zeros(new_cap, dtype=bool)
            flags[: self.total] = flag_set.flags[: self.total]
            flag_set.flags = flags
        self._cap = new_cap

    def reserve(self, count: int) -> None:
        """Make room for ``count`` more conflicts (the arrays double as needed)."""
        if self.total + count > self._cap:
            self._grow(self.total + count)

    def open(self, ties: np.ndarray, week: int) -> np.ndarray:
        """Open a conflict on each of these ties; return their ids."""
        k = ties.size
        self.reserve(k)
        ids = np.arange(self.total, self.total + k, dtype=np.int64)
        self.tie[ids] = ties
        self.opened[ids] = week
        self.total += k
        self.open_ids = np.concatenate((self.open_ids, ids))
        return ids

    def close(self, ids: np.ndarray) -> np.ndarray:
        """Close these open conflicts (they no longer fester); return their ties."""
        keep = np.ones(self.open_ids.size, dtype=bool)
        keep[np.searchsorted(self.open_ids, ids)] = False
        self.open_ids = self.open_ids[keep]
        self.festering.flags[ids] = False
        return self.tie[ids]
