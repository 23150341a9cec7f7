"""Money: the weekly flows between the six structures, people and the outside world.

Process 9 of the week (*money*). Every flow goes through the ledger's one payment rule
(:func:`coopsim.ledger.transfer`, behind :meth:`Ledger.pay` and the week's compiled
pass of payments), which refuses a payment the payer cannot afford (budget limits: "les
activités ne sont actuellement pas assez solvables pour se soutenir monétairement les unes
les autres") and records it, so that the change in total treasury always equals what came
in from outside minus what went out (money is conserved between structures). Amounts are
euros; Abeille (the local currency) is counted at par.

Flows from the seed: the SCI "encaisse les loyers aux exploitants d'activités
professionnelles"; the Coop du Tilleul is "l'entité commerciale" (sales of the grocery,
bakery, farm and markets, which depend on the hours worked there and on the territory);
the SCIC QRT "loue aux habitants en échange de loyers"; the endowment fund "récupère les
dons défiscalisables pour financer les activités d'intérêt général et générer des revenus
d'autonomie"; the Abeille association "pilote l'investissement dans les outils de
production"; the TERA association uses "les budgets alloués [...] collectes de fonds ou
subventions" (the Région "en finançant"). Salaries are paid by the structure of the role.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import WEEKS_PER_YEAR, WORK_CODE, Params, Status, packed
from .compiled import gamma, kernel, numpy_sum
from .ledger import FLOW, OUTSIDE, Ledger, transfer
from .model_state import ModelState
from .population import FLOAT, INT
from .structures import ABEILLE, ASSOCIATION, COOP, FUND, QRT, SCI, STRUCTURE_KEYS, circles_staffed

OPERATIONAL = WORK_CODE["operational"]
GIFT_SHAPE = 4.0  # the week's gifts: a gamma draw of this shape (its mean is the gifts per week)
ACTIVE = Status.ACTIVE
DEPARTED = Status.DEPARTED


class MoneyParams(Params):
    """Prices, rents, gifts and subsidies (euros).

    Example:
        >>> MoneyParams(commercial_rent=300).commercial_rent
        300.0
    """

    sales_per_hour: float = Field(
        14.0, ge=0, le=1000, description="Coop sales per operational hour worked in its activities"
    )
    local_spending: float = Field(25.0, ge=0, le=10000, description="weekly spending of a resident at the Coop")
    supplies_share: float = Field(0.55, ge=0, le=1, description="share of Coop sales spent on supplies")
    commercial_rent: float = Field(250.0, ge=0, le=100000, description="weekly rent the Coop pays the SCI")
    sci_loan: float = Field(200.0, ge=0, le=100000, description="weekly loan repayment of the SCI")
    housing_rent: float = Field(70.0, ge=0, le=10000, description="weekly rent per resident housed by the SCIC QRT")
    housing_share: float = Field(0.3, ge=0, le=1, description="share of residents housed by the SCIC QRT")
    qrt_loan: float = Field(500.0, ge=0, le=100000, description="weekly loan repayment of the SCIC QRT")
    gifts_per_year: float = Field(30000.0, ge=0, le=1e8, description="tax-deductible gifts to the endowment fund")
    subsidies_per_year: float = Field(
        25000.0, ge=0, le=1e8, description="Région and other subsidies to the TERA association"
    )
    membership_fee: float = Field(1.0, ge=0, le=1000, description="weekly fee of an active member to the association")
    circle_budget: float = Field(30.0, ge=0, le=100000, description="weekly spending of a staffed circle")
    salary_per_month: float = Field(1500.0, ge=0, le=100000, description="monthly cost of a salaried member's pay")
    fund_grant_share: float = Field(
        0.02, ge=0, le=1, description="weekly share of the fund's treasury above its reserve granted to the association"
    )
    fund_reserve: float = Field(15000.0, ge=0, le=1e9)
    abeille_investment_share: float = Field(
        0.02, ge=0, le=1, description="weekly share of the Abeille treasury invested in the Coop's production tools"
    )


@kernel
def coop_hours(
    holder: np.ndarray, structure: np.ndarray, kind: np.ndarray, hours: np.ndarray, floats: np.ndarray
) -> float:
    """Operational hours done in the Coop's roles: each held role's hours times the share of
    their asked hours its holder did this week."""
    done = np.empty(holder.size)
    k = 0
    for r in range(holder.size):
        h = holder[r]
        if h >= 0 and structure[r] == COOP and kind[r] == OPERATIONAL:
            required = floats[FLOAT.required, h]
            done[k] = hours[r] * (floats[FLOAT.hours, h] / required if required > 0 else 1.0)
            k += 1
    return numpy_sum(done, k)


@kernel
def salaries_unpaid(
    treasury: np.ndarray,
    totals: np.ndarray,
    flows: np.ndarray,
    holder: np.ndarray,
    salaried: np.ndarray,
    structure: np.ndarray,
    weekly: float,
    floats: np.ndarray,
    unpaid: np.ndarray,
) -> int:
    """Each held salaried role is paid ``weekly`` by its structure, in the order of the role
    slots; a holder left unpaid loses some financial security. Writes the unpaid holders (one
    per unpaid role) in ``unpaid`` and returns how many."""
    k = 0
    for r in range(holder.size):
        h = holder[r]
        if (
            salaried[r]
            and h >= 0
            and not transfer(treasury, totals, flows, structure[r], OUTSIDE, weekly, FLOW.salaries)
        ):
            floats[FLOAT.security_fin, h] *= 0.95
            unpaid[k] = h
            k += 1
    return k


def pay_salaries(model: ModelState) -> None:
    """Each salaried role is paid by its structure; unpaid when the structure cannot.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> before = m.ledger.treasury.sum()
        >>> pay_salaries(m)
        >>> bool(m.ledger.treasury.sum() <= before)              # salaries leave the structures
        True
    """
    R, L, mp = model.roles, model.ledger, model.scenario.money
    weekly = mp.salary_per_month * 12 / WEEKS_PER_YEAR
    unpaid = np.empty(R.count, dtype=np.int64)
    k = salaries_unpaid(
        L.treasury, L.totals, L.flows, R.holder, R.salaried, R.structure, weekly, model.people.floats, unpaid
    )
    tell_unpaid(model, unpaid[:k])


def tell_unpaid(model: ModelState, unpaid: np.ndarray) -> None:
    """One ``salary_unpaid`` event per role left unpaid (``unpaid``: each such role's holder).

    Example:
        >>> from coopsim import CoopModel
        >>> from coopsim.base import EVENT_CODE
        >>> m = CoopModel("tera", seed=1)
        >>> tell_unpaid(m, np.array([0, 3]))
        >>> events = m.recorder.events_frame()
        >>> events.loc[events["kind"] == "salary_unpaid", "person"].tolist()
        [0, 3]
    """
    model.emit("salary_unpaid", unpaid)


@kernel
def payments_of_the_week(
    treasury: np.ndarray,
    totals: np.ndarray,
    flows: np.ndarray,
    holder: np.ndarray,
    structure: np.ndarray,
    kind: np.ndarray,
    unit: np.ndarray,
    unit_is_circle: np.ndarray,
    hours: np.ndarray,
    salaried: np.ndarray,
    floats: np.ndarray,
    ints: np.ndarray,
    n: int,
    gifts: float,
    acceptance: float,
    money: np.ndarray,
    unpaid: np.ndarray,
) -> int:
    """The week's flows in their order, each paid only if the payer can afford it (see
    :func:`coopsim.ledger.transfer`); writes the holders of the salaried roles left unpaid
    in ``unpaid`` and returns how many.

    Coop sales grow with the operational hours done there and the territory's acceptance, plus
    the residents' spending; the Coop buys supplies and pays the SCI's commercial rent; the
    SCIC QRT houses a share of the residents; the fund receives gifts and grants part of its
    treasury above its reserve to the association, which has subsidies and members' fees and
    pays the staffed circles' budgets; the Abeille invests in the Coop; salaries come last.
    """
    mp = money[0]  # the prices, rents and grants (MoneyParams), read once
    sales_per_hour, local_spending = mp["sales_per_hour"], mp["local_spending"]
    supplies_share, commercial_rent, sci_loan = mp["supplies_share"], mp["commercial_rent"], mp["sci_loan"]
    housing_rent, housing_share, qrt_loan = mp["housing_rent"], mp["housing_share"], mp["qrt_loan"]
    subsidies_per_year, membership_fee = mp["subsidies_per_year"], mp["membership_fee"]
    circle_budget, fund_grant_share, fund_reserve = mp["circle_budget"], mp["fund_grant_share"], mp["fund_reserve"]
    abeille_investment_share, salary_per_month = mp["abeille_investment_share"], mp["salary_per_month"]
    flows[:] = 0.0  # a new week
    residents = active = 0
    for i in range(n):
        status = ints[INT.status, i]
        if status != DEPARTED:
            residents += 1
        if status == ACTIVE:
            active += 1
    sales = sales_per_hour * coop_hours(holder, structure, kind, hours, floats) * (0.5 + acceptance)
    sales = sales + local_spending * residents
    transfer(treasury, totals, flows, OUTSIDE, COOP, sales, FLOW.coop_sales)
    transfer(treasury, totals, flows, COOP, OUTSIDE, supplies_share * sales, FLOW.coop_supplies)
    transfer(treasury, totals, flows, COOP, SCI, commercial_rent, FLOW.commercial_rent)
    transfer(treasury, totals, flows, SCI, OUTSIDE, sci_loan, FLOW.sci_loan)
    transfer(treasury, totals, flows, OUTSIDE, QRT, housing_rent * housing_share * residents, FLOW.housing_rent)
    transfer(treasury, totals, flows, QRT, OUTSIDE, qrt_loan, FLOW.qrt_loan)
    transfer(treasury, totals, flows, OUTSIDE, FUND, gifts, FLOW.gifts)
    subsidies = subsidies_per_year / WEEKS_PER_YEAR + membership_fee * active
    transfer(treasury, totals, flows, OUTSIDE, ASSOCIATION, subsidies, FLOW.subsidies_and_fees)
    budgets = circle_budget * circles_staffed(holder, unit, unit_is_circle)
    transfer(treasury, totals, flows, ASSOCIATION, OUTSIDE, budgets, FLOW.circle_budgets)
    surplus = treasury[FUND] - fund_reserve
    if surplus > 0:
        transfer(treasury, totals, flows, FUND, ASSOCIATION, fund_grant_share * surplus, FLOW.fund_grants)
    investment = abeille_investment_share * treasury[ABEILLE]
    transfer(treasury, totals, flows, ABEILLE, COOP, investment, FLOW.abeille_investment)
    weekly = salary_per_month * 12 / WEEKS_PER_YEAR
    return salaries_unpaid(treasury, totals, flows, holder, salaried, structure, weekly, floats, unpaid)


@kernel
def gift_scale(money: np.ndarray) -> float:
    """The scale of the week's gifts, a gamma draw of shape :data:`GIFT_SHAPE` whose mean is
    the gifts per week (``money``: the process's constants, packed).

    Example:
        >>> gift_scale(packed(MoneyParams(gifts_per_year=5200.0)))
        25.0
    """
    return money[0]["gifts_per_year"] / WEEKS_PER_YEAR / GIFT_SHAPE


def flows(model: ModelState, rng: np.random.Generator) -> None:
    """Process *money*: the week's sales, rents, gifts, subsidies, grants and pay.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> flows(m, np.random.default_rng(0))
        >>> m.ledger.treasury.shape, bool((m.ledger.treasury >= 0).all())
        ((6,), True)
        >>> m.ledger.week_flows["coop_sales"] > m.ledger.week_flows["coop_supplies"] > 0
        True
    """
    L, mp, P, R = model.ledger, model.scenario.money, model.people, model.roles
    gifts = gamma(rng, GIFT_SHAPE, gift_scale(packed(mp)))
    unpaid = np.empty(R.count, dtype=np.int64)
    k = payments_of_the_week(
        L.treasury, L.totals, L.flows, R.holder, R.structure, R.kind, R.unit, R.unit_is_circle, R.hours, R.salaried,
        P.floats, P.ints, P.n, gifts, model.acceptance, packed(mp), unpaid,
    )  # fmt: skip
    if k:
        tell_unpaid(model, unpaid[:k])


__all__ = [
    "ABEILLE",
    "ASSOCIATION",
    "COOP",
    "FUND",
    "OUTSIDE",
    "QRT",
    "SCI",
    "STRUCTURE_KEYS",
    "Ledger",
    "MoneyParams",
    "flows",
]
