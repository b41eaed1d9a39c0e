"""What a "no agreement" rests on (api.openings) and the wording of unimprovable drafts."""

from __future__ import annotations

import pytest

from accord.app import api
from accord.model import NoAgreementError, Plan


def test_ukraine_has_no_zone_of_agreement_and_says_what_that_rests_on() -> None:
    s = api.load("ukraine-2025")
    with pytest.raises(NoAgreementError):
        api.solve(s, "nash")
    found = api.openings(s)
    assert {(o.relaxation.kind, o.relaxation.who) for o in found} == {
        ("soft red lines", "RU"), ("constituent", "UA-voters")}
    for o in found:
        relaxed = o.relaxation.scenario
        assert o.opens, o.relaxation.what
        # the package is the exact Nash package of the relaxed scenario ...
        assert o.choices == api.solve(relaxed, "nash").choices
        package = Plan("opening", o.choices)
        (inside,) = api.evaluate(relaxed, package, dominance=False)
        assert inside.ratified and all(r.acceptable for r in inside.parties)
        # ... and the nominal scenario refuses it: the relaxed assumption is what blocks it
        (nominal,) = api.evaluate(s, package, dominance=False)
        assert not nominal.ratified
        assert set(o.relaxation.points) <= set(o.choices)
        assert o.to_dict()["choices"] == {p: o.choices[p] for p in o.relaxation.points}


def test_no_structural_assumption_means_no_openings() -> None:
    assert api.openings("harbour-teaching") == []


def test_an_inadmissible_draft_is_not_called_pareto_optimal() -> None:
    s = api.load("ukraine-2025")
    result = api.improve(s, "us-28-point", limit=1)
    assert result.pareto_optimal and not result.admissible
    assert "not a Pareto-optimal agreement" in result.verdict
    assert result.to_dict()["admissible"] is False


def test_an_admissible_unimprovable_package_is_pareto_optimal() -> None:
    s = api.load("harbour-teaching")
    nash = Plan("nash", api.solve(s, "nash").choices)
    result = api.improve(s, nash, limit=1)
    assert result.pareto_optimal and result.admissible
    assert result.verdict == "already Pareto-optimal"
