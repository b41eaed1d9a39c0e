"""``accord negotiate``, ``replay``, ``strategies``, ``experiment backchannel``, ``tournament``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from accord.app.experiment import experiment_chart_spec, experiment_summary
from accord.app.tournament import run_tournament
from accord.cli.common import console, emit_json, err_console, fmt, guarded, load
from accord.model import AccordError
from accord.negotiation.domain import Domain
from accord.negotiation.experiment import ARMS
from accord.negotiation.metrics import reference_for
from accord.negotiation.protocols import PROTOCOLS, make_protocol, protocol_names
from accord.negotiation.session import SessionResult, replay, run_session
from accord.negotiation.strategies import strategy_class, strategy_names
from accord.negotiation.tournament import TournamentConfig

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
SeedOpt = Annotated[int, typer.Option(help="Random seed (same seed, same session).")]
StrategyOpt = Annotated[list[str] | None, typer.Option(
    "--strategy", "-s", help="Strategy text form, e.g. boulware or time-dependent:e=0.5; "
    "once for every party, once per party in scenario order, or PARTY=SPEC.")]

experiment = typer.Typer(help="Experiments built on negotiation sessions.",
                         no_args_is_help=True)


class CliInputError(AccordError, ValueError):
    """Bad command-line input found by a negotiation command."""


def register(app: typer.Typer) -> None:
    """Add the negotiation commands to ``app``."""
    app.command("negotiate")(negotiate)
    app.command("replay")(replay_cmd)
    app.command("strategies")(strategies)
    app.command("tournament")(tournament)
    app.add_typer(experiment, name="experiment")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), TimeRemainingColumn(),
                    transient=True, console=err_console)


def _strategy_input(domain: Domain, given: list[str] | None) -> list[str] | dict[str, str]:
    given = given or ["linear"]
    if all("=" in g.split(":")[0] for g in given):
        named = {}
        for g in given:
            party, _, spec = g.partition("=")
            named[party.strip()] = spec.strip()
        missing = [p for p in domain.parties if p not in named]
        if missing:
            raise CliInputError(f"no strategy for {', '.join(missing)}")
        return named
    if len(given) not in (1, domain.n_parties):
        raise CliInputError(f"give one strategy for all or one per party "
                            f"({domain.n_parties}), got {len(given)}")
    return given


def write_trace(path: Path, result: SessionResult, source: str) -> None:
    """Write a session's trace as JSON lines (a header row, then one row per event).

    ``source`` (the scenario name or path given on the command line) goes in the header
    so that ``accord replay`` finds the scenario again.
    """
    lines = result.trace_lines()
    lines[0]["source"] = source
    with path.open("w", encoding="utf-8") as f:
        for row in lines:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


@guarded
def negotiate(
    scenario: Annotated[str, typer.Argument(help="A bundled scenario name or a file path.")],
    protocol: Annotated[str, typer.Option("--protocol", "-p", help="Protocol text form, "
                        "e.g. saop:rounds=100 or backchannel:drafters=US+RU.")] = "saop",
    strategy: StrategyOpt = None,
    seed: SeedOpt = 1,
    trace: Annotated[Path | None, typer.Option(help="Write the trace as JSON lines.")] = None,
    measure: Annotated[bool, typer.Option(help="Distances to the frontier / Nash package "
                                               "and the Pareto gap.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Run one negotiation session: a protocol, a strategy per party, a seed."""
    s = load(scenario)
    domain = Domain.from_scenario(s)
    reference = reference_for(domain) if measure else None
    result = run_session(domain, protocol, _strategy_input(domain, strategy), seed,
                         reference=reference)
    if trace is not None:
        write_trace(trace, result, scenario)
    if as_json:
        emit_json(result.to_dict())
        return
    out = result.outcome
    m = result.metrics
    console.print(f"[bold]{result.protocol}[/bold] on {s.title}, seed {seed}: "
                  f"{out.status.value} after {out.rounds} rounds")
    table = Table("party", "strategy", "utility", "reservation", "ratifies")
    for k, p in enumerate(domain.parties):
        vote = "-" if result.votes is None else ("yes" if result.votes[p] else "no")
        table.add_row(p, result.strategies[p], fmt(m["utilities"][p]),
                      fmt(float(domain.reservations[k])), vote)
    console.print(table)
    if out.agreement is not None:
        plan = s.plan_from_indices(out.agreement)
        console.print("agreement: " + "; ".join(f"{i}={o}" for i, o in plan.choices.items()))
    console.print(f"ratified: {'yes' if m['ratified'] else 'no'}; welfare {fmt(m['welfare'])}"
                  + "".join(f"; {k.replace('_', ' ')} {fmt(m[k])}" for k in
                            ("pareto_distance", "pareto_gap", "nash_distance")
                            if m[k] is not None))
    if trace is not None:
        console.print(f"trace: {trace} ({len(result.trace or [])} events)")


@guarded
def replay_cmd(
    trace: Annotated[Path, typer.Argument(help="A trace written by 'accord negotiate --trace'.")],
    scenario: Annotated[str | None, typer.Option(help="Scenario (default: the one the "
                                                      "trace names).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-run a session from its trace alone and check that every event is identical."""
    try:
        lines = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise CliInputError(f"{trace}: not a readable trace ({exc})") from None
    if not lines or lines[0].get("kind") != "session":
        raise CliInputError(f"{trace}: the first line is not a session header")
    header = lines[0]
    s = load(scenario or header.get("source") or header["scenario"])
    if header.get("draw", "nominal") != "nominal":
        raise CliInputError("only sessions on the nominal preferences replay from the CLI")
    again = replay(Domain.from_scenario(s), header)
    events = [{k: v for k, v in row.items() if k != "kind"} for row in lines[1:]]
    same = again.trace == events and again.outcome.to_dict() == header["outcome"]
    if as_json:
        emit_json({"identical": same, "events": len(events), "outcome": again.outcome.to_dict()})
    else:
        console.print(("[green]identical[/green]" if same else "[red]different[/red]")
                      + f": {len(events)} events, {again.outcome.status.value}")
    if not same:
        raise typer.Exit(1)


@guarded
def strategies(as_json: JsonOpt = False) -> None:
    """List the registered strategies and protocols."""
    rows = [{"name": n, "summary": (strategy_class(n).__doc__ or "").strip().splitlines()[0]}
            for n in strategy_names()]
    protos = [{"name": n, "summary": (PROTOCOLS[n].__doc__ or "").strip().splitlines()[0]}
              for n in protocol_names()]
    if as_json:
        emit_json({"strategies": rows, "protocols": protos})
        return
    table = Table("strategy", "what it does", title="Strategies")
    for r in rows:
        table.add_row(r["name"], r["summary"])
    console.print(table)
    table = Table("protocol", "what it does", title="Protocols")
    for r in protos:
        table.add_row(r["name"], r["summary"])
    console.print(table)


def _ids(text: str) -> list[str]:
    return [x.strip() for x in text.replace("+", ",").split(",") if x.strip()]


@experiment.command("backchannel")
@guarded
def backchannel(
    scenario: Annotated[str, typer.Argument(help="A bundled scenario or a file.")
                        ] = "ukraine-2025",
    runs: Annotated[int, typer.Option(min=1, max=100_000, help="Preference draws.")] = 30,
    seed: SeedOpt = 2025,
    strategy: StrategyOpt = None,
    drafters: Annotated[str, typer.Option(help="Drafting parties, e.g. US,RU.")] = "US,RU",
    briefing_rounds: Annotated[int, typer.Option(min=1)] = 3,
    order: Annotated[str | None, typer.Option(help="Briefing order, e.g. UA,EU.")] = None,
    rounds: Annotated[int, typer.Option(min=1, help="SAOP deadline (rounds).")] = 200,
    text_rounds: Annotated[int, typer.Option(min=1, help="Single-text proposals.")] = 1000,
    gap: Annotated[bool, typer.Option(help="Pareto gap by MILP on large spaces.")] = True,
    chart: Annotated[Path | None, typer.Option(help="Write the Vega-Lite spec here.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Exclusive drafting + briefing vs inclusive SAOP vs single negotiating text."""
    s = load(scenario)
    kwargs: dict[str, Any] = dict(
        runs=runs, seed=seed, strategies=strategy or ["linear"], drafters=_ids(drafters),
        briefing_rounds=briefing_rounds, order=_ids(order) if order else None,
        rounds=rounds, text_rounds=text_rounds, gap=gap)
    if as_json:
        summary = experiment_summary(s, **kwargs)
    else:
        with _progress() as bar:
            task = bar.add_task("sessions", total=runs * len(ARMS))
            summary = experiment_summary(
                s, progress=lambda done, _t: bar.update(task, completed=done), **kwargs)
    spec = experiment_chart_spec(summary)
    if chart is not None:
        chart.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    if as_json:
        emit_json({**summary, "chart": spec})
        return
    parties = summary["parties"]
    table = Table("arm", "agreed", "ratified [95% CI]", *[f"gain {p}" for p in parties],
                  "rounds", title=f"Backchannel experiment on {s.title}: {runs} draws, "
                                  f"seed {seed}")
    for arm in ARMS:
        a = summary["arms"][arm]
        lo, hi = a["ratification_ci"]
        table.add_row(arm, f"{a['agreement_rate']:.0%}",
                      f"{a['ratification_rate']:.0%} [{lo:.0%}, {hi:.0%}]",
                      *[f"{a['gain'][p]:+.3f}" for p in parties], f"{a['mean_rounds']:.0f}")
    console.print(table)
    ex = summary["arms"]["exclusive"]
    rates = ", ".join(f"{p} {r:.0%}" if r is not None else f"{p} -"
                      for p, r in ex.get("excluded_ratify_rate", {}).items())
    console.print(f"exclusive drafting: draft in {ex.get('draft_rate', 0):.0%} of runs; "
                  f"briefed in order {', '.join(ex.get('briefing_order', []))}; "
                  f"they ratify the draft: {rates}")


@guarded
def tournament(
    scenarios: Annotated[list[str], typer.Argument(help="Bundled scenarios or files.")],
    strategy: StrategyOpt = None,
    protocol: Annotated[str, typer.Option("--protocol", "-p")] = "saop:rounds=100",
    repetitions: Annotated[int, typer.Option(min=1)] = 3,
    seed: SeedOpt = 2025,
    db: Annotated[Path, typer.Option(help="SQLite results file (resumed if it exists).")
                  ] = Path("tournament.sqlite"),
    workers: Annotated[int, typer.Option(min=1, help="Local processes.")] = 1,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT.")
                         ] = None,
    dask_workers: Annotated[int | None, typer.Option(min=1, help="Start a Dask LocalCluster "
                                                     "with this many workers.")] = None,
    pairing: Annotated[str, typer.Option(help="product or homogeneous.")] = "product",
    preferences: Annotated[str, typer.Option(help="nominal or sampled.")] = "nominal",
    measure: Annotated[bool, typer.Option(help="Frontier / Nash distances and gaps.")
                       ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Strategies x scenarios x repetitions, streamed to SQLite; a re-run resumes."""
    if pairing not in ("product", "homogeneous"):
        raise CliInputError("--pairing is product or homogeneous")
    if preferences not in ("nominal", "sampled"):
        raise CliInputError("--preferences is nominal or sampled")
    make_protocol(protocol)
    config = TournamentConfig(tuple(scenarios), tuple(strategy or ["boulware", "linear",
                                                                   "conceder"]),
                              protocol, repetitions, seed, pairing,  # type: ignore[arg-type]
                              preferences, measure)  # type: ignore[arg-type]
    for spec in config.strategies:
        from accord.negotiation.strategies import make_strategy

        make_strategy(spec)
    if as_json:
        report = run_tournament(config, db, workers=workers, scheduler=scheduler,
                                dask_workers=dask_workers)
        emit_json(report)
        return
    with _progress() as bar:
        task = bar.add_task("sessions", total=None)
        report = run_tournament(
            config, db, workers=workers, scheduler=scheduler, dask_workers=dask_workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total))
    summary = report["summary"]
    table = Table("rank", "strategy", "played", "agreement rate", "mean utility",
                  title=f"Tournament: {report['sessions']} sessions ({report['new']} new, "
                        f"{report['skipped']} resumed) in {db}")
    for k, name in enumerate(summary["ranking"], 1):
        st = summary["strategies"][name]
        table.add_row(str(k), name, str(st["played"]), f"{st['agreement_rate']:.0%}",
                      fmt(st["mean_utility"]))
    console.print(table)
