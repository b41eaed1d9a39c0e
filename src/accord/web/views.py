"""What each page shows, computed from the analysis layers (no HTML here).

Each function returns plain data for a template: rows already labelled, numbers left as
numbers (the templates format them). Scenario text is passed through untouched; the
templates escape it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from accord.app import api
from accord.app.assumptions import Assumption, assumptions, linkage_words
from accord.app.openings import describe
from accord.app.results import Comparison, FrontierResult, PlanEvaluation
from accord.app.whatif import Adjustment
from accord.model import (
    ChoiceNote,
    InvalidPlanError,
    Issue,
    NoAgreementError,
    Plan,
    Scenario,
    Status,
)
from accord.report import charts as rc
from accord.report.charts import Chart
from accord.report.tornado import flips_rows, has_bars, tornado_chart
from accord.web import charts as wc
from accord.web import whatif
from accord.web.render import PREFIX
from accord.web.workspace import Loaded, Workspace

#: Query parameters of the plan editor carry one option per point as ``c.<point id>``.
CHOICE_PREFIX = "c."
#: The plan editor's parameter for a whole package (from a chart): option indices, dotted.
PACKAGE = "package"
#: The id and title of a plan built in the editor.
EDITED_ID, EDITED_TITLE = "edited", "Your plan"


def point_label(issue: Issue) -> str:
    """``"7. NATO membership"``, or the title alone when the point has no number."""
    return f"{issue.point}. {issue.title}" if issue.point is not None else issue.title


def option_label(scenario: Scenario, issue_id: str, option_id: str) -> str:
    """The human label of an option."""
    return scenario.issue(issue_id).option(option_id).title


def drafts(scenario: Scenario) -> list[Plan]:
    """The named plans that are drafts (not the disagreement outcome)."""
    return [p for p in scenario.plans if not p.no_deal]


# ----------------------------------------------------------------- scenario page
@dataclass(frozen=True)
class ScenarioView:
    """The scenario browser."""

    scenario: Scenario
    assumptions: list[Assumption]
    linkages: list[tuple[str, str, str]]

    @property
    def groups(self) -> list[tuple[str, list[Assumption]]]:
        """The assumptions grouped by party (linkages last), in the scenario's order."""
        names = {p.id: p.title for p in self.scenario.parties}
        out: dict[str, list[Assumption]] = {}
        for a in self.assumptions:
            out.setdefault(names.get(a.party, "Linkages between points"), []).append(a)
        return list(out.items())

    @property
    def kinds(self) -> list[str]:
        """The kinds of assumption present, in first-seen order."""
        return list(dict.fromkeys(a.kind for a in self.assumptions if a.kind))

    def point_title(self, issue_id: str) -> str:
        """The point's label, or "" for none."""
        return point_label(self.scenario.issue(issue_id)) if issue_id else ""


def scenario_view(loaded: Loaded) -> ScenarioView:
    """Parties, points, options, linkages and the modeller's assumptions."""
    s = loaded.scenario
    links = [(c.id, describe_linkage(s, c.id), c.rationale) for c in s.constraints]
    return ScenarioView(s, assumptions(s), links)


# ------------------------------------------------------------------- plan editor
def plan_from_query(scenario: Scenario, query: Mapping[str, str], base: Plan | None) -> Plan:
    """The plan the editor's form describes: ``base`` (completed), then each ``c.<point>``.

    Raises:
        InvalidPlanError: a parameter names an unknown point or option.
    """
    choices = scenario.complete(base) if base is not None and not base.no_deal else {}
    if query.get(PACKAGE):
        choices = package_choices(scenario, query[PACKAGE])
        base = None  # a package from a chart is a plan of its own: no draft's notes apply
    for key, value in query.items():
        if not key.startswith(CHOICE_PREFIX):
            continue
        issue_id = key[len(CHOICE_PREFIX):]
        issue = scenario.issue(issue_id)
        issue.index(value)
        choices[issue_id] = value
    open_, notes = _kept_provenance(scenario, base, choices)
    plan = Plan(EDITED_ID, {i: o for i, o in choices.items() if i not in open_}, EDITED_TITLE,
                open=open_, notes=notes)
    scenario.check_plan(plan, complete=True)
    return plan


def package_param(scenario: Scenario, choices: Mapping[str, str]) -> str:
    """The ``package`` parameter of the plan editor: each point's option index, dotted."""
    return ".".join(str(issue.index(choices[issue.id])) for issue in scenario.issues)


def package_choices(scenario: Scenario, text: str) -> dict[str, str]:
    """The choices a ``package`` parameter names (see :func:`package_param`).

    Raises:
        InvalidPlanError: not one option index per point, or an index out of range.
    """
    parts = text.split(".")
    if len(parts) != len(scenario.issues) or not all(p.isdigit() for p in parts):
        raise InvalidPlanError(f"package: expected {len(scenario.issues)} option numbers "
                               "separated by dots")
    out = {}
    for issue, part in zip(scenario.issues, parts, strict=True):
        k = int(part)
        if k >= len(issue.options):
            raise InvalidPlanError(f"package: point {point_label(issue)!r} has "
                                   f"{len(issue.options)} options, not {k + 1}")
        out[issue.id] = issue.options[k].id
    return out


def _kept_provenance(scenario: Scenario, base: Plan | None, choices: Mapping[str, str]
                     ) -> tuple[dict[str, frozenset[str]], dict[str, ChoiceNote]]:
    """The base draft's open points and assumed choices that the edit left as they were."""
    if base is None or base.no_deal:
        return {}, {}
    before = scenario.complete(base)
    open_: dict[str, frozenset[str]] = {}
    notes: dict[str, ChoiceNote] = {}
    for issue_id, note in scenario.provenance(base).items():
        if choices.get(issue_id) != before[issue_id]:
            continue
        if note.status is Status.OPEN and issue_id in base.open:
            open_[issue_id] = base.open[issue_id]
            notes[issue_id] = note
        elif note.status is Status.ASSUMED:
            notes[issue_id] = note
    return open_, notes


def base_plan(scenario: Scenario, plan_id: str | None) -> Plan | None:
    """The draft the editor starts from (default: the first draft, if any)."""
    if plan_id:
        plan = scenario.plan(plan_id)
        if plan.no_deal:
            raise InvalidPlanError("'no deal' chooses no options; start from a draft")
        return plan
    found = drafts(scenario)
    return found[0] if found else None


@dataclass(frozen=True)
class PartyRow:
    """One party's outcome, labelled."""

    party: str
    name: str
    utility: float
    reservation: float
    margin: float
    acceptable: bool
    red_lines: list[str]
    concession: float
    delta: float | None = None
    vetoed_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanView:
    """The plan editor's results."""

    evaluation: PlanEvaluation
    base: PlanEvaluation | None
    rows: list[PartyRow]
    violations: list[str]
    blocking: list[str]
    changed: list[tuple[str, str, str]]
    charts: list[Chart]
    dominance: str
    flips: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    tornado: Chart | None = None
    controls: list[whatif.PartyControls] = field(default_factory=list)
    #: the points the draft started from leaves out (an incomplete draft), labelled
    missing: list[str] = field(default_factory=list)

    @property
    def what_if(self) -> bool:
        """Whether some party's numbers are moved away from the scenario's."""
        return any(c.moved for c in self.controls)

    @property
    def summary(self) -> str:
        """One sentence for screen readers after each change."""
        e = self.evaluation
        verdict = "Ratified" if e.ratified else "Not ratified"
        if self.what_if:
            verdict += " (what-if)"
        parts = ", ".join(
            f"{r.party} {r.utility:.3f} ({'accepts' if r.acceptable else 'refuses'})"
            for r in self.rows)
        return f"{verdict}. {parts}."


def _rows(scenario: Scenario, e: PlanEvaluation, base: PlanEvaluation | None) -> list[PartyRow]:
    out = []
    for o in e.parties:
        reds = []
        for tag in o.red_lines_hit:
            issue_id, option_id = tag.split(".", 1)
            issue = scenario.issue(issue_id)
            reds.append(f"{point_label(issue)}: {issue.option(option_id).title}")
        delta = None if base is None else o.utility - base.outcome(o.party).utility
        vetoes = tuple(next(c.title for c in scenario.constituents
                            if c.label == label) for label in o.vetoed_by)
        out.append(PartyRow(o.party, scenario.party(o.party).title, o.utility, o.reservation,
                            o.margin, o.acceptable, reds, o.concession, delta, vetoes))
    return out


def _dominance_text(scenario: Scenario, e: PlanEvaluation) -> str:
    d = e.dominance
    if d.dominated is None:
        return f"Pareto dominance {d.method}."
    if not d.dominated:
        return (f"Pareto-optimal: none of the {d.checked} packages is better for some party "
                "and worse for none.")
    assert d.by is not None and d.gains is not None
    gains = ", ".join(f"{p} {g:+.3f}" for p, g in zip(scenario.party_ids, d.gains, strict=True))
    return f"Pareto-dominated: another admissible package gives {gains}."


def plan_view(loaded: Loaded, plan: Plan, base: Plan | None,
              changes: Mapping[str, Adjustment] | None = None) -> PlanView:
    """Evaluate the editor's plan, with its changes from the draft it started from.

    ``changes`` moves parties' weights, reservations and red lines (the what-if sliders);
    the draft it started from is evaluated under the same changes.
    """
    s = loaded.scenario
    changes = changes or {}
    e = api.what_if(s, plan, changes).plans[0]
    # the base is shown for its utilities only: its dominance is not asked
    eb = (api.what_if(s, base, changes, dominance=False).plans[0] if base is not None
          else None)
    changed = []
    if eb is not None:
        for issue in s.issues:
            before, after = eb.choices[issue.id], e.choices[issue.id]
            if before != after:
                changed.append((point_label(issue), issue.option(before).title,
                                issue.option(after).title))
    shown = [e] if eb is None else [eb, e]
    charts = [wc.with_columns(rc.utility_chart(s, shown), 2), rc.concessions_chart(s, [e])]
    flips = api.sensitivity(s, plan)
    tornado = (tornado_chart(flips, "What moves this draft", columns=1, width=200)
               if has_bars(flips) else None)
    return PlanView(
        e, eb, _rows(s, e, eb),
        [describe_linkage(s, v) for v in e.violations],
        [_blocker_title(s, p) for p in e.blocking_parties], changed, charts,
        _dominance_text(s, e), flips_rows(flips), tornado,
        whatif.controls(s, changes, {i.id: point_label(i) for i in s.issues}),
        missing_points(s, base) if base is not None else [],
    )


def _blocker_title(s: Scenario, blocker: str) -> str:
    """A party's title, or ``Party (constituent)`` for ``PARTY/CONSTITUENT``."""
    party, _, constituent = blocker.partition("/")
    if not constituent:
        return s.party(party).title
    return f"{s.party(party).title} ({s.title_of(constituent)})"


# ------------------------------------------------------------------ comparison
@dataclass(frozen=True)
class Cell:
    """One draft's option on one point."""

    text: str
    open: bool
    changed: bool


@dataclass(frozen=True)
class PointRow:
    """One point across the compared drafts."""

    issue: Issue
    label: str
    cells: list[Cell]

    @property
    def any_change(self) -> bool:
        """Whether some draft changes this point from the draft before it."""
        return any(c.changed for c in self.cells)


@dataclass(frozen=True)
class CompareView:
    """Several drafts side by side."""

    plans: list[Plan]
    evaluations: list[PlanEvaluation]
    points: list[PointRow]
    steps: list[Comparison]
    charts: list[Chart]
    lineage: list[tuple[int, Plan]] = field(default_factory=list)
    reasons: list[dict[str, str]] = field(default_factory=list)
    broken: list[list[str]] = field(default_factory=list)
    missing: list[list[str]] = field(default_factory=list)


def refusal(scenario: Scenario, e: PlanEvaluation, party: str) -> str:
    """Why ``party`` refuses the evaluated plan, in words ("" when it accepts)."""
    o = e.outcome(party)
    if o.acceptable:
        return ""
    why = []
    if o.margin < 0:
        why.append(f"below its reservation by {-o.margin:.3f}")
    for tag in o.red_lines_hit:
        issue_id, option_id = tag.split(".", 1)
        issue = scenario.issue(issue_id)
        why.append(f"red line on {point_label(issue)}: {issue.option(option_id).title}")
    for label in o.vetoed_by:
        why.append(f"vetoed by {_blocker_title(scenario, label)}")
    return "; ".join(why) or "refuses"


def missing_points(scenario: Scenario, plan: Plan) -> list[str]:
    """The points a draft neither sets nor leaves open (they take their defaults)."""
    return [point_label(i) for i in scenario.issues
            if i.id not in plan.choices and i.id not in plan.open]


def default_chain(scenario: Scenario) -> list[Plan]:
    """The drafts compared by default: the drafts' lineage (``revises:``), else every draft."""
    return api.draft_chain(scenario)


def compare_view(loaded: Loaded, plan_ids: Sequence[str]) -> CompareView:
    """Compare the named drafts in the order given (default: :func:`default_chain`)."""
    s = loaded.scenario
    plans = [s.plan(i) for i in plan_ids] if plan_ids else default_chain(s)
    plans = [p for p in plans if not p.no_deal]
    if len(plans) < 2:
        raise InvalidPlanError("pick at least two drafts to compare")
    evals = list(api.evaluate(s, plans, dominance=False))  # the page shows no dominance
    steps = [c.raw for c in api.chain(s, plans)]
    column = {p.id: k for k, p in enumerate(plans)}
    parent = {c.b.plan.id: column[c.a.plan.id] for c in steps}
    rows = []
    for issue in s.issues:
        cells = []
        for p, e in zip(plans, evals, strict=True):
            choice = e.choices[issue.id]
            is_open = issue.id not in p.choices
            text = issue.option(choice).title
            j = parent.get(p.id)
            cells.append(Cell(text, is_open,
                              j is not None and choice != evals[j].choices[issue.id]))
        rows.append(PointRow(issue, point_label(issue), cells))
    charts = [rc.change_chart(s, steps), rc.utility_chart(s, evals)]
    reasons = [{pid: refusal(s, e, pid) for pid in s.party_ids} for e in evals]
    broken = [[describe_linkage(s, v) for v in e.violations] for e in evals]
    return CompareView(plans, evals, rows, steps, charts, _tree(plans), reasons, broken,
                       [missing_points(s, p) for p in plans])


def _tree(plans: Sequence[Plan]) -> list[tuple[int, Plan]]:
    """Each draft with its depth in the lineage among ``plans`` (column order kept)."""
    by_id = {p.id: p for p in plans}
    out = []
    for p in plans:
        depth, up = 0, by_id.get(p.revises)
        while up is not None and depth < len(plans):
            depth += 1
            up = by_id.get(up.revises)
        out.append((depth, p))
    return out


# -------------------------------------------------------------------- analysis
def inadmissible(scenario: Scenario, e: PlanEvaluation) -> str:
    """Why a draft is not admissible, in words (empty when it is admissible).

    The red lines it crosses and the linkages it breaks, with labels for ids.
    """
    parts = []
    for o in e.parties:
        for tag in o.red_lines_hit:
            issue_id, option_id = tag.split(".", 1)
            issue = scenario.issue(issue_id)
            parts.append(f"crosses {scenario.party(o.party).title}'s red line on "
                         f"{point_label(issue)} ({issue.option(option_id).title})")
    parts += [f"breaks the linkage {describe_linkage(scenario, v)}" for v in e.violations]
    return "; ".join(parts)


def describe_linkage(scenario: Scenario, constraint_id: str) -> str:
    """A linkage (constraint) in words, with point titles and option labels."""
    return linkage_words(scenario, next(c for c in scenario.constraints
                                        if c.id == constraint_id))


@dataclass(frozen=True)
class Improvement:
    """A package that makes every party at least as well off as a draft."""

    source: str
    gains: dict[str, float]
    changes: list[tuple[str, str, str]]
    choices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConceptRow:
    """An exact solution concept as the analysis page lists it."""

    concept: str
    label: str
    utilities: dict[str, float]
    choices: dict[str, str]
    proof: str


@dataclass(frozen=True)
class AnalysisView:
    """The analysis page."""

    x: str
    y: str
    frontier: FrontierResult
    marked: list[wc.Marked]
    concepts_note: str
    draft: Plan | None
    improvements: list[Improvement]
    improvements_note: str
    charts: dict[str, Chart] = field(default_factory=dict)
    robustness: Any = None
    concepts: list[ConceptRow] = field(default_factory=list)
    #: concept -> the plan editor's address of its package (a keyboard path to the chart's clicks)
    concept_links: dict[str, str] = field(default_factory=dict)
    #: the plan editor's address of each improvement, in order
    improvement_links: list[str] = field(default_factory=list)


#: The exact concepts the analysis page lists, with their labels.
CONCEPT_LABELS: tuple[tuple[api.Concept, str], ...] = (
    ("nash", "Nash"), ("ks", "Kalai–Smorodinsky"), ("egalitarian", "Egalitarian"),
    ("welfare", "Maximum welfare"))
#: The concepts also drawn on the frontier chart.
CHARTED = ("nash", "ks")


def _concepts(ws: Workspace, name: str) -> tuple[list[ConceptRow], str]:
    """The exact solution concepts (the answers of ``accord solve``)."""
    rows = []
    for concept, label in CONCEPT_LABELS:
        try:
            result = ws.solution(name, concept)
        except NoAgreementError:
            sentences = (describe(ws.get(name).scenario, o)
                         for o in api.openings(ws.get(name).scenario))
            rests = " ".join(f"{x[:1].upper()}{x[1:]}." for x in sentences)
            return [], ("No admissible package gives every party its reservation: there is "
                        "no zone of agreement, so no Nash, Kalai–Smorodinsky, egalitarian "
                        "or welfare package." + (f" What this rests on: {rests}" if rests
                                                 else ""))
        proof = (f"proven optimal ({result.raw.method})" if result.raw.proven
                 else f"NOT proven ({result.raw.status}, gap {result.raw.gap:.1e})")
        rows.append(ConceptRow(concept, label, result.utilities, result.choices, proof))
    note = ("The solution concepts are solved exactly over every admissible package, with "
            "the reservations as the disagreement point (the same answers as accord solve).")
    return rows, note


#: Where the analysis page's improvements come from, in words.
RANKED = "post-settlement search, ranked by the Nash product of the gains"


def _improvements(ws: Workspace, loaded: Loaded, plan: Plan, top: int = 3
                  ) -> tuple[list[Improvement], str]:
    """Post-settlement improvements of ``plan`` (the answer of ``accord improve``)."""
    s = loaded.scenario
    result = ws.cached(loaded.name, f"improve:{plan.id}:{top}",
                       lambda: api.improve(s, plan, limit=top))
    out = []
    for item in result.items():
        changes = [(point_label(s.issue(i)), option_label(s, i, c["from"]),
                    option_label(s, i, c["to"])) for i, c in item["changes"].items()]
        out.append(Improvement(RANKED, item["gains"],
                               changes, item["choices"]))
    proof = result.raw.proof
    if out:
        note = (f"{len(out)} package(s) that leave no party worse off than {plan.name} and "
                f"at least one better off, best first. {proof}")
    elif result.pareto_optimal:
        note = (f"{plan.name}: {result.verdict}; no admissible package improves on it for "
                f"everyone. {proof}")
    else:
        note = f"No improvement of {plan.name} was found. {proof}"
    return out, note


def analysis_view(ws: Workspace, name: str, x: str | None, y: str | None,
                  draft_id: str | None) -> AnalysisView:
    """Frontier (pair of parties), solution concepts, acceptance, improvements of a draft."""
    loaded = ws.get(name)
    s = loaded.scenario
    ids = s.party_ids
    x = x or ids[0]
    y = y or (ids[1] if len(ids) > 1 else ids[0])
    s.party(x)
    s.party(y)
    if x == y:
        raise InvalidPlanError(f"pick two different parties to plot ({x} against itself "
                               "shows nothing)")
    frontier = ws.frontier(name)
    evals = list(ws.evaluation(name))
    editor = f"{PREFIX}/scenarios/{quote(name, safe='')}/plan"
    marked = [wc.Marked(e.plan.name, "no deal" if e.plan.no_deal else wc.DRAFT,
                        {o.party: o.utility for o in e.parties},
                        "" if e.plan.no_deal else f"{editor}?base={quote(e.plan.id, safe='')}",
                        "" if e.plan.no_deal else inadmissible(s, e))
              for e in evals]
    if not any(e.plan.no_deal for e in evals):
        marked.append(wc.Marked("no deal", "no deal",
                                api.reservations(s)))
    concepts, concepts_note = _concepts(ws, name)
    opens = {c.concept: f"{editor}?{PACKAGE}={package_param(s, c.choices)}" for c in concepts}
    marked += [wc.Marked(c.label, c.label, c.utilities, opens[c.concept])
               for c in concepts if c.concept in CHARTED]
    links = [f"{editor}?{PACKAGE}={'.'.join(str(int(k)) for k in row)}"
             for row in frontier.raw.packages]
    draft = s.plan(draft_id) if draft_id else (drafts(s)[0] if drafts(s) else None)
    if draft is not None and draft.no_deal:
        raise InvalidPlanError("'no deal' is not a draft; pick a draft to improve")
    improvements, note = (_improvements(ws, loaded, draft) if draft is not None
                          else ([], "The scenario has no drafts."))
    rob = ws.robustness(name)
    charts = {
        "frontier": wc.frontier_chart(ids, frontier.raw.utilities, x, y, marked,
                                      exact=frontier.exact, method=frontier.raw.method,
                                      links=links),
    }
    if rob.plans:
        charts["acceptance"] = rc.acceptance_chart(s, rob)
    improvement_links = [f"{editor}?{PACKAGE}={package_param(s, imp.choices)}"
                         if imp.choices else "" for imp in improvements]
    return AnalysisView(x, y, frontier, marked, concepts_note, draft, improvements, note,
                        charts, rob, concepts, opens, improvement_links)
