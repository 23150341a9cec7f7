"""Small text elements of the page, as plain HTML.

Solara's ``Markdown`` component loads KaTeX (for formulas) from the asset folder when it
appears, and the offline assets (``solara-assets``) do not ship KaTeX: every Markdown
would log a failed request in the browser. The page has no formulas, so it writes its
headings, paragraphs, lists and tables as escaped HTML instead.

Example:
    >>> table_html([{"a": "1 < 2", "b": "x"}])
    '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1 &lt; 2</td><td>x</td></tr></tbody></table>'
"""

from __future__ import annotations

from html import escape
from typing import Any

import solara


def heading(text: str, level: int = 3, classes: list[str] | None = None) -> Any:
    """A heading ``<h2>``, ``<h3>`` ... with escaped text."""
    return solara.HTML(tag=f"h{level}", unsafe_innerHTML=escape(text), classes=classes or [])


def bold(text: str, classes: list[str] | None = None) -> Any:
    """A line of bold text."""
    return solara.HTML(
        tag="div", unsafe_innerHTML=f"<b>{escape(text)}</b>", classes=classes or [], style="margin: 6px 0 2px 0"
    )


def paragraph(text: str, classes: list[str] | None = None, small: bool = False) -> Any:
    """A paragraph of escaped text."""
    style = "font-size: 0.85em; color: #444; margin: 2px 0" if small else "margin: 4px 0"
    return solara.HTML(tag="p", unsafe_innerHTML=escape(text), classes=classes or [], style=style)


def quote(text: str) -> Any:
    """The source text's words, as a block quote."""
    return solara.HTML(
        tag="blockquote",
        unsafe_innerHTML=escape(text),
        style="font-size: 0.8em; border-left: 3px solid #bbb; padding-left: 8px; color: #333; margin: 4px 0",
    )


def bullets(items: list[str], classes: list[str] | None = None) -> Any:
    """An unordered list."""
    inner = "".join(f"<li>{escape(item)}</li>" for item in items)
    return solara.HTML(tag="ul", unsafe_innerHTML=inner, classes=classes or [])


def table_html(rows: list[dict[str, str]]) -> str:
    """An HTML table of rows sharing the same keys (the header)."""
    if not rows:
        return ""
    keys = list(rows[0])
    head = "".join(f"<th>{escape(k)}</th>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(r[k]))}</td>" for k in keys) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def table(rows: list[dict[str, str]], classes: list[str] | None = None) -> Any:
    """A table element (see :func:`table_html`)."""
    return solara.HTML(tag="div", unsafe_innerHTML=table_html(rows), classes=classes or [])
