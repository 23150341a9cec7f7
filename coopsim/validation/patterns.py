"""The patterns the TERA baseline is checked against, each one a statistic of simulated runs.

Pattern-oriented modelling (Grimm et al. 2005) asks a model to reproduce several
independent patterns at once. Each :class:`Pattern` here names what is observed, the range
that counts as reproducing it, its source, the runs it needs (the baseline alone, or the
baseline and a variant on the same seed) and why the model does not contain it by
construction: every statistic is computed from what the processes produced (the weekly
rows, the people's yearly rows and the events), never from a parameter.

Each pattern has a **role**: ``"fit"`` (a target of the calibration, :mod:`.calibrate` and
:mod:`.ensemble`) or ``"held_out"`` (no search ever computes it: it is only measured by the
validation, after the fit). The mechanism effects and the Simon arc are held out.

A pattern's statistic is computed on each seed; the validation reports the median over
the seeds and its 90 % interval, and the pattern passes when the median lies in the range.
Statistics that are yes/no on a seed (did a founder step back?) are averaged instead: the
share of seeds. A pattern whose statistic is a summary metric is named as that metric is
everywhere (:data:`coopsim.outcomes.OUTCOMES`).

Example:
    >>> [p.key for p in PATTERNS][:3]
    ['settled_people', 'heavily_involved', 'permanent_members']
    >>> len(PATTERNS) >= 10, 3 * len(HELD_OUT_PATTERNS) >= len(PATTERNS)
    (True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base import WEEKS_PER_YEAR
from ..outcomes import HIGH_EXHAUSTION, OUTCOMES
from ..runner import RunResult

BASELINE = "tera"

# Thresholds that turn the sources' words into numbers (documented in docs/VALIDATION.md).
HEAVY_HOURS = 6.0  # h/week over the last year: "heavily involved"
PERMANENT_YEARS = 4  # years active in the collective: a "permanent" member
MULTI_ROLES = 4  # roles held at once: a multi-role, Simon-like member
STEP_BACK_AFTER_YEARS = 2  # the stepping back comes after years of roles
ARC_ROLES = 3  # roles held at once in the Simon arc ("de plus en plus de responsabilités")
ARC_YEARS = 3  # consecutive anniversaries holding them
LATE_AFTER_YEARS = 3  # a burnout from year 3 on is "late": years 0-2 are the first years
# "High emotional exhaustion": the one definition, the MBI's high band (27 of 54 points, half
# the scale), held by the outcome table and used by the summary, the validation and the page.
HIGH_EE = HIGH_EXHAUSTION

FIT = "fit"  # a target of the calibration
HELD_OUT = "held_out"  # no search sees it: measured only by the validation
ROLES = (FIT, HELD_OUT)


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


def steps_back(r: RunResult) -> pd.DataFrame:
    """Every week at which someone stepped back: a burnout or a withdrawal (events), or an
    anniversary at which an active member holds one role or none (yearly rows); columns
    ``person`` and ``week``.

    Departures are not steps back here. An active member leaves only for life reasons
    (``membership.py``: the other departure chances are those of the withdrawn and of
    newcomers), and a departure after a burnout or a withdrawal is counted by that event,
    so leaving the territory for life reasons is never counted.

    Example:
        >>> from coopsim import run
        >>> s = steps_back(run("tera", seed=1, years=2))
        >>> s.columns.tolist()
        ['person', 'week']
    """
    ev = r.events
    events = ev[ev["kind"].isin(["burnout", "withdrawal"])][["person", "week"]]
    y = yearly(r.people_frame)
    few = y[(y["status"] == "active") & (y["roles"] <= 1)][["person", "week"]]
    return pd.concat([events, few], ignore_index=True)


def founder_steps_back(runs: Mapping[str, RunResult]) -> float:
    """1 when a founder who came to hold ``MULTI_ROLES`` roles at once later burned out,
    withdrew or was down to one role or none (:func:`steps_back`; never a departure for life
    reasons), after ``STEP_BACK_AFTER_YEARS`` years or more, else 0."""
    r = runs[BASELINE]
    pf = r.people_frame
    founders = pf[pf["week"] == 0]["person"]
    multi = pf[pf["person"].isin(founders) & (pf["roles"] >= MULTI_ROLES)]
    first_multi = multi.groupby("person")["week"].min()
    s = steps_back(r)
    s = s[s["person"].isin(first_multi.index)]
    after = np.maximum(first_multi.loc[s["person"]].to_numpy(), STEP_BACK_AFTER_YEARS * WEEKS_PER_YEAR)
    return float(bool((s["week"].to_numpy() >= after).any()))


def arc_start(years_held: np.ndarray, length: int = ARC_YEARS) -> int | None:
    """The first year that completes ``length`` consecutive years in ``years_held`` (sorted),
    or None.

    Example:
        >>> arc_start(np.array([1, 3, 4, 5, 6])), arc_start(np.array([1, 2, 4, 5]))
        (5, None)
    """
    run_length = 0
    for k, year in enumerate(years_held):
        run_length = run_length + 1 if k and year == years_held[k - 1] + 1 else 1
        if run_length >= length:
            return int(year)
    return None


def simon_arc(runs: Mapping[str, RunResult]) -> float:
    """1 when someone held ``ARC_ROLES`` roles or more at ``ARC_YEARS`` consecutive
    anniversaries and afterwards burned out, withdrew or was down to one role or none
    (:func:`steps_back`; never a departure for life reasons), else 0: Simon's arc."""
    r = runs[BASELINE]
    y = yearly(r.people_frame)
    many = y[(y["status"] == "active") & (y["roles"] >= ARC_ROLES)]
    s = steps_back(r)
    for person, rows in many.groupby("person"):
        third = arc_start(np.sort(rows["year"].to_numpy()))
        if third is not None and (s[s["person"] == person]["week"] > third * WEEKS_PER_YEAR).any():
            return 1.0
    return 0.0


def late_burnouts(runs: Mapping[str, RunResult]) -> float:
    """Share of the run's burnouts that happen from year ``LATE_AFTER_YEARS`` on (nan when
    nobody burned out)."""
    ev = runs[BASELINE].events
    weeks = ev[ev["kind"] == "burnout"]["week"].to_numpy()
    return float((weeks >= LATE_AFTER_YEARS * WEEKS_PER_YEAR).mean()) if weeks.size else float("nan")


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
    """Share of active members with high exhaustion (≥ ``HIGH_EE``), averaged over the weeks:
    the summary's ``share_high_exhaustion``, so that the summary, the validation and the page
    say the same thing."""
    return float(runs[BASELINE].summary["share_high_exhaustion"])


#: the summary metric of mediation counted per dispute, read when the run's summary has it
PER_DISPUTE = "mediation_success_per_dispute"


def mediation_success(runs: Mapping[str, RunResult]) -> float:
    """Share of the mediated disputes that the commission's mediation settled (the summary's
    ``mediation_success_per_dispute``): the studies count disputes, not sessions."""
    return float(runs[BASELINE].summary[PER_DISPUTE])


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


# --- consistency checks: what holds by construction, so is no pattern -----------------------


def backlog_grows_with_size(runs: Mapping[str, RunResult]) -> float:
    """Correlation, over the weeks, between the number of active members and the decision
    backlog. A consistency check, not a pattern: consent capacity is set in proportion to
    one over the number of members, so the backlog grows with the group by construction
    (``tests/test_validation.py`` checks that the code still does it)."""
    mf = runs[BASELINE].model_frame
    return _corr(mf["active"].to_numpy(dtype=float), mf["backlog"].to_numpy(dtype=float))


# --- the list ---------------------------------------------------------------------------------


def outcome_words(key: str, lang: str) -> str:
    """A summary metric's name as a pattern label: the outcome table's label, in lower case.

    Example:
        >>> outcome_words("mediation_success_per_dispute", "fr")
        'part des conflits médiés qui sont réglés'
    """
    text = OUTCOMES[key].label(lang)
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Pattern:
    """One observed pattern, its accepted range and where it comes from.

    Example:
        >>> p = PATTERNS_BY_KEY["mediation_success"]
        >>> p.low, p.high, p.role, p.passes(0.66), p.passes(0.3)
        (0.64, 0.73, 'fit', True, False)
    """

    key: str
    label: str  # what is compared, in words
    label_fr: str
    low: float
    high: float
    unit: str
    source: str  # a key of SOURCES
    statistic: Callable[[Mapping[str, RunResult]], float]
    role: str  # FIT (a target of the calibration) or HELD_OUT (no search sees it)
    needs: tuple[str, ...] = (BASELINE,)
    share_of_seeds: bool = False  # a yes/no statistic: report the share of seeds, not a median
    note: str = ""  # why it is not met by construction

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"pattern {self.key}: role {self.role!r} is none of {ROLES}")

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
    "eeoc-acas": "McDermott E.P. et al. (2000). An evaluation of the EEOC mediation program (in the first twelve "
    "months of the national programme, over 11,700 mediations resolved more than 7,500 charges: 64 % per mediated "
    "dispute; figure re-checked); Saundry R., Bennett T., Wibberley G. (2013). Workplace mediation: the participant "
    "experience. Acas research paper 02/13 (about 73 % of mediated disputes settled fully or partly; figure not "
    "re-checked). The range is the span of the two programmes' figures, both counted per dispute.",
    "panagioti": "Panagioti M. et al. (2017). Controlled interventions to reduce burnout in physicians: a systematic "
    "review and meta-analysis. JAMA Internal Medicine 177(2):195-205. Organisation-directed interventions: SMD "
    "-0.45, 95 % CI -0.62 to -0.28, on emotional-exhaustion-focused burnout scores (all interventions: -0.29, "
    "-0.42 to -0.16); figures re-checked against the abstract. The range is that 95 % CI.",
    "west": "West C.P. et al. (2014). Intervention to promote physician well-being, job satisfaction, and "
    "professionalism: a randomized clinical trial. JAMA Internal Medicine 174(4):527-533.",
    "zhao": "Zhao H., Wayne S.J., Glibkowski B.C., Bravo J. (2007). The impact of psychological contract breach on "
    "work-related outcomes: a meta-analysis. Personnel Psychology 60(3):647-680. 'Breach was related to all "
    "outcomes except actual turnover' (abstract, re-checked). Corrected correlations of breach with job "
    "satisfaction -0.54 and organisational commitment -0.38, with actual turnover about 0.05 and not significant "
    "(figures from our reading of the paper's table, not re-checked). The range of the gap |attitude| - |turnover| "
    "runs from 0.38 - 0.05 = 0.33 to 0.54 - 0 = 0.54; corrected correlations are the right comparison, as the "
    "model measures its variables without error.",
    "seed-stipend": "Seed text: the stipend's trial raised tensions 'en raison de l'absence d'accord de coopération "
    "concernant les objectifs'.",
    "seed-simon-late": "Seed text, Simon: 'Au fil du temps, j'ai pris de plus en plus de responsabilités' — the "
    "burnout comes after years of accumulating roles, not in the founding years.",
    "seed-consent": "Seed text and brief: decisions by consent take longer as the collective grows.",
}

PATTERNS: tuple[Pattern, ...] = (
    # --- fit: the calibration's targets --------------------------------------------------------
    Pattern("settled_people", outcome_words("present_final", "en"), outcome_words("present_final", "fr"),
            45, 100, "people", "avise", settled_people, FIT,
            note="arrivals come from territorial acceptance and welcome capacity, departures from exhaustion and engagement"),
    Pattern("heavily_involved", f"active members giving ≥ {HEAVY_HOURS:g} h/week (last year)",
            f"membres actifs donnant ≥ {HEAVY_HOURS:g} h/semaine (dernière année)",
            18, 45, "people", "avise", heavily_involved, FIT,
            note="hours follow from roles taken and dropped, capacity and exhaustion"),
    Pattern("permanent_members", f"active members present for {PERMANENT_YEARS}+ years",
            f"membres actifs présents depuis {PERMANENT_YEARS} ans ou plus",
            8, 30, "people", "zoein", permanent_members, FIT,
            note="who stays comes from the withdrawal and departure processes"),
    Pattern("core_renewal", "share of the year-3 role holders holding no role at the end",
            "part des porteurs de rôles de l'an 3 sans rôle à la fin",
            0.4, 0.9, "share", "seed-atemis", core_renewal, FIT,
            note="role dropping, burnout and leaving are separate processes; no renewal rate is set"),
    Pattern("coordination_concentration", outcome_words("top20_coordination_share", "en"),
            outcome_words("top20_coordination_share", "fr"),
            0.5, 0.9, "share", "seed-same-few", coordination_concentration, FIT,
            note="emerges from who takes coordination roles (involvement bias) and who stays"),
    Pattern("peripheral_dropout", "yearly dropout of active volunteers holding no role",
            "abandon annuel des bénévoles actifs sans rôle",
            0.2, 0.5, "per year", "cncs", peripheral_dropout, FIT,
            note="withdrawal is a logistic function of engagement and of the roles held, not a rate"),
    Pattern("officer_turnover", "yearly renewal of people holding 2+ roles",
            "renouvellement annuel des personnes à 2 rôles ou plus",
            0.05, 0.2, "per year", "cofac", officer_turnover, FIT,
            note="role dropping follows engagement, exhaustion and role identity; leaving follows withdrawal, "
                 "burnout and life events (rarer for those attached to the place); no renewal rate is set"),
    Pattern("high_exhaustion", outcome_words("share_high_exhaustion", "en"),
            outcome_words("share_high_exhaustion", "fr"),
            0.02, 0.15, "share", "chirico", high_exhaustion, FIT,
            note="exhaustion accumulates from load and conflict and recovers with rest"),
    Pattern("mediation_success", outcome_words(PER_DISPUTE, "en"),
            outcome_words(PER_DISPUTE, "fr"),
            0.64, 0.73, "share", "eeoc-acas", mediation_success, FIT,
            note="success depends on the parties' remaining trust and on festering, both from the processes; "
                 "its base chance is set from the same studies, so this is weak evidence"),
    # --- held out: no search sees them -----------------------------------------------------------
    Pattern("founder_steps_back", f"a founder holding {MULTI_ROLES}+ roles burns out or steps back (share of seeds)",
            f"un fondateur à {MULTI_ROLES} rôles ou plus s'épuise ou se retire (part des graines)",
            0.5, 1.0, "share of seeds", "seed-simon", founder_steps_back, HELD_OUT, share_of_seeds=True,
            note="role accumulation and exhaustion are not scripted for any person; departures for life reasons "
                 "do not count"),
    Pattern("simon_arc", f"someone holds {ARC_ROLES}+ roles for {ARC_YEARS} years in a row, then burns out or "
            "steps back (share of seeds)",
            f"quelqu'un tient {ARC_ROLES} rôles ou plus {ARC_YEARS} ans de suite, puis s'épuise ou se retire "
            "(part des graines)",
            0.5, 1.0, "share of seeds", "seed-simon", simon_arc, HELD_OUT, share_of_seeds=True,
            note="nobody is scripted to accumulate roles or to burn out; departures for life reasons do not count"),
    Pattern("late_burnouts", f"share of burnouts from year {LATE_AFTER_YEARS} on",
            f"part des burnouts à partir de l'an {LATE_AFTER_YEARS}",
            0.5, 1.0, "share", "seed-simon-late", late_burnouts, HELD_OUT,
            note="burnout follows exhaustion, which follows the roles and hours people take over the years"),
    Pattern("rex_exhaustion_smd", "REX's effect on exhaustion (SMD, with − without)",
            "effet du REX sur l'épuisement (DMS, avec − sans)",
            -0.62, -0.28, "SMD", "panagioti", rex_exhaustion_smd, HELD_OUT, needs=(BASELINE, "tera-without-rex"),
            note="REX acts on the hours people impose on themselves, the hours a role takes once its work is "
                 "debriefed, roles handed over, conflicts and recognition; exhaustion follows from the strain "
                 "that remains"),
    Pattern("rex_engagement_gain", "REX's effect on mean engagement (with − without)",
            "effet du REX sur l'engagement moyen (avec − sans)",
            0.005, 0.2, "engagement", "west", rex_engagement_gain, HELD_OUT, needs=(BASELINE, "tera-without-rex"),
            note="engagement follows recognition, trust and exhaustion"),
    Pattern("breach_attitude_over_exit", "|corr(recognition, engagement)| − |corr(recognition, leaving)|",
            "|corr(reconnaissance, engagement)| − |corr(reconnaissance, départ)|",
            0.33, 0.54, "correlation", "zhao", breach_attitude_over_exit, HELD_OUT,
            note="leaving depends on engagement, not on recognition directly; the gap is emergent"),
    Pattern("objectives_conflict_ratio", "conflicts opened, stipend without / with agreed objectives",
            "conflits ouverts, revenu sans / avec objectifs convenus",
            1.0, 3.0, "ratio", "seed-stipend", objectives_conflict_ratio, HELD_OUT,
            needs=(BASELINE, "tera-income-objectives"),
            note="objectives change pressure and expectations; conflicts come from the disagreement process"),
    Pattern("multirole_burnout_ratio", "burnout rate, 3+ roles over ≤ 1 role",
            "taux de burnout, 3 rôles ou plus / 1 rôle au plus",
            1.5, 1000.0, "ratio", "seed-simon", multirole_burnout_ratio, HELD_OUT,
            note="burnout comes from exhaustion, which follows hours and conflicts, not from roles directly"),
)  # fmt: skip

PATTERNS_BY_KEY = {p.key: p for p in PATTERNS}
FIT_PATTERNS = tuple(p for p in PATTERNS if p.role == FIT)
HELD_OUT_PATTERNS = tuple(p for p in PATTERNS if p.role == HELD_OUT)
FIT_KEYS = tuple(p.key for p in FIT_PATTERNS)


def scenarios_needed(patterns: tuple[Pattern, ...] = PATTERNS) -> tuple[str, ...]:
    """The scenarios the patterns need, baseline first.

    Example:
        >>> scenarios_needed()[0], scenarios_needed(FIT_PATTERNS)     # the fit needs the baseline only
        ('tera', ('tera',))
    """
    names = [BASELINE]
    for p in patterns:
        names += [n for n in p.needs if n not in names]
    return tuple(names)


__all__ = [
    "FIT",
    "FIT_KEYS",
    "FIT_PATTERNS",
    "HELD_OUT",
    "HELD_OUT_PATTERNS",
    "HIGH_EE",
    "PATTERNS",
    "PATTERNS_BY_KEY",
    "SOURCES",
    "Pattern",
    "backlog_grows_with_size",
    "outcome_words",
    "scenarios_needed",
]
