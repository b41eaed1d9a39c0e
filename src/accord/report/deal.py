"""Report sections: an efficient, fair deal, and the backchannel experiment.

Both are optional extras of :func:`accord.report.html.build_report` (its
``extra_sections`` hook): the solver's four exact packages with their proofs, each draft's
post-settlement improvements, and a summary of the simulated negotiation experiment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.app.results import ImprovementResult, SolveResult, package_differences
from accord.model import Scenario
from accord.report.charts import Chart
from accord.report.sections import chart_figure, esc, f3, table


def _proof(result: SolveResult) -> str:
    sol = result.raw
    if sol.proven:
        return f"proven optimal ({esc(sol.method)})"
    return f"<strong>not proven</strong> ({esc(sol.status)}, gap {sol.gap:.1e})"


def deal_section(scenario: Scenario, solutions: Sequence[SolveResult],
                 improvements: Sequence[ImprovementResult]) -> str:
    """HTML for "What would an efficient, fair deal look like?"."""
    ids = scenario.party_ids
    # no solve times: the same seed gives the same report, byte for byte
    head = ["concept", *ids, "proof"]
    rows = [[esc(s.concept), *[f"{f3(s.utilities[p])} ({s.gains[p]:+.2f})" for p in ids],
             _proof(s)] for s in solutions]
    if not solutions:
        parts = ["<p><strong>No zone of agreement at the nominal values:</strong> no admissible "
                 "package (no red line crossed, no linkage broken, every consulted domestic "
                 "constituent agreeing) gives every party at least its reservation, so there is "
                 "no efficient, fair package to show. The robustness section shows how often "
                 "each draft is ratified when the uncertain numbers and the soft red lines "
                 "vary.</p>"]
    else:
        parts = [
            "<p>Exact solution concepts over every admissible package (no red line crossed, "
            "no linkage broken), with gains measured over each party's reservation. Each cell "
            "shows the utility and, in brackets, the margin over the reservation.</p>",
            table(head, rows, caption="Efficient, fair packages"),
        ]
        differ, same = package_differences(scenario, solutions)
        diff_rows = [[esc(title), *[esc(x) for x in picks]] for title, picks in differ]
        parts.append(table(["point", *[s.concept for s in solutions]], diff_rows,
                           caption="Where the packages differ"))
        if same:
            parts.append("<p><strong>Common to every package:</strong> "
                         + esc("; ".join(same)) + ".</p>")
    parts.append("<h3>Post-settlement improvements of each draft</h3>"
                 "<p>Raiffa's question: is there a package that every party likes at least as "
                 "much as the draft, and someone strictly more? The best improvement (by the "
                 "Nash product of the gains) is shown.</p>")
    imp_rows = []
    for result in improvements:
        plan_id, imp = result.plan, result.raw
        if imp.pareto_optimal:
            imp_rows.append([esc(plan_id), "already Pareto-optimal", esc(imp.proof), "", ""])
            continue
        best = imp.improvements[0]
        changed = ", ".join(scenario.issues[int(i)].title for i in best.changed)
        gains = ", ".join(f"{ids[k]} {best.gains[k]:+.3f}" for k in range(len(ids)))
        answer = (f"{imp.count} improvement(s) exist" if imp.method == "enumeration"
                  else "can be improved for everyone (the best is shown)")
        imp_rows.append([esc(plan_id), answer, esc(imp.proof),
                         esc(changed), esc(gains)])
    parts.append(table(["draft", "answer", "proof", "points that change", "gains"], imp_rows,
                       caption="Improvements that leave nobody worse off"))
    return "\n".join(parts)


def experiment_section(summary: dict[str, Any], spec: dict[str, Any]) -> str:
    """HTML for the backchannel experiment (exclusive vs inclusive drafting)."""
    arms = summary["arms"]
    rows = []
    text_rows = []
    for name, arm in arms.items():
        lo, hi = arm["ratification_ci"]
        gains = ", ".join(f"{p} {g:+.2f}" for p, g in arm["gain"].items())
        rows.append([esc(name), f"{arm['agreement_rate']:.0%}", f"{arm['ratification_rate']:.0%}",
                     f"[{lo:.0%}, {hi:.0%}]", esc(gains)])
        text_rows.append((name, f"{arm['agreement_rate']:.0%}", f"{arm['ratification_rate']:.0%}",
                          gains))
    cfg = summary["config"]
    chart = Chart(
        key="experiment",
        title="Backchannel experiment",
        spec=spec,
        summary=(f"Agreement and ratification rates of exclusive drafting, inclusive "
                 f"negotiation and single-text mediation over {cfg['runs']} sampled "
                 "preference draws, and each party's mean gain over its reservation."),
        columns=("arm", "agreement", "ratified", "mean gain over reservation"),
        rows=tuple(text_rows),
    )
    return "\n".join([
        "<p>The process in the story, simulated: a plan drafted by two parties in a "
        "backchannel and then presented to the others, against an inclusive multilateral "
        "negotiation and a mediator's single negotiating text, each run on the same sampled "
        "preferences with the same strategies. A model experiment, not a forecast.</p>",
        table(["arm", "agreement", "ratified", "95% CI (ratified)", "mean gain"], rows),
        chart_figure(chart),
    ])
