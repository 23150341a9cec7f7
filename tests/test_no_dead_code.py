"""Nothing unused is left in the package: every name a module of ``coopsim/`` defines at
its top level (function, class, constant) or in a class (method, field) is used somewhere
else: in the package, the tests, the benchmarks, the tools, the notebooks or the docs. A
small vulture: a word counted in the sources.

Names called by their spelled name are allowed below: the sub-command functions, which
:data:`coopsim.cli.COMMANDS` finds as ``add_<name>_arguments``, ``run_<name>`` and
``<name>_epilog``, the levers (found by the registry), what Mesa and Python call by name,
and the rules stated in whole-array form for the reader beside the kernel that applies them.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = sorted((ROOT / "coopsim").rglob("*.py"))
SOURCES = ["coopsim/**/*.py", "tests/*.py", "benchmarks/*.py", "tools/*.py", "notebooks/*.ipynb", "docs/*.md", "*.md"]
COMMAND_FUNCTION = re.compile(r"^(add_\w+_arguments|run_\w+|\w+_epilog)$")
ALLOWED = {
    "main",  # the 'coopsim' program (pyproject.toml)
    "__all__",
    # the levers: registered by their class (coopsim.mechanisms.REGISTRY), never named
    "TerritorialDialogue", "MeetingPractices", "RoleDescriptions", "SphereSeparation", "RevenuDeTransition",
    "InternalTraining", "WelcomeCircle",
    "_wrapped_step", "get_model_vars_dataframe",  # called by Mesa (its step wrapper, batch_run's data)
    "discard",  # the set protocol of ConflictSet
    # rules in whole-array form, for the reader, beside the kernel that applies them person by person
    "update_role_identity", "withdrawal_midpoint", "scale_of_roles",
}  # fmt: skip


def defined_names(path: Path) -> list[str]:
    """The names ``path`` defines at its top level and in its classes."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.decorator_list:  # not a validator
                    names.append(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.append(item.target.id)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def code(path: Path) -> str:
    """The text of a source file; of a Python module, its code without docstrings and
    comments (a name only used in its own docstring example is not used)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    tree = ast.parse(text)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            body[0] = ast.Pass()  # type: ignore[index]
    return ast.unparse(tree)


def word_counts() -> Counter[str]:
    """How often each word appears in every source of the project."""
    counts: Counter[str] = Counter()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            counts.update(re.findall(r"\w+", code(path)))
    return counts


def test_every_name_of_the_package_is_used() -> None:
    counts = word_counts()
    unused = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in CHECKED
        for name in defined_names(path)
        if counts[name] <= 1
        and name not in ALLOWED
        and not (name.startswith("__") and name.endswith("__"))
        and not COMMAND_FUNCTION.match(name)
    ]
    assert not unused, "defined but never used (remove them, or say in this test why they stay):\n" + "\n".join(unused)
