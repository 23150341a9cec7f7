"""Every word the facilitator page shows, in French (the default) and English, and how
numbers are written in each.

One place for all strings, so that a translation is checked in one file and the language
switch changes every label, tooltip, legend, event sentence and number at once:

- :data:`TEXT`: labels, tooltips and legends, ``key -> (français, English)``;
- :data:`MECHANISMS`: the levers, which carry their own names, one-sentence explanation,
  settings and the source text's words (:data:`coopsim.mechanisms.REGISTRY`), so that the
  page never drifts from the model (:func:`mechanism_name`, :func:`seed_words` ...);
- :data:`CONTROL_LABELS` and :data:`OUTCOME_LABELS`: the labels of the main settings and
  of the headline outcomes, built from the levers and from :data:`coopsim.outcomes.OUTCOMES`;
- :data:`EVENTS`: the sentences of the event feed;
- :func:`number`, :func:`percent`, :func:`signed_percent`, :func:`interval`: numbers with
  the decimal comma, the thin space before ``%`` and the true minus sign in French.

Example:
    >>> t("step", "fr"), t("step", "en")
    ('Pas', 'Step')
    >>> number(1234.5, "fr", 1), number(1234.5, "en", 1)
    ('1\\u202f234,5', '1,234.5')
    >>> signed_percent(-35.2, "fr")
    '−35\\u202f%'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from ..mechanisms import REGISTRY, on_change
from ..outcomes import HEADLINE, OUTCOMES

DEFAULT_LANG = "fr"
MINUS = "\u2212"
NNBSP = "\u202f"  # narrow no-break space: French thousands separator and space before %

#: labels, tooltips and legends: key -> (French, English)
TEXT: dict[str, tuple[str, str]] = {
    # page and language
    "title": ("coopsim — explorer un écosystème coopératif", "coopsim — explore a cooperative ecosystem"),
    "subtitle": (
        "Une semaine par pas. Les personnes s'engagent, se fatiguent, partent ; changez les dispositifs et comparez.",
        "One week per step. People engage, tire and leave; change the levers and compare.",
    ),
    "language": ("English", "Français"),  # the switch shows the other language
    "language_tip": ("Passer la page en anglais", "Switch the page to French"),
    "present": ("Présentation", "Presentation"),
    "present_tip": (
        "Grands caractères et grandes figures, pour projeter devant un groupe",
        "Large text and figures, for a projector in front of a group",
    ),
    # set-up panel
    "setup": ("Réglages", "Set-up"),
    "scenario": ("Scénario", "Scenario"),
    "scenario_tip": (
        "Un fichier du dossier scenarios/ : TERA tel que le texte le décrit, ou une variante",
        "A file of scenarios/: TERA as the text describes it, or a variant",
    ),
    "mechanisms": ("Dispositifs", "Levers"),
    "mechanisms_tip": (
        "Chaque dispositif agit seulement par les processus de la semaine ; survolez ou dépliez pour lire le texte source",
        "Each lever acts only through the weekly processes; hover or expand to read the source text",
    ),
    "seed_words": ("Les mots du texte", "The source text's words"),
    "sliders": ("Paramètres principaux", "Main settings"),
    "seed": ("Graine", "Seed"),
    "seed_tip": (
        "Le même nombre redonne exactement la même décennie ; un autre nombre, une autre décennie possible",
        "The same number gives exactly the same decade again; another number, another possible decade",
    ),
    "years": ("Durée (années)", "Duration (years)"),
    "reset": ("Réinitialiser", "Reset"),
    "reset_tip": (
        "Reconstruit le groupe de départ avec ces réglages, semaine 0",
        "Rebuilds the founding group with these settings, week 0",
    ),
    "pending": (
        "Réglages modifiés : cliquez sur « Réinitialiser » pour les appliquer.",
        "Settings changed: click “Reset” to apply them.",
    ),
    "bad_settings": ("Réglages refusés", "Settings refused"),
    "refused": (
        "« {label} » : {value} refusé (permis : {allowed}). Rien n'a été changé.",
        "“{label}”: {value} refused (allowed: {allowed}). Nothing was changed.",
    ),
    "refused_scenario": (
        "Scénario refusé : {value} n'est pas un scénario fourni ({choices}). Choisissez-en un dans la liste, "
        "ou déposez un fichier de scénario. Rien n'a été changé.",
        "Scenario refused: {value} is not a shipped scenario ({choices}). Choose one from the list, "
        "or drop a scenario file. Nothing was changed.",
    ),
    "refused_upload": (
        "Fichier de scénario refusé : {reason}. Rien n'a été changé.",
        "Scenario file refused: {reason}. Nothing was changed.",
    ),
    "range": ("{low} à {high}", "{low} to {high}"),
    "yes_no": ("oui ou non", "yes or no"),
    "setting": ("Réglage", "Setting"),
    "tab": ("Onglet", "Tab"),
    "feed": ("Fil des événements", "Event feed"),
    "upload": (
        "Déposez ici un fichier de scénario (.toml, par exemple un export de cette page)",
        "Drop a scenario file here (.toml, for instance an export of this page)",
    ),
    "upload_summary": ("Charger un fichier de scénario…", "Load a scenario file…"),
    "uploaded": ("{name} (fichier déposé)", "{name} (dropped file)"),
    "dismiss": ("Fermer", "Close"),
    "view_failed": (
        "Cette partie de la page a rencontré une erreur ({error}). Le reste de la page fonctionne ; "
        "« Réessayer » la redessine.",
        "This part of the page met an error ({error}). The rest of the page works; “Retry” draws it again.",
    ),
    "retry": ("Réessayer", "Retry"),
    # run controls
    "run": ("Simulation", "Run"),
    "step": ("Pas", "Step"),
    "step_tip": ("Avancer d'une semaine", "Advance one week"),
    "play": ("Lecture", "Play"),
    "play_tip": ("Avancer sans s'arrêter", "Advance continuously"),
    "pause": ("Pause", "Pause"),
    "to_end": ("Aller à la fin", "Jump to the end"),
    "to_end_tip": ("Calculer toutes les semaines restantes d'un coup", "Compute all remaining weeks at once"),
    "speed": ("Semaines par image", "Weeks per frame"),
    "speed_tip": (
        "En lecture, la page redessine toutes les k semaines : plus k est grand, plus la décennie passe vite",
        "While playing, the page redraws every k weeks: the larger k, the faster the decade goes",
    ),
    "week_of": ("Semaine {week} sur {horizon} (année {year})", "Week {week} of {horizon} (year {year})"),
    "finished": ("Fin de la simulation.", "End of the run."),
    "active_now": (
        "{active} membres actifs, {newcomers} en intégration, {withdrawn} retirés, {departed} partis",
        "{active} active members, {newcomers} in integration, {withdrawn} withdrawn, {departed} departed",
    ),
    # views
    "tab_network": ("Réseau", "Network"),
    "tab_series": ("Au fil du temps", "Over time"),
    "tab_work": ("Travail", "Work"),
    "tab_structures": ("Structures", "Structures"),
    "tab_person": ("Une personne", "A person"),
    "tab_compare": ("Et si… ?", "What if…?"),
    "tab_export": ("Exporter", "Export"),
    "color_by": ("Couleur des personnes", "Colour of people"),
    "exhaustion": ("épuisement", "exhaustion"),
    "engagement": ("engagement", "engagement"),
    "trust": ("confiance", "trust"),
    "network_title": ("Qui connaît qui, semaine {week}", "Who knows whom, week {week}"),
    "network_help": (
        "Chaque point est une personne, placée près du lieu où elle porte le plus de rôles (structure ou cercle). "
        "Couleur : {color} (clair = faible, foncé = fort). Taille : charge de travail (heures / heures disponibles). "
        "Contour : statut. Liens : seulement ceux où la confiance mutuelle est forte. "
        "Au centre : sans rôle ; à l'extérieur : retirés. Les personnes parties disparaissent.",
        "Each dot is a person, placed near where they hold most roles (a structure or a circle). "
        "Colour: {color} (light = low, dark = high). Size: workload (hours / hours available). "
        "Outline: status. Lines: only the ties where mutual trust is strong. "
        "In the middle: no role; outside: withdrawn. People who left disappear.",
    ),
    "no_role": ("sans rôle", "no role"),
    "withdrawn_zone": ("retirés", "withdrawn"),
    "legend_status": ("Contour : statut", "Outline: status"),
    "burned_out": ("épuisé·e (burnout)", "burned out"),
    "series_title": ("Le collectif au fil des années", "The collective over the years"),
    "years_axis": ("années", "years"),
    "s_members": ("Membres", "Members"),
    "s_active": ("actifs", "active"),
    "s_newcomers": ("en intégration", "in integration"),
    "s_withdrawn": ("retirés", "withdrawn"),
    "s_flows": ("Arrivées et départs (cumulés)", "Arrivals and departures (cumulated)"),
    "s_arrivals": ("arrivées", "arrivals"),
    "s_departures": ("départs", "departures"),
    "s_burnouts": ("Burnouts (cumulés)", "Burnouts (cumulated)"),
    "s_means": ("Moyennes des membres actifs", "Means among active members"),
    "s_unmet": ("Travail non fait (part des heures demandées)", "Unmet work (share of hours asked)"),
    "s_backlog": ("Décisions en attente", "Decisions waiting"),
    "work_title": ("Qui porte le travail ?", "Who carries the work?"),
    "lorenz": ("Concentration des heures (52 dernières semaines)", "Concentration of hours (last 52 weeks)"),
    "lorenz_x": ("part des personnes (des moins aux plus investies)", "share of people (least to most involved)"),
    "lorenz_y": ("part des heures", "share of hours"),
    "equality": ("égalité parfaite", "perfect equality"),
    "top20": ("les 20 % les plus investis portent {share} des heures", "the top 20 % carry {share} of the hours"),
    "roles_hist": ("Rôles par membre actif (maintenant)", "Roles per active member (now)"),
    "roles_x": ("rôles tenus", "roles held"),
    "people_count": ("personnes", "people"),
    "no_work_yet": ("Pas encore d'heures enregistrées", "No hours recorded yet"),
    "structures_title": ("Les six structures", "The six structures"),
    "treasury": ("Trésorerie (euros)", "Treasury (euros)"),
    "flows_year": ("Flux des 52 dernières semaines (euros)", "Flows of the last 52 weeks (euros)"),
    "no_flows": ("Pas encore de flux", "No flows yet"),
    "events": ("Ce qui s'est passé", "What happened"),
    "feed_all": ("Tout", "All"),
    "feed_key": ("Moments clés", "Key moments"),
    "feed_filter": (
        "Moments clés : burnouts, départs de personnes qui tenaient des rôles, épuisements remarqués, "
        "séances de REX qui ont changé quelque chose ; depuis le début",
        "Key moments: burnouts, departures of people holding roles, exhaustion noticed, REX sessions that "
        "changed something; since the start",
    ),
    "live_title": ("En direct", "Live"),
    "live_members": ("membres actifs", "active members"),
    "live_exhaustion": ("épuisement moyen", "mean exhaustion"),
    "live_conflicts": ("conflits ouverts", "open conflicts"),
    "network_click": (
        "Cliquez une personne pour ouvrir son histoire.",
        "Click a person to open their story.",
    ),
    "events_tip": (
        "Les faits marquants, du plus récent au plus ancien ; cliquez un prénom pour voir l'histoire de la personne",
        "Notable events, newest first; click a name to see that person's story",
    ),
    "no_events": ("Rien de marquant pour l'instant.", "Nothing notable yet."),
    "week_short": ("sem. {week}", "wk {week}"),
    # inspector
    "person": ("Personne", "Person"),
    "person_tip": (
        "Triées : d'abord celles qui ont cumulé le plus de rôles le plus longtemps (les « Simon »)",
        "Sorted: first those who held most roles for longest (the “Simons”)",
    ),
    "person_story": ("L'histoire de {name}", "{name}'s story"),
    "person_facts": (
        "{status}, {paid}, arrivé·e en année {arrival} ; {roles} rôle(s) maintenant, jusqu'à {max_roles} ; "
        "{burnouts} burnout(s)",
        "{status}, {paid}, arrived in year {arrival}; {roles} role(s) now, up to {max_roles}; {burnouts} burnout(s)",
    ),
    "roles_now": ("Rôles tenus : {roles}", "Roles held: {roles}"),
    "roles_none": ("Aucun rôle en ce moment.", "No role at the moment."),
    "key_events": ("Moments clés", "Key moments"),
    "roles_over_time": ("Rôles tenus", "Roles held"),
    "state_over_time": ("Épuisement, engagement, confiance", "Exhaustion, engagement, trust"),
    "left_line": ("départ", "left"),
    "pick_person": ("Choisissez une personne.", "Pick a person."),
    # comparison
    "compare_help": (
        "A = les réglages actuels (à gauche). B = une copie que vous modifiez ici. Les deux tournent sur les mêmes "
        "graines (mêmes hasards), {r} fois chacun ; les courbes montrent la médiane, et les bandes où tombent "
        "50 % et 90 % des décennies simulées.",
        "A = the current settings (left). B = a copy you edit here. Both run on the same seeds (same luck), "
        "{r} times each; the lines show the median, the bands where 50 % and 90 % of the simulated decades fall.",
    ),
    "variant_b": ("Variante B", "Variant B"),
    "copy_a": ("Copier A dans B", "Copy A into B"),
    "replications": ("Répétitions (graines appariées)", "Replications (paired seeds)"),
    "compare": ("Comparer A et B", "Compare A and B"),
    "compare_refused": ("Comparaison impossible : {detail}", "Comparison impossible: {detail}"),
    "pool_lost": (
        "Les processus de calcul se sont arrêtés pendant cette comparaison ({detail} essais). Des processus "
        "neufs sont prêts : cliquez à nouveau sur « Comparer A et B ».",
        "The worker processes stopped during this comparison ({detail} tries). New ones are ready: "
        "click “Compare A and B” again.",
    ),
    "compare_failed": (
        "La comparaison a échoué ({detail}). Le reste de la page fonctionne ; vous pouvez la relancer.",
        "The comparison failed ({detail}). The rest of the page works; you can run it again.",
    ),
    "comparing": ("Calcul en cours : {done} / {total} simulations", "Computing: {done} / {total} runs"),
    "compare_done": (
        "{r} graines appariées, {years} ans, calculées en {seconds} s",
        "{r} paired seeds, {years} years, computed in {seconds} s",
    ),
    "label_a": ("A (actuel)", "A (current)"),
    "label_b": ("B ({changes})", "B ({changes})"),
    "b_changes": ("B : {changes}", "B: {changes}"),
    "b_same": ("comme A", "as A"),
    "without_lever": ("sans {name}", "without {name}"),
    "with_lever": ("avec {name}", "with {name}"),
    "changed_value": ("{label} {b} au lieu de {a}", "{label} {b} instead of {a}"),
    "other_scenario": ("scénario {name}", "scenario {name}"),
    "compare_auto": (
        "La comparaison se refait d'elle-même quand vous changez B.",
        "The comparison runs again by itself when you change B.",
    ),
    "abs_note": (
        "Quand la valeur de A est proche de zéro, l'écart est donné en valeur absolue, pas en pourcentage.",
        "When A's value is close to zero, the difference is given as an absolute value, not as a percentage.",
    ),
    "differences": ("Différences B − A", "Differences B − A"),
    "col_outcome": ("Indicateur", "Outcome"),
    "col_a": ("A (moyenne)", "A (mean)"),
    "col_b": ("B (moyenne)", "B (mean)"),
    "col_diff": ("B − A [intervalle à 95 %]", "B − A [95 % interval]"),
    "bands_legend": ("médiane, bandes 50 % et 90 %", "median, 50 % and 90 % bands"),
    "same_settings": (
        "B est identique à A : changez au moins un réglage de B.",
        "B is the same as A: change at least one setting of B.",
    ),
    "compare_note": (
        "Un intervalle qui contient 0 veut dire : pas de différence claire avec ce nombre de répétitions. "
        "Les valeurs « supposées » du scénario restent à calibrer (docs/LIMITES.md).",
        "An interval that contains 0 means: no clear difference with this many replications. "
        "The scenario's “assumed” values are still to be calibrated (docs/LIMITES.md).",
    ),
    # export
    "export_help": (
        "Téléchargez la simulation en cours (tableaux), chaque figure, et les réglages en scénario TOML "
        "qu'un chercheur relance avec « coopsim run FICHIER ».",
        "Download the current run (tables), each figure, and the settings as a TOML scenario a researcher "
        "runs again with “coopsim run FILE”.",
    ),
    "dl_weekly_csv": ("Semaines (CSV)", "Weeks (CSV)"),
    "dl_weekly_parquet": ("Semaines (Parquet)", "Weeks (Parquet)"),
    "dl_people_parquet": ("Personnes (Parquet)", "People (Parquet)"),
    "dl_events_csv": ("Événements (CSV)", "Events (CSV)"),
    "dl_toml": ("Réglages (scénario TOML)", "Settings (TOML scenario)"),
    "dl_png": ("Figure (PNG)", "Figure (PNG)"),
    "figures": ("Figures", "Figures"),
    "toml_written": (
        "# Scénario écrit par la page d'animation de coopsim (coopsim {version}), le {date}.",
        "# Scenario written by the coopsim facilitator page (coopsim {version}), {date}.",
    ),
    "toml_run": (
        "# Pour le relancer :  coopsim run CE_FICHIER.toml --seed {seed}",
        "# Run it with:  coopsim run THIS_FILE.toml --seed {seed}",
    ),
    "toml_is": (
        "# C'est {scenario}.toml avec ces changements : {changes}",
        "# It is {scenario}.toml with these changes: {changes}",
    ),
    "toml_dropped": (
        "# C'est le fichier {scenario} déposé sur la page, avec ces changements : {changes}",
        "# It is the file {scenario} dropped on the page, with these changes: {changes}",
    ),
    "toml_description": (
        "{scenario} réglé sur la page d'animation ; changements : {changes}",
        "{scenario} as set on the facilitator page; changes: {changes}",
    ),
    "toml_none": ("aucun", "none"),
    "tables": ("Tableaux", "Tables"),
}

#: the status and paid-status words (indexed like ``coopsim.base.Status`` / ``Paid``)
STATUS = {
    "fr": ("en intégration", "actif·ve", "retiré·e", "parti·e"),
    "en": ("in integration", "active", "withdrawn", "departed"),
}
PAID = {"fr": ("bénévole", "au revenu de transition", "salarié·e"), "en": ("volunteer", "on the stipend", "salaried")}

#: the levers, key -> class (:data:`coopsim.mechanisms.REGISTRY`): each carries ``name_fr``,
#: ``name_en``, ``sentence_fr``, ``sentence_en``, ``passage`` and ``controls``
MECHANISMS = REGISTRY

#: labels of the main settings that are not a lever's: dotted key -> (French, English)
WORLD_CONTROL_LABELS: dict[str, tuple[str, str]] = {
    "population.founders": ("Taille du groupe au départ", "Founding group size"),
    "territory.arrivals_per_week": ("Arrivées par semaine", "Arrivals per week"),
}

#: labels of every main setting: dotted key -> (French, English); the levers' are their own
#: (``Mechanism.controls``), kept up to date with the registry
CONTROL_LABELS: dict[str, tuple[str, str]] = {}


def _control_labels() -> None:
    CONTROL_LABELS.clear()
    CONTROL_LABELS.update(WORLD_CONTROL_LABELS)
    for key, lever in REGISTRY.items():
        CONTROL_LABELS.update({f"{key}.{c.field}": (c.fr, c.en) for c in lever.controls})


on_change(_control_labels)

#: event kind -> (French, English); {name}, {other}, {roles}, {years} are filled in
EVENTS: dict[str, tuple[str, str]] = {
    "arrival": ("{name} arrive sur le territoire.", "{name} arrives in the territory."),
    "integration": (
        "{name} devient membre actif·ve, par consentement.",
        "{name} becomes an active member, by consent.",
    ),
    "integration_refused": (
        "L'intégration {of_name} attend encore : pas de consentement cette fois.",
        "{name}'s integration waits: no consent this time.",
    ),
    "burnout": (
        "{name}, {roles} rôle(s) depuis {years}, s'est retiré·e épuisé·e.",
        "{name}, {roles} role(s) for {years}, stopped everything, burned out.",
    ),
    "recovery": ("{name} se remet de son épuisement.", "{name} recovers from exhaustion."),
    "withdrawal": ("{name} se retire : plus aucun rôle.", "{name} withdraws: no role any more."),
    "reengagement": ("{name} se réengage.", "{name} engages again."),
    "departure": ("{name} quitte le territoire.", "{name} leaves the territory."),
    "departure_roles": (
        "{name} quitte le territoire en laissant {roles} rôle(s) à reprendre.",
        "{name} leaves the territory, leaving {roles} role(s) to take over.",
    ),
    "conflict_opened": (
        "Un désaccord entre {name} et {other} n'a pas été désamorcé : un conflit s'ouvre.",
        "A disagreement between {name} and {other} was not defused: a conflict opens.",
    ),
    "conflict_resolved": (
        "Le conflit entre {name} et {other} se règle.",
        "The conflict between {name} and {other} is settled.",
    ),
    "mediation_ok": ("Médiation réussie entre {name} et {other}.", "Successful mediation between {name} and {other}."),
    "mediation_failed": (
        "Médiation sans accord entre {name} et {other} : le conflit reste ouvert.",
        "Mediation without agreement between {name} and {other}: the conflict stays open.",
    ),
    "conflict_festering": (
        "Le conflit entre {name} et {other} s'enkyste.",
        "The conflict between {name} and {other} festers.",
    ),
    "rex_session": (
        "Séance de REX : le travail de chacun devient visible.",
        "REX session: everyone's work becomes visible.",
    ),
    "rex_changed": ("Séance de REX : {detail}.", "REX session: {detail}."),
    "rex_roles": ("{roles} rôle(s) passé(s) à d'autres", "{roles} role(s) handed over"),
    "rex_conflicts": ("{count} conflit(s) réglé(s)", "{count} conflict(s) settled"),
    "exhaustion_noticed": (
        "L'épuisement {of_name} est remarqué : un rôle est passé à quelqu'un d'autre.",
        "{name}'s exhaustion is noticed: a role is handed over.",
    ),
    "stipend_started": ("{name} reçoit le revenu de transition.", "{name} receives the transition income."),
    "stipend_unpaid": (
        "Le fonds ne peut pas verser le revenu {of_name} ce mois-ci.",
        "The fund cannot pay {name}'s income this month.",
    ),
    "salary_unpaid": ("Le salaire {of_name} n'a pas pu être versé.", "{name}'s salary could not be paid."),
}

#: the feed's key moments: burnouts, departures of role holders, exhaustion noticed, REX that changed something
KEY_KINDS = ("burnout", "departure_roles", "exhaustion_noticed", "rex_changed")

#: the unit written after each setting of the world's value: dotted key -> (French, English);
#: a share is written as a percentage ("%"); a setting without one is written without a unit
WORLD_CONTROL_UNITS: dict[str, tuple[str, str]] = {
    "population.founders": ("personnes", "people"),
    "territory.arrivals_per_week": ("par semaine", "per week"),
    "years": ("ans", "years"),
    "replications": ("graines", "seeds"),
}

#: the unit of every main setting; the levers' are their own (``LeverControl.unit_fr`` and
#: ``unit_en``), kept up to date with the registry
CONTROL_UNITS: dict[str, tuple[str, str]] = {}


def _control_units() -> None:
    CONTROL_UNITS.clear()
    CONTROL_UNITS.update(WORLD_CONTROL_UNITS)
    for key, lever in REGISTRY.items():
        CONTROL_UNITS.update({f"{key}.{c.field}": (c.unit_fr, c.unit_en) for c in lever.controls if c.unit_fr})


on_change(_control_units)

#: headline outcomes of the comparison: summary key -> (French, English), from the outcome table
OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    key: (OUTCOMES[key].label("fr", with_unit=True), OUTCOMES[key].label("en", with_unit=True)) for key in HEADLINE
}

#: weekly series of the comparison figure: column -> (French, English)
SERIES_LABELS: dict[str, tuple[str, str]] = {
    "active": ("membres actifs", "active members"),
    "burned_out": ("personnes en burnout", "people burned out"),
    "exhaustion_mean": ("épuisement moyen", "mean exhaustion"),
    "engagement_mean": ("engagement moyen", "mean engagement"),
    "trust_mean": ("confiance moyenne", "mean trust"),
    "conflicts_open": ("conflits ouverts", "open conflicts"),
    "unmet_share": ("travail non fait", "unmet work"),
    "backlog": ("décisions en attente", "decisions waiting"),
}

#: short names of the six structures (keys of ``coopsim.structures.STRUCTURE_KEYS``)
STRUCTURE_SHORT = {
    "sci": "SCI Le Tilleul",
    "coop": "Coop du Tilleul",
    "qrt": "SCIC QRT",
    "abeille": "Abeille",
    "fund": "Fonds de dotation",
    "association": "Association TERA",
}

#: money flow kinds (``Ledger.week_flows``): kind -> (French, English)
FLOW_LABELS: dict[str, tuple[str, str]] = {
    "coop_sales": ("ventes de la Coop", "Coop sales"),
    "coop_supplies": ("achats de la Coop", "Coop supplies"),
    "commercial_rent": ("loyer commercial (Coop → SCI)", "commercial rent (Coop → SCI)"),
    "sci_loan": ("emprunt de la SCI", "SCI loan"),
    "housing_rent": ("loyers d'habitation (QRT)", "housing rents (QRT)"),
    "qrt_loan": ("emprunts de QRT", "QRT loans"),
    "gifts": ("dons au fonds", "gifts to the fund"),
    "subsidies_and_fees": ("subventions et cotisations", "subsidies and fees"),
    "circle_budgets": ("budgets des cercles", "circle budgets"),
    "fund_grants": ("subventions du fonds", "fund grants"),
    "abeille_investment": ("investissements de l'Abeille", "Abeille investments"),
    "salaries": ("salaires", "salaries"),
    "stipend_euros": ("revenu de transition (euros)", "transition income (euros)"),
    "stipend_abeille_reserve": ("revenu de transition (Abeilles)", "transition income (Abeilles)"),
    "abeille_spent_at_coop": ("Abeilles dépensées à la Coop", "Abeilles spent at the Coop"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The text ``key`` in ``lang`` ('fr' or 'en'), with ``{placeholders}`` filled in."""
    text = _pick(TEXT[key], lang)
    return text.format(**values) if values else text


def pick(table: Mapping[str, tuple[str, ...]], key: str, lang: str) -> str:
    """The French or English entry of a two-language table (fall back to the key)."""
    pair = table.get(key)
    return key if pair is None else _pick((pair[0], pair[1]), lang)


def mechanism_name(name: str, lang: str) -> str:
    """The lever's name in ``lang``.

    >>> mechanism_name("stipend", "fr")
    'Revenu de transition écologique'
    """
    lever = REGISTRY[name]
    return lever.name_fr if lang == "fr" else lever.name_en


def mechanism_sentence(name: str, lang: str) -> str:
    """The lever's one-sentence explanation in ``lang``."""
    lever = REGISTRY[name]
    return lever.sentence_fr if lang == "fr" else lever.sentence_en


def seed_words(name: str) -> str:
    """The source text's words behind a lever (in French, as the source text is): the
    "Seed passage(s):" paragraph of its module's docstring, without the studies and
    figures that follow it (``Mechanism.passage``).

    >>> "REX" in seed_words("rex")
    True
    """
    return REGISTRY[name].passage


def status_name(code: int, lang: str) -> str:
    """The word for a status code (``coopsim.base.Status``)."""
    return STATUS[lang][int(code)]


def paid_name(code: int, lang: str) -> str:
    """The word for a paid-status code (``coopsim.base.Paid``)."""
    return PAID[lang][int(code)]


def number(value: float, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """``value`` with ``digits`` decimals: ``1 234,5`` in French, ``1,234.5`` in English.

    >>> number(-0.25, "fr", 2)
    '−0,25'
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{abs(value):,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return (MINUS if value < 0 and float(f"{abs(value):.{digits}f}") != 0 else "") + text


def percent(share: float, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """A share (0.35) as a percentage: ``35 %`` (French, with a narrow space) or ``35%``."""
    if share is None or not math.isfinite(share):
        return "–"
    text = number(100 * share, lang, digits)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def signed_percent(value: float, lang: str = DEFAULT_LANG) -> str:
    """A relative difference already in % (−35.2) with its sign: ``−35 %`` / ``+3,5 %``."""
    if value is None or not math.isfinite(value):
        return "–"
    digits = 0 if abs(value) >= 9.95 else 1
    text = number(abs(value), lang, digits)
    sign = "" if float(f"{abs(value):.{digits}f}") == 0 else ("+" if value > 0 else MINUS)
    return f"{sign}{text}{NNBSP}%" if lang == "fr" else f"{sign}{text}%"


def signed_number(value: float, lang: str = DEFAULT_LANG, digits: int = 2) -> str:
    """A difference with its sign: ``+1,2`` / ``−0.40``."""
    if value is None or not math.isfinite(value):
        return "–"
    text = number(value, lang, digits)
    return text if text.startswith(MINUS) or float(f"{value:.{digits}f}") == 0 else f"+{text}"


def interval(low: float, high: float, lang: str, fmt: Any) -> str:
    """``[−48 ; −20]`` in French, ``[−48, −20]`` in English, each bound written by ``fmt``."""
    sep = " ; " if lang == "fr" else ", "
    return f"[{fmt(low, lang)}{sep}{fmt(high, lang)}]"


def duration(weeks: int, lang: str) -> str:
    """A duration in plain words: ``5 ans``, ``8 mois``, ``3 weeks``."""
    if weeks >= 52:
        years = round(weeks / 52)
        return f"{years} an{'s' if years > 1 else ''}" if lang == "fr" else f"{years} year{'s' if years > 1 else ''}"
    if weeks >= 8:
        months = round(weeks / 4.33)
        return f"{months} mois" if lang == "fr" else f"{months} months"
    return f"{weeks} semaine{'s' if weeks > 1 else ''}" if lang == "fr" else f"{weeks} week{'s' if weeks != 1 else ''}"


#: letters before which French elides "de" into "d'" (vowels, and the mute h of first names)
_ELIDING = "aàâäeéèêëiîïoôöuùûüyh"


def of_name(name: str, lang: str) -> str:
    """ "of" before a first name: ``d'Aurélie``, ``d'Hugo``, ``de Simon`` in French
    (the "de" elided before a vowel or a mute h), the bare name in English templates.

    >>> of_name("Aurélie", "fr"), of_name("Élise", "fr"), of_name("Simon", "fr")
    ("d'Aurélie", "d'Élise", 'de Simon')
    """
    if lang != "fr":
        return name
    return f"d'{name}" if name[:1].lower() in _ELIDING else f"de {name}"


def setting_value(key: str, value: Any, lang: str, step: float = 1) -> str:
    """A main setting's value as the page writes it, with its unit (:data:`CONTROL_UNITS`):
    ``4 semaines``, ``0,25 par semaine``, ``35 %``, ``600 € par mois``.

    >>> setting_value("rex.every_weeks", 4, "fr"), setting_value("contractualisation.share_formalised", 0.35, "fr")
    ('4 semaines', '35\\u202f%')
    >>> setting_value("territory.arrivals_per_week", 0.25, "en", 0.05)
    '0.25 per week'
    """
    unit = pick(CONTROL_UNITS, key, lang) if key in CONTROL_UNITS else ""
    if isinstance(value, bool):
        return t("yes_no", lang).split()[0 if value else -1]
    if unit == "%":
        return percent(float(value), lang)
    digits = 0 if float(step).is_integer() else len(f"{step:g}".split(".")[-1])
    text = number(float(value), lang, digits)
    return f"{text} {unit}" if unit else text


#: words of the registry's passages that are ours, not the source text's: English -> French
_PASSAGE_LINKS = (
    (r",? in the passage that begins ", " (dans le passage qui commence par "),
    (r"\" and \"", '" ; "'),
)


def source_words(name: str, lang: str) -> str:
    """The source text's words behind a lever (:func:`seed_words`), with the few linking
    words around the quotations in ``lang``, and French quotation marks on the French page.

    The registry's passages quote the French source text but may link quotations with
    English words ("… and …", "in the passage that begins …"); the French page shows none.

    >>> "passage that begins" in seed_words("rex"), "passage that begins" in source_words("rex", "fr")
    (True, False)
    """
    text = seed_words(name)
    if lang != "fr":
        return text
    for english, french in _PASSAGE_LINKS:
        text, count = re.subn(english, french, text)
        if count and french.startswith(" ("):
            text = text.rstrip(".") + ")."
    quotes = iter(("« ", " »") * text.count('"'))
    return re.sub('"', lambda _: next(quotes), text).replace("»;", "» ;")


def year_short(week: int, lang: str) -> str:
    """When a week falls, in years as the page's axes count them: ``année 5,8``, ``year 5.8``.

    >>> year_short(300, "fr")
    'année 5,8'
    """
    return f"{'année' if lang == 'fr' else 'year'} {number(week / 52, lang, 1)}"
