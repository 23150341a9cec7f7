"""The patterns the TERA baseline is checked against, each one a statistic of simulated runs.

Pattern-oriented modelling (Grimm et al. 2005) asks a model to reproduce several
independent patterns at once. Each :class:`Pattern` here names what is observed, the range
that counts as reproducing it, its source, the runs it needs (the baseline alone, or the
baseline and a variant on the same seed) and why the model does not contain it by
construction: every statistic is computed from what the processes produced (the weekly
rows, the people's yearly rows and the events), never from a parameter.

A pattern's statistic is computed on each seed; the validation reports the median over
the seeds and its 90 % interval, and the pattern passes when the median lies in the range.
Statistics that are yes/no on a seed (did a founder step back?) are averaged instead: the
share of seeds. A pattern whose statistic is a summary metric is named as that metric is
everywhere (:data:`coopsim.outcomes.OUTCOMES`).

Example:
    >>> [p.key for p in PATTERNS][:3]
    ['settled_people', 'heavily_involved', 'permanent_members']
    >>> len(PATTERNS) >= 10
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base import WEEKS_PER_YEAR
from ..outcomes import OUTCOMES
from ..runner import RunResult

BASELINE = "tera"

# Thresholds that turn the sources' words into numbers (documented in docs/VALIDATION.md).
HEAVY_HOURS = 6.0  # h/week over the last year: "heavily involved"
PERMANENT_YEARS = 4  # years active in the collective: a "permanent" member
MULTI_ROLES = 4  # roles held at once: a multi-role, Simon-like member
STEP_BACK_AFTER_YEARS = 2  # the stepping back comes after years of roles
HIGH_EE = 0.5  # "high emotional exhaustion": the MBI cut-off, 27 of 54 points, is half the scale


# --- the runs, as yearly tables -------------------------------------------------------------


def yearly(people: pd.DataFrame) -> pd.DataFrame:
    """People's rows at each anniversary (weeks 0, 52, 104, …), with a ``year`` column
    (a run of two years records weeks 0-103, so its last yearly row is year 1).

    Example:
        >>> from coopsim import run
        >>> y = yearly(run("tera", seed=1, years=2).people_frame)
        >>> sorted(y["year"].unique().tolist())
        [0, 1]
    """
    rows = people[people["week"] % WEEKS_PER_YEAR == 0].copy()
    rows["year"] = rows["week"] // WEEKS_PER_YEAR
    return rows


def next_year_status(people: pd.DataFrame) -> pd.DataFrame:
    """Each person-year with the person's status one year later (``departed`` when gone).

    Example:
        >>> from coopsim import run
        >>> t = next_year_status(run("tera", seed=1, years=2).people_frame)
        >>> set(t["status_next"]) <= {"active", "newcomer", "withdrawn", "departed"}
        True
    """
    y = yearly(people)
    later = y[["person", "year", "status", "roles"]].rename(columns={"status": "status_next", "roles": "roles_next"})
    later["year"] -= 1
    table = y[y["year"] < y["year"].max()].merge(later, on=["person", "year"], how="left")
    table["status_next"] = table["status_next"].fillna("departed")
    table["roles_next"] = table["roles_next"].fillna(0)
    return table


def left_active(table: pd.DataFrame) -> pd.Series:
    """True where an active person was no longer active one year later."""
    return ~table["status_next"].isin(["active", "newcomer"])


def last_year_hours(r: RunResult) -> pd.Series:
    """Each person's mean weekly hours over the run's last year, for people active at its end."""
    pf = r.people_frame
    last = int(pf["week"].max())
    window = pf[pf["week"] > last - WEEKS_PER_YEAR]
    active_end = pf[(pf["week"] == last) & (pf["status"] == "active")]["person"]
    hours = window.groupby("person")["hours"].mean()
    return hours[hours.index.isin(active_end)]


# --- the statistics -------------------------------------------------------------------------


def settled_people(runs: Mapping[str, RunResult]) -> float:
    """People living or working in the collective after ten years (not departed)."""
    return float(runs[BASELINE].summary["present_final"])


def heavily_involved(runs: Mapping[str, RunResult]) -> float:
    """Active members who gave at least ``HEAVY_HOURS`` a week over the last year."""
    return float((last_year_hours(runs[BASELINE]) >= HEAVY_HOURS).sum())


def permanent_members(runs: Mapping[str, RunResult]) -> float:
    """Active members at the end who have been in the collective ``PERMANENT_YEARS`` or more."""
    pf = runs[BASELINE].people_frame
    last = int(pf["week"].max())
    first_seen = pf.groupby("person")["week"].min()
    end = pf[(pf["week"] == last) & (pf["status"] == "active")]
    tenure = last - first_seen.loc[end["person"]].to_numpy()
    return float((tenure >= PERMANENT_YEARS * WEEKS_PER_YEAR).sum())


def core_renewal(runs: Mapping[str, RunResult]) -> float:
    """Share of the role holders of year 3 who hold no role, or are gone, in the last year."""
    y = yearly(runs[BASELINE].people_frame)
    last = int(y["year"].max())
    core3 = set(y[(y["year"] == 3) & (y["status"] == "active") & (y["roles"] > 0)]["person"])
    core_end = set(y[(y["year"] == last) & (y["status"] == "active") & (y["roles"] > 0)]["person"])
    return len(core3 - core_end) / len(core3) if core3 else float("nan")


def coordination_concentration(runs: Mapping[str, RunResult]) -> float:
    """Share of all coordination hours (meetings, minutes, facilitation) carried by the top 20 %."""
    return float(runs[BASELINE].summary["top20_coordination_share"])


def founder_steps_back(runs: Mapping[str, RunResult]) -> float:
    """1 when a founder who came to hold ``MULTI_ROLES`` roles at once burned out, withdrew
    or left after ``STEP_BACK_AFTER_YEARS`` years or more, else 0."""
    r = runs[BASELINE]
    pf = r.people_frame
    founders = pf[pf["week"] == 0]["person"]
    most_roles = pf[pf["person"].isin(founders)].groupby("person")["roles"].max()
    multi = set(most_roles[most_roles >= MULTI_ROLES].index)
    ev = r.events
    late = ev[
        ev["kind"].isin(["burnout", "withdrawal", "departure"])
        & ev["person"].isin(multi)
        & (ev["week"] >= STEP_BACK_AFTER_YEARS * WEEKS_PER_YEAR)
    ]
    return float(len(late) > 0)


def peripheral_dropout(runs: Mapping[str, RunResult]) -> float:
    """Yearly share of active volunteers holding no role who are no longer active a year later."""
    t = next_year_status(runs[BASELINE].people_frame)
    peripheral = t[(t["status"] == "active") & (t["paid"] == "volunteer") & (t["roles"] == 0) & (t["year"] >= 1)]
    return float(left_active(peripheral).mean()) if len(peripheral) else float("nan")


def officer_turnover(runs: Mapping[str, RunResult]) -> float:
    """Yearly share of people holding two roles or more who no longer hold any (or are gone)
    a year later: the renewal of those who run the structures."""
    t = next_year_status(runs[BASELINE].people_frame)
    officers = t[(t["status"] == "active") & (t["roles"] >= 2) & (t["year"] >= 1)]
    if not len(officers):
        return float("nan")
    return float((left_active(officers) | (officers["roles_next"] == 0)).mean())


def high_exhaustion(runs: Mapping[str, RunResult]) -> float:
    """Share of active members with high exhaustion (≥ ``HIGH_EE``), over the yearly rows of
    years 2-10."""
    y = yearly(runs[BASELINE].people_frame)
    y = y[(y["year"] >= 2) & (y["status"] == "active")]
    return float((y["exhaustion"] >= HIGH_EE).mean()) if len(y) else float("nan")


def mediation_success(runs: Mapping[str, RunResult]) -> float:
    """Share of the commission's mediations that resolved the conflict."""
    return float(runs[BASELINE].summary["mediation_success_rate"])


def exhaustion_smd(a: RunResult, b: RunResult, from_week: int) -> float:
    """Standardised mean difference (Cohen's d) of active members' exhaustion, b minus a,
    pooled over the yearly rows from ``from_week`` on."""

    def sample(r: RunResult) -> np.ndarray:
        y = yearly(r.people_frame)
        return y[(y["week"] >= from_week) & (y["status"] == "active")]["exhaustion"].to_numpy()

    xa, xb = sample(a), sample(b)
    if xa.size < 2 or xb.size < 2:  # a run too short to reach ``from_week``
        return float("nan")
    pooled = np.sqrt(((xa.size - 1) * xa.var(ddof=1) + (xb.size - 1) * xb.var(ddof=1)) / (xa.size + xb.size - 2))
    return float((xb.mean() - xa.mean()) / pooled) if pooled > 0 else 0.0


def rex_exhaustion_smd(runs: Mapping[str, RunResult]) -> float:
    """Effect of REX on exhaustion as a standardised mean difference (with minus without),
    over the years after REX starts."""
    start = int(runs[BASELINE].scenario.rex.start_week)
    return exhaustion_smd(runs["tera-without-rex"], runs[BASELINE], from_week=start + WEEKS_PER_YEAR)


def rex_engagement_gain(runs: Mapping[str, RunResult]) -> float:
    """Mean engagement with REX minus without (the opposite of depersonalisation)."""
    return float(runs[BASELINE].summary["mean_engagement"] - runs["tera-without-rex"].summary["mean_engagement"])


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1]) if x.size > 2 and x.std() > 0 and y.std() > 0 else 0.0


def breach_attitude_over_exit(runs: Mapping[str, RunResult]) -> float:
    """How much more unrecognised work goes with low engagement than with leaving:
    |corr(recognition, engagement)| − |corr(recognition, not active a year later)| over
    active person-years."""
    t = next_year_status(runs[BASELINE].people_frame)
    t = t[(t["status"] == "active") & (t["year"] >= 1)]
    rec = t["recognition"].to_numpy()
    attitude = _corr(rec, t["engagement"].to_numpy())
    exits = _corr(rec, left_active(t).to_numpy(dtype=float))
    return abs(attitude) - abs(exits)


def objectives_conflict_ratio(runs: Mapping[str, RunResult]) -> float:
    """Conflicts opened with a stipend without agreed objectives over those with objectives
    (same seed), from the stipend's start on."""
    start = int(runs[BASELINE].scenario.stipend.start_week)

    def opened(r: RunResult) -> float:
        mf = r.model_frame
        return float(mf[mf["week"] >= start]["conflicts_opened"].sum())

    with_objectives = opened(runs["tera-income-objectives"])
    return opened(runs[BASELINE]) / with_objectives if with_objectives else float("nan")


def multirole_burnout_ratio(runs: Mapping[str, RunResult]) -> float:
    """Burnouts per person-year among active people holding three roles or more, over the
    rate among those holding at most one (yearly rows). Both rates get the usual
    Haldane-Anscombe correction (+0.5 burnout, +1 person-year), so that a seed with no
    burnout among the few-role members still gives a finite ratio."""
    r = runs[BASELINE]
    t = next_year_status(r.people_frame)
    t = t[t["status"] == "active"]
    burn = r.events[r.events["kind"] == "burnout"]
    burn_year = set(zip(burn["person"], burn["week"] // WEEKS_PER_YEAR, strict=True))
    burned = np.array([(p, y) in burn_year for p, y in zip(t["person"], t["year"], strict=True)], dtype=bool)
    many, few = (t["roles"] >= 3).to_numpy(), (t["roles"] <= 1).to_numpy()
    rate_many = (burned[many].sum() + 0.5) / (many.sum() + 1)
    rate_few = (burned[few].sum() + 0.5) / (few.sum() + 1)
    return float(rate_many / rate_few)


def backlog_grows_with_size(runs: Mapping[str, RunResult]) -> float:
    """Correlation, over the weeks, between the number of active members and the decision
    backlog (consent decisions slow down as the group grows)."""
    mf = runs[BASELINE].model_frame
    return _corr(mf["active"].to_numpy(dtype=float), mf["backlog"].to_numpy(dtype=float))


# --- the list ---------------------------------------------------------------------------------


def outcome_words(key: str, lang: str) -> str:
    """A summary metric's name as a pattern label: the outcome table's label, in lower case.

    Example:
        >>> outcome_words("mediation_success_rate", "fr")
        'part des médiations qui règlent le conflit'
    """
    text = OUTCOMES[key].label(lang)
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Pattern:
    """One observed pattern, its accepted range and where it comes from.

    Example:
        >>> p = PATTERNS_BY_KEY["mediation_success"]
        >>> p.low, p.high, p.passes(0.66), p.passes(0.3)
        (0.55, 0.8, True, False)
    """

    key: str
    label: str  # what is compared, in words
    label_fr: str
    low: float
    high: float
    unit: str
    source: str  # a key of SOURCES
    statistic: Callable[[Mapping[str, RunResult]], float]
    needs: tuple[str, ...] = (BASELINE,)
    share_of_seeds: bool = False  # a yes/no statistic: report the share of seeds, not a median
    note: str = ""  # why it is not met by construction

    def passes(self, value: float) -> bool:
        """Whether a (median or share) value lies in the accepted range."""
        return bool(np.isfinite(value) and self.low <= value <= self.high)


SOURCES = {
    "avise": "Avise, portrait 'TERA' (https://avise.org/portraits/tera, undated): 'plus de 70 personnes, "
    "dont 30 sont très investies dans le quotidien du projet', settled around three villages.",
    "zoein": "Réseau Zoein France, page 'Coopération' on TERA: about 15 permanent members and 30 regular volunteers.",
    "seed-atemis": "Seed text, ATEMIS: 'les équipes se sont beaucoup renouvelées au cours de l'accompagnement'.",
    "seed-same-few": "Seed text: 'ce sont toujours les mêmes personnes qui participent activement aux réunions, "
    "qui s'investissent et qui rédigent les comptes rendus'.",
    "seed-simon": "Seed text, Simon: 'Au fil du temps, j'ai pris de plus en plus de responsabilités … "
    "j'ai pratiquement tout arrêté'.",
    "cncs": "Corporation for National and Community Service (2009). Research brief 'Pathways to Service: Learning "
    "from the Potential Volunteer's Perspective' — 35.5 % of volunteers drop out each year and do not serve with "
    "any organisation the following year (Volunteering in America data).",
    "cofac": "COFAC / Recherches & Solidarités, 'Baromètre des dirigeants associatifs' (before 2020): about 10 % of "
    "association officers renewed each year.",
    "chirico": "Chirico F., Crescenzo P., Sacco A. et al. (2021). Prevalence of burnout syndrome among Italian "
    "volunteers of the Red Cross: a cross-sectional study. Industrial Health 59(2):117-127.",
    "eeoc-acas": "McDermott E.P. et al. (2000). An evaluation of the EEOC mediation program; Saundry R., Bennett T., "
    "Wibberley G. (2013). Workplace mediation: the participant experience. Acas research paper 02/13.",
    "panagioti": "Panagioti M. et al. (2017). Controlled interventions to reduce burnout in physicians: a systematic "
    "review and meta-analysis. JAMA Internal Medicine 177(2):195-205 (organisation-directed: SMD -0.45).",
    "west": "West C.P. et al. (2014). Intervention to promote physician well-being, job satisfaction, and "
    "professionalism: a randomized clinical trial. JAMA Internal Medicine 174(4):527-533.",
    "zhao": "Zhao H., Wayne S.J., Glibkowski B.C., Bravo J. (2007). The impact of psychological contract breach on "
    "work-related outcomes: a meta-analysis. Personnel Psychology 60(3):647-680.",
    "seed-stipend": "Seed text: the stipend's trial raised tensions 'en raison de l'absence d'accord de coopération "
    "concernant les objectifs'.",
    "seed-consent": "Seed text and brief: decisions by consent take longer as the collective grows.",
}

PATTERNS: tuple[Pattern, ...] = (
    Pattern("settled_people", outcome_words("present_final", "en"), outcome_words("present_final", "fr"),
            45, 100, "people", "avise", settled_people,
            note="arrivals come from territorial acceptance and welcome capacity, departures from exhaustion and engagement"),
    Pattern("heavily_involved", f"active members giving ≥ {HEAVY_HOURS:g} h/week (last year)",
            f"membres actifs donnant ≥ {HEAVY_HOURS:g} h/semaine (dernière année)",
            18, 45, "people", "avise", heavily_involved,
            note="hours follow from roles taken and dropped, capacity and exhaustion"),
    Pattern("permanent_members", f"active members present for {PERMANENT_YEARS}+ years",
            f"membres actifs présents depuis {PERMANENT_YEARS} ans ou plus",
            8, 30, "people", "zoein", permanent_members,
            note="who stays comes from the withdrawal and departure processes"),
    Pattern("core_renewal", "share of the year-3 role holders holding no role at the end",
            "part des porteurs de rôles de l'an 3 sans rôle à la fin",
            0.4, 0.9, "share", "seed-atemis", core_renewal,
            note="role dropping, burnout and leaving are separate processes; no renewal rate is set"),
    Pattern("coordination_concentration", outcome_words("top20_coordination_share", "en"),
            outcome_words("top20_coordination_share", "fr"),
            0.5, 0.9, "share", "seed-same-few", coordination_concentration,
            note="emerges from who takes coordination roles (involvement bias) and who stays"),
    Pattern("founder_steps_back", f"a founder holding {MULTI_ROLES}+ roles burns out or steps back (share of seeds)",
            f"un fondateur à {MULTI_ROLES} rôles ou plus s'épuise ou se retire (part des graines)",
            0.5, 1.0, "share of seeds", "seed-simon", founder_steps_back, share_of_seeds=True,
            note="role accumulation and exhaustion are not scripted for any person"),
    Pattern("peripheral_dropout", "yearly dropout of active volunteers holding no role",
            "abandon annuel des bénévoles actifs sans rôle",
            0.2, 0.5, "per year", "cncs", peripheral_dropout,
            note="withdrawal is a logistic function of engagement and of the roles held, not a rate"),
    Pattern("officer_turnover", "yearly renewal of people holding 2+ roles",
            "renouvellement annuel des personnes à 2 rôles ou plus",
            0.05, 0.2, "per year", "cofac", officer_turnover,
            note="role dropping follows engagement, exhaustion and role identity; leaving follows withdrawal, "
                 "burnout and life events (rarer for those attached to the place); no renewal rate is set"),
    Pattern("high_exhaustion", f"share of active members in high exhaustion (≥ {HIGH_EE:g})",
            f"part des membres actifs très épuisés (≥ {HIGH_EE:g})",
            0.02, 0.15, "share", "chirico", high_exhaustion,
            note="exhaustion accumulates from load and conflict and recovers with rest"),
    Pattern("mediation_success", outcome_words("mediation_success_rate", "en"),
            outcome_words("mediation_success_rate", "fr"),
            0.55, 0.80, "share", "eeoc-acas", mediation_success,
            note="success depends on the parties' remaining trust and on festering, both from the processes"),
    Pattern("rex_exhaustion_smd", "REX's effect on exhaustion (SMD, with − without)",
            "effet du REX sur l'épuisement (DMS, avec − sans)",
            -0.9, -0.1, "SMD", "panagioti", rex_exhaustion_smd, needs=(BASELINE, "tera-without-rex"),
            note="REX acts on the hours people impose on themselves, the hours a role takes once its work is "
                 "debriefed, roles handed over, conflicts and recognition; exhaustion follows from the strain "
                 "that remains"),
    Pattern("rex_engagement_gain", "REX's effect on mean engagement (with − without)",
            "effet du REX sur l'engagement moyen (avec − sans)",
            0.005, 0.2, "engagement", "west", rex_engagement_gain, needs=(BASELINE, "tera-without-rex"),
            note="engagement follows recognition, trust and exhaustion"),
    Pattern("breach_attitude_over_exit", "|corr(recognition, engagement)| − |corr(recognition, leaving)|",
            "|corr(reconnaissance, engagement)| − |corr(reconnaissance, départ)|",
            0.0, 1.0, "correlation", "zhao", breach_attitude_over_exit,
            note="leaving depends on engagement, not on recognition directly; the gap is emergent"),
    Pattern("objectives_conflict_ratio", "conflicts opened, stipend without / with agreed objectives",
            "conflits ouverts, revenu sans / avec objectifs convenus",
            1.0, 3.0, "ratio", "seed-stipend", objectives_conflict_ratio,
            needs=(BASELINE, "tera-income-objectives"),
            note="objectives change pressure and expectations; conflicts come from the disagreement process"),
    Pattern("multirole_burnout_ratio", "burnout rate, 3+ roles over ≤ 1 role",
            "taux de burnout, 3 rôles ou plus / 1 rôle au plus",
            1.5, 1000.0, "ratio", "seed-simon", multirole_burnout_ratio,
            note="burnout comes from exhaustion, which follows hours and conflicts, not from roles directly"),
    Pattern("backlog_grows_with_size", "corr(active members, decision backlog) over the weeks",
            "corr(membres actifs, décisions en attente) au fil des semaines",
            0.2, 1.0, "correlation", "seed-consent", backlog_grows_with_size,
            note="the backlog follows from consent decisions and coordination capacity"),
)  # fmt: skip

PATTERNS_BY_KEY = {p.key: p for p in PATTERNS}


def scenarios_needed(patterns: tuple[Pattern, ...] = PATTERNS) -> tuple[str, ...]:
    """The scenarios the patterns need, baseline first.

    Example:
        >>> scenarios_needed()[0]
        'tera'
    """
    names = [BASELINE]
    for p in patterns:
        names += [n for n in p.needs if n not in names]
    return tuple(names)


__all__ = ["PATTERNS", "PATTERNS_BY_KEY", "SOURCES", "Pattern", "outcome_words", "scenarios_needed"]
