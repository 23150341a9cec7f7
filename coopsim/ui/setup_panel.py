"""The set-up panel: scenario, the levers with their explanation and the source text's
words, the main sliders, the horizon and the seed.

The levers, their words and their sliders come from :data:`coopsim.mechanisms.REGISTRY`
(each lever declares them once), so a new lever appears here without a change to the page.

The same panel edits variant A (the run on screen) and variant B (the comparison's
copy); ``prefix`` gives each its own CSS classes, which the browser tests use as stable
handles (``cs-a-mech-rex``, ``cs-b-ctl-rex-every_weeks`` ...).
"""

from __future__ import annotations

import solara

from ..mechanisms import REGISTRY
from ..scenario import ScenarioError
from .html import bold, quote
from .session import CONTROLS, Control, Settings, scenario_names
from .strings import CONTROL_LABELS, mechanism_name, mechanism_sentence, pick, seed_words, t


def css_key(key: str) -> str:
    """A dotted key as a CSS class fragment: ``rex.every_weeks`` -> ``rex-every_weeks``."""
    return key.replace(".", "-")


@solara.component
def SettingsPanel(settings: solara.Reactive[Settings], lang: str, prefix: str = "cs-a", show_seed: bool = True) -> None:
    """Edit ``settings``; nothing runs until the page's reset (A) or compare (B) button."""
    s = settings.value
    try:
        s.scenario_obj()
    except ScenarioError as exc:
        solara.Error(f"{t('bad_settings', lang)}: {exc}")
    with solara.Column(gap="4px", classes=[f"{prefix}-settings"]):
        with solara.Tooltip(t("scenario_tip", lang)):
            solara.Select(
                label=t("scenario", lang),
                values=scenario_names(),
                value=s.scenario,
                on_value=lambda name: settings.set(settings.value.with_scenario(name)),
                classes=[f"{prefix}-scenario"],
            )
        with solara.Tooltip(t("mechanisms_tip", lang)):
            bold(t("mechanisms", lang))
        for name in REGISTRY:
            _MechanismSwitch(settings, name, lang, prefix)
        bold(t("sliders", lang))
        for control in CONTROLS:
            _ControlInput(settings, control, lang, prefix)
        with solara.Div(classes=[f"{prefix}-ctl-years"]):
            solara.SliderInt(
                t("years", lang),
                value=round(float(s.value("years"))),
                min=1,
                max=20,
                on_value=lambda v: settings.set(settings.value.set("years", float(v))),
            )
        if show_seed:
            with solara.Tooltip(t("seed_tip", lang)), solara.Div(classes=[f"{prefix}-seed"]):
                solara.InputInt(
                    t("seed", lang),
                    value=s.seed,
                    on_value=lambda v: settings.set(settings.value.with_seed(v if v is not None and v >= 0 else 0)),
                )


@solara.component
def _MechanismSwitch(settings: solara.Reactive[Settings], name: str, lang: str, prefix: str) -> None:
    """A lever's switch, its one-sentence explanation, and the source text's words."""
    key = f"{name}.enabled"
    on = bool(settings.value.value(key))
    with solara.Column(gap="0px", classes=[f"{prefix}-mechanism"]):
        with solara.Tooltip(mechanism_sentence(name, lang)):
            solara.Switch(
                label=mechanism_name(name, lang),
                value=on,
                on_value=lambda v: settings.set(settings.value.set(key, bool(v))),
                classes=[f"{prefix}-mech-{name}"],
            )
        solara.Text(
            mechanism_sentence(name, lang), style={"font-size": "0.78em", "color": "#555", "margin-top": "-14px"}
        )
        words = seed_words(name)
        if words:
            solara.Details(
                summary=t("seed_words", lang),
                children=[quote(words)],
            )


@solara.component
def _ControlInput(settings: solara.Reactive[Settings], control: Control, lang: str, prefix: str) -> None:
    """One main slider (or check box) bound to a dotted key."""
    label = pick(CONTROL_LABELS, control.key, lang)
    value = settings.value.value(control.key)

    def update(v: object) -> None:
        settings.set(settings.value.set(control.key, v))

    with solara.Div(classes=[f"{prefix}-ctl-{css_key(control.key)}"]):
        if control.kind == "bool":
            solara.Checkbox(label=label, value=bool(value), on_value=lambda v: update(bool(v)))
        elif control.kind == "int":
            solara.SliderInt(
                label, value=int(value), min=int(control.low), max=int(control.high), on_value=lambda v: update(int(v))
            )
        else:
            solara.SliderFloat(
                label,
                value=float(value),
                min=control.low,
                max=control.high,
                step=control.step,
                on_value=lambda v: update(round(float(v), 6)),
            )
