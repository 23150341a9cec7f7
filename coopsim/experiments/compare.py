"""Kept for the imports of :mod:`coopsim.ui.compare_view` and :mod:`coopsim.validation.validate`:
the comparison lives in :mod:`coopsim.experiments.analyses.compare` (and the paired seeds in
:mod:`coopsim.experiments.engine.seeds`)."""

from .analyses.compare import COLOR_A, COLOR_B, Comparison, _run_job, compare, sentence
from .engine.seeds import paired_seeds

__all__ = ["COLOR_A", "COLOR_B", "Comparison", "_run_job", "compare", "paired_seeds", "sentence"]
