"""Every mistake of the user ends with one clear line, exit code 2, and nothing written.

Each case writes its (small, mostly malformed) scenario files into ``tmp_path`` (they
start with ``extends = "<scenarios/tera.toml>"`` and change one thing), calls
``coopsim run`` and checks: exit code 2; stderr is one line starting with
``coopsim: error:`` that names the problem (the file, field or value); no traceback;
the ``--out`` folder does not exist afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coopsim.cli import main
from coopsim.scenario import SCENARIO_DIR

TERA = (SCENARIO_DIR / "tera.toml").as_posix()
EXTENDS = f'extends = "{TERA}"\n'
SIX = "\n".join(
    f'[[structures.structures]]\nkey = "{key}"\nname = "{key}"\ntreasury = 1000'
    for key in ("sci", "coop", "qrt", "abeille", "fund", "association")
)
FIVE = SIX.rsplit("[[structures.structures]]", 1)[0]


@dataclass
class Case:
    """A bad call: files to write, the arguments after ``coopsim``, words the error must contain.

    In ``argv`` and file contents, ``{tmp}`` is the test's folder. ``--out {tmp}/out`` is
    added unless ``argv`` has its own ``--out``.
    """

    id: str
    argv: list[str]
    expect: list[str]
    files: dict[str, str] = field(default_factory=dict)


CASES = [
    Case("missing-file", ["run", "{tmp}/nope.toml"], ["nope.toml", "no such scenario file"]),
    Case("unknown-name", ["run", "not-a-scenario"], ["not-a-scenario", "no such scenario file"]),
    Case(
        "toml-syntax", ["run", "{tmp}/s.toml"], ["s.toml", "not valid TOML", "line 2"], {"s.toml": EXTENDS + "[rex\n"}
    ),
    Case(
        "unknown-top-key", ["run", "{tmp}/s.toml"], ["s.toml", "foo", "unknown key"], {"s.toml": EXTENDS + "foo = 1\n"}
    ),
    Case(
        "unknown-key-in-rex",
        ["run", "{tmp}/s.toml"],
        ["rex.bogus", "unknown key", "participation"],
        {"s.toml": EXTENDS + "[rex]\nbogus = 1\n"},
    ),
    Case(
        "wrong-type",
        ["run", "{tmp}/s.toml"],
        ["rex.enabled", "maybe", "boolean"],
        {"s.toml": EXTENDS + '[rex]\nenabled = "maybe"\n'},
    ),
    Case(
        "out-of-range",
        ["run", "{tmp}/s.toml"],
        ["rex.participation", "1.5", "less than or equal to 1"],
        {"s.toml": EXTENDS + "[rex]\nparticipation = 1.5\n"},
    ),
    Case(
        "negative",
        ["run", "{tmp}/s.toml"],
        ["population.founders", "-3"],
        {"s.toml": EXTENDS + "[population]\nfounders = -3\n"},
    ),
    Case(
        "wrong-literal",
        ["run", "{tmp}/s.toml"],
        ["structures.units.0.structure", "bank", "association"],
        {
            "s.toml": EXTENDS
            + SIX
            + '\n[[structures.units]]\nname = "Banque"\nstructure = "bank"\n'
            + 'roles = [{ name = "guichet", kind = "admin", hours = 2 }]\n'
        },
    ),
    Case(
        "six-structures",
        ["run", "{tmp}/s.toml"],
        ["structures", "exactly once", "association"],
        {"s.toml": EXTENDS + FIVE},
    ),
    Case(
        "role-hours-zero",
        ["run", "{tmp}/s.toml"],
        ["structures.units.0.roles.0.hours", "greater than 0"],
        {
            "s.toml": EXTENDS
            + SIX
            + '\n[[structures.units]]\nname = "u"\nstructure = "sci"\n'
            + 'roles = [{ name = "r", kind = "admin", hours = 0 }]\n'
        },
    ),
    Case("years-in-file", ["run", "{tmp}/s.toml"], ["years", "0"], {"s.toml": EXTENDS + "years = 0\n"}),
    Case(
        "extends-missing",
        ["run", "{tmp}/s.toml"],
        ["missing-parent.toml", "no such scenario file"],
        {"s.toml": 'extends = "missing-parent.toml"\n'},
    ),
    Case(
        "extends-loop",
        ["run", "{tmp}/a.toml"],
        ["loop", "a.toml -> b.toml -> a.toml"],
        {"a.toml": 'extends = "b.toml"\n', "b.toml": 'extends = "a.toml"\n'},
    ),
    Case("extends-not-text", ["run", "{tmp}/s.toml"], ["s.toml", "extends"], {"s.toml": "extends = 3\n"}),
    Case("set-without-equals", ["run", "tera", "--set", "rex.enabled"], ["--set", "rex.enabled", "KEY=VALUE"]),
    Case("set-unknown-key", ["run", "tera", "--set", "rex.nope=1"], ["rex.nope", "unknown key"]),
    Case("set-out-of-range", ["run", "tera", "--set", "rex.participation=2"], ["rex.participation", "2"]),
    Case("set-wrong-type", ["run", "tera", "--set", "population.founders=many"], ["population.founders", "many"]),
    Case("set-into-a-value", ["run", "tera", "--set", "rex.enabled.x=1"], ["rex.enabled", "not a table"]),
    Case("set-empty-key", ["run", "tera", "--set", "=3"], ["--set", "dotted name"]),
    Case("years-zero", ["run", "tera", "--years", "0"], ["--years", "0", "positive"]),
    Case("years-negative", ["run", "tera", "--years", "-2"], ["--years", "-2"]),
    Case("years-not-a-number", ["run", "tera", "--years", "ten"], ["--years", "ten"]),
    Case("years-under-a-week", ["run", "tera", "--years", "0.001"], ["--years", "one week"]),
    Case("seed-not-an-integer", ["run", "tera", "--seed", "abc"], ["--seed", "abc"]),
    Case("seed-negative", ["run", "tera", "--seed", "-1"], ["--seed", "negative"]),
    Case("out-is-a-file", ["run", "tera", "--out", "{tmp}/out"], ["--out", "not a folder"], {"out": "precious\n"}),
    Case(
        "out-under-a-file",
        ["run", "tera", "--out", "{tmp}/file/out"],
        ["--out", "is a file"],
        {"file": "precious\n"},
    ),
    Case("unknown-option", ["run", "tera", "--bogus"], ["unrecognized arguments", "--bogus"]),
    Case("unknown-command", ["frobnicate"], ["invalid choice", "frobnicate"]),
    Case("missing-scenario-argument", ["run"], ["SCENARIO"]),
]


def _prepare(case: Case, tmp_path: Path) -> list[str]:
    """Write the case's files and return its full argument list."""
    for name, text in case.files.items():
        (tmp_path / name).write_text(text.replace("{tmp}", tmp_path.as_posix()), encoding="utf-8")
    argv = [a.replace("{tmp}", tmp_path.as_posix()) for a in case.argv]
    if "--out" not in argv and argv and argv[0] == "run":
        argv += ["--out", (tmp_path / "out").as_posix()]
    return argv


def _out_path(argv: list[str]) -> Path | None:
    return Path(argv[argv.index("--out") + 1]) if "--out" in argv else None


def _check(case: Case, tmp_path: Path, argv: list[str], code: int, err: str) -> None:
    """The common checks: exit 2, one clear line, nothing written."""
    assert code == 2
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("coopsim: error: ")
    for word in case.expect:
        assert word in lines[0], f"{word!r} missing from: {lines[0]}"
    out = _out_path(argv)
    if out is not None and "out" not in case.files:
        assert not out.exists(), "the output folder was created"
    for name, text in case.files.items():  # a pre-existing file is left as it was
        assert (tmp_path / name).read_text(encoding="utf-8") == text.replace("{tmp}", tmp_path.as_posix())
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = _prepare(case, tmp_path)
    code = main(argv)
    captured = capsys.readouterr()
    assert captured.out == ""
    _check(case, tmp_path, argv, code, captured.err)


SUBPROCESS_CASES = [c for c in CASES if c.id in {"wrong-type", "extends-loop", "seed-not-an-integer", "out-is-a-file"}]


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[c.id for c in SUBPROCESS_CASES])
def test_bad_input_from_the_shell(case: Case, tmp_path: Path) -> None:
    """The same through ``python -m coopsim``: the exit status and stderr a shell sees."""
    argv = _prepare(case, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "coopsim", *argv], capture_output=True, text=True, timeout=120)
    assert proc.stdout == ""
    _check(case, tmp_path, argv, proc.returncode, proc.stderr)
