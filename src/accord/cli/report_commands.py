"""``accord report`` (one self-contained HTML file) and ``accord demo`` (the 2025 drafts)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from accord.app import api
from accord.app.catalog import bundled_names
from accord.app.results import ComparisonResult, SolveResult
from accord.cli.common import EXIT_BAD_INPUT, console, err_console, guarded, load
from accord.cli.core_commands import print_evaluation, robustness_table, run_robustness
from accord.model import Scenario
from accord.report.charts import warm_up
from accord.report.make import DEAL_TITLE, EXPERIMENT_RUNS, SAMPLES, solutions_if_any
from accord.report.make import report as make_report

DEMO_SCENARIO = "ukraine-2025"
#: Monte Carlo draws for ``report`` and ``demo`` (as ``accord robustness``): 95% intervals
#: of at most ±1.4 percentage points.
DEMO_SAMPLES = SAMPLES

ScenarioArg = Annotated[str, typer.Argument(help="A bundled scenario name or a file path.")]
OutOpt = Annotated[Path, typer.Option("--output", "-o", help="Where to write the HTML file.")]
SeedOpt = Annotated[int, typer.Option(help="Random seed (same seed, same report).")]


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``demo`` to ``app``."""
    app.command("report")(report)
    app.command("demo")(demo)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Readers never see a half-written report; exit 2 with a one-line reason when the
    folder does not exist or cannot be written.
    """
    folder = path.parent
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is for sharing
        os.replace(tmp, path)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        err_console.print(f"[red]error:[/red] cannot write {path}: "
                          f"{exc.strerror or exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def check_folder(path: Path) -> None:
    """Exit 2 before any work when ``path``'s folder does not exist."""
    folder = path.parent
    if not folder.is_dir():
        err_console.print(f"[red]error:[/red] cannot write {path}: no folder {folder}",
                          highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT)


@guarded
def report(
    scenario: ScenarioArg,
    output: OutOpt = Path("accord-report.html"),
    samples: Annotated[int, typer.Option(min=1, max=1_000_000,
                                         help="Monte Carlo draws.")] = DEMO_SAMPLES,
    seed: SeedOpt = 2025,
) -> None:
    """Write one self-contained HTML report: drafts, charts, robustness, assumptions."""
    s = load(scenario)
    check_folder(output)
    warm_up()  # the chart engine starts while the numbers are computed
    result = run_robustness(s, None, samples, seed, quiet=False)
    write_atomic(output, make_report(s, samples=samples, seed=seed, robustness=result))
    console.print(str(output.resolve()), highlight=False, soft_wrap=True)


WEB_HINT = ".venv/bin/accord serve"
WEB_URL = "http://127.0.0.1:8000/web/"


def solve_table(s: Scenario, solutions: list[SolveResult]) -> Table:
    """Exact concepts, one row each, with the proof."""
    table = Table("concept", *s.party_ids, "proof", title=DEAL_TITLE)
    for sol in solutions:
        table.add_row(sol.concept, *[f"{sol.utilities[p]:.2f}" for p in s.party_ids],
                      f"{sol.raw.method}, "
                      f"{'proven optimal' if sol.raw.proven else 'NOT proven'}")
    return table


def chain_table(s: Scenario, comparisons: list[ComparisonResult]) -> Table:
    """One row per revision: points changed and each party's utility change."""
    table = Table("revision", "points changed", *[f"Δ{p}" for p in s.party_ids], "ratified",
                  title="How the drafts evolved")
    for c in (x.raw for x in comparisons):
        cells = []
        for p in s.party_ids:
            d = c.utility_change[p]
            colour = "green" if d > 1e-9 else "red" if d < -1e-9 else "dim"
            cells.append(f"[{colour}]{d:+.3f}[/{colour}]")
        table.add_row(f"{c.a.plan.name} → {c.b.plan.name}", str(len(c.changes)), *cells,
                      f"{'yes' if c.a.ratified else 'no'} → {'yes' if c.b.ratified else 'no'}")
    return table


@guarded
def demo(
    output: OutOpt = Path("accord-report.html"),
    samples: Annotated[int, typer.Option(min=1, max=1_000_000,
                                         help="Monte Carlo draws.")] = DEMO_SAMPLES,
    seed: SeedOpt = 2025,
) -> None:
    """Evaluate the 2025 Ukraine drafts, test their robustness and write the HTML report."""
    if DEMO_SCENARIO not in bundled_names():
        err_console.print(f"[red]error:[/red] the bundled scenario {DEMO_SCENARIO!r} is missing "
                          "from this installation; try `accord report SCENARIO` with a file",
                          highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    check_folder(output)
    start = time.perf_counter()
    warm_up()  # the chart engine starts while the numbers are computed
    s = load(DEMO_SCENARIO)
    console.print(f"[bold]{s.title}[/bold]: {len(s.parties)} parties, {len(s.issues)} points, "
                  f"{len(s.plans)} plans; rule: {s.ratification.describe()}", highlight=False)
    evaluation = api.evaluate(s)
    print_evaluation(s, list(evaluation))
    result = run_robustness(s, None, samples, seed, quiet=False)
    console.print(robustness_table(s, result.raw))
    comparisons = api.chain(s)
    if comparisons:
        console.print(chain_table(s, comparisons))
    solutions = solutions_if_any(s)
    if solutions:
        console.print(solve_table(s, solutions))
    else:
        console.print("no zone of agreement at the nominal values: no admissible package gives "
                      "every party its reservation, so no bargaining solution exists")
    with console.status("simulating the backchannel experiment"):
        text = make_report(s, samples=samples, seed=seed, evaluation=evaluation,
                           robustness=result, chain=comparisons, solutions=solutions,
                           experiment_runs=EXPERIMENT_RUNS)
    console.print(f"backchannel experiment ({EXPERIMENT_RUNS} preference draws): see the "
                  "report's section, or `accord experiment backchannel` for more runs")
    write_atomic(output, text)
    console.print(f"report written to [bold]{output.resolve()}[/bold] "
                  f"({time.perf_counter() - start:.1f} s); open it in any browser, offline",
                  highlight=False, soft_wrap=True)
    console.print(f"to explore in the browser: run `{WEB_HINT}`, then open {WEB_URL}",
                  highlight=False, soft_wrap=True)
