"""Separation of life spheres: keeping work, home and politics apart.

Hypothesis: when members live, work and govern together, ties grow deeper (more contact,
faster trust) but personal conflicts spill over into work and constant closeness tires
(relational saturation). Separating the spaces lowers the overlap that all three effects
read: less spill-over and saturation, at the price of slower trust.

Seed passage: "ce mélange favorise la création de liens solides [...] Cependant, ce
mélange des communautés de vie peut également entraîner des tensions [...] le fait d'être
constamment entouré des mêmes personnes peut parfois engendrer de la fatigue et une
surcharge relationnelle"; "des mesures ont été prises pour séparer les espaces et
clarifier les rôles".

Modifies the *interactions*, *conflict* and *strain* processes.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import Mechanism, Modifiers
from ..model_state import ModelState


class SphereSeparation(Mechanism):
    """How strongly the spheres are kept apart.

    Example:
        >>> from coopsim.base import Modifiers
        >>> from coopsim import CoopModel
        >>> mods = Modifiers()
        >>> SphereSeparation(enabled=True, strength=0.5).modify(mods, CoopModel("tera", seed=1))
        >>> mods.sphere_mixing < 1                                # life spheres overlap less
        True
    """

    key = "spheres"
    order = 70
    name_fr = "Séparer les sphères de vie"
    name_en = "Separate life spheres"
    sentence_fr = (
        "Travail, vie et politique moins mêlés : moins de conflits qui débordent et de saturation, une confiance "
        "plus lente."
    )
    sentence_en = "Work, home and politics kept apart: less conflict spill-over and saturation, slower trust."

    phase: ClassVar[str] = "none"
    modifies_from_settings: ClassVar[bool] = True

    strength: float = Field(0.5, ge=0, le=1, description="share of the life-sphere overlap removed")

    def modify(self, mods: Modifiers, model: ModelState) -> None:
        mods.sphere_mixing *= 1.0 - self.strength
