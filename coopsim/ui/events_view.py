"""The event feed: what happened, in plain sentences, with first names.

Names: each person gets a French first name from :data:`FIRST_NAMES`, by a permutation
drawn from a generator seeded with the run's seed (never the global random state), so
the same seed gives the same names, and index ``i`` keeps its name the whole run. The
list is long enough for a decade of TERA; past its length, the initial of a family name
tells two people apart ("Simon B."), never a number.

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
from typing import cast

import numpy as np
import solara

from .inputs import Refusal, Toggle
from .session import InputError, Notable, Session
from .strings import EVENTS, KEY_KINDS, duration, of_name, pick, t

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
    "Amandine", "Bastien", "Capucine", "Dylan", "Estelle", "Florian", "Gaëlle", "Henri", "Iris", "Jérôme",
    "Katia", "Loïc", "Maëlle", "Noël", "Océane", "Pascal", "Rachel", "Sébastien", "Tiphaine", "Ulysse",
    "Vanessa", "William", "Yvette", "Zacharie", "Axelle", "Bruno", "Cécile", "Didier", "Eva", "Franck",
    "Géraldine", "Hamid", "Ingrid", "Joël", "Kévin", "Laurence", "Mathilde", "Nora", "Olga", "Philippe",
    "Rémi", "Solène", "Thierry", "Valentin", "Xavier", "Yannick", "Zélie", "Armelle", "Boris", "Coralie",
)  # fmt: skip

#: the initial of a family name that tells apart two people of the same first name
INITIALS = "BDGLMRPTCV"
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
        return base if i < k else f"{base} {INITIALS[(i // k - 1) % len(INITIALS)]}."


def sentence(event: Notable, names: Callable[[int], str], lang: str) -> str:
    """The plain sentence of one notable event in ``lang``."""
    template = pick(EVENTS, event.kind, lang)
    name = names(event.person)
    parts = [pick(EVENTS, "rex_roles", lang)] if event.roles else []
    parts += [pick(EVENTS, "rex_conflicts", lang)] if event.count else []
    detail = (" et " if lang == "fr" else " and ").join(parts).format(roles=event.roles, count=event.count)
    return template.format(
        detail=detail,
        name=name,
        of_name=of_name(name, lang),
        other=names(event.other),
        roles=event.roles,
        count=event.count,
        years=duration(event.weeks, lang),
    )


def feed(session: Session, lang: str, length: int = FEED_LENGTH, key_only: bool = False) -> list[tuple[Notable, str]]:
    """The last ``length`` notable events, newest first, with their sentences; with
    ``key_only``, the last :data:`KEY_LENGTH` key moments of the whole run
    (:data:`~coopsim.ui.strings.KEY_KINDS`), so that they stay findable after a jump to the end."""
    names = Names(session.settings.seed)
    if key_only:
        recent = [e for e in session.notables if e.kind in KEY_KINDS][-KEY_LENGTH:][::-1]
    else:
        recent = session.notables[-length:][::-1]
    return [(e, sentence(e, names, lang)) for e in recent]


#: the key moments the filtered feed shows at most (a decade of TERA has a few dozen)
KEY_LENGTH = 400
#: the feed's filter: everything recent, or the key moments of the whole run
FEED_FILTERS = ("all", "key")
EVENT_STYLE = {
    "text-transform": "none",
    "white-space": "normal",
    "height": "auto",
    "justify-content": "flex-start",
    "text-align": "left",
    "letter-spacing": "normal",
    "font-weight": "normal",
    "padding": "2px 4px",
    "width": "100%",
    "max-width": "100%",
}


@solara.component
def EventsView(
    session: Session,
    lang: str,
    week: int,
    version: int,
    on_person: Callable[[int], None],
    max_height: str = "560px",
) -> None:
    """The feed: one line per event, newest first; a line about a person opens their story.

    A filter shows either the recent events or the key moments of the whole run; the tab's
    session keeps it, so that it is still set when one comes back to the feed.
    """
    which = solara.use_reactive(session.feed_filter)

    def choose(value: str) -> None:
        session.feed_filter = value
        which.set(value)

    refused = solara.use_reactive(cast(InputError | None, None))
    with session.lock:
        items = feed(session, lang, key_only=which.value == "key")
    with solara.Column(gap="2px", classes=["cs-events"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text(t("events", lang), style={"font-weight": "bold"})
            with solara.Tooltip(t("feed_filter", lang)):
                Toggle(
                    which.value,
                    [(k, t(f"feed_{k}", lang), f"cs-feed-{k}") for k in FEED_FILTERS],
                    choose,
                    refused.set,
                    "feed",
                    classes=["cs-feed-filter"],
                )
        Refusal(refused, lang)
        solara.Text(t("events_tip", lang), style={"font-size": "0.8em", "color": "#666"})
        with solara.Column(
            gap="0px", classes=["cs-event-list"], style={"max-height": max_height, "overflow-y": "auto"}
        ):
            if not items:
                solara.Text(t("no_events", lang), classes=["cs-event"])
            for k, (event, text) in enumerate(items):
                label = f"{t('week_short', lang, week=event.week)} · {text}"
                css = ["cs-event", f"cs-kind-{event.kind}"]
                key = f"{which.value}-{event.week}-{event.kind}-{event.person}-{event.other}-{k}"  # a widget per event
                if event.person >= 0:
                    solara.Button(
                        label=label,
                        text=True,
                        on_click=lambda p=event.person: on_person(p),
                        classes=[*css, "cs-event-person"],
                        style=EVENT_STYLE,
                    ).key(key)
                else:
                    solara.Text(label, classes=css, style={"padding": "2px 4px", "font-size": "0.875rem"}).key(key)
