"""Comité territorial de dialogue (CTD): dialogue with the territory's actors.

Hypothesis: a standing committee that meets local actors, identifies needs and resources
in both directions, slowly raises the territory's acceptance of the newcomers (hence
arrivals, settling and local sales), at a cost in hours of common work.

Seed passage: "Le collectif TERA a également mis en place un comité territorial de
dialogue (CTD) pour faciliter les échanges et la coopération avec les acteurs du
territoire. Cette démarche vise à repérer les besoins, compétences et ressources sur le
territoire, en favorisant un échange à double sens."

Modifies the *arrivals* (acceptance) and *work* processes.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import WEEKS_PER_YEAR, Mechanism, Modifiers
from ..model_state import ModelState


class TerritorialDialogue(Mechanism):
    """The CTD's effect on acceptance and its cost in time.

    Example:
        >>> ctd = TerritorialDialogue(enabled=True, acceptance_gain_per_year=0.1)
        >>> ctd.active(0), ctd.acceptance_gain_per_year
        (True, 0.1)
    """

    key = "ctd"
    order = 90
    name_fr = "Comité territorial de dialogue (CTD)"
    name_en = "Territorial dialogue committee (CTD)"
    sentence_fr = (
        "Le dialogue avec les acteurs du territoire augmente peu à peu son acceptation, au prix d'heures de travail."
    )
    sentence_en = "Dialogue with the territory's actors slowly raises its acceptance, at a cost in hours of work."

    phase: ClassVar[str] = "none"
    modifies_from_settings: ClassVar[bool] = True

    acceptance_gain_per_year: float = Field(
        0.08, ge=0, le=1, description="share of the gap to full acceptance closed per year"
    )
    hours_per_week: float = Field(
        4.0, ge=0, le=200, description="hours per week of the committee's work, added to the common work"
    )

    def modify(self, mods: Modifiers, model: ModelState) -> None:
        mods.acceptance_gain += self.acceptance_gain_per_year / WEEKS_PER_YEAR
        mods.extra_common_hours += self.hours_per_week
