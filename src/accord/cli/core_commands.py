"""Core commands: read, check and evaluate a scenario and its plans.

scenarios, show, validate, schema, evaluate, robustness, sensitivity, compare, lint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from accord.app import api
from accord.app.catalog import bundled_names, resolve
from accord.app.results import PlanEvaluation, Robustness, RobustnessResult
from accord.cli.common import console, emit_json, err_console, fmt, guarded, load
from accord.cli.evaluation_view import evaluation_table, provenance_table
from accord.formats.file_model import json_schema
from accord.model import Scenario

ScenarioArg = Annotated[str, typer.Argument(help="A bundled scenario name or a file path.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
PlanOpt = Annotated[list[str] | None, typer.Option("--plan", "-p", help="Plan id (repeatable).")]


def register(app: typer.Typer) -> None:
    """Add the core commands to ``app``."""
    app.command("scenarios")(scenarios)
    app.command("show")(show)
    app.command("validate")(validate)
    app.command("schema")(schema)
    app.command("evaluate")(evaluate)
    app.command("robustness")(robust)
    app.command("sensitivity")(sensitivity)
    app.command("compare")(compare_cmd)
    app.command("lint")(lint)


@guarded
def scenarios(as_json: JsonOpt = False) -> None:
    """List the bundled scenarios."""
    rows = []
    for name in bundled_names():
        s = resolve(name)
        rows.append({"name": name, "title": s.title, "parties": len(s.parties),
                     "issues": len(s.issues), "plans": len(s.plans), "space": s.space_size})
    if as_json:
        emit_json(rows)
        return
    table = Table("name", "title", "parties", "points", "plans", "packages", title="Bundled")
    for r in rows:
        table.add_row(str(r["name"]), str(r["title"]), str(r["parties"]), str(r["issues"]),
                      str(r["plans"]), f"{r['space']:.3g}")
    console.print(table)


@guarded
def show(scenario: ScenarioArg, as_json: JsonOpt = False) -> None:
    """Show a scenario: parties, points and options, plans."""
    from accord.formats.scenario_file import scenario_to_dict

    s = load(scenario)
    if as_json:
        emit_json(scenario_to_dict(s))
        return
    console.print(f"[bold]{s.title}[/bold] ({s.id})")
    if s.description:
        console.print(s.description)
    parties = Table("id", "name", "form", "reservation", title="Parties")
    for p in s.parties:
        prefs = s.preferences[p.id]
        parties.add_row(p.id, p.title, prefs.form.value, fmt(prefs.reservation.value))
    console.print(parties)
    issues = Table("#", "point", "options", title="Points", show_lines=False)
    for i in s.issues:
        opts = ", ".join(o.title + (" (default)" if o.id == i.default else "")
                         for o in i.options)
        issues.add_row(str(i.point or ""), i.title, opts)
    console.print(issues)
    console.print(f"ratification: {s.ratification.describe()}")
    console.print(f"packages: {s.space_size:.4g}; linkages: {len(s.constraints)}")
    plans = Table("plan", "title", "date", "points set", title="Plans")
    for pl in s.plans:
        plans.add_row(pl.id, pl.name, pl.date, "no deal" if pl.no_deal else str(len(pl.choices)))
    console.print(plans)


@guarded
def validate(path: Annotated[str, typer.Argument(help="Scenario file or bundled name.")],
             strict: Annotated[bool, typer.Option(
                 "--strict", help="Also refuse (exit 2) on lint warnings: a default on a red "
                                  "line, a plan breaking a linkage, …")] = False,
             as_json: JsonOpt = False) -> None:
    """Check a scenario file; exit 2 with file, line and field on the first problem.

    The lint's findings follow with their lines: errors always fail (exit 2), warnings
    only with ``--strict``.
    """
    s = resolve(path)
    found = api.lint(path)
    failed = not found.ok or (strict and found.count("warning") > 0)
    if as_json:
        emit_json({"valid": not failed, "id": s.id, "parties": len(s.parties),
                   "issues": len(s.issues), "plans": len(s.plans),
                   "findings": found.to_dict()["findings"]})
    else:
        for f, line in found.findings:
            if f.severity != "info":
                err_console.print(f"{found.file}:{line or ''}: {f.severity} {f.code}: "
                                  f"{f.message}", highlight=False, soft_wrap=True)
        if failed:
            err_console.print(f"[red]error:[/red] {path}: {found.count('error')} lint errors, "
                              f"{found.count('warning')} warnings"
                              + (" (--strict)" if strict else ""), highlight=False)
        else:
            gates = f" ({len(s.constituents)} domestic constituents)" if s.constituents else ""
            console.print(f"[green]ok[/green] {path}: {len(s.parties)} parties{gates}, "
                          f"{len(s.issues)} points, {len(s.plans)} plans, "
                          f"{s.space_size:.4g} packages; {found.count('warning')} lint "
                          "warnings", highlight=False)
    if failed:
        raise typer.Exit(2)


@guarded
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    emit_json(json_schema())


@guarded
def evaluate(scenario: ScenarioArg, plan: PlanOpt = None, as_json: JsonOpt = False) -> None:
    """Evaluate plans (default: every named plan): utilities, acceptance, ratification."""
    s = load(scenario)
    result = api.evaluate(s, plan or None)
    if as_json:
        emit_json(result.to_dict())
        return
    print_evaluation(s, list(result))


def print_evaluation(s: Scenario, evals: list[PlanEvaluation]) -> None:
    """The evaluation table, then the provenance table and the open-reading methods."""
    console.print(evaluation_table(s, evals))
    prov = provenance_table(s, evals)
    if prov is not None:
        console.print(prov)
    for e in evals:
        if e.readings is not None:
            console.print(f"{e.plan.id}: {len(e.readings.points)} open points, "
                          f"{e.readings.method}")


def run_robustness(s: Scenario, plan_ids: list[str] | None, samples: int, seed: int,
                   quiet: bool) -> RobustnessResult:
    """Monte Carlo with a progress bar on stderr."""
    plans = plan_ids or None
    if quiet:
        return api.robustness(s, plans, samples=samples, seed=seed)
    with Progress(TextColumn("sampling preferences"), BarColumn(), TextColumn("{task.completed}"
                  "/{task.total}"), TimeRemainingColumn(), transient=True,
                  console=console.__class__(stderr=True)) as bar:
        task = bar.add_task("mc", total=samples)
        return api.robustness(s, plans, samples=samples, seed=seed,
                              progress=lambda done, _t: bar.update(task, completed=done))


@guarded
def robust(
    scenario: ScenarioArg,
    plan: PlanOpt = None,
    samples: Annotated[int, typer.Option(min=1, max=5_000_000, help="Monte Carlo draws.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same answer).")] = 2025,
    as_json: JsonOpt = False,
) -> None:
    """Probability each party accepts and each plan is ratified, and what drives it."""
    s = load(scenario)
    result = run_robustness(s, plan, samples, seed, quiet=as_json)
    if as_json:
        emit_json(result.to_dict())
        return
    console.print(robustness_table(s, result.raw))
    structural = structural_table(s, result.raw)
    if structural is not None:
        console.print(structural)


def robustness_table(s: Scenario, result: Robustness) -> Table:
    """Acceptance probabilities per plan, with the top driver of each."""
    table = Table("plan", *s.party_ids, "P(ratified) [95% CI]", "top driver",
                  title=f"Acceptance over {result.samples} draws of "
                        f"{result.uncertain_parameters} uncertain numbers (seed {result.seed})")
    for r in result.plans:
        top = r.drivers[0] if r.drivers else None
        table.add_row(
            r.plan + (f"\n[cyan]{r.readings} readings of open points[/cyan]"
                      if r.readings > 1 else ""),
            *[f"{r.accept_probability[p]:.0%}" for p in s.party_ids],
            f"{r.ratify_probability:.1%} [{r.ratify_ci[0]:.1%}, {r.ratify_ci[1]:.1%}]",
            f"{top.label} (ρ={top.correlation:+.2f})" if top
            else (f"red line of {', '.join(r.red_lines)}" if r.red_lines else "-"),
        )
    return table


def _effect(e: float | None) -> str:
    return "-" if e is None else f"{e:+.0%}"


def structural_table(s: Scenario, result: Robustness) -> Table | None:
    """Structural assumptions (soft red lines, readings of open points) and their effects."""
    rows = [(r.plan, d) for r in result.plans for d in r.structural]
    if not rows:
        return None
    table = Table("plan", "assumption", "held in", "ΔP(ratified)",
                  *[f"ΔP({p} accepts)" for p in s.party_ids],
                  title="Structural assumptions: P(· | holds) − P(· | does not hold)")
    for plan, d in rows:
        table.add_row(plan, d.assumption, f"{d.frequency:.0%}", _effect(d.ratify_effect),
                      *[_effect(d.accept_effect[p]) for p in s.party_ids])
    return table


def _value(v: float | bool) -> str:
    if isinstance(v, bool):
        return "holds" if v else "dropped"
    return f"{v:.6g}"


@guarded
def sensitivity(
    scenario: ScenarioArg,
    plan: Annotated[str, typer.Option("--plan", "-p", help="The plan id to test.")],
    as_json: JsonOpt = False,
) -> None:
    """What flips each party's acceptance of a plan: single assumptions within their ranges.

    For each party: every reservation, weight, option value, credibility, interaction term
    or crossed red line whose change alone, within its stated range, turns the party's
    acceptance around, with the value just across the boundary, smallest relative change
    first. A refusing party's first flip is the smallest change that makes it accept.
    Numbers without a range are not moved. The plan is taken at its nominal reading.
    """
    s = load(scenario)
    result = api.sensitivity(s, plan)
    if as_json:
        emit_json(result.to_dict())
        return
    table = Table("party", "accepts", "margin", "flips when", "from", "to",
                  title=f"What flips {s.plan(plan).name}",
                  caption="margin: utility − reservation at the nominal values; each row "
                          "changes one assumption alone")
    for p in result.raw.parties:
        head = [p.party, "[green]yes[/green]" if p.accepts else "[red]no[/red]",
                f"{p.margin:+.3f}"]
        if not p.flips:
            table.add_row(*head, "nothing within the stated ranges", "", "")
        for k, f in enumerate(p.flips):
            table.add_row(*(head if k == 0 else ["", "", ""]), f.parameter,
                          _value(f.start), _value(f.to))
    console.print(table)
    for party, change in result.to_accept().items():
        if change is not None:
            console.print(f"smallest change that makes {party} accept: {change['parameter']} "
                          f"{_value(change['from'])} → {_value(change['to'])}")


@guarded
def compare_cmd(
    scenario: ScenarioArg,
    a: Annotated[str, typer.Argument(help="Plan id of the earlier draft.")],
    b: Annotated[str, typer.Argument(help="Plan id of the revision.")],
    as_json: JsonOpt = False,
) -> None:
    """Point-by-point diff of two drafts and who gained from the revision."""
    s = load(scenario)
    result = api.compare(s, a, b)
    if as_json:
        emit_json(result.to_dict())
        return
    c = result.raw
    table = Table("point", "before", "after", *[f"Δ{p}" for p in s.party_ids],
                  title=f"{c.a.plan.name} → {c.b.plan.name}")
    for ch in c.changes:
        issue = s.issue(ch.issue)
        before = issue.option(ch.before).title + (" (open)" if ch.before_open else "")
        after = issue.option(ch.after).title + (" (open)" if ch.after_open else "")
        table.add_row(ch.title, before, after,
                      *[f"{ch.utility_change[p]:+.3f}" for p in s.party_ids])
    table.add_row("[bold]total[/bold]", "", "",
                  *[f"[bold]{c.utility_change[p]:+.3f}[/bold]" for p in s.party_ids])
    console.print(table)
    console.print(f"gained: {', '.join(c.winners) or 'nobody'}; "
                  f"lost: {', '.join(c.losers) or 'nobody'}; "
                  f"{len(c.unchanged)} points unchanged")


_SEVERITY = {"error": "[red]error[/red]", "warning": "[yellow]warning[/yellow]",
             "info": "[dim]info[/dim]"}


@guarded
def lint(scenario: ScenarioArg, as_json: JsonOpt = False) -> None:
    """Modelling smells with a line each; exit 2 when there are errors, 0 for warnings."""
    result = api.lint(scenario)
    if as_json:
        emit_json(result.to_dict())
    else:
        for f, line in result.findings:
            where = f"{result.file}:{line}" if line else result.file
            console.print(f"{where}: {_SEVERITY[f.severity]} [bold]{f.code}[/bold] "
                          f"({f.where}): {f.message}", highlight=False, soft_wrap=True)
        console.print(f"{result.count('error')} errors, {result.count('warning')} warnings, "
                      f"{result.count('info')} infos", highlight=False)
    if not result.ok:
        raise typer.Exit(2)


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


__all__ = ["evaluation_table", "json", "print_evaluation", "run_robustness"]
