"""``accord report`` (one self-contained HTML file) and ``accord demo`` (the 2025 drafts)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from accord.analysis.compare import Comparison
from accord.analysis.evaluate import evaluate_all
from accord.analysis.robustness import Robustness
from accord.app.catalog import bundled_names
from accord.cli.common import EXIT_BAD_INPUT, console, err_console, guarded, load
from accord.cli.core_commands import evaluation_table, run_robustness
from accord.model import Scenario
from accord.report.html import build_report
from accord.report.sections import chain_comparisons

DEMO_SCENARIO = "ukraine-2025"
#: Draws for ``accord demo``: enough for intervals of about ±2 percentage points, and
#: quick (a few seconds on two cores).
DEMO_SAMPLES = 2000

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
    folder = path.parent if str(path.parent) else Path(".")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        err_console.print(f"[red]error:[/red] cannot write {path}: "
                          f"{exc.strerror or exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _render(s: Scenario, samples: int, seed: int, quiet: bool
            ) -> tuple[str, Robustness, list[Comparison]]:
    evals = evaluate_all(s)
    result = run_robustness(s, None, samples, seed, quiet=quiet)
    comparisons = chain_comparisons(s)
    return build_report(s, evals, result, comparisons), result, comparisons


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
    text, _, _ = _render(s, samples, seed, quiet=False)
    write_atomic(output, text)
    console.print(str(output.resolve()), highlight=False, soft_wrap=True)


def robustness_table(s: Scenario, result: Robustness) -> Table:
    """Acceptance probabilities per plan, in the style of ``accord robustness``."""
    table = Table("plan", *s.party_ids, "P(ratified) [95% CI]", "top driver",
                  title=f"Acceptance over {result.samples} draws of "
                        f"{result.uncertain_parameters} uncertain numbers (seed {result.seed})")
    for r in result.plans:
        top = r.drivers[0] if r.drivers else None
        table.add_row(
            r.title, *[f"{r.accept_probability[p]:.0%}" for p in s.party_ids],
            f"{r.ratify_probability:.1%} [{r.ratify_ci[0]:.1%}, {r.ratify_ci[1]:.1%}]",
            f"{top.label} (ρ={top.correlation:+.2f})" if top else "-",
        )
    return table


def chain_table(s: Scenario, comparisons: list[Comparison]) -> Table:
    """One row per revision: points changed and each party's utility change."""
    table = Table("revision", "points changed", *[f"Δ{p}" for p in s.party_ids], "ratified",
                  title="How the drafts evolved")
    for c in comparisons:
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
    start = time.perf_counter()
    s = load(DEMO_SCENARIO)
    console.print(f"[bold]{s.title}[/bold]: {len(s.parties)} parties, {len(s.issues)} points, "
                  f"{len(s.plans)} plans; rule: {s.ratification.describe()}", highlight=False)
    evals = evaluate_all(s)
    console.print(evaluation_table(s, evals))
    result = run_robustness(s, None, samples, seed, quiet=False)
    console.print(robustness_table(s, result))
    comparisons = chain_comparisons(s)
    if comparisons:
        console.print(chain_table(s, comparisons))
    text = build_report(s, evals, result, comparisons)
    write_atomic(output, text)
    console.print(f"report written to [bold]{output.resolve()}[/bold] "
                  f"({time.perf_counter() - start:.1f} s); open it in any browser, offline",
                  highlight=False, soft_wrap=True)
