"""Vega-Lite specs the workbench needs beyond :mod:`accord.report.charts`.

Same conventions as the report's charts: each builder returns a
:class:`~accord.report.charts.Chart` (spec, title, summary sentence, table rows), parties are
named by their short id, and scenario text travels only as data values.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.report.charts import CONFIG, PADDING, SCHEMA, TITLE_CHARS, Chart, wrap

#: Kinds of marks on the frontier chart, with their shapes. Each named package has its own
#: colour (a legend names it, so no label can overlap another); the shape says its kind.
FRONTIER, DRAFT, INADMISSIBLE = ("Pareto-optimal package", "draft",
                                 "draft crossing a red line or linkage")
_SHAPES = {
    FRONTIER: "circle",
    DRAFT: "square",
    INADMISSIBLE: "cross",
    "Nash": "diamond",
    "Kalai–Smorodinsky": "triangle-up",
    "no deal": "triangle-down",
}
#: Colours of the named packages, in order (Okabe–Ito, colour-blind safe), and of the frontier.
_PALETTE = ("#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
            "#F0E442")
_GREY = "#9e9e9e"


@dataclass(frozen=True)
class Marked:
    """A package to mark on the frontier chart.

    Attributes:
        label: what the reader sees (a draft's title, "Nash", ...).
        kind: one of ``draft``, ``Nash``, ``Kalai–Smorodinsky``, ``no deal``.
        utilities: party id -> utility.
        href: where clicking the mark leads (the plan editor), or empty.
        inadmissible: for a draft that crosses red lines or breaks linkages, which (in
            words); empty for an admissible package.
    """

    label: str
    kind: str
    utilities: Mapping[str, float]
    href: str = ""
    inadmissible: str = ""


def _spec(title: str, subtitle: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA,
            "title": {"text": wrap(title, TITLE_CHARS), "subtitle": wrap(subtitle)},
            "config": CONFIG, "background": "white", "padding": PADDING, **body}


def _kind(m: Marked) -> str:
    return INADMISSIBLE if m.kind == DRAFT and m.inadmissible else m.kind


def frontier_chart(party_ids: Sequence[str], frontier: NDArray[np.float64], x: str, y: str,
                   marked: Sequence[Marked], *, exact: bool, method: str,
                   links: Sequence[str] = ()) -> Chart:
    """Scatter of the Pareto frontier projected on two parties, with packages marked.

    Grey dots are the Pareto-optimal admissible packages (of all parties, projected on the
    ``x`` and ``y`` parties' utilities, so some may look dominated in the projection);
    the named packages (drafts, the Nash and Kalai–Smorodinsky packages, no deal) each get
    a colour, named in the legend, and a shape for their kind. A draft that crosses a red
    line or breaks a linkage is not admissible, so it may lie beyond the frontier: it gets
    its own shape and the text says why. ``links[k]`` is where a click on frontier point
    ``k`` leads (the plan editor with that package); every mark has a tooltip.
    """
    ix, iy = list(party_ids).index(x), list(party_ids).index(y)

    def others(row: Mapping[str, float]) -> str:
        return ", ".join(f"{p} {row[p]:.3f}" for p in party_ids)

    points = [{"x": float(row[ix]), "y": float(row[iy]), "package": FRONTIER,
               "kind": FRONTIER, "all": others(dict(zip(party_ids, map(float, row),
                                                         strict=True))),
               "href": links[k] if k < len(links) else "",
               "note": "click to open it in the plan editor" if k < len(links) else ""}
              for k, row in enumerate(frontier)]
    labels = list(dict.fromkeys(m.label for m in marked))
    marks = [{"x": float(m.utilities[x]), "y": float(m.utilities[y]), "package": m.label,
              "kind": _kind(m), "all": others(m.utilities), "href": m.href,
              "note": (f"not admissible: {m.inadmissible}" if m.inadmissible
                       else "click to open it in the plan editor" if m.href else "")}
             for m in marked]
    kinds = [FRONTIER] * bool(points) + [k for k in _SHAPES if k != FRONTIER
                                         and any(_kind(m) == k for m in marked)]
    colours = {"field": "package", "type": "nominal", "title": "package",
               "scale": {"domain": [FRONTIER] * bool(points) + labels,
                         "range": [_GREY] * bool(points)
                         + [_PALETTE[k % len(_PALETTE)] for k in range(len(labels))]},
               "legend": {"orient": "right", "symbolType": "circle"}}
    shapes = {"field": "kind", "type": "nominal", "title": "kind",
              "scale": {"domain": kinds, "range": [_SHAPES[k] for k in kinds]},
              "legend": {"orient": "right"}}
    tooltip = [{"field": "package"}, {"field": "kind"},
               {"field": "x", "title": f"utility of {x}", "format": ".3f"},
               {"field": "y", "title": f"utility of {y}", "format": ".3f"},
               {"field": "all", "title": "every party"}, {"field": "note"}]
    axis = {"scale": {"domain": [0, 1]}, "axis": {"tickCount": 5, "grid": True}}
    enc = {"x": {"field": "x", "type": "quantitative", "title": f"utility of {x}", **axis},
           "y": {"field": "y", "type": "quantitative", "title": f"utility of {y}", **axis},
           "color": colours, "shape": shapes, "tooltip": tooltip, "href": {"field": "href"}}
    body = {
        "width": 420, "height": 340,
        # the legends stand at the right: room for a wider font than the renderer measures
        "padding": {**PADDING, "right": 110},
        # an empty layer would still be drawn as an unlabelled graphic: leave it out
        "layer": [
            {"data": {"values": points},
             "mark": {"type": "point", "filled": True, "size": 28, "opacity": 0.75,
                      "cursor": "pointer"},
             "encoding": enc},
        ] * bool(points) + [
            {"data": {"values": marks},
             "mark": {"type": "point", "filled": True, "size": 140, "opacity": 1,
                      "stroke": "#222", "strokeWidth": 0.8, "cursor": "pointer"},
             "encoding": enc},
        ],
    }
    how = "exact" if exact else f"not proven complete ({method})"
    title = f"Pareto frontier: {x} against {y}"
    subtitle = (f"grey = Pareto-optimal admissible packages ({len(points)}, {how}); "
                "click a point to open it in the plan editor")
    rows = tuple((m.label, _kind(m), *(f"{m.utilities[p]:.3f}" for p in party_ids))
                 for m in marked)
    best_x = max(points, key=lambda p: p["x"], default=None)
    best_y = max(points, key=lambda p: p["y"], default=None)
    # packages that coincide in this projection are said to
    spots: dict[tuple[float, float], list[str]] = {}
    for m in marked:
        spots.setdefault((round(float(m.utilities[x]), 4), round(float(m.utilities[y]), 4)),
                         []).append(m.label)
    same = [" and ".join(names) for names in spots.values() if len(names) > 1]
    outside = [m for m in marked if m.inadmissible]
    summary = (
        f"{len(points)} Pareto-optimal admissible packages ({how}), plotted by the "
        f"utilities of {x} (across) and {y} (up)."
        + (f" {x} gets at most {best_x['x']:.2f} on the frontier and {y} at most "
           f"{best_y['y']:.2f}." if best_x and best_y else " No admissible package exists.")
        + " "
        + "; ".join(f"{m.label}: {x} {m.utilities[x]:.2f}, {y} {m.utilities[y]:.2f}"
                    for m in marked)
        + "."
        + "".join(f" {m.label} is not admissible ({m.inadmissible}), so it is not one of "
                  "the packages the frontier is drawn from and may lie beyond it."
                  for m in outside)
        + (" " + "; ".join(same) + " fall on the same spot here." if same else "")
    )
    return Chart("frontier", title, _spec(title, subtitle, body), summary,
                 ("package", "kind", *party_ids), rows)


def offers_chart(party_ids: Sequence[str], offers: Sequence[Mapping[str, Any]],
                 title: str = "Offers over time") -> Chart:
    """Each party's utility of each offer put on the table, step by step.

    ``offers`` rows carry ``step`` (event number), ``by`` (who put it on the table) and
    ``utilities`` (party id -> utility of the offer). One line per party; the text
    alternative summarises each proposer's first and last offer.
    """
    values = [{"round": int(o["round"]), "by": str(o["by"]), "party": p,
               "utility": float(o["utilities"][p])} for o in offers for p in party_ids]
    proposers = list(dict.fromkeys(str(o["by"]) for o in offers))
    parties = {"field": "party", "type": "nominal", "title": "utility of",
               "scale": {"domain": list(party_ids)}}
    body = {
        "data": {"values": values},
        "facet": {"field": "by", "type": "nominal", "sort": proposers,
                  "title": "offers made by", "header": {"labelFontWeight": "bold"}},
        "columns": 2,
        "spec": {
            "width": 300, "height": 150,
            "mark": {"type": "line", "strokeWidth": 1.6},
            "encoding": {
                "x": {"field": "round", "type": "quantitative", "title": "round",
                      "axis": {"tickMinStep": 1}},
                "y": {"field": "utility", "type": "quantitative", "title": "utility",
                      "scale": {"domain": [0, 1]}, "axis": {"tickCount": 5}},
                "color": parties, "strokeDash": parties,
                "tooltip": [{"field": "by", "title": "offer by"}, {"field": "round"},
                            {"field": "party", "title": "utility of"},
                            {"field": "utility", "format": ".3f"}],
            },
        },
    }
    by: dict[str, list[Mapping[str, Any]]] = {}
    for o in offers:
        by.setdefault(str(o["by"]), []).append(o)
    rows = []
    for who, items in by.items():
        first, last = items[0], items[-1]
        rows.append((who, str(len(items)),
                     ", ".join(f"{p} {float(first['utilities'][p]):.2f}" for p in party_ids),
                     ", ".join(f"{p} {float(last['utilities'][p]):.2f}" for p in party_ids)))
    summary = (f"{len(offers)} offers by {len(by)} proposer(s), round by round; in each "
               "proposer's panel a line shows what its offers are worth to one party."
               + (" " + "; ".join(f"{r[0]} made {r[1]} offers, the last worth {r[3]}"
                                  for r in rows) + "." if rows else " No offer was made."))
    subtitle = "one panel per proposer; each line is what its offers are worth to one party"
    return Chart("offers", title, _spec(title, subtitle, body), summary,
                 ("proposer", "offers", "first offer (utility of each party)",
                  "last offer (utility of each party)"), tuple(rows))


def experiment_chart(party_ids: Sequence[str], summary: Mapping[str, Any]) -> Chart:
    """Ratification and agreement rates of the backchannel experiment's arms (95% CIs)."""
    arms = summary["arms"]
    values = [{"arm": arm, "rate": float(a["ratification_rate"]),
               "lo": float(a["ratification_ci"][0]), "hi": float(a["ratification_ci"][1])}
              for arm, a in arms.items()]
    tip = [{"field": "arm"}, {"field": "rate", "title": "ratified", "format": ".0%"},
           {"field": "lo", "title": "95% low", "format": ".0%"},
           {"field": "hi", "title": "95% high", "format": ".0%"}]
    x = {"field": "rate", "type": "quantitative", "title": "share of runs ratified",
         "scale": {"domain": [0, 1]}, "axis": {"format": ".0%"}}
    body = {
        "data": {"values": values}, "width": 420, "height": {"step": 34},
        "encoding": {"y": {"field": "arm", "type": "nominal", "sort": list(arms),
                           "title": None}},
        "layer": [
            {"mark": {"type": "rule", "strokeWidth": 2, "color": "#555"},
             "encoding": {"x": {**x, "field": "lo"}, "x2": {"field": "hi"}, "tooltip": tip}},
            {"mark": {"type": "point", "filled": True, "size": 90, "color": "#08519c"},
             "encoding": {"x": x, "tooltip": tip}},
            {"mark": {"type": "text", "dy": -11, "fontSize": 10},
             "encoding": {"x": x, "tooltip": tip, "text": {"field": "rate", "type": "quantitative",
                                           "format": ".0%"}}},
        ],
    }
    runs = next(iter(arms.values()))["runs"] if arms else 0
    rows = tuple(
        (arm, f"{a['agreement_rate']:.0%}",
         f"{a['ratification_rate']:.0%} [{a['ratification_ci'][0]:.0%}, "
         f"{a['ratification_ci'][1]:.0%}]",
         "–" if a["mean_rounds"] is None else f"{a['mean_rounds']:.1f}",
         *("–" if a["gain"][p] is None else f"{a['gain'][p]:+.3f}" for p in party_ids))
        for arm, a in arms.items())
    text = "; ".join(f"{arm}: ratified in {a['ratification_rate']:.0%} of runs"
                     for arm, a in arms.items())
    title = "The backchannel experiment: how often is the text ratified?"
    return Chart("experiment", title,
                 _spec(title, f"{runs} preference draws per arm; lines = 95% intervals", body),
                 f"Over {runs} draws of the uncertain preferences: {text}.",
                 ("arm", "agreement", "ratified [95% interval]", "mean rounds",
                  *(f"mean gain {p}" for p in party_ids)), rows)


def with_columns(chart: Chart, columns: int) -> Chart:
    """A copy of a faceted chart wrapped into at most ``columns`` panels per row.

    The panels then get their own y axis each, so a wrapped row still names its rows.
    """
    spec = copy.deepcopy(chart.spec)
    if int(spec.get("columns", 0)) > columns:
        spec["columns"] = columns
        spec.setdefault("resolve", {}).setdefault("axis", {})["y"] = "independent"
    return dataclasses.replace(chart, spec=spec)


def spec_json(chart: Chart) -> str:
    """The chart's spec as JSON safe to place inside a ``<script type="application/json">``.

    The spec gets the chart's summary as its ``description``, which Vega renders as the
    chart's ``aria-label``.
    """
    spec = chart.spec if "description" in chart.spec else {**chart.spec,
                                                           "description": chart.summary}
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
