"""Exact solution concepts and the Pareto frontier: ``accord solve`` and ``accord frontier``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from accord.app import api
from accord.app.openings import describe
from accord.app.results import FrontierResult, SolveResult, package_differences
from accord.cli.common import console, emit_json, guarded, load
from accord.model import NoAgreementError, Scenario

ScenarioArg = Annotated[str, typer.Argument(help="A bundled scenario name or a file path.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]


class Concept(StrEnum):
    """The solution concepts ``accord solve`` knows."""

    nash = "nash"
    ks = "ks"
    egalitarian = "egalitarian"
    welfare = "welfare"


def register(app: typer.Typer) -> None:
    """Add ``solve`` and ``frontier`` to ``app``."""
    app.command("solve")(solve)
    app.command("frontier")(frontier)
    register_more(app)


@guarded
def solve(
    scenario: ScenarioArg,
    concept: Annotated[list[Concept] | None, typer.Option(
        "--concept", "-c", help="nash, ks, egalitarian or welfare (repeatable; default all).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Exact Nash, Kalai–Smorodinsky, egalitarian or max-welfare package, with its proof.

    Only admissible packages count (no red line crossed, no linkage broken), and gains are
    measured over each party's reservation. Small spaces are enumerated; larger ones are
    solved as mixed-integer programs with HiGHS and reported optimal only when proven.
    """
    s = load(scenario)
    try:
        sols = api.solve_all(s, [c.value for c in concept] if concept else None)
    except NoAgreementError as exc:
        # an answer, not an error: say what it rests on (each structural assumption relaxed)
        found = api.openings(s)
        if as_json:
            emit_json({"scenario": s.id, "solutions": [], "no_agreement": str(exc),
                       "openings": [o.to_dict() for o in found]})
            return
        console.print(f"no zone of agreement: {exc}", highlight=False)
        for o in found:
            console.print(f"  {describe(s, o)}", highlight=False, markup=False)
        return
    if as_json:
        emit_json({"scenario": s.id, "solutions": [x.to_dict() for x in sols]})
        return
    table = Table("concept", *s.party_ids, "proof", "seconds",
                  title=f"Efficient, fair packages for {s.title}")
    for result in sols:
        sol = result.raw
        proof = (f"{sol.method}, optimal" if sol.proven
                 else f"{sol.method}, NOT proven ({sol.status}, gap {sol.gap:.1e})")
        table.add_row(sol.concept, *[f"{u:.3f}" for u in sol.utilities], proof,
                      f"{sol.seconds:.2f}")
    console.print(table)
    packages = table_of_packages(s, sols)
    if packages is not None:
        console.print(packages)
    for result in sols:
        for inv in result.invented:
            console.print(f"[magenta]{result.concept} relies on an invented option[/magenta] "
                          f"{inv['option']}: {inv['why'] or 'no reason given'}",
                          highlight=False)


def table_of_packages(s: Scenario, sols: list[SolveResult]) -> Table | None:
    """The points on which the solutions differ, option by option."""
    table = Table("point", *[sol.concept for sol in sols], title="The packages")
    differ, same = package_differences(s, sols)
    for title, picks in differ:
        table.add_row(title, *picks)
    if same:
        table.caption = "Same in every package: " + "; ".join(same)
    return table


def frontier_chart(s: Scenario, f: FrontierResult) -> dict[str, Any]:
    """A Vega-Lite scatter of the frontier for its first two parties, with the drafts."""
    x, y = f.parties[0], f.parties[1]
    rows: list[dict[str, Any]] = [
        {x: float(u[0]), y: float(u[1]), "kind": "frontier", "label": ""}
        for u in f.raw.utilities
    ]
    for e in api.evaluate(s):
        rows.append({x: e.outcome(x).utility, y: e.outcome(y).utility, "kind": "draft",
                     "label": e.plan.id})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": f"Pareto frontier: {x} against {y}, with the drafts",
        "width": 420, "height": 360,
        "data": {"values": rows},
        "layer": [
            {"mark": {"type": "point", "filled": True},
             "encoding": {"x": {"field": x, "type": "quantitative", "scale": {"domain": [0, 1]}},
                          "y": {"field": y, "type": "quantitative", "scale": {"domain": [0, 1]}},
                          "color": {"field": "kind", "type": "nominal"},
                          "shape": {"field": "kind", "type": "nominal"}}},
            {"transform": [{"filter": "datum.kind == 'draft'"}],
             "mark": {"type": "text", "dx": 6, "align": "left"},
             "encoding": {"x": {"field": x, "type": "quantitative"},
                          "y": {"field": y, "type": "quantitative"},
                          "text": {"field": "label"}}},
        ],
    }


@guarded
def frontier(
    scenario: ScenarioArg,
    party: Annotated[list[str] | None, typer.Option(
        "--party", "-p", help="Restrict to these parties (2–3 for an exact frontier of a "
                              "large space; repeatable).")] = None,
    chart: Annotated[Path | None, typer.Option(
        help="Write a chart (SVG, or Vega-Lite JSON if the name ends in .json) of the first "
             "two parties.")] = None,
    max_points: Annotated[int, typer.Option(help="Weighted-sum points for 4+ parties.")] = 200,
    as_json: JsonOpt = False,
) -> None:
    """The Pareto frontier over admissible packages.

    Exact by enumeration up to 1e7 packages; beyond, exact for 2–3 parties by the
    epsilon-constraint method, and for more parties a set of exact frontier points found by
    weighted sums (with a count).
    """
    s = load(scenario)
    result = api.frontier(s, party or None, max_points=max_points)
    f, ids = result.raw, list(result.parties)
    if chart is not None:
        _write_chart(chart, frontier_chart(s, result) if len(ids) >= 2 else None)
    if as_json:
        emit_json(result.to_dict())
        return
    console.print(f"{len(f)} frontier points ({f.method}; "
                  f"{'exact' if f.exact else 'not complete'}; {f.seconds:.2f} s)")
    for note in f.notes:
        console.print(f"  {note}")
    table = Table(*ids, title="Frontier (first 30 points)")
    for u in f.utilities[:30]:
        table.add_row(*[f"{v:.3f}" for v in u])
    console.print(table)


def _write_chart(path: Path, spec: dict[str, Any] | None) -> None:
    import json

    import vl_convert

    if spec is None:
        raise typer.BadParameter("a chart needs at least two parties")
    text = json.dumps(spec, indent=2) if path.suffix == ".json" else \
        vl_convert.vegalite_to_svg(spec)
    path.write_text(text, encoding="utf-8")


def register_more(app: typer.Typer) -> None:
    """Add ``improve`` and ``zopa`` to ``app``."""
    app.command("improve")(improve)
    app.command("zopa")(zopa_cmd)


class RankBy(StrEnum):
    """How ``accord improve`` ranks improvements."""

    nash = "nash"
    welfare = "welfare"
    egalitarian = "egalitarian"


@guarded
def improve(
    scenario: ScenarioArg,
    plan: Annotated[str, typer.Argument(help="The tentative plan (a named plan id).")],
    rank_by: Annotated[RankBy, typer.Option(help="Rank improvements by this concept of the "
                                                  "gains.")] = RankBy.nash,
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many to list.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Post-settlement settlement (Raiffa): packages no party likes less and someone more."""
    s = load(scenario)
    answer = api.improve(s, plan, rank_by=rank_by.value, limit=limit)
    if as_json:
        emit_json(answer.to_dict())
        return
    result, tentative, ids, items = answer.raw, s.plan(plan), s.party_ids, answer.items()
    if result.pareto_optimal:
        console.print(f"[green]{tentative.name}: {answer.verdict}[/green] "
                      f"({'proven' if result.proven else 'not proven'}): {result.proof}")
        return
    table = Table("#", *[f"Δ{p}" for p in ids], "points that change", "who gains",
                  "invented options",
                  title=f"Improvements of {tentative.name} (ranked by {result.rank_by})",
                  caption="invented options: options of the package the modeller invented "
                          "(no party or text proposed them)")
    for k, item in enumerate(items, 1):
        table.add_row(str(k), *[f"{item['gains'][p]:+.3f}" for p in ids],
                      ", ".join(f"{s.issue(i).title}: {c['from']} → {c['to']}"
                                for i, c in item["changes"].items()),
                      ", ".join(item["gainers"]),
                      ", ".join(f"[magenta]{x['option']}[/magenta]" for x in item["invented"])
                      or "-")
    console.print(table)
    console.print(f"proof: {result.proof}")


@guarded
def zopa_cmd(
    scenario: ScenarioArg,
    samples: Annotated[int, typer.Option(min=1000, max=50_000_000,
                                         help="Monte Carlo samples beyond enumeration.")
                       ] = 200_000,
    seed: Annotated[int, typer.Option(help="Random seed for estimates.")] = 2025,
    as_json: JsonOpt = False,
) -> None:
    """Zone of possible agreement: how many packages every party accepts, how many pass."""
    s = load(scenario)
    result = api.zopa(s, samples=samples, seed=seed)
    if as_json:
        emit_json(result.to_dict())
        return
    z = result.raw
    kind = "exact" if z.exact else f"estimated from {z.samples:,} samples (95% CI)"
    table = Table("packages", "count", "share of all", title=f"Zone of possible agreement "
                                                            f"({z.method}, {kind})")
    for label, key, value in (("all", "", z.space), ("admissible", "admissible", z.admissible),
                              ("every party accepts", "accepted", z.accepted),
                              (f"ratified ({s.ratification.describe()})", "ratified",
                               z.ratified)):
        ci = z.intervals.get(key)
        count = f"{value:,.0f}" + (f" [{ci[0]:,.0f}, {ci[1]:,.0f}]" if ci else "")
        table.add_row(label, count, f"{value / z.space:.3g}")
    console.print(table)
