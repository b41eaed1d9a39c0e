"""The sections of the HTML report, each a function returning an HTML fragment.

Every piece of scenario text goes through :func:`esc` (scenario files are untrusted);
numbers are formatted here. The page itself is assembled in :mod:`accord.report.html`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from accord.app.assumptions import Assumption
from accord.app.results import Comparison, Driver, PlanEvaluation, PlanRobustness, Robustness
from accord.model import Plan, Scenario, Status
from accord.report.charts import Chart, step_label, to_svg

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(text), quote=True)


def linkify(text: str) -> str:
    """Escape ``text``; turn plain http(s) URLs in it into ordinary links."""
    out = []
    last = 0
    for m in _URL.finditer(text):
        out.append(esc(text[last:m.start()]))
        url = esc(m.group(0))
        out.append(f'<a href="{url}" rel="noopener noreferrer">{url}</a>')
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def table(head: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "",
          caption: str = "", row_classes: Sequence[str] = ()) -> str:
    """An HTML table; ``head`` and ``caption`` are escaped, cells are HTML already."""
    classes = list(row_classes)
    parts = [f'<table class="{esc(cls)}">' if cls else "<table>"]
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
                 + "</tr></thead><tbody>")
    for k, row in enumerate(rows):
        rc = classes[k] if k < len(classes) and classes[k] else ""
        cells = "".join(f"<td>{c}</td>" for c in row)
        parts.append(f'<tr class="{esc(rc)}">{cells}</tr>' if rc else f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def section(key: str, title: str, body: str) -> str:
    """A titled ``<section>`` with an anchor."""
    return f'<section id="{esc(key)}"><h2>{esc(title)}</h2>\n{body}\n</section>'


def f3(x: float) -> str:
    """A utility with three decimals."""
    return f"{x:.3f}"


# --------------------------------------------------------------------- draft chain
# ------------------------------------------------------------------------ sections
def scenario_section(scenario: Scenario, n_assumptions: int) -> str:
    """Parties, points, ratification rule and the size of the problem."""
    s = scenario
    drafts = [p for p in s.plans if not p.no_deal]
    facts = [
        ("Parties", str(len(s.parties))),
        ("Points", f"{len(s.issues)} ({sum(i.size for i in s.issues)} options)"),
        ("Possible packages", f"{s.space_size:.4g}"),
        ("Ratification rule", esc(s.ratification.describe())),
        ("Linkages between points", str(len(s.constraints))),
        ("Drafts", f"{len(drafts)}" + (" plus “no deal”" if len(drafts) < len(s.plans) else "")),
        ("Explicit assumptions", f'<a href="#notes">{n_assumptions}</a>'),
    ]
    dl = "<dl class=\"facts\">" + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts) \
        + "</dl>"
    party_rows = []
    for p in s.parties:
        prefs = s.preferences[p.id]
        unit = f" {prefs.unit}" if prefs.unit else ""
        party_rows.append((
            f"<strong>{esc(p.id)}</strong>", esc(p.title), esc(p.description),
            esc(f"{prefs.reservation.value:g}{unit}"), str(len(prefs.red_lines)),
        ))
    for c in s.constituents:
        prefs = s.preferences[c.id]
        unit = f" {prefs.unit}" if prefs.unit else ""
        when = ("consulted on every package" if c.always else "consulted when a package has "
                + ", ".join(f"{i}.{o}" for i, o in sorted(c.consulted_when)))
        who = " ".join(x for x in (c.description, f"Domestic constituent of {c.parent}, "
                                   f"{when}.", c.why) if x)
        party_rows.append((
            f"<strong>{esc(c.label)}</strong>", esc(c.title), linkify(who),
            esc(f"{prefs.reservation.value:g}{unit}"), str(len(prefs.red_lines)),
        ))
    parties = table(("id", "name", "who they are", "reservation", "red lines"), party_rows)
    point_rows = []
    for i in s.issues:
        opts = "; ".join(
            esc(o.title) + (" <em>(default if left open)</em>" if o.id == i.default else "")
            for o in i.options
        )
        point_rows.append((esc(i.point if i.point is not None else ""), esc(i.title), opts))
    points = table(("#", "point", "options"), point_rows, cls="compact")
    desc = f"<p>{linkify(s.description)}</p>" if s.description else ""
    return section("scenario", "Scenario", desc + dl + "<h3>Parties</h3>" + parties
                   + f"<details><summary>Points and their options ({len(s.issues)})"
                   f"</summary>{points}</details>")


def _party_cell(e: PlanEvaluation, party: str) -> str:
    o = e.outcome(party)
    if e.plan.no_deal:
        return f'<span class="num">{f3(o.utility)}</span> <span class="muted">(reservation)</span>'
    mark = ('<span class="ok" title="accepts">✓ accepts</span>' if o.acceptable
            else '<span class="no" title="refuses">✗ refuses</span>')
    red = "".join(f'<br><span class="red">red line: {esc(r)}</span>' for r in o.red_lines_hit)
    red += "".join(f'<br><span class="red">vetoed by {esc(g)}</span>' for g in o.vetoed_by)
    for c in e.constituents:
        if c.party == party and c.consulted and not c.vetoes:
            red += f'<br><span class="muted">{esc(c.constituent)} consulted: accepts</span>'
    readings = ""
    if e.readings is not None:
        r = e.readings.party(party)
        readings = (f'<br><span class="muted">open points: {f3(r.low)}–{f3(r.high)}, '
                    f'accepts under {r.accepts} reading</span>')
    return (f'<span class="num">{f3(o.utility)}</span> '
            f'<span class="num muted">({o.margin:+.3f})</span><br>{mark}{red}{readings}')


def _provenance_cell(e: PlanEvaluation) -> str:
    if e.plan.no_deal:
        return "—"
    n = e.provenance_counts()
    parts = [f"{n[Status.REPORTED]} reported"]
    if n[Status.ASSUMED]:
        parts.append(f'<span class="no">{n[Status.ASSUMED]} assumed</span>')
    if n[Status.OPEN]:
        parts.append(f"<strong>{n[Status.OPEN]} open</strong>")
    if e.invented:
        parts.append(f'<span class="no">invented: {esc(", ".join(e.invented))}</span>')
    return "<br>".join(parts)


def _provenance_details(evaluations: Sequence[PlanEvaluation]) -> str:
    items = []
    for e in evaluations:
        groups: dict[tuple[str, str], list[str]] = {}
        for issue_id, note in e.provenance.items():
            if note.status is not Status.REPORTED:
                groups.setdefault((note.status.value, note.why), []).append(issue_id)
        for (status, why), points in groups.items():
            items.append(f"<li><strong>{esc(e.plan.name)}</strong>: {status} — "
                         f"{esc(', '.join(points))}{': ' + esc(why) if why else ''}</li>")
    if not items:
        return ""
    return ("<details><summary>Choices the texts do not report (assumed or open)</summary>"
            f"<ul>{''.join(items)}</ul></details>")


def drafts_section(scenario: Scenario, evaluations: Sequence[PlanEvaluation]) -> str:
    """One row per draft: utilities, margins, acceptance, red lines, ratification."""
    rows = []
    classes = []
    for e in evaluations:
        dom = e.pareto_dominated
        dom_text = {True: "yes", False: "no", None: "not decided"}[dom]
        if e.plan.no_deal and dom:
            dom_text = "yes: some package beats every reservation"
        if dom is None:
            dom_text = f'<span title="{esc(e.dominance.method)}">not decided</span>'
        name = f"<strong>{esc(e.plan.name)}</strong>"
        if e.plan.date:
            name += f'<br><span class="muted">{esc(e.plan.date)}</span>'
        ratified = ("—" if e.plan.no_deal
                    else '<span class="ok">yes</span>' if e.ratified
                    else '<span class="no">no</span>')
        rows.append((
            name, *[_party_cell(e, p) for p in scenario.party_ids], ratified,
            esc(", ".join(e.blocking_parties)) or "—",
            esc(", ".join(e.violations)) or "—", dom_text, _provenance_cell(e),
        ))
        classes.append("nodeal" if e.plan.no_deal else "pass" if e.ratified else "")
    head = ("draft", *scenario.party_ids, "ratified", "blocking", "linkages broken",
            "Pareto-dominated", "choices")
    note = ("<p class=\"note\">Each party cell: utility (0 = worst package for that party, "
            "1 = best) and, in brackets, its margin over the party's reservation; a party "
            "accepts when the margin is at least zero and no red line is crossed. "
            "<em>Blocking</em>: parties whose refusal sinks the draft under the ratification "
            "rule. <em>Pareto-dominated</em>: some admissible package is better for someone "
            "and worse for nobody. <em>Choices</em>: how many points the text reports, how "
            "many the modeller assumed, how many are open (evaluated over every reading of "
            "them), and the invented options the draft relies on.</p>")
    return section("drafts", "Drafts at a glance",
                   table(head, rows, cls="drafts", row_classes=classes) + note
                   + _provenance_details(evaluations))


def chart_figure(chart: Chart) -> str:
    """An inline SVG chart with its text alternative (a caption and a table)."""
    svg = to_svg(chart)
    alt = table(chart.columns, [[esc(c) for c in r] for r in chart.rows], cls="compact")
    return (f'<figure id="chart-{esc(chart.key)}" class="chart">'
            f'<div class="svg" role="img" aria-label="{esc(chart.title)}: '
            f'{esc(chart.summary)}">{svg}</div>'
            f"<figcaption><strong>{esc(chart.title)}.</strong> {esc(chart.summary)}"
            f"<details class=\"alt\"><summary>The numbers behind this chart</summary>"
            f"{alt}</details></figcaption></figure>")


def charts_section(charts: Sequence[Chart]) -> str:
    """Every chart, in order."""
    return section("charts", "Charts", "\n".join(chart_figure(c) for c in charts))


def _option(scenario: Scenario, issue_id: str, option_id: str, is_open: bool) -> str:
    title = esc(scenario.issue(issue_id).option(option_id).title)
    return f'{title} <em class="muted">(open)</em>' if is_open else title


def chain_section(scenario: Scenario, chain: Sequence[Plan],
                  comparisons: Sequence[Comparison]) -> str:
    """The drafts side by side, changes highlighted, then each step in detail."""
    if not comparisons:
        return section("chain", "How the drafts evolved",
                       "<p>Fewer than two drafts: nothing to compare.</p>")
    plans = list(chain) or drafts_of(comparisons)
    by_id = {c.a.plan.id: c.a.choices for c in comparisons}
    by_id.update({c.b.plan.id: c.b.choices for c in comparisons})
    choices = [by_id[p.id] for p in plans]
    column = {p.id: k for k, p in enumerate(plans)}
    parent = {c.b.plan.id: column[c.a.plan.id] for c in comparisons}
    rows = []
    classes = []
    for issue in scenario.issues:
        cells = [esc(issue.point if issue.point is not None else ""), esc(issue.title)]
        changed_any = False
        for k, plan in enumerate(plans):
            text = _option(scenario, issue.id, choices[k][issue.id], issue.id not in plan.choices)
            j = parent.get(plan.id)
            moved = j is not None and (
                choices[k][issue.id] != choices[j][issue.id]
                or (issue.id in plan.choices) != (issue.id in plans[j].choices))
            changed_any |= moved
            cells.append(f'<span class="changed" title="changed from the text it revised">'
                         f"▲ {text}</span>" if moved else text)
        rows.append(cells)
        classes.append("" if changed_any else "same")
    matrix = table(("#", "point", *[p.name for p in plans]), rows, cls="matrix compact",
                   row_classes=classes)
    intro = ("<p>Which draft revised which, by date:</p>" + lineage_list(plans)
             + "<p>Each column is a draft, in that order; <span class=\"changed\">▲ "
             "highlighted</span> options changed from the text the draft revised (from the "
             "draft before where that text is not shown). "
             "<em>(open)</em>: the draft leaves the point open; the column shows its "
             "nominal reading.</p>")
    steps = [_step(scenario, c) for c in comparisons]
    return section("chain", "How the drafts evolved", intro + matrix + "".join(steps))


def drafts_of(comparisons: Sequence[Comparison]) -> list[Plan]:
    """Every draft the comparisons touch, once each, in order of appearance."""
    seen: dict[str, Plan] = {}
    for c in comparisons:
        seen.setdefault(c.a.plan.id, c.a.plan)
        seen.setdefault(c.b.plan.id, c.b.plan)
    return list(seen.values())


def lineage_list(plans: Sequence[Plan]) -> str:
    """The drafts as a nested list, each revision under the text it revises (``revises:``)."""
    column = {p.id: k for k, p in enumerate(plans)}
    children: dict[int, list[int]] = {}
    roots = []
    for k, p in enumerate(plans):
        if p.revises in column and p.revises != p.id:
            children.setdefault(column[p.revises], []).append(k)
        else:
            roots.append(k)

    def item(k: int, depth: int) -> str:
        p = plans[k]
        date = f' <span class="muted">{esc(p.date)}</span>' if p.date else ""
        kids = "".join(item(c, depth + 1) for c in children.get(k, [])) \
            if depth < len(plans) else ""
        return (f"<li><strong>{esc(p.name)}</strong>{date}"
                + (f"<ul>{kids}</ul>" if kids else "") + "</li>")

    return '<ul class="lineage">' + "".join(item(k, 0) for k in roots) + "</ul>"


def _step(scenario: Scenario, c: Comparison) -> str:
    ids = scenario.party_ids
    rows = []
    for ch in c.changes:
        rows.append((
            esc(ch.title),
            _option(scenario, ch.issue, ch.before, ch.before_open),
            _option(scenario, ch.issue, ch.after, ch.after_open),
            *[_delta(ch.utility_change[p]) for p in ids],
        ))
    rows.append(("<strong>total</strong>", "", "",
                 *[f"<strong>{_delta(c.utility_change[p])}</strong>" for p in ids]))
    accept = "; ".join(
        f"{esc(p)}: {'accepts' if c.a.outcome(p).acceptable else 'refuses'} → "
        f"{'accepts' if c.b.outcome(p).acceptable else 'refuses'}" for p in ids)
    verdict = (f"ratified: {'yes' if c.a.ratified else 'no'} → "
               f"{'yes' if c.b.ratified else 'no'}")
    return (f"<h3>{esc(step_label(c))}</h3>"
            + table(("point", "before", "after", *[f"Δ{p}" for p in ids]), rows,
                    cls="compact step")
            + f'<p class="note">{len(c.changes)} point(s) changed, {len(c.unchanged)} '
              f"unchanged. Gained: {esc(', '.join(c.winners) or 'nobody')}; lost: "
              f"{esc(', '.join(c.losers) or 'nobody')}. {accept}; {verdict}. "
              "Point changes count each party's weighted value on that point alone; "
              "interaction terms only enter the total.</p>")


def _delta(x: float) -> str:
    cls = "up" if x > 1e-9 else "down" if x < -1e-9 else "muted"
    return f'<span class="num {cls}">{x:+.3f}</span>'


def _drivers(drivers: Sequence[Driver]) -> str:
    if not drivers:
        return ('<span class="muted">none: the outcome does not vary with the uncertain '
                "numbers (for instance, a red line is crossed in every draw)</span>")
    items = "".join(
        f"<li><strong>{esc(d.label)}</strong> (ρ = {d.correlation:+.2f})"
        + (f": {linkify(d.rationale)}" if d.rationale else "") + "</li>"
        for d in drivers)
    return f'<ol class="drivers">{items}</ol>'


def _structural(r: PlanRobustness) -> str:
    """The draft's structural assumptions (soft red lines, readings) with their effect."""
    items = "".join(
        f"<li>{esc(d.assumption)} (held in {d.frequency:.0%} of draws"
        + (f"; ΔP(ratified) {d.ratify_effect:+.0%}" if d.ratify_effect is not None else "")
        + ")</li>"
        for d in r.structural[:3])
    return f'<p class="note">Structural:</p><ol class="drivers">{items}</ol>' if items else ""


def robustness_section(scenario: Scenario, result: Robustness | None) -> str:
    """Acceptance and ratification probabilities, and what drives them."""
    if result is None or not result.plans:
        return section("robustness", "Robustness",
                       "<p>No robustness analysis was run for this report.</p>")
    ids = scenario.party_ids
    rows = [(f"<strong>{esc(r.title)}</strong>",
             *[f'<span class="num">{r.accept_probability[p]:.0%}</span>' for p in ids],
             f'<span class="num">{r.ratify_probability:.1%}</span> '
             f'<span class="num muted">[{r.ratify_ci[0]:.1%}, {r.ratify_ci[1]:.1%}]</span>',
             _drivers(r.drivers[:3]) + _structural(r))
            for r in result.plans]
    head = ("draft", *[f"P({p} accepts)" for p in ids], "P(ratified) [95% CI]",
            "top drivers and why")
    intro = (f"<p>Every uncertain number of the scenario ({result.uncertain_parameters} of "
             f"them) was drawn {result.samples} times (seed {result.seed}; the same seed "
             "gives the same numbers). A driver is an uncertain number whose draws move the "
             "draft towards or away from ratification; ρ is the Spearman rank correlation "
             "with the draft's slack (positive: a higher value helps the draft). A structural "
             "assumption is a soft red line (drawn to hold with its stated probability) or a "
             "reading of an open point; ΔP(ratified) is P(ratified | it holds) − "
             "P(ratified | it does not).</p>")
    per_party = []
    for r in result.plans:
        items = "".join(f"<h4>{esc(p)} on {esc(r.title)} (accepts in "
                        f"{r.accept_probability[p]:.0%} of draws)</h4>"
                        + _drivers(r.party_drivers.get(p, ())) for p in ids
                        if 0 < r.accept_probability[p] < 1)
        per_party.append(items)
    details = "".join(per_party)
    more = (f"<details><summary>What drives each party's decision, where it is uncertain"
            f"</summary>{details}</details>" if details else "")
    return section("robustness", "Robustness", intro + table(head, rows, cls="robust") + more)


def _assumption_rows(items: Sequence[Assumption]) -> list[tuple[str, ...]]:
    """Rows of the assumptions table; consecutive numbers that share a reason share a row."""
    groups: list[list[Assumption]] = []
    for a in items:
        if groups and (groups[-1][0].why, groups[-1][0].sources) == (a.why, a.sources) \
                and a.why:
            groups[-1].append(a)
        else:
            groups.append([a])
    return [("<br>".join(esc(a.what) for a in g),
             "<br>".join(f'<span class="num">{esc(a.value)}</span>' for a in g),
             "<br>".join(esc(a.spread) for a in g),
             linkify(g[0].why) or '<span class="muted">—</span>',
             esc(", ".join(g[0].sources))) for g in groups]


def notes_section(scenario: Scenario, items: Sequence[Assumption]) -> str:
    """The modeller's notes, explicit assumptions (one table per party) and sources."""
    parts = []
    if scenario.notes:
        parts.append("<h3>Modelling notes</h3><ul>"
                     + "".join(f"<li>{linkify(n)}</li>" for n in scenario.notes) + "</ul>")
    parts.append(
        f"<h3>Assumptions ({len(items)})</h3>"
        "<p>Every number below is a modelling choice, not a fact: a weight, a value, a "
        "reservation or a credibility, the range the robustness analysis samples, and the "
        "reason given for it. Linkages are rules that every package must obey.</p>")
    if not items:
        parts.append("<p>None recorded.</p>")
    head = ("assumption", "value", "range", "why", "sources")
    titles = {p.id: f"{p.title} ({p.id})" for p in scenario.parties}
    titles.update({c.id: f"{c.title} ({c.label}, a domestic constituent)"
                   for c in scenario.constituents})
    for owner in [*scenario.party_ids, *scenario.constituent_ids, ""]:
        mine = [a for a in items if a.party == owner]
        if not mine:
            continue
        label = titles[owner] if owner else "Linkages"
        parts.append(f"<details><summary>{esc(label)}: {len(mine)}</summary>"
                     + table(head, _assumption_rows(mine), cls="compact assumptions")
                     + "</details>")
    if scenario.sources:
        parts.append("<h3>Sources</h3><dl class=\"sources\">" + "".join(
            f"<dt>{esc(tag)}</dt><dd>{linkify(text)}</dd>"
            for tag, text in scenario.sources.items()) + "</dl>")
    return section("notes", "Modelling notes and assumptions", "".join(parts))
