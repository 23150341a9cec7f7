"""coopsim: an agent-based simulation of cooperative ecosystems such as TERA.

People engage, build trust, carry work, disagree, tire, burn out and leave; mechanisms
such as REX, médiation, contractualisation and a transition income change that. See
``docs/ODD.md`` for the model and ``README.md`` for the commands.

The public API is small:

- :class:`CoopModel`: the Mesa model, stepped week by week;
- :func:`load_scenario`: read and validate a scenario file;
- :func:`run`: one seeded run, returned as frames and a summary.

These names are imported when first used (``from coopsim import run`` imports the model
then), so that ``coopsim --help`` and the sub-commands that do not simulate start
without loading Mesa, pandas and scipy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import CoopModel
    from .runner import RunResult, run
    from .scenario import Scenario, ScenarioError, load_scenario

#: Where each public name lives, imported on first use.
_HOMES = {
    "CoopModel": "model",
    "RunResult": "runner",
    "run": "runner",
    "Scenario": "scenario",
    "ScenarioError": "scenario",
    "load_scenario": "scenario",
}

__all__ = ["CoopModel", "RunResult", "Scenario", "ScenarioError", "__version__", "load_scenario", "run"]


def _version() -> str:
    """The installed version of coopsim, or 0.0.0+unknown in a source tree not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("coopsim")
    except PackageNotFoundError:
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    if name == "__version__":
        value: Any = _version()
    elif name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
