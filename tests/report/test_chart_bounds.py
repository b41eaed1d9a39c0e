"""Every rendered chart shows its text in full and keeps its bars inside their plots.

The report inlines SVG rendered by ``vl_convert``; text that reaches past the SVG's
viewBox is cut off in the reader's browser, and a bar past its plot area is drawn over the
neighbouring panel. Each chart is rendered and measured with :mod:`tests.report.svg_bounds`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from accord.app import api
from accord.app.experiment import experiment_chart_spec
from accord.report import charts as ch
from accord.report.html import build_charts
from accord.web import charts as wc
from tests.report.svg_bounds import layout

SCENARIOS = ("ukraine-2025", "harbour-teaching")


def _report_charts(name: str) -> list[ch.Chart]:
    s = api.load(name)
    rob = api.robustness(s, samples=200, seed=7)
    return build_charts(s, list(api.evaluate(s, dominance=False)), rob.raw,
                        [c.raw for c in api.chain(s)])


def _summary(parties: tuple[str, ...]) -> dict[str, Any]:
    """An experiment summary shaped like ``experiment_summary``'s, with gains of both signs."""
    rng = np.random.default_rng(3)
    arms = {}
    for arm in ("exclusive", "inclusive", "single-text"):
        a, r = float(rng.uniform(0.2, 1)), float(rng.uniform(0, 0.2))
        arms[arm] = {"agreement_rate": a, "agreement_ci": (a / 2, min(1.0, a + 0.1)),
                     "ratification_rate": r, "ratification_ci": (0.0, r + 0.2),
                     "mean_rounds": 12.0, "runs": 8,
                     "gain": {p: float(rng.uniform(-0.3, 0.4)) for p in parties}}
    return {"scenario": "ukraine-2025", "arms": arms,
            "config": {"runs": 8, "seed": 1, "strategies": ["linear"],
                       "drafters": ["US", "RU"]}}


def _all_charts() -> list[tuple[str, ch.Chart]]:
    out = [(f"{name}/{c.key}", c) for name in SCENARIOS for c in _report_charts(name)]
    s = api.load("ukraine-2025")
    summary = _summary(s.party_ids)
    out.append(("experiment (report)", ch.Chart("experiment", "Backchannel experiment",
                                                experiment_chart_spec(summary), "", (), ())))
    out.append(("experiment (web)", wc.experiment_chart(s.party_ids, summary)))
    rng = np.random.default_rng(5)
    offers = [{"round": k // 2, "by": ("US", "RU")[k % 2],
               "utilities": {p: float(rng.uniform(0, 1)) for p in s.party_ids}}
              for k in range(12)]
    out.append(("offers (web)", wc.offers_chart(s.party_ids, offers)))
    for name in SCENARIOS:
        sc = api.load(name)
        front = api.frontier(sc, max_points=40)
        marked = [wc.Marked(e.plan.name, "no deal" if e.plan.no_deal else wc.DRAFT,
                            {o.party: o.utility for o in e.parties}, "",
                            "crosses a red line" if any(o.red_lines_hit for o in e.parties)
                            else "") for e in api.evaluate(sc, dominance=False)]
        x, y = sc.party_ids[:2]
        out.append((f"{name}/frontier (web)",
                    wc.frontier_chart(sc.party_ids, front.raw.utilities, x, y, marked,
                                      exact=front.exact, method=front.method)))
    return out


CHARTS = _all_charts()


@pytest.mark.parametrize(("name", "chart"), CHARTS, ids=[n for n, _ in CHARTS])
def test_text_and_bars_stay_inside(name: str, chart: ch.Chart) -> None:
    drawn = layout(ch.to_svg(chart))
    assert drawn.texts, f"{name}: no text found (the parser lost the drawing)"
    assert not drawn.texts_outside(), f"{name}: text cut off: {drawn.texts_outside()}"
    assert not drawn.bars_outside(), f"{name}: bars outside their plot: {drawn.bars_outside()}"


def test_the_utility_chart_has_a_legend_for_each_mark() -> None:
    chart = next(c for n, c in CHARTS if n == "ukraine-2025/utility")
    texts = {t.what for t in layout(ch.to_svg(chart)).texts}
    assert {ch.RESERVATION_LINE, ch.ACCEPTS, ch.RED_LINE} <= texts


def test_the_experiment_bars_are_inside_the_plots() -> None:
    chart = next(c for n, c in CHARTS if n == "experiment (report)")
    drawn = layout(ch.to_svg(chart))
    assert sum(len(bars) for _, bars in drawn.plots) == 3 * 2 + 3 * 4  # rates + gains


def test_the_checks_can_fail() -> None:
    """A chart whose title is wider than its picture, and bars past their axis, are caught."""
    spec = {"$schema": ch.SCHEMA, "width": 60, "height": 60, "padding": 0,
            "autosize": {"type": "none"},
            "title": {"text": "A title much wider than this tiny chart can ever hold",
                      "anchor": "start"},
            "data": {"values": [{"k": "a", "v": 3.0}, {"k": "b", "v": 0.5}]},
            "mark": {"type": "bar", "clip": False},
            "encoding": {"x": {"field": "k", "type": "nominal"},
                         "y": {"field": "v", "type": "quantitative",
                               "scale": {"domain": [0, 1]}}}}
    drawn = layout(ch.to_svg(ch.Chart("broken", "t", spec, "", (), ())))
    assert drawn.texts_outside()
    assert drawn.bars_outside()


def _marks(node: Any) -> list[dict[str, Any]]:
    """Every unit spec (one with a ``mark``) inside a spec: layers, concats, facets."""
    found = []
    if isinstance(node, dict):
        if "mark" in node:
            found.append(node)
        for key, value in node.items():
            if key not in ("data", "config", "encoding"):
                found += _marks(value)
    elif isinstance(node, list):
        for item in node:
            found += _marks(item)
    return found


@pytest.mark.parametrize(("name", "chart"), CHARTS, ids=[n for n, _ in CHARTS])
def test_every_data_mark_has_a_tooltip(name: str, chart: ch.Chart) -> None:
    """A reader can hover any mark drawn from data (fixed guide lines such as y = 0 excepted)."""
    for unit in _marks(chart.spec):
        enc = unit.get("encoding", {})
        guide = all("datum" in v for v in enc.values() if isinstance(v, dict)) and enc
        if not guide:
            assert "tooltip" in enc, f"{name}: a {unit['mark']} mark has no tooltip"
