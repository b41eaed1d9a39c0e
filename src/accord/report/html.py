"""One self-contained HTML report of a scenario's drafts.

:func:`build_report` turns analysis results into a single HTML page that needs no network
to view: no scripts, no external stylesheets or fonts; the charts are inline SVG rendered
offline, each followed by its text alternative. All scenario text is escaped.

Other parts of Accord add their own sections through ``extra_sections``: a sequence of
``(title, html_fragment)`` pairs placed after the robustness section and listed in the
table of contents. The title is escaped; the fragment is inserted as is, so whoever builds
it must escape scenario text (:func:`accord.report.sections.esc`) and must not reference
external resources. For example, the solver's section::

    build_report(s, evals, rob, comps,
                 extra_sections=[("What an efficient, fair deal looks like", fragment)])
"""

from __future__ import annotations

from collections.abc import Sequence

from accord import __version__
from accord.app.assumptions import assumptions
from accord.app.results import Comparison, PlanEvaluation, Robustness
from accord.model import Scenario
from accord.report import charts as ch
from accord.report.sections import (
    chain_section,
    charts_section,
    drafts_of,
    drafts_section,
    esc,
    notes_section,
    robustness_section,
    scenario_section,
    section,
)

CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --line: #d6d6d6; --soft: #f5f6f7;
        --ok: #1b7837; --no: #b2182b; --hi: #fff1b8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
       sans-serif; color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 2px solid var(--line);
     padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: .95rem; margin: 1rem 0 .2rem; }
a { color: #0b57d0; }
.meta, .muted, .note { color: var(--muted); }
.note { font-size: .9rem; }
nav.toc { background: var(--soft); padding: .5rem 1rem; border-radius: 6px; margin: 1rem 0; }
nav.toc ol { margin: 0; padding-left: 1.2rem; columns: 2; }
table { border-collapse: collapse; margin: .6rem 0 1rem; width: 100%; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left;
         vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
tbody tr:nth-child(even) { background: #fbfbfc; }
table.compact { font-size: .84rem; }
table.compact td, table.compact th { padding: .2rem .4rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.ok { color: var(--ok); font-weight: 600; }
.no, .red { color: var(--no); font-weight: 600; }
.up { color: #2166ac; } .down { color: var(--no); }
tr.pass td:first-child { border-left: 4px solid var(--ok); }
tr.nodeal { color: var(--muted); }
tr.same { color: var(--muted); }
.changed { background: var(--hi); font-weight: 600; padding: 0 .2rem; border-radius: 3px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
dl.sources dt { font-weight: 600; } dl.sources dd { margin: 0 0 .4rem 1rem; }
figure.chart { margin: 1.2rem 0 2rem; }
figure.chart .svg { overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .3rem; max-width: 60rem; }
figcaption strong { color: var(--ink); }
details { margin: .4rem 0; }
summary { cursor: pointer; color: #0b57d0; }
ol.drivers { margin: 0; padding-left: 1.1rem; }
footer { margin-top: 3rem; font-size: .85rem; color: var(--muted);
         border-top: 1px solid var(--line); padding-top: .5rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav.toc, summary { display: none; }
  details > :not(summary) { display: block; }
  figure.chart, table, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def build_charts(scenario: Scenario, evaluations: Sequence[PlanEvaluation],
                 robustness_result: Robustness | None,
                 comparisons: Sequence[Comparison]) -> list[ch.Chart]:
    """The report's charts, skipping those with nothing to show."""
    drafts = [e for e in evaluations if not e.plan.no_deal]
    out = []
    if drafts:
        out.append(ch.utility_chart(scenario, evaluations))
        out.append(ch.concessions_chart(scenario, evaluations))
    if robustness_result is not None and robustness_result.plans:
        out.append(ch.acceptance_chart(scenario, robustness_result))
    if comparisons:
        out.append(ch.change_chart(scenario, comparisons))
    return out


def build_report(
    scenario: Scenario,
    evaluations: Sequence[PlanEvaluation],
    robustness_result: Robustness | None,
    comparisons: Sequence[Comparison],
    extra_sections: Sequence[tuple[str, str]] = (),
) -> str:
    """The whole report as one self-contained HTML document.

    Args:
        scenario: the scenario the results belong to.
        evaluations: from :func:`accord.analysis.evaluate.evaluate_all`.
        robustness_result: from :func:`accord.analysis.robustness.robustness`
            (``None``: the robustness parts are left out).
        comparisons: each draft against the text it revised, e.g. from
            :func:`accord.app.api.chain`.
        extra_sections: ``(title, html_fragment)`` pairs appended after the robustness
            section; titles are escaped, fragments are trusted HTML (see the module docs).

    Returns:
        The HTML text (UTF-8, no external resources).
    """
    items = assumptions(scenario)
    charts = build_charts(scenario, evaluations, robustness_result, comparisons)
    ch.prerender(charts)  # in parallel, while the sections are written
    chain = drafts_of(comparisons)
    body = [
        scenario_section(scenario, len(items)),
        drafts_section(scenario, evaluations),
        charts_section(charts) if charts else "",
        chain_section(scenario, chain, comparisons),
        robustness_section(scenario, robustness_result),
    ]
    toc = [("scenario", "Scenario"), ("drafts", "Drafts at a glance")]
    if charts:
        toc.append(("charts", "Charts"))
    toc += [("chain", "How the drafts evolved"), ("robustness", "Robustness")]
    for k, (title, fragment) in enumerate(extra_sections):
        key = f"extra-{k + 1}"
        body.append(section(key, title, fragment))
        toc.append((key, title))
    body.append(notes_section(scenario, items))
    toc.append(("notes", "Modelling notes and assumptions"))
    nav = ('<nav class="toc" aria-label="Contents"><ol>'
           + "".join(f'<li><a href="#{esc(k)}">{esc(t)}</a></li>' for k, t in toc)
           + "</ol></nav>")
    run = ""
    if robustness_result is not None:
        run = (f"; robustness: {robustness_result.samples} draws, "
               f"seed {robustness_result.seed}")
    header = (f"<header><h1>{esc(scenario.title)}</h1>"
              f'<p class="meta">Scenario <code>{esc(scenario.id)}</code> · '
              f"{len(scenario.parties)} parties · {len(scenario.issues)} points · "
              f"{len([p for p in scenario.plans if not p.no_deal])} drafts{esc(run)}</p>"
              "</header>")
    footer = (f"<footer>Made with Accord {esc(__version__)}. Utilities are models of "
              "preferences built from public statements and explicit assumptions (listed "
              "above); they are not measurements. This file is self-contained: it loads "
              "nothing from the network.</footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(scenario.title)} — Accord report</title>"
        f"<style>{CSS}</style></head>\n<body>\n{header}\n{nav}\n<main>\n"
        + "\n".join(b for b in body if b)
        + f"\n</main>\n{footer}\n</body></html>\n"
    )
