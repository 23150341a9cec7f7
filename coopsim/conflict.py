"""Conflict: disagreements, their handling in meetings, escalation and festering.

Process 4 of the week (*conflict*). Disagreements arise between acquaintances in contact, more often
when life spheres overlap (spill-over), when a stipend's expectations are undefined
(pressure and resentment) and when people are tired. A disagreement may be defused
(more often between people who trust each other, and, when it surfaces in a meeting, with
the meeting practices): it is then fertile and adds a little trust. Otherwise it escalates into an
open conflict that strains both parties and erodes their tie until it is resolved (by
itself, rarely, or by mediation). A conflict open for long festers.

Seed passages: "coopérer ce n'est pas être tout le temps d'accord" and "accepter les
désaccords, les considérer comme féconds" (fertile disagreements); "Les conflits
personnels ou familiaux peuvent interférer avec les relations de travail" (spill-over);
"des petits conflits ont émergé, car les membres du collectif s'attendaient à une plus
grande production de légumes" (stipend resentment); "je n'ai pas réussi à gérer mes
conflits" (unresolved conflicts in Simon's story).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, clip
from .state import ModelState


class ConflictParams(Params):
    """Behavioural constants of disagreements and conflicts (per week).

    Example:
        >>> ConflictParams(festering_weeks=6).festering_weeks
        6
    """

    disagreement_rate: float = Field(
        0.004, ge=0, le=1, description="weekly chance of a disagreement on a tie in contact"
    )
    spill_over: float = Field(1.5, ge=0, le=20, description="relative rise when both share all life spheres")
    resentment: float = Field(
        3.0, ge=0, le=50, description="relative rise per unit of expectation gap or pressure at either end"
    )
    fatigue: float = Field(1.0, ge=0, le=20, description="relative rise at full exhaustion of both")
    in_meeting_share: float = Field(0.5, ge=0, le=1, description="share of disagreements that surface in a meeting")
    defuse_base: float = Field(
        0.45, ge=0, le=1, description="chance a disagreement is defused, at full trust, without special practices"
    )
    fertile_gain: float = Field(0.02, ge=0, le=1, description="trust gained on a tie when a disagreement is defused")
    resolve_base: float = Field(
        0.02, ge=0, le=1, description="weekly chance an open conflict resolves by itself, at full trust"
    )
    festering_weeks: int = Field(12, ge=1, le=520, description="weeks after which an open conflict festers")


def open_counts(model: ModelState) -> None:
    """People's number of open conflicts (festering ones count double).

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> open_counts(m)
        >>> n_open = len(m.conflicts.open_ids) + len(m.conflicts.festering)   # festering ones count double
        >>> int(m.people.view("conflicts").sum()) == 2 * n_open              # two parties per conflict
        True
    """
    N, P, C = model.network, model.people, model.conflicts
    n = P.n
    ties = C.ties_of(C.open_ids)
    if ties.size == 0:
        P.conflicts[:n] = 0
        return
    weight = np.array([2.0 if c in C.festering else 1.0 for c in C.open_ids.tolist()])
    counts = np.bincount(N.a[ties], weight, minlength=n) + np.bincount(N.b[ties], weight, minlength=n)
    P.conflicts[:n] = np.rint(counts[:n]).astype(np.int64)


def close(model: ModelState, conflict_ids: np.ndarray, kind: str | None) -> None:
    """Close conflicts, free their ties and record ``kind`` for the first party.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> ids = m.conflicts.open(np.array([0]), week=m.week)   # open a conflict on tie 0 ...
        >>> m.network.conflict[0] = ids[0]
        >>> close(m, ids, "conflict_resolved")                   # ... and close it
        >>> int(m.network.conflict[0]), ids[0] in m.conflicts.open_ids
        (-1, False)
    """
    N, C = model.network, model.conflicts
    if conflict_ids.size == 0:
        return
    ties = C.ties_of(conflict_ids)
    N.conflict[ties] = -1
    C.open_ids = np.setdiff1d(C.open_ids, conflict_ids, assume_unique=True)
    for c in conflict_ids.tolist():
        C.festering.discard(c)
    if kind is not None:
        model.emit(kind, N.a[ties])


def disagree(model: ModelState, rng: np.random.Generator) -> None:
    """Process *conflict*: new disagreements, defused or opened; old ones resolve or fester.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> before = m.conflicts.total
        >>> disagree(m, np.random.default_rng(0))
        >>> m.conflicts.total >= before                          # conflicts are only ever added
        True
    """
    N, P, C, cp = model.network, model.people, model.conflicts, model.scenario.conflict
    m = N.m
    u_new = rng.random(m)
    u_meeting = rng.random(m)
    u_defuse = rng.random(m)
    contact = np.zeros(m, dtype=bool)
    contact[: model.contact.size] = model.contact
    a, b = N.view("a"), N.view("b")
    mixing = model.mods.sphere_mixing
    tension = P.pressure + P.expectation_gap
    p = (
        cp.disagreement_rate
        * (1.0 + cp.spill_over * P.overlap[a] * P.overlap[b] * mixing)
        * (1.0 + cp.resentment * (tension[a] + tension[b]))
        * (1.0 + cp.fatigue * 0.5 * (P.exhaustion[a] + P.exhaustion[b]))
    )
    new = np.flatnonzero(contact & (u_new < p) & (N.view("conflict") < 0))
    if new.size:
        trust = N.mutual_trust(new)
        bonus = np.where(u_meeting[new] < cp.in_meeting_share, model.mods.defuse_bonus, 0.0)
        defused = u_defuse[new] < clip((cp.defuse_base + bonus) * trust, 0.0, 1.0)
        fertile = new[defused]
        N.trust_ab[fertile] = np.minimum(1.0, N.trust_ab[fertile] + cp.fertile_gain)
        N.trust_ba[fertile] = np.minimum(1.0, N.trust_ba[fertile] + cp.fertile_gain)
        model.emit("conflict_defused", a[fertile])
        opened = new[~defused]
        ids = C.open(opened, model.week)
        N.conflict[opened] = ids
        model.emit("conflict_opened", a[opened])

    open_ids = C.open_ids
    u_resolve = rng.random(open_ids.size)
    if open_ids.size:
        ties = C.ties_of(open_ids)
        present = P.present()
        gone = ~(present[N.a[ties]] & present[N.b[ties]])
        close(model, open_ids[gone], None)
        trust = N.mutual_trust(ties)
        resolved = ~gone & (u_resolve < cp.resolve_base * trust)
        close(model, open_ids[resolved], "conflict_resolved")
        age = model.week - np.array([C.opened[c] for c in open_ids.tolist()])
        for c in open_ids[~gone & ~resolved & (age >= cp.festering_weeks)].tolist():
            if c not in C.festering:
                C.festering.add(c)
                model.emit("conflict_festering", np.array([N.a[C.tie[c]]]))
    open_counts(model)
