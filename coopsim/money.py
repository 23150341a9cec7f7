"""Money: the weekly flows between the six structures, people and the outside world.

Process 9 of the week (*money*). Every flow goes through :meth:`Ledger.pay`, which refuses a
payment the payer cannot afford (budget limits: "les activités ne sont actuellement pas
assez solvables pour se soutenir monétairement les unes les autres") and records it, so
that the change in total treasury always equals what came in from outside minus what went
out (money is conserved between structures). Amounts are euros; Abeille (the local
currency) is counted at par.

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

from .base import WEEKS_PER_YEAR, WORK_CODE, Params, Status
from .state import ModelState
from .structures import ABEILLE, ASSOCIATION, COOP, FUND, OUTSIDE, QRT, SCI, STRUCTURE_KEYS, Ledger


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


def commercial_hours(model: ModelState) -> float:
    """Operational hours done this week in the Coop's activities.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> commercial_hours(m) >= 0
        True
    """
    R, P = model.roles, model.people
    held = (R.holder >= 0) & (R.structure == COOP) & (R.kind == WORK_CODE["operational"])
    h = R.holder[held]
    ratio = np.divide(P.hours[h], P.required[h], out=np.ones(h.size), where=P.required[h] > 0)
    return float((R.hours[held] * ratio).sum())


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
    for r in np.flatnonzero(R.salaried & (R.holder >= 0)).tolist():
        if not L.pay(int(R.structure[r]), OUTSIDE, weekly, "salaries"):
            model.people.security_fin[R.holder[r]] *= 0.95
            model.emit("salary_unpaid", np.array([R.holder[r]]))


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
    """
    L, mp, P, R = model.ledger, model.scenario.money, model.people, model.roles
    L.week_flows = {}
    residents = int(P.present().sum())
    active = model.count(Status.ACTIVE)
    gifts = rng.gamma(4.0, mp.gifts_per_year / WEEKS_PER_YEAR / 4.0)

    sales = mp.sales_per_hour * commercial_hours(model) * (0.5 + model.acceptance) + mp.local_spending * residents
    L.pay(OUTSIDE, COOP, sales, "coop_sales")
    L.pay(COOP, OUTSIDE, mp.supplies_share * sales, "coop_supplies")
    L.pay(COOP, SCI, mp.commercial_rent, "commercial_rent")
    L.pay(SCI, OUTSIDE, mp.sci_loan, "sci_loan")
    L.pay(OUTSIDE, QRT, mp.housing_rent * mp.housing_share * residents, "housing_rent")
    L.pay(QRT, OUTSIDE, mp.qrt_loan, "qrt_loan")
    L.pay(OUTSIDE, FUND, gifts, "gifts")
    L.pay(
        OUTSIDE, ASSOCIATION, mp.subsidies_per_year / WEEKS_PER_YEAR + mp.membership_fee * active, "subsidies_and_fees"
    )
    L.pay(ASSOCIATION, OUTSIDE, mp.circle_budget * R.staffed_circles(), "circle_budgets")
    surplus = L.treasury[FUND] - mp.fund_reserve
    if surplus > 0:
        L.pay(FUND, ASSOCIATION, mp.fund_grant_share * surplus, "fund_grants")
    L.pay(ABEILLE, COOP, mp.abeille_investment_share * L.treasury[ABEILLE], "abeille_investment")
    pay_salaries(model)


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
