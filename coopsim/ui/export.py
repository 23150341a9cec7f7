"""Exports: the current run as tables, each figure as PNG, the settings as a scenario file.

The scenario file is what a researcher reruns with ``coopsim run FILE --seed N``: it
``extends`` the shipped scenario the facilitator started from and sets only what was
changed on the page (the way the shipped variants such as ``tera-without-rex.toml`` are
written), so it reads as a short list of decisions. It is resolved like any scenario
file: ``extends = "tera.toml"`` is found next to the file or in the shipped
``scenarios/`` folder. Settings that start from a file dropped on the page are written as
that file's own data with the page's changes applied (:func:`toml_document`).

Example:
    >>> from coopsim.ui.session import Settings
    >>> text = settings_toml(Settings(seed=4, overrides=(("rex.enabled", False),)))
    >>> 'extends = "tera.toml"' in text and "[rex]" in text and "enabled = false" in text
    True
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import tomllib
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import solara
from matplotlib.figure import Figure

from .. import __version__
from ..scenario import apply_overrides
from .html import bold, paragraph
from .session import Session, Settings
from .strings import DEFAULT_LANG, t


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (a higher resolution than on screen)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _toml_value(value: Any) -> str:
    """One TOML scalar: booleans in lower case, floats exactly, strings quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written in a scenario file")
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_inline(v) for v in value) + "]"
    return _toml_value(value)


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def toml_document(data: dict[str, Any], path: str = "") -> list[str]:
    """The lines of a TOML document holding ``data`` (tables and arrays of tables as sections).

    >>> import tomllib
    >>> data = {"a": 1, "t": {"x": [1.5, 2.0], "u": {"on": True}}, "r": [{"k": "v"}, {"k": "w"}]}
    >>> tomllib.loads("\\n".join(toml_document(data))) == data
    True
    """
    lines = [
        f"{_toml_key(k)} = {_toml_inline(v)}" for k, v in data.items() if not isinstance(v, dict) and not _is_tables(v)
    ]
    for key, value in data.items():
        name = f"{path}{_toml_key(key)}"
        if isinstance(value, dict):
            lines += ["", f"[{name}]", *toml_document(value, name + ".")]
        elif _is_tables(value):
            for item in value:
                lines += ["", f"[[{name}]]", *toml_document(item, name + ".")]
    return lines


def _header(settings: Settings, lang: str, dropped: bool) -> list[str]:
    """The comment lines at the top of an exported file, in the page's language."""
    changes = ", ".join(f"{k} = {_toml_value(v)}" for k, v in settings.overrides) or t("toml_none", lang)
    return [
        t("toml_written", lang, version=__version__, date=dt.date.today().isoformat()),
        t("toml_run", lang, seed=settings.seed),
        t("toml_dropped" if dropped else "toml_is", lang, scenario=settings.scenario, changes=changes),
    ]


def _uploaded_toml(settings: Settings, name: str | None, lang: str) -> str:
    """Settings from a dropped file: the file's data, the page's changes applied."""
    data = apply_overrides(tomllib.loads(settings.source), dict(settings.overrides))
    data["name"] = name or f"{PurePath(settings.scenario).stem}-page"
    return "\n".join(_header(settings, lang, dropped=True) + toml_document(data)) + "\n"


def settings_toml(settings: Settings, name: str | None = None, lang: str = DEFAULT_LANG) -> str:
    """The settings as a scenario file that ``coopsim run`` accepts (see the module
    docstring); its comments and description in ``lang``, the page's language."""
    settings.scenario_obj()  # refuse to write settings the model would refuse
    if settings.uploaded:
        return _uploaded_toml(settings, name, lang)
    top: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {}
    for key, value in settings.overrides:
        parts = key.split(".")
        if len(parts) == 1:
            top[key] = value
        else:
            tables.setdefault(".".join(parts[:-1]), {})[parts[-1]] = value
    name = name or f"{settings.scenario}-page"
    changes = ", ".join(f"{k} = {_toml_value(v)}" for k, v in settings.overrides) or t("toml_none", lang)
    description = t("toml_description", lang, scenario=settings.scenario, changes=changes)
    lines = [
        *_header(settings, lang, dropped=False),
        f'extends = "{settings.scenario}.toml"',
        f"name = {_toml_value(name)}",
        f"description = {_toml_value(description)}",
    ]
    lines += [f"{k} = {_toml_value(v)}" for k, v in top.items() if k not in ("name", "description")]
    for table, values in tables.items():
        lines += ["", f"[{table}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def run_table(session: Session, which: str, fmt: str) -> bytes:
    """The run so far as CSV or Parquet bytes: ``which`` is 'weeks', 'people' or 'events'."""
    with session.lock:
        rec = session.model.recorder
        frame = {"weeks": rec.model_frame, "people": rec.people_frame, "events": rec.events_frame}[which]()
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


@solara.component
def FigureDownload(fig: Figure, filename: str, lang: str) -> None:
    """A small button that downloads ``fig`` as PNG."""
    solara.FileDownload(
        lambda: png_bytes(fig),
        filename=filename,
        label=t("dl_png", lang),
        mime_type="image/png",
        children=[solara.Button(t("dl_png", lang), icon_name="mdi-image", text=True, classes=["cs-download-png"])],
    )


def _download(data: Callable[[], bytes | str], filename: str, label: str, css: str, mime: str) -> None:
    solara.FileDownload(
        data,
        filename=filename,
        mime_type=mime,
        children=[solara.Button(label, icon_name="mdi-download", outlined=True, classes=[css])],
    )


@solara.component
def ExportView(session: Session, lang: str, week: int, version: int) -> None:
    """Buttons to download the run's tables and the settings as a scenario file."""
    stem = f"coopsim-{PurePath(session.settings.scenario).stem}-seed{session.settings.seed}-week{week}"
    with solara.Column(classes=["cs-export"]):
        paragraph(t("export_help", lang))
        bold(t("tables", lang))
        with solara.Row(style={"flex-wrap": "wrap"}):
            _download(
                lambda: run_table(session, "weeks", "csv"),
                f"{stem}-weeks.csv",
                t("dl_weekly_csv", lang),
                "cs-dl-weeks-csv",
                "text/csv",
            )
            _download(
                lambda: run_table(session, "weeks", "parquet"),
                f"{stem}-weeks.parquet",
                t("dl_weekly_parquet", lang),
                "cs-dl-weeks-parquet",
                "application/octet-stream",
            )
            _download(
                lambda: run_table(session, "people", "parquet"),
                f"{stem}-people.parquet",
                t("dl_people_parquet", lang),
                "cs-dl-people-parquet",
                "application/octet-stream",
            )
            _download(
                lambda: run_table(session, "events", "csv"),
                f"{stem}-events.csv",
                t("dl_events_csv", lang),
                "cs-dl-events-csv",
                "text/csv",
            )
        bold(t("setup", lang))
        _download(
            lambda: settings_toml(session.settings, lang=lang),
            f"coopsim-{PurePath(session.settings.scenario).stem}-page.toml",
            t("dl_toml", lang),
            "cs-dl-toml",
            "application/toml",
        )
        solara.Preformatted(settings_toml(session.settings, lang=lang), class_="cs-toml-preview")
