"""The ledger: the six structures' treasuries and the record of every flow of money.

Every payment goes through :func:`transfer` (compiled, for the money process) or
:meth:`Ledger.pay` (the same rule, from Python): it is made only if the payer can afford
it, and it is recorded in the week's flow of its kind and, when it crosses the ecosystem's
border, in the totals from and to outside. Structures are numbered as in
:data:`coopsim.structures.STRUCTURE_KEYS`; ``OUTSIDE`` (-1) is anyone outside the ecosystem.

Seed passages: "organisé en 6 structures définies et autonomes"; "Mais les activités ne
sont actuellement pas assez solvables pour se soutenir monétairement les unes les autres".
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .compiled import kernel

OUTSIDE = -1  # payer or payee outside the ecosystem (customers, donors, banks, people's pockets)

# The kinds of flow the money process pays every week, each at a fixed place in the
# ledger's ``flows`` array (``FLOW.salaries`` is the place of "salaries"), so that the
# compiled money process adds to them by number; other kinds are added on first payment.
FLOW_KINDS = (
    "coop_sales",
    "coop_supplies",
    "commercial_rent",
    "sci_loan",
    "housing_rent",
    "qrt_loan",
    "gifts",
    "subsidies_and_fees",
    "circle_budgets",
    "fund_grants",
    "abeille_investment",
    "salaries",
)
FLOW: Any = namedtuple("FlowKinds", FLOW_KINDS)(*range(len(FLOW_KINDS)))
INFLOW, OUTFLOW = 0, 1  # places of the cumulated totals from and to outside in ``Ledger.totals``


@kernel
def transfer(
    treasury: np.ndarray, totals: np.ndarray, flows: np.ndarray, payer: int, payee: int, amount: float, kind: int
) -> bool:
    """Move ``amount`` from payer to payee (``OUTSIDE`` = -1) if the payer can afford it, and
    record it in the week's flow of its kind and, when it crosses the ecosystem's border, in
    the totals from and to outside. Nothing to pay is always affordable, and not recorded."""
    if amount <= 0:
        return True
    if payer != OUTSIDE:
        if treasury[payer] < amount:
            return False
        treasury[payer] -= amount
    else:
        totals[INFLOW] += amount
    if payee != OUTSIDE:
        treasury[payee] += amount
    else:
        totals[OUTFLOW] += amount
    flows[kind] += amount
    return True


class Ledger:
    """Treasuries of the six structures and the record of every flow.

    ``flows`` holds this week's total per kind of flow (``kinds[k]`` names ``flows[k]``; the
    money process's own kinds first, see ``FLOW_KINDS``), ``totals`` the money received from
    and paid to outside since the start; ``week_flows``, ``inflow_total`` and ``outflow_total``
    read them as a dict and numbers.

    Example:
        >>> ledger = Ledger([100.0, 0, 0, 0, 0, 0])
        >>> ledger.pay(0, 1, 30.0, "rent"), ledger.pay(1, 0, 50.0, "rent")    # the second cannot be afforded
        (True, False)
        >>> ledger.treasury[:2].tolist(), ledger.week_flows
        ([70.0, 30.0], {'rent': 30.0})
        >>> ledger.week_flows = {}                                # a new week
        >>> ledger.week_flows, ledger.inflow_total
        ({}, 0.0)
    """

    def __init__(self, treasuries: list[float]) -> None:
        self.treasury = np.array(treasuries, dtype=float)
        self.totals = np.zeros(2)  # from outside, to outside (cumulated)
        self.kinds = list(FLOW_KINDS)
        self.flows = np.zeros(len(self.kinds))  # this week's total per kind

    def kind_index(self, kind: str) -> int:
        """The place of a kind of flow in ``flows`` (a new kind gets the next one)."""
        if kind not in self.kinds:
            self.kinds.append(kind)
            self.flows = np.append(self.flows, 0.0)
        return self.kinds.index(kind)

    def pay(self, payer: int, payee: int, amount: float, kind: str) -> bool:
        """Move ``amount`` from payer to payee (``OUTSIDE`` = -1) if the payer can afford it."""
        k = self.kind_index(kind)
        return bool(transfer(self.treasury, self.totals, self.flows, int(payer), int(payee), float(amount), k))

    @property
    def week_flows(self) -> dict[str, float]:
        """This week's total per kind of flow paid (the kinds with no payment left out)."""
        return {kind: float(total) for kind, total in zip(self.kinds, self.flows.tolist()) if total != 0.0}

    @week_flows.setter
    def week_flows(self, flows: dict[str, float]) -> None:
        self.flows[:] = 0.0
        for kind, total in flows.items():
            k = self.kind_index(kind)  # first: a new kind makes a longer array
            self.flows[k] = total

    @property
    def inflow_total(self) -> float:
        """Money received from outside the ecosystem since the start."""
        return float(self.totals[INFLOW])

    @inflow_total.setter
    def inflow_total(self, value: float) -> None:
        self.totals[INFLOW] = value

    @property
    def outflow_total(self) -> float:
        """Money paid to outside the ecosystem since the start."""
        return float(self.totals[OUTFLOW])

    @outflow_total.setter
    def outflow_total(self, value: float) -> None:
        self.totals[OUTFLOW] = value
