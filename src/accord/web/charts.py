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

from accord.report.charts import CONFIG, SCHEMA, Chart

#: Kinds of marked packages on the frontier chart, with colour and shape (colour-blind safe).
_MARKS = {
    "draft": ("#e08214", "square"),
    "Nash": ("#1b7837", "diamond"),
    "Kalai–Smorodinsky": ("#762a83", "triangle-up"),
    "no deal": ("#b2182b", "cross"),
}


@dataclass(frozen=True)
class Marked:
    """A package to mark on the frontier chart.

    Attributes:
        label: what the reader sees (a draft's title, "Nash", ...).
        kind: one of ``draft``, ``Nash``, ``Kalai–Smorodinsky``, ``no deal``.
        utilities: party id -> utility.
    """

    label: str
    kind: str
    utilities: Mapping[str, float]


def _spec(title: str, subtitle: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA, "title": {"text": title, "subtitle": subtitle},
            "config": CONFIG, "background": "white", **body}


def frontier_chart(party_ids: Sequence[str], frontier: NDArray[np.float64], x: str, y: str,
                   marked: Sequence[Marked], *, exact: bool, method: str) -> Chart:
    """Scatter of the Pareto frontier projected on two parties, with packages marked.

    Grey dots are the Pareto-optimal admissible packages (of all parties, projected on the
    ``x`` and ``y`` parties' utilities, so some may look dominated in the projection);
    coloured marks are the drafts, the Nash and Kalai–Smorodinsky packages and the
    disagreement point (no deal).
    """
    ix, iy = list(party_ids).index(x), list(party_ids).index(y)
    points = [{"x": float(row[ix]), "y": float(row[iy])} for row in frontier]
    marks = [{"x": float(m.utilities[x]), "y": float(m.utilities[y]), "label": m.label,
              "kind": m.kind} for m in marked]
    kinds = [k for k in _MARKS if any(m.kind == k for m in marked)]
    # One label per spot: packages that coincide in this projection share it.
    spots: dict[tuple[float, float], list[str]] = {}
    for m_ in marked:
        spot = (round(float(m_.utilities[x]), 4), round(float(m_.utilities[y]), 4))
        spots.setdefault(spot, []).append(m_.label)
    labels = [{"x": x_, "y": y_, "label": " = ".join(names)}
              for (x_, y_), names in spots.items()]
    axis = {"scale": {"domain": [0, 1]}, "axis": {"tickCount": 5, "grid": True}}
    body = {
        "width": 420, "height": 340,
        "layer": [
            {"data": {"values": points},
             "mark": {"type": "point", "filled": True, "size": 28, "color": "#9e9e9e",
                      "opacity": 0.75},
             "encoding": {"x": {"field": "x", "type": "quantitative",
                                "title": f"utility of {x}", **axis},
                          "y": {"field": "y", "type": "quantitative",
                                "title": f"utility of {y}", **axis}}},
            {"data": {"values": marks},
             "mark": {"type": "point", "filled": True, "size": 130, "opacity": 1,
                      "stroke": "#222", "strokeWidth": 0.6},
             "encoding": {"x": {"field": "x", "type": "quantitative"},
                          "y": {"field": "y", "type": "quantitative"},
                          "color": {"field": "kind", "type": "nominal", "title": None,
                                    "scale": {"domain": kinds,
                                              "range": [_MARKS[k][0] for k in kinds]}},
                          "shape": {"field": "kind", "type": "nominal", "title": None,
                                    "scale": {"domain": kinds,
                                              "range": [_MARKS[k][1] for k in kinds]}}}},
            {"data": {"values": labels},
             "mark": {"type": "text", "align": "left", "dx": 9, "dy": -8, "fontSize": 10,
                      "limit": 200},
             "encoding": {"x": {"field": "x", "type": "quantitative"},
                          "y": {"field": "y", "type": "quantitative"},
                          "text": {"field": "label", "type": "nominal"}}},
        ],
    }
    how = "exact" if exact else f"not proven complete ({method})"
    title = f"Pareto frontier: {x} against {y}"
    subtitle = f"grey = Pareto-optimal packages ({len(points)}, {how}); marks = named packages"
    rows = tuple((m.label, m.kind, *(f"{m.utilities[p]:.3f}" for p in party_ids))
                 for m in marked)
    best_x = max(points, key=lambda p: p["x"], default=None)
    best_y = max(points, key=lambda p: p["y"], default=None)
    summary = (
        f"{len(points)} Pareto-optimal admissible packages ({how}), plotted by the "
        f"utilities of {x} (across) and {y} (up)."
        + (f" {x} gets at most {best_x['x']:.2f} on the frontier and {y} at most "
           f"{best_y['y']:.2f}." if best_x and best_y else " No admissible package exists.")
        + " "
        + "; ".join(f"{m.label}: {x} {m.utilities[x]:.2f}, {y} {m.utilities[y]:.2f}"
                    for m in marked)
        + "."
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
    x = {"field": "rate", "type": "quantitative", "title": "share of runs ratified",
         "scale": {"domain": [0, 1]}, "axis": {"format": ".0%"}}
    body = {
        "data": {"values": values}, "width": 420, "height": {"step": 34},
        "encoding": {"y": {"field": "arm", "type": "nominal", "sort": list(arms),
                           "title": None}},
        "layer": [
            {"mark": {"type": "rule", "strokeWidth": 2, "color": "#555"},
             "encoding": {"x": {**x, "field": "lo"}, "x2": {"field": "hi"}}},
            {"mark": {"type": "point", "filled": True, "size": 90, "color": "#08519c"},
             "encoding": {"x": x}},
            {"mark": {"type": "text", "dy": -11, "fontSize": 10},
             "encoding": {"x": x, "text": {"field": "rate", "type": "quantitative",
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
