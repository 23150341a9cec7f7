"""Welcome circle (commission Accueil-Intégration): newcomers welcomed and integrated.

Hypothesis: a welcome circle with members in it takes a limited number of newcomers into
integration at once; a welcomed newcomer meets one of the circle's referents and is introduced
to a few active members, and is integrated in a set time; without the circle (or beyond its
capacity) integration takes longer and newcomers have only the few ties they came with.
Whether a newcomer stays follows their attachment (the trust their ties build, security,
life spheres there), so fewer welcomed newcomers leave only as far as their ties hold them.

Seed passage: "Commission Accueil-Intégration : redéfinir un processus d'intégration dans
l'écosystème et de nouveaux statuts de membre"; "les porteurs d'activité bénéficient du
travail de la commission Accueil (apport de volontaires, de nouveaux actifs [...])".

Modifies the *arrivals* process.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import Mechanism, Modifiers
from ..model_state import ModelState


class WelcomeCircle(Mechanism):
    """The circle's capacity and the integration time it gives.

    Example:
        >>> from coopsim.base import Modifiers
        >>> from coopsim import CoopModel
        >>> mods = Modifiers()
        >>> WelcomeCircle(enabled=True, capacity=8).modify(mods, CoopModel("tera", seed=1))
        >>> mods.welcome_capacity
        8
    """

    key = "welcome"
    order = 60
    name_fr = "Cercle Accueil-Intégration"
    name_en = "Welcome circle"
    sentence_fr = "Les nouveaux venus sont accueillis, présentés à quelques membres et intégrés plus vite."
    sentence_en = "Newcomers are welcomed, introduced to a few members and integrated sooner."

    phase: ClassVar[str] = "none"
    modifies_from_settings: ClassVar[bool] = True

    capacity: int = Field(6, ge=0, le=100000, description="newcomers in integration at once")
    introductions: int = Field(
        3, ge=0, le=100, description="active members a welcomed newcomer is introduced to (besides the referents)"
    )
    integration_weeks: int = Field(
        12,
        ge=1,
        le=520,
        description="weeks from arrival (or from a refused request) to the consent decision, for a welcomed newcomer",
    )

    def modify(self, mods: Modifiers, model: ModelState) -> None:
        mods.welcome_capacity = self.capacity
        mods.integration_weeks = self.integration_weeks
        mods.welcome_introductions = self.introductions
