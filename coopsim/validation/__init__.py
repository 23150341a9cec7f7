"""Validation: the TERA baseline against the patterns of the seed text and of published studies.

:mod:`~coopsim.validation.patterns` lists the patterns (statistic, range, source);
:mod:`~coopsim.validation.validate` runs them over many paired seeds and writes the
table of ``docs/VALIDATION.md``. From the command line: ``coopsim validate --seeds 30``.
"""

from .patterns import PATTERNS, Pattern
from .validate import validate

__all__ = ["PATTERNS", "Pattern", "validate"]
