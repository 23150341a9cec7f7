"""Welcome circle (commission Accueil-Intégration): newcomers welcomed and integrated.

Hypothesis: a welcome circle with members in it takes a limited number of newcomers into
integration at once; a welcomed newcomer integrates in a set time and is less likely to
leave; without the circle (or beyond its capacity) integration takes longer and more
newcomers give up.

Seed passage: "Commission Accueil-Intégration : redéfinir un processus d'intégration dans
l'écosystème et de nouveaux statuts de membre"; "les porteurs d'activité bénéficient du
travail de la commission Accueil (apport de volontaires, de nouveaux actifs [...])".

Modifies the *arrivals* process.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from ..base import Mechanism, Modifiers


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
    sentence_fr = "Les nouveaux venus sont accueillis et intégrés plus vite, et repartent moins."
    sentence_en = "Newcomers are welcomed and integrated sooner, and fewer of them leave."

    phase: ClassVar[str] = "none"

    capacity: int = Field(6, ge=0, le=100000, description="newcomers in integration at once")
    integration_weeks: int = Field(
        12,
        ge=1,
        le=520,
        description="weeks from arrival (or from a refused request) to the consent decision, for a welcomed newcomer",
    )

    def modify(self, mods: Modifiers, model: Any) -> None:
        mods.welcome_capacity = self.capacity
        mods.integration_weeks = self.integration_weeks
