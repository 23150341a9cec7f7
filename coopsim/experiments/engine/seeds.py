"""Seeds of a sweep, all derived from the experiment's one master seed.

Two streams come out of the master seed, each a :class:`numpy.random.SeedSequence`
child identified by its ``spawn_key`` (the documented way to make independent,
reproducible streams; the algorithm is fixed by NumPy's stability policy, so the same
master seed gives the same seeds on every machine, process and NumPy version):

- ``(RUN_STREAM, replicate)``: the seed of replicate ``r`` of every sample;
- ``(DESIGN_STREAM,)``: the seed of the sampler that draws the factor values
  (random, latin, morris, sobol designs).

A comparison of two scenarios (:func:`coopsim.experiments.analyses.compare.compare`) and the
validation use a third, older scheme kept for their published numbers: :func:`paired_seeds`.

Replicate ``r`` of every sample gets the **same** seed (common random numbers): two
factor settings are compared on the same draws, so their difference is due to the
factors rather than to luck, and a few dozen paired replicates are usually enough.

Example::

    >>> derive_seed(42, 0) == derive_seed(42, 0)
    True
    >>> derive_seed(42, 0) != derive_seed(42, 1) != derive_seed(43, 0)
    True
"""

from __future__ import annotations

import numpy as np

RUN_STREAM = 0
DESIGN_STREAM = 1
SEED_BITS = 63  # seeds fit a signed 64-bit integer (Parquet int64, JSON, any language)


def _draw(master_seed: int, spawn_key: tuple[int, ...]) -> int:
    """One 63-bit integer from the SeedSequence child ``spawn_key`` of ``master_seed``."""
    if master_seed < 0:
        raise ValueError(f"master seed {master_seed} is negative (expected 0 or more)")
    state = np.random.SeedSequence(master_seed, spawn_key=spawn_key).generate_state(1, dtype=np.uint64)
    return int(state[0]) >> (64 - SEED_BITS)


def derive_seed(master_seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` (0, 1, ...) of every sample of an experiment.

    Example:
        >>> derive_seed(1, 0) == derive_seed(1, 0) != derive_seed(1, 1)
        True
        >>> 0 <= derive_seed(1, 0) < 2**63
        True
    """
    if replicate < 0:
        raise ValueError(f"replicate {replicate} is negative (expected 0 or more)")
    return _draw(master_seed, (RUN_STREAM, replicate))


def design_seed(master_seed: int) -> int:
    """The seed given to the sampler that draws the factor values (32 bits, as SALib wants).

    Example:
        >>> seed = design_seed(1)
        >>> seed == design_seed(1), 0 <= seed < 2**32
        (True, True)
    """
    return _draw(master_seed, (DESIGN_STREAM,)) >> (SEED_BITS - 32)


def paired_seeds(replications: int, master_seed: int = 0) -> list[int]:
    """The seeds of the replicates ``0 .. replications-1`` of a paired comparison:
    ``SeedSequence([master_seed, r])``'s first 32-bit word (so a comparison with more
    replications extends one with fewer).

    Example:
        >>> paired_seeds(2, master_seed=0) == paired_seeds(3, master_seed=0)[:2]
        True
    """
    return [
        int(np.random.SeedSequence([master_seed, r]).generate_state(1, dtype=np.uint32)[0]) for r in range(replications)
    ]
