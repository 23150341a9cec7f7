"""REX (retours d'expérience): periodic debriefs run by trained facilitators.

Hypothesis: in a REX session a person tells why they do their work and what it takes;
invisible work becomes visible. Those who carry the most gain the most recognition,
participants' trust in each other grows, shared meaning is renewed, and the difficulties
found get answers: overloaded participants hand over a role openly, so that someone else
takes it sooner, those who work beyond their capacity agree to stop imposing the extra
hours on themselves (an agreement that fades over the following months), open
conflicts between participants may be resolved, the more easily the more the two still
trust each other (the seed lists the REX among the tools to prevent and handle conflicts),
and the work situations revisited get organised better: each role a participant holds
takes a little fewer hours, down to a floor, a gain that drifts back unless sessions
revisit the role. Sessions need
at least one trained facilitator among the active members; facilitators who leave are
not replaced unless the internal-training mechanism trains new ones.

Seed passages: "Je n'ai plus envie de m'imposer des tâches de manière autonome, ni de voir
les autres s'imposer des tâches sans que cela soit reconnu, au risque de les épuiser [...]
Dans ce contexte, l'importance des REX (retours d'expérience) se fait ressentir. Lorsqu'une
personne explique pourquoi elle fait ce travail et partage les aspects concrets de son
quotidien, cela touche les autres. [...] La montée en compétences et les multiples
responsabilités de cette personne deviennent visibles pour le groupe. Cela crée une
confiance [...] 12 personnes se sont formées aux REX" and "Les REX permettent de revenir
sur des situations de travail, d'identifier les difficultés rencontrées et de trouver des
réponses", in the passage that begins "Différents outils sont utilisés pour la prévention
et la gestion des conflits lors des moments de désaccords". Study: reflective small-group sessions reduced depersonalisation among
physicians (West et al. 2014, JAMA Intern Med 174:527, doi:10.1001/jamainternmed.2013.14387);
debriefs improve the effectiveness of teams and individuals by about 20-25 % (Tannenbaum &
Cerasoli 2013, Human Factors 55:231, doi:10.1177/0018720812448394); what an organisation
learns by doing depreciates (Argote, Beckman & Epple 1990, Management Science 36:140).

Acts after the *interactions* process.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from ..base import LeverControl, Mechanism, Status, clip
from ..conflict import close, open_counts


class Rex(Mechanism):
    """REX sessions: frequency, trained facilitators, participation and what a session does.

    Example:
        >>> rex = Rex(enabled=True, every_weeks=4, start_week=104)
        >>> rex.active(52), rex.active(104)                       # sessions from the third year on
        (False, True)
    """

    key = "rex"
    order = 10
    name_fr = "REX (retours d'expérience)"
    name_en = "REX (structured debriefs)"
    sentence_fr = (
        "Des séances régulières où chacun raconte son travail : le travail invisible devient visible "
        "(reconnaissance, confiance, rôles passés plus tôt)."
    )
    sentence_en = (
        "Regular sessions where people tell what their work takes: invisible work becomes visible "
        "(recognition, trust, roles handed over sooner)."
    )
    events = ("rex_session", "role_dropped", "conflict_resolved")
    controls = (
        LeverControl("every_weeks", "REX : semaines entre deux séances", "REX: weeks between sessions", 1, 52, 1),
    )

    phase: ClassVar[str] = "interactions"

    every_weeks: int = Field(8, ge=1, le=520, description="weeks between two sessions")
    facilitators: int = Field(12, ge=0, le=100000, description="members trained to facilitate at the start (TERA: 12)")
    participation: float = Field(0.5, ge=0, le=1, description="share of active members attending a session")
    per_facilitator: int = Field(8, ge=1, le=1000, description="participants one facilitator can hold")
    recognition_gain: float = Field(
        0.25, ge=0, le=1, description="recognition gained by the participant who carries the most"
    )
    trust_gain: float = Field(
        0.08, ge=0, le=1, description="trust gained between two participants (times the gap to 1)"
    )
    meaning_gain: float = Field(0.02, ge=0, le=1)
    handover: float = Field(0.5, ge=0, le=1, description="chance an overloaded participant hands over a role")
    limits: float = Field(
        1.0,
        ge=0,
        le=1,
        description="share of the hours beyond capacity a participant working beyond it agrees to stop imposing on "
        "themselves",
    )
    limits_fade: float = Field(0.02, ge=0, le=1, description="weekly fading of such an agreement")
    conflict_resolution: float = Field(
        0.5,
        ge=0,
        le=1,
        description="chance an open conflict between two participants is resolved in the session, at full trust",
    )

    streamlining: float = Field(
        0.3,
        ge=0,
        le=1,
        description="share of a role's avoidable hours removed when its holder debriefs it in a session",
    )
    effort_floor: float = Field(
        0.8, ge=0, le=1, description="share of a role's hours that no reorganisation removes (debriefs: about -20 %)"
    )
    forgetting: float = Field(
        0.01, ge=0, le=1, description="weekly drift of a role's organisation back to its original hours"
    )

    def act(self, model: Any, rng: np.random.Generator) -> None:
        P, N, R = model.people, model.network, model.roles
        n = P.n
        P.restraint[:n] *= 1.0 - self.limits_fade
        R.effort += self.forgetting * (1.0 - R.effort)
        if (model.week - self.start_week) % self.every_weeks:
            return
        state = model.mechanism_state.setdefault("rex", {})
        active = (P.status[:n] == Status.ACTIVE) & ~P.burned_out[:n]
        if not state.get("trained"):
            state["trained"] = True
            pool = np.flatnonzero(active)
            chosen = rng.permutation(pool)[: self.facilitators]
            P.rex_trained[chosen] = True
        facilitators = int((active & P.rex_trained[:n]).sum())
        u_attend = rng.random(n)
        u_hand = rng.random(n)
        if facilitators == 0:
            return
        attend = np.flatnonzero(active & (u_attend < self.participation))[: facilitators * self.per_facilitator]
        if attend.size < 2:
            return
        model.emit("rex_session", np.array([-1]))
        hours = P.hours[attend]
        visible = clip(hours / (hours.max() + 1e-9), 0.0, 1.0)
        P.recognition[attend] = np.minimum(1.0, P.recognition[attend] + self.recognition_gain * visible)
        P.meaning[attend] = np.minimum(1.0, P.meaning[attend] + self.meaning_gain)
        inside = np.zeros(n, dtype=bool)
        inside[attend] = True
        both = inside[N.view("a")] & inside[N.view("b")]
        for t in (N.view("trust_ab"), N.view("trust_ba")):
            t[both] += self.trust_gain * (1.0 - t[both])
        self._revisit_conflicts(model, inside, rng)
        debriefed = (R.holder >= 0) & inside[np.maximum(R.holder, 0)]
        R.effort[debriefed] -= self.streamlining * (R.effort[debriefed] - self.effort_floor)
        beyond = attend[P.load[attend] > 1.0]  # working beyond capacity: "s'imposer des tâches"
        P.restraint[beyond] = np.maximum(P.restraint[beyond], self.limits)
        overloaded = attend[((P.load[attend] > 1.0) | (P.exhaustion[attend] > 0.5)) & (P.roles[attend] > 1)]
        for i in overloaded[u_hand[overloaded] < self.handover].tolist():
            model.hand_over_one_role(i, announced=True)

    def _revisit_conflicts(self, model: Any, inside: np.ndarray, rng: np.random.Generator) -> None:
        """Open conflicts between two participants may be resolved: the session revisits the
        work situations and the difficulties met ("identifier les difficultés rencontrées et
        trouver des réponses"), the more easily the more the two still trust each other."""
        N, C = model.network, model.conflicts
        open_ids = C.open_ids
        u_resolve = rng.random(open_ids.size)
        if open_ids.size == 0 or self.conflict_resolution == 0:
            return
        ties = C.ties_of(open_ids)
        trust = N.mutual_trust(ties)
        both = inside[N.a[ties]] & inside[N.b[ties]]
        resolved = both & (u_resolve < self.conflict_resolution * trust)
        if resolved.any():
            close(model, open_ids[resolved], "conflict_resolved")
            open_counts(model)
