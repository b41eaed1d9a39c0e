"""Plans in the file: provenance, open points, carry-over rules, and their errors."""

from __future__ import annotations

import pytest

from accord.formats.scenario_file import dump_scenario, loads_scenario
from accord.model import FileFormatError, Status

HEAD = """\
accord: 1
id: prov
title: Provenance
sources: {S1: "a text", S2: "another"}
parties: [{id: A}, {id: B}]
issues:
  - id: land
    title: Land
    default: none
    options: [{id: none}, {id: cede}, {id: swap, invented: true, why: "a compromise"}]
  - id: nato
    title: NATO
    default: none
    options: [{id: none}, {id: ban}, {id: open-door}]
  - id: money
    title: Money
    default: none
    options: [{id: none}, {id: some}]
preferences:
  A:
    weights: {land: 1, nato: 1, money: 1}
    values:
      land: {none: 0.5, cede: 0, swap: 0.4}
      nato: {none: 0.5, ban: 0, open-door: 1}
      money: {none: 0, some: 1}
  B:
    weights: {land: 1, nato: 1, money: 1}
    values:
      land: {none: 0.5, cede: 1, swap: 0.6}
      nato: {none: 0.5, ban: 1, open-door: 0}
      money: {none: 1, some: 0}
"""

PLANS = """\
plans:
  - id: first
    sources: [S1]
    choices: {land: cede, nato: ban, money: some}
  - id: second
    sources: [S2]
    inherits: first
    choices:
      nato: {open: [ban, open-door], why: "bracketed"}
      land: {option: swap, sources: [S1, S2]}
  - id: third
    silent: open
    choices: {money: {option: none, assumed: "a guess"}}
  - id: fourth
    choices: {land: none}
"""


def test_provenance_of_every_point() -> None:
    s = loads_scenario(HEAD + PLANS, "p.yaml")
    first = s.provenance(s.plan("first"))
    assert {i: n.status for i, n in first.items()} == dict.fromkeys(
        ("land", "nato", "money"), Status.REPORTED)
    assert first["land"].sources == ("S1",)
    second = s.provenance(s.plan("second"))
    assert second["nato"].status is Status.OPEN and second["nato"].why == "bracketed"
    assert second["land"].status is Status.REPORTED and second["land"].sources == ("S1", "S2")
    assert second["money"].status is Status.ASSUMED
    assert second["money"].why == "carried over from first"
    assert s.plan("second").choices["money"] == "some"
    assert s.plan("second").open["nato"] == {"ban", "open-door"}
    third = s.provenance(s.plan("third"))
    assert third["money"].status is Status.ASSUMED and third["money"].why == "a guess"
    assert third["land"].status is Status.OPEN and third["nato"].status is Status.OPEN
    assert s.plan("third").open["land"] == {"none", "cede", "swap"}
    fourth = s.provenance(s.plan("fourth"))
    assert fourth["nato"].status is Status.ASSUMED and "default" in fourth["nato"].why


def test_silent_option_and_round_trip() -> None:
    text = HEAD + PLANS + """\
  - id: fifth
    silent: none
    choices: {land: cede}
"""
    s = loads_scenario(text, "p.yaml")
    fifth = s.plan("fifth")
    assert dict(fifth.choices) == {"land": "cede", "nato": "none", "money": "none"}
    assert s.provenance(fifth)["nato"].status is Status.ASSUMED
    assert s.issue("land").option("swap").invented
    again = loads_scenario(dump_scenario(s), "again.yaml")
    assert again == s
    assert again.plans == s.plans


def test_revises_is_kept_and_written_back() -> None:
    text = HEAD + PLANS + """\
  - id: fifth
    revises: second
    inherits: second
    choices: {land: cede}
"""
    s = loads_scenario(text, "p.yaml")
    assert s.plan("fifth").revises == "second" and s.plan("first").revises == ""
    # revises is lineage only: the carry-over comes from inherits
    assert s.plan("fifth").open["nato"] == {"ban", "open-door"}
    again = loads_scenario(dump_scenario(s), "again.yaml")
    assert again.plans == s.plans and again.plan("fifth").revises == "second"


def _line(text: str, needle: str) -> int:
    return next(k for k, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("plans", "anchor", "reason"), [
    ("  - {id: a, inherits: ghost, choices: {land: cede}}\n", "ghost", "no plan 'ghost'"),
    ("  - {id: a, inherits: b, choices: {}}\n  - {id: b, inherits: a, choices: {}}\n",
     "inherits: b", "cycle"),
    ("  - {id: a, silent: nowhere, choices: {}}\n", "nowhere", "no point left unlisted"),
    ("  - {id: a, silent: open, inherits: b, choices: {}}\n", "id: a",
     "at most one carry-over rule"),
    ("  - id: a\n    choices: {land: {open: []}}\n", "open: []", "at least one"),
    ("  - id: a\n    choices: {land: {option: cede, open: true}}\n", "open: true",
     "exactly one"),
    ("  - id: a\n    choices: {land: {open: [ghost]}}\n", "id: a", "ghost"),
    ("  - id: a\n    choices: {land: {option: cede, sources: [S9]}}\n", "S9", "S9"),
    ("  - {id: n, no_deal: true, choices: {}}\n  - {id: a, inherits: n, choices: {}}\n",
     "inherits: n", "no deal"),
    ("  - {id: a, revises: ghost, choices: {land: cede}}\n", "ghost", "no plan 'ghost' to revise"),
    ("  - {id: a, revises: b, choices: {}}\n  - {id: b, revises: a, choices: {}}\n",
     "revises: b", "revise each other in a cycle: a -> b -> a"),
    ("  - {id: a, revises: a, choices: {}}\n", "revises: a", "cycle: a -> a"),
    ("  - {id: n, no_deal: true, choices: {}}\n  - {id: a, revises: n, choices: {}}\n",
     "revises: n", "no deal"),
])
def test_bad_plans_name_the_line(plans: str, anchor: str, reason: str) -> None:
    text = HEAD + "plans:\n" + plans
    with pytest.raises(FileFormatError) as info:
        loads_scenario(text, "bad.yaml")
    assert reason in info.value.reason
    assert info.value.line == _line(text, anchor)
