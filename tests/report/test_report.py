"""The HTML report: one self-contained, escaped file with every chart and its text alternative."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.analysis.evaluate import evaluate_all
from accord.analysis.robustness import robustness
from accord.app import api
from accord.app.api import draft_chain
from accord.app.catalog import resolve
from accord.cli import app
from accord.formats.scenario_file import load_scenario, loads_scenario
from accord.model import Scenario
from accord.report import charts as ch
from accord.report.html import build_charts, build_report

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tiny.yaml"
runner = CliRunner()
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
HOSTILE = "<script>alert(1)</script>"


class Audit(HTMLParser):
    """Collects tags, attributes pointing outside, ids, and checks that tags balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: dict[str, int] = {}
        self.outside: list[tuple[str, str, str]] = []
        self.ids: list[str] = []
        self.figures: list[dict[str, str]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            v = (value or "").strip().lower()
            if name == "id":
                self.ids.append(value or "")
            if re.match(r"^(https?:)?//", v) or v.startswith(("javascript:", "data:")) \
                    or "url(http" in v:
                self.outside.append((tag, name, v))
        if tag == "figure":
            self.figures.append({})
            self._text = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "figure":
            self.figures[-1]["text"] = "".join(self._text)

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def audit(text: str) -> Audit:
    a = Audit()
    a.feed(text)
    a.close()
    return a


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return load_scenario(FIXTURE)


def make_report(s: Scenario, samples: int = 300, **kw: object) -> str:
    evals = evaluate_all(s)
    result = robustness(s, list(s.plans), np.random.default_rng(7), samples, seed=7)
    return build_report(s, evals, result, [c.raw for c in api.chain(s)], **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def report(tiny: Scenario) -> str:
    return make_report(tiny)


# ------------------------------------------------------------------ one clean file
def test_report_is_one_well_formed_document(report: str) -> None:
    assert report.startswith("<!DOCTYPE html>")
    assert report.count("<html") == 1 and report.rstrip().endswith("</html>")
    a = audit(report)
    assert a.errors == [] and a.stack == []
    assert len(a.ids) == len(set(a.ids)), "element ids must be unique across inline SVGs"


def test_report_loads_nothing_from_outside(report: str) -> None:
    low = report.lower()
    for needle in ("<script", "<link", "url(http", "@import", "<iframe", "<img", "<object",
                   "<embed", "src="):
        assert needle not in low, needle
    assert audit(report).outside == []


def test_links_in_text_are_plain_anchors_only(tiny: Scenario) -> None:
    text = FIXTURE.read_text().replace('"A made-up source"',
                                       '"See https://example.org/a?b=1&c=2 for details"')
    html = make_report(loads_scenario(text, "linked"))
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">' in html
    outside = audit(html).outside
    assert outside and all(tag == "a" and attr == "href" for tag, attr, _ in outside)


# ---------------------------------------------------------------------- the charts
def test_one_svg_per_chart_each_with_its_text_alternative(tiny: Scenario, report: str) -> None:
    evals = evaluate_all(tiny)
    result = robustness(tiny, list(tiny.plans), np.random.default_rng(7), 300, seed=7)
    charts = build_charts(tiny, evals, result, [c.raw for c in api.chain(tiny)])
    assert [c.key for c in charts] == ["utility", "concessions", "acceptance", "changes"]
    assert report.count("<svg") == len(charts)
    figures = audit(report).figures
    assert len(figures) == len(charts)
    for chart, fig in zip(charts, figures, strict=True):
        assert chart.title and chart.summary and chart.rows
        assert all(len(r) == len(chart.columns) for r in chart.rows)
        assert f'id="chart-{chart.key}"' in report
        text = " ".join(fig["text"].split())
        assert " ".join(chart.summary.split()) in text
        assert "The numbers behind this chart" in text


def test_chart_specs_are_json_vega_lite_v5(tiny: Scenario) -> None:
    evals = evaluate_all(tiny)
    chart = ch.utility_chart(tiny, evals)
    spec = json.loads(json.dumps(chart.spec))
    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert spec["title"]["text"] == chart.title
    refusals = [r for r in chart.rows if r[5] != ch.ACCEPTS]
    assert refusals == [("First draft", "A", "0.320", "0.450", "-0.130", ch.RED_LINE)]
    png = ch.to_png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_concessions_for_one_draft(tiny: Scenario) -> None:
    chart = ch.concessions_chart(tiny, evaluate_all(tiny), plan="second")
    assert {r[0] for r in chart.rows} == {"Second draft"}
    assert "<svg" in ch.to_svg(chart)


# ------------------------------------------------------------------------ escaping
def test_scenario_text_is_escaped() -> None:
    text = (FIXTURE.read_text()
            .replace("name: Alpha", f'name: "{HOSTILE}"')
            .replace("title: First draft", 'title: "<img src=x onerror=alert(1)>"')
            .replace("title: Land", 'title: "<b onmouseover=alert(1)>Land</b>"')
            .replace('"walks away if too little"', f'"{HOSTILE} walks away"'))
    html = make_report(loads_scenario(text, "hostile"))
    low = html.lower()
    assert "<script" not in low and "<img" not in low and "<b onmouseover" not in low
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # table cells and the SVG labels
    a = audit(html)
    assert a.errors == [] and a.outside == []


def test_extra_sections_hook(report: str, tiny: Scenario) -> None:
    html = make_report(tiny, extra_sections=[(f"Fair deal {HOSTILE}", "<p>frag</p>")])
    assert '<section id="extra-1"><h2>Fair deal &lt;script&gt;' in html
    assert "<p>frag</p>" in html
    assert '<a href="#extra-1">' in html
    assert html.index('id="robustness"') < html.index('id="extra-1"') < html.index('id="notes"')


def test_report_without_robustness_or_revisions(tiny: Scenario) -> None:
    evals = evaluate_all(tiny)
    html = build_report(tiny, evals[:1], None, [])
    assert html.count("<svg") == 2  # utility and concessions
    assert "No robustness analysis" in html and "nothing to compare" in html
    assert audit(html).errors == []


# ---------------------------------------------------------------- sections' content
def test_summary_sections(report: str) -> None:
    for heading in ("Scenario", "Drafts at a glance", "Charts", "How the drafts evolved",
                    "Robustness", "Modelling notes and assumptions"):
        assert f"<h2>{heading}</h2>" in report
    assert "at least 2 parties accept, veto: A" in report
    assert "red line: land.cede" in report
    assert "walks away if too little" in report  # a driver's rationale and an assumption
    assert report.count('class="changed"') >= 3  # three points changed, plus the legend


def test_draft_chain_follows_the_lineage(tiny: Scenario) -> None:
    assert [p.id for p in draft_chain(tiny)] == ["first", "second"]  # no lineage: file order
    ukraine = resolve("ukraine-2025")
    # 28-point -> {E3 (23 Nov), Geneva (24 Nov)}; Geneva -> December (audit M4)
    assert [p.id for p in draft_chain(ukraine)] == [
        "us-28-point", "e3-counter", "geneva-19-point", "us-ukraine-20-point"]
    steps = [(c.raw.a.plan.id, c.raw.b.plan.id) for c in api.chain(ukraine)]
    assert steps == [("us-28-point", "e3-counter"), ("us-28-point", "geneva-19-point"),
                     ("geneva-19-point", "us-ukraine-20-point")]


def test_report_draws_the_lineage_as_a_tree_and_marks_changes_against_the_parent() -> None:
    s = resolve("ukraine-2025")
    comparisons = [c.raw for c in api.chain(s)]
    from accord.report.sections import chain_section, drafts_of

    plans = drafts_of(comparisons)
    html = chain_section(s, plans, comparisons)
    tree = html[html.index('<ul class="lineage">'):]
    tree = tree[:tree.index("<p>")]
    # E3 and Geneva both hang under the 28-point draft, December under Geneva
    assert re.search(r"28-point draft</strong> <span class=\"muted\">2025-11-20</span><ul>"
                     r"<li><strong>E3 counter-proposal</strong>.*?</li>"
                     r"<li><strong>Geneva revision \(19 points\)</strong>.*?<ul>"
                     r"<li><strong>US–Ukraine 20-point framework</strong>", tree)
    # amnesty: the 28-point draft has it, E3 and Geneva drop it, December keeps Geneva's.
    # Geneva's column sits right of E3's (same option) but is marked changed: it is
    # compared with the 28-point text it revised, not with its neighbour.
    rows = html.split("<tr")
    amnesty = next(r for r in rows if ">Amnesty<" in r)
    cells = amnesty.split("<td")[3:]  # after '#' and 'point'
    assert [("▲" in c) for c in cells] == [False, True, True, False]


# ------------------------------------------------------------------------------ CLI
def test_cli_report_writes_one_file(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(FIXTURE), "-o", str(out), "--samples", "200"])
    assert result.exit_code == 0, result.output
    assert str(out.resolve()) in result.stdout.replace("\n", "")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary file left
    assert audit(out.read_text(encoding="utf-8")).errors == []


def test_cli_report_is_reproducible(tmp_path: Path) -> None:
    texts = []
    for k in range(2):
        out = tmp_path / f"r{k}.html"
        result = runner.invoke(app, ["report", str(FIXTURE), "-o", str(out), "--samples", "200",
                                     "--seed", "3"])
        assert result.exit_code == 0
        texts.append(out.read_text(encoding="utf-8"))
    assert texts[0] == texts[1]


@pytest.mark.parametrize("args", [
    ["report", "no/such/scenario.yaml"],
    ["report", str(FIXTURE), "-o", "no/such/folder/r.html"],
    ["report", str(FIXTURE), "--samples", "0"],
])
def test_cli_report_bad_input_exits_2(args: list[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.long
def test_cli_demo(tmp_path: Path) -> None:
    out = tmp_path / "demo.html"
    result = runner.invoke(app, ["demo", "-o", str(out), "--samples", "300"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    # the four report charts, the backchannel experiment's and a tornado per draft (six)
    assert html.count("<svg") == 5 + 6
    assert html.count('id="chart-tornado-') == 6
    assert "E3 counter-proposal" in html and "How the drafts evolved" in result.stdout
    assert "What would an efficient, fair deal look like?" in html
    assert "Post-settlement improvements of each draft" in html
    assert "Backchannel experiment" in html
    a = audit(html)
    assert a.errors == [] and len(a.ids) == len(set(a.ids))
    assert all(tag == "a" and attr == "href" for tag, attr, _ in a.outside)


def test_acceptance_summary_names_no_draft_when_none_is_ever_ratified() -> None:
    s = resolve("ukraine-2025")
    result = api.robustness(s, [p for p in s.plans if not p.no_deal], samples=200, seed=3)
    assert all(r.ratify_probability == 0.0 for r in result.raw.plans)
    summary = ch.acceptance_chart(s, result.raw).summary
    assert "none; every draft at 0%" in summary


def test_deal_section_says_when_there_is_no_zone_of_agreement() -> None:
    from accord.report.deal import deal_section
    from accord.report.make import solutions_if_any

    s = resolve("ukraine-2025")  # both territorial conditions held: nothing to bargain over
    assert solutions_if_any(s) == []
    html = deal_section(s, [], [])
    assert "No zone of agreement at the nominal values" in html
    assert "Efficient, fair packages" not in html


def test_solving_ahead_leaves_the_report_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.report.make import report as full_report

    ahead = full_report(resolve("ukraine-2025"), samples=200, seed=5)
    monkeypatch.setattr(api, "solve_ahead", lambda _s: None)  # everything in order
    assert full_report(resolve("ukraine-2025"), samples=200, seed=5) == ahead
