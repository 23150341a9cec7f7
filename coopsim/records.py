"""What a run keeps: weekly model rows, person rows, events, exits, and the summary.

Recording writes into preallocated numpy arrays (a row per week) and chunks of arrays
(people, events), turned into pandas frames only at the end, so that recording every
week costs little next to the model itself.

Summary metrics: :func:`summary` returns the keys of :data:`coopsim.outcomes.OUTCOMES`, in
that order; each is defined there once (names in English and French, unit, definition,
formula, which way is better), and ``docs/ODD.md`` (section 8.4) shows that table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .base import EVENT_CODE, EVENT_KINDS, WEEKS_PER_YEAR, Paid, Status
from .state import ModelState
from .structures import STRUCTURE_KEYS

HIGH_EXHAUSTION = 0.7

MODEL_COLUMNS = (
    "active", "newcomers", "withdrawn", "present", "departed_total", "burned_out",
    "active_volunteers", "core",
    "arrivals", "departures", "integrations", "withdrawals", "burnouts", "recoveries",
    "roles_taken", "roles_dropped",
    "conflicts_opened", "conflicts_defused", "conflicts_mediated", "conflicts_resolved",
    "conflicts_festering", "conflicts_open", "rex_sessions", "stipends_paid",
    "exhaustion_mean", "exhaustion_p10", "exhaustion_p50", "exhaustion_p90",
    "engagement_mean", "engagement_p10", "engagement_p50", "engagement_p90",
    "trust_mean", "trust_p10", "trust_p50", "trust_p90",
    "recognition_mean", "pressure_mean", "high_exhaustion_share",
    "roles_vacant", "roles_per_active", "roles_max", "top20_hours_share",
    "demand_hours", "hours_done", "unmet_hours", "unmet_share",
    "backlog", "decision_capacity", "acceptance", "rex_facilitators",
    "mediations", "mediations_successful",
    *(f"treasury_{k}" for k in STRUCTURE_KEYS),
    "inflow_total", "outflow_total",
)  # fmt: skip

PEOPLE_COLUMNS = (
    "status", "paid", "engagement", "trust", "exhaustion", "load", "hours", "roles",
    "recognition", "security_fin", "security_emo", "meaning", "pressure", "conflicts",
    "burned_out",
)  # fmt: skip

COUNTED_EVENTS = {
    "arrivals": "arrival", "departures": "departure", "integrations": "integration",
    "withdrawals": "withdrawal", "burnouts": "burnout", "recoveries": "recovery",
    "roles_taken": "role_taken", "roles_dropped": "role_dropped",
    "conflicts_opened": "conflict_opened", "conflicts_defused": "conflict_defused",
    "conflicts_mediated": "conflict_mediated", "conflicts_resolved": "conflict_resolved",
    "conflicts_festering": "conflict_festering", "rex_sessions": "rex_session",
    "stipends_paid": "stipend_paid",
}  # fmt: skip
COUNTED_CODES = np.array([EVENT_CODE[kind] for kind in COUNTED_EVENTS.values()])


class Recorder:
    """Collects a run's weekly rows, person rows, events and exits.

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1, years=0.25)
        >>> m.run_model()
        >>> frame = m.recorder.model_frame()                     # one row per week
        >>> len(frame), frame["week"].tolist()[:3]
        (13, [0, 1, 2])
    """

    def __init__(self, model: ModelState) -> None:
        self._rows = max(model.horizon, 1)
        self.columns = {c: np.zeros(self._rows) for c in MODEL_COLUMNS}
        self.weeks = 0
        self.week_counts = np.zeros(len(EVENT_KINDS), dtype=np.int64)
        self._events: list[tuple[int, int, np.ndarray]] = []
        self._people: list[tuple[int, np.ndarray, np.ndarray]] = []  # week, present mask, columns x people
        self._people_dtypes: dict[str, np.dtype] = {}
        self.exits: list[tuple[int, int, int, bool]] = []  # week, person, paid, core
        self.hours_at_window_start: np.ndarray | None = None

    def event(self, week: int, code: int, persons: np.ndarray) -> None:
        if persons.size:
            self._events.append((week, code, persons))
            self.week_counts[code] += persons.size

    def exit(self, model: ModelState, i: int) -> None:
        """An active member stops being active (withdraws, burns out or leaves)."""
        P = model.people
        core = bool(model.week - P.status_week[i] >= WEEKS_PER_YEAR and P.roles[i] > 0)
        self.exits.append((model.week, i, int(P.paid[i]), core))

    def _grow(self) -> None:
        for c, arr in self.columns.items():
            new = np.zeros(2 * self._rows)
            new[: self._rows] = arr
            self.columns[c] = new
        self._rows *= 2

    def record_week(self, model: ModelState) -> None:
        """Write this week's row (and, every few weeks, the people's rows)."""
        if self.weeks >= self._rows:
            self._grow()
        w, col = self.weeks, self.columns
        P, R, L = model.people, model.roles, model.ledger
        n = P.n
        status = P.status[:n]
        active = status == Status.ACTIVE
        n_active = int(active.sum())
        by_status = np.bincount(status, minlength=len(Status.NAMES))
        col["active"][w] = n_active
        col["newcomers"][w] = by_status[Status.NEWCOMER]
        col["withdrawn"][w] = by_status[Status.WITHDRAWN]
        col["departed_total"][w] = by_status[Status.DEPARTED]
        col["present"][w] = n - by_status[Status.DEPARTED]
        col["burned_out"][w] = int((P.burned_out[:n] & (status != Status.DEPARTED)).sum())
        col["active_volunteers"][w] = int((active & (P.paid[:n] == Paid.VOLUNTEER)).sum())
        col["core"][w] = int((active & (model.week - P.status_week[:n] >= WEEKS_PER_YEAR) & (P.roles[:n] > 0)).sum())
        for name, count in zip(COUNTED_EVENTS, self.week_counts[COUNTED_CODES].tolist()):
            col[name][w] = count
        self.week_counts[:] = 0
        col["conflicts_open"][w] = model.conflicts.open_ids.size
        if n_active:
            stacked = np.empty((3, n_active))
            stacked[0], stacked[1], stacked[2] = P.exhaustion[:n][active], P.engagement[:n][active], P.trust[:n][active]
            stacked.sort(axis=1)
            means = stacked.sum(axis=1) / n_active  # sum / n: as np.mean, with less overhead
            ranks = np.rint(np.array([0.1, 0.5, 0.9]) * (n_active - 1)).astype(np.int64)  # nearest rank
            q = stacked[:, ranks]
            for k, name in enumerate(("exhaustion", "engagement", "trust")):
                col[f"{name}_mean"][w] = means[k]
                col[f"{name}_p10"][w], col[f"{name}_p50"][w], col[f"{name}_p90"][w] = q[k]
            col["recognition_mean"][w] = P.recognition[:n][active].sum() / n_active
            col["high_exhaustion_share"][w] = (stacked[0] >= HIGH_EXHAUSTION).sum() / n_active
            hours = np.sort(P.hours[:n][active])[::-1]
            top = max(1, round(0.2 * hours.size))
            col["top20_hours_share"][w] = hours[:top].sum() / hours.sum() if hours.sum() > 0 else 0.0
            col["roles_per_active"][w] = P.roles[:n][active].sum() / n_active
        col["pressure_mean"][w] = P.pressure[:n][P.stipend[:n]].mean() if P.stipend[:n].any() else np.nan
        col["roles_vacant"][w] = int((R.holder < 0).sum())
        col["roles_max"][w] = int(P.roles[:n].max()) if n else 0
        col["demand_hours"][w] = model.week_demand
        col["hours_done"][w] = float(P.hours[:n].sum())
        col["unmet_hours"][w] = model.week_unmet
        col["unmet_share"][w] = model.week_unmet / model.week_demand if model.week_demand > 0 else 0.0
        col["backlog"][w] = model.backlog
        col["decision_capacity"][w] = model.week_decision_capacity
        col["acceptance"][w] = model.acceptance
        col["rex_facilitators"][w] = int((P.rex_trained[:n] & active).sum())
        col["mediations"][w] = model.week_mediated
        col["mediations_successful"][w] = model.week_mediated_ok
        for k, key in enumerate(STRUCTURE_KEYS):
            col[f"treasury_{key}"][w] = L.treasury[k]
        col["inflow_total"][w] = L.inflow_total
        col["outflow_total"][w] = L.outflow_total

        every = model.scenario.record.people_every
        if model.week % every == 0 or model.week == model.horizon - 1:
            # one float copy of every column (exact for the integer and boolean ones);
            # departed rows are dropped when the frame is built
            snapshot = np.empty((len(PEOPLE_COLUMNS), n))
            for j, c in enumerate(PEOPLE_COLUMNS):
                snapshot[j] = getattr(P, c)[:n]
            self._people.append((model.week, status != Status.DEPARTED, snapshot))
            if not self._people_dtypes:
                self._people_dtypes = {c: getattr(P, c).dtype for c in PEOPLE_COLUMNS}
        if model.week == model.horizon - WEEKS_PER_YEAR - 1:  # end of the week before the last 52
            self.hours_at_window_start = P.hours_total[:n].copy()
        self.weeks += 1

    # --- frames -----------------------------------------------------------------------

    def model_frame(self) -> pd.DataFrame:
        w = self.weeks
        df = pd.DataFrame({c: arr[:w] for c, arr in self.columns.items()})
        df.insert(0, "year", np.arange(w) / WEEKS_PER_YEAR)
        df.insert(0, "week", np.arange(w))
        return df

    def people_frame(self) -> pd.DataFrame:
        if not self._people:
            return pd.DataFrame(columns=["week", "person", *PEOPLE_COLUMNS])
        weeks = np.concatenate([np.full(int(mask.sum()), wk) for wk, mask, _ in self._people])
        persons = np.concatenate([np.flatnonzero(mask) for _, mask, _ in self._people])
        values = np.concatenate([snap[:, mask] for _, mask, snap in self._people], axis=1)
        data: dict[str, Any] = {"week": weeks, "person": persons}
        for j, c in enumerate(PEOPLE_COLUMNS):
            data[c] = values[j].astype(self._people_dtypes[c])
        df = pd.DataFrame(data)
        df["status"] = pd.Categorical.from_codes(df["status"].to_numpy(), categories=pd.Index(Status.NAMES))
        df["paid"] = pd.Categorical.from_codes(df["paid"].to_numpy(), categories=pd.Index(Paid.NAMES))
        return df

    def events_frame(self) -> pd.DataFrame:
        if not self._events:
            return pd.DataFrame({"week": [], "person": [], "kind": pd.Categorical([], EVENT_KINDS)})
        weeks = np.concatenate([np.full(p.size, wk) for wk, _, p in self._events])
        codes = np.concatenate([np.full(p.size, c) for _, c, p in self._events])
        persons = np.concatenate([p for _, _, p in self._events])
        return pd.DataFrame(
            {
                "week": weeks,
                "person": persons,
                "kind": pd.Categorical.from_codes(codes, categories=pd.Index(EVENT_KINDS)),
            }
        )

    def event_total(self, kind: str) -> int:
        code = EVENT_CODE[kind]
        return int(sum(p.size for _, c, p in self._events if c == code))


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: equal, towards 1: one carries all).

    Example:
        >>> import numpy as np
        >>> gini(np.array([5.0, 5.0, 5.0, 5.0])), gini(np.array([0.0, 0.0, 0.0, 8.0]))
        (0.0, 0.75)
    """
    x = np.sort(np.asarray(x, dtype=float))
    if x.size == 0 or x.sum() == 0:
        return 0.0
    k = np.arange(1, x.size + 1)
    return float((2 * (k * x).sum()) / (x.size * x.sum()) - (x.size + 1) / x.size)


def top_share(x: np.ndarray, fraction: float) -> float:
    """Share of the total carried by the top ``fraction`` of values.

    Example:
        >>> import numpy as np
        >>> top_share(np.array([1.0, 1.0, 1.0, 7.0]), 0.25)     # the top quarter carries 70 %
        0.7
    """
    x = np.sort(np.asarray(x, dtype=float))[::-1]
    if x.size == 0 or x.sum() == 0:
        return 0.0
    k = max(1, int(np.ceil(fraction * x.size)))
    return float(x[:k].sum() / x.sum())


def nan_mean(x: np.ndarray) -> float:
    """Mean of the finite values, NaN when there is none.

    Example:
        >>> import numpy as np
        >>> nan_mean(np.array([1.0, np.nan, 3.0])), nan_mean(np.array([np.nan]))
        (2.0, nan)
    """
    finite = x[np.isfinite(x)]
    return float(finite.mean()) if finite.size else float("nan")


def summary(model: ModelState) -> dict[str, Any]:
    """The run's headline numbers: exactly the keys of :data:`coopsim.outcomes.OUTCOMES`, in
    that order (each defined there; ``run`` adds ``seed`` and ``weeks``).

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1, years=0.5)
        >>> m.run_model()
        >>> s = summary(m)
        >>> "annual_turnover" in s, bool(0 <= s["top10_hours_share"] <= 1)
        (True, True)
    """
    rec = model.recorder
    col = {c: arr[: rec.weeks] for c, arr in rec.columns.items()}
    weeks = max(rec.weeks, 1)
    years = weeks / WEEKS_PER_YEAR
    P = model.people
    n = P.n
    exits = rec.exits
    unpaid_exits = sum(1 for _, _, paid, _ in exits if paid == Paid.VOLUNTEER)
    core_exits = sum(1 for *_, core in exits if core)

    def per_year(count: float, mean_pop: float) -> float:
        return float(count / (mean_pop * years)) if mean_pop > 0 else float("nan")

    start = rec.hours_at_window_start if rec.hours_at_window_start is not None else np.zeros(n)
    window = P.hours_total[:n] - np.pad(start, (0, n - start.size))
    window = window[window > 0]
    person_years = col["active"].sum() / WEEKS_PER_YEAR
    mediated = int(col["mediations"].sum())
    demand = col["demand_hours"].sum()
    coord = P.coord_total[:n]
    return {
        "active_final": int(col["active"][-1]) if rec.weeks else 0,
        "present_final": int(col["present"][-1]) if rec.weeks else 0,
        "arrivals_total": rec.event_total("arrival"),
        "departures_total": rec.event_total("departure"),
        "annual_turnover": per_year(len(exits), col["active"].mean()),
        "annual_turnover_unpaid": per_year(unpaid_exits, col["active_volunteers"].mean()),
        "annual_turnover_core": per_year(core_exits, col["core"].mean()),
        "burnouts_total": rec.event_total("burnout"),
        "burnout_incidence_per_100py": float(100 * col["burnouts"].sum() / person_years)
        if person_years
        else float("nan"),
        "share_high_exhaustion": float(col["high_exhaustion_share"].mean()),
        "top10_hours_share": top_share(window, 0.10),
        "top25_hours_share": top_share(window, 0.25),
        "gini_hours": gini(window),
        "top20_coordination_share": top_share(coord[coord > 0], 0.20),
        "mean_engagement": float(col["engagement_mean"].mean()),
        "mean_trust": float(col["trust_mean"].mean()),
        "conflicts_opened": int(col["conflicts_opened"].sum()),
        "conflicts_defused": int(col["conflicts_defused"].sum()),
        "conflicts_festering": int(col["conflicts_festering"].sum()),
        "conflicts_mediated": mediated,
        "mediation_success_rate": float(col["mediations_successful"].sum() / mediated) if mediated else float("nan"),
        "unmet_work_share": float(col["unmet_hours"].sum() / demand) if demand > 0 else 0.0,
        "decision_backlog_mean": float(col["backlog"].mean()),
        "withdrawals_total": rec.event_total("withdrawal"),
        "max_roles_held": int(col["roles_max"].max()) if rec.weeks else 0,
        "acceptance_final": float(col["acceptance"][-1]) if rec.weeks else float("nan"),
        "treasury_total_final": float(sum(col[f"treasury_{k}"][-1] for k in STRUCTURE_KEYS)) if rec.weeks else 0.0,
        "stipend_pressure_mean": nan_mean(col["pressure_mean"]),
    }


class MesaRecords:
    """The shape ``mesa.batch_run`` reads from ``model.datacollector``.

    ``model_vars`` maps each weekly column and each summary key to a list indexed by step;
    summary values sit at the last step (they only exist once the run has ended).

    Example:
        >>> from coopsim import CoopModel
        >>> m = CoopModel("tera", seed=1, years=0.1)
        >>> m.run_model()
        >>> frame = m.datacollector.get_model_vars_dataframe()    # what mesa.batch_run reads
        >>> len(frame) == m.week, "active" in frame.columns
        (True, True)
    """

    def __init__(self, model: ModelState) -> None:
        self._model = model
        self._agent_records: dict[int, list[Any]] = {}
        self.agent_reporters: dict[str, Any] = {}

    @property
    def model_vars(self) -> dict[str, list[Any]]:
        rec = self._model.recorder
        out: dict[str, list[Any]] = {c: arr[: rec.weeks].tolist() for c, arr in rec.columns.items()}
        final = summary(self._model)
        for key, value in final.items():
            out[key] = [None] * max(rec.weeks - 1, 0) + [value]
        return out

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        return self._model.recorder.model_frame()
