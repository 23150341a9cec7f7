"""Meeting practices: tour météo, tour de clôture and guetteur d'ambiance.

Hypothesis: disagreements that surface in a meeting are more often defused when the
meeting opens with a weather round (tour météo), closes with a closing round (tour de
clôture) and has a mood watcher (guetteur d'ambiance); the weather round also lets the
group notice a member who is exhausted, who then hands over a role.

Seed passage: "Au cœur des réunions, des pratiques telles que le tour météo, le tour de
clôture et le guetteur d'ambiance sont mis en place pour traiter immédiatement les
tensions qui pourraient perturber le bon déroulement des réunions."

Modifies the *conflict* process (defusing) and the *strain* process (noticing).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import Mechanism, Modifiers
from ..model_state import ModelState


class MeetingPractices(Mechanism):
    """Which practices are used and how much each helps.

    Example:
        >>> practices = MeetingPractices(enabled=True, tour_meteo=False)
        >>> practices.tour_meteo, practices.tour_cloture
        (False, True)
    """

    key = "meetings"
    order = 50
    name_fr = "Pratiques de réunion"
    name_en = "Meeting practices"
    sentence_fr = (
        "Tour météo, tour de clôture et guetteur d'ambiance désamorcent les désaccords et repèrent l'épuisement."
    )
    sentence_en = "Weather round, closing round and mood watcher defuse disagreements and notice exhaustion."

    phase: ClassVar[str] = "none"
    modifies_from_settings: ClassVar[bool] = True

    tour_meteo: bool = True
    tour_cloture: bool = True
    guetteur_ambiance: bool = True
    meteo_defuse: float = Field(
        0.15, ge=0, le=1, description="added chance of defusing a disagreement with a weather round"
    )
    cloture_defuse: float = Field(0.1, ge=0, le=1)
    guetteur_defuse: float = Field(0.15, ge=0, le=1)
    meteo_notice: float = Field(
        0.03, ge=0, le=1, description="weekly chance an exhausted member is noticed in the weather round"
    )

    def modify(self, mods: Modifiers, model: ModelState) -> None:
        mods.defuse_bonus += (
            self.meteo_defuse * self.tour_meteo
            + self.cloture_defuse * self.tour_cloture
            + self.guetteur_defuse * self.guetteur_ambiance
        )
        if self.tour_meteo:
            mods.exhaustion_notice += self.meteo_notice
