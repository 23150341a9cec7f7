"""Compiled kernels: the per-person and per-tie loops of the weekly processes.

Python orchestrates the week (processes in order, mechanisms at their phase, recording);
each process hands its per-person work to a kernel, a plain loop that reads like the rule
for one person, compiled by numba. :func:`kernel` is numba's ``njit`` with the project's
settings: results cached on disk (the compilation, a few seconds in all, is paid once
after install), no fast-math (the kernels must give the numbers the numpy rules give), and
numpy's handling of division by zero. ``NUMBA_DISABLE_JIT=1`` runs the same loops as plain
Python, for debugging (slowly).

Random numbers are never drawn inside a kernel: each process draws its uniforms from its
named stream in numpy and passes them in, so that the draws do not depend on how the
rule is computed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from numba import njit

F = TypeVar("F", bound=Callable[..., Any])
KERNELS: list[Any] = []


def kernel(fn: F) -> F:
    """Compile ``fn`` as a kernel (cached, no fast-math) and register it.

    Example:
        >>> import coopsim.model                       # importing a process module registers its kernels
        >>> len(KERNELS) > 0 and all(callable(k) for k in KERNELS)
        True
    """
    compiled = njit(cache=True, error_model="numpy")(fn)
    KERNELS.append(compiled)
    return compiled  # type: ignore[return-value]


def kernels_compiled() -> bool:
    """True when every registered kernel has a compiled version cached on disk (or the JIT
    is disabled), i.e. the next run will not pause to compile.

    Example:
        >>> isinstance(kernels_compiled(), bool)
        True
    """
    for compiled in KERNELS:
        cache = getattr(compiled, "_cache", None)
        index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
        if index is not None and not Path(index).exists():
            return False
    return True


_announced = False


def announce_compilation() -> None:
    """Say so on standard error, once per process, when the coming run will first compile the
    kernels (the first run after install), so that its pause is not mistaken for a hang.

    Example:
        >>> announce_compilation()                     # silent once the kernels are cached
    """
    global _announced
    if _announced:
        return
    _announced = True
    if not kernels_compiled():
        sys.stderr.write("coopsim: compiling the model's kernels (once after install, a few seconds)...\n")
