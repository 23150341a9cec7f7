"""Compiled kernels: the per-person and per-tie loops of the weekly processes.

Each process hands its per-person work to a kernel, a plain loop that reads like the rule
for one person, compiled by numba (:mod:`coopsim.week` runs the processes' kernels week
after week in one compiled call). :func:`kernel` is numba's ``njit`` with the project's
settings: results cached on disk (the compilation, about a minute and a quarter on a
two-core laptop, is paid once after install), no fast-math (the kernels must give the
numbers the numpy rules give), and numpy's handling of division by zero.
``NUMBA_DISABLE_JIT=1`` runs the same loops as plain Python, for debugging (slowly).

Random numbers are drawn in numpy, never by a kernel's own generator: each process's
stream draws one kind of number (uniforms, normals, gammas), read ahead in blocks
(:class:`ReadAhead`) that its kernel reads from, the very numbers that drawing them one
call at a time would give. A Poisson draw is made from a block's uniforms by numpy's own
algorithms (:func:`poisson_from`); a rare draw of another kind comes from the generator
stepped back to where the stream's reader is (:meth:`UniformStream.plain`). A draw without
replacement follows numpy's own algorithm (:func:`chosen`) with integers made from a block's
uniforms (:func:`integers_from`: the weeks' draws, a newcomer's hosts and a welcome's
introductions, so that their stream is read ahead like any other), or drawn by numpy itself
(:func:`draw_without_replacement`: the members chosen and the generator's state after are
those of ``rng.choice(pool, k, replace=False)``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
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
    """False when no kernel has a compiled version cached on disk yet (the first run after
    install, which pauses to compile); True otherwise, or when the JIT is disabled. (A kernel
    that a run has never needed, a rare lever's, is compiled the first time it is needed,
    quickly and without notice.)

    Example:
        >>> isinstance(kernels_compiled(), bool)
        True
    """
    indexes = []
    for compiled in KERNELS:
        cache = getattr(compiled, "_cache", None)
        index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
        if index is not None:
            indexes.append(Path(index))
    return not indexes or any(path.exists() for path in indexes)


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
        sys.stderr.write("coopsim: compiling the model's kernels (once after install, a minute or two)...\n")


@kernel
def numpy_sum(x: np.ndarray, n: int) -> float:
    """The sum of ``x[:n]`` with numpy's order of additions, so that a kernel gives the very
    bits of ``x[:n].sum()`` (means and shares recorded by a kernel
    are then numpy's own): blocks of up to 128 each summed in eight running sums, the
    blocks added pairwise (halves cut at multiples of 8). Written without recursion (numba
    cannot reload a cached recursive function).

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(3).random(300) * 1e3
        >>> [bool(numpy_sum(x, k) == x[:k].sum()) for k in (5, 100, 300)]
        [True, True, True]
    """
    if n <= 128:
        return 0.0 + _block_sum(x, 0, n)
    # Depth-first over the halves: a pending part is (start, size), or size -1 to add the
    # last two sums found.
    starts, sizes, sums = np.empty(128, dtype=np.int64), np.empty(128, dtype=np.int64), np.empty(64)
    starts[0], sizes[0] = 0, n
    pending, found = 1, 0
    while pending:
        pending -= 1
        lo, size = starts[pending], sizes[pending]
        if size < 0:
            found -= 1
            sums[found - 1] = sums[found - 1] + sums[found]
        elif size <= 128:
            sums[found] = _block_sum(x, lo, size)
            found += 1
        else:
            half = size // 2
            half -= half % 8
            sizes[pending] = -1
            starts[pending + 1], sizes[pending + 1] = lo + half, size - half
            starts[pending + 2], sizes[pending + 2] = lo, half
            pending += 3
    return 0.0 + sums[0]


@kernel
def _block_sum(x: np.ndarray, lo: int, n: int) -> float:
    """numpy's sum of ``x[lo:lo + n]`` for ``n`` <= 128 (eight running sums from 8 on)."""
    if n < 8:
        total = 0.0
        for i in range(lo, lo + n):
            total += x[i]
        return total
    r0, r1, r2, r3 = x[lo], x[lo + 1], x[lo + 2], x[lo + 3]
    r4, r5, r6, r7 = x[lo + 4], x[lo + 5], x[lo + 6], x[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += x[lo + i]
        r1 += x[lo + i + 1]
        r2 += x[lo + i + 2]
        r3 += x[lo + i + 3]
        r4 += x[lo + i + 4]
        r5 += x[lo + i + 5]
        r6 += x[lo + i + 6]
        r7 += x[lo + i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for j in range(lo + i, lo + n):
        total += x[j]
    return total


@kernel
def shuffles_every_position(n: int, k: int) -> bool:
    """numpy's rule for a choice of ``k`` among ``n`` without replacement: a partial shuffle
    of every position when the pool is over 10,000 and ``k`` over a fiftieth of it, else
    Floyd's sampling of ``k`` positions then a shuffle of them.

    Example:
        >>> shuffles_every_position(20_000, 401), shuffles_every_position(20_000, 400)
        (True, False)
    """
    return n > 10000 and k > n // 50


@kernel
def choice_bounds(n: int, k: int) -> np.ndarray:
    """The inclusive upper bounds of the integers that numpy's ``rng.choice(pool, k,
    replace=False)`` draws from a pool of ``n``, in the order drawn: Floyd's sampling of
    ``k`` positions (bounds ``n - k`` to ``n - 1``) then a shuffle of them (``k - 1`` down
    to 1); or a partial shuffle of every position (``n - 1`` down to ``max(n - k, 1)``),
    as :func:`shuffles_every_position` says. How many integers are drawn never depends on
    their values, so ``rng.integers(0, bounds, endpoint=True)`` draws them all at once: the
    very integers numpy's choice draws, one by one.

    Example:
        >>> choice_bounds(10, 3).tolist()
        [7, 8, 9, 2, 1]
    """
    if shuffles_every_position(n, k):
        return np.arange(n - 1, max(n - k, 1) - 1, -1)
    return np.concatenate((np.arange(n - k, n), np.arange(k - 1, 0, -1)))


@kernel
def choice_bounds_each(n: int, k: int, times: int, first: int) -> np.ndarray:
    """The bounds of ``times`` successive choices of ``k`` among ``n`` (:func:`choice_bounds`),
    one after the other, each preceded by the bound ``first`` when it is not negative (a
    draw made before each choice, such as a newcomer's referent).

    Example:
        >>> choice_bounds_each(10, 3, 2, -1).tolist(), choice_bounds_each(10, 3, 1, 4).tolist()
        ([7, 8, 9, 2, 1, 7, 8, 9, 2, 1], [4, 7, 8, 9, 2, 1])
    """
    one = choice_bounds(n, k)
    per = one.size + (1 if first >= 0 else 0)
    out = np.empty(times * per, dtype=np.int64)
    for t in range(times):
        if first >= 0:
            out[t * per] = first
        out[(t + 1) * per - one.size : (t + 1) * per] = one
    return out


def draw_without_replacement(rng: np.random.Generator, pool: np.ndarray, k: int, times: int = 1) -> np.ndarray:
    """``times`` successive draws of ``k`` members of ``pool``, each without replacement,
    one after the other in one array: the members, their order and the state ``rng`` is
    left in are those of ``times`` calls of numpy's ``rng.choice(pool, k, replace=False)``
    (its integers drawn at once, :func:`choice_bounds`; its algorithm followed by
    :func:`chosen_each`). ``tests/test_processes.py`` checks it against numpy on pools up
    to 20,000.

    Example:
        >>> import numpy as np
        >>> a, b = np.random.default_rng(2), np.random.default_rng(2)
        >>> drawn = draw_without_replacement(a, np.arange(30), 3, times=2)
        >>> bool((drawn == np.concatenate([b.choice(30, 3, replace=False) for _ in range(2)])).all())
        True
    """
    return chosen_each(pool, k, times, bounded_draws(rng, choice_bounds_each(pool.size, k, times, -1)))


class ReadAhead:
    """A named stream that draws one kind of number only, read ahead in blocks so that a
    kernel can take its numbers straight from the block: the numbers, in order, are those
    the generator would give call after call for this kind (one number never depends on how
    many are asked at once), so a process reads the same numbers whether it draws them one
    call at a time or hands :meth:`block` to a kernel. Any other kind of draw is refused (it
    has no method here): reading ahead is only sound for a stream that draws nothing else,
    or whose other draws first take the generator back with :meth:`UniformStream.plain`.

    Example:
        >>> import numpy as np
        >>> stream = UniformStream(np.random.default_rng(1))
        >>> block, start = stream.block(10)                    # at least 10 unread from ``start``
        >>> block.size - start >= 10, isinstance(stream, ReadAhead)
        (True, True)
    """

    BLOCK = 4096  # numbers read ahead at a time by default (at least as many as asked)

    def __init__(self, rng: np.random.Generator, block: int | None = None) -> None:
        self.rng = rng
        self.block_size = block or self.BLOCK
        self.buffer = np.zeros(0)
        self.position = 0

    def _fill(self, out: np.ndarray) -> None:
        raise NotImplementedError

    def block(self, count: int) -> tuple[np.ndarray, int]:
        """The read-ahead block, holding at least ``count`` unread numbers from the returned
        position on; say how far they were read with :meth:`advance`."""
        if self.position + count > self.buffer.size:
            unread = self.buffer.size - self.position
            buffer = np.empty(unread + max(self.block_size, count))
            buffer[:unread] = self.buffer[self.position :]
            self._fill(buffer[unread:])  # drawn in place: no copy of the fresh numbers
            self.buffer, self.position = buffer, 0
        return self.buffer, self.position

    def advance(self, position: int) -> None:
        """The numbers of the block before ``position`` have been read."""
        self.position = position

    def _take(self, size: int | tuple[int, ...] | None) -> Any:
        count = 1 if size is None else int(np.prod(size))
        buffer, start = self.block(count)
        self.position = start + count
        if size is None:
            return float(buffer[start])
        return buffer[start : start + count].reshape(size)


class UniformStream(ReadAhead):
    """A stream of uniforms read ahead (:class:`ReadAhead`): a uniform is one 64-bit draw,
    whatever the shape asked, so the block holds the numbers of successive ``random`` calls.

    Example:
        >>> import numpy as np
        >>> stream, plain = UniformStream(np.random.default_rng(3)), np.random.default_rng(3)
        >>> a = stream.random((2, 3))
        >>> block, start = stream.block(4)                      # room for 4 more, from ``start``
        >>> taken = block[start : start + 2].copy(); stream.advance(start + 2)   # a kernel took 2
        >>> b = stream.random()
        >>> bool((a == plain.random((2, 3))).all()), bool((taken == plain.random(2)).all()), b == plain.random()
        (True, True, True)
    """

    def _fill(self, out: np.ndarray) -> None:
        self.rng.random(out=out)

    def random(self, size: int | tuple[int, ...] | None = None) -> Any:
        """Like ``numpy.random.Generator.random``: a float, or an array of this size."""
        return self._take(size)

    def plain(self) -> np.random.Generator:
        """The generator itself, where the stream's reader has got to: the uniforms read
        ahead and not yet read are given back (the generator steps back over them: each was
        one step of PCG64, which jumps either way), so that a draw of another kind (integers,
        a permutation) comes from where the plain generator would be.

        Example:
            >>> import numpy as np
            >>> stream, plain = UniformStream(np.random.default_rng(5)), np.random.default_rng(5)
            >>> _ = stream.random(3), plain.random(3)
            >>> stream.plain().integers(0, 10, 4).tolist() == plain.integers(0, 10, 4).tolist()
            True
        """
        unread = self.buffer.size - self.position
        if unread:
            generator = self.rng.bit_generator
            if not isinstance(generator, np.random.PCG64):
                raise TypeError(
                    f"stepping back needs numpy's PCG64 (the model's streams), not {type(generator).__name__}"
                )
            before = generator.state
            generator.advance(2**128 - unread)  # back by ``unread`` steps, modulo the period
            after: Any = generator.state  # advance clears the half-used 64 bits that integers keep
            after["has_uint32"], after["uinteger"] = before["has_uint32"], before["uinteger"]
            generator.state = after
        self.buffer, self.position = np.zeros(0), 0
        return self.rng


class NormalStream(ReadAhead):
    """A stream of standard normals read ahead (:class:`ReadAhead`); ``rng.normal(0, s, k)``
    is ``0.0 + s * z`` for the next ``k`` of them (numpy's own rule for a normal draw).

    Example:
        >>> import numpy as np
        >>> stream, plain = NormalStream(np.random.default_rng(3)), np.random.default_rng(3)
        >>> bool((0.0 + 0.2 * stream.standard_normal(5) == plain.normal(0.0, 0.2, 5)).all())
        True
    """

    def _fill(self, out: np.ndarray) -> None:
        self.rng.standard_normal(out=out)

    def standard_normal(self, size: int | tuple[int, ...] | None = None) -> Any:
        """Like ``numpy.random.Generator.standard_normal``."""
        return self._take(size)


class GammaStream(ReadAhead):
    """A stream of standard gammas of one ``shape`` read ahead (:class:`ReadAhead`);
    ``rng.gamma(shape, scale)`` is ``scale * g`` for the next of them (numpy's own rule).

    Example:
        >>> import numpy as np
        >>> stream, plain = GammaStream(np.random.default_rng(3), 4.0), np.random.default_rng(3)
        >>> [2.5 * stream.standard_gamma() for _ in range(3)] == [plain.gamma(4.0, 2.5) for _ in range(3)]
        True
    """

    def __init__(self, rng: np.random.Generator, shape: float) -> None:
        super().__init__(rng)
        self.shape = shape

    def _fill(self, out: np.ndarray) -> None:
        self.rng.standard_gamma(self.shape, out=out)

    def standard_gamma(self, size: int | tuple[int, ...] | None = None) -> Any:
        """Like ``numpy.random.Generator.standard_gamma(shape)``."""
        return self._take(size)


def uniform_stream(rng: np.random.Generator | UniformStream) -> UniformStream:
    """``rng`` itself when it is a :class:`UniformStream`, else one reading ahead from it (a
    process called on its own, as in a test, with a plain generator).

    Example:
        >>> import numpy as np
        >>> stream = uniform_stream(np.random.default_rng(1))
        >>> uniform_stream(stream) is stream
        True
    """
    return rng if isinstance(rng, UniformStream) else UniformStream(rng)


def standard_normals(rng: np.random.Generator | NormalStream, count: int) -> tuple[np.ndarray, int]:
    """``count`` standard normals for a kernel, as a block and the position they start at:
    the read-ahead block of a :class:`NormalStream` (say how far it was read with its
    ``advance``), or ``count`` fresh ones drawn from a plain generator (position 0).

    Example:
        >>> import numpy as np
        >>> block, start = standard_normals(NormalStream(np.random.default_rng(1)), 3)
        >>> bool((block[start : start + 3] == standard_normals(np.random.default_rng(1), 3)[0]).all())
        True
    """
    if isinstance(rng, NormalStream):
        return rng.block(count)
    return rng.standard_normal(count), 0


def gamma(rng: np.random.Generator | GammaStream, shape: float, scale: float) -> float:
    """``rng.gamma(shape, scale)``, from a :class:`GammaStream`'s block when ``rng`` is one
    (of this ``shape``): the same number either way.

    Example:
        >>> import numpy as np
        >>> gamma(GammaStream(np.random.default_rng(1), 4.0), 4.0, 2.0) == gamma(np.random.default_rng(1), 4.0, 2.0)
        True
    """
    if not isinstance(rng, GammaStream):
        return float(rng.gamma(shape, scale))
    if rng.shape != shape:
        raise ValueError(f"a stream of gammas of shape {rng.shape} cannot draw shape {shape}")
    return scale * rng.standard_gamma()


def plain_generator(rng: np.random.Generator | UniformStream) -> np.random.Generator:
    """The generator itself, where the reader of a :class:`UniformStream` has got to
    (:meth:`UniformStream.plain`), or ``rng`` when it is a plain generator.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(1)
        >>> plain_generator(rng) is rng, plain_generator(UniformStream(rng)) is rng
        (True, True)
    """
    return rng.plain() if isinstance(rng, UniformStream) else rng


@kernel
def poisson_from(block: np.ndarray, position: int, lam: float) -> tuple[int, int]:
    """A Poisson draw of mean ``lam`` made from the uniforms of ``block`` from ``position``
    on, by numpy's own algorithms (a product of uniforms below a mean of 10, Hörmann's
    transformed rejection from 10 on), so that the draw, and the uniforms it uses, are those
    of numpy's ``Generator.poisson``. Returns the draw and the new position, or ``(-1,
    position)`` when the block ran out first (read more ahead and draw again).

    Example:
        >>> import numpy as np
        >>> block, plain = np.random.default_rng(7).random(200), np.random.default_rng(7)
        >>> k1, at = poisson_from(block, 0, 3.5)
        >>> k2, at = poisson_from(block, at, 42.0)
        >>> (k1, k2) == (plain.poisson(3.5), plain.poisson(42.0)), poisson_from(block, 199, 42.0)
        (True, (-1, 199))
    """
    start = position
    if lam == 0:
        return 0, position
    if lam < 10:
        limit = np.exp(-lam)
        k, product = 0, 1.0
        while position < block.size:
            product *= block[position]
            position += 1
            if product > limit:
                k += 1
            else:
                return k, position
        return -1, start
    root, log_lam = np.sqrt(lam), np.log(lam)
    b = 0.931 + 2.53 * root
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)
    while position + 1 < block.size:
        u = block[position] - 0.5
        v = block[position + 1]
        position += 2
        us = 0.5 - abs(u)
        k = int(np.floor((2 * a / us + b) * u + lam + 0.43))
        if us >= 0.07 and v <= v_r:
            return k, position
        if k < 0 or (us < 0.013 and v > us):
            continue
        if np.log(v) + np.log(inv_alpha) - np.log(a / (us * us) + b) <= -lam + k * log_lam - _log_gamma(k + 1.0):
            return k, position
    return -1, start


@kernel
def _log_gamma(x: float) -> float:
    """log Γ(x) by numpy's own series (the one its Poisson draws use)."""
    if x == 1.0 or x == 2.0:
        return 0.0
    shift = int(7 - x) if x < 7.0 else 0
    x0 = x + shift
    x2 = (1.0 / x0) * (1.0 / x0)
    series = _LOG_GAMMA_SERIES[9]
    for k in range(8, -1, -1):
        series *= x2
        series += _LOG_GAMMA_SERIES[k]
    value = series / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * np.log(x0) - x0
    for _ in range(shift):
        value -= np.log(x0 - 1.0)
        x0 -= 1.0
    return value


_LOG_GAMMA_SERIES = np.array(
    [
        8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04,
        8.417508417508418e-04, -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02,
        1.796443723688307e-01, -1.39243221690590e00,
    ]
)  # fmt: skip


def poisson(rng: np.random.Generator | UniformStream, lam: float) -> int:
    """A Poisson draw of mean ``lam``: from a stream of uniforms by :func:`poisson_from`, or
    numpy's ``Generator.poisson`` itself from a plain generator; the same number either way.

    Example:
        >>> import numpy as np
        >>> stream, plain = UniformStream(np.random.default_rng(2)), np.random.default_rng(2)
        >>> [poisson(stream, m) for m in (0.3, 12.0, 800.0)] == [plain.poisson(m) for m in (0.3, 12.0, 800.0)]
        True
    """
    if not isinstance(rng, UniformStream):
        return int(rng.poisson(lam))
    ask = 64
    while True:
        block, start = rng.block(ask)
        k, position = poisson_from(block, start, lam)
        if k >= 0:
            rng.advance(position)
            return k
        ask *= 4


def bounded_draws(rng: np.random.Generator, bounds: np.ndarray) -> np.ndarray:
    """One integer from 0 to each bound (inclusive), drawn in order: those that ``bounds.size``
    successive ``rng.integers(0, bound, endpoint=True)`` would draw.

    Example:
        >>> import numpy as np
        >>> a, b = np.random.default_rng(4), np.random.default_rng(4)
        >>> bounded_draws(a, np.array([9, 0, 2])).tolist() == [int(b.integers(0, h, endpoint=True)) for h in (9, 0, 2)]
        True
    """
    if bounds.size == 0:
        return np.zeros(0, dtype=np.int64)
    return rng.integers(0, bounds, endpoint=True)


@kernel
def integers_from(block: np.ndarray, start: int, bounds: np.ndarray) -> np.ndarray:
    """One integer from 0 to each bound (inclusive), from the uniforms ``block[start:]``, one
    each in order: ``floor(u * (bound + 1))``. A uniform stream's integers, for the draws
    without replacement the weeks make (a newcomer's hosts, a welcome's introductions), so
    that the stream stays one kind of number and is read ahead like any other.

    Example:
        >>> import numpy as np
        >>> integers_from(np.array([0.0, 0.5, 0.999999, 0.3]), 1, np.array([9, 0, 2])).tolist()
        [5, 0, 0]
    """
    out = np.empty(bounds.size, dtype=np.int64)
    for t in range(bounds.size):
        out[t] = min(int(block[start + t] * (bounds[t] + 1)), bounds[t])
    return out


@kernel
def chosen_each(pool: np.ndarray, k: int, times: int, draws: np.ndarray) -> np.ndarray:
    """``times`` successive choices of ``k`` members of ``pool`` without replacement, made
    from ``draws``, the integers of :func:`choice_bounds` for each choice in turn."""
    out = np.empty(times * k, dtype=pool.dtype)
    per = choice_bounds(pool.size, k).size
    for t in range(times):
        out[t * k : (t + 1) * k] = chosen(pool, k, draws[t * per : (t + 1) * per])
    return out


@kernel
def chosen(pool: np.ndarray, k: int, draws: np.ndarray) -> np.ndarray:
    """``k`` members of ``pool`` chosen without replacement by numpy's algorithm, from the
    integers it would draw (``draws``, bounded by :func:`choice_bounds`)."""
    n = pool.size
    out = np.empty(k, dtype=pool.dtype)
    if shuffles_every_position(n, k):  # a partial shuffle of every position; the last k are chosen
        positions = np.arange(n)
        for i in range(n - 1, max(n - k, 1) - 1, -1):
            j = draws[n - 1 - i]
            positions[i], positions[j] = positions[j], positions[i]
        for m in range(k):
            out[m] = pool[positions[n - k + m]]
        return out
    picked = np.empty(k, dtype=np.int64)  # Floyd: position drawn in 0..j, or j when already picked
    for j in range(n - k, n):
        position = draws[j - (n - k)]
        for m in range(j - (n - k)):
            if picked[m] == position:
                position = j
                break
        picked[j - (n - k)] = position
    for i in range(k - 1, 0, -1):  # then shuffled
        j = draws[k + (k - 1 - i)]
        picked[i], picked[j] = picked[j], picked[i]
    for m in range(k):
        out[m] = pool[picked[m]]
    return out
