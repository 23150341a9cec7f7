"""What the French page must not show: English words and strings, and French slips.

Used by the page's tests (``tests/test_ui_workshop.py`` on the rendered widgets and
figures, ``tests/test_ui_browser.py`` on the text Chromium shows). Scenario keys in the
exported TOML preview (``enabled = false``, ``[rex]``) are code, not words: the scans
leave out ``key = value`` lines and ``[table]`` lines (the header comments are scanned).
"""

from __future__ import annotations

import re

#: English words and strings that must not appear in the French page (whole words)
ENGLISH = (
    "the", "and", "with", "of", "is", "are", "this", "that", "written", "website", "runs on", "Run it",
    "passage that begins", "changes", "none", "week", "weeks", "year", "years", "people", "members",
    "variant", "current", "click", "seeds", "refused", "allowed", "Solara", "Loading",
)  # fmt: skip
#: French slips: the other word for turnover, "(e)" beside "·e", "de" not elided before a
#: vowel or a mute h ("de Aurélie"), and a first name reused with a number ("Claire 2")
SLIPS = (
    r"\brotation\b",
    r"\w\(e\)",
    r"\bde [AEIOUYÉÈÊÎÏÔHaeiouyéèêh]\w",
    r"\b[A-Z][a-zéèëïîôü]+ [2-9]\b(?! ?(?:%|ans|an|sur))",
)
_ENGLISH = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])")
_CODE_LINE = re.compile(r"^\s*(?:[\w.\-\"]+\s*=\s.*|\[[\w.\-]+\])\s*$")


def english_in(text: str) -> list[str]:
    """The English words and French slips found in ``text`` (empty when it is clean).

    >>> english_in("Le turnover annuel, d'Aurélie, parti·e"), english_in("Run it with the page")
    ([], ['Run it', 'with', 'the'])
    >>> english_in("arrivé(e) ; L'intégration de Aurélie ; Claire 2 arrive")
    ['é(e)', 'de Au', 'Claire 2']
    """
    kept = "\n".join(line for line in text.splitlines() if not _CODE_LINE.match(line))
    found = _ENGLISH.findall(kept)
    for slip in SLIPS:
        found += re.findall(slip, kept)
    return found
