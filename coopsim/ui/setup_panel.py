"""The set-up panel: scenario, the levers with their explanation and the source text's
words, the main sliders, the horizon and the seed.

The levers, their words and their sliders come from :data:`coopsim.mechanisms.REGISTRY`
(each lever declares them once), so a new lever appears here without a change to the page.

The same panel edits variant A (the run on screen) and variant B (the comparison's
copy); ``prefix`` gives each its own CSS classes, which the browser tests use as stable
handles (``cs-a-mech-rex``, ``cs-b-ctl-rex-every_weeks`` ...).

Every value that reaches it is checked (:mod:`coopsim.ui.inputs`): the scenario is one of
the shipped ones or a file dropped here (read as data, never a path), each slider stays in
its range, a switch is yes or no, the seed a whole number. What is refused changes nothing
and is said in a message above the panel (``cs-refused``), in the page's language, until
it is closed or another refusal replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import solara

from ..mechanisms import REGISTRY
from ..scenario import ScenarioError
from .html import bold, quote
from .inputs import Refusal, Select, Slider, Switch, WholeNumber
from .session import (
    CONTROLS,
    MAX_UPLOAD_BYTES,
    SEED,
    YEARS,
    Control,
    InputError,
    Settings,
    check_setting,
    scenario_names,
    uploaded_settings,
)
from .strings import CONTROL_LABELS, mechanism_name, mechanism_sentence, pick, seed_words, source_words, t


def css_key(key: str) -> str:
    """A dotted key as a CSS class fragment: ``rex.every_weeks`` -> ``rex-every_weeks``."""
    return key.replace(".", "-")


class Editor:
    """Changes ``settings`` from checked values, and keeps the last refusal to show."""

    def __init__(self, settings: solara.Reactive[Settings], refused: solara.Reactive[InputError | None]) -> None:
        self.settings, self.refused = settings, refused

    def apply(self, change: Callable[[Settings], Settings]) -> None:
        """``settings = change(settings)``, or the refusal shown and nothing changed."""
        try:
            new = change(self.settings.value)
        except InputError as exc:
            self.refuse(exc)
            return
        self.settings.set(new)

    def set(self, key: str, value: Any) -> None:
        """Set a dotted key the page offers, checked against its control."""
        self.apply(lambda s: s.set(key, check_setting(key, value)))

    def refuse(self, exc: InputError) -> None:
        self.refused.set(exc)  # a new object each time: the page redraws, the widget shows the kept value

    def scenario(self, name: str) -> None:
        current = self.settings.value
        if name != current.scenario or not current.uploaded:
            self.apply(lambda s: s.with_scenario(name))

    def upload(self, file: Any) -> None:
        """A file dropped on the panel: at most :data:`MAX_UPLOAD_BYTES` read, parsed as data."""
        try:
            name = file.get("name") if isinstance(file, dict) else None
            data = file["file_obj"].read(MAX_UPLOAD_BYTES + 1)
        except Exception:  # the browser sent no readable file: say so rather than fail
            self.refuse(InputError("upload", None, reason="the file could not be read"))
            return
        self.apply(lambda s: uploaded_settings(s, name, data))


@solara.component
def SettingsPanel(settings: solara.Reactive[Settings], lang: str, prefix: str = "cs-a", show_seed: bool = True) -> None:
    """Edit ``settings``; nothing runs until the page's reset (A) or compare (B) button."""
    refused = solara.use_reactive(cast(InputError | None, None))
    edit = Editor(settings, refused)
    s = settings.value
    Refusal(refused, lang, [f"{prefix}-refused"])
    with solara.Div():  # always there: a message that comes and goes must not remake the inputs below
        try:
            s.scenario_obj()
        except ScenarioError as exc:
            solara.Error(f"{t('bad_settings', lang)}: {exc}", classes=["cs-bad-settings"])
    with solara.Column(gap="4px", classes=[f"{prefix}-settings"]):
        choices = [(name, name) for name in scenario_names()]
        if s.uploaded:
            choices.append((s.scenario, t("uploaded", lang, name=s.scenario)))
        with solara.Tooltip(t("scenario_tip", lang)):
            Select(
                t("scenario", lang), s.scenario, choices, edit.scenario, edit.refuse, "scenario", [f"{prefix}-scenario"]
            )
        solara.Details(
            summary=t("upload_summary", lang),
            children=[solara.FileDrop(label=t("upload", lang), on_file=edit.upload, lazy=True)],
        )
        with solara.Tooltip(t("mechanisms_tip", lang)):
            bold(t("mechanisms", lang))
        for name in REGISTRY:
            _MechanismSwitch(s, edit, name, lang, prefix)
        bold(t("sliders", lang))
        for control in CONTROLS:
            _ControlInput(s, edit, control, lang, prefix)
        with solara.Div(classes=[f"{prefix}-ctl-years"]):
            Slider(
                t("years", lang),
                round(float(s.value("years"))),
                YEARS,
                lambda v: edit.set("years", v),
                edit.refuse,
                [f"{prefix}-input-years"],
                lang=lang,
            )
        if show_seed:
            with solara.Tooltip(t("seed_tip", lang)), solara.Div(classes=[f"{prefix}-seed"]):
                WholeNumber(
                    t("seed", lang),
                    s.seed,
                    SEED,
                    lambda v: edit.apply(lambda x: x.with_seed(v)),
                    edit.refuse,
                    [f"{prefix}-input-seed"],
                )


@solara.component
def _MechanismSwitch(settings: Settings, edit: Editor, name: str, lang: str, prefix: str) -> None:
    """A lever's switch, its one-sentence explanation, and the source text's words."""
    key = f"{name}.enabled"
    on = bool(settings.value(key))
    with solara.Column(gap="0px", classes=[f"{prefix}-mechanism"]):
        with solara.Tooltip(mechanism_sentence(name, lang)):
            Switch(
                mechanism_name(name, lang),
                on,
                lambda v: edit.set(key, v),
                edit.refuse,
                key,
                classes=[f"{prefix}-mech-{name}"],
            )
        solara.Text(mechanism_sentence(name, lang), style={"font-size": "0.78em", "color": "#555"})
        words = seed_words(name)
        if words:
            solara.Details(
                summary=t("seed_words", lang),
                children=[quote(source_words(name, lang))],
            )


@solara.component
def _ControlInput(settings: Settings, edit: Editor, control: Control, lang: str, prefix: str) -> None:
    """One main slider (or check box) bound to a dotted key."""
    label = pick(CONTROL_LABELS, control.key, lang)
    value = settings.value(control.key)

    def update(v: object) -> None:
        edit.set(control.key, v)

    with solara.Div(classes=[f"{prefix}-ctl-{css_key(control.key)}"]):
        css = [f"{prefix}-input-{css_key(control.key)}"]
        if control.kind == "bool":
            Switch(label, bool(value), update, edit.refuse, control.key, classes=css, checkbox=True)
        else:
            shown = int(value) if control.kind == "int" else float(value)
            Slider(label, shown, control, update, edit.refuse, css, lang=lang)
