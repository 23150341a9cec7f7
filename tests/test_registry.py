"""The levers are declared once, in their own class, and everything else reads the registry.

A throwaway lever defined here and registered the documented way
(``coopsim.mechanisms.register``) appears in the scenario (a ``[table]`` of a scenario file),
on the facilitator page (its switch, its words, its slider), in the event table and in the
model's random streams, with no other file edited: that is what "adding a lever takes its
module, the process it nudges and its test file" rests on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import annotated_types
import ipyvuetify as v
import numpy as np
import pytest
import solara
from pydantic import Field

from coopsim import CoopModel, ScenarioError, load_scenario, run
from coopsim import base as coopsim_base
from coopsim.base import PROCESS_EVENTS, RECORDED_EVENT_KINDS, LeverControl, Mechanism
from coopsim.mechanisms import MECHANISM_NAMES, REGISTRY, register, unregister
from coopsim.model import PROCESSES
from coopsim.scenario import SCENARIO_DIR, Scenario
from coopsim.ui import strings
from coopsim.ui.session import CONTROLS, Settings
from coopsim.ui.setup_panel import SettingsPanel

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "coopsim"
SHIPPED = (
    "rex",
    "mediation",
    "contractualisation",
    "stipend",
    "meetings",
    "welcome",
    "spheres",
    "role_descriptions",
    "ctd",
    "delegation",
    "training",
)


class TrialLever(Mechanism):
    """A throwaway lever: it draws from its own stream after *work* and notes that it acted."""

    key = "trial_lever"
    order = 990
    name_fr = "Essai"
    name_en = "Trial"
    sentence_fr = "Un dispositif d'essai qui ne change rien."
    sentence_en = "A trial lever that changes nothing."
    passage = "« un essai »"
    events = ("trial_event",)
    controls = (LeverControl("strength", "Essai : force", "Trial: strength", 0.0, 1.0, 0.1),)
    phase: ClassVar[str] = "work"

    strength: float = Field(0.5, ge=0, le=1, description="how strong the trial is")

    def act(self, model: Any, rng: np.random.Generator) -> None:
        rng.random(3)
        model.mechanism_state.setdefault("trial_lever", {})["weeks"] = model.week + 1


@pytest.fixture
def trial_lever() -> Iterator[type[TrialLever]]:
    """The throwaway lever, registered for one test and removed after it."""
    register(TrialLever)
    try:
        yield TrialLever
    finally:
        unregister(TrialLever.key)


# --- the registry ---------------------------------------------------------------------------


def test_the_shipped_levers_keep_their_order() -> None:
    assert [key for key in REGISTRY if key in SHIPPED] == list(SHIPPED)
    assert list(MECHANISM_NAMES) == list(REGISTRY)
    assert [name for name, _ in load_scenario("tera").mechanisms()] == list(REGISTRY)
    orders = [lever.order for lever in REGISTRY.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


@pytest.mark.parametrize("key", list(REGISTRY))
def test_each_lever_declares_itself(key: str) -> None:
    lever = REGISTRY[key]
    assert lever.key == key and lever.__module__.startswith("coopsim.mechanisms.")
    assert all((lever.name_fr, lever.name_en, lever.sentence_fr, lever.sentence_en))
    assert lever.passage, f"{key}: no 'Seed passage' paragraph in its module's docstring"
    assert lever.phase in {name for name, _ in PROCESSES} | {"none"}
    for control in lever.controls:
        field = lever.model_fields[control.field]
        low = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), -np.inf)
        high = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), np.inf)
        assert low <= control.low <= control.high <= high, (key, control.field)


def _emitted(path: Path) -> set[str]:
    """The event kinds a module's source emits by name (``emit("...")``, ``close(..., "...")``)."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r'emit\(\s*"(\w+)"', text)) | set(re.findall(r'close\([^()]*"(\w+)"\)', text))


def test_the_event_table_is_what_the_processes_and_levers_declare() -> None:
    for lever in REGISTRY.values():
        module = PACKAGE / "mechanisms" / f"{lever.__module__.rsplit('.', 1)[1]}.py"
        assert _emitted(module) <= set(lever.events), f"{lever.key} emits a kind it does not declare"
    for module in PACKAGE.glob("*.py"):
        assert _emitted(module) <= set(PROCESS_EVENTS), f"{module.name} emits a kind not in PROCESS_EVENTS"
    declared = set(PROCESS_EVENTS) | {kind for lever in REGISTRY.values() for kind in lever.events}
    # the code book keeps the codes of the kinds recorded so far, and nothing nobody emits
    assert set(RECORDED_EVENT_KINDS) == declared
    assert coopsim_base.EVENT_KINDS == RECORDED_EVENT_KINDS  # no shipped lever adds a kind


def test_the_odd_lists_every_event_kind_in_code_order() -> None:
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    section = odd[odd.index("### 8.3 Events") : odd.index("### 8.4")]
    assert tuple(re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE)) == coopsim_base.EVENT_KINDS


def test_the_scenario_has_one_table_per_lever() -> None:
    fields = list(Scenario.model_fields)
    assert [f for f in fields if f in REGISTRY] == list(REGISTRY)
    assert fields[-1] == "record" and fields.index("rex") > fields.index("governance")
    scenario = load_scenario("tera")
    for key, lever in REGISTRY.items():
        assert type(getattr(scenario, key)) is lever


def test_the_page_reads_the_levers() -> None:
    assert strings.MECHANISMS is REGISTRY
    assert strings.mechanism_name("rex", "fr") == REGISTRY["rex"].name_fr
    assert strings.seed_words("stipend") == REGISTRY["stipend"].passage
    lever_keys = [f"{key}.{c.field}" for key, lever in REGISTRY.items() for c in lever.controls]
    assert [c.key for c in CONTROLS] == ["population.founders", "territory.arrivals_per_week", *lever_keys]
    assert strings.CONTROL_LABELS["rex.every_weeks"] == (
        "REX : semaines entre deux séances",
        "REX: weeks between sessions",
    )
    assert {c.key: c.kind for c in CONTROLS}["stipend.with_objectives"] == "bool"


def test_a_bad_declaration_is_refused() -> None:
    class NoKey(Mechanism):
        name_fr = name_en = sentence_fr = sentence_en = "x"

    class TakenKey(TrialLever):
        key = "rex"
        order = 991

    class TakenOrder(TrialLever):
        key = "another_trial"
        order = 10

    class UnknownField(TrialLever):
        key = "third_trial"
        order = 992
        controls = (LeverControl("nope", "a", "b"),)

    class ScenarioTable(TrialLever):
        key = "population"
        order = 993

    for cls, words in (
        (NoKey, "declare its own 'key'"),
        (ScenarioTable, "'population' is already a table of every scenario"),
        (TakenKey, "taken by Rex"),
        (TakenOrder, "order 10 is taken by 'rex'"),
        (UnknownField, "unknown field 'nope'"),
    ):
        with pytest.raises(ValueError, match=re.escape(words)):
            register(cls)
    assert "another_trial" not in REGISTRY and "third_trial" not in REGISTRY and "population" not in REGISTRY
    assert [f for f in Scenario.model_fields if f in REGISTRY] == list(REGISTRY)


# --- a new lever, registered: no other file changes ---------------------------------------------


def test_a_new_lever_is_a_scenario_table(trial_lever: type[TrialLever], tmp_path: Path) -> None:
    assert "trial_lever" in Scenario.model_fields and "trial_lever" in MECHANISM_NAMES
    path = tmp_path / "trial.toml"
    path.write_text(
        f'extends = "{(SCENARIO_DIR / "tera.toml").as_posix()}"\n\n[trial_lever]\nenabled = true\nstrength = 0.25\n',
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert isinstance(scenario.trial_lever, trial_lever) and scenario.trial_lever.strength == 0.25
    assert scenario.to_toml_dict()["trial_lever"] == {"enabled": True, "start_week": 0, "strength": 0.25}
    assert load_scenario("tera").trial_lever.enabled is False  # a file without the table: off
    with pytest.raises(ScenarioError, match=r"trial_lever\.strength"):
        load_scenario(path, overrides=["trial_lever.strength=2"])
    with pytest.raises(
        ScenarioError,
        match=r"trial_lever\.strenght \(from overrides\): unknown key \(allowed: enabled, start_week, strength\)",
    ):
        load_scenario(path, overrides=["trial_lever.strenght=0.1"])


def test_a_new_lever_is_on_the_page(trial_lever: type[TrialLever]) -> None:
    assert "trial_lever" in strings.MECHANISMS
    assert strings.mechanism_name("trial_lever", "en") == "Trial"
    assert strings.seed_words("trial_lever") == "« un essai »"
    assert "trial_lever.strength" in [c.key for c in CONTROLS]
    assert strings.CONTROL_LABELS["trial_lever.strength"] == ("Essai : force", "Trial: strength")
    settings = solara.reactive(Settings(seed=1, overrides=(("years", 1.0),)))
    _, rc = solara.render(SettingsPanel(settings, "en"), handle_error=False)
    assert rc.find(v.Switch, class_="cs-a-mech-trial_lever").widgets
    assert rc.find(v.Html, class_="cs-a-ctl-trial_lever-strength").widgets


def test_a_new_lever_has_its_stream_and_acts(trial_lever: type[TrialLever]) -> None:
    assert "trial_event" in coopsim_base.EVENT_KINDS and coopsim_base.EVENT_CODE["trial_event"] == len(
        RECORDED_EVENT_KINDS
    )
    model = CoopModel("tera", seed=1, years=0.1, overrides={"trial_lever.enabled": True})
    assert [name for name, _ in model.scenario.mechanisms()][-1] == "trial_lever"
    assert "trial_lever" in model.streams
    model.run_model()
    assert model.mechanism_state["trial_lever"]["weeks"] == model.week


def test_a_new_lever_switched_off_changes_nothing(trial_lever: type[TrialLever]) -> None:
    with_it = run("tera", seed=4, years=1, keep_model=False).summary
    unregister(trial_lever.key)
    try:
        without = run("tera", seed=4, years=1, keep_model=False).summary
    finally:
        register(trial_lever)
    assert with_it.keys() == without.keys()
    for key, value in with_it.items():
        assert value == without[key] or (value != value and without[key] != without[key]), key


def test_removing_the_lever_removes_what_was_built_from_it() -> None:
    register(TrialLever)
    unregister(TrialLever.key)
    assert "trial_lever" not in Scenario.model_fields and "trial_lever" not in MECHANISM_NAMES
    assert (
        "trial_lever.strength" not in [c.key for c in CONTROLS] and "trial_lever.strength" not in strings.CONTROL_LABELS
    )
    assert coopsim_base.EVENT_KINDS == RECORDED_EVENT_KINDS and "trial_event" not in coopsim_base.EVENT_CODE
    with pytest.raises(ScenarioError, match="trial_lever: unknown key"):
        load_scenario("tera", overrides=["trial_lever.enabled=true"])
