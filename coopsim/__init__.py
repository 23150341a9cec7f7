"""coopsim: an agent-based simulation of cooperative ecosystems such as TERA.

People engage, build trust, carry work, disagree, tire, burn out and leave; mechanisms
such as REX, médiation, contractualisation and a transition income change that. See
``docs/ODD.md`` for the model and ``README.md`` for the commands.

The public API is small:

- :class:`CoopModel`: the Mesa model, stepped week by week;
- :func:`load_scenario`: read and validate a scenario file;
- :func:`run`: one seeded run, returned as frames and a summary.
"""

from importlib.metadata import PackageNotFoundError, version

from .model import CoopModel
from .runner import RunResult, run
from .scenario import Scenario, ScenarioError, load_scenario

try:
    __version__ = version("coopsim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["CoopModel", "RunResult", "Scenario", "ScenarioError", "__version__", "load_scenario", "run"]
