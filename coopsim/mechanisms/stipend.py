"""Revenu de transition écologique: a monthly stipend for a cohort of members.

Hypothesis: the stipend raises the recipients' financial security and frees time they
can give. What the others expect of a recipient forms differently with and without agreed
objectives. Without, nobody says what is expected: the others judge a paid member by what
the money would buy at the minimum wage and by what the most involved unpaid members give,
and their expectation moves towards that, never reviewed with the recipient. With agreed
objectives, the expectation is the objective agreed with the recipient within what they
can give, and each quarterly follow-up revises it halfway towards what they delivered;
meeting it brings recognition, and the follow-up some emotional security. In both cases a
recipient's social pressure follows the share of the expectation their visible work leaves
unmet, and that gap feeds disagreements (:mod:`coopsim.conflict`): which design brings more
pressure and conflict is an outcome, not a constant. A share is paid in Abeille (the local
currency), which the recipients spend at the Coop.

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

from typing import ClassVar

import numpy as np
from pydantic import Field

from ..base import EVENT_CODE, WEEKS_PER_YEAR, LeverControl, Mechanism, Paid, Status, packed
from ..compiled import kernel
from ..events import log_event
from ..ledger import transfer
from ..model_state import ModelState
from ..money import ABEILLE, COOP, FUND, OUTSIDE
from ..population import FLAG, FLOAT, INT

DEPARTED = Status.DEPARTED  # a plain integer, for the kernel
STIPEND_PAID, STIPEND_UNPAID = EVENT_CODE["stipend_paid"], EVENT_CODE["stipend_unpaid"]
#: the kinds of flow of a stipend paid: the euros, the Abeilles to the reserve, spent at the Coop
STIPEND_FLOWS = ("stipend_euros", "stipend_abeille_reserve", "abeille_spent_at_coop")
ACTIVE, VOLUNTEER = Status.ACTIVE, Paid.VOLUNTEER


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
        LeverControl(
            "recipients",
            "Revenu : nombre de bénéficiaires",
            "Income: recipients",
            0,
            20,
            1,
            unit_fr="personnes",
            unit_en="people",
        ),
        LeverControl(
            "amount_per_month",
            "Revenu : euros par mois",
            "Income: euros per month",
            0,
            2000,
            5,
            unit_fr="€ par mois",
            unit_en="€ per month",
        ),
        LeverControl("with_objectives", "Revenu avec objectifs convenus", "Income with agreed objectives"),
    )

    phase: ClassVar[str] = "money"

    recipients: int = Field(5, ge=0, le=100000, description="members receiving it (TERA: 4-5)")
    amount_per_month: float = Field(865.0, ge=0, le=100000, description="euros per recipient per month (TERA: 865)")
    abeille_share: float = Field(0.85, ge=0, le=1, description="share paid in Abeille (TERA: 85 %)")
    with_objectives: bool = Field(False, description="objectives agreed with each recipient, and follow-up")
    objective_hours: float = Field(
        20.0,
        ge=0,
        le=80,
        description="hours per week the collective asks when objectives are agreed (the agreement keeps it within "
        "what the recipient can give)",
    )
    reference_wage: float = Field(
        9.1,
        gt=0,
        le=1000,
        description="net hourly wage by which the others judge what the stipend buys (France, SMIC net 2023: about "
        "9.1 euros)",
    )
    expectation_rate: float = Field(
        0.02, ge=0, le=1, description="weekly speed at which an unagreed expectation follows what the others judge"
    )
    review_weeks: int = Field(13, ge=1, le=520, description="weeks between two follow-ups of agreed objectives")
    freed_hours: float = Field(10.0, ge=0, le=60, description="hours per week the stipend frees for the ecosystem")
    pressure_rate: float = Field(0.03, ge=0, le=1, description="weekly speed at which pressure follows its target")
    duration_weeks: int = Field(0, ge=0, le=100000, description="weeks the stipend is paid (0: until the end)")

    def _choose_recipients(self, model: ModelState, rng: np.random.Generator) -> None:
        P = model.people
        n = P.n
        eligible = np.flatnonzero((P.status[:n] == Status.ACTIVE) & (P.paid[:n] == Paid.VOLUNTEER))
        order = np.lexsort((rng.random(eligible.size), P.income_base[eligible]))
        chosen = eligible[order][: self.recipients]
        P.stipend[chosen] = True
        P.capacity[chosen] += self.freed_hours
        if self.with_objectives:  # agreed with each recipient, within what they can give
            P.expected_hours[chosen] = np.minimum(self.objective_hours, P.capacity[chosen])
        else:  # what the money would buy: the first yardstick of those who expect without saying
            P.expected_hours[chosen] = self.hours_bought()

    def hours_bought(self) -> float:
        """Hours a week the stipend would pay at the reference wage.

        Example:
            >>> round(RevenuDeTransition(amount_per_month=865, reference_wage=9.1).hours_bought(), 1)
            21.9
        """
        return self.amount_per_month * 12 / WEEKS_PER_YEAR / self.reference_wage

    def _pay(self, model: ModelState) -> None:
        """The month's stipends (:func:`pay_month`), an event per recipient."""
        P, L, log = model.people, model.ledger, model.recorder.log
        if L.treasury[FUND] >= self.amount_per_month:  # a first payment: its kinds of flow exist from now
            kinds = np.array([L.kind_index(k) for k in STIPEND_FLOWS])
        else:  # nobody can be paid this month (the fund only pays out here)
            kinds = np.full(3, -1)
        log.reserve(P.n)
        log.written(
            pay_month(
                packed(self), L.treasury, L.totals, L.flows, P.floats, P.ints, P.flags, P.n, kinds, model.week,
                log.rows, log.week_counts, log.n,
            )
        )  # fmt: skip

    def act(self, model: ModelState, rng: np.random.Generator) -> None:
        P = model.people
        state = model.mechanism_state.setdefault("stipend", {})
        if not state.get("chosen"):
            state["chosen"] = True
            self._choose_recipients(model, rng)
        n = P.n
        if ends_this_week(packed(self), model.week, bool(state.get("ended"))):
            state["ended"] = True
            P.capacity[:n][P.stipend[:n]] -= self.freed_hours  # the time the income freed goes with it
            P.stipend[:n] = False
        if model.month_start:
            self._pay(model)

        follow_up(packed(self), P.floats, P.ints, P.flags, n, model.week)


@kernel
def ends_this_week(stipend: np.ndarray, week: int, ended: bool) -> bool:
    """Whether the stipend ends in ``week`` (``stipend``: its settings, packed): a stipend
    paid for ``duration_weeks`` (0: until the end) and not ``ended`` yet.

    Example:
        >>> ends_this_week(packed(RevenuDeTransition(start_week=10, duration_weeks=5)), 15, False)
        True
    """
    p = stipend[0]
    return p["duration_weeks"] > 0 and week >= p["start_week"] + p["duration_weeks"] and not ended


@kernel
def follow_up(
    stipend: np.ndarray, floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, week: int
) -> None:  # fmt: skip
    """The week's expectations and pressure (:func:`_expectations_and_pressure`;
    ``stipend``: the lever's settings, packed), with a follow-up of agreed objectives every
    ``review_weeks``, the first one review period after the start."""
    p = stipend[0]
    since = week - p["start_week"]
    review = p["with_objectives"] and since > 0 and since % p["review_weeks"] == 0
    hours_bought = p["amount_per_month"] * 12 / WEEKS_PER_YEAR / p["reference_wage"]  # as hours_bought() computes
    _expectations_and_pressure(
        floats, ints, flags, n, p["with_objectives"], review, hours_bought, p["expectation_rate"], p["pressure_rate"]
    )


@kernel
def pay_month(
    stipend: np.ndarray, treasury: np.ndarray, totals: np.ndarray, flows: np.ndarray, floats: np.ndarray,
    ints: np.ndarray, flags: np.ndarray, n: int, kinds: np.ndarray, week: int, log_rows: np.ndarray,
    log_counts: np.ndarray, logged: int,
) -> int:  # fmt: skip
    """Each recipient still living there, in index order, is paid the month's stipend when the
    fund can afford it (``stipend``: the lever's settings, packed): the euros go out, the
    Abeilles go to the Abeille association's reserve and are spent at the Coop (``kinds``:
    the flow kinds of these three payments, :data:`STIPEND_FLOWS`); an unpaid recipient loses
    some financial security. Logs each recipient paid or unpaid (room reserved); returns the
    events logged."""
    amount = stipend[0]["amount_per_month"]
    abeille = amount * stipend[0]["abeille_share"]
    euros = amount - abeille
    for i in range(n):
        if not flags[FLAG.stipend, i] or ints[INT.status, i] == DEPARTED:
            continue
        if treasury[FUND] >= amount:
            transfer(treasury, totals, flows, FUND, OUTSIDE, euros, kinds[0])
            transfer(treasury, totals, flows, FUND, ABEILLE, abeille, kinds[1])
            # the recipient spends the Abeilles at the Coop, which the association converts
            transfer(treasury, totals, flows, ABEILLE, COOP, abeille, kinds[2])
            logged = log_event(log_rows, log_counts, logged, week, STIPEND_PAID, i)
        else:
            floats[FLOAT.security_fin, i] *= 0.9
            logged = log_event(log_rows, log_counts, logged, week, STIPEND_UNPAID, i)
    return logged


def stipend_kinds(kinds: list[str]) -> np.ndarray:
    """The places of the stipend's kinds of flow among a ledger's ``kinds`` (-1 for each, until
    the first payment makes them).

    Example:
        >>> stipend_kinds(["salary", *STIPEND_FLOWS]).tolist(), stipend_kinds(["salary"]).tolist()
        ([1, 2, 3], [-1, -1, -1])
    """
    if STIPEND_FLOWS[0] not in kinds:
        return np.full(3, -1)
    return np.array([kinds.index(k) for k in STIPEND_FLOWS])


@kernel
def _involved_volunteer_hours(floats: np.ndarray, ints: np.ndarray, n: int, default: float) -> float:
    """Mean hours this week of the active unpaid members holding two roles or more (the
    visible core the others compare a paid member with); ``default`` when there are none."""
    total, count = 0.0, 0
    for i in range(n):
        if ints[INT.status, i] == ACTIVE and ints[INT.paid, i] == VOLUNTEER and ints[INT.roles, i] >= 2:
            total += floats[FLOAT.hours, i]
            count += 1
    return total / count if count else default


@kernel
def _expectations_and_pressure(
    floats: np.ndarray, ints: np.ndarray, flags: np.ndarray, n: int, with_objectives: bool, review: bool,
    hours_bought: float, expectation_rate: float, pressure_rate: float,
) -> None:  # fmt: skip
    """Each recipient still there: the others' expectation moves (without objectives, towards
    the larger of what the stipend buys and what the involved unpaid members give; with
    objectives, halfway towards the hours delivered at each follow-up, ``review``); the gap
    is the share of it their hours leave unmet, and pressure follows the gap. With
    objectives, meeting them (a gap under 0.1) brings recognition and the follow-up emotional
    security. Everyone else's pressure fades."""
    yardstick = max(hours_bought, _involved_volunteer_hours(floats, ints, n, hours_bought))
    for i in range(n):
        paid = flags[FLAG.stipend, i] and ints[INT.status, i] != DEPARTED
        gap = 0.0
        if paid:
            delivered = floats[FLOAT.hours, i]
            expected = floats[FLOAT.expected_hours, i]
            if with_objectives:
                if review:
                    expected += 0.5 * (delivered - expected)
            else:
                expected += expectation_rate * (yardstick - expected)
            floats[FLOAT.expected_hours, i] = expected
            gap = min(max((expected - delivered) / max(expected, 1e-9), 0.0), 1.0)
            if with_objectives:
                if gap < 0.1:
                    floats[FLOAT.recognition, i] = min(1.0, floats[FLOAT.recognition, i] + 0.01)
                floats[FLOAT.security_emo, i] = min(1.0, floats[FLOAT.security_emo, i] + 0.005)
        floats[FLOAT.expectation_gap, i] = gap
        floats[FLOAT.pressure, i] += pressure_rate * (gap - floats[FLOAT.pressure, i])
