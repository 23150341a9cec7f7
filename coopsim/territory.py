"""The territory: local acceptance of the newcomers, which governs who comes and settles.

Acceptance rises with members' visible involvement in local life (markets, associations,
communal actions) and with territorial dialogue (the CTD mechanism), and slowly falls
back otherwise. Arrivals per week grow with acceptance and the visibility of an active
group, and stop when housing is full.

Seed passages: "La quasi-totalité des membres de TERA ne sont pas originaires du
territoire, ce qui rend leur intégration difficile"; "la coopération avec les habitants
reste limitée aujourd'hui"; "Les membres de TERA se sont activement engagés dans des
associations locales, ont participé bénévolement aux marchés" (involvement raises
acceptance); "environ 100 personnes se sont installées sur place et ont choisi d'y
rester" (arrivals and settling).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, Status, packed
from .compiled import UniformStream, kernel, numpy_sum, poisson
from .model_state import ModelState
from .population import FLOAT, INT

ACTIVE, DEPARTED = Status.ACTIVE, Status.DEPARTED  # plain integers, for the kernels


class TerritoryParams(Params):
    """The territory's acceptance and the flow of newcomers.

    Example:
        >>> TerritoryParams(acceptance_start=0.5).acceptance_start
        0.5
    """

    acceptance_start: float = Field(0.2, ge=0, le=1, description="local acceptance of the newcomers at the start")
    acceptance_floor: float = Field(0.1, ge=0, le=1)
    acceptance_decay: float = Field(0.002, ge=0, le=1, description="weekly fading towards the floor")
    involvement_gain: float = Field(
        0.0015, ge=0, le=1, description="weekly gain at full involvement of the members in local life"
    )
    arrivals_per_week: float = Field(
        0.45,
        ge=0,
        le=1000,
        description="newcomers per week at acceptance 0.5 with a visible group and empty housing (times the share of housing still free)",
    )
    visibility_size: int = Field(20, ge=1, le=100000, description="active members at which the group is fully visible")
    housing_capacity: int = Field(
        160, ge=1, le=1000000, description="people the place can house (homes of the SCIC QRT and around)"
    )


def update_acceptance(model: ModelState) -> None:
    """Acceptance moves with members' involvement and territorial dialogue.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> update_acceptance(m)
        >>> 0 <= m.acceptance <= 1
        True
    """
    involvement, _, _ = _census(model.people.floats, model.people.ints, model.people.n)
    _move_acceptance(model, involvement)


def _move_acceptance(model: ModelState, involvement: float) -> None:
    model.acceptance = moved_acceptance(
        model.acceptance, involvement, packed(model.scenario.territory), model.mods.acceptance_gain
    )


@kernel
def moved_acceptance(a: float, involvement: float, territory: np.ndarray, acceptance_gain: float) -> float:
    """The territory's acceptance after a week: it rises with the members' involvement in
    local life and the territorial dialogue, and fades towards its floor."""
    tp = territory[0]
    a += tp["involvement_gain"] * involvement * (1.0 - a) + acceptance_gain * (1.0 - a)
    a -= tp["acceptance_decay"] * (a - tp["acceptance_floor"])
    return min(max(a, 0.0), 1.0)


def arrivals_this_week(model: ModelState, rng: np.random.Generator) -> int:
    """Number of newcomers this week.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> n = arrivals_this_week(m, np.random.default_rng(0))
        >>> isinstance(n, int) and n >= 0
        True
    """
    _, present, active = _census(model.people.floats, model.people.ints, model.people.n)
    return _arrivals(model, rng, present, active)


def _arrivals(model: ModelState, rng: np.random.Generator, present: int, active: int) -> int:
    return poisson(rng, arrival_rate(model.acceptance, present, active, packed(model.scenario.territory)))


@kernel
def arrival_rate(acceptance: float, present: int, active: int, territory: np.ndarray) -> float:
    """Newcomers expected this week: more with acceptance and a visible group, fewer as housing
    fills."""
    tp = territory[0]
    room = max(0.0, 1.0 - present / tp["housing_capacity"])
    visible = min(1.0, active / tp["visibility_size"])
    return tp["arrivals_per_week"] * (0.5 + acceptance) * (0.5 + 0.5 * visible) * room


@kernel
def acceptance_and_rate(
    floats: np.ndarray, ints: np.ndarray, n: int, acceptance: float, territory: np.ndarray, acceptance_gain: float
) -> tuple[float, float]:
    """:func:`moved_acceptance` then :func:`arrival_rate`, on one count of the people
    (:func:`_census`): the new acceptance and the week's arrival rate."""
    involvement, present, active = _census(floats, ints, n)
    acceptance = moved_acceptance(acceptance, involvement, territory, acceptance_gain)
    return acceptance, arrival_rate(acceptance, present, active, territory)


def acceptance_and_arrivals(model: ModelState, rng: np.random.Generator | UniformStream) -> int:
    """:func:`update_acceptance`, then :func:`arrivals_this_week`, on one count of the people.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> a, b = CoopModel("tera", seed=1), CoopModel("tera", seed=1)
        >>> a.step(); b.step()
        >>> update_acceptance(a)
        >>> n = arrivals_this_week(a, np.random.default_rng(0))
        >>> (n, a.acceptance) == (acceptance_and_arrivals(b, np.random.default_rng(0)), b.acceptance)
        True
    """
    P = model.people
    model.acceptance, rate = acceptance_and_rate(
        P.floats, P.ints, P.n, model.acceptance, packed(model.scenario.territory), model.mods.acceptance_gain
    )
    return poisson(rng, rate)


@kernel
def _census(people_floats: np.ndarray, people_ints: np.ndarray, n: int) -> tuple[float, int, int]:
    """The active members' involvement in local life (their mean engagement, summed over
    every row, zero for the others, as numpy sums it), the people present and the active
    members."""
    engaged = np.zeros(n)
    present = active = 0
    for i in range(n):
        status = people_ints[INT.status, i]
        if status != DEPARTED:
            present += 1
        if status == ACTIVE:
            engaged[i] = people_floats[FLOAT.engagement, i]
            active += 1
    return float(numpy_sum(engaged, n) / max(active, 1)), present, active
