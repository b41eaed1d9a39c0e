"""Domestic constituents in the file format, the model and the evaluation of plans."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from accord.analysis.evaluate import evaluate_plan
from accord.cli import app
from accord.formats.file_model import json_schema
from accord.formats.scenario_file import dump_scenario, loads_scenario
from accord.model import Constituent, FileFormatError, Plan, UnknownIdError

FIXTURE = Path(__file__).parent.parent / "fixtures" / "two-level.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(k for k, line in enumerate(text.splitlines(), 1) if needle in line)


def test_constituents_are_not_parties_at_the_table() -> None:
    s = loads_scenario(TEXT, "two-level.yaml")
    assert s.party_ids == ("A", "B", "C")
    assert s.constituent_ids == ("A-voters", "B-parliament")
    voters = s.constituents[0]
    assert voters == Constituent("A-voters", "A", "Alpha's voters",
                                 frozenset({("land", "swap")}),
                                 "a referendum on any land swap",
                                 "the constitution requires one", ("T1",))
    assert not voters.always and s.constituents[1].always
    assert s.constituents_of("B") == (s.constituents[1],)
    assert s.consulted(voters, {"land": "swap"}) and not s.consulted(voters, {"land": "keep"})
    assert s.title_of("A-voters") == "Alpha's voters" and s.title_of("B") == "Beta"
    with pytest.raises(UnknownIdError):
        s.title_of("nobody")


def test_round_trip_and_schema() -> None:
    s = loads_scenario(TEXT, "two-level.yaml")
    again = loads_scenario(dump_scenario(s), "again.yaml")
    assert again.constituents == s.constituents
    assert again.preferences == s.preferences
    schema = json_schema()
    jsonschema.validate(json.loads(dump_scenario(s, fmt="json")), schema)
    party = schema["$defs"]["PartyIn"]["properties"]
    assert {"constituent_of", "consulted_when", "why", "sources"} <= set(party)


@pytest.mark.parametrize(
    ("old", "new", "field", "anchor", "reason"),
    [
        ("constituent_of: B}", "constituent_of: D}", "parties[4].constituent_of",
         "constituent_of: D", "constituent_of: 'D' is not a party"),
        ("constituent_of: B}", "constituent_of: A-voters}", "parties[4].constituent_of",
         "constituent_of: A-voters", "nesting is not supported"),
        ("consulted_when: [land.swap]", "consulted_when: [land.swop]",
         "parties[3].consulted_when", "consulted_when: [land.swop]", "no option 'swop'"),
        ("consulted_when: [land.swap]", "consulted_when: []",
         "parties[3].consulted_when", "consulted_when: []", "omit it"),
        ("  B-parliament:\n", "  B-parlament:\n", "parties[4]",
         "id: B-parliament", "'B-parliament' has no preferences"),
        ("{id: C, name: Gamma}", "{id: C, name: Gamma, consulted_when: [land.swap]}",
         "parties[2].consulted_when", "id: C, name: Gamma", "constituents only"),
        ("sources: [T1]}", "sources: [T7]}", "parties[3].sources", "sources: [T7]",
         "not in the sources list"),
    ],
)
def test_bad_constituents_name_file_line_and_reason(old: str, new: str, field: str,
                                                     anchor: str, reason: str) -> None:
    text = TEXT.replace(old, new)
    assert text != TEXT
    with pytest.raises(FileFormatError) as info:
        loads_scenario(text, "bad.yaml")
    err = info.value
    assert err.field == field
    assert err.line == line_of(text, anchor)
    assert reason in err.reason


def test_a_cycle_with_a_missing_party_entry() -> None:
    # A-voters' parent B-parliament, whose parent is A-voters: a cycle of two
    text = TEXT.replace("constituent_of: A, consulted_when", "constituent_of: B-parliament, "
                        "consulted_when").replace("constituent_of: B}", "constituent_of: A-voters}")
    with pytest.raises(FileFormatError, match="cycle: A-voters -> B-parliament -> A-voters"):
        loads_scenario(text, "bad.yaml")


def test_a_constituent_without_preferences_is_refused(tmp_path: Path) -> None:
    start = TEXT.index("  B-parliament:\n")
    end = TEXT.index("constraints:")
    text = TEXT[:start] + TEXT[end:]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    line = line_of(text, "id: B-parliament")
    assert f"bad.yaml:{line}" in result.output.replace("\n", "")
    assert "has no preferences" in result.output
    assert path.read_text(encoding="utf-8") == text


def test_unknown_parent_on_the_cli_is_exit_2_and_leaves_the_file(tmp_path: Path) -> None:
    text = TEXT.replace("constituent_of: B}", "constituent_of: XX}")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(path)])
    assert result.exit_code == 2, result.output
    flat = result.output.replace("\n", "")
    assert f"bad.yaml:{line_of(text, 'constituent_of: XX')}" in flat
    assert "constituent_of: 'XX' is not a party" in flat
    assert path.read_text(encoding="utf-8") == text


def test_a_consulted_constituent_that_refuses_blocks_through_its_party() -> None:
    s = loads_scenario(TEXT, "two-level.yaml")
    # "first": money lots gives B's parliament 0 < 0.3, so B refuses though B itself gains
    e = evaluate_plan(s, s.plan("first"))
    b = e.outcome("B")
    assert b.margin > 0 and not b.acceptable
    assert b.vetoed_by == ("B/B-parliament",)
    gate = {c.constituent: c for c in e.constituents}
    assert gate["B-parliament"].consulted and not gate["B-parliament"].accepts
    # A-voters are not consulted (no land swap) though they would refuse
    assert not gate["A-voters"].consulted and not gate["A-voters"].accepts
    assert gate["A-voters"].red_lines_hit == ("guarantee.weak",)
    assert e.outcome("A").vetoed_by == ()


def test_blocking_names_the_constituent_under_unanimity() -> None:
    text = TEXT.replace("ratification: {rule: k-of-n, k: 2, veto: [A]}",
                        "ratification: {rule: unanimity}")
    s = loads_scenario(text, "two-level.yaml")
    plan = Plan("p", {"land": "swap", "guarantee": "weak", "money": "some"})
    e = evaluate_plan(s, plan)
    # the swap consults A's voters, who refuse a weak guarantee (their red line)
    assert e.outcome("A").vetoed_by == ("A/A-voters",)
    assert not e.ratified
    assert "A/A-voters" in e.blocking_parties
    # A's own verdict: named only when A itself refuses
    assert ("A" in e.blocking_parties) == (e.outcome("A").margin < -1e-9)
    d = e.to_dict()
    assert d["constituents"]["A-voters"] == {
        "constituent_of": "A", "consulted": True,
        "utility": pytest.approx(0.45), "reservation": 0.6,
        "margin": pytest.approx(-0.15), "accepts": False,
        "red_lines_hit": ["guarantee.weak"]}
    assert d["parties"]["A"]["vetoed_by"] == ["A/A-voters"]
    json.dumps(d)


def test_evaluate_json_on_the_cli_lists_constituents() -> None:
    result = CliRunner().invoke(app, ["evaluate", str(FIXTURE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    plans = data if isinstance(data, list) else data["plans"]
    second = next(p for p in plans if p["plan"] == "second")
    assert second["constituents"]["A-voters"]["consulted"] is True
    assert second["constituents"]["A-voters"]["accepts"] is True
    assert second["ratified"] is True


def test_report_and_workbench_show_constituents(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    src = tmp_path / "two-level.yaml"
    src.write_text(TEXT.replace(
        "  A-voters:\n    form: weights\n    reservation: 0.6\n",
        "  A-voters:\n    form: weights\n    reservation: {value: 0.6, why: polls}\n"),
        encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "vetoed by B/B-parliament" in html
    assert "Domestic constituent of A, consulted when a package has land.swap" in html
    assert "a domestic constituent)" in html  # the assumptions table of each constituent

    from accord.web.views import plan_view
    from accord.web.workspace import Loaded

    s = loads_scenario(TEXT.replace("ratification: {rule: k-of-n, k: 2, veto: [A]}",
                                    "ratification: {rule: unanimity}"), "two-level.yaml")
    view = plan_view(Loaded("t", s), s.plan("first"), None)
    assert "Beta (Beta's parliament)" in view.blocking
    row = next(r for r in view.rows if r.party == "B")
    assert row.vetoed_by == ("Beta's parliament",) and not row.acceptable
