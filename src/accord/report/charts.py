"""Vega-Lite v5 chart specs built from analysis results, each with a text alternative.

Every builder returns a :class:`Chart`: a plain-dict Vega-Lite spec, a title, and a text
alternative (a sentence plus a small table) for readers who cannot see the picture.
:func:`to_svg` renders a chart offline with ``vl_convert`` (no network, no JavaScript in
the output), so a report can inline it. Rendering runs in background threads (``vl_convert``
releases the GIL): :func:`warm_up` starts its JavaScript engine, whose first chart costs
seconds, while the caller computes; :func:`prerender` starts a report's charts at once;
:func:`to_svg` then waits for its chart, and renders the same spec only once.

Charts name parties by their short id and drafts by their title; scenario text only ever
travels as data values, never as field names or expressions.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from accord.app.results import Comparison, PlanEvaluation, Robustness
from accord.model import Scenario

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

#: Status of a party's view of a draft, with a colour-blind-safe colour and a shape each.
ACCEPTS, BELOW, RED_LINE = "accepts", "refuses: below reservation", "refuses: red line"
_STATUS_COLOURS = {ACCEPTS: "#1b7837", BELOW: "#e08214", RED_LINE: "#b2182b"}
_STATUS_SHAPES = {ACCEPTS: "circle", BELOW: "triangle-down", RED_LINE: "cross"}
_GAIN, _LOSS = "#2166ac", "#b2182b"
#: The legend's name for the dashed reservation line.
RESERVATION_LINE = "reservation (walk-away utility)"

#: Long labels are cut to this many pixels on axes.
LABEL_LIMIT = 230
_FONT = "Helvetica, Arial, sans-serif"
CONFIG: dict[str, Any] = {
    "font": _FONT,
    "view": {"stroke": "#ccc"},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": LABEL_LIMIT},
    "header": {"labelFontSize": 12, "titleFontSize": 12, "labelFontWeight": "bold"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom",
               "labelLimit": 260},
    "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12,
              "subtitleColor": "#555"},
}


@dataclass(frozen=True)
class Chart:
    """A chart and its text alternative.

    Attributes:
        key: a short identifier (used for HTML anchors).
        title: the chart's title.
        spec: the Vega-Lite v5 spec (a plain dict, JSON-ready).
        summary: one or two sentences saying what the chart shows.
        columns: header of the table that carries the chart's numbers in text.
        rows: the table's rows (already formatted as strings).
    """

    key: str
    title: str
    spec: dict[str, Any]
    summary: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


#: Room around the drawing, in pixels. Vega sizes the picture by its own text measure, and
#: a wrapped facet's outer axis labels and titles can reach past it: a reader's fallback
#: font (wider than the renderer's estimate) would then lose their ends at the SVG's edge.
PADDING = {"left": 70, "right": 50, "top": 6, "bottom": 8}
#: Titles and subtitles wrap at these many characters (a narrow chart must not cut them).
TITLE_CHARS, SUBTITLE_CHARS = 44, 64


def wrap(text: str, width: int = SUBTITLE_CHARS) -> str | list[str]:
    """``text`` as one line, or as lines of at most ``width`` characters (at spaces)."""
    if len(text) <= width:
        return text
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _spec(title: str, subtitle: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA,
            "title": {"text": wrap(title, TITLE_CHARS), "subtitle": wrap(subtitle)},
            "config": CONFIG, "background": "white", "padding": PADDING, **body}


def _status(e: PlanEvaluation, party: str) -> str:
    o = e.outcome(party)
    if o.red_lines_hit:
        return RED_LINE
    return ACCEPTS if o.acceptable else BELOW


def _drafts(evaluations: Sequence[PlanEvaluation]) -> list[PlanEvaluation]:
    return [e for e in evaluations if not e.plan.no_deal]


def _names(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "nobody"


def _pct(x: float) -> str:
    return f"{x:.0%}"


# --------------------------------------------------------------------- (a) utility
def utility_chart(scenario: Scenario, evaluations: Sequence[PlanEvaluation]) -> Chart:
    """Each party's utility in each draft against its reservation (a dot plot per party).

    One panel per party; a row per draft; the dashed line is the party's reservation and the
    stalk joins it to the draft's utility, so its length is the margin. Colour and shape
    mark refusals (below reservation, or a red line crossed).
    """
    drafts = _drafts(evaluations)
    order = [e.plan.name for e in drafts]
    values = []
    rows = []
    for e in drafts:
        for o in e.parties:
            status = _status(e, o.party)
            values.append({"plan": e.plan.name, "party": o.party, "utility": o.utility,
                           "reservation": o.reservation, "margin": o.margin,
                           "status": status})
            rows.append((e.plan.name, o.party, f"{o.utility:.3f}", f"{o.reservation:.3f}",
                         f"{o.margin:+.3f}", status))
    height = max(60, 26 * len(order))
    n_cols = min(4, max(1, len(scenario.parties)))
    x = {"field": "utility", "type": "quantitative", "title": "utility (0 = worst, 1 = best)",
         "scale": {"domain": [0, 1]}, "axis": {"tickCount": 5, "grid": True}}
    y = {"field": "plan", "type": "nominal", "sort": order, "title": None}
    tooltip = [{"field": "plan", "title": "draft"}, {"field": "party"},
               {"field": "utility", "format": ".3f"},
               {"field": "reservation", "format": ".3f"},
               {"field": "margin", "format": "+.3f"}, {"field": "status"}]
    colour = {"field": "status", "type": "nominal", "title": None,
              "scale": {"domain": list(_STATUS_COLOURS), "range": list(_STATUS_COLOURS.values())}}
    body = {
        "data": {"values": values},
        "facet": {"field": "party", "type": "nominal", "sort": list(scenario.party_ids),
                  "title": None},
        "columns": n_cols,
        "spec": {
            "width": 170, "height": height,
            "layer": [
                {"mark": {"type": "rule", "color": "#444"},
                 "encoding": {"x": {"aggregate": "min", "field": "reservation",
                                    "type": "quantitative"},
                              "tooltip": {"aggregate": "min", "field": "reservation",
                                          "type": "quantitative", "format": ".3f",
                                          "title": "reservation (walk-away utility)"},
                              "strokeDash": {"datum": RESERVATION_LINE, "type": "nominal",
                                             "title": None,
                                             "scale": {"domain": [RESERVATION_LINE],
                                                       "range": [[4, 3]]}}}},
                {"mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.7},
                 "encoding": {"x": x, "x2": {"field": "reservation"}, "y": y,
                              "color": colour, "tooltip": tooltip}},
                {"mark": {"type": "point", "filled": True, "size": 90, "opacity": 1},
                 "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip,
                              "shape": {"field": "status", "type": "nominal", "title": None,
                                        "scale": {"domain": list(_STATUS_SHAPES),
                                                  "range": list(_STATUS_SHAPES.values())}}}},
            ],
        },
        "resolve": {"axis": {"y": "independent"}} if n_cols < len(scenario.parties) else {},
    }
    if not body["resolve"]:
        del body["resolve"]
    refusals = [r for r in rows if r[5] != ACCEPTS]
    parts = []
    for e in drafts:
        refusing = [o.party for o in e.parties if not o.acceptable]
        parts.append(f"{e.plan.name}: {'ratified' if e.ratified else 'not ratified'}"
                     + (f", refused by {_names(refusing)}" if refusing else ", all accept"))
    summary = (f"Utility of each of {len(scenario.parties)} parties under each of {len(drafts)} "
               f"drafts, against the party's reservation (dashed line); {len(refusals)} of "
               f"{len(rows)} party-draft pairs are refusals. " + "; ".join(parts) + ".")
    title = "Who gains what: utility against reservation"
    spec = _spec(title, "dot = utility, dashed line = reservation, stalk = margin", body)
    return Chart("utility", title, spec, summary,
                 ("draft", "party", "utility", "reservation", "margin", "status"), tuple(rows))


# ----------------------------------------------------------------- (b) concessions
def _point_label(scenario: Scenario, issue_id: str) -> str:
    issue = scenario.issue(issue_id)
    return f"{issue.point}. {issue.title}" if issue.point is not None else issue.title


def concessions_chart(scenario: Scenario, evaluations: Sequence[PlanEvaluation],
                      plan: str | None = None) -> Chart:
    """Heatmap of the utility each party gives up on each point (one panel per draft).

    A cell is the party's weighted value of its best option on the point minus that of the
    option chosen; 0 (white) means the party got its best. ``plan`` restricts the chart to
    one draft.
    """
    drafts = [e for e in _drafts(evaluations) if plan is None or e.plan.id == plan]
    points = [_point_label(scenario, i.id) for i in scenario.issues]
    values = []
    rows = []
    top = 0.0
    for e in drafts:
        for pid in scenario.party_ids:
            per_point = {i.id: e.concessions.get(i.id, {}).get(pid, 0.0)
                         for i in scenario.issues}
            for issue_id, given in per_point.items():
                values.append({"plan": e.plan.name, "point": _point_label(scenario, issue_id),
                               "party": pid, "given_up": given})
                top = max(top, given)
            worst = max(per_point, key=lambda k: per_point[k])
            rows.append((e.plan.name, pid, f"{sum(per_point.values()):.3f}",
                         f"{_point_label(scenario, worst)} ({per_point[worst]:.3f})"
                         if per_point[worst] > 0 else "-"))
    top = max(top, 1e-9)
    x = {"field": "party", "type": "nominal", "sort": list(scenario.party_ids), "title": None,
         "axis": {"orient": "top", "labelAngle": 0}}
    y = {"field": "point", "type": "nominal", "sort": points, "title": None}
    body = {
        "data": {"values": values},
        "facet": {"field": "plan", "type": "nominal",
                  "sort": [e.plan.name for e in drafts], "title": None},
        "columns": min(4, max(1, len(drafts))),
        "spec": {
            "width": {"step": 28}, "height": {"step": 17},
            "mark": {"type": "rect", "stroke": "#e4e4e4", "strokeWidth": 0.5},
            "encoding": {
                "x": x, "y": y,
                "tooltip": [{"field": "plan", "title": "draft"}, {"field": "point"},
                            {"field": "party"},
                            {"field": "given_up", "title": "utility given up", "format": ".3f"}],
                "color": {"field": "given_up", "type": "quantitative",
                          "title": "utility given up",
                          "scale": {"domain": [0, top / 2, top],
                                    "range": ["#ffffff", "#fb6a4a", "#67000d"],
                                    "interpolate": "lab"},
                          "legend": {"orient": "right", "gradientLength": 160}},
            },
        },
    }
    heaviest = max(rows, key=lambda r: float(r[2])) if rows else None
    summary = (
        f"Utility each party gives up on each of {len(points)} points, relative to its best "
        f"option on that point, in {len(drafts)} draft(s); darker means a bigger concession."
        + (f" The largest total concession is {heaviest[1]}'s in {heaviest[0]} "
           f"({heaviest[2]})." if heaviest else "")
    )
    title = "Who concedes what: utility given up per point"
    subtitle = "0 = the party's best option on that point; interaction terms not attributed"
    return Chart("concessions", title, _spec(title, subtitle, body), summary,
                 ("draft", "party", "total given up", "largest single concession"),
                 tuple(rows))


# ------------------------------------------------------------------ (c) acceptance
def acceptance_chart(scenario: Scenario, result: Robustness) -> Chart:
    """Probability that each party accepts each draft, and that the draft is ratified.

    Left: a heatmap of acceptance probabilities (draft x party) with the percentage written
    in each cell. Right: the ratification probability with its Wilson 95% interval.
    """
    order = [r.title for r in result.plans]
    cells = [{"plan": r.title, "party": pid, "p": r.accept_probability[pid]}
             for r in result.plans for pid in scenario.party_ids]
    ratify = [{"plan": r.title, "p": r.ratify_probability, "lo": r.ratify_ci[0],
               "hi": r.ratify_ci[1]} for r in result.plans]
    height = max(40, 30 * len(order))
    y = {"field": "plan", "type": "nominal", "sort": order, "title": None}
    accept_tip = [{"field": "plan", "title": "draft"}, {"field": "party"},
                  {"field": "p", "title": "P(accepts)", "format": ".1%"}]
    ratify_tip = [{"field": "plan", "title": "draft"},
                  {"field": "p", "title": "P(ratified)", "format": ".1%"},
                  {"field": "lo", "title": "95% low", "format": ".1%"},
                  {"field": "hi", "title": "95% high", "format": ".1%"}]
    heat = {
        "data": {"values": cells},
        "title": "P(party accepts)",
        "width": {"step": 52}, "height": height,
        "encoding": {"x": {"field": "party", "type": "nominal", "title": None,
                           "sort": list(scenario.party_ids), "axis": {"labelAngle": 0}},
                     "y": y},
        "layer": [
            {"mark": {"type": "rect", "stroke": "white"},
             "encoding": {"tooltip": accept_tip,
                          "color": {"field": "p", "type": "quantitative", "title": "P(accepts)",
                                    "scale": {"scheme": "blues", "domain": [0, 1]},
                                    "legend": {"format": ".0%", "orient": "right",
                                               "gradientLength": 120}}}},
            {"mark": {"type": "text", "fontSize": 11},
             "encoding": {"tooltip": accept_tip,
                          "text": {"field": "p", "type": "quantitative", "format": ".0%"},
                          "color": {"condition": {"test": "datum.p > 0.55", "value": "white"},
                                    "value": "black"}}},
        ],
    }
    ratify_panel = {
        "data": {"values": ratify},
        "title": "P(ratified) with 95% interval",
        "width": 240, "height": height,
        "encoding": {"y": {**y, "axis": {"labels": False, "ticks": False, "domain": False}}},
        "layer": [
            {"mark": {"type": "rule", "strokeWidth": 2, "color": "#555"},
             "encoding": {"x": {"field": "lo", "type": "quantitative", "title": "probability",
                                "scale": {"domain": [0, 1]}, "axis": {"format": ".0%"}},
                          "x2": {"field": "hi"}, "tooltip": ratify_tip}},
            {"mark": {"type": "point", "filled": True, "size": 80, "color": "#08519c"},
             "encoding": {"x": {"field": "p", "type": "quantitative"},
                          "tooltip": ratify_tip}},
            {"mark": {"type": "text", "align": "left", "dx": 8, "dy": -9, "fontSize": 10},
             "encoding": {"x": {"field": "p", "type": "quantitative"}, "tooltip": ratify_tip,
                          "text": {"field": "p", "type": "quantitative", "format": ".1%"}}},
        ],
    }
    body = {"hconcat": [heat, ratify_panel], "spacing": 24,
            "resolve": {"scale": {"color": "independent"}}}
    rows = tuple(
        (r.title, *[_pct(r.accept_probability[p]) for p in scenario.party_ids],
         f"{r.ratify_probability:.1%}", f"[{r.ratify_ci[0]:.1%}, {r.ratify_ci[1]:.1%}]")
        for r in result.plans
    )
    best = max(result.plans, key=lambda r: r.ratify_probability, default=None)
    if best is None:
        verdict = ""
    elif best.ratify_probability <= 0.0:
        hi = max(r.ratify_ci[1] for r in result.plans)
        verdict = (f" Most likely to be ratified: none; every draft at 0% (95% intervals up "
                   f"to {hi:.1%}).")
    else:
        verdict = (f" Most likely to be ratified: {best.title}, {best.ratify_probability:.1%} "
                   f"(95% interval {best.ratify_ci[0]:.1%} to {best.ratify_ci[1]:.1%}).")
    summary = (
        f"Monte Carlo over {result.samples} draws of {result.uncertain_parameters} uncertain "
        f"numbers (seed {result.seed}): probability that each party accepts each draft and "
        "that the draft is ratified." + verdict
    )
    title = "How sure are we? Acceptance under uncertainty"
    subtitle = f"{result.samples} draws of {result.uncertain_parameters} uncertain numbers"
    return Chart("acceptance", title, _spec(title, subtitle, body), summary,
                 ("draft", *[f"P({p} accepts)" for p in scenario.party_ids], "P(ratified)",
                  "95% interval"), rows)


# --------------------------------------------------------------------- (d) changes
_TWO_LINES = ("indexof(datum.label, ' → ') < 0 ? datum.label : "
              "[split(datum.label, ' → ')[0] + ' →', split(datum.label, ' → ')[1]]")


def step_label(c: Comparison) -> str:
    """``"earlier → revision"`` for a comparison."""
    return f"{c.a.plan.name} → {c.b.plan.name}"


def change_chart(scenario: Scenario, comparisons: Sequence[Comparison]) -> Chart:
    """Each party's utility change from each draft to its revision (one panel per step)."""
    steps = [step_label(c) for c in comparisons]
    values = [{"step": step_label(c), "party": p, "delta": c.utility_change[p],
               "direction": "gain" if c.utility_change[p] >= 0 else "loss"}
              for c in comparisons for p in scenario.party_ids]
    top = max((abs(d) for c in comparisons for d in c.utility_change.values()), default=0.0)
    top = max(0.1, round(top + 0.05, 1))
    change_tip = [{"field": "step", "title": "revision"}, {"field": "party"},
                  {"field": "delta", "title": "change in utility", "format": "+.3f"}]
    y = {"field": "delta", "type": "quantitative", "title": "change in utility",
         "scale": {"domain": [-top, top]}, "axis": {"format": "+.2f", "grid": True}}
    body = {
        "data": {"values": values},
        "facet": {"field": "step", "type": "nominal", "sort": steps, "title": None,
                  "header": {"labelLimit": 240, "labelExpr": _TWO_LINES}},
        "columns": min(3, max(1, len(steps))),
        "spec": {
            "width": {"step": 44}, "height": 200,
            "encoding": {"x": {"field": "party", "type": "nominal", "title": None,
                               "sort": list(scenario.party_ids), "axis": {"labelAngle": 0}},
                         "y": y},
            "layer": [
                {"mark": {"type": "bar", "width": {"band": 0.7}},
                 "encoding": {"tooltip": change_tip,
                              "color": {"field": "direction", "type": "nominal", "title": None,
                                        "scale": {"domain": ["gain", "loss"],
                                                  "range": [_GAIN, _LOSS]}}}},
                {"mark": {"type": "rule", "color": "#333"}, "encoding": {"y": {"datum": 0}}},
                {"mark": {"type": "text", "fontSize": 10, "dy": -7},
                 "transform": [{"filter": "datum.delta >= 0"}],
                 "encoding": {"tooltip": change_tip,
                              "text": {"field": "delta", "type": "quantitative",
                                       "format": "+.2f"}}},
                {"mark": {"type": "text", "fontSize": 10, "dy": 8},
                 "transform": [{"filter": "datum.delta < 0"}],
                 "encoding": {"tooltip": change_tip,
                              "text": {"field": "delta", "type": "quantitative",
                                       "format": "+.2f"}}},
            ],
        },
    }
    rows = tuple(
        (step_label(c), *[f"{c.utility_change[p]:+.3f}" for p in scenario.party_ids],
         str(len(c.changes)))
        for c in comparisons
    )
    summary = (
        f"Change in each party's utility across {len(comparisons)} revision step(s). "
        + "; ".join(f"{step_label(c)}: {len(c.changes)} point(s) changed, gained "
                    f"{_names(c.winners)}, lost {_names(c.losers)}" for c in comparisons)
        + "."
    )
    title = "Who gained from each revision"
    subtitle = "total utility change from one draft to the next; blue = gain, red = loss"
    return Chart("changes", title, _spec(title, subtitle, body), summary,
                 ("step", *[f"Δ{p}" for p in scenario.party_ids], "points changed"), rows)


# ---------------------------------------------------------------------- rendering
_REF = re.compile(r'((?<![\w-])id="|url\(#|href="#)([^")]+)')


#: Rendered specs kept (the SVG text of the last few charts; a report has five or six).
_KEEP = 32
#: A chart small enough to start the engine with.
_WARM_UP_SPEC: dict[str, Any] = {
    "$schema": SCHEMA, "data": {"values": [{"x": 0}]}, "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}
_lock = threading.Lock()
_pool: list[ThreadPoolExecutor] = []
_rendered: OrderedDict[str, Future[str]] = OrderedDict()


def _render(spec_json: str) -> str:
    import vl_convert

    return str(vl_convert.vegalite_to_svg(json.loads(spec_json), allowed_base_urls=[]))


def _start(spec: dict[str, Any]) -> tuple[str, Future[str]]:
    """The rendering of ``spec``: started now in a background thread unless it already was."""
    key = json.dumps(spec)  # also a private copy: the caller may change ``spec`` later
    with _lock:
        job = _rendered.get(key)
        if job is None:
            if not _pool:
                _pool.append(ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1),
                                                thread_name_prefix="accord-svg"))
            job = _rendered[key] = _pool[0].submit(_render, key)
            while len(_rendered) > _KEEP:
                _rendered.popitem(last=False)
        else:
            _rendered.move_to_end(key)
    return key, job


def warm_up() -> None:
    """Start ``vl_convert``'s JavaScript engine in the background (first chart: seconds)."""
    _start(_WARM_UP_SPEC)


def prerender(charts: Iterable[Chart]) -> None:
    """Start rendering ``charts`` in background threads; :func:`to_svg` collects them."""
    for chart in charts:
        _start(chart.spec)


def to_svg(chart: Chart, prefix: str | None = None) -> str:
    """Render ``chart`` to an SVG string offline, ready to inline in HTML.

    Element ids (gradients, clip paths) are renamed ``<prefix>-1``, ``<prefix>-2``, ...
    (default prefix: the chart's key) so that several charts can share one page and the
    same chart always renders to the same text; the XML namespace declarations, which
    HTML does not need, are dropped. External data loads are refused. A spec already
    rendered (or started by :func:`prerender`) is not rendered again.
    """
    key, job = _start(chart.spec)
    try:
        svg = job.result()
    except BaseException:
        with _lock:
            if _rendered.get(key) is job:
                del _rendered[key]  # a failed rendering is retried next time
        raise
    pre = prefix or chart.key
    names: dict[str, str] = {}

    def rename(m: re.Match[str]) -> str:
        new = names.setdefault(m.group(2), f"{pre}-{len(names) + 1}")
        return f"{m.group(1)}{new}"

    svg = _REF.sub(rename, svg)
    svg = svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)
    if "xlink:" not in svg.replace("xmlns:xlink", ""):
        svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "", 1)
    return svg


def to_png(chart: Chart, scale: float = 1.0) -> bytes:
    """Render ``chart`` to PNG bytes offline (for previews and checks)."""
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(chart.spec, scale=scale, allowed_base_urls=[]))
