"""What the ``coopsim`` sub-commands share: the :class:`Command` record, :class:`UserError`,
argument types, output folders written in one step, and strict JSON.

The main command (:mod:`coopsim.cli`) and the sub-commands that live with their own
package (:mod:`coopsim.experiments.commands`, :mod:`coopsim.experiments.sweep_cli`,
:mod:`coopsim.validation.commands`) import from here, so that none of them imports the
main command.

It imports nothing heavy at module level (no numpy, pydantic, Mesa or pandas): ``coopsim
--help`` and every ``--help`` of a sub-command import this module, and should start at
once. What a check needs (the model, the scenario loader) is imported when it runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scenario import Scenario

PROG = "coopsim"
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
MAX_MESSAGE = 1000  # characters of an error message kept on its one line
HELP_WIDTH = 88  # columns of the hand-formatted parts of the help

#: The folder of the shipped scenarios: ``coopsim.scenario.SCENARIO_DIR``, found here without
#: importing that module (it loads numpy and pydantic), for the help texts.
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "scenarios"


class UserError(Exception):
    """A mistake of the user: reported as one ``coopsim: error:`` line, exit code 2.

    Example:
        >>> from coopsim.experiments.sweep_cli import resolve_experiment
        >>> try:
        ...     resolve_experiment("no-such-experiment")
        ... except UserError as exc:
        ...     print(str(exc).split(":")[0])
        no-such-experiment
    """


@dataclass(frozen=True)
class Command:
    """A sub-command: its name, one-line help, long description, arguments and handler.

    Example:
        >>> from coopsim.cli import COMMANDS, build_parser
        >>> "run" in [command.name for command in COMMANDS]
        True
        >>> build_parser().parse_args(["run", "tera"]).handler is not None
        True
    """

    name: str
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]
    epilog: Callable[[], str] = lambda: ""


# --- helpers shared by sub-commands ---------------------------------------------------


def shipped_scenarios() -> list[Path]:
    """The scenario files shipped in ``scenarios/``, sorted by name.

    Example:
        >>> "tera" in [path.stem for path in shipped_scenarios()]
        True
        >>> from coopsim.scenario import SCENARIO_DIR       # the folder the loader reads
        >>> SHIPPED_DIR == SCENARIO_DIR
        True
    """
    return sorted(SHIPPED_DIR.glob("*.toml"), key=lambda p: p.stem)


def _scenario_names_text() -> str:
    """The shipped scenario names after 'shipped scenarios:', wrapped for help texts."""
    names = [p.stem for p in shipped_scenarios()]
    text = ", ".join(names) if names else f"(none found in {SHIPPED_DIR})"
    return textwrap.fill(f"shipped scenarios: {text}", width=HELP_WIDTH, subsequent_indent="  ")


def _wrap(text: str, indent: str = "") -> str:
    """Wrap a paragraph of help text to :data:`HELP_WIDTH` columns."""
    return textwrap.fill(text, width=HELP_WIDTH, initial_indent=indent, subsequent_indent=indent)


def fresh_seed() -> int:
    """A new seed from the system's entropy, for a run without --seed (it is recorded).

    Example:
        >>> 0 <= fresh_seed() < 2**32
        True
    """
    return random.SystemRandom().randrange(2**32)


def _seed(text: str) -> int:
    """``--seed``: a non-negative integer."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (expected e.g. --seed 1)") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative (expected 0 or more)")
    return value


def int_at_least(low: int, what: str) -> Callable[[str], int]:
    """An argument type: a whole number of at least ``low``, ``what`` naming the option.

    Example:
        >>> workers = int_at_least(1, "--workers")
        >>> workers("2")
        2
        >>> try:
        ...     workers("0")
        ... except argparse.ArgumentTypeError as exc:
        ...     print(exc)
        0: --workers must be at least 1
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value}: {what} must be at least {low}")
        return value

    return parse


def _years(text: str) -> float:
    """``--years``: a positive number of years, at least one week and at most 200 years."""
    from .base import WEEKS_PER_YEAR

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (expected e.g. --years 10)") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a positive number of years")
    if round(value * WEEKS_PER_YEAR) < 1:
        raise argparse.ArgumentTypeError(f"{text} is less than one week (the shortest run is 1/52 of a year)")
    if value > 200:
        raise argparse.ArgumentTypeError(f"{text} is more than 200 years")
    return value


def _one_line(message: str) -> str:
    """Collapse a message to one line, shortening the middle of a very long one."""
    text = " ".join(message.split())
    if len(text) > MAX_MESSAGE:
        head, tail = MAX_MESSAGE // 3, MAX_MESSAGE - MAX_MESSAGE // 3
        text = f"{text[:head]} … {text[-tail:]}"
    return text


def json_safe(value: Any) -> Any:
    """Plain JSON data: NaN and infinities become ``None`` (null), numpy scalars Python numbers.

    Example:
        >>> import numpy as np
        >>> json_safe({"turnover": np.float64(0.2), "burnouts": np.int64(3), "pressure": float("nan")})
        {'turnover': 0.2, 'burnouts': 3, 'pressure': None}
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(path: Path, data: Any) -> None:
    """Write data as indented, strictly valid JSON (no NaN).

    Example:
        >>> import json, tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "summary.json"
        >>> write_json(path, {"seed": 1, "stipend_pressure_mean": float("nan")})
        >>> json.loads(path.read_text())
        {'seed': 1, 'stipend_pressure_mean': None}
    """
    text = json.dumps(json_safe(data), indent=2, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


# --- coopsim run ----------------------------------------------------------------------


def _check_out(out: Path) -> None:
    """Refuse an output folder that cannot be one, before anything is computed or written."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UserError(f"--out {out}: {ancestor} is a file, not a folder")
    target = out if out.exists() else ancestor
    if not os.access(target, os.W_OK | os.X_OK):
        raise UserError(f"--out {out}: {target} is not writable")


def _check_model(scenario: Scenario, seed: int | None, years: float | None) -> None:
    """Build the model once without running it, so that a scenario the model cannot set up
    is refused before anything is written (building takes milliseconds)."""
    from .model import CoopModel
    from .scenario import ScenarioError

    try:
        CoopModel(scenario, seed=seed, years=years)
    except ScenarioError:
        raise
    except ValueError as exc:
        raise UserError(f"scenario {scenario.name!r} cannot be set up: {exc}") from None


def write_folder(out: Path, write: Callable[[Path], list[str]], owned: Collection[str] = ()) -> list[str]:
    """Write files with ``write(tmp)`` into a temporary folder next to ``out``, then move
    them into ``out``; return the names written.

    Nothing half-written ever appears in ``out``: a new folder is renamed into place in one
    step, and into an existing folder each file is moved in one step. A name in ``owned``
    that this call did not write (e.g. report.png after --no-report) is removed, so the
    folder describes one run; other files there are left alone. A failure to write is a
    :class:`UserError` naming ``--out``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> out = Path(tempfile.mkdtemp()) / "run"
        >>> def write(tmp):
        ...     (tmp / "a.txt").write_text("hello")
        ...     return ["a.txt"]
        >>> write_folder(out, write), (out / "a.txt").read_text()
        (['a.txt'], 'hello')
    """
    _check_out(out)
    out.absolute().parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.absolute().parent))
    try:
        names = write(tmp)
        if not out.exists():
            tmp.rename(out)
            return names
        for name in names:
            os.replace(tmp / name, out / name)
        for name in set(owned) - set(names):
            if (out / name).is_file():
                (out / name).unlink()
    except OSError as exc:
        raise UserError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return names
