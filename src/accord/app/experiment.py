"""The backchannel experiment as a use-case: run it on a scenario, summarise, chart it.

For the report: ``experiment_summary("ukraine-2025", runs=30, seed=2025)`` gives a
JSON-ready dict; ``experiment_chart_spec(summary)`` gives a Vega-Lite v5 spec (a dict)
of the rates and the utility gains per arm.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from accord.app.catalog import resolve
from accord.model import Scenario
from accord.negotiation.experiment import ARMS, ExperimentConfig, run_experiment, summarise

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
_ARM_LABELS = {"exclusive": "Exclusive drafting + briefing", "inclusive": "Inclusive (SAOP)",
               "single-text": "Single negotiating text"}
_ARM_COLOURS = ["#b2182b", "#2166ac", "#1b7837"]


def experiment_summary(scenario: str | Scenario = "ukraine-2025", *, runs: int = 30,
                       seed: int = 2025, strategies: Sequence[str] = ("linear",),
                       drafters: Sequence[str] = ("US", "RU"), briefing_rounds: int = 3,
                       order: Sequence[str] | None = None, rounds: int = 200,
                       text_rounds: int = 1000, gap: bool = True,
                       progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run the backchannel experiment and summarise it.

    See :mod:`accord.negotiation.experiment` for the arms, the steps and the keys of the
    summary; ``progress`` is called with (sessions done, sessions in all).
    """
    s = resolve(scenario) if isinstance(scenario, str) else scenario
    config = ExperimentConfig(runs=runs, seed=seed, strategies=tuple(strategies),
                              drafters=tuple(drafters), briefing_rounds=briefing_rounds,
                              order=None if order is None else tuple(order), rounds=rounds,
                              text_rounds=text_rounds, gap=gap)
    return summarise(run_experiment(s, config, progress))


def experiment_chart_spec(summary: dict[str, Any]) -> dict[str, Any]:
    """A Vega-Lite v5 spec of an :func:`experiment_summary`.

    Two panels: agreement and ratification rates per arm with Wilson 95% intervals, and
    each party's mean utility gain over its reservation per arm.
    """
    rates = []
    gains = []
    for arm in ARMS:
        a = summary["arms"][arm]
        label = _ARM_LABELS[arm]
        for measure, key in (("agreement", "agreement"), ("ratification", "ratification")):
            lo, hi = a[f"{key}_ci"]
            rates.append({"arm": label, "measure": measure, "rate": a[f"{key}_rate"],
                          "low": lo, "high": hi})
        for party, gain in a["gain"].items():
            gains.append({"arm": label, "party": party, "gain": gain})
    arm_order = [_ARM_LABELS[a] for a in ARMS]
    colour = {"field": "arm", "type": "nominal", "title": None,
              "scale": {"domain": arm_order, "range": _ARM_COLOURS}, "sort": arm_order}
    # each panel has its own bands: the arms' offsets must follow each panel's band width
    offset = {"field": "arm", "type": "nominal", "scale": {"domain": arm_order}}
    cfg = summary["config"]
    return {
        "$schema": SCHEMA,
        "title": {"text": f"Backchannel experiment on {summary['scenario']}",
                  "subtitle": f"{cfg['runs']} preference draws, seed {cfg['seed']}, "
                              f"strategies {', '.join(cfg['strategies'])}; drafters "
                              f"{'+'.join(cfg['drafters'])}"},
        "vconcat": [
            {
                "data": {"values": rates},
                "width": 420, "height": 180,
                "title": {"text": ["How often a text is agreed, and ratified",
                                   "under the scenario's rule (lines: 95% intervals)"],
                          "anchor": "start", "fontSize": 12},
                "layer": [
                    {"mark": {"type": "bar"},
                     "encoding": {
                         "x": {"field": "measure", "type": "nominal", "title": None},
                         "xOffset": offset,
                         "y": {"field": "rate", "type": "quantitative", "title": "rate",
                               "scale": {"domain": [0, 1]}, "axis": {"format": "%"}},
                         "color": colour,
                         "tooltip": [{"field": "arm"}, {"field": "measure"},
                                     {"field": "rate", "format": ".0%"}]}},
                    {"mark": {"type": "rule", "color": "#333"},
                     "encoding": {
                         "x": {"field": "measure", "type": "nominal"},
                         "xOffset": offset,
                         "y": {"field": "low", "type": "quantitative"},
                         "y2": {"field": "high"},
                         "tooltip": [{"field": "arm"}, {"field": "measure"},
                                     {"field": "low", "title": "95% low", "format": ".0%"},
                                     {"field": "high", "title": "95% high", "format": ".0%"}]}},
                ],
            },
            {
                "data": {"values": gains},
                "width": 420, "height": 180,
                "title": {"text": ["Mean utility gain of the agreed text over reservation",
                                   "(no text: 0), ratified or not"],
                          "anchor": "start", "fontSize": 12},
                "mark": {"type": "bar"},
                "encoding": {
                    "x": {"field": "party", "type": "nominal", "title": None},
                    "xOffset": offset,
                    "y": {"field": "gain", "type": "quantitative", "title": "utility gain"},
                    "color": colour,
                    "tooltip": [{"field": "arm"}, {"field": "party"},
                                {"field": "gain", "format": "+.3f"}]},
            },
        ],
        "resolve": {"scale": {"xOffset": "independent"}},
        "config": {"legend": {"orient": "bottom", "labelLimit": 0}},
    }
