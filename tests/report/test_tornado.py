"""The report's "What flips each draft" section: flips table and tornado chart."""

from __future__ import annotations

import json
from pathlib import Path

from accord.app import api
from accord.report import charts as ch
from accord.report.make import FLIPS_TITLE, report
from accord.report.tornado import flips_rows, tornado_chart

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tiny.yaml"


def test_tornado_chart_has_a_bar_per_ranged_number_and_renders() -> None:
    s = api.load(str(FIXTURE))
    result = api.sensitivity(s, "first")
    chart = tornado_chart(result, "What moves the first draft")
    json.dumps(chart.spec)
    assert chart.spec["$schema"].endswith("vega-lite/v5.json")
    bars = {(r[0], r[1]) for r in chart.rows}
    assert ("A", "reservation") in bars and ("A", "weights.land") in bars
    for row in chart.rows:  # the margin at each end is the party's margin with that number
        party = result.raw.party(row[0])
        bar = next(b for b in party.tornado if b.parameter.endswith(row[1]))
        assert row[3] == f"{bar.margin_low:+.3f}" and row[4] == f"{bar.margin_high:+.3f}"
    svg = ch.to_svg(chart)
    assert svg.lstrip().startswith("<svg") and "reservation" in svg


def test_the_report_has_the_section_with_flips_and_tornado() -> None:
    s = api.load(str(FIXTURE))
    html = report(s, samples=200, seed=1)
    assert f"<h2>{FLIPS_TITLE}</h2>" in html
    start = html.index(f"<h2>{FLIPS_TITLE}</h2>")
    section = html[start:html.index("</section>", start)]
    assert 'id="chart-tornado-1"' in section and "<svg" in section
    for p in s.plans:
        if not p.no_deal:
            for row in flips_rows(api.sensitivity(s, p)):
                assert row[3] in section
