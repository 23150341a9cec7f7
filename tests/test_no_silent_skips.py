"""No test may pass by skipping in CI.

A skip reads as "nothing went wrong": a test that skips where it should fail (a missing
browser, an error swallowed into ``pytest.skip``) makes a green run that checked
nothing. Two guards keep that from creeping back:

- every skip or xfail written in ``tests/`` must be listed in :data:`ALLOWED`, with the
  reason it cannot be reached while ``CI`` is set; a new one fails
  :func:`test_every_skip_in_the_tests_is_listed_and_cannot_happen_in_ci` until it is
  justified here (or, better, replaced by a failure);
- ``tests/conftest.py`` reports any skip that still happens while ``CI`` is set as a
  failure (checked below), and its ``missing_dependency`` fixture, the one allowed way
  to skip, fails in CI.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest

TESTS = Path(__file__).resolve().parent

#: Names that skip a test or mark it as allowed to fail, as attributes
#: (``pytest.skip``, ``pytest.mark.skipif``, ``unittest.SkipTest``) or imported names.
SKIPPING = {"skip", "skipif", "importorskip", "xfail", "SkipTest", "skipTest"}

#: (file, enclosing function or "<module>") -> why it is not reached while CI is set.
ALLOWED = {
    ("conftest.py", "_missing_dependency"): "calls pytest.fail instead when CI is set (tested below)",
}


def skips_in(path: Path) -> list[tuple[str, str, int]]:
    """The skips written in one test file: (file, enclosing function, line)."""
    found: list[tuple[str, str, int]] = []

    class Finder(ast.NodeVisitor):
        def __init__(self) -> None:
            self.scope = ["<module>"]

        def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
            self.scope.append(node.name)
            self.generic_visit(node)  # its decorators too: a skipif marker belongs to the test it marks
            self.scope.pop()

        def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
            self.visit_FunctionDef(node)

        def visit_Attribute(self, node: ast.Attribute) -> None:
            if node.attr == "Exception" and isinstance(node.value, ast.Attribute):
                self.generic_visit(node.value)  # pytest.skip.Exception names the exception, skips nothing
            else:
                if node.attr in SKIPPING:
                    found.append((path.name, self.scope[-1], node.lineno))
                self.generic_visit(node)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if any(alias.name in SKIPPING for alias in node.names):
                found.append((path.name, self.scope[-1], node.lineno))

    Finder().visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return sorted(found, key=lambda skip: skip[2])


def test_the_finder_sees_every_way_to_skip(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n"
        "from pytest import importorskip\n"
        "pytestmark = pytest.mark.skipif(True, reason='x')  # pytest.skip( in a comment is not a skip\n"
        "@pytest.mark.xfail\n"
        "def test_a():\n"
        "    '''pytest.skip( in a docstring is not a skip'''\n"
        "    try:\n"
        "        pass\n"
        "    except Exception:\n"
        "        pytest.skip('swallowed')\n"
        "    assert pytest.skip.Exception\n",  # the exception's name: no skip
        encoding="utf-8",
    )
    assert skips_in(sample) == [
        ("test_sample.py", "<module>", 2),
        ("test_sample.py", "<module>", 3),
        ("test_sample.py", "test_a", 4),
        ("test_sample.py", "test_a", 10),
    ]


def test_every_skip_in_the_tests_is_listed_and_cannot_happen_in_ci() -> None:
    found = [skip for path in sorted(TESTS.rglob("*.py")) for skip in skips_in(path)]
    unlisted = [f"{file}:{line} (in {scope})" for file, scope, line in found if (file, scope) not in ALLOWED]
    assert not unlisted, (
        "a skip or xfail that can pass silently; make it fail, or use the missing_dependency fixture "
        "(fails in CI), or list it in ALLOWED with why CI cannot reach it: " + ", ".join(unlisted)
    )
    stale = set(ALLOWED) - {(file, scope) for file, scope, _ in found}
    assert not stale, f"ALLOWED lists skips that are gone; remove them: {sorted(stale)}"


def _conftest(config: pytest.Config) -> ModuleType:
    """The tests' conftest module, as pytest registered it."""
    plugin = config.pluginmanager.get_plugin(str(TESTS / "conftest.py"))
    assert isinstance(plugin, ModuleType), "tests/conftest.py is not registered under its path"
    return plugin


def test_missing_dependency_skips_with_the_install_command_outside_ci(
    monkeypatch: pytest.MonkeyPatch, missing_dependency
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install it with: sudo apt-get install chromium"):
        missing_dependency("Chromium at /nowhere", "sudo apt-get install chromium")


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_missing_dependency_fails_in_ci(monkeypatch: pytest.MonkeyPatch, missing_dependency, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"Chromium at /nowhere is missing.*CI is set"):
        missing_dependency("Chromium at /nowhere", "sudo apt-get install chromium")


def _report(outcome: str) -> pytest.TestReport:
    return pytest.TestReport(
        nodeid="tests/test_x.py::test_x",
        location=("tests/test_x.py", 0, "test_x"),
        keywords={},
        outcome=outcome,  # type: ignore[arg-type]
        longrepr=("tests/test_x.py", 1, "Skipped: no reason") if outcome == "skipped" else None,
        when="call",
    )


def _through_hook(conftest: ModuleType, report: pytest.TestReport, item: pytest.Item) -> pytest.TestReport:
    """Pass ``report`` through conftest's pytest_runtest_makereport wrapper, as pytest does."""
    hook = conftest.pytest_runtest_makereport(item, None)
    next(hook)
    with pytest.raises(StopIteration) as done:
        hook.send(report)
    return done.value.value


def test_a_skip_while_ci_is_set_is_reported_as_a_failure(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    conftest = _conftest(request.config)
    monkeypatch.setenv("CI", "1")
    report = _through_hook(conftest, _report("skipped"), request.node)
    assert report.failed and "skipped while CI is set (Skipped: no reason)" in str(report.longrepr)
    assert _through_hook(conftest, _report("passed"), request.node).passed
    monkeypatch.setenv("CI", "")
    assert _through_hook(conftest, _report("skipped"), request.node).skipped
