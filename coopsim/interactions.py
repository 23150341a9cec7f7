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

from .base import Params, Status, clip01
from .state import ModelState


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


def live_ties(model: ModelState) -> np.ndarray:
    """Ties whose two ends are still in the ecosystem.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> live = live_ties(m)
        >>> live.shape == (m.network.m,), live.dtype
        (True, dtype('bool'))
    """
    N, P = model.network, model.people
    present = P.present()
    return present[N.view("a")] & present[N.view("b")]


def interact(model: ModelState, rng: np.random.Generator) -> None:
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
    N, P, R, ip = model.network, model.people, model.roles, model.scenario.interactions
    n, m = P.n, N.m
    u_social = rng.random(m)
    u_tie = rng.random(n)
    u_other = rng.random(n)
    live = live_ties(model)
    a, b = N.view("a"), N.view("b")

    unit = np.full(n, -1, dtype=np.int64)
    held = R.holder >= 0
    unit[R.holder[held]] = R.unit[held]
    model.person_unit = unit
    cowork = live & (unit[a] == unit[b]) & (unit[a] >= 0)
    mixing = model.mods.sphere_mixing
    pair_overlap = P.overlap[a] * P.overlap[b] * mixing
    social = live & (u_social < ip.social_contact * pair_overlap)
    contact = cowork | social
    model.contact = contact

    gain = ip.trust_gain * (1.0 + ip.overlap_bonus * pair_overlap)
    for t in (N.view("trust_ab"), N.view("trust_ba")):
        t += np.where(contact, gain * (1.0 - t), -ip.trust_decay * (t - ip.trust_base))
        t -= ip.conflict_erosion * (N.view("conflict") >= 0)
        clip01(t)

    given = N.trust_given_mean(n, live)
    deg = N.degree(n, live)
    tr = P.trust[:n]
    tr += np.where(deg > 0, ip.collective_rate * (given - tr), 0.0)
    clip01(tr)

    working = np.flatnonzero((unit >= 0) & (u_tie < ip.new_tie_probability))
    if working.size:
        members = np.flatnonzero(P.status[:n] == Status.ACTIVE)
        other = members[(u_other[working] * members.size).astype(np.int64)]
        same = unit[other] == unit[working]
        N.add_ties(working[same], other[same], ip.trust_base)
