"""The outcomes: one table of the summary metrics a run gives, read by everything that
names them.

Each :class:`Outcome` has its key (the key of ``coopsim.records.summary``), its names in
English and French, its unit, a one-sentence definition, how it is computed, and whether
lower or higher is better. This is the one place where an outcome is described: the
records' summary returns exactly these keys, ``docs/ODD.md`` (section 8.4) holds the
table :func:`markdown_table` writes, the experiments name outcomes from it
(``coopsim.experiments.analyses.common``), and so do the facilitator page
(``coopsim.ui.strings.OUTCOME_LABELS``) and the validation.

Notation of the formulas (ODD 8.4): ``T`` is the number of recorded weeks, ``Y = T/52``;
``x[t]`` is the model-frame column ``x`` in week ``t``; "mean over the weeks" is the plain
mean over ``t = 0 … T−1``; an *exit* is an active member's change to any other status.

Example:
    >>> o = OUTCOMES["annual_turnover"]
    >>> o.fr, o.label("fr"), o.unit, o.direction
    ('Le turnover annuel', 'Turnover annuel', 'per year', 'lower is better')
    >>> list(OUTCOMES)[:2], len(HEADLINE)
    (['active_final', 'present_final'], 11)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LOWER = "lower is better"
HIGHER = "higher is better"
NEUTRAL = "neutral"
DIRECTIONS = (LOWER, HIGHER, NEUTRAL)

# "High exhaustion", one definition for the summary, the validation and the page: the
# Maslach Burnout Inventory's "high" band of emotional exhaustion starts at 27 of its 54
# points (Maslach, Jackson & Leiter 1996, MBI manual, 3rd ed.), half the scale; exhaustion
# here runs from 0 to 1, so a member is highly exhausted at 0.5 or more.
HIGH_EXHAUSTION = 0.5


@dataclass(frozen=True)
class Outcome:
    """One summary metric, described once.

    Attributes:
        key: the summary key (``coopsim.records.summary``).
        en: its English name as it opens a sentence, e.g. ``"Burnout incidence"``,
            ``"The share of unmet work"``.
        fr: its French name as it opens a sentence, with its article, e.g.
            ``"L'incidence du burnout"``.
        feminine: whether a French adjective agrees in the feminine (``plus basse``).
        unit: the unit written after an absolute number in English (``""`` for counts,
            shares and scores, whose definition says what they count); ``unit_fr``: in
            French, where it says more than the name (``""`` otherwise).
        definition: what it measures, in one sentence.
        formula: how it is computed, in the notation of ODD 8.4.
        direction: :data:`LOWER`, :data:`HIGHER` or :data:`NEUTRAL` (which way is better
            for the collective, when one is).

    Example:
        >>> o = OUTCOMES["burnout_incidence_per_100py"]
        >>> o.label("en"), o.label("fr"), o.unit_fr
        ('Burnout incidence', 'Incidence du burnout', 'pour 100 personnes-années')
    """

    key: str
    en: str
    fr: str
    feminine: bool = False
    unit: str = ""
    unit_fr: str = ""
    definition: str = ""
    formula: str = ""
    direction: str = NEUTRAL

    def name(self, lang: str) -> str:
        """The name as it opens a sentence, in ``lang`` ('fr' or 'en').

        Example:
            >>> OUTCOMES["unmet_work_share"].name("fr")
            'La part du travail non fait'
        """
        return self.fr if lang == "fr" else self.en

    def label(self, lang: str, with_unit: bool = False) -> str:
        """The name without its article, capitalised, for tables, axes and legends; with
        ``with_unit``, followed by the unit in brackets when there is one.

        Example:
            >>> OUTCOMES["unmet_work_share"].label("en"), OUTCOMES["mean_engagement"].label("fr")
            ('Share of unmet work', 'Engagement moyen')
            >>> OUTCOMES["annual_turnover"].label("fr", with_unit=True)
            'Turnover annuel (par an)'
        """
        text = re.sub(r"^(?:The |Le |La |Les |L')", "", self.name(lang))
        unit = self.unit_fr if lang == "fr" else self.unit
        text = text[:1].upper() + text[1:]
        return f"{text} ({unit})" if with_unit and unit else text


def _outcomes(*items: Outcome) -> dict[str, Outcome]:
    return {o.key: o for o in items}


#: every summary metric, in the order ``summary()`` returns them
OUTCOMES: dict[str, Outcome] = _outcomes(
    Outcome(
        "active_final",
        "The number of active members at the end",
        "Le nombre de membres actifs à la fin",
        definition="Active members in the last week.",
        formula="`active[T−1]`",
        direction=HIGHER,
    ),
    Outcome(
        "present_final",
        "The number of people present at the end",
        "Le nombre de personnes présentes à la fin",
        definition="People living in the territory in the last week (newcomers, active members and withdrawn people).",
        formula="`present[T−1]`",
    ),
    Outcome(
        "arrivals_total",
        "The number of arrivals",
        "Le nombre d'arrivées",
        definition="Newcomers who came during the run (the founders are not arrivals).",
        formula="number of `arrival` events",
    ),
    Outcome(
        "departures_total",
        "The number of departures",
        "Le nombre de départs",
        definition="People who left the territory during the run.",
        formula="number of `departure` events",
        direction=LOWER,
    ),
    Outcome(
        "annual_turnover",
        "Annual turnover",
        "Le turnover annuel",
        unit="per year",
        unit_fr="par an",
        definition="Exits from active membership (withdrawal, burnout or departure of an active member) per year, "
        "over the mean number of active members.",
        formula="`(number of exits) / (mean over the weeks of active[t] × Y)`; an exit is recorded each time an "
        "active member's status changes to anything else (a member who re-engages and leaves again counts "
        "again); NaN if no member was ever active",
        direction=LOWER,
    ),
    Outcome(
        "annual_turnover_unpaid",
        "Turnover of volunteers",
        "Le turnover des bénévoles",
        unit="per year",
        unit_fr="par an",
        definition="The annual turnover of volunteers (neither salaried nor on the stipend when they left), over "
        "the mean number of active volunteers.",
        formula="`(exits of people whose paid status was volunteer) / (mean over the weeks of active_volunteers[t] "
        "× Y)`; the paid status is the one last set after `work`; NaN if the denominator is 0",
        direction=LOWER,
    ),
    Outcome(
        "annual_turnover_core",
        "Turnover of core members",
        "Le turnover du noyau",
        unit="per year",
        unit_fr="par an",
        definition="The annual turnover of core members (active for a year or more and holding a role when they "
        "left), over the mean number of core members.",
        formula="`(exits of core members) / (mean over the weeks of core[t] × Y)`; core: active for 52 weeks or "
        "more since their last status change and holding at least one role at the exit; NaN if the "
        "denominator is 0",
        direction=LOWER,
    ),
    Outcome(
        "burnouts_total",
        "The number of burnouts",
        "Le nombre de burnouts",
        definition="Burnouts during the run, of people of any status.",
        formula="number of `burnout` events (mostly active members, but a newcomer or a withdrawn person can burn "
        "out too)",
        direction=LOWER,
    ),
    Outcome(
        "burnout_incidence_per_100py",
        "Burnout incidence",
        "L'incidence du burnout",
        feminine=True,
        unit="per 100 person-years",
        unit_fr="pour 100 personnes-années",
        definition="Burnouts (of anyone present) per 100 person-years of active membership.",
        formula="`100 × Σ_t burnouts[t] / (Σ_t active[t] / 52)`: the burnouts of anyone present (active members, "
        "newcomers, withdrawn people) per 100 person-years of *active* membership; NaN if nobody was ever active",
        direction=LOWER,
    ),
    Outcome(
        "share_high_exhaustion",
        "The share of members with high exhaustion",
        "La part des membres très épuisés",
        feminine=True,
        definition=f"The share of active members with high exhaustion ({HIGH_EXHAUSTION:g} or more: the MBI's high "
        "band of emotional exhaustion), averaged over the weeks.",
        formula="mean over the weeks of `high_exhaustion_share[t]` (share of active members with exhaustion ≥ "
        f"{HIGH_EXHAUSTION:g})",
        direction=LOWER,
    ),
    Outcome(
        "top10_hours_share",
        "The share of hours carried by the top 10 %",
        "La part des heures portée par les 10 % les plus investis",
        feminine=True,
        definition="The share of the last year's hours carried by the 10 % who worked most (among everyone who "
        "worked in that year).",
        formula="for each person (any status, departed included) the hours worked in the last-year window, "
        "`h_i = hours_total_i(end) − hours_total_i(end of week T_h − 53)` where `T_h` is the horizon (so the "
        "window is exactly the last 52 weeks, `T_h − 52 … T_h − 1`; a person who arrived within it counts from "
        "0); keep the `N` people with `h_i > 0`; the share of `Σ h` carried by the `ceil(f · N)` largest (at "
        "least 1), `f` = 0.10. With a horizon of 52 weeks or less the window is the whole run; if the run is "
        "summarised before week `T_h − 53` has been recorded, it covers the whole run so far",
        direction=LOWER,
    ),
    Outcome(
        "top25_hours_share",
        "The share of hours carried by the top 25 %",
        "La part des heures portée par les 25 % les plus investis",
        feminine=True,
        definition="The share of the last year's hours carried by the 25 % who worked most (among everyone who "
        "worked in that year).",
        formula="as `top10_hours_share`, with `f` = 0.25",
        direction=LOWER,
    ),
    Outcome(
        "gini_hours",
        "Inequality of hours (Gini)",
        "L'inégalité des heures (Gini)",
        feminine=True,
        definition="The Gini coefficient of the last year's hours (0: everyone gave as much; towards 1: a few "
        "carried all).",
        formula="Gini coefficient of the `h_i` of `top10_hours_share`: with `h` sorted increasingly and `k = 1 … N`, "
        "`G = 2 Σ_k k · h_(k) / (N Σ h) − (N + 1)/N` (0 if no hours)",
        direction=LOWER,
    ),
    Outcome(
        "top20_coordination_share",
        "The share of coordination hours carried by the top 20 %",
        "La part des heures de coordination portée par les 20 % les plus investis",
        feminine=True,
        definition="The share of all coordination hours of the run carried by the 20 % who did most of it.",
        formula="share of the cumulated coordination-role hours (`coord_total`, whole run, everyone with "
        "`coord_total > 0`, departed included) carried by the top `ceil(0.2 · N)`",
        direction=LOWER,
    ),
    Outcome(
        "mean_engagement",
        "Mean engagement",
        "L'engagement moyen",
        definition="The active members' mean engagement, averaged over the weeks.",
        formula="mean over the weeks of `engagement_mean[t]` (the active members' mean; 0 in a week without "
        "active members)",
        direction=HIGHER,
    ),
    Outcome(
        "mean_trust",
        "Mean trust",
        "La confiance moyenne",
        feminine=True,
        definition="The active members' mean trust in the collective, averaged over the weeks.",
        formula="mean over the weeks of `trust_mean[t]` (the active members' mean; 0 in a week without active members)",
        direction=HIGHER,
    ),
    Outcome(
        "conflicts_opened",
        "The number of conflicts opened",
        "Le nombre de conflits ouverts",
        definition="Disagreements that were not defused and became open conflicts.",
        formula="`Σ_t conflicts_opened[t]`",
        direction=LOWER,
    ),
    Outcome(
        "conflicts_defused",
        "The number of disagreements defused",
        "Le nombre de désaccords désamorcés",
        definition="Disagreements defused in a meeting (fertile disagreements).",
        formula="`Σ_t conflicts_defused[t]`",
    ),
    Outcome(
        "conflicts_festering",
        "The number of festering conflicts",
        "Le nombre de conflits enkystés",
        definition="Open conflicts that lasted long enough to fester.",
        formula="`Σ_t conflicts_festering[t]`: conflicts that reached the festering age",
        direction=LOWER,
    ),
    Outcome(
        "conflicts_mediated",
        "The number of mediation sessions",
        "Le nombre de séances de médiation",
        definition="Mediation sessions held by the listening and mediation commission (a dispute may have a few).",
        formula="`Σ_t mediations[t]` (a dispute whose mediation failed may be mediated again, up to the "
        "commission's limit, so this can exceed `disputes_mediated`)",
    ),
    Outcome(
        "mediation_success_rate",
        "The share of mediation sessions that settle the dispute",
        "La part des séances de médiation qui règlent le conflit",
        feminine=True,
        definition="The share of the mediation sessions held that settled their dispute (NaN when none was held).",
        formula="`Σ_t mediations_successful[t] / Σ_t mediations[t]`; NaN when no mediation was held",
        direction=HIGHER,
    ),
    Outcome(
        "disputes_mediated",
        "The number of disputes mediated",
        "Le nombre de conflits soumis à médiation",
        definition="Distinct disputes the commission mediated at least once (never more than the conflicts opened).",
        formula="number of conflicts with at least one mediation session",
    ),
    Outcome(
        "mediation_success_per_dispute",
        "The share of mediated disputes settled",
        "La part des conflits médiés qui sont réglés",
        feminine=True,
        definition="The share of the disputes mediated that a mediation settled, as the mediation studies count "
        "(NaN when none was mediated).",
        formula="conflicts closed by a mediation session / `disputes_mediated`; NaN when no dispute was mediated",
        direction=HIGHER,
    ),
    Outcome(
        "unmet_work_share",
        "The share of unmet work",
        "La part du travail non fait",
        feminine=True,
        definition="Hours asked but not done (vacant roles, overflow beyond what people could give) over the "
        "hours asked, over the run.",
        formula="`Σ_t unmet_hours[t] / Σ_t demand_hours[t]` over the whole run (hours of vacant roles plus hours "
        "asked of people beyond what they could give, over hours asked); 0 if no demand",
        direction=LOWER,
    ),
    Outcome(
        "decision_backlog_mean",
        "The decision backlog",
        "Le nombre de décisions en attente",
        unit="matters",
        definition="The matters waiting for a decision, averaged over the weeks.",
        formula="mean over the weeks of `backlog[t]`",
        direction=LOWER,
    ),
    Outcome(
        "withdrawals_total",
        "The number of withdrawals",
        "Le nombre de retraits",
        definition="Active members who withdrew for low engagement during the run (burnouts are counted apart).",
        formula="number of `withdrawal` events",
        direction=LOWER,
    ),
    Outcome(
        "max_roles_held",
        "The most roles held by one person",
        "Le cumul maximal de rôles",
        definition="The most roles one person held at once, in any week.",
        formula="`max_t roles_max[t]`",
        direction=LOWER,
    ),
    Outcome(
        "acceptance_final",
        "Territorial acceptance at the end",
        "L'acceptation territoriale finale",
        feminine=True,
        definition="The territory's acceptance of the newcomers in the last week (0 to 1).",
        formula="`acceptance[T−1]`",
        direction=HIGHER,
    ),
    Outcome(
        "treasury_total_final",
        "The total treasury at the end",
        "La trésorerie totale finale",
        feminine=True,
        unit="€",
        unit_fr="€",
        definition="The sum of the six structures' treasuries in the last week.",
        formula="sum of the six treasuries in week `T−1` (€)",
        direction=HIGHER,
    ),
    Outcome(
        "stipend_pressure_mean",
        "Social pressure on stipend recipients",
        "La pression sociale sur les bénéficiaires du revenu",
        feminine=True,
        definition="The mean social pressure on the stipend recipients, over the weeks when there were some (NaN "
        "without a stipend).",
        formula="mean of `pressure_mean[t]` over the weeks with stipend recipients only (NaN weeks left out; in "
        "`tera`, weeks 312 to the end); NaN when there never was a recipient (stipend off, or not started "
        "before the horizon)",
        direction=LOWER,
    ),
)

#: the headline outcomes, shown by default (comparisons in the command line and on the page, reports)
HEADLINE = (
    "burnout_incidence_per_100py",
    "annual_turnover",
    "annual_turnover_core",
    "share_high_exhaustion",
    "top10_hours_share",
    "mean_engagement",
    "mean_trust",
    "conflicts_opened",
    "unmet_work_share",
    "decision_backlog_mean",
    "active_final",
)


def markdown_table() -> str:
    """The outcome table of ``docs/ODD.md`` (section 8.4), one row per outcome.

    Example:
        >>> table = markdown_table().splitlines()
        >>> table[0]
        '| Key | Unit | Direction | Definition | Computed as |'
        >>> table[2].startswith("| `active_final` | — | higher is better | Active members in the last week.")
        True
    """
    lines = ["| Key | Unit | Direction | Definition | Computed as |", "|---|---|---|---|---|"]
    for o in OUTCOMES.values():
        lines.append(f"| `{o.key}` | {o.unit or '—'} | {o.direction} | {o.definition} | {o.formula} |")
    return "\n".join(lines)


__all__ = [
    "DIRECTIONS",
    "HEADLINE",
    "HIGHER",
    "HIGH_EXHAUSTION",
    "LOWER",
    "NEUTRAL",
    "OUTCOMES",
    "Outcome",
    "markdown_table",
]

if __name__ == "__main__":  # python -m coopsim.outcomes: the table to paste into docs/ODD.md 8.4
    print(markdown_table())
