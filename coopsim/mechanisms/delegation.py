"""Governance mode: consent of all, or decisions delegated to the circles.

Hypothesis: when every decision (including a newcomer's integration) waits for the
consent of all active members, the capacity to decide shrinks as the group grows and
urgent matters stall; delegating decisions to the circles, each sovereign in its domain,
keeps the capacity in step with the staffed circles and lets the welcome circle decide on
integration (fewer people who may object).

Seed passage: "il est courant que les membres attendent la validation de tous avant de
mettre en œuvre une idée"; "il est nécessaire que chaque membre actif donne son
approbation"; "Chaque cercle est souverain dans son organisation, mais il reste redevable
envers le cercle cœur"; "les processus décisionnels peuvent être plus lents, ce qui peut
être problématique dans des situations d'urgence".

Off: consent of all (TERA). On: delegation. Modifies the *governance* and *arrivals*
processes.
"""

from __future__ import annotations

from typing import ClassVar

from ..base import Mechanism, Modifiers
from ..model_state import ModelState


class Delegation(Mechanism):
    """Decisions delegated to the circles.

    Example:
        >>> from coopsim.base import Modifiers
        >>> from coopsim import CoopModel
        >>> mods = Modifiers()
        >>> Delegation(enabled=True).modify(mods, CoopModel("tera", seed=1))
        >>> mods.delegation
        True
    """

    key = "delegation"
    order = 100
    name_fr = "Délégation aux cercles"
    name_en = "Delegation to circles"
    sentence_fr = (
        "Les décisions ne demandent plus le consentement de tous : elles ne ralentissent plus quand le groupe grandit."
    )
    sentence_en = "Decisions no longer wait for everyone's consent: they stop slowing down as the group grows."

    phase: ClassVar[str] = "none"
    modifies_from_settings: ClassVar[bool] = True

    def modify(self, mods: Modifiers, model: ModelState) -> None:
        mods.delegation = True
