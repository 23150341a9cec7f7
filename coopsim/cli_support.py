"""What the ``coopsim`` sub-commands share: :class:`UserError`, the argument types, output
folders checked before anything runs and written in one step, and strict JSON.

The main command (:mod:`coopsim.cli`, which holds the one table of sub-commands) and the
sub-commands that live with their own package (:mod:`coopsim.experiments.commands`,
:mod:`coopsim.validation.commands`) import from here.

It imports nothing heavy at module level (no numpy, pydantic, Mesa or pandas): ``coopsim
--help`` and every ``--help`` of a sub-command import this module, and should start at
once. What a check needs (the model, the scenario loader) is imported when it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Collection
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
        >>> from coopsim.experiments.commands.sweep import resolve_experiment
        >>> try:
        ...     resolve_experiment("no-such-experiment")
        ... except UserError as exc:
        ...     print(str(exc).split(":")[0])
        no-such-experiment
    """


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


def share(text: str) -> float:
    """An argument type: a share strictly between 0 and 1 (``--min-density``, ``--alpha``).

    Example:
        >>> share("0.05")
        0.05
        >>> try:
        ...     share("1")
        ... except argparse.ArgumentTypeError as exc:
        ...     print(exc)
        1 must be between 0 and 1 (exclusive)
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (expected a share such as 0.05)") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be between 0 and 1 (exclusive)")
    return value


def finite_number(text: str) -> float:
    """An argument type: a finite number (``--below``, ``--above``).

    Example:
        >>> finite_number("3"), finite_number("-0.5")
        (3.0, -0.5)
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} is not a finite number")
    return value


def port_number(text: str) -> int:
    """An argument type: a TCP port number (``--port``).

    Example:
        >>> port_number("8765")
        8765
    """
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


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


# --- where a command writes: checked before it computes --------------------------------


def out_dir(text: str) -> Path:
    """An argument type for an output folder (``--out``, ``--docs``): any path but a blank one.

    ``Path("")`` is the current folder, so an empty ``--out`` (an unset shell variable, say)
    would write there; it is refused when the command line is read.

    Example:
        >>> out_dir("out/run")
        PosixPath('out/run')
        >>> try:
        ...     out_dir("")
        ... except argparse.ArgumentTypeError as exc:
        ...     print(exc)
        '': give a folder name
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: give a folder name")
    return Path(text)


def out_file(text: str) -> Path:
    """An argument type for an output file (``--csv``): any path but a blank one.

    Example:
        >>> try:
        ...     out_file("")
        ... except argparse.ArgumentTypeError as exc:
        ...     print(exc)
        '': give a file name
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: give a file name")
    return Path(text)


def _try_writing(folder: Path, missing: list[Path]) -> None:
    """Make the ``missing`` folders under the existing ``folder`` (outermost first), or, when
    none is missing, a hidden folder in ``folder``; remove what was made. An :class:`OSError`
    says why the place cannot be written."""
    made: list[Path] = []
    try:
        if not missing:
            made.append(Path(tempfile.mkdtemp(prefix=".coopsim-write-test-", dir=folder)))
        for path in missing:
            path.mkdir()
            made.append(path)
    finally:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir()


def _check_out(out: Path, option: str = "--out") -> None:
    """Refuse an output folder that cannot be one, before anything is computed or written.

    The folder is tried, not judged by its permission bits (root passes them all, yet can
    write neither in /proc nor in /sys nor on a read-only disk): an existing folder gets a
    hidden folder made and removed in it; a new one is made, with the folders missing above
    it, and removed. Either way nothing is left. ``option`` names the option in the message.

    Example:
        >>> try:
        ...     _check_out(Path("/proc/coopsim-out"))
        ... except UserError as exc:
        ...     print(str(exc).split(" (")[0])
        --out /proc/coopsim-out: cannot create /proc/coopsim-out
    """
    where = f"{option} {out}"
    try:
        if out.is_symlink() and not out.exists():
            raise UserError(f"{where}: is a link to {os.readlink(out)}, which does not exist")
        if out.exists() and not out.is_dir():
            raise UserError(f"{where}: exists and is not a folder")
        folder = out.absolute()
        missing: list[Path] = []
        while not folder.exists():
            missing.insert(0, folder)
            folder = folder.parent
        if not folder.is_dir():
            raise UserError(f"{where}: {folder} is a file, not a folder")
    except OSError as exc:  # e.g. a name too long
        raise UserError(f"{where}: {exc.strerror or exc}") from None
    try:
        _try_writing(folder, missing)
    except OSError as exc:
        doing = f"cannot create {exc.filename}" if missing and exc.filename else f"cannot write in {out}"
        raise UserError(f"{where}: {doing} ({exc.strerror or exc})") from None


def _check_file(path: Path, option: str) -> None:
    """Refuse an output file that cannot be written (a folder, a missing folder, a place
    that takes no new file), before anything is computed; nothing is left by the check.

    Example:
        >>> try:
        ...     _check_file(Path("/proc/scores.csv"), "--csv")
        ... except UserError as exc:
        ...     print(str(exc).split(" (")[0])
        --csv /proc/scores.csv: cannot write in /proc
    """
    where = f"{option} {path}"
    folder = path.absolute().parent
    try:
        if path.is_dir():
            raise UserError(f"{where}: is a folder, not a file")
        if not folder.exists():
            raise UserError(f"{where}: there is no folder {folder}")
        if not folder.is_dir():
            raise UserError(f"{where}: {folder} is a file, not a folder")
        exists = path.exists()
    except OSError as exc:  # e.g. a name too long
        raise UserError(f"{where}: {exc.strerror or exc}") from None
    try:
        if exists:
            with path.open("ab"):  # opened to append, nothing written: the file is unchanged
                pass
        else:
            _try_writing(folder, [])
    except OSError as exc:
        doing = f"cannot write to {path}" if exists else f"cannot write in {folder}"
        raise UserError(f"{where}: {doing} ({exc.strerror or exc})") from None


def _folder_mode() -> int:
    """The mode of a new folder under the user's umask (0o755 with umask 022). The umask can
    only be read by setting it: it is set back at once (the command runs in one thread)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask


# --- coopsim run ----------------------------------------------------------------------


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
    """Write files with ``write(tmp)`` into a hidden temporary folder, then move them into
    ``out``; return the names written.

    Nothing half-written ever appears in ``out``: a new folder is written next to where it
    goes and renamed into place in one step, with the mode the user's umask gives (0o755
    with umask 022); into an existing folder, the temporary folder is made inside it (so
    only ``out`` itself need be writable) and each file is moved in one step. A name in
    ``owned`` that this call did not write (e.g. report.png after --no-report) is removed,
    so the folder describes one run; other files there are left alone. ``out`` is checked
    first (:func:`_check_out`); a failure to write is a :class:`UserError` naming ``--out``.

    Example:
        >>> import stat, tempfile
        >>> from pathlib import Path
        >>> out = Path(tempfile.mkdtemp()) / "run"
        >>> def write(tmp):
        ...     (tmp / "a.txt").write_text("hello")
        ...     return ["a.txt"]
        >>> write_folder(out, write), (out / "a.txt").read_text()
        (['a.txt'], 'hello')
        >>> stat.S_IMODE(out.stat().st_mode) == _folder_mode()      # not tempfile's 0o700
        True
    """
    _check_out(out)
    try:
        if out.exists():
            tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=out))
        else:
            out.absolute().parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.absolute().parent))
    except OSError as exc:
        raise UserError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    try:
        names = write(tmp)
        if not out.exists():
            tmp.chmod(_folder_mode())
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
