"""The ``coopsim`` command: run a scenario and write its tables, summary and figure sheet.

Usage (``coopsim --help`` says more)::

    coopsim run tera --seed 1
    coopsim run tera --set rex.enabled=false --out out/no-rex
    coopsim scenarios
    coopsim --version

Design:

- Each sub-command is one entry of :data:`COMMANDS`: its name, one-line help and
  description, and its home, the module that holds its three functions
  ``add_<name>_arguments(parser)``, ``run_<name>(args) -> int`` and ``<name>_epilog()``
  (``run``, ``scenarios`` and ``ui`` live here; ``sweep``, ``compare``, ``sensitivity``,
  ``discover`` and ``report`` in :mod:`coopsim.experiments.commands`; ``validate`` and
  ``calibrate`` in :mod:`coopsim.validation.commands`).
- Every mistake of the user (a bad scenario, a bad option, an unusable ``--out``) ends
  with one line ``coopsim: error: <message>`` on stderr and exit code 2, and writes
  nothing. Handlers raise :class:`UserError` (or :class:`ScenarioError`) for that;
  :func:`main` turns them into the line and the code. Any other exception is a bug and
  keeps its traceback.
- A run is validated and computed completely before anything is written; the files are
  written into a hidden temporary folder (next to a new target, inside an existing one)
  and moved into place at the end, so an interrupted or failed run leaves no half-written
  output. Where every command writes (``--out``, ``--docs``, ``--csv``) is tried before it
  computes anything: a blank name, /proc, /sys, a path under a file are refused at once.
- Imports are lazy: this module loads only the standard library and
  :mod:`coopsim.cli_support`; a sub-command's home is imported only when it is chosen, and
  each handler imports what it needs (the model, pandas, matplotlib ...), so ``coopsim
  --help`` and ``coopsim run --help`` start at once and ``coopsim run`` loads neither the
  experiments, the validation nor the UI.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .cli_support import (
    EXIT_INTERRUPTED,
    EXIT_USER_ERROR,
    PROG,
    SHIPPED_DIR,
    UserError,
    _check_model,
    _check_out,
    _one_line,
    _scenario_names_text,
    _seed,
    _wrap,
    _years,
    fresh_seed,
    out_dir,
    port_number,
    shipped_scenarios,
    write_folder,
    write_json,
)
from .formatting import fixed

if TYPE_CHECKING:
    from .runner import RunResult
    from .scenario import Scenario

RUN_FILES = {
    "model.parquet": "one row per week: counts (active, newcomers, withdrawn, ...), events of the week "
    "(arrivals, burnouts, conflicts ...), 10/50/90 % quantiles of exhaustion, engagement and trust, "
    "work asked and done, decision backlog, territorial acceptance, treasuries of the six structures",
    "people.parquet": "one row per present person per recorded week: status, paid status, engagement, "
    "trust, exhaustion, hours, roles held, recognition, security, meaning, ...",
    "events.parquet": "one row per event: week, person (-1 for collective events), kind "
    "(arrival, burnout, conflict_opened, conflict_mediated, rex_session, ...)",
    "summary.json": "the headline numbers of the run (turnover, burnout incidence, concentration of work, "
    "conflicts, ...; defined in docs/ODD.md, section 8.4) with the scenario, seed, years, --set overrides and "
    "coopsim version",
    "scenario.json": "the scenario exactly as run: every parameter, after 'extends' and --set",
    "report.png": "a figure sheet of the run (skipped with --no-report)",
}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are :class:`UserError` (one line, exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see '{self.prog} --help')")


class _Version(argparse.Action):
    """``--version``: print ``coopsim <version>`` and exit (the version is looked up only then)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> NoReturn:
        from . import __version__

        print(f"{PROG} {__version__}")
        parser.exit()


def run_epilog() -> str:
    """What a scenario is, examples, the files written.

    Example:
        >>> "files written into the output folder:" in run_epilog()
        True
    """
    files = "\n".join(f"  {name}\n{_wrap(what, indent='      ')}" for name, what in RUN_FILES.items())
    return f"""\
A scenario is a TOML file describing the ecosystem and its levers; see 'coopsim --help'.
{_scenario_names_text()}
  ('coopsim scenarios' describes them; any other TOML file works too, usually a small
  file that starts with  extends = "tera.toml"  and changes a few values)

examples:
  coopsim run tera --seed 1
      the TERA baseline for 10 years, written to out/tera/
  coopsim run tera --set rex.enabled=false --out out/no-rex
      the same without REX (retours d'expérience)
  coopsim run tera-all --seed 1 --years 5 --set mediation.capacity_per_month=6
      every lever on, 5 years, more mediation capacity
  coopsim run my-variant.toml --seed 2 --no-report --quiet
      a scenario file of your own, tables and summary only, nothing printed

files written into the output folder:
{files}

Read the tables with pandas, e.g. pandas.read_parquet("out/tera/model.parquet").
The same scenario, seed and years give the same tables.
"""


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``coopsim run``.

    Example:
        >>> p = argparse.ArgumentParser()
        >>> add_run_arguments(p)
        >>> args = p.parse_args(["tera", "--years", "2", "--set", "rex.enabled=false"])
        >>> args.years, args.overrides, args.seed
        (2.0, ['rex.enabled=false'], None)
    """
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="a shipped scenario name (e.g. tera) or the path of a scenario TOML file",
    )
    p.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="N",
        help="seed of the random draws (a whole number >= 0); the same seed gives the same run. "
        "Default: a fresh seed, reported in summary.json",
    )
    p.add_argument(
        "--years",
        type=_years,
        default=None,
        metavar="Y",
        help="how many years to simulate (52 weeks each; decimals allowed). Default: the scenario's 'years'",
    )
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change one scenario value for this run, e.g. --set rex.enabled=false or "
        "--set population.founders=20 (repeatable; the value is read as TOML, so strings "
        "may need quotes: --set 'name=\"test\"')",
    )
    p.add_argument(
        "--out",
        type=out_dir,
        default=None,
        metavar="DIR",
        help="output folder (created; files of the same names are replaced). Default: out/<scenario name>",
    )
    p.add_argument("--no-report", action="store_true", help="do not draw report.png (faster)")
    p.add_argument("--quiet", action="store_true", help="print neither the progress bar nor the summary")


def _simulate(scenario: Scenario, seed: int | None, years: float | None, quiet: bool) -> RunResult:
    """Run the scenario with a progress bar over the weeks (on a terminal, unless quiet).

    Without a bar to show, no tqdm is made at all: even a disabled one creates tqdm's
    inter-process lock, which starts multiprocessing's resource-tracker process.
    """
    from .runner import run

    if quiet or not sys.stderr.isatty():
        return run(scenario, seed=seed, years=years)
    from tqdm import tqdm

    from .base import WEEKS_PER_YEAR

    weeks = round((years if years is not None else scenario.years) * WEEKS_PER_YEAR)
    with tqdm(total=weeks, unit="week", desc=scenario.name, leave=False) as bar:
        return run(scenario, seed=seed, years=years, progress=bar.update)


def _summary_record(result: RunResult, args: argparse.Namespace, scenario_file: Path) -> dict[str, Any]:
    """result.summary plus what is needed to reproduce the run."""
    from . import __version__

    weeks = int(result.summary.get("weeks", len(result.model_frame)))
    return {
        **result.summary,
        "scenario": result.scenario.name,
        "scenario_file": str(scenario_file),
        "seed": result.seed,
        "years": args.years if args.years is not None else result.scenario.years,
        "weeks": weeks,
        "overrides": list(args.overrides),
        "coopsim_version": __version__,
    }


def _write_outputs(folder: Path, result: RunResult, record: dict[str, Any], report: bool) -> list[str]:
    """Write every output file into ``folder``; return their names."""
    result.model_frame.to_parquet(folder / "model.parquet", index=False)
    result.people_frame.to_parquet(folder / "people.parquet", index=False)
    result.events.to_parquet(folder / "events.parquet", index=False)
    write_json(folder / "summary.json", record)
    write_json(folder / "scenario.json", result.scenario.model_dump(mode="json"))
    if report:
        from .report import figure_sheet

        figure_sheet(result, folder / "report.png")
    return [name for name in RUN_FILES if (folder / name).exists()]


def _print_summary(record: dict[str, Any], out: Path, names: list[str]) -> None:
    """A short human summary of the run and where its files are."""
    s = record
    rows = [
        ("active members at the end", fixed(s.get("active_final"), "d")),
        ("arrivals / departures", f"{fixed(s.get('arrivals_total'), 'd')} / {fixed(s.get('departures_total'), 'd')}"),
        ("annual turnover", fixed(s.get("annual_turnover"), ".1f", 100, " % of active members per year")),
        ("burnout incidence", fixed(s.get("burnout_incidence_per_100py"), ".1f", 1, " per 100 person-years")),
        ("top-10 % share of hours", fixed(s.get("top10_hours_share"), ".0f", 100, " % (last year)")),
        (
            "conflicts opened / mediated",
            f"{fixed(s.get('conflicts_opened'), 'd')} / {fixed(s.get('disputes_mediated'), 'd')} "
            f"(in {fixed(s.get('conflicts_mediated'), 'd')} médiation sessions)",
        ),
    ]
    print(f"{s['scenario']}: seed {s['seed']}, {s['years']:g} years ({s['weeks']} weeks)")
    for label, value in rows:
        print(f"  {label:<29} {value}")
    print(f"wrote {out}/: {', '.join(names)}")


def run_run(args: argparse.Namespace) -> int:
    """coopsim run: validate everything, run, then write the outputs in one move.

    Example:
        >>> import tempfile
        >>> out = tempfile.mkdtemp()
        >>> run_run(build_parser().parse_args(["run", "tera", "--seed", "1", "--years", "0.1", "--out", out, "--no-report",
        ...                                    "--quiet"]))
        0
        >>> import os; sorted(os.listdir(out))
        ['events.parquet', 'model.parquet', 'people.parquet', 'scenario.json', 'summary.json']
    """
    from .scenario import load_scenario, resolve_path

    scenario_file = resolve_path(args.scenario).resolve()
    scenario = load_scenario(args.scenario, overrides=args.overrides or None, origin="--set")
    out: Path = args.out if args.out is not None else Path("out") / scenario.name
    _check_out(out)
    seed = args.seed if args.seed is not None else fresh_seed()
    _check_model(scenario, seed, args.years)
    result = _simulate(scenario, seed, args.years, args.quiet)
    record = _summary_record(result, args, scenario_file)
    names = write_folder(
        out, lambda folder: _write_outputs(folder, result, record, report=not args.no_report), owned=RUN_FILES
    )
    if not args.quiet:
        _print_summary(record, out, names)
    return 0


# --- coopsim scenarios ----------------------------------------------------------------


def add_scenarios_arguments(p: argparse.ArgumentParser) -> None:
    """``coopsim scenarios`` takes no arguments.

    Example:
        >>> p = argparse.ArgumentParser()
        >>> add_scenarios_arguments(p)
        >>> vars(p.parse_args([]))
        {}
    """


def _describe(path: Path) -> str:
    """A shipped scenario's description, or why it cannot be read."""
    from .scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path).description or "(no description)"
    except ScenarioError as exc:
        return f"(invalid: {_one_line(str(exc))})"


def run_scenarios(args: argparse.Namespace) -> int:
    """coopsim scenarios: list the shipped scenarios with their descriptions.

    Example:
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()) as text:
        ...     code = run_scenarios(argparse.Namespace())
        >>> code, "tera-without-rex" in text.getvalue()
        (0, True)
    """
    paths = shipped_scenarios()
    if not paths:
        print(f"no scenario files in {SHIPPED_DIR}")
        return 0
    width = max(len(p.stem) for p in paths)
    for path in paths:
        print(f"{path.stem:<{width}}  {_describe(path)}")
    print(f"\n(files in {SHIPPED_DIR}; run one with: coopsim run NAME --seed 1)")
    return 0


# --- ui -------------------------------------------------------------------------------


def add_ui_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``coopsim ui``.

    Example:
        >>> p = argparse.ArgumentParser()
        >>> add_ui_arguments(p)
        >>> args = p.parse_args(["--port", "9000"])
        >>> args.port, args.host
        (9000, '127.0.0.1')
    """
    p.add_argument("--port", type=port_number, default=8765, metavar="N", help="port of the page (default 8765)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="address to listen on (default 127.0.0.1: this computer only). 0.0.0.0 lets other computers of "
        "the network open the page: there is no login, so only do it on a network you trust",
    )


def ui_epilog() -> str:
    """What the page lets one do, examples.

    Example:
        >>> "coopsim ui --port 9000" in ui_epilog()
        True
    """
    return """The page (French by default, English by a switch) lets you:
  - pick a scenario, switch each lever (REX, médiation, contractualisation, revenu de
    transition, ...) on or off with its explanation and the source text's words, set the
    main values (group size, stipend, REX frequency, mediation capacity, ...) and the seed;
  - step, play, pause, jump to the end, and watch the network of people (colour:
    exhaustion or engagement, size: workload), the curves, who carries the work, the
    structures' money, a feed of events in sentences and one person's story;
  - compare "what if" (A: your settings, B: a copy you change) over paired seeds, with
    median lines, 50 %/90 % bands and the differences with their intervals;
  - download the run (CSV/Parquet), each figure (PNG) and your settings as a scenario
    TOML that 'coopsim run FILE' accepts.
Each browser tab has its own simulation. Everything works offline.

examples:
  coopsim ui                      then open http://127.0.0.1:8765
  coopsim ui --port 9000
  make ui                         the same as coopsim ui (PORT=9000 make ui for another port)
"""


def run_ui(args: argparse.Namespace) -> int:
    """coopsim ui: serve the page until Ctrl-C, warning first when it listens beyond this
    computer (there is no login).

    Example:
        >>> from coopsim.ui.server import is_loopback
        >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")          # 0.0.0.0: the warning
        (True, False)
    """
    from .ui.server import is_loopback, serve

    if not is_loopback(args.host):
        print(
            f"{PROG}: warning: listening on {args.host}: anyone who can reach this computer on port "
            f"{args.port} can open the page (there is no login)",
            file=sys.stderr,
        )
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"coopsim ui: open http://{shown}:{args.port} in a browser (Ctrl-C to stop)", file=sys.stderr)
    return serve(args.host, args.port)


# --- validate, calibrate: where they write, tried before they compute ----------------------


# --- the table of sub-commands --------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A sub-command: its name, one-line help and description, and its home, the module
    that holds ``add_<name>_arguments(parser)``, ``run_<name>(args) -> int`` and
    ``<name>_epilog() -> str`` (imported only when the sub-command is chosen); ``run_<name>``
    tries the places it writes before it runs anything long.

    Example:
        >>> sweep = next(c for c in COMMANDS if c.name == "sweep")
        >>> sweep.home, sweep.function("run").__name__
        ('coopsim.experiments.commands.sweep', 'run_sweep')
    """

    name: str
    help: str
    description: str
    home: str = __name__

    def function(self, part: str) -> Callable[..., Any]:
        """Its ``add_<name>_arguments`` ('arguments'), ``run_<name>`` ('run') or ``<name>_epilog`` ('epilog')."""
        names = {"arguments": f"add_{self.name}_arguments", "run": f"run_{self.name}", "epilog": f"{self.name}_epilog"}
        found: Callable[..., Any] | None = getattr(importlib.import_module(self.home), names[part], None)
        if found is None and part == "epilog":
            return lambda: ""  # no epilog: nothing under the options
        if found is None:
            raise AttributeError(f"{self.home} has no {names[part]} (sub-command {self.name!r})")
        return found

    def handle(self, args: argparse.Namespace) -> int:
        """Run it."""
        return int(self.function("run")(args))


EXPERIMENT_COMMANDS = "coopsim.experiments.commands"
VALIDATION_COMMANDS = "coopsim.validation.commands"

COMMANDS: tuple[Command, ...] = (
    Command(
        name="run",
        help="run one scenario once and write its tables, summary and figure sheet",
        description="Run one scenario once, week by week, with one seed, and write the weekly "
        "tables, the people and the events (Parquet), the headline numbers (JSON) and a "
        "figure sheet (PNG) into an output folder. Nothing is written if the scenario or an "
        "option is wrong.",
    ),
    Command(
        name="scenarios",
        help="list the shipped scenarios with their descriptions",
        description=f"List the scenario files shipped in {SHIPPED_DIR} with their descriptions.",
    ),
    Command(
        name="sweep",
        help="run an experiment: many seeded runs over factors, saved as one table (resumable)",
        description="Run an experiment: a base scenario run many times over the factors an experiment "
        "file varies (scenario values given as levels or ranges), laid out by a design (grid, random, "
        "latin, morris, sobol) and replicated with seeds derived from one master seed. Each completed run "
        "becomes one row (its factor values and outcomes) of a results table in the --out folder. An "
        "interrupted sweep (Ctrl-C, a killed job, a full disk) resumes with the same command: the saved "
        "runs are kept and not run again.",
        home=f"{EXPERIMENT_COMMANDS}.sweep",
    ),
    Command(
        name="ui",
        help="serve the facilitator page (French/English) on http://127.0.0.1:8765",
        description="Serve the facilitator page: a web page, in French by default, to explore 'what if' "
        "with a collective: set up a scenario and its levers, run it week by week, watch people engage, tire "
        "and leave, read one person's story, compare two variants over paired seeds, export the results. "
        "Open the address it prints in a browser; it works offline.",
    ),
    Command(
        name="validate",
        help="check the TERA baseline against 16 patterns of the seed text and published studies",
        description="Run the TERA baseline and the variants the patterns need over many paired seeds, "
        "and print, for each pattern, its target range and source, the simulated median (or share of "
        "seeds) with its 90 % interval, and whether it passes; update docs/VALIDATION.md and its figure.",
        home=VALIDATION_COMMANDS,
    ),
    Command(
        name="calibrate",
        help="search behavioural constants against the validation patterns (Latin hypercube)",
        description="Score points of a Latin hypercube over the behavioural constants by the distance of "
        "the validation patterns to their target ranges, on a few paired seeds each, and print the best.",
        home=VALIDATION_COMMANDS,
    ),
    Command(
        name="compare",
        help="compare two scenarios over paired seeds: differences with intervals, sentences, figure",
        description="Run scenario A and scenario B on the same R seeds (common random numbers) and compare "
        "them pairwise: for each headline outcome, the mean difference B - A with a 95 % bootstrap interval, "
        "the same in % of A's mean, a Wilcoxon signed-rank p-value, and a plain sentence in English and French; "
        "a figure shows both over the years (median, 50 % and 90 % bands) and the differences.",
        home=f"{EXPERIMENT_COMMANDS}.compare",
    ),
    Command(
        name="sensitivity",
        help="Morris (μ*, σ) or Sobol (S1, ST) sensitivity of an experiment's outcomes, with a figure",
        description="Global sensitivity analysis of an experiment made by 'coopsim sweep' with a morris or sobol "
        "design: which factors move each outcome most over the ranges explored, with 95 % intervals "
        "(SALib). Writes a table and a figure ready for a paper.",
        home=f"{EXPERIMENT_COMMANDS}.sensitivity",
    ),
    Command(
        name="discover",
        help="scenario discovery: which ranges of the levers keep an outcome below/above a target (PRIM)",
        description="Scenario discovery on an experiment made by 'coopsim sweep': find the box of factor ranges "
        "(PRIM) where the runs keep an outcome below (or above) a target, with its coverage, density and "
        "support, the peeling trajectory, and sentences in English and French.",
        home=f"{EXPERIMENT_COMMANDS}.discover",
    ),
    Command(
        name="report",
        help="a Markdown and HTML report of an experiment with its figures",
        description="Summarise an experiment made by 'coopsim sweep' in a Markdown and an HTML page: what was "
        "run, the distribution of each outcome, each outcome against each factor, and the sensitivity "
        "analysis when the design allows it.",
        home=f"{EXPERIMENT_COMMANDS}.report",
    ),
)

DESCRIPTION = """\
coopsim simulates a cooperative ecosystem such as TERA (Lot-et-Garonne) week by week:
people arrive, take roles in six legal structures and the association's circles, give
hours, build trust, disagree, tire, burn out, withdraw and leave. Mechanisms (levers)
such as REX (retours d'expérience), médiation, contractualisation (cooperation
agreements), the transition income (revenu de transition), a welcome circle or a
territorial dialogue committee (CTD) change that.

A scenario is a TOML file that describes the ecosystem (founders, structures and their
roles, territory, money), the behavioural constants, and which levers are on and how.
A variant is usually a few lines:  extends = "tera.toml"  then the values it changes.
Any value can also be changed for one run with --set KEY=VALUE."""


def _main_epilog() -> str:
    return f"""\
{_scenario_names_text()}

examples:
  coopsim run tera --seed 1                                  the TERA baseline -> out/tera/
  coopsim run tera --set rex.enabled=false --out out/no-rex  the same without REX
  coopsim scenarios                                          the scenarios and what they are
  coopsim run --help                                         the options and the files written

Errors in a scenario or an option are reported on one line (coopsim: error: ...) with
exit code 2; nothing is written then."""


def _complete(p: argparse.ArgumentParser, cmd: Command) -> None:
    """Give a listed sub-parser its description, epilog, arguments and handler."""
    p.description = _wrap(cmd.description)
    p.epilog = cmd.function("epilog")()
    cmd.function("arguments")(p)
    p.set_defaults(handler=cmd.handle)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``coopsim`` parser, with one sub-parser per entry of :data:`COMMANDS`.

    Every sub-command is listed (``coopsim --help``). Each gets its arguments, description
    and epilog, or, given ``only``, that sub-command alone ("" for none): :func:`main` passes
    the one named on the command line, so that the modules of the others are not imported.

    Example:
        >>> args = build_parser().parse_args(["run", "tera", "--seed", "3", "--set", "rex.every_weeks=4"])
        >>> args.seed, args.overrides
        (3, ['rex.every_weeks=4'])
        >>> build_parser(only="run").parse_args(["run", "tera"]).scenario
        'tera'
        >>> build_parser(only="discover").parse_args(["discover", "out/levers", "--outcome", "y", "--below", "3"]).below
        3.0
    """
    parser = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=_main_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="show program's version number and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for cmd in COMMANDS:
        p = sub.add_parser(cmd.name, help=cmd.help, formatter_class=argparse.RawDescriptionHelpFormatter)
        if only is None or cmd.name == only:
            _complete(p, cmd)
    return parser


def _chosen(argv: Sequence[str]) -> str:
    """The sub-command named in ``argv``: its first word that is not an option ('' if none;
    the options of ``coopsim`` itself, --help and --version, take no value).

    Example:
        >>> _chosen(["--help"]), _chosen(["run", "tera", "--seed", "1"])
        ('', 'run')
    """
    return next((word for word in argv if not word.startswith("-")), "")


def _fail(message: str, code: int = EXIT_USER_ERROR) -> int:
    """Print the one error line and return the exit code."""
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``coopsim`` command; returns the exit code.

    0: done; 2: a mistake in the scenario or the options (one line on stderr, nothing
    written); 130: interrupted. ``--help`` and ``--version`` return 0. Without ``argv`` (the
    ``coopsim`` program itself, reading ``sys.argv``) it ends with :func:`gc.freeze`, as the
    process ends next.

    Example:
        >>> main(["run", "no-such-scenario"])      # one "coopsim: error:" line on stderr, nothing written
        2
    """
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=_chosen(words))
    try:
        return _handle(parser, words)
    finally:
        if argv is None:
            # Run as the program, the process ends now: freezing the objects spares Python's
            # final collections a walk through every object of Mesa, pandas and matplotlib
            # (about 0.3 s, a tenth of 'coopsim run').
            gc.freeze()


def _handle(parser: argparse.ArgumentParser, words: list[str]) -> int:
    """Parse the words and run the chosen sub-command; return the exit code (see :func:`main`)."""
    try:
        args = parser.parse_args(words)
        if getattr(args, "handler", None) is None:
            parser.print_help(sys.stderr)
            return EXIT_USER_ERROR
        return int(args.handler(args))
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except UserError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except Exception as exc:
        from .scenario import ScenarioError  # imported here: it loads numpy and pydantic

        if isinstance(exc, ScenarioError):
            return _fail(str(exc))
        raise
