"""The simulation viewer: one seeded negotiation session, and the backchannel experiment.

Both come from :mod:`accord.negotiation`. The session (a protocol, one strategy for every
party, a seed) runs on the scenario's nominal preferences and is shown as the offers on
the table over time. The experiment (exclusive drafting vs inclusive negotiation vs a
single negotiating text, over preference draws) runs only when asked, with few runs, and
its result is cached. When the negotiation layer is missing, the page says so
(``available`` is false) instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.model import InvalidPlanError
from accord.report.charts import Chart
from accord.web import charts as wc
from accord.web.workspace import Loaded, Workspace

#: Limits on what a page request may ask for (the experiment runs in the request).
MAX_ROUNDS, MAX_RUNS, DEFAULT_RUNS = 500, 20, 6
#: Protocols offered on the page (``backchannel`` takes its drafters from the form).
PROTOCOLS = ("saop", "alternating", "single-text", "vote", "backchannel")
#: Protocols that need exactly two parties.
BILATERAL = ("alternating",)


def protocols_for(n_parties: int) -> tuple[str, ...]:
    """The protocols that apply to a scenario with ``n_parties`` parties."""
    return tuple(p for p in PROTOCOLS if n_parties == 2 or p not in BILATERAL)


@dataclass(frozen=True)
class SessionForm:
    """The session the page runs (validated from the query)."""

    protocol: str = "saop"
    strategy: str = "linear"
    rounds: int = 100
    seed: int = 1
    drafters: tuple[str, ...] = ()
    runs: int = DEFAULT_RUNS
    experiment: bool = False

    @property
    def spec(self) -> str:
        """The protocol's text form."""
        spec = f"{self.protocol}:rounds={self.rounds}"
        if self.protocol == "backchannel":
            spec += f",drafters={'+'.join(self.drafters)}"
        return spec


@dataclass(frozen=True)
class SimulationView:
    """What the simulation page shows."""

    available: bool
    reason: str = ""
    form: SessionForm = field(default_factory=SessionForm)
    protocols: Sequence[str] = ()
    strategies: Sequence[str] = ()
    charts: list[Chart] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    agreement: list[tuple[str, str]] = field(default_factory=list)
    experiment: dict[str, Any] | None = None
    experiment_chart: Chart | None = None


def _int(query: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = query.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise InvalidPlanError(f"{key} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise InvalidPlanError(f"{key} must lie between {low} and {high}")
    return value


def default_drafters(party_ids: Sequence[str]) -> tuple[str, ...]:
    """The experiment's default drafters: US and Russia when present, else the first two."""
    if {"US", "RU"} <= set(party_ids):
        return ("US", "RU")
    return tuple(party_ids[:2])


def parse_form(loaded: Loaded, query: Mapping[str, str], drafters: Sequence[str],
               strategies: Sequence[str]) -> SessionForm:
    """The session and experiment settings asked for in the query (checked)."""
    ids = loaded.scenario.party_ids
    protocol = query.get("protocol") or "saop"
    offered = protocols_for(len(ids))
    if protocol in BILATERAL and protocol not in offered:
        raise InvalidPlanError(f"the {protocol!r} protocol is bilateral: it needs exactly two "
                               f"parties and this scenario has {len(ids)}; use 'saop' "
                               "(stacked alternating offers) instead")
    if protocol not in offered:
        raise InvalidPlanError(f"no protocol {protocol!r} (protocols: {', '.join(offered)})")
    strategy = query.get("strategy") or "linear"
    if strategy not in strategies:
        raise InvalidPlanError(f"no strategy {strategy!r} (strategies: {', '.join(strategies)})")
    chosen = tuple(p for p in ids if p in set(drafters)) or default_drafters(ids)
    unknown = [d for d in drafters if d not in ids]
    if unknown:
        raise InvalidPlanError(f"unknown drafters {unknown} (parties: {', '.join(ids)})")
    if len(chosen) < 2 or len(chosen) >= len(ids):
        raise InvalidPlanError("pick at least two drafters and leave someone out")
    return SessionForm(
        protocol, strategy, _int(query, "rounds", 100, 1, MAX_ROUNDS),
        _int(query, "seed", 1, 0, 2**31 - 1), chosen,
        _int(query, "runs", DEFAULT_RUNS, 1, MAX_RUNS), query.get("experiment") == "1",
    )


def _package_labels(loaded: Loaded, package: Sequence[int]) -> list[tuple[str, str]]:
    s = loaded.scenario
    return [(issue.title, issue.options[int(k)].title)
            for issue, k in zip(s.issues, package, strict=True)]


def _fmt(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def simulation_view(ws: Workspace, name: str, query: Mapping[str, str],
                    drafters: Sequence[str]) -> SimulationView:
    """Run the session asked for (and the experiment when asked), or say why not."""
    from accord.negotiation.domain import Domain
    from accord.negotiation.experiment import ExperimentConfig, run_experiment, summarise
    from accord.negotiation.metrics import reference_for
    from accord.negotiation.session import run_session
    from accord.negotiation.strategies.registry import strategy_names
    from accord.negotiation.views import OFFER_ACTIONS

    loaded = ws.get(name)
    strategies = list(strategy_names())
    form = parse_form(loaded, query, drafters, strategies)
    s = loaded.scenario
    domain = ws.cached(name, "domain", lambda: Domain.from_scenario(s))
    reference = ws.cached(name, "reference", lambda: reference_for(domain, gap=False))
    result = run_session(domain, form.spec, [form.strategy], form.seed, reference=reference)
    offers = [{"step": row["seq"], "round": row["round"], "by": row["party"] or "mediator",
               "action": row["action"],
               "utilities": dict(zip(s.party_ids, row["utilities"], strict=True))}
              for row in result.trace or []
              if row["utilities"] is not None and row["phase"] != "ratification"
              and (row["action"] in OFFER_ACTIONS or row["party"] == "")]
    m = result.metrics
    facts = [
        ("Protocol", result.protocol), ("Strategy (every party)", form.strategy),
        ("Seed", str(result.seed)), ("Ended by", result.outcome.status.value),
        ("Rounds", _fmt(m.get("rounds"))), ("Agreement", _fmt(m.get("agreement"))),
        ("Ratified", _fmt(m.get("ratified"))),
        ("Utilities at the end", ", ".join(f"{p} {u:.3f}"
                                           for p, u in (m.get("utilities") or {}).items())),
        ("Welfare (sum of utilities)", _fmt(m.get("welfare"))),
    ]
    if m.get("pareto_gap") is not None:
        facts.append(("Pareto gap", _fmt(m.get("pareto_gap"))))
    if result.votes:
        facts.append(("Ratification votes", ", ".join(
            f"{p} {'yes' if v else 'no'}" for p, v in result.votes.items())))
    agreement = (_package_labels(loaded, result.outcome.agreement)
                 if result.outcome.agreement is not None else [])
    charts = [wc.offers_chart(s.party_ids, offers,
                              f"Offers over time: {form.protocol}, {form.strategy}")]
    experiment = chart = None
    if form.experiment:
        config = ExperimentConfig(runs=form.runs, seed=form.seed, strategies=(form.strategy,),
                                  drafters=form.drafters, rounds=form.rounds, gap=False)
        key = f"experiment:{sorted(config.to_dict().items())}"
        experiment = ws.cached(name, key, lambda: summarise(run_experiment(s, config)))
        chart = wc.experiment_chart(s.party_ids, experiment)
    return SimulationView(True, "", form, protocols_for(len(s.party_ids)), strategies, charts,
                          facts, agreement, experiment, chart)
