"""Kept for the import of :mod:`coopsim.ui.app`: what the analyses share lives in
:mod:`coopsim.experiments.analyses.common`."""

from .analyses.common import AnalysisError

__all__ = ["AnalysisError"]
