"""Every mistake of the user ends with one clear line, exit code 2, and nothing written.

Each case writes its (small, mostly malformed) scenario files into ``tmp_path`` (they
start with ``extends = "<scenarios/tera.toml>"`` and change one thing), calls
``coopsim run`` and checks: exit code 2; stderr is one line starting with
``coopsim: error:`` that names the problem (the file, field or value); no traceback;
the ``--out`` folder does not exist afterwards.

Further down, the same promise where a case needs more than a file and a command line: a
scenario's ``extends`` means the same whatever the working folder, a ``name`` that would
write outside ``out/`` is refused, a file that is not UTF-8, values that used to pass
(``treasury = inf``, more salaried founders than founders), and analysis options out of
range (``discover --step`` beyond the trajectory, Sobol' indices of too few samples).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from coopsim.cli import main
from coopsim.scenario import SCENARIO_DIR, load_scenario

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


# --- paths: where a scenario's parent is looked for, where its name writes ------------------


def _error_line(code: int, err: str) -> str:
    """The one error line of a refused command (exit 2, no traceback)."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("coopsim: error: ")
    return lines[0]


def test_extends_means_the_same_from_any_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``extends = "tera.toml"`` is the shipped tera, even run from a folder holding another tera.toml."""
    project, decoy = tmp_path / "project", tmp_path / "decoy"
    project.mkdir()
    decoy.mkdir()
    (project / "s.toml").write_text('extends = "tera.toml"\nyears = 2\n', encoding="utf-8")
    (decoy / "tera.toml").write_text(EXTENDS + 'name = "decoy"\n[rex]\nenabled = false\n', encoding="utf-8")
    loaded = []
    for folder in (project, decoy, tmp_path):
        monkeypatch.chdir(folder)
        loaded.append(load_scenario(project / "s.toml").model_dump(mode="json"))
    assert loaded[0] == loaded[1] == loaded[2]
    expected = load_scenario("tera", overrides={"years": 2}).model_dump(mode="json")
    assert loaded[0] == expected


def test_a_parent_only_in_the_working_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project, work = tmp_path / "project", tmp_path / "work"
    project.mkdir()
    work.mkdir()
    (project / "s.toml").write_text('extends = "mine.toml"\n', encoding="utf-8")
    (work / "mine.toml").write_text(EXTENDS, encoding="utf-8")
    monkeypatch.chdir(work)
    out = tmp_path / "out"
    code = main(["run", str(project / "s.toml"), "--years", "0.1", "--out", str(out), "--quiet"])
    line = _error_line(code, capsys.readouterr().err)
    for word in ("s.toml", "extends = 'mine.toml'", "no such scenario file", "looked in"):
        assert word in line, line
    assert str(project / "mine.toml") in line and str(SCENARIO_DIR / "mine.toml") in line
    assert str(work / "mine.toml") not in line
    assert not out.exists()


@pytest.mark.parametrize("name", ["../escape", "a/../../escape", "sub/dir", "..", ""])
def test_a_name_that_is_not_a_folder_name_is_refused(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default output folder is out/NAME: a name with '/' or '..' would write elsewhere."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "s.toml").write_text(EXTENDS + f"name = {name!r}\n".replace("'", '"'), encoding="utf-8")
    monkeypatch.chdir(work)
    line = _error_line(main(["run", "s.toml", "--years", "0.1", "--quiet"]), capsys.readouterr().err)
    for word in ("s.toml", f"name = {name!r}", "folder name", "no '/'"):
        assert word in line, line
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["s.toml", "work"]  # nothing written anywhere


def test_a_name_set_from_the_command_line_is_checked_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    line = _error_line(main(["run", "tera", "--set", "name=../x", "--out", str(out)]), capsys.readouterr().err)
    assert "name (from --set) = '../x'" in line and "folder name" in line
    assert not out.exists()


# --- values that used to pass or crash --------------------------------------------------------


def test_a_file_that_is_not_utf8_gets_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = (EXTENDS + 'description = "Écoute et médiation"\n').encode("latin-1")
    (tmp_path / "s.toml").write_bytes(data)
    out = tmp_path / "out"
    line = _error_line(main(["run", str(tmp_path / "s.toml"), "--out", str(out)]), capsys.readouterr().err)
    for word in ("s.toml", "not UTF-8", "byte 0xc9 on line 2", "saved as UTF-8"):
        assert word in line, line
    assert (tmp_path / "s.toml").read_bytes() == data
    assert not out.exists()


VALUE_CASES = [
    Case(
        "treasury-inf",
        ["run", "{tmp}/s.toml"],
        ["s.toml", "structures.structures.0.treasury", "inf", "less than or equal to 1000000000"],
        {"s.toml": EXTENDS + SIX.replace("treasury = 1000", "treasury = inf", 1)},
    ),
    Case(
        "salaried-founders-above-founders",
        ["run", "{tmp}/s.toml"],
        ["s.toml", "population.salaried_founders = 5", "at most founders = 3"],
        {"s.toml": EXTENDS + "[population]\nfounders = 3\nsalaried_founders = 5\n"},
    ),
    Case(
        "set-salaried-founders-above-founders",
        ["run", "tera", "--set", "population.salaried_founders=16"],
        ["tera.toml", "population.salaried_founders (from --set) = 16", "at most founders = 15"],
    ),
]


@pytest.mark.parametrize("case", VALUE_CASES, ids=[c.id for c in VALUE_CASES])
def test_values_that_used_to_pass(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = _prepare(case, tmp_path)
    code = main(argv)
    captured = capsys.readouterr()
    assert captured.out == ""
    _check(case, tmp_path, argv, code, captured.err)


# --- analysis options out of range ------------------------------------------------------------


@pytest.fixture(scope="module")
def founders_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished sweep: founders 10, 15, 20 × 2 replications of 5 weeks (6 runs)."""
    from coopsim.experiments import experiment_from_dict, sweep

    exp = experiment_from_dict(
        {
            "scenario": "tera",
            "years": 0.1,
            "design": "grid",
            "master_seed": 1,
            "replications": 2,
            "outcomes": ["mean_engagement"],
            "factors": {"population.founders": [10, 15, 20]},
        }
    )
    return sweep(exp, tmp_path_factory.mktemp("sweep") / "founders", workers=1, progress=False)


@pytest.mark.parametrize("step", [999, 30])
def test_discover_refuses_a_step_the_trajectory_does_not_have(
    step: int, founders_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "discover"
    before = sorted(p.relative_to(founders_sweep) for p in founders_sweep.rglob("*"))
    argv = ["discover", str(founders_sweep), "--outcome", "mean_engagement", "--above", "0.55"]
    code = main([*argv, "--step", str(step), "--out", str(out), "--quiet"])
    line = _error_line(code, capsys.readouterr().err)
    assert f"--step {step}" in line and "steps 0 to" in line and "give a step from 0 to" in line, line
    assert not out.exists()
    assert sorted(p.relative_to(founders_sweep) for p in founders_sweep.rglob("*")) == before
    assert main([*argv, "--step", "0", "--out", str(out), "--quiet"]) == 0  # a step it has is still fine
    assert "(here step 0 as asked)" in (out / "discover.md").read_text(encoding="utf-8")


def _sobol_runs(base: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A finished Sobol design of ``base`` base samples, y = 3·a + b², as the store gives it."""
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}
    X = sobol_sample.sample(problem, base, calc_second_order=False, seed=1)
    frame = pd.DataFrame({"sample_id": range(len(X)), "a": X[:, 0], "b": X[:, 1], "y": 3 * X[:, 0] + X[:, 1] ** 2})
    manifest = {
        "design": "sobol",
        "problem": problem,
        "outcomes": ["y"],
        "samples": len(X),
        "experiment": {"file": "/somewhere/sobol-tiny.toml", "data": {"second_order": False}},
    }
    return frame, manifest


@pytest.mark.parametrize("base", [1, 2, 4])
def test_sobol_refuses_too_few_base_samples(base: int) -> None:
    """Sobol' indices of 1, 2 or 4 base samples are noise (with 1, an interval of 0 besides)."""
    from coopsim.experiments.analyses.common import AnalysisError
    from coopsim.experiments.analyses.sensitivity import sensitivity

    frame, manifest = _sobol_runs(base)
    with pytest.raises(AnalysisError) as info:
        sensitivity(frame, manifest)
    line = str(info.value)
    assert "\n" not in line
    for word in ("sobol-tiny.toml", f"samples = {base}", "at least 8 base samples", "samples = 8 or more"):
        assert word in line, line
    assert len(sensitivity(*_sobol_runs(8))) == 2  # the minimum itself is analysed


# --- output folders: checked before anything is computed, made with the user's umask -----------

#: What each command that writes computes first, replaced in these tests by a stub that fails the
#: test: an unusable output folder must be refused before any of it runs.
COMPUTE = {
    "run": ("coopsim.runner", "run"),
    "sweep": ("coopsim.experiments.engine.execute", "run_sweep"),
    "compare": ("coopsim.experiments.analyses.compare", "compare"),
    "sensitivity": ("coopsim.experiments.analyses.sensitivity", "sensitivity"),
    "discover": ("coopsim.experiments.analyses.discover", "discover"),
    "report": ("coopsim.experiments.analyses.report", "report"),
    "validate": ("coopsim.validation.commands", "simulate"),
    "calibrate": ("coopsim.validation.commands", "calibrate"),
}

#: Each command's words, with the option that names where it writes ({place}); {sweep} is a
#: finished sweep's folder.
WRITERS = {
    "run": "run tera --years 0.1 --out {place}",
    "sweep": "sweep smoke --workers 1 --out {place}",
    "compare": "compare tera tera --years 0.1 --replications 2 --workers 1 --out {place}",
    "sensitivity": "sensitivity {sweep} --out {place}",
    "discover": "discover {sweep} --outcome mean_engagement --above 0.55 --out {place}",
    "report": "report {sweep} --out {place}",
    "validate": "validate --seeds 1 --write-docs --docs {place}",
    "validate-csv": "validate --seeds 1 --no-write --csv {place}",
    "calibrate": "calibrate --samples 1 --seeds 1 --csv {place}",
}

#: Places that cannot be written, and the words of the error for a folder option / a file option
#: ({option} is --out, --docs or --csv). /proc and /sys refuse new entries even to root (CI runs
#: as root, for whom permission bits block nothing); "" would be the working folder.
PLACES = {
    "empty": ("", ["{option}", "''", "give a folder name"], ["{option}", "''", "give a file name"]),
    "proc": (
        "/proc/coopsim-test",
        ["{option} /proc/coopsim-test", "cannot create /proc/coopsim-test ("],
        ["{option} /proc/coopsim-test", "cannot write in /proc ("],
    ),
    "sys": (
        "/sys/coopsim-test",
        ["{option} /sys/coopsim-test", "cannot create /sys/coopsim-test ("],
        ["{option} /sys/coopsim-test", "cannot write in /sys ("],
    ),
    "under-a-file": (
        "{tmp}/file/out",
        ["{option}", "file is a file, not a folder"],
        ["{option}", "file is a file, not a folder"],
    ),
}


@pytest.fixture
def nothing_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace what every writing command computes by a stub that fails the test."""
    import importlib

    def computed(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the command computed before checking where it writes")

    for module, name in COMPUTE.values():
        monkeypatch.setattr(importlib.import_module(module), name, computed)


def _tree(folder: Path) -> list[tuple[str, bytes | None]]:
    """Every path under ``folder`` (hidden ones too) with the content of the files."""
    return sorted((str(p.relative_to(folder)), p.read_bytes() if p.is_file() else None) for p in folder.rglob("*"))


@pytest.mark.parametrize("place", PLACES, ids=list(PLACES))
@pytest.mark.parametrize("command", WRITERS, ids=list(WRITERS))
def test_an_unusable_output_place_is_refused_before_anything_runs(
    command: str,
    place: str,
    founders_sweep: Path,
    nothing_computed: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--out ""`` (the working folder), /proc/..., /sys/..., a path under a file: one line naming
    the option, the place and why; nothing computed (the stubs) and nothing written."""
    monkeypatch.chdir(tmp_path)  # where an empty --out would write
    (tmp_path / "file").write_text("precious\n", encoding="utf-8")
    value, folder_words, file_words = PLACES[place]
    value = value.replace("{tmp}", tmp_path.as_posix())
    argv = [w.replace("{place}", value).replace("{sweep}", founders_sweep.as_posix()) for w in WRITERS[command].split()]
    option = argv[argv.index(value) - 1]
    words = file_words if option == "--csv" else folder_words
    before, sweep_before = _tree(tmp_path), _tree(founders_sweep)
    line = _error_line(main(argv), (captured := capsys.readouterr()).err)
    assert captured.out == ""
    for word in words:
        assert word.replace("{option}", option) in line, line
    assert _tree(tmp_path) == before and _tree(founders_sweep) == sweep_before
    assert not Path(value).exists() or place == "empty"


def test_validate_refuses_a_docs_folder_whose_figures_is_a_file(
    nothing_computed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "figures").write_text("precious\n", encoding="utf-8")
    line = _error_line(
        main(["validate", "--seeds", "1", "--write-docs", "--docs", str(tmp_path)]), capsys.readouterr().err
    )
    assert f"--docs {tmp_path / 'figures'}: exists and is not a folder" in line, line
    assert [p.name for p in tmp_path.iterdir()] == ["figures"]


def test_checking_a_place_leaves_nothing(tmp_path: Path) -> None:
    """The check makes what it tries (the folders missing, or a hidden one) and removes it."""
    from coopsim.cli_support import _check_file, _check_out

    (tmp_path / "there").mkdir()
    _check_out(tmp_path / "a" / "b" / "c")
    _check_out(tmp_path / "there")
    _check_file(tmp_path / "scores.csv", "--csv")
    assert [p.name for p in tmp_path.rglob("*")] == ["there"]


@pytest.fixture(params=[0o022, 0o027, 0o077], ids=["umask-022", "umask-027", "umask-077"])
def umask(request: pytest.FixtureRequest) -> Any:
    """The process's umask set for the test, and restored."""
    import os

    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def test_write_folder_gives_a_new_folder_the_users_umask(umask: int, tmp_path: Path) -> None:
    """Not tempfile's 0o700: the folder is made as a temporary one, then renamed into place."""
    from coopsim.cli_support import write_folder

    def write(folder: Path) -> list[str]:
        (folder / "a.txt").write_text("hello", encoding="utf-8")
        return ["a.txt"]

    write_folder(tmp_path / "made" / "out", write)
    assert _mode(tmp_path / "made") == _mode(tmp_path / "made" / "out") == 0o777 & ~umask
    assert _mode(tmp_path / "made" / "out" / "a.txt") == 0o666 & ~umask


def test_run_output_folders_get_the_users_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0o027)
    try:
        out = tmp_path / "runs" / "tera"
        assert main(["run", "tera", "--years", "0.1", "--no-report", "--quiet", "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert _mode(tmp_path / "runs") == _mode(out) == 0o750
    assert {_mode(p) for p in out.iterdir()} == {0o640}


def test_an_existing_output_folder_is_written_from_inside(tmp_path: Path) -> None:
    """Into an existing folder, the temporary folder is made in it: only the folder itself need
    be writable (``--out .`` in a home folder whose parent is not the user's), and the files are
    moved within one file system."""
    from coopsim.cli_support import write_folder

    out = tmp_path / "out"
    out.mkdir()
    seen: list[Path] = []

    def write(folder: Path) -> list[str]:
        seen.append(folder.parent)
        (folder / "a.txt").write_text("hello", encoding="utf-8")
        return ["a.txt"]

    assert write_folder(out, write) == ["a.txt"]
    assert seen == [out]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "out"]
