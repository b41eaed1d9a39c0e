"""Terminal tables of an evaluation: utilities, linkages, provenance and open readings."""

from __future__ import annotations

from collections import defaultdict

from rich.table import Table

from accord.app.results import PlanEvaluation
from accord.model import Scenario, Status

_MARK = {Status.ASSUMED: "[yellow]A[/yellow]", Status.OPEN: "[cyan]O[/cyan]"}


def _counts(e: PlanEvaluation) -> str:
    if e.plan.no_deal:
        return "-"
    n = e.provenance_counts()
    parts = [f"{n[Status.REPORTED]} R"]
    if n[Status.ASSUMED]:
        parts.append(f"[yellow]{n[Status.ASSUMED]} A[/yellow]")
    if n[Status.OPEN]:
        parts.append(f"[cyan]{n[Status.OPEN]} O[/cyan]")
    return " ".join(parts)


def evaluation_table(s: Scenario, evals: list[PlanEvaluation]) -> Table:
    """Utilities vs reservation, one row per plan, with broken linkages and provenance.

    A party's cell is its utility and margin at the plan's nominal reading; where the plan
    leaves points open, a second line gives the range over every reading and whether the
    party accepts under every, some or no reading.
    """
    table = Table("plan", *s.party_ids, "ratified", "blocking", "linkages broken",
                  "dominated", "choices",
                  title="Utility and margin over reservation per party",
                  caption="✗ refuses (below reservation); RL crosses a red line; veto X: a "
                          "domestic constituent X consulted on the plan refuses it; open: range "
                          "over the readings of the open points and whether the party accepts "
                          "under every/some/no reading; dominated: some admissible package is "
                          "better for someone, worse for nobody; choices: how many points are "
                          "reported (R), assumed (A) or open (O), see the next table")
    table.columns[-1].no_wrap = True
    for e in evals:
        cells = []
        for o in e.parties:
            mark = "" if o.acceptable else " [red]✗[/red]"
            red = " [red]RL[/red]" if o.red_lines_hit else ""
            red += "".join(f" [red]veto {g.split('/', 1)[1]}[/red]" for g in o.vetoed_by)
            cell = f"{o.utility:.2f} {o.margin:+.2f}{mark}{red}"
            if e.readings is not None:
                r = e.readings.party(o.party)
                cell += f"\n[cyan]open: {r.low:.2f}–{r.high:.2f}, {r.accepts}[/cyan]"
            cells.append(cell)
        dom = {True: "yes", False: "no", None: "n/a"}[e.pareto_dominated]
        ratified = "[green]yes[/green]" if e.ratified else "no"
        if e.readings is not None:
            ratified += f"\n[cyan]{e.readings.ratified} reading[/cyan]"
        broken = ", ".join(f"[red]{v}[/red]" for v in e.violations) or "-"
        table.add_row(e.plan.id, *cells, ratified, ", ".join(e.blocking_parties) or "-",
                      broken, dom, _counts(e))
    return table


def provenance_table(s: Scenario, evals: list[PlanEvaluation]) -> Table | None:
    """The assumed and open choices of each plan, grouped by reason (None if there are none).

    Assumed choices are marked A, open points O with the options still on the table; each
    invented option a plan relies on is listed with its reason.
    """
    table = Table("plan", "", "points", "why", title="Choices not reported by the text",
                  caption="A assumed by the modeller; O open (read as each option listed); "
                          "invented: an option no party or text proposed")
    rows = 0
    for e in evals:
        groups: dict[tuple[Status, str], list[str]] = defaultdict(list)
        for issue_id, note in e.provenance.items():
            if note.status is Status.REPORTED:
                continue
            label = issue_id
            if note.status is Status.OPEN:
                on_table = e.plan.open.get(issue_id, frozenset())
                label += " {" + ", ".join(o.id for o in s.issue(issue_id).options
                                          if o.id in on_table) + "}"
            groups[(note.status, note.why)].append(label)
        for (status, why), points in groups.items():
            table.add_row(e.plan.id, _MARK[status], ", ".join(points), why or "-")
            rows += 1
        for ref in e.invented:
            issue, option = ref.split(".", 1)
            table.add_row(e.plan.id, "[magenta]invented[/magenta]", ref,
                          s.issue(issue).option(option).why or "[red]no reason given[/red]")
            rows += 1
    return table if rows else None
