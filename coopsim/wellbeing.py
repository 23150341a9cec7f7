"""Wellbeing: strain and recovery, burnout, recognition, security, shared meaning, engagement.

Processes 2 (*strain*: strain, recovery, burnout) and 5 (*engagement* and its companions) of the week.

Exhaustion accumulates with overload, role accumulation, open conflicts, social pressure
and relational saturation, and recovers in proportion to how exhausted one is, faster when
the load is light and one feels safe (fatigue fades as an exponential decay: the
effort-recovery model, Meijman & Mulder 1998, in P.J.D. Drenth et al. (eds.), *Handbook of
Work and Organizational Psychology* vol. 2, 5-33; the fatigue term of fitness-fatigue
models, Banister et al. 1975). Each person's exhaustion thus settles where strain and
recovery balance, and everyone carries some; crossing the burnout threshold makes a person
stop everything (Simon's story: "Au fil du temps, j'ai pris de plus en plus de responsabilités [...] Tout cela a duré environ 5 à 6
ans, mais depuis l'année dernière, j'ai pratiquement tout arrêté. Tout est entremêlé, et
je n'ai pas réussi à gérer mes conflits.").

Engagement moves towards a target made of shared meaning ("un sens commun, un socle de
valeurs"), trust, recognition ("Le manque de reconnaissance crée des frustrations") and
security ("La sécurité, financière et émotionnelle"), minus exhaustion, pressure, open
conflicts and stalled decisions; it fluctuates ("un engagement fluctuant").
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Paid, Params, Status, clip, clip01
from .state import ModelState


class WellbeingParams(Params):
    """Behavioural constants of strain, recovery, burnout and engagement (per week).

    Example:
        >>> WellbeingParams(role_comfort=3).role_comfort
        3
    """

    overload_strain: float = Field(0.015, ge=0, le=1, description="exhaustion per week per unit of load above 1")
    role_comfort: int = Field(2, ge=0, le=50, description="roles one can hold without added strain")
    role_strain: float = Field(0.004, ge=0, le=1, description="exhaustion per week per role above comfort")
    conflict_strain: float = Field(
        0.004, ge=0, le=1, description="exhaustion per week per open conflict (doubled when festering)"
    )
    pressure_strain: float = Field(0.008, ge=0, le=1, description="exhaustion per week at full social pressure")
    saturation_strain: float = Field(
        0.003, ge=0, le=1, description="exhaustion per week at full life-sphere overlap (relational saturation)"
    )
    recovery: float = Field(
        0.03,
        ge=0,
        le=1,
        description="share of one's exhaustion recovered per week with no load and full emotional security",
    )
    recovery_floor: float = Field(
        0.005, ge=0, le=1, description="share of one's exhaustion recovered per week in any case"
    )
    burnout_threshold: float = Field(0.85, gt=0, le=1)
    notice_level: float = Field(
        0.6, ge=0, le=1, description="exhaustion at which others can notice it (tour météo, first aid)"
    )
    recovered_below: float = Field(
        0.3, ge=0, lt=1, description="exhaustion under which a burned-out person has recovered"
    )
    rest_recovery: float = Field(
        0.005, ge=0, le=1, description="extra share of one's exhaustion recovered per week while burned out (no roles)"
    )
    recognition_decay: float = Field(0.02, ge=0, le=1, description="weekly fading of recognition towards visibility")
    visibility: float = Field(0.15, ge=0, le=1, description="recognition that invisible work gets by itself")
    engagement_rate: float = Field(0.04, ge=0, le=1)
    engagement_noise: float = Field(0.02, ge=0, le=1)
    baseline: float = Field(0.05, ge=-1, le=1, description="constant term of the engagement target")
    w_meaning: float = Field(0.35, ge=0, le=2)
    w_trust: float = Field(0.25, ge=0, le=2)
    w_recognition: float = Field(0.3, ge=0, le=2)
    w_security: float = Field(0.15, ge=0, le=2)
    w_exhaustion: float = Field(0.45, ge=0, le=2)
    w_pressure: float = Field(0.3, ge=0, le=2)
    w_conflict: float = Field(0.08, ge=0, le=2, description="engagement lost per open conflict")
    w_backlog: float = Field(0.1, ge=0, le=2, description="engagement lost at a decision backlog of one per member")
    w_frustration: float = Field(0.2, ge=0, le=2, description="engagement lost when much work goes unrecognised")
    salaried_security: float = Field(0.8, ge=0, le=1)
    stipend_security: float = Field(0.7, ge=0, le=1)
    security_rate: float = Field(0.05, ge=0, le=1)


def strain_and_recovery(model: ModelState, rng: np.random.Generator) -> None:
    """Process *strain*: exhaustion rises with strain and recovers in proportion to itself; burnout.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> strain_and_recovery(m, np.random.default_rng(0))
        >>> e = m.people.view("exhaustion")
        >>> bool(((e >= 0) & (e <= 1)).all())
        True
    """
    P, wp = model.people, model.scenario.wellbeing
    n = P.n
    u_notice = rng.random(n)
    u_handover = rng.random(n)
    present = P.present()
    load = P.load[:n]
    roles = P.roles[:n]
    strain = (
        wp.overload_strain * clip(load - 1.0, 0.0)
        + wp.role_strain * clip(roles - wp.role_comfort, 0)
        + wp.conflict_strain * P.conflicts[:n]
        + wp.pressure_strain * P.pressure[:n]
        + wp.saturation_strain * P.overlap[:n] * model.mods.sphere_mixing
    )
    rate = wp.recovery_floor + wp.recovery * clip(1.0 - load, 0.0, 1.0) * (0.5 + 0.5 * P.security_emo[:n])
    rate = rate + wp.rest_recovery * P.burned_out[:n]
    exh = P.exhaustion[:n]
    exh += np.where(present, strain - rate * exh, 0.0)
    clip01(exh)

    # Noticed by others (tour météo, first aiders): supported, and asked to hand over a role,
    # which the dutiful often refuse ("Je prends les tâches que personne ne prend").
    noticed = present & ~P.burned_out[:n] & (exh > wp.notice_level) & (u_notice < model.mods.exhaustion_notice)
    agrees = u_handover >= model.scenario.population.duty_hold * P.duty[:n]
    for i in np.flatnonzero(noticed):
        P.security_emo[i] = min(1.0, P.security_emo[i] + 0.1)
        model.emit("exhaustion_noticed", np.array([i]))
        if P.roles[i] > 0 and agrees[i]:
            model.hand_over_one_role(int(i), announced=True)

    burning = present & ~P.burned_out[:n] & (exh >= wp.burnout_threshold)
    for i in np.flatnonzero(burning):
        model.burnout(int(i))
    recovered = P.burned_out[:n] & (exh < wp.recovered_below)
    if recovered.any():
        idx = np.flatnonzero(recovered)
        P.burned_out[idx] = False
        model.emit("recovery", idx)


def update_engagement(model: ModelState, rng: np.random.Generator) -> None:
    """Process *engagement*: recognition, security, meaning, then engagement itself.

    Example:
        >>> import numpy as np
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1)
        >>> m.step()                                  # one week, so every array is filled
        >>> update_engagement(m, np.random.default_rng(0))
        >>> e = m.people.view("engagement")
        >>> bool(((e >= 0) & (e <= 1)).all())
        True
    """
    P, wp = model.people, model.scenario.wellbeing
    n = P.n
    noise = rng.normal(0.0, wp.engagement_noise, n)
    present = P.present()

    rec = P.recognition[:n]
    rec += wp.recognition_decay * (wp.visibility - rec)
    held_formal = model.roles.holder[(model.roles.holder >= 0) & model.roles.formal]
    rec[held_formal] += model.mods.formal_recognition
    held_any = model.roles.holder[model.roles.holder >= 0]
    rec[held_any] += model.mods.description_recognition
    clip01(rec)

    paid = P.paid[:n]
    target_fin = np.where(
        paid == Paid.SALARIED, wp.salaried_security, np.where(paid == Paid.STIPEND, wp.stipend_security, 0.0)
    )
    target_fin = np.maximum(target_fin, P.income_base[:n])
    P.security_fin[:n] += wp.security_rate * (target_fin - P.security_fin[:n])
    target_emo = 0.3 + 0.5 * P.trust[:n] + 0.2 * (P.conflicts[:n] == 0)
    P.security_emo[:n] += wp.security_rate * (target_emo - P.security_emo[:n])
    clip01(P.security_emo[:n])

    P.meaning[:n] += 0.005 * (P.trust[:n] - P.meaning[:n]) - 0.002 * np.minimum(P.conflicts[:n], 3)
    clip01(P.meaning[:n])

    n_present = int(present.sum())
    mean_hours = P.hours[:n][present].sum() / n_present if n_present else 0.0
    heavy = clip(P.hours[:n] / (mean_hours + 1e-9) - 1.0, 0.0, 2.0) / 2.0
    frustration = wp.w_frustration * heavy * (1.0 - rec)
    active = max(model.count(Status.ACTIVE), 1)
    target = (
        wp.w_meaning * P.meaning[:n]
        + wp.w_trust * P.trust[:n]
        + wp.w_recognition * rec
        + wp.w_security * 0.5 * (P.security_fin[:n] + P.security_emo[:n])
        - wp.w_exhaustion * P.exhaustion[:n]
        - wp.w_pressure * P.pressure[:n]
        - wp.w_conflict * np.minimum(P.conflicts[:n], 3)
        - wp.w_backlog * min(model.backlog / active, 1.0)
        - frustration
        + wp.baseline
    )
    eng = P.engagement[:n]
    eng += np.where(present, wp.engagement_rate * (target - eng) + noise, 0.0)
    clip01(eng)
