"""Short functions: no function of ``coopsim/`` has a body of 60 lines or more (the lines after
its docstring, nested functions included), so that each reads as one step of the model, the
experiments or the page. A long one is split into named parts, not let grow."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LONGEST = 59


def body_lengths(path: Path) -> list[tuple[int, str]]:
    """(lines after the docstring, name) of every function defined in ``path``."""
    sizes = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0]
            documented = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            start = int(first.end_lineno or first.lineno) + 1 if documented else first.lineno
            sizes.append((int(node.end_lineno or node.lineno) - start + 1, f"{node.name} (line {node.lineno})"))
    return sizes


def test_body_lengths_counts_lines_after_the_docstring(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text('def f():\n    """Doc\n    on two lines."""\n    a = 1\n    return a\n\n\ndef g():\n    pass\n')
    assert body_lengths(source) == [(2, "f (line 1)"), (1, "g (line 8)")]


def test_no_function_is_60_lines_or_longer() -> None:
    too_long = [
        f"{path.relative_to(ROOT)}: {name}: {size} lines"
        for path in sorted((ROOT / "coopsim").rglob("*.py"))
        for size, name in body_lengths(path)
        if size > LONGEST
    ]
    assert not too_long, "split these into named parts:\n" + "\n".join(too_long)
