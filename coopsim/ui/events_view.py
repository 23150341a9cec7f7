"""The event feed: what happened, in plain sentences, with first names.

Names: each person gets a French first name from :data:`FIRST_NAMES`, by a permutation
drawn from a generator seeded with the run's seed (never the global random state), so
the same seed gives the same names, and index ``i`` keeps its name the whole run. Past
the list's length a number is added ("Simon 2").

Sentences come from :class:`~coopsim.ui.session.Notable` records and the templates of
:data:`coopsim.ui.strings.EVENTS`, so they follow the language switch. A sentence about
a person is a button: clicking it opens that person's story in the inspector.

Example:
    >>> from coopsim.ui.session import Notable
    >>> names = Names(seed=1)
    >>> sentence(Notable(300, "burnout", 3, roles=7, weeks=270), names, "fr").endswith("s'est retiré·e épuisé·e.")
    True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import solara

from .session import Notable, Session
from .strings import EVENTS, duration, pick, t

FIRST_NAMES = (
    "Simon", "Mélanie", "Léa", "Hugo", "Camille", "Lucas", "Chloé", "Louis", "Manon", "Jules",
    "Inès", "Arthur", "Jade", "Gabriel", "Louise", "Raphaël", "Emma", "Paul", "Alice", "Nathan",
    "Zoé", "Tom", "Lina", "Théo", "Rose", "Maël", "Anna", "Sacha", "Juliette", "Noé",
    "Clara", "Victor", "Lou", "Martin", "Margaux", "Antoine", "Élise", "Baptiste", "Agathe", "Mathis",
    "Sarah", "Romain", "Pauline", "Julien", "Marion", "Nicolas", "Claire", "Thomas", "Lucie", "Pierre",
    "Anaïs", "Maxime", "Justine", "Quentin", "Charlotte", "Adrien", "Céline", "Benoît", "Sophie", "Olivier",
    "Aurélie", "Damien", "Hélène", "Yann", "Émilie", "Fabien", "Laure", "Guillaume", "Nadia", "Karim",
    "Fatou", "Samir", "Leïla", "Mehdi", "Yasmine", "Jean", "Marie", "Michel", "Monique", "Alain",
    "Sylvie", "Bernard", "Nathalie", "Éric", "Valérie", "Patrick", "Isabelle", "Christophe", "Sandrine", "Gilles",
    "Corinne", "Hervé", "Brigitte", "Denis", "Odile", "Marcel", "Josiane", "René", "Colette", "Gaston",
)  # fmt: skip

#: the weeks of events the feed shows at most
FEED_LENGTH = 40


class Names:
    """First names of the people of one run, fixed by the run's seed."""

    def __init__(self, seed: int) -> None:
        self.order = np.random.default_rng([int(seed), 2024]).permutation(len(FIRST_NAMES))

    def __call__(self, i: int) -> str:
        if i < 0:
            return "?"
        k = len(FIRST_NAMES)
        base = FIRST_NAMES[int(self.order[i % k])]
        return base if i < k else f"{base} {i // k + 1}"


def sentence(event: Notable, names: Callable[[int], str], lang: str) -> str:
    """The plain sentence of one notable event in ``lang``."""
    template = pick(EVENTS, event.kind, lang)
    return template.format(
        name=names(event.person),
        other=names(event.other),
        roles=event.roles,
        years=duration(event.weeks, lang),
    )


def feed(session: Session, lang: str, length: int = FEED_LENGTH) -> list[tuple[Notable, str]]:
    """The last ``length`` notable events, newest first, with their sentences."""
    names = Names(session.settings.seed)
    recent = session.notables[-length:][::-1]
    return [(e, sentence(e, names, lang)) for e in recent]


@solara.component
def EventsView(session: Session, lang: str, week: int, version: int, on_person: Callable[[int], None]) -> None:
    """The feed: one line per event, newest first; a line about a person opens their story."""
    with session.lock:
        items = feed(session, lang)
    with solara.Column(gap="2px", classes=["cs-events"], style={"max-height": "560px", "overflow-y": "auto"}):
        solara.Text(t("events", lang), style={"font-weight": "bold"})
        solara.Text(t("events_tip", lang), style={"font-size": "0.8em", "color": "#666"})
        if not items:
            solara.Text(t("no_events", lang), classes=["cs-event"])
        for event, text in items:
            label = f"{t('week_short', lang, week=event.week)} · {text}"
            if event.person >= 0:
                solara.Button(
                    label=label,
                    text=True,
                    on_click=lambda p=event.person: on_person(p),
                    classes=["cs-event", "cs-event-person"],
                    style={
                        "text-transform": "none",
                        "white-space": "normal",
                        "height": "auto",
                        "justify-content": "flex-start",
                        "text-align": "left",
                        "letter-spacing": "normal",
                        "font-weight": "normal",
                        "padding": "2px 4px",
                    },
                )
            else:
                solara.Text(label, classes=["cs-event"], style={"padding": "2px 4px", "font-size": "0.875rem"})
