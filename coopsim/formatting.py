"""How numbers, names and tables are written for people: the one home of the small text
helpers that the run's summary (:mod:`coopsim.cli`), the figure sheet
(:mod:`coopsim.report`) and the analyses (:mod:`coopsim.experiments.analyses`) share.

It imports nothing but the standard library, so that ``coopsim --help`` stays fast.

Example:
    >>> fixed(0.2345, ".0f", scale=100, unit=" %"), fixed(float("nan"), ".1f")
    ('23 %', 'n/a')
    >>> fmt_number(0.123456), fmt_value(8.0), slug("tera / no REX")
    ('0.123', '8', 'tera-no-REX')
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from typing import Any

PNG_OPTIONS: dict[str, Any] = {"pil_kwargs": {"compress_level": 1}}
"""How the figure sheets save as PNG: light compression (a sheet is written about a
tenth of a second sooner, for a file a few per cent larger)."""


def finite(value: Any) -> bool:
    """Whether ``value`` is a finite number.

    Example:
        >>> finite(0.5), finite(float("nan")), finite("abc"), finite(None)
        (True, False, False, False)
    """
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def fixed(value: Any, spec: str, scale: float = 1.0, unit: str = "") -> str:
    """``value`` (times ``scale``) in the format ``spec``, then ``unit``; 'n/a' when it is
    missing or not finite.

    Example:
        >>> fixed(12, "d"), fixed(0.256, ".0f", 100, " %"), fixed(None, "d")
        ('12', '26 %', 'n/a')
    """
    if value is None or (isinstance(value, numbers.Real) and not math.isfinite(float(value))):
        return "n/a"
    return f"{value * scale if scale != 1 else value:{spec}}{unit}"


def percent(share: Any) -> str:
    """A share (0 to 1) as a whole percentage, or 'n/a'.

    Example:
        >>> percent(0.256), percent(float("nan"))
        ('26 %', 'n/a')
    """
    return fixed(share, ".0f", 100, " %")


def fmt_number(value: Any, digits: int = 3) -> str:
    """A number with ``digits`` significant digits ('n/a' when missing), for tables.

    Example:
        >>> fmt_number(0.123456), fmt_number(float("nan")), fmt_number(1234.5), fmt_number(0)
        ('0.123', 'n/a', '1234', '0')
    """
    if not finite(value):
        return "n/a"
    x = float(value)
    if x == 0:
        return "0"
    if abs(x) >= 10 ** (digits + 2) or abs(x) < 10 ** (-digits):
        return f"{x:.{digits}g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def fmt_value(value: Any) -> str:
    """A factor value for tables: floats with at most 4 significant digits, others as they are.

    Example:
        >>> fmt_value(0.123456), fmt_value(8), fmt_value(True), fmt_value(8.0)
        ('0.1235', '8', 'True', '8')
    """
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return f"{float(value):g}" if float(value).is_integer() else f"{float(value):.4g}"
    return str(value)


def slug(text: str, empty: str = "x") -> str:
    """``text`` as a file-name part: runs of other characters than letters, digits, ``_.-``
    become one ``-``; ``empty`` when nothing is left.

    Example:
        >>> slug("burnout_incidence_per_100py"), slug("a b/c"), slug("///")
        ('burnout_incidence_per_100py', 'a-b-c', 'x')
    """
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or empty


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]], align: str = "") -> str:
    """A Markdown table; ``align`` has one letter per column, ``l`` or ``r`` (default: none
    given, the reader's left); ``|`` in a cell is escaped.

    Example:
        >>> print(markdown_table(["factor", "runs"], [["rex.enabled", 12]], align="lr"))
        | factor | runs |
        |---|---:|
        | rex.enabled | 12 |
    """
    rule = "|" + "".join("---:|" if a == "r" else "---|" for a in align.ljust(len(header), "-"))
    lines = ["| " + " | ".join(header) + " |", rule]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)
