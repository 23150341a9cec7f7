"""Every public function and class of coopsim has a docstring with a runnable example.

The examples are doctests (``>>>`` lines): pytest runs them with ``--doctest-modules``
over ``coopsim/`` (see ``pyproject.toml``), so an example that stops being true fails
the build. This test only checks that each public name *has* one: a function or class
whose name does not start with ``_``, defined in a module of ``coopsim/``,
``coopsim/mechanisms/`` or ``coopsim/experiments/`` (not merely imported there).
Methods are not required to have their own example.

Not walked: ``coopsim/ui/`` and ``coopsim/validation/`` (they carry their own checks),
and ``coopsim/__main__.py`` (importing it runs the command line).
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "coopsim"
WALKED = ("", "mechanisms", "experiments", "experiments/engine", "experiments/analyses", "experiments/commands")
# sub-packages walked, "" is coopsim itself
SKIPPED_MODULES = {"coopsim.__main__"}


def module_names() -> list[str]:
    """The dotted names of the walked modules, e.g. ``coopsim.model``."""
    names = []
    for sub in WALKED:
        folder = PACKAGE / sub if sub else PACKAGE
        prefix = "coopsim" + (f".{sub.replace('/', '.')}" if sub else "")
        for path in sorted(folder.glob("*.py")):
            name = prefix if path.stem == "__init__" else f"{prefix}.{path.stem}"
            if name not in SKIPPED_MODULES:
                names.append(name)
    return names


def public_definitions(module_name: str) -> list[tuple[str, object]]:
    """The public functions and classes defined in the module (not imported into it)."""
    module = importlib.import_module(module_name)
    found = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", None) == module_name:
            found.append((name, obj))
    return found


def test_modules_are_found() -> None:
    names = module_names()
    assert {"coopsim.model", "coopsim.mechanisms.rex", "coopsim.experiments.engine.store"} <= set(names)
    assert not any(n.startswith(("coopsim.ui", "coopsim.validation")) for n in names)


def test_every_public_function_and_class_has_an_example() -> None:
    missing = []
    for module_name in module_names():
        for name, obj in public_definitions(module_name):
            doc = inspect.getdoc(obj) or ""
            if ">>>" not in doc:
                missing.append(f"{module_name}.{name}")
    assert not missing, (
        f"{len(missing)} public functions or classes have no '>>>' example in their docstring:\n  "
        + "\n  ".join(missing)
    )
