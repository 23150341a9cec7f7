"""Governance: decisions by consent of all, or delegated to circles, and their backlog.

Process 8 of the week (*governance*). Matters needing a decision arrive in proportion to the active
members. Under consent of all, the weekly capacity to decide shrinks as the group grows
(everyone must be informed and able to object); under delegation, each staffed circle
decides its own matters. What is not decided waits in a backlog (and some of it lapses, undecided): it adds coordination
hours and frustration (see :mod:`coopsim.work` and :mod:`coopsim.wellbeing`).

Seed passages: "il est courant que les membres attendent la validation de tous avant de
mettre en œuvre une idée"; "la prise de décision peut prendre plus de temps en raison de
la nécessité de consultations et de discussions approfondies"; "les processus
décisionnels peuvent être plus lents, ce qui peut être problématique dans des situations
d'urgence"; "Chaque cercle est souverain dans son organisation".
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, Status, packed
from .compiled import kernel, numpy_sum, poisson
from .model_state import ModelState
from .population import FLOAT, INT

ACTIVE = Status.ACTIVE  # a plain integer, for the kernel


class GovernanceParams(Params):
    """Behavioural constants of decision making (per week).

    Example:
        >>> GovernanceParams(reference_size=20).reference_size
        20
    """

    decisions_per_member: float = Field(
        0.08, ge=0, le=10, description="matters needing a decision per active member per week"
    )
    consent_capacity: float = Field(
        3.0, ge=0, le=1000, description="decisions per week by consent in a group of reference size"
    )
    reference_size: int = Field(15, ge=1, le=100000)
    consent_exponent: float = Field(1.0, ge=0, le=5, description="how fast consent slows with group size")
    circle_capacity: float = Field(
        1.2, ge=0, le=1000, description="decisions per week per staffed circle under delegation"
    )
    lapse: float = Field(0.05, ge=0, le=1, description="weekly share of waiting matters that lapse undecided")
    objection: float = Field(
        0.01, ge=0, le=1, description="chance a member objects to a newcomer's integration, at zero trust"
    )


def decision_capacity(model: ModelState) -> float:
    """Decisions the ecosystem can take this week.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> decision_capacity(m) > 0
        True
    """
    R = model.roles
    active, circles = active_and_staffed(model.people.ints, model.people.n, R.holder, R.unit, R.unit_is_circle)
    return capacity(packed(model.scenario.governance), model.mods.delegation, active, circles)


@kernel
def capacity(governance: np.ndarray, delegation: bool, active: int, circles: int) -> float:
    """Decisions a week (``governance``: the process's constants, packed): under delegation,
    each staffed circle decides its matters; under consent of all, the capacity shrinks as
    the active group outgrows the reference size."""
    gp = governance[0]
    if delegation:
        return gp["circle_capacity"] * circles + gp["consent_capacity"] * 0.5
    active = max(active, 1)
    return gp["consent_capacity"] * (gp["reference_size"] / max(active, gp["reference_size"])) ** gp["consent_exponent"]


@kernel
def active_and_staffed(
    people_ints: np.ndarray, n: int, holder: np.ndarray, unit: np.ndarray, unit_is_circle: np.ndarray
) -> tuple[int, int]:
    """The active members, and the circles with at least one role held."""
    active = 0
    for i in range(n):
        if people_ints[INT.status, i] == ACTIVE:
            active += 1
    staffed = np.zeros(unit_is_circle.size, dtype=np.bool_)
    for r in range(holder.size):
        if holder[r] >= 0 and unit_is_circle[unit[r]]:
            staffed[unit[r]] = True
    return active, int(staffed.sum())


def consent_probability(model: ModelState, deciders: np.ndarray) -> float:
    """Chance that nobody among ``deciders`` objects to an integration (:func:`consent_chance`).

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> from coopsim.base import Status
        >>> members = np.flatnonzero(m.people.mask(Status.ACTIVE))
        >>> 0 < consent_probability(m, members) <= consent_probability(m, members[:3]) <= 1   # more deciders, less consent
        True
    """
    deciders = np.asarray(deciders, dtype=np.int64)
    return float(consent_chance(model.scenario.governance.objection, model.people.floats, deciders))


@kernel
def consent_chance(objection: float, floats: np.ndarray, deciders: np.ndarray) -> float:
    """Chance that nobody among ``deciders`` objects: each objects with the chance
    ``objection`` times their distrust (1 - trust), at most 0.999; the product of the chances
    that each does not, taken as the exponential of a sum of logs (in numpy's order of
    additions, :func:`coopsim.compiled.numpy_sum`).

    Example:
        >>> import numpy as np
        >>> floats = np.zeros((FLOAT.trust + 1, 3))
        >>> floats[FLOAT.trust] = [0.9, 0.5, 0.2]                # objections 0.03, 0.15, 0.24
        >>> round(consent_chance(0.3, floats, np.arange(3)), 12) == round(0.97 * 0.85 * 0.76, 12)
        True
    """
    logs = np.empty(deciders.size)
    for t in range(deciders.size):
        p_obj = objection * (1.0 - floats[FLOAT.trust, deciders[t]])
        logs[t] = np.log1p(-min(max(p_obj, 0.0), 0.999))
    return np.exp(numpy_sum(logs, logs.size))


def decide(model: ModelState, rng: np.random.Generator) -> None:
    """Process *governance*: new matters arrive, the capacity decides, the rest waits.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> decide(m, np.random.default_rng(0))
        >>> m.backlog >= 0 and m.week_decision_capacity > 0
        True
    """
    gp, R = model.scenario.governance, model.roles
    active, circles = active_and_staffed(model.people.ints, model.people.n, R.holder, R.unit, R.unit_is_circle)
    arriving = poisson(rng, gp.decisions_per_member * active)
    decided = capacity(packed(gp), model.mods.delegation, active, circles)
    model.week_decision_capacity = decided
    model.backlog = backlog_after(packed(gp), model.backlog, arriving, decided)


@kernel
def backlog_after(governance: np.ndarray, backlog: float, arriving: int, decided: float) -> float:
    """The backlog after a week (``governance``: the process's constants, packed): what
    waited, less what lapsed, plus the matters ``arriving``, less what was ``decided``.

    Example:
        >>> backlog_after(packed(GovernanceParams(lapse=0.1)), 10.0, 3, 4.0)
        8.0
    """
    return max(0.0, backlog * (1.0 - governance[0]["lapse"]) + arriving - decided)
