"""The page's inputs: each one checks what the browser sends before anything uses it.

A browser can send any value for any input: a crafted message on the page's websocket
reaches the server as a click does, and the page's JavaScript is no guard. Solara's own
inputs cast or pass on what they get (``SliderInt`` calls ``int`` on it, ``lab.Tabs`` and
``ToggleButtonsSingle`` index a list with it), so a crafted value becomes a Python
traceback in the page. The inputs here are plain Vuetify widgets whose handler gives the
raw value to a check of :mod:`coopsim.ui.session` (:meth:`~coopsim.ui.session.Control.check`,
:func:`~coopsim.ui.session.check_choice`): an accepted value goes to ``on_value``, a refused
one to ``on_refused`` as a :class:`~coopsim.ui.session.InputError` (the page says why, in its
language), and the widget is set back to the value kept (:func:`use_checked`), so the
browser shows it again.

Example:
    >>> from coopsim.ui.session import Control
    >>> seen = []
    >>> handle = checked(Control("rex.every_weeks", "int", 1, 52).check, seen.append, seen.append)
    >>> handle(4); handle(0); handle("/etc/passwd")
    >>> seen[0], [type(x).__name__ for x in seen[1:]]
    (4, ['InputError', 'InputError'])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reacton.ipyvuetify as rv
import solara

from .session import Control, InputError, check_choice, shown
from .strings import CONTROL_UNITS, DEFAULT_LANG, pick, setting_value, t


def checked(
    check: Callable[[Any], Any], on_value: Callable[[Any], Any], on_refused: Callable[[InputError], Any]
) -> Any:
    """A widget handler: ``on_value(check(raw))``, or ``on_refused`` when the check refuses."""

    def handle(raw: Any) -> None:
        try:
            value = check(raw)
        except InputError as exc:
            on_refused(exc)
            return
        on_value(value)

    return handle


def use_checked(
    make: Callable[[Callable[[Any], None]], Any],
    kept: Any,
    check: Callable[[Any], Any],
    on_value: Callable[[Any], Any],
    on_refused: Callable[[InputError], Any],
) -> Any:
    """The element ``make(handler)``, whose handler passes what the browser sends through
    ``check``; after a refusal it sets the widget back to ``kept`` (the value the page
    keeps), so the browser shows that value rather than the one it sent."""
    widget = solara.use_ref(None)
    restoring = solara.use_ref(False)

    def refuse(exc: InputError) -> None:
        if widget.current is not None:
            restoring.current = True  # the widget's own change notice, which follows, is ours
            try:
                widget.current.v_model = kept
            finally:
                restoring.current = False
        on_refused(exc)

    handle = checked(check, on_value, refuse)
    element = make(lambda raw: None if restoring.current else handle(raw))

    def remember() -> None:
        widget.current = solara.get_widget(element)

    solara.use_effect(remember)  # after every draw: the widget on screen now
    return element


def _index_check(what: str, count: int) -> Callable[[Any], int]:
    return lambda raw: check_choice(what, raw, tuple(range(count)))


def bound(control: Control, value: float, lang: str) -> str:
    """An end of a slider's range as written beside it: the number alone (``1``, ``52``,
    ``0 %``), the unit being in the value above.

    >>> bound(Control("contractualisation.share_formalised", "float", 0, 1, 0.05), 1, "fr")
    '100\u202f%'
    """
    text = setting_value(control.key, value, lang, control.step)
    unit = pick(CONTROL_UNITS, control.key, lang) if control.key in CONTROL_UNITS else ""
    return text if unit == "%" or not unit else text.removesuffix(f" {unit}")


@solara.component
def Slider(
    label: str,
    value: float,
    control: Control,
    on_value: Callable[[Any], Any],
    on_refused: Callable[[InputError], Any],
    classes: Sequence[str] = (),
    lang: str = DEFAULT_LANG,
) -> None:
    """A slider over ``control``'s range; only values the control accepts reach ``on_value``.

    Its label sits on its own line with the value and its unit (``4 semaines``, class
    ``cs-slider-value``), and the two ends of the range are written on either side of the
    slider (``cs-slider-min``, ``cs-slider-max``): a long label wraps above, and the slider
    keeps the whole width below it.
    """
    with solara.Column(gap="0px", classes=["cs-slider"], style={"width": "100%"}):
        with solara.Row(
            gap="6px", style={"justify-content": "space-between", "align-items": "baseline", "flex-wrap": "nowrap"}
        ):
            solara.Text(label, classes=["cs-slider-label"], style={"font-size": "0.85em", "color": "#444"})
            solara.Text(
                setting_value(control.key, value, lang, control.step),
                classes=["cs-slider-value"],
                style={"font-weight": "bold", "white-space": "nowrap", "font-size": "0.9em"},
            )
        with solara.Row(gap="6px", style={"align-items": "center", "flex-wrap": "nowrap"}):
            solara.Text(bound(control, control.low, lang), classes=["cs-slider-min"], style=RANGE_STYLE)
            use_checked(
                lambda handle: rv.Slider(
                    v_model=value,
                    on_v_model=handle,
                    min=control.low,
                    max=control.high,
                    step=control.step,
                    hide_details=True,
                    dense=True,
                    style_="flex: 1 1 auto; min-width: 80px",
                    class_=" ".join(classes),
                ),
                value,
                control.check,
                on_value,
                on_refused,
            )
            solara.Text(bound(control, control.high, lang), classes=["cs-slider-max"], style=RANGE_STYLE)


#: the ends of a slider's range
RANGE_STYLE = {"font-size": "0.75em", "color": "#666", "white-space": "nowrap"}


@solara.component
def Switch(
    label: str,
    value: bool,
    on_value: Callable[[bool], Any],
    on_refused: Callable[[InputError], Any],
    what: str,
    classes: Sequence[str] = (),
    checkbox: bool = False,
) -> Any:
    """A switch (or a check box): only ``True`` or ``False`` reach ``on_value``."""
    widget = rv.Checkbox if checkbox else rv.Switch
    element = use_checked(
        lambda handle: widget(v_model=bool(value), on_v_model=handle, label=label, class_=" ".join(classes)),
        bool(value),
        Control(what, "bool").check,
        on_value,
        on_refused,
    )
    return element


@solara.component
def Select(
    label: str,
    value: Any,
    choices: Sequence[tuple[Any, str]],
    on_value: Callable[[Any], Any],
    on_refused: Callable[[InputError], Any],
    what: str,
    classes: Sequence[str] = (),
) -> Any:
    """A drop-down list of ``(value, text)`` pairs: only one of the values reaches ``on_value``.

    The browser sends the position in the list (not the value), which is checked.
    """
    values = [v for v, _ in choices]
    index = values.index(value) if value in values else None

    def refuse(exc: InputError) -> None:
        on_refused(InputError(what, exc.value, choices=values))

    element = use_checked(
        lambda handle: rv.Select(
            v_model=index,
            items=[{"text": text, "value": k} for k, (_, text) in enumerate(choices)],
            on_v_model=handle,
            label=label,
            class_=" ".join(classes),
        ),
        index,
        _index_check(what, len(values)),
        lambda k: on_value(values[k]),
        refuse,
    )
    return element


@solara.component
def Toggle(
    value: Any,
    choices: Sequence[tuple[Any, str, str]],
    on_value: Callable[[Any], Any],
    on_refused: Callable[[InputError], Any],
    what: str,
    classes: Sequence[str] = (),
) -> Any:
    """Toggle buttons of ``(value, text, css class)`` triples; the browser sends a position."""
    values = [v for v, _, _ in choices]
    index = values.index(value) if value in values else None

    def refuse(exc: InputError) -> None:
        on_refused(InputError(what, exc.value, choices=values))

    element = use_checked(
        lambda handle: rv.BtnToggle(
            v_model=index,
            on_v_model=handle,
            mandatory=True,
            class_=" ".join(classes),
            children=[rv.Btn(children=[text], class_=css) for _, text, css in choices],
        ),
        index,
        _index_check(what, len(values)),
        lambda k: on_value(values[k]),
        refuse,
    )
    return element


@solara.component
def WholeNumber(
    label: str,
    value: int,
    control: Control,
    on_value: Callable[[int], Any],
    on_refused: Callable[[InputError], Any],
    classes: Sequence[str] = (),
) -> Any:
    """A field for a whole number (the seed): the text typed is read as an integer and
    checked against ``control`` when the field loses focus or Enter is pressed."""

    text, set_text = solara.use_state_or_update(str(value))

    def read(raw: Any) -> int:
        if isinstance(raw, str) and len(raw) < 30 and raw.strip().lstrip("-").isdigit():
            raw = int(raw.strip())
        if isinstance(raw, int) and not isinstance(raw, bool):
            return int(control.check(raw))
        raise InputError(control.key, raw, low=control.low, high=control.high)

    def refuse(exc: InputError) -> None:
        set_text(str(value))
        on_refused(exc)

    handle = checked(read, on_value, refuse)
    field = rv.TextField(
        v_model=text,
        on_v_model=lambda raw: set_text(raw if isinstance(raw, str) else shown(raw)),
        label=label,
        type="number",
        hide_details="auto",
        class_=" ".join(classes),
    )

    def on_event(*args: Any) -> None:  # (widget, event, data)
        handle(args[0].v_model)

    rv.use_event(field, "blur", on_event)
    rv.use_event(field, "keyup.enter", on_event)
    return field


@solara.component
def Refusal(refused: solara.Reactive[InputError | None], lang: str, classes: Sequence[str] = ()) -> None:
    """The last refusal of a group of inputs, in ``lang``, until it is closed or replaced.

    It stays after a later accepted value: a slider that gets back the echo of a refused
    value clamps it in the browser and sends an allowed one, which is taken at once.
    """
    if refused.value is None:
        return
    with solara.Column(gap="0px", classes=["cs-refusal"]):
        solara.Error(refused.value.message(lang), classes=[*classes, "cs-refused"])
        solara.Button(t("dismiss", lang), text=True, on_click=lambda: refused.set(None), classes=["cs-dismiss"])
