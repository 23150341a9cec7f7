"""Role descriptions (fiches de rôle, fonctions transversales): what each role involves.

Hypothesis: a role whose content is written down is easier to take (one knows what one
commits to) and its holder is recognised for it; this is lighter than a cooperation
agreement: no caps, no cost of quitting.

Seed passage: "Groupe de travail 'fonctions transversales' : formaliser les fonctions
nécessaires au fonctionnement global du projet Tera"; "TERA vise à formaliser les rôles,
les missions et les engagements au sein des cercles [...] L'objectif est de reconnaître et
de légitimer les personnes qui assument des responsabilités".

Modifies the *work* and *engagement* processes.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import Mechanism, Modifiers
from ..model_state import ModelState


class RoleDescriptions(Mechanism):
    """How much written roles ease taking them and recognise their holders.

    Example:
        >>> from coopsim.base import Modifiers
        >>> from coopsim import CoopModel
        >>> mods = Modifiers()
        >>> RoleDescriptions(enabled=True, fill_boost=0.3).modify(mods, CoopModel("tera", seed=1))
        >>> mods.fill_boost > 1                                   # vacant roles are taken more readily
        True
    """

    key = "role_descriptions"
    order = 80
    name_fr = "Fiches de rôle"
    name_en = "Role descriptions"
    sentence_fr = "Écrire ce que chaque rôle demande le rend plus facile à prendre et reconnaît qui le porte."
    sentence_en = "Writing down what each role involves makes it easier to take and recognises its holder."

    phase: ClassVar[str] = "none"
    modifies_from_settings: ClassVar[bool] = True

    fill_boost: float = Field(0.3, ge=0, le=5, description="relative rise in the chance a vacant role is taken")
    recognition_per_week: float = Field(0.004, ge=0, le=1, description="recognition a role holder gains weekly")

    def modify(self, mods: Modifiers, model: ModelState) -> None:
        mods.fill_boost *= 1.0 + self.fill_boost
        mods.description_recognition += self.recognition_per_week
