"""Contractualisation: explicit roles, mutual expectations and hour limits.

Hypothesis: when a share of the roles is formalised by a cooperation agreement, their
holders know what is expected of them and are recognised for it (legitimacy); nobody
takes more roles than the agreement allows, and holders work no more than the agreed
hours on them (work beyond that stays undone: the cost is unmet work); a holder who wants
to leave a formalised role gives notice: the role is announced for a successor while they
go on with it, and is handed over rather than left empty; a contract holder who withdraws
or leaves announces their formalised roles; formalised roles lose a little of the
flexibility that makes free participation appealing. Nothing here changes anyone's chance
of leaving: fewer exits, if any, come from the recognition and the lighter load.

Seed passage: "La contractualisation permet de définir les engagements, les
responsabilités et les attentes mutuelles entre les acteurs"; "Aucun accord formel de
coopération n'est rédigé, ce qui signifie que les personnes non rémunérées peuvent assez
facilement mettre fin à leurs activités"; "il est nécessaire de définir les rôles et les
missions, ce qui procure une reconnaissance et une légitimité"; "la formalisation des
fiches de poste, des horaires définis, etc., permet d'accomplir les tâches nécessaires".
Study: psychological-contract breach predicts attitudes and intentions more than actual
turnover (Zhao et al. 2007, Personnel Psychology 60:647, doi:10.1111/j.1744-6570.2007.00087.x).

Modifies the *work*, *engagement* and *membership* processes; acts after *work*.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from ..base import LeverControl, Mechanism, Modifiers
from ..compiled import kernel
from ..model_state import ModelState
from ..population import FLAG


class Contractualisation(Mechanism):
    """Share of roles formalised, caps and the recognition and cost of explicit agreements.

    Example:
        >>> from coopsim.base import Modifiers
        >>> from coopsim import CoopModel
        >>> lever = Contractualisation(enabled=True, max_roles_per_person=3)
        >>> mods = Modifiers()
        >>> lever.modify(mods, CoopModel("tera", seed=1))
        >>> mods.role_cap
        3
    """

    key = "contractualisation"
    order = 30
    name_fr = "Contractualisation"
    name_en = "Contractualisation"
    sentence_fr = (
        "Des accords de coopération fixent rôles, attentes, plafonds d'heures et préavis : plus de reconnaissance, "
        "des rôles transmis plutôt que laissés vides, un peu moins de souplesse."
    )
    sentence_en = (
        "Cooperation agreements set roles, expectations, hour limits and notice: more recognition, roles handed "
        "over rather than left empty, a little less flexibility."
    )
    events = ("role_dropped",)
    controls = (
        LeverControl(
            "share_formalised",
            "Contractualisation : part des rôles formalisés",
            "Contractualisation: share of roles formalised",
            0.0,
            1.0,
            0.05,
            unit_fr="%",
            unit_en="%",
        ),
    )

    phase: ClassVar[str] = "work"
    modifies_from_settings: ClassVar[bool] = True

    share_formalised: float = Field(1.0, ge=0, le=1, description="share of roles covered by a cooperation agreement")
    max_roles_per_person: int = Field(3, ge=0, le=1000, description="most roles one person may hold (0: no cap)")
    hour_limit: float = Field(
        20.0,
        ge=0,
        le=80,
        description="most hours per week of volunteer work (roles and common work) for an agreement holder, on top of any salaried role (0: no limit)",
    )
    recognition_per_week: float = Field(
        0.01, ge=0, le=1, description="recognition a formal role's holder gains weekly from explicit expectations"
    )
    notice_weeks: int = Field(
        8, ge=0, le=520, description="weeks of notice before leaving a formalised role, while a successor is sought"
    )
    flexibility_cost: float = Field(0.05, ge=0, le=1, description="appeal a role loses by being formalised")

    def modify(self, mods: Modifiers, model: ModelState) -> None:
        mods.role_cap = self.max_roles_per_person
        mods.hours_cap = self.hour_limit
        mods.formal_recognition = self.recognition_per_week
        mods.notice_weeks = self.notice_weeks
        mods.formal_appeal_cost = self.flexibility_cost

    def act(self, model: ModelState, rng: np.random.Generator) -> None:
        R, P = model.roles, model.people
        state = model.mechanism_state.setdefault("contractualisation", {})
        if not state.get("formalised"):
            state["formalised"] = True
            R.formal[:] = rng.random(R.count) < self.share_formalised
            if self.max_roles_per_person:
                model.enforce_role_cap(self.max_roles_per_person)
        _mark_contracts(P.flags, P.n, R.holder, R.formal)


@kernel
def _mark_contracts(flags: np.ndarray, n: int, holder: np.ndarray, formal: np.ndarray) -> None:
    """A person holds a cooperation agreement while holding a formalised role."""
    for i in range(n):
        flags[FLAG.contract, i] = False
    for r in range(holder.size):
        if holder[r] >= 0 and formal[r]:
            flags[FLAG.contract, holder[r]] = True
