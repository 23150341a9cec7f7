"""Per-agent reference: the compiled core against an idiomatic per-agent Mesa version.

Two weekly processes, *strain* (exhaustion rises with strain and recovers in proportion to
itself) and *interactions* (contact on the acquaintance network, pairwise trust, trust in
the collective), are written here the way a Mesa newcomer would write them: one
``mesa.Agent`` per person with its own attributes, a ``step`` per agent, ties as a
networkx graph with the trust values on its edges. Both versions start from the same state
(a TERA ecosystem scaled to 1,000 people, stepped a year) and use the scenario's
constants; the benchmark times ``weeks`` weeks of the two processes in each and prints the
ratio, with the mean exhaustion and trust each reaches (close, not equal: the per-agent
version draws its own random numbers, and leaves out burnouts, noticing and new ties).

Run: ``.venv/bin/python benchmarks/bench_per_agent.py [--people 1000] [--weeks 52]``.
Target (issue 12): the compiled core at least 10x faster at 1,000 people.
"""

from __future__ import annotations

import argparse
import copy
import os
import time
from typing import Any

import mesa
import networkx as nx
import numpy as np
from bench_core import scaled_tera

from coopsim import CoopModel
from coopsim.base import Status
from coopsim.interactions import interact
from coopsim.wellbeing import strain_and_recovery


class Member(mesa.Agent):
    """One person, with the state the two processes read and write as attributes."""

    def __init__(self, model: PerAgentModel, row: int, source: CoopModel) -> None:
        super().__init__(model)
        P = source.people
        self.row = row
        self.present = bool(P.status[row] != Status.DEPARTED)
        for name in ("load", "roles", "conflicts", "pressure", "overlap", "security_emo", "exhaustion", "trust"):
            setattr(self, name, float(getattr(P, name)[row]))
        self.burned_out = bool(P.burned_out[row])
        self.unit = -1

    def strain_and_recover(self) -> None:
        """Exhaustion rises with strain and recovers in proportion to itself (as in coopsim.wellbeing)."""
        if not self.present:
            return
        wp, mixing = self.model.wp, 1.0
        strain = (
            wp.overload_strain * max(self.load - 1.0, 0.0)
            + wp.role_strain * max(self.roles - wp.role_comfort, 0)
            + wp.conflict_strain * self.conflicts
            + wp.pressure_strain * self.pressure
            + wp.saturation_strain * self.overlap * mixing
        )
        rate = wp.recovery_floor + wp.recovery * min(max(1.0 - self.load, 0.0), 1.0) * (0.5 + 0.5 * self.security_emo)
        rate += wp.rest_recovery * self.burned_out
        self.exhaustion = min(max(self.exhaustion + strain - rate * self.exhaustion, 0.0), 1.0)

    def meet(self) -> None:
        """Contact with each acquaintance (co-workers, or by chance when life spheres overlap), trust updates."""
        model, ip = self.model, self.model.ip
        for other in model.graph.neighbors(self):
            if other.unique_id < self.unique_id or not (self.present and other.present):
                continue  # each tie once, from its lower end
            edge = model.graph.edges[self, other]
            pair_overlap = self.overlap * other.overlap
            cowork = self.unit >= 0 and self.unit == other.unit
            contact = cowork or model.random.random() < ip.social_contact * pair_overlap
            gain = ip.trust_gain * (1.0 + ip.overlap_bonus * pair_overlap)
            for key in ("trust_ab", "trust_ba"):
                t = edge[key]
                t += gain * (1.0 - t) if contact else -ip.trust_decay * (t - ip.trust_base)
                t -= ip.conflict_erosion * edge["in_conflict"]
                edge[key] = min(max(t, 0.0), 1.0)

    def update_collective_trust(self) -> None:
        """Trust in the collective follows the mean trust one places in one's live ties."""
        if not self.present:
            return
        given = []
        for other in self.model.graph.neighbors(self):
            if other.present:
                edge = self.model.graph.edges[self, other]
                given.append(edge["trust_ab"] if edge["a"] is self else edge["trust_ba"])
        if given:
            self.trust += self.model.ip.collective_rate * (sum(given) / len(given) - self.trust)
            self.trust = min(max(self.trust, 0.0), 1.0)


class PerAgentModel(mesa.Model):
    """The two processes, agent by agent, from a copy of a coopsim model's state."""

    def __init__(self, source: CoopModel) -> None:
        super().__init__(seed=source.seed)
        self.wp, self.ip = source.scenario.wellbeing, source.scenario.interactions
        P, N, R = source.people, source.network, source.roles
        members = [Member(self, i, source) for i in range(P.n)]
        for r in np.flatnonzero(R.holder >= 0).tolist():
            members[R.holder[r]].unit = int(R.unit[r])
        self.graph = nx.Graph()
        self.graph.add_nodes_from(members)
        for e in range(N.m):
            a, b = members[N.a[e]], members[N.b[e]]
            self.graph.add_edge(
                a, b, a=a, trust_ab=float(N.trust_ab[e]), trust_ba=float(N.trust_ba[e]), in_conflict=N.conflict[e] >= 0
            )

    def step(self) -> None:
        self.agents.do("strain_and_recover")
        self.agents.do("meet")
        self.agents.do("update_collective_trust")


def mean_present(values: list[float], present: list[bool]) -> float:
    kept = [v for v, p in zip(values, present) if p]
    return sum(kept) / len(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1000, help="people the scaled ecosystem houses")
    parser.add_argument("--weeks", type=int, default=52, help="weeks of the two processes timed")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average (1 min): {os.getloadavg()[0]:.2f}")

    source = CoopModel(scaled_tera(args.people), seed=1, years=10)
    for _ in range(52):
        source.step()
    compiled = copy.deepcopy(source)
    strain_and_recovery(copy.deepcopy(source), compiled.streams["strain"])  # compile or load the kernels
    interact(copy.deepcopy(source), compiled.streams["interactions"])
    start = time.perf_counter()
    for _ in range(args.weeks):
        strain_and_recovery(compiled, compiled.streams["strain"])
        interact(compiled, compiled.streams["interactions"])
    t_compiled = time.perf_counter() - start

    per_agent = PerAgentModel(source)
    start = time.perf_counter()
    for _ in range(args.weeks):
        per_agent.step()
    t_agents = time.perf_counter() - start

    present = compiled.people.present()
    agents = list(per_agent.agents)
    alive = [a.present for a in agents]
    print(f"{source.people.n:,} people, {source.network.m:,} ties, {args.weeks} weeks of strain + interactions")
    print(
        f"compiled core: {t_compiled * 1000:.1f} ms (mean exhaustion {compiled.people.exhaustion[: present.size][present].mean():.3f}, "
        f"trust {compiled.people.trust[: present.size][present].mean():.3f})"
    )
    print(
        f"per-agent Mesa: {t_agents * 1000:.1f} ms (mean exhaustion {mean_present([a.exhaustion for a in agents], alive):.3f}, "
        f"trust {mean_present([a.trust for a in agents], alive):.3f})"
    )
    ratio: Any = t_agents / t_compiled
    print(f"ratio: the compiled core is {ratio:.1f}x faster (target: >= 10x)")


if __name__ == "__main__":
    main()
