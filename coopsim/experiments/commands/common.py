"""What the analysis commands share: turning an :class:`AnalysisError` into a user error,
and reading the experiment folder they are given."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...cli_support import UserError
from ..analyses.common import AnalysisError


def analysis_errors(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Report an :class:`AnalysisError` (a question the data cannot answer) as a user error:
    one ``coopsim: error:`` line, exit code 2.

    Example:
        >>> @analysis_errors
        ... def ask(args):
        ...     raise AnalysisError("no outcome 'happiness'")
        >>> try:
        ...     ask(argparse.Namespace())
        ... except UserError as exc:
        ...     print(exc)
        no outcome 'happiness'
    """

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except AnalysisError as exc:
            raise UserError(str(exc)) from None

    return wrapped


def experiment_folder(folder: Path) -> tuple[Any, dict[str, Any]]:
    """The runs and the manifest of the folder written by ``coopsim sweep`` (pandas is
    imported only now, when the command runs).

    Example:
        >>> try:
        ...     experiment_folder(Path("no/such/folder"))
        ... except AnalysisError as exc:
        ...     print(exc)
        no/such/folder: no such folder (expected the --out folder of 'coopsim sweep')
    """
    from ..analyses.common import load_results

    return load_results(folder)
