"""Mutation check: do the pinned tests catch small mistakes in the model's equations?

Each entry of :data:`MUTATIONS` is one small, plausible mistake in a process or a mechanism
(a flipped sign, a changed constant, ``>=`` for ``>``, a term left out), given as the file
under ``coopsim/``, an exact snippet of today's code, its replacement and a one-line
description. The script copies ``coopsim/``, ``scenarios/`` and the pinned tests
(:data:`TESTS`, with ``tests/conftest.py``) into a temporary folder, checks that the
unmutated copy passes them, then applies each mutation alone and runs the pinned tests
against the mutated copy. A mutation is *caught* when a test fails (or the run errors or
times out), *survived* when every test still passes.

Usage (from the repository root; each mutation takes a few seconds, the whole list about
three minutes)::

    python tools/mutation_check.py                 # every mutation, a table of the results
    python tools/mutation_check.py --only rex      # the mutations whose file or description says "rex"
    python tools/mutation_check.py --list          # the list, without running anything

The exit status is 0 when every mutation is caught, 1 when one survives or when a snippet
is no longer found exactly once in the code (a refactor changed it: update the entry to
the new code, keeping the mistake it stands for), 2 when the unmutated copy fails.
``tests/test_mutation_check.py`` checks, in the ordinary suite, that the list parses and
that every snippet is present.

How it runs: the copy is imported first (``PYTHONPATH`` and the working folder point at
it); ``NUMBA_DISABLE_JIT=1`` runs the kernels as the plain Python loops they are written
as, so no mutation waits for a compilation (the pinned tests pass both ways); Python writes
no bytecode, so a mutated module is never read from a stale cache; each run stops at the
first failing test (``-x``) and after :data:`TIMEOUT_S` seconds.

To judge a change of the model the same way: add an entry for each equation it adds or
changes (a mistake a reader could plausibly make), run the script, and write a pinned test
(a small scripted situation under a fixed seed, asserting the exact result of the
equation) for any mutation that survives.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
TESTS = ("tests/test_processes.py",)
TIMEOUT_S = 300


class Mutation(NamedTuple):
    """One small mistake: in ``file`` (under ``coopsim/``), ``original`` becomes ``replacement``."""

    file: str
    original: str
    replacement: str
    description: str


M = Mutation
MUTATIONS: tuple[Mutation, ...] = (
    # --- work ---
    M(
        "work.py",
        "0.02 * min(backlog, 50.0)",
        "0.02 * backlog",
        "work: coordination keeps growing with a backlog beyond 50",
    ),
    M(
        "work.py",
        "demand = numpy_sum(asked, hours.size) + pool_total",
        "demand = numpy_sum(asked, hours.size)",
        "work: the week's demand leaves out the common pool's hours",
    ),
    M(
        "work.py",
        "pool_total = pool_hours_per_member * active_able + extra_common_hours",
        "pool_total = pool_hours_per_member * active + extra_common_hours",
        "work: the common pool counts the burned-out members too",
    ),
    M(
        "work.py",
        "+ drop_exhausted * (exhaustion * exhaustion)",
        "+ drop_exhausted * exhaustion",
        "drop_roles: the chance of dropping is linear in exhaustion, not quadratic",
    ),
    M(
        "work.py",
        "+ drop_disengaged * (1.0 - floats[FLOAT.engagement, h])",
        "+ drop_disengaged * floats[FLOAT.engagement, h]",
        "drop_roles: the engaged drop roles more often than the disengaged",
    ),
    M(
        "work.py",
        "p *= 0.3  # a job",
        "p *= 0.5  # a job",
        "drop_roles: a salaried role is dropped at half the chance instead of 0.3",
    ),
    M(
        "work.py",
        "p = p * (1.0 - identity_hold * floats[FLOAT.identity, h])",
        "p = p * (1.0 - identity_hold)",
        "drop_roles: role identity holds everyone back alike",
    ),
    M(
        "work.py",
        "* (0.3 + 0.7 * free) * fill_boost",
        "* (0.7 + 0.3 * free) * fill_boost",
        "fill_vacancies: free time weighs 0.3 instead of 0.7 in accepting a role",
    ),
    M(
        "work.py",
        "(2.0 if announced[r] else 1.0)",
        "(1.0 if announced[r] else 1.0)",
        "fill_vacancies: a role handed over openly is offered no more often",
    ),
    M(
        "work.py",
        "* (0.2 + free) * (1.0 + involvement_bias",
        "* (0.5 + free) * (1.0 + involvement_bias",
        "fill_vacancies: the weight of who is offered a vacancy has 0.5 instead of 0.2",
    ),
    M(
        "work.py",
        "duty_sum += floats[FLOAT.engagement, i]",
        "duty_sum += 1.0",
        "fill_vacancies: an unwanted role falls to any dutiful member alike, whatever their engagement",
    ),
    M(
        "work.py",
        "if floats[FLOAT.duty, i] > 0.5:",
        "if floats[FLOAT.duty, i] >= 0.5:",
        "fill_vacancies: a sense of duty of exactly 0.5 counts as dutiful",
    ),
    M(
        "work.py",
        "floats[FLOAT.coord_total, i] += coord_hours * ratio",
        "floats[FLOAT.coord_total, i] += coord_hours",
        "work: coordination hours counted as asked, not as done",
    ),
    # --- wellbeing: strain, engagement ---
    M(
        "wellbeing.py",
        "0.5 + 0.5 * floats[FLOAT.security_emo, i]",
        "0.5 + 0.5 * floats[FLOAT.security_fin, i]",
        "strain: recovery reads financial instead of emotional security",
    ),
    M(
        "wellbeing.py",
        "rate = rate + rest_recovery",
        "rate = rate + 2.0 * rest_recovery",
        "strain: the burned-out recover twice the rest recovery",
    ),
    M(
        "wellbeing.py",
        "exh >= burnout_threshold",
        "exh > burnout_threshold",
        "strain: burning out needs exhaustion above the threshold, not at it",
    ),
    M(
        "wellbeing.py",
        "exh > notice_level and u[0, i] < notice",
        "exh >= notice_level and u[0, i] < notice",
        "strain: exhaustion at the notice level itself is noticed",
    ),
    M(
        "wellbeing.py",
        '+ wp["w_security"] * 0.5 * (fin + emo)',
        '+ wp["w_security"] * (fin + emo)',
        "engagement: the security term is the sum of the two securities, not their mean",
    ),
    M(
        "wellbeing.py",
        "frustration = w_frustration * heavy * (1.0 - rec)",
        "frustration = w_frustration * heavy",
        "engagement: recognition does not soften the frustration of heavy work",
    ),
    M(
        "wellbeing.py",
        "backlog_term = w_backlog * min(backlog / max(active, 1), 1.0)",
        "backlog_term = w_backlog * min(backlog / max(n_present, 1), 1.0)",
        "engagement: the backlog is shared among the present, not the active members",
    ),
    M(
        "wellbeing.py",
        "target_emo = 0.3 + 0.5 * trust",
        "target_emo = 0.3 + 0.6 * trust",
        "engagement: emotional security's target weighs trust 0.6 instead of 0.5",
    ),
    M(
        "wellbeing.py",
        'target_fin = wp["stipend_security"]',
        'target_fin = wp["salaried_security"]',
        "engagement: a stipend gives the financial security of a salary",
    ),
    M(
        "wellbeing.py",
        "target_fin = max(target_fin, income_base)",
        "target_fin = target_fin + income_base",
        "engagement: pay and own income add up instead of the larger counting",
    ),
    # --- interactions ---
    M(
        "interactions.py",
        "u_social[e] < social_contact * pair_overlap",
        "u_social[e] < social_contact",
        "interactions: chance contact outside work ignores shared life spheres",
    ),
    M(
        "interactions.py",
        "if unit[other] == unit[i]:",
        "if unit[other] >= 0:",
        "interactions: a new tie with anyone working, not only in one's unit",
    ),
    # --- conflict ---
    M(
        "conflict.py",
        "week - opened[c] >= festering_weeks",
        "week - opened[c] > festering_weeks",
        "conflict: a conflict festers one week after festering_weeks",
    ),
    M(
        "conflict.py",
        "(1.0 + fatigue * 0.5 * (",
        "(1.0 + fatigue * (",
        "conflict: fatigue reads the sum of the two exhaustions, not their mean",
    ),
    M(
        "conflict.py",
        "(1.0 + spill_over * overlap_a * overlap_b * mixing)",
        "(1.0 + spill_over * overlap_a * mixing)",
        "conflict: spill-over reads one party's life spheres only",
    ),
    M(
        "conflict.py",
        "u_resolve[k] < resolve_base * trust",
        "u_resolve[k] < resolve_base",
        "conflict: a conflict resolves by itself regardless of trust",
    ),
    M(
        "conflict.py",
        "chance = min(max((defuse_base + bonus) * trust, 0.0), 1.0)",
        "chance = min(max(defuse_base * trust + bonus, 0.0), 1.0)",
        "conflict: the meeting bonus to defusing is not scaled by trust",
    ),
    # --- membership ---
    M(
        "membership.py",
        "and engagement > reengage_above",
        "and engagement >= reengage_above",
        "membership: the withdrawn come back at reengage_above itself",
    ),
    M(
        "membership.py",
        "return p_withdraw * (1.0 - duty_hold * duty)",
        "return p_withdraw",
        "membership: duty does not hold anyone back from withdrawing",
    ),
    M(
        "membership.py",
        "identity += identity_rate * (min(ints[INT.roles, i], 2) / 2.0 - identity)",
        "identity += identity_rate * (min(ints[INT.roles, i], 1) - identity)",
        "membership: role identity is full at one role instead of two",
    ),
    M(
        "membership.py",
        'p_leave += mp["newcomer_departure"] * (1.0 - acceptance) * (1.0 - attached)',
        'p_leave += mp["newcomer_departure"] * (1.0 - attached)',
        "membership: the territory's acceptance does not keep newcomers",
    ),
    M(
        "membership.py",
        'p_leave += mp["withdrawn_departure"] * (1.0 - attached)',
        'p_leave += mp["withdrawn_departure"]',
        "membership: attachment does not keep the withdrawn in the territory",
    ),
    # --- governance, territory, money ---
    M(
        "governance.py",
        "p_obj = objection * (1.0 - floats[FLOAT.trust, deciders[t]])",
        "p_obj = objection * floats[FLOAT.trust, deciders[t]]",
        "governance: the members who trust the collective most object most",
    ),
    M(
        "governance.py",
        "return np.exp(numpy_sum(logs, logs.size))",
        "return np.exp(numpy_sum(logs, logs.size) / max(logs.size, 1))",
        "governance: the chance that nobody objects is a mean over the deciders, not a product",
    ),
    M(
        "governance.py",
        'return max(0.0, backlog * (1.0 - governance[0]["lapse"]) + arriving - decided)',
        "return max(0.0, backlog + arriving - decided)",
        "governance: nothing in the backlog lapses",
    ),
    M(
        "territory.py",
        'room = max(0.0, 1.0 - present / tp["housing_capacity"])',
        'room = max(0.0, 1.0 - active / tp["housing_capacity"])',
        "arrivals: the housing room counts the active members, not everyone present",
    ),
    M(
        "territory.py",
        'visible = min(1.0, active / tp["visibility_size"])',
        'visible = min(1.0, present / tp["visibility_size"])',
        "arrivals: the group's visibility counts everyone present, not the active members",
    ),
    M(
        "territory.py",
        "return float(numpy_sum(engaged, n) / max(active, 1))",
        "return float(numpy_sum(engaged, n) / max(n, 1))",
        "territory: involvement is averaged over everyone, not the active members",
    ),
    M(
        "money.py",
        "sales = sales_per_hour * coop_hours(holder, structure, kind, hours, floats) * (0.5 + acceptance)",
        "sales = sales_per_hour * coop_hours(holder, structure, kind, hours, floats) * acceptance",
        "money: Coop sales vanish at zero acceptance",
    ),
    M(
        "money.py",
        "done[k] = hours[r] * (floats[FLOAT.hours, h] / required if required > 0 else 1.0)",
        "done[k] = hours[r]",
        "money: Coop hours counted as asked, not as done",
    ),
    M(
        "money.py",
        "housing_rent * housing_share * residents",
        "housing_rent * housing_share * active",
        "money: only the active members pay rent to the SCIC QRT",
    ),
    M(
        "money.py",
        "FUND, ASSOCIATION, fund_grant_share * surplus, FLOW.fund_grants",
        "FUND, ASSOCIATION, fund_grant_share * treasury[FUND], FLOW.fund_grants",
        "money: the fund grants a share of all its treasury, reserve included",
    ),
    # --- mechanisms ---
    M(
        "mechanisms/mediation.py",
        "if week - opened[c] >= min_age and sessions[c] < max_sessions:",
        "if week - opened[c] > min_age and sessions[c] < max_sessions:",
        "mediation: a conflict is taken up one week after min_age_weeks",
    ),
    M(
        "mechanisms/mediation.py",
        "p = self.resolution_probability * (0.5 + trust)",
        "p = self.resolution_probability * (0.25 + 1.5 * trust)",
        "mediation: success rises faster with trust (same at neutral trust)",
    ),
    M(
        "mechanisms/mediation.py",
        "np.where(festering, self.festering_factor, 1.0)",
        "np.where(festering, 1.0, 1.0)",
        "mediation: festering does not lower the chance of success",
    ),
    M(
        "mechanisms/rex.py",
        "effort[r] -= streamlining * (effort[r] - effort_floor)",
        "effort[r] -= streamlining * (1.0 - effort_floor)",
        "rex: streamlining removes a share of the original avoidable hours, past the floor",
    ),
    M(
        "mechanisms/rex.py",
        "people_floats[FLOAT.restraint, i] = max(people_floats[FLOAT.restraint, i], limits)",
        "people_floats[FLOAT.restraint, i] = limits",
        "rex: a session lowers a stronger agreement still in force to `limits`",
    ),
    M(
        "mechanisms/rex.py",
        "or people_floats[FLOAT.exhaustion, i] > 0.5)",
        "or people_floats[FLOAT.exhaustion, i] > 0.7)",
        "rex: an exhausted participant hands over a role only above 0.7",
    ),
    M(
        "mechanisms/rex.py",
        "if k < facilitators * per_facilitator and able[i]",
        "if k <= facilitators * per_facilitator and able[i]",
        "rex: one participant more than the facilitators can hold",
    ),
    M(
        "mechanisms/rex.py",
        "trust = 0.5 * (tie_floats[TIE_FLOAT.trust_ab, e] + tie_floats[TIE_FLOAT.trust_ba, e])",
        "trust = min(tie_floats[TIE_FLOAT.trust_ab, e], tie_floats[TIE_FLOAT.trust_ba, e])",
        "rex: a conflict is resolved by the lower of the two trusts, not their mean",
    ),
    M(
        "mechanisms/stipend.py",
        "expected += expectation_rate * (yardstick - expected)",
        "expected += expectation_rate * (hours_bought - expected)",
        "stipend: without objectives, the others' expectation ignores what the involved members give",
    ),
    M(
        "mechanisms/stipend.py",
        "floats[FLOAT.security_emo, i] = min(1.0, floats[FLOAT.security_emo, i] + 0.005)",
        "floats[FLOAT.security_emo, i] = min(1.0, floats[FLOAT.security_emo, i] + 0.01)",
        "stipend: the follow-up of objectives adds 0.01 emotional security a week instead of 0.005",
    ),
    M(
        "mechanisms/stipend.py",
        "if gap < 0.1:",
        "if gap < 0.3:",
        "stipend: objectives count as met with a gap under 0.3 instead of 0.1",
    ),
    M(
        "mechanisms/mediation.py",
        "if week - opened[c] >= min_age and sessions[c] < max_sessions:",
        "if week - opened[c] >= min_age and sessions[c] <= max_sessions:",
        "mediation: a dispute gets one session more than the commission's limit",
    ),
    M(
        "work.py",
        "asked[r] = hours[r] * scale[r] if open_[r] else 0.0",
        "asked[r] = hours[r] * scale[r]",
        "work: the roles of units not yet started ask their hours",
    ),
    M(
        "work.py",
        "notice_end[r] = week + notice_weeks",
        "notice_end[r] = week + notice_weeks + 1",
        "work: a notice lasts one week more than agreed",
    ),
    M(
        "mechanisms/welcome.py",
        "mods.welcome_introductions = self.introductions",
        "mods.welcome_introductions = 0",
        "welcome: a welcomed newcomer is introduced to nobody",
    ),
)


def missing_snippets(root: Path = ROOT) -> list[str]:
    """What is wrong with the list against the code under ``root``: a snippet that is not
    found exactly once in its file, or a replacement that changes nothing."""
    problems = []
    for k, m in enumerate(MUTATIONS, start=1):
        path = root / "coopsim" / m.file
        if not path.is_file():
            problems.append(f"{k}: coopsim/{m.file} does not exist")
            continue
        count = path.read_text(encoding="utf-8").count(m.original)
        if count != 1:
            problems.append(f"{k}: the snippet {m.original!r} is found {count} times in coopsim/{m.file}, not once")
        if m.replacement == m.original:
            problems.append(f"{k}: the replacement of {m.original!r} changes nothing")
    return problems


def copy_project(target: Path) -> None:
    """The package, the shipped scenarios and the pinned tests, under ``target``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.nbi", "*.nbc")
    shutil.copytree(ROOT / "coopsim", target / "coopsim", ignore=ignore)
    shutil.copytree(ROOT / "scenarios", target / "scenarios", ignore=ignore)
    (target / "tests").mkdir()
    for name in ("tests/conftest.py", *TESTS):
        shutil.copy2(ROOT / name, target / name)
    (target / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # the copy is its own root


def environment(target: Path) -> dict[str, str]:
    """The environment of a test run on the copy in ``target``."""
    env = dict(os.environ)
    env.update(PYTHONPATH=str(target), NUMBA_DISABLE_JIT="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("CI", None)  # a skip is not a failure here: only a failing test catches
    return env


PYTEST_ARGS = ("-x", "-q", "-rf", "-p", "no:randomly", "-p", "no:cacheprovider", *TESTS)


def preload() -> None:
    """Import the libraries the tests use once, in this process, so that each run forked from
    it starts at once (the JIT is disabled first: numba reads the setting on import). The
    model itself is never imported here: each run imports its own, mutated, copy."""
    os.environ.update(NUMBA_DISABLE_JIT="1", PYTHONDONTWRITEBYTECODE="1")
    os.environ.pop("CI", None)
    sys.dont_write_bytecode = True
    for name in ("numpy", "numba", "pandas", "pydantic", "mesa", "pytest", "hypothesis"):
        with contextlib.suppress(ImportError):  # a run imports what it needs (and reports what is missing)
            importlib.import_module(name)


def run_forked(target: Path, log: Path) -> int:
    """Run the pinned tests on the copy in a child forked from this process; its exit status."""
    pid = os.fork()
    if pid == 0:  # the child: import the copy, run pytest, never return
        code = 3
        try:
            import signal

            import pytest

            signal.alarm(TIMEOUT_S)  # killed by SIGALRM when it runs too long
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.chdir(target)
            sys.path.insert(0, str(target))
            import coopsim

            if not str(coopsim.__file__).startswith(str(target)):
                print(f"coopsim imported from {coopsim.__file__}, not from the copy")
                code = 4
            else:
                code = int(pytest.main(list(PYTEST_ARGS)))
        except BaseException:
            traceback.print_exc()  # into the log: the run failed before or outside the tests
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def run_subprocess(target: Path, log: Path) -> int:
    """Run the pinned tests on the copy in a new Python process; its exit status."""
    with log.open("w") as out:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pytest", *PYTEST_ARGS],
                cwd=target,
                env=environment(target),
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            return -14
    return done.returncode


def run_tests(target: Path, fork: bool) -> tuple[bool, str, float]:
    """Run the pinned tests on the copy: whether they all pass, the first failure, seconds."""
    log = target / "pytest.log"
    start = time.perf_counter()
    code = run_forked(target, log) if fork else run_subprocess(target, log)
    seconds = time.perf_counter() - start
    if code == 0:
        return True, "", seconds
    if code == -14:
        return False, f"timed out after {TIMEOUT_S} s", seconds
    output = log.read_text(encoding="utf-8", errors="replace")
    failed = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.MULTILINE)
    if failed:
        return False, failed.group(1).split("::", 1)[-1], seconds
    lines = output.strip().splitlines()
    return False, f"pytest exit {code}: {lines[-1] if lines else 'no output'}", seconds


def imported_from(target: Path) -> str:
    """Where a run on the copy imports ``coopsim`` from."""
    probe = subprocess.run(
        [sys.executable, "-c", "import coopsim; print(coopsim.__file__)"],
        cwd=target,
        env=environment(target),
        capture_output=True,
        text=True,
        check=True,
    )
    return probe.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", default="", help="run the mutations whose file or description contains this text")
    parser.add_argument("--list", action="store_true", help="list the mutations and check their snippets, run nothing")
    parser.add_argument(
        "--no-fork", action="store_true", help="start a new Python for each run instead of forking (slower)"
    )
    args = parser.parse_args(argv)
    fork = hasattr(os, "fork") and not args.no_fork

    chosen = [
        (k, m) for k, m in enumerate(MUTATIONS, start=1) if args.only.lower() in f"{m.file} {m.description}".lower()
    ]
    problems = missing_snippets()
    for problem in problems:
        print(f"snippet problem, mutation {problem}")
    if args.list:
        for k, m in chosen:
            print(f"{k:3d}  {m.file:26s} {m.description}")
        return 1 if problems else 0
    if not chosen:
        print(f"no mutation matches {args.only!r}")
        return 1

    with tempfile.TemporaryDirectory(prefix="coopsim-mutants-") as tmp:
        target = Path(tmp)
        copy_project(target)
        where = imported_from(target)
        if not where.startswith(str(target)):
            print(f"the tests would import coopsim from {where}, not from the copy in {target}")
            return 2
        if fork:
            preload()
        passed, failure, seconds = run_tests(target, fork)
        if not passed:
            print(f"the unmutated copy fails the pinned tests ({failure}): fix them first")
            return 2
        print(f"unmutated copy: the pinned tests pass ({seconds:.1f} s); {len(chosen)} mutations to run\n")
        print(f"{'#':>3}  {'result':8s} {'s':>4}  {'mutation':80s}  caught by")
        outcomes: dict[int, bool] = {}
        for k, m in chosen:
            path = target / "coopsim" / m.file
            text = path.read_text(encoding="utf-8")
            if text.count(m.original) != 1:
                continue  # a snippet problem, reported above
            path.write_text(text.replace(m.original, m.replacement), encoding="utf-8")
            try:
                passed, failure, seconds = run_tests(target, fork)
            finally:
                path.write_text(text, encoding="utf-8")
            outcomes[k] = passed
            result = "SURVIVED" if passed else "caught"
            print(f"{k:3d}  {result:8s} {seconds:4.1f}  {m.description[:80]:80s}  {failure}", flush=True)
    survived = sum(outcomes.values())
    print(f"\n{len(outcomes) - survived} caught, {survived} survived, {len(problems)} snippet problems")
    return 1 if survived or problems else 0


if __name__ == "__main__":
    sys.exit(main())
