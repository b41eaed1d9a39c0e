"""What flips a draft: the tornado chart and the flips table, for the report and the workbench.

Both take a :class:`~accord.app.results.SensitivityResult` (from
:func:`accord.app.api.sensitivity`, the one function every front-end calls).
:func:`tornado_chart` draws, per party, how its margin over its reservation swings as each of
its most influential numbers goes from the low to the high end of its stated range; a bar
that crosses zero marks a number that can flip the party's acceptance on its own.
:func:`flips_rows` gives the flips table's rows, labelled, for a template or the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.app.results import SensitivityResult
from accord.report.charts import CONFIG, SCHEMA, Chart
from accord.report.sections import chart_figure, esc, table

#: Bars per party on the chart (the parameters with the widest swing).
BARS = 5
_LOW, _HIGH = "#e08214", "#2166ac"


def _value(v: float | bool) -> str:
    if isinstance(v, bool):
        return "holds" if v else "dropped"
    return f"{v:.6g}"


def flips_rows(result: SensitivityResult) -> list[tuple[str, str, str, str, str, str]]:
    """(party, accepts, margin, parameter, from, to), one row per flip (or a "none" row)."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    for p in result.raw.parties:
        head = (p.party, "yes" if p.accepts else "no", f"{p.margin:+.3f}")
        if not p.flips:
            rows.append((*head, "nothing within the stated ranges", "", ""))
        rows.extend((*head, f.parameter, _value(f.start), _value(f.to)) for f in p.flips)
    return rows


def tornado_chart(result: SensitivityResult, title: str, key: str = "tornado", *,
                  columns: int = 2, width: int = 260) -> Chart:
    """Per party, the margin at the low and the high end of each top number's range.

    One panel per party (``columns`` panels per row, each ``width`` pixels wide), its own
    parameters on the y axis, widest swing first; each bar runs from the margin at the low
    end to the margin at the high end; the black rule is zero (below it the party refuses)
    and the grey tick the margin at the nominal values.
    """
    values: list[dict[str, Any]] = []
    rows = []
    parties = []
    for p in result.raw.parties:
        bars = [b for b in p.tornado if b.swing > 0][:BARS]
        if not bars:
            continue
        parties.append(p.party)
        for rank, b in enumerate(bars):
            label = b.parameter.removeprefix(f"preferences.{p.party}.")
            values.append({"party": p.party, "parameter": label, "rank": rank,
                           "low": b.margin_low, "high": b.margin_high, "nominal": p.margin,
                           "range": f"{b.low:.4g} to {b.high:.4g}"})
            rows.append((p.party, label, f"{b.low:.4g} to {b.high:.4g}",
                         f"{b.margin_low:+.3f}", f"{b.margin_high:+.3f}", f"{p.margin:+.3f}"))
    x = {"type": "quantitative", "title": "margin over reservation (below 0: refuses)"}
    y = {"field": "parameter", "type": "nominal", "title": None,
         "sort": {"field": "rank", "order": "ascending"}}
    spec = {
        "$schema": SCHEMA,
        "title": {"text": title,
                  "subtitle": "each number alone from the low to the high end of its range"},
        "config": CONFIG, "background": "white",
        "data": {"values": values},
        "facet": {"field": "party", "type": "nominal", "title": None,
                  "sort": parties},
        "columns": columns,
        "resolve": {"scale": {"y": "independent"},
                    "axis": {"x": "independent", "y": "independent"}},
        "spec": {
            "width": width, "height": {"step": 22},
            "layer": [
                {"mark": {"type": "bar", "color": "#bbb", "height": 12},
                 "encoding": {"x": {**x, "field": "low"}, "x2": {"field": "high"}, "y": y,
                              "tooltip": [{"field": "parameter"}, {"field": "range"},
                                          {"field": "low", "format": "+.3f"},
                                          {"field": "high", "format": "+.3f"}]}},
                {"mark": {"type": "point", "filled": True, "color": _LOW, "shape": "square"},
                 "encoding": {"x": {**x, "field": "low"}, "y": y}},
                {"mark": {"type": "point", "filled": True, "color": _HIGH, "shape": "circle"},
                 "encoding": {"x": {**x, "field": "high"}, "y": y}},
                {"mark": {"type": "tick", "color": "#555", "thickness": 2},
                 "encoding": {"x": {**x, "field": "nominal"}, "y": y}},
                {"mark": {"type": "rule", "color": "black", "aria": False},
                 "encoding": {"x": {"datum": 0, "type": "quantitative"}}},
            ],
        },
    }
    crossing = sorted({r[1] for r in rows if (float(r[3]) < 0) != (float(r[4]) < 0)})
    summary = (f"How each party's margin over its reservation on {result.raw.plan} moves as "
               "each of its most influential numbers goes from the low (square) to the high "
               "(circle) end of its range; the grey tick is the nominal margin. ")
    summary += (f"{len(crossing)} bar(s) cross zero: those numbers alone can flip a party."
                if crossing else "No bar crosses zero: no single number flips a party.")
    return Chart(key, title, spec, summary,
                 ("party", "parameter", "range", "margin at low", "margin at high",
                  "nominal margin"), tuple(rows))


def has_bars(result: SensitivityResult) -> bool:
    """Whether some party has a number with a range that moves its margin."""
    return any(b.swing > 0 for p in result.raw.parties for b in p.tornado)


def sensitivity_section(results: Sequence[tuple[str, SensitivityResult]]) -> str:
    """The report's "What flips each draft" section: a flips table and a tornado per draft."""
    parts = ["<p>For each draft and party: the single assumptions whose change, within "
             "their stated ranges, turns the party's acceptance around, with the value just "
             "across the boundary (smallest relative change first). A refusing party's first "
             "row is the smallest change that makes it accept. Numbers without a range are "
             "not moved; see <code>accord sensitivity</code>.</p>"]
    for k, (title, result) in enumerate(results):
        parts.append(f"<h3>{esc(title)}</h3>")
        parts.append(table(["party", "accepts", "margin", "flips when", "from", "to"],
                           [[esc(c) for c in row] for row in flips_rows(result)],
                           cls="compact"))
        if has_bars(result):
            parts.append(chart_figure(tornado_chart(result, f"What moves {title}",
                                                    key=f"tornado-{k + 1}")))
    return "\n".join(parts)
