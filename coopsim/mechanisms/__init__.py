"""The levers: one module per mechanism, each with its hypothesis and its seed passage.

Every mechanism is a :class:`coopsim.base.Mechanism`: off, on, or tuned by its fields,
starting at ``start_week``, acting only through the weekly processes (``modify`` changes
what the processes read, ``act`` runs after the process named by ``phase``).
"""

from __future__ import annotations

from .contractualisation import Contractualisation
from .ctd import TerritorialDialogue
from .delegation import Delegation
from .mediation import Mediation
from .meetings import MeetingPractices
from .rex import Rex
from .role_descriptions import RoleDescriptions
from .spheres import SphereSeparation
from .stipend import RevenuDeTransition
from .training import InternalTraining
from .welcome import WelcomeCircle

__all__ = [
    "Contractualisation",
    "Delegation",
    "InternalTraining",
    "Mediation",
    "MeetingPractices",
    "RevenuDeTransition",
    "Rex",
    "RoleDescriptions",
    "SphereSeparation",
    "TerritorialDialogue",
    "WelcomeCircle",
]
