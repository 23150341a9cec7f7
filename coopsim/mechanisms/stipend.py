"""Revenu de transition écologique: a monthly stipend for a cohort of members.

Hypothesis: the stipend raises the recipients' financial security and frees time they
can give. Without agreed objectives, nobody says what is expected: recipients feel a
diffuse social pressure and the others judge their visible work against an implicit,
high expectation, so the gap between the two breeds resentment and small conflicts. With
agreed objectives (and the follow-up that comes with them), the expectation is explicit
and realistic: pressure stays low, and meeting the objectives brings recognition. A share
is paid in Abeille (the local currency), which the recipients spend at the Coop.

Seed passages: "La première phase de test du revenu d'autonomie [...] a posé des problèmes
spécifiques en raison de l'absence d'accord de coopération concernant les objectifs de
production [...] ce qui a engendré un sentiment de solitude face à une responsabilité
indéterminée. Cette situation a créé une pression sociale sur les membres percevant le
revenu"; "des petits conflits ont émergé, car les membres du collectif s'attendaient à une
plus grande production de légumes destinés à la vente. Étant donné que j'étais rémunéré,
j'avais des 'comptes à rendre' aux autres"; "Même si on nous dit que l'on attend rien, je
sais qu'ils attendent quand même quelque chose, et ce quelque chose n'a jamais été
défini". Amount, cohort and Abeille share: the TERA experiment of the revenu de transition
écologique (4-5 recipients, 865 EUR per month, 85 % in Abeille), as given in the project
brief (issue 2).

Acts after the *money* process.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from ..base import LeverControl, Mechanism, Paid, Status
from ..compiled import kernel
from ..money import ABEILLE, COOP, FUND, OUTSIDE
from ..population import FLAG, FLOAT, INT
from ..structures import transfer

DEPARTED = Status.DEPARTED  # a plain integer, for the kernel


class RevenuDeTransition(Mechanism):
    """The stipend: amount, recipients, Abeille share, with or without agreed objectives.

    Example:
        >>> stipend = RevenuDeTransition(enabled=True, recipients=5, amount_per_month=865, with_objectives=True)
        >>> stipend.recipients * stipend.amount_per_month        # euros per month in all
        4325.0
    """

    key = "stipend"
    order = 40
    name_fr = "Revenu de transition écologique"
    name_en = "Ecological transition income"
    sentence_fr = (
        "Un revenu mensuel pour quelques membres : plus de sécurité, mais sans objectifs convenus, une pression "
        "sociale et des rancœurs."
    )
    sentence_en = (
        "A monthly income for a few members: more security, but without agreed objectives, social pressure and "
        "resentment."
    )
    events = ("stipend_paid", "stipend_unpaid")
    controls = (
        LeverControl("recipients", "Revenu : nombre de bénéficiaires", "Income: recipients", 0, 20, 1),
        LeverControl("amount_per_month", "Revenu : euros par mois", "Income: euros per month", 0, 2000, 5),
        LeverControl("with_objectives", "Revenu avec objectifs convenus", "Income with agreed objectives"),
    )

    phase: ClassVar[str] = "money"

    recipients: int = Field(5, ge=0, le=100000, description="members receiving it (TERA: 4-5)")
    amount_per_month: float = Field(865.0, ge=0, le=100000, description="euros per recipient per month (TERA: 865)")
    abeille_share: float = Field(0.85, ge=0, le=1, description="share paid in Abeille (TERA: 85 %)")
    with_objectives: bool = Field(False, description="objectives agreed with each recipient, and follow-up")
    objective_hours: float = Field(
        20.0, ge=0, le=80, description="hours per week agreed as objective (with objectives)"
    )
    implicit_expectation_hours: float = Field(
        35.0, ge=0, le=80, description="hours per week the others implicitly expect when nothing is agreed"
    )
    freed_hours: float = Field(10.0, ge=0, le=60, description="hours per week the stipend frees for the ecosystem")
    pressure_rate: float = Field(0.03, ge=0, le=1, description="weekly speed at which pressure follows its target")
    duration_weeks: int = Field(0, ge=0, le=100000, description="weeks the stipend is paid (0: until the end)")

    def _choose_recipients(self, model: Any, rng: np.random.Generator) -> None:
        P = model.people
        n = P.n
        eligible = np.flatnonzero((P.status[:n] == Status.ACTIVE) & (P.paid[:n] == Paid.VOLUNTEER))
        order = np.lexsort((rng.random(eligible.size), P.income_base[eligible]))
        chosen = eligible[order][: self.recipients]
        P.stipend[chosen] = True
        P.capacity[chosen] += self.freed_hours

    def _pay(self, model: Any) -> None:
        """The month's stipends (:func:`_pay_month`), told as one event per recipient."""
        P, L = model.people, model.ledger
        if L.treasury[FUND] >= self.amount_per_month:  # a first payment: its kinds of flow exist from now
            kinds = np.array(
                [L.kind_index(k) for k in ("stipend_euros", "stipend_abeille_reserve", "abeille_spent_at_coop")]
            )
        else:  # nobody can be paid this month (the fund only pays out here)
            kinds = np.full(3, -1)
        paid = np.empty((2, P.n), dtype=np.int64)
        k = _pay_month(
            L.treasury, L.totals, L.flows, P.floats, P.ints, P.flags, P.n, self.amount_per_month, self.abeille_share,
            kinds, paid,
        )  # fmt: skip
        start = 0
        for j in range(1, k + 1):  # runs of recipients with the same outcome, in index order
            if j == k or paid[1, j] != paid[1, start]:
                model.emit("stipend_paid" if paid[1, start] else "stipend_unpaid", paid[0, start:j])
                start = j

    def act(self, model: Any, rng: np.random.Generator) -> None:
        P = model.people
        state = model.mechanism_state.setdefault("stipend", {})
        if not state.get("chosen"):
            state["chosen"] = True
            self._choose_recipients(model, rng)
        n = P.n
        if self.duration_weeks and model.week >= self.start_week + self.duration_weeks and not state.get("ended"):
            state["ended"] = True
            P.capacity[:n][P.stipend[:n]] -= self.freed_hours  # the time the income freed goes with it
            P.stipend[:n] = False
        if model.month_start:
            self._pay(model)

        expected = self.objective_hours if self.with_objectives else self.implicit_expectation_hours
        _pressure(P.floats, P.ints, P.flags, n, expected, self.with_objectives, self.pressure_rate)


@kernel
def _pay_month(
    treasury: np.ndarray, totals: np.ndarray, flows: np.ndarray, floats: np.ndarray, ints: np.ndarray,
    flags: np.ndarray, n: int, amount: float, abeille_share: float, kinds: np.ndarray, paid: np.ndarray,
) -> int:  # fmt: skip
    """Each recipient still living there, in index order, is paid the month's stipend when the
    fund can afford it: the euros go out, the Abeilles go to the Abeille association's reserve
    and are spent at the Coop (``kinds``: the flow kinds of these three payments); an unpaid
    recipient loses some financial security. Writes each recipient and whether they were paid
    in the two rows of ``paid``; returns how many recipients."""
    k = 0
    for i in range(n):
        if not flags[FLAG.stipend, i] or ints[INT.status, i] == DEPARTED:
            continue
        abeille = amount * abeille_share
        euros = amount - abeille
        paid[0, k] = i
        paid[1, k] = treasury[FUND] >= amount
        if paid[1, k]:
            transfer(treasury, totals, flows, FUND, OUTSIDE, euros, kinds[0])
            transfer(treasury, totals, flows, FUND, ABEILLE, abeille, kinds[1])
            # the recipient spends the Abeilles at the Coop, which the association converts
            transfer(treasury, totals, flows, ABEILLE, COOP, abeille, kinds[2])
        else:
            floats[FLOAT.security_fin, i] *= 0.9
        k += 1
    return k


@kernel
def _pressure(
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, expected: float, with_objectives: bool,
    pressure_rate: float,
) -> None:  # fmt: skip
    """Each recipient still there falls short of the expected hours by a gap (a share of
    ``expected``). With objectives, pressure follows a fifth of that gap, meeting the
    objectives (a gap under 0.1) brings recognition, and the follow-up emotional security;
    without, pressure follows 0.3 plus most of the gap. Everyone else's pressure fades."""
    for i in range(n):
        paid = flags[FLAG.stipend, i] and ints[INT.status, i] != DEPARTED
        gap = 0.0
        if paid:
            gap = min(max((expected - floats[FLOAT.hours, i]) / max(expected, 1e-9), 0.0), 1.0)
        if with_objectives:
            target = 0.2 * gap
            if paid and gap < 0.1:
                floats[FLOAT.recognition, i] = min(1.0, floats[FLOAT.recognition, i] + 0.01)
            if paid:
                floats[FLOAT.security_emo, i] = min(1.0, floats[FLOAT.security_emo, i] + 0.005)
        else:
            target = 0.3 + 0.7 * gap if paid else 0.0
        floats[FLOAT.expectation_gap, i] = gap
        floats[FLOAT.pressure, i] += pressure_rate * (target - floats[FLOAT.pressure, i])
