"""Interactions on the acquaintance network: working together builds trust.

Process 3 of the week (*interactions*). Two acquaintances are in contact when they work in the same unit,
or, by chance, when they share life spheres (neighbours, friends, partners). Contact
raises pairwise trust, more so when life spheres overlap; ties without contact fade
towards a baseline; an open conflict on a tie erodes it. Trust in the collective follows
the mean trust one places in one's ties. Co-workers also meet new people.

Seed passages: "il n'y a pas de coopération sans confiance, et il n'y a pas de confiance
sans inter-connaissance"; "En étant à la fois amis, voisins, collègues [...] les
relations deviennent plus profondes" (overlap strengthens ties); "La grande majorité
d'entre eux se connaissent personnellement et travaillent ensemble".
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, Status, packed
from .compiled import UniformStream, kernel, uniform_stream
from .model_state import ModelState
from .network import TIE_FLOAT, TIE_INT, add_pairs
from .population import FLOAT, INT

ACTIVE, DEPARTED = Status.ACTIVE, Status.DEPARTED  # plain integers, for the kernel


class InteractionParams(Params):
    """Behavioural constants of contact and trust (per week).

    Example:
        >>> InteractionParams(trust_gain=0.05).trust_gain
        0.05
    """

    social_contact: float = Field(
        0.3, ge=0, le=1, description="chance two acquaintances who share all life spheres meet outside work"
    )
    trust_gain: float = Field(0.02, ge=0, le=1, description="trust gained per week of contact (times the gap to 1)")
    overlap_bonus: float = Field(0.5, ge=0, le=5, description="extra trust gain when both share all life spheres")
    trust_base: float = Field(0.4, ge=0, le=1, description="level trust fades to without contact")
    trust_decay: float = Field(0.003, ge=0, le=1)
    conflict_erosion: float = Field(0.01, ge=0, le=1, description="trust lost per week on a tie with an open conflict")
    collective_rate: float = Field(
        0.05, ge=0, le=1, description="speed at which trust in the collective follows trust in one's ties"
    )
    new_tie_probability: float = Field(
        0.05, ge=0, le=1, description="weekly chance a working member meets someone new at work"
    )


def interact(model: ModelState, rng: np.random.Generator | UniformStream) -> None:
    """Process *interactions*: contact, pairwise trust, trust in the collective, new ties.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> interact(m, np.random.default_rng(0))
        >>> trust = m.network.view("trust_ab")
        >>> bool(((trust >= 0) & (trust <= 1)).all())
        True
    """
    N, P, R = model.network, model.people, model.roles
    n, m = P.n, N.m
    stream = uniform_stream(rng)
    block, start = stream.block(m + 2 * n)  # u_social (per tie), then u_tie and u_other (per person)
    N.reserve(n)  # a new tie per person at most
    model.contact, N.m = interactions_week(
        block, start, P.floats, P.ints, n, N.ints, N.floats, m, N.pairs, R.holder, R.unit,
        model.mods.sphere_mixing, packed(model.scenario.interactions),
    )  # fmt: skip
    stream.advance(start + m + 2 * n)


@kernel
def interactions_week(
    block: np.ndarray, start: int, people_floats: np.ndarray, people_ints: np.ndarray, n: int, tie_ints: np.ndarray,
    tie_floats: np.ndarray, m: int, pairs: np.ndarray, holder: np.ndarray, role_unit: np.ndarray, mixing: float,
    interactions: np.ndarray,
) -> tuple[np.ndarray, int]:  # fmt: skip
    """The week's interactions in one call: contact and trust (:func:`_interact`, reading its
    uniforms from ``block`` at ``start``), then the new ties made at work (room reserved), at
    the base trust. Returns each tie's contact and the new number of ties."""
    unit_of = np.empty(n, dtype=np.int64)  # each person's unit of work this week (scratch)
    contact = np.empty(m, dtype=np.bool_)
    new = np.empty((2, n), dtype=np.int64)
    k = _interact(
        people_floats, people_ints, n, tie_ints, tie_floats, m, holder, role_unit, block[start : start + m + 2 * n],
        unit_of, contact, new, mixing, interactions,
    )  # fmt: skip
    return contact, add_pairs(tie_ints, tie_floats, m, pairs, new[0, :k], new[1, :k], interactions[0]["trust_base"])


@kernel
def _interact(
    people_floats: np.ndarray, people_ints: np.ndarray, n: int, tie_ints: np.ndarray, tie_floats: np.ndarray,
    m: int, holder: np.ndarray, role_unit: np.ndarray, u: np.ndarray, unit: np.ndarray, contact: np.ndarray,
    new: np.ndarray, mixing: float, interactions: np.ndarray,
) -> int:  # fmt: skip
    """The week's contact and trust, tie by tie and person by person.

    Each person works in the unit of the roles they hold (-1: none). Two acquaintances
    still present are in contact when they work in the same unit, or by chance, the likelier
    the more life spheres they share. Each direction's trust on a tie rises with contact
    (by ``trust_gain`` times the gap to 1, more with shared spheres), fades towards
    ``trust_base`` without, and erodes while a conflict is open on it. Each person's trust
    in the collective moves towards the mean trust they place in their live ties. A working
    person may meet an active member drawn at random: a new tie if both work in the same
    unit. Writes each person's unit in ``unit``, each tie's contact in ``contact`` and the two
    ends of the new ties in the two rows of ``new``; returns the number of new ties."""
    ip = interactions[0]  # the process's constants (InteractionParams), read once
    social_contact, trust_gain, overlap_bonus = ip["social_contact"], ip["trust_gain"], ip["overlap_bonus"]
    trust_base, trust_decay, conflict_erosion = ip["trust_base"], ip["trust_decay"], ip["conflict_erosion"]
    collective_rate, new_tie_probability = ip["collective_rate"], ip["new_tie_probability"]
    status = people_ints[INT.status]
    overlap = people_floats[FLOAT.overlap]
    u_social, u_tie, u_other = u[:m], u[m : m + n], u[m + n :]
    unit[:] = -1
    for r in range(holder.size):
        if holder[r] >= 0:
            unit[holder[r]] = role_unit[r]

    given = np.zeros((2, n))  # trust placed in one's live ties, as their end a and as their end b
    ties = np.zeros(n)  # live ties
    for e in range(m):
        a, b = tie_ints[TIE_INT.a, e], tie_ints[TIE_INT.b, e]
        live = status[a] != DEPARTED and status[b] != DEPARTED
        pair_overlap = overlap[a] * overlap[b] * mixing
        cowork = unit[a] == unit[b] and unit[a] >= 0
        contact[e] = live and (cowork or u_social[e] < social_contact * pair_overlap)
        gain = trust_gain * (1.0 + overlap_bonus * pair_overlap)
        for row in (TIE_FLOAT.trust_ab, TIE_FLOAT.trust_ba):
            t = tie_floats[row, e]
            t += gain * (1.0 - t) if contact[e] else -trust_decay * (t - trust_base)
            if tie_ints[TIE_INT.conflict, e] >= 0:
                t -= conflict_erosion
            tie_floats[row, e] = min(max(t, 0.0), 1.0)
        if live:
            given[0, a] += tie_floats[TIE_FLOAT.trust_ab, e]
            given[1, b] += tie_floats[TIE_FLOAT.trust_ba, e]
            ties[a] += 1.0
            ties[b] += 1.0

    trust = people_floats[FLOAT.trust]
    for i in range(n):
        if ties[i] > 0:
            trust[i] += collective_rate * ((given[0, i] + given[1, i]) / ties[i] - trust[i])
        trust[i] = min(max(trust[i], 0.0), 1.0)

    k = 0
    members = np.flatnonzero(status[:n] == ACTIVE)
    for i in range(n):
        if unit[i] >= 0 and u_tie[i] < new_tie_probability:
            other = members[int(u_other[i] * members.size)]
            if unit[other] == unit[i]:
                new[0, k], new[1, k] = i, other
                k += 1
    return k
