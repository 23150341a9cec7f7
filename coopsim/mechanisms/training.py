"""Internal training (commission Formations internes), including mental-health first aid.

Hypothesis: the training commission trains a set number of new REX facilitators each year
(making up for those who leave) and keeps a number of members trained in mental-health first aid; a
first aider notices an exhausted member, who is then supported (emotional security) and
hands over a role before burning out.

Seed passage: "Commission 'Formations internes' : construction d'un catalogue de
formations à destination des membres de Tera"; "La formation aux premiers secours de
santé mentale et la reconnaissance du temps investi par les bénévoles témoignent de la
volonté de soutenir et valoriser les membres". Study: organisation-directed interventions
reduce burnout (Panagioti et al. 2017, JAMA Intern Med 177:195,
doi:10.1001/jamainternmed.2016.7674).

Acts after the *engagement* process; modifies the *strain* process (noticing).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from ..base import WEEKS_PER_YEAR, Mechanism, Modifiers, Status, packed
from ..compiled import kernel
from ..model_state import ModelState
from ..population import FLAG, INT

ACTIVE = Status.ACTIVE  # a plain integer, for the kernel


class InternalTraining(Mechanism):
    """Facilitators and first aiders trained per year, and how often a first aider notices.

    Example:
        >>> InternalTraining(enabled=True, first_aiders=6).first_aiders
        6
    """

    key = "training"
    order = 110
    name_fr = "Formations internes"
    name_en = "Internal training"
    sentence_fr = (
        "Forme des animateurs REX et des secouristes en santé mentale, qui repèrent l'épuisement avant le burnout."
    )
    sentence_en = "Trains REX facilitators and mental-health first aiders, who notice exhaustion before burnout."

    phase: ClassVar[str] = "engagement"

    rex_facilitators_per_year: int = Field(2, ge=0, le=10000)
    first_aiders: int = Field(4, ge=0, le=100000, description="members kept trained in mental-health first aid")
    notice_per_first_aider: float = Field(
        0.02, ge=0, le=1, description="weekly chance one first aider notices an exhausted member"
    )

    def modify(self, mods: Modifiers, model: ModelState) -> None:
        P = model.people
        mods.exhaustion_notice = notice_with_first_aiders(packed(self), mods.exhaustion_notice, P.flags, P.ints, P.n)

    def act(self, model: ModelState, rng: np.random.Generator) -> None:
        if not acts_this_week(packed(self), model.week):
            return
        P = model.people
        n = P.n
        active = (P.status[:n] == Status.ACTIVE) & ~P.burned_out[:n]
        u = rng.random(n)
        order = np.argsort(-(P.engagement[:n] + 0.1 * u) * active, kind="stable")
        untrained = [i for i in order.tolist() if active[i] and not P.rex_trained[i]]
        P.rex_trained[untrained[: self.rex_facilitators_per_year]] = True
        missing = self.first_aiders - int((P.first_aider[:n] & active).sum())
        if missing > 0:
            candidates = [i for i in order.tolist() if active[i] and not P.first_aider[i]]
            P.first_aider[candidates[:missing]] = True


@kernel
def notice_with_first_aiders(training: np.ndarray, notice: float, flags: np.ndarray, ints: np.ndarray, n: int) -> float:
    """The chance an exhausted member is noticed, ``notice`` before the training (``training``:
    its settings, packed), with what each active first aider adds (at most 0.9)."""
    return min(0.9, notice + training[0]["notice_per_first_aider"] * active_first_aiders(flags, ints, n))


@kernel
def acts_this_week(training: np.ndarray, week: int) -> bool:
    """Whether the training acts in ``week``: once a year from its start.

    Example:
        >>> [w for w in range(0, 200) if acts_this_week(packed(InternalTraining(start_week=30)), w)]
        [30, 82, 134, 186]
    """
    return (week - training[0]["start_week"]) % WEEKS_PER_YEAR == 0


@kernel
def active_first_aiders(flags: np.ndarray, ints: np.ndarray, n: int) -> int:
    """The active members trained in mental-health first aid."""
    aiders = 0
    for i in range(n):
        if flags[FLAG.first_aider, i] and ints[INT.status, i] == ACTIVE:
            aiders += 1
    return aiders
