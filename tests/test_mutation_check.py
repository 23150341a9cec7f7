"""The mutation check's list (``tools/mutation_check.py``) against today's code.

Cheap: nothing is mutated or run here. Every mutation must name a file of ``coopsim/``, a
snippet found there exactly once and a replacement that changes it, so that a refactor
that rewrites an equation is noticed in the ordinary suite (the entry is then updated to
the new code, keeping the mistake it stands for). Running the mutations themselves takes
minutes: ``python tools/mutation_check.py``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def load_mutation_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_check", ROOT / "tools" / "mutation_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_mutation_snippet_is_in_the_code() -> None:
    check = load_mutation_check()
    assert len(check.MUTATIONS) >= 12
    assert check.missing_snippets() == []
    for mutation in check.MUTATIONS:
        assert isinstance(mutation, check.Mutation)
        assert mutation.description and "\n" not in mutation.description
    descriptions = [mutation.description for mutation in check.MUTATIONS]
    assert len(set(descriptions)) == len(descriptions)
    assert all((ROOT / test).is_file() for test in check.TESTS)


def test_a_snippet_missing_from_the_code_is_reported(tmp_path: Path) -> None:
    check = load_mutation_check()
    first = check.MUTATIONS[0]
    (tmp_path / "coopsim" / Path(first.file).parent).mkdir(parents=True)
    (tmp_path / "coopsim" / first.file).write_text("# the equation was rewritten\n", encoding="utf-8")
    problems = check.missing_snippets(tmp_path)
    assert problems[0].startswith("1: the snippet") and "found 0 times" in problems[0]
    assert len(problems) == len(check.MUTATIONS)  # every other file is missing altogether
