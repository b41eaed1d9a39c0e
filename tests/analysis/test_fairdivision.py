"""Tests for Brams & Taylor's Adjusted Winner (accord.analysis.fairdivision) and its file format.

What the property tests check, for random two-party point tables (integers, and exact
rationals, each party's points summing to 100):

* equitability: the two totals are *exactly* equal (Fractions, no tolerance);
* envy-freeness: each party's total is >= 50, and each values its own bundle at least as
  much as the other's bundle (for two parties with 100 points each these are equivalent);
* at most one item is split, shares are in [0, 1] and sum to 1 per item;
* efficiency (Pareto optimality), two independent ways:
  - exactly, by the weighted-sum characterisation for additive utilities: an allocation is
    Pareto-optimal iff some weight t in (0, inf) makes it maximise t*u_A + u_B, i.e. iff
    every item A holds (even partly) has b_i <= t*a_i and every item B holds has
    b_j >= t*a_j. `assert_pareto_exact` checks the cross-multiplied form of this
    (b_i*a_j <= b_j*a_i) plus the zero-point edge cases, in exact arithmetic;
  - numerically, with a small LP (scipy.optimize.linprog, HiGHS): maximise u_A + u_B over
    all fractional allocations subject to u_A >= T_A and u_B >= T_B. A Pareto improvement
    exists iff that maximum exceeds T_A + T_B.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis.fairdivision import (
    SPLIT,
    AdjustedWinnerResult,
    DivisionError,
    DivisionItem,
    PointsLike,
    StepAction,
    adjusted_winner,
    parse_points,
    validate_division,
)
from accord.formats.division_file import load_division, to_json
from accord.model.errors import AccordError, FileFormatError

ZERO, ONE = Fraction(0), Fraction(1)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "division"


# --------------------------------------------------------------------------- helpers


def table(a: Sequence[int | Fraction], b: Sequence[int | Fraction]) -> list[DivisionItem]:
    return [
        DivisionItem(f"item{i}", {"A": Fraction(x), "B": Fraction(y)})
        for i, (x, y) in enumerate(zip(a, b, strict=True))
    ]


def assert_pareto_exact(result: AdjustedWinnerResult) -> None:
    held_a = [o for o in result.items if o.shares[0] > 0]
    held_b = [o for o in result.items if o.shares[1] > 0]
    for o in held_a:
        a_i, b_i = o.points
        assert not (a_i == 0 and b_i > 0), f"A holds {o.name} that only B values"
    for o in held_b:
        a_j, b_j = o.points
        assert not (b_j == 0 and a_j > 0), f"B holds {o.name} that only A values"
    for oi in held_a:
        for oj in held_b:
            a_i, b_i = oi.points
            a_j, b_j = oj.points
            assert b_i * a_j <= b_j * a_i, (oi, oj)


def assert_pareto_lp(result: AdjustedWinnerResult) -> None:
    from scipy.optimize import linprog

    a = [float(o.points[0]) for o in result.items]
    b = [float(o.points[1]) for o in result.items]
    t_a, t_b = (float(t) for t in result.totals)
    # x_i = share of item i held by A.  u_A = sum a_i x_i,  u_B = sum b_i (1 - x_i).
    # maximise u_A + u_B  <=>  minimise -sum (a_i - b_i) x_i.
    c = [-(ai - bi) for ai, bi in zip(a, b, strict=True)]
    a_ub = [[-ai for ai in a], list(b)]  # -u_A <= -T_A ;  sum b_i x_i <= 100 - T_B
    b_ub = [-t_a + 1e-9, 100.0 - t_b + 1e-9]
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=[(0.0, 1.0)] * len(a), method="highs")
    assert res.status == 0, res.message
    best = -res.fun + sum(b)
    assert best <= t_a + t_b + 1e-6, f"Pareto improvement: {best} > {t_a + t_b}"


def assert_fair(result: AdjustedWinnerResult) -> None:
    t_a, t_b = result.totals
    assert t_a == t_b
    assert t_a >= 50
    # Recompute the totals from the shares, and the envy comparison.
    own_a = sum((o.shares[0] * o.points[0] for o in result.items), Fraction(0))
    own_b = sum((o.shares[1] * o.points[1] for o in result.items), Fraction(0))
    other_a = sum((o.shares[1] * o.points[0] for o in result.items), Fraction(0))
    other_b = sum((o.shares[0] * o.points[1] for o in result.items), Fraction(0))
    assert (own_a, own_b) == (t_a, t_b)
    assert own_a >= other_a and own_b >= other_b
    splits = [o for o in result.items if o.is_split]
    assert len(splits) <= 1
    assert (splits[0].name if splits else None) == result.split_item
    for o in result.items:
        assert 0 <= o.shares[0] <= 1 and o.shares[0] + o.shares[1] == 1
        if o.is_split:
            assert 0 < o.shares[0] < 1
        else:
            assert o.shares in ((ONE, ZERO), (ZERO, ONE))
            assert o.owner == result.parties[0 if o.shares[0] == 1 else 1]
    assert result.steps[-1].totals == result.totals
    assert result.steps[-1].action in (StepAction.EQUAL, StepAction.SPLIT)


@st.composite
def compositions(draw: st.DrawFn, n: int) -> list[int]:
    """n non-negative integers summing to 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 100]
    return [bounds[k + 1] - bounds[k] for k in range(n)]


@st.composite
def integer_tables(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    n = draw(st.integers(1, 8))
    return draw(compositions(n)), draw(compositions(n))


@st.composite
def rational_points(draw: st.DrawFn, n: int) -> list[Fraction]:
    weights = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n).filter(any))
    total = sum(weights)
    return [Fraction(100 * w, total) for w in weights]


@st.composite
def rational_tables(draw: st.DrawFn) -> tuple[list[Fraction], list[Fraction]]:
    n = draw(st.integers(1, 7))
    return draw(rational_points(n)), draw(rational_points(n))


# --------------------------------------------------------------------------- published example


def test_bob_and_carol_published_outcome() -> None:
    # Table and outcome: Brams & Taylor's Bob-and-Carol divorce example as given on the NYU
    # Adjusted Winner site (see tests/fixtures/division/bob-carol.yaml for the citation).
    #   Step 1: Carol wins the retirement account (50 > 40) and the cottage (15 > 10): 65.
    #           Bob wins the home (30 > 20) and "other" (10 > 5): 40. Investments tie 10-10.
    #   The tied investments end with Bob (Accord: they go first to Carol, who is ahead,
    #   and are the first item she transfers: Carol 65, Bob 50).
    #   Carol's remaining items by ratio: retirement 50/40 = 5/4 < cottage 15/10 = 3/2.
    #   Giving all of the retirement account would leave Carol 15 < Bob 90, so split:
    #   50p + 15 = 50 + 40(1 - p)  =>  90p = 75  =>  p = 5/6 kept by Carol, 1/6 to Bob.
    #   Totals: 15 + 50 * 5/6 = 170/3 = 50 + 40 * 1/6 = 56 2/3 each.
    parties, items = load_division(FIXTURES / "bob-carol.yaml")
    assert parties == ("Carol", "Bob")
    result = adjusted_winner(parties, items)
    assert result.item("Summer cottage").owner == "Carol"
    assert result.item("Home").owner == "Bob"
    assert result.item("Other").owner == "Bob"
    assert result.item("Investments").owner == "Bob"
    assert result.split_item == "Retirement account"
    assert result.item("Retirement account").owner == SPLIT
    assert result.share("Retirement account", "Carol") == Fraction(5, 6)
    assert result.share("Retirement account", "Bob") == Fraction(1, 6)
    assert result.totals == (Fraction(170, 3), Fraction(170, 3))
    assert result.total("Carol") == result.total("Bob") == Fraction(170, 3)
    assert_fair(result)
    assert_pareto_exact(result)
    assert_pareto_lp(result)


def test_bob_and_carol_json() -> None:
    result = adjusted_winner(*load_division(FIXTURES / "bob-carol.yaml"))
    data = to_json(result)
    json.dumps(data)  # plain JSON types only
    assert data["parties"] == ["Carol", "Bob"]
    assert data["split"] == {
        "item": "Retirement account",
        "fraction": {"Carol": "5/6", "Bob": "1/6"},
        "fraction_A": "5/6",
        "fraction_B": "1/6",
    }
    assert data["totals"] == {"Carol": "170/3", "Bob": "170/3"}
    assert data["totals_float"]["Carol"] == pytest.approx(56.6666667)
    by_item = {entry["item"]: entry for entry in data["items"]}
    assert [entry["item"] for entry in data["items"]] == [
        "Retirement account",
        "Home",
        "Summer cottage",
        "Investments",
        "Other",
    ]
    assert by_item["Home"] == {
        "item": "Home",
        "points": {"Carol": "20", "Bob": "30"},
        "owner": "Bob",
        "fraction": {"Carol": "0", "Bob": "1"},
    }
    assert by_item["Retirement account"]["owner"] == "split"
    assert data["steps"][-1]["action"] == "split"
    assert data["steps"][-1]["fraction"] == "1/6"
    assert data["steps"][-1]["from"] == "Carol" and data["steps"][-1]["to"] == "Bob"


# --------------------------------------------------------------------------- hand-computed


def test_hand_computed_split() -> None:
    # tests/fixtures/division/hand-computed.yaml
    #   Alice: Piano 60 > 30, Quilt 25 > 5 -> 85;  Bruno: Rowboat 65 > 15 -> 65.
    #   Alice's items by ratio: Piano 60/30 = 2 < Quilt 25/5 = 5.
    #   Whole piano: Alice 25 < Bruno 95, so split: g = (85 - 65)/(60 + 30) = 2/9 given.
    #   Alice 25 + 60 * 7/9 = 215/3;  Bruno 65 + 30 * 2/9 = 215/3.
    result = adjusted_winner(*load_division(FIXTURES / "hand-computed.yaml"))
    assert result.item("Quilt").owner == "Alice"
    assert result.item("Rowboat").owner == "Bruno"
    assert result.split_item == "Piano"
    assert result.item("Piano").shares == (Fraction(7, 9), Fraction(2, 9))
    assert result.totals == (Fraction(215, 3), Fraction(215, 3))
    assert_fair(result)
    assert_pareto_exact(result)


def test_trump_divorce_hand_computed() -> None:
    # tests/fixtures/division/trump-divorce.yaml (table from a course handout).
    #   Donald: mansion 40 > 20, triplex 38 > 10 -> 78.
    #   Ivana: Connecticut 38 > 10, Plaza apartment 30 > 10 -> 68.  Cash and jewelry 2-2 tie
    #   -> first to Donald (ahead): 80 vs 68.
    #   Donald's items by ratio: cash 2/2 = 1 < mansion 40/20 = 2 < triplex 38/10 = 3.8.
    #   Cash: 78 >= 70, transferred whole.  Mansion whole: 38 < 90, so split:
    #   g = (78 - 70)/(40 + 20) = 2/15 given, Donald keeps 13/15.
    #   Donald 38 + 40 * 13/15 = 218/3;  Ivana 70 + 20 * 2/15 = 218/3  (72 2/3 each).
    result = adjusted_winner(*load_division(FIXTURES / "trump-divorce.yaml"))
    assert result.item("Trump Tower triplex").owner == "Donald"
    assert result.item("Connecticut estate").owner == "Ivana"
    assert result.item("Trump Plaza apartment").owner == "Ivana"
    assert result.item("Cash and jewelry").owner == "Ivana"
    assert result.split_item == "Palm Beach mansion"
    assert result.share("Palm Beach mansion", "Donald") == Fraction(13, 15)
    assert result.share("Palm Beach mansion", "Ivana") == Fraction(2, 15)
    assert result.totals == (Fraction(218, 3), Fraction(218, 3))
    assert_fair(result)
    assert_pareto_exact(result)


def test_equality_reached_by_a_whole_transfer() -> None:
    #   A wins X (40 > 20) and Y (30 > 10): 70.  B wins Z (50 > 10): 50.  W ties 20-20
    #   -> first to A: 90 vs 50.  A gives W (ratio 1): 70 >= 70 and the totals are equal:
    #   stop, nothing is split.
    result = adjusted_winner(
        ["A", "B"],
        [
            ("X", {"A": 40, "B": 20}),
            ("Y", {"A": 30, "B": 10}),
            ("Z", {"A": 10, "B": 50}),
            ("W", {"A": 20, "B": 20}),
        ],
    )
    assert result.split_item is None
    assert [o.owner for o in result.items] == ["A", "A", "B", "B"]
    assert result.totals == (Fraction(70), Fraction(70))
    assert [s.action for s in result.steps][-2:] == [StepAction.TRANSFER, StepAction.EQUAL]
    assert to_json(result)["split"] is None


def test_equal_after_step_one() -> None:
    result = adjusted_winner(["A", "B"], [("X", {"A": 60, "B": 40}), ("Y", {"A": 40, "B": 60})])
    assert [o.owner for o in result.items] == ["A", "B"]
    assert result.totals == (Fraction(60), Fraction(60))
    assert result.steps[-1].action is StepAction.EQUAL


def test_all_items_tied_are_halved_in_value() -> None:
    # Both value everything equally: all goes to A first, then A gives back in input order.
    result = adjusted_winner(
        ["A", "B"],
        [("X", {"A": 50, "B": 50}), ("Y", {"A": 30, "B": 30}), ("Z", {"A": 20, "B": 20})],
    )
    # A 100, B 0.  X: 50 >= 50 -> transferred, equal.  A keeps Y and Z.
    assert [o.owner for o in result.items] == ["B", "A", "A"]
    assert result.totals == (Fraction(50), Fraction(50))


def test_single_item_is_halved() -> None:
    result = adjusted_winner(["A", "B"], [("Estate", {"A": 100, "B": 100})])
    assert result.split_item == "Estate"
    assert result.item("Estate").shares == (Fraction(1, 2), Fraction(1, 2))
    assert result.totals == (Fraction(50), Fraction(50))


def test_zero_point_items() -> None:
    # B puts nothing on Y, A nothing on Z; nobody wants W.
    result = adjusted_winner(
        ["A", "B"],
        [
            ("X", {"A": 50, "B": 90}),
            ("Y", {"A": 40, "B": 0}),
            ("Z", {"A": 0, "B": 10}),
            ("W", {"A": 10, "B": 0}),
            ("V", {"A": 0, "B": 0}),
        ],
    )
    assert_fair(result)
    assert_pareto_exact(result)
    assert result.item("Y").owner == "A"
    assert result.item("Z").owner == "B"


def test_mixed_numeric_inputs_are_exact() -> None:
    parties = ["A", "B"]
    items: list[tuple[str, dict[str, PointsLike]]] = [
        ("X", {"A": Decimal("33.3"), "B": "100/3"}),
        ("Y", {"A": 33.3, "B": Fraction(100, 3)}),
        ("Z", {"A": "33.4", "B": "33.333333333333333333333333333333333"}),
    ]
    # B's third value is not 100/3 exactly, so B's sum is not 100.
    with pytest.raises(DivisionError, match="sum to exactly 100"):
        adjusted_winner(parties, items)
    items[2] = ("Z", {"A": "33.4", "B": "100/3"})
    result = adjusted_winner(parties, items)
    assert result.item("X").points == (Fraction(333, 10), Fraction(100, 3))
    assert result.item("Y").points[0] == Fraction(333, 10)
    assert_fair(result)


def test_party_order_mirrors_result_without_ties() -> None:
    items = [("X", {"A": 55, "B": 35}), ("Y", {"A": 30, "B": 25}), ("Z", {"A": 15, "B": 40})]
    ab = adjusted_winner(["A", "B"], items)
    ba = adjusted_winner(["B", "A"], items)
    for x, y in zip(ab.items, ba.items, strict=True):
        assert x.owner == y.owner
        assert x.shares == (y.shares[1], y.shares[0])


# --------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(integer_tables())
def test_properties_integer_points(tab: tuple[list[int], list[int]]) -> None:
    a, b = tab
    result = adjusted_winner(["A", "B"], table(a, b))
    assert_fair(result)
    assert_pareto_exact(result)
    assert_pareto_lp(result)


@settings(max_examples=150, deadline=None)
@given(rational_tables())
def test_properties_rational_points(tab: tuple[list[Fraction], list[Fraction]]) -> None:
    a, b = tab
    result = adjusted_winner(["A", "B"], table(a, b))
    assert_fair(result)
    assert_pareto_exact(result)


@settings(max_examples=150, deadline=None)
@given(integer_tables())
def test_property_mirror_symmetry_without_ties(tab: tuple[list[int], list[int]]) -> None:
    a, b = tab
    if any(x == y for x, y in zip(a, b, strict=True)):
        return
    ab = adjusted_winner(["A", "B"], table(a, b))
    ba = adjusted_winner(["B", "A"], table(a, b))
    assert ab.totals == ba.totals
    for x, y in zip(ab.items, ba.items, strict=True):
        assert x.shares == (y.shares[1], y.shares[0])


@settings(max_examples=100, deadline=None)
@given(integer_tables())
def test_property_json_round_trip(tab: tuple[list[int], list[int]]) -> None:
    a, b = tab
    result = adjusted_winner(["A", "B"], table(a, b))
    data = json.loads(json.dumps(to_json(result)))
    assert Fraction(data["totals"]["A"]) == result.totals[0]
    for entry, outcome in zip(data["items"], result.items, strict=True):
        assert Fraction(entry["fraction"]["A"]) == outcome.shares[0]
        assert entry["owner"] == outcome.owner


# --------------------------------------------------------------------------- validation


GOOD = [("X", {"A": 60, "B": 30}), ("Y", {"A": 40, "B": 70})]


@pytest.mark.parametrize(
    ("parties", "items", "message"),
    [
        (["A"], GOOD, "exactly two parties"),
        (["A", "B", "C"], GOOD, "exactly two parties"),
        ("AB", GOOD, "exactly two parties"),
        (["A", "A"], GOOD, "must differ"),
        (["A", ""], GOOD, "non-empty"),
        (["A", "split"], GOOD, "reserved"),
        (["A", "B"], [], "no items"),
        (["A", "B"], [*GOOD, ("X", {"A": 0, "B": 0})], "more than once"),
        (["A", "B"], [("", {"A": 100, "B": 100})], "non-empty"),
        (["A", "B"], [("X", {"A": 100})], "no points given"),
        (["A", "B"], [("X", {"A": 100, "B": 100, "C": 0})], "unknown party 'C'"),
        (["A", "B"], [("X", {"A": 110, "B": 100}), ("Y", {"A": -10, "B": 0})], "negative"),
        (["A", "B"], [("X", {"A": "lots", "B": 100})], "must be a number"),
        (["A", "B"], [("X", {"A": True, "B": 100})], "must be a number"),
        (["A", "B"], [("X", {"A": None, "B": 100})], "must be a number"),
        (["A", "B"], [("X", {"A": float("nan"), "B": 100})], "finite"),
        (["A", "B"], [("X", {"A": Decimal("Infinity"), "B": 100})], "finite"),
        (["A", "B"], [("X", {"A": 99, "B": 100})], "sum to exactly 100, they sum to 99"),
        (["A", "B"], [("X", {"A": 100, "B": 100.5})], "sum to exactly 100"),
    ],
)
def test_invalid_input(parties: list[str], items: list[object], message: str) -> None:
    with pytest.raises(DivisionError, match=message) as info:
        adjusted_winner(parties, items)  # type: ignore[arg-type]
    assert isinstance(info.value, AccordError)
    assert isinstance(info.value, ValueError)


def test_error_locates_item_and_party() -> None:
    with pytest.raises(DivisionError) as info:
        validate_division(["A", "B"], [*GOOD, ("Z", {"A": "x", "B": 0})])
    assert (info.value.item, info.value.index, info.value.party) == ("Z", 2, "A")
    with pytest.raises(DivisionError) as info:
        validate_division(["A", "B"], [("X", {"A": 100, "B": 50})])
    assert (info.value.index, info.value.party) == (None, "B")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, Fraction(12)),
        (Decimal("12.50"), Fraction(25, 2)),
        (12.5, Fraction(25, 2)),
        (0.1, Fraction(1, 10)),
        ("7/3", Fraction(7, 3)),
        (" 1e1 ", Fraction(10)),
        ("1_000", Fraction(1000)),
        (Fraction(1, 3), Fraction(1, 3)),
    ],
)
def test_parse_points(value: object, expected: Fraction) -> None:
    assert parse_points(value) == expected


# --------------------------------------------------------------------------- file format


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "division.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_exact_numbers_and_verbatim_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "parties: [No, '2024']\n"
        "points:\n"
        "  - {item: yes, No: 33.3, '2024': 100/3}\n"
        "  - {item: 12, No: 0x10, '2024': '100/3'}\n"
        "  - {item: Z, No: 50.7, '2024': 33.3333333333333333333333333333333333333333}\n",
    )
    with pytest.raises(FileFormatError, match="sum to exactly 100") as info:
        load_division(path)
    assert info.value.line == 2 and info.value.field == "points.2024"
    path.write_text(
        path.read_text().replace("33.3333333333333333333333333333333333333333", "100/3")
    )
    parties, items = load_division(path)
    assert parties == ("No", "2024")
    assert [item.name for item in items] == ["yes", "12", "Z"]
    assert items[0].points == {"No": Fraction(333, 10), "2024": Fraction(100, 3)}
    assert items[1].points["No"] == 16
    assert adjusted_winner(parties, items).totals[0] >= 50


@pytest.mark.parametrize(
    ("text", "reason", "line", "field"),
    [
        ("", "empty", None, ""),
        ("- just\n- a list\n", "expected a mapping", 1, ""),
        ("parties: [A, B]\n", "missing required key 'points'", 1, ""),
        ("points: []\n", "missing required key 'parties'", 1, ""),
        (
            "parties: [A, B]\npoint: []\npoints: []\n",
            "unknown key 'point'",
            2,
            "point",
        ),
        ("parties: [A, B, C]\npoints: []\n", "exactly two parties", 1, "parties"),
        ("parties: A\npoints: []\n", "list of two party names", 1, "parties"),
        ("parties: [A, A]\npoints: []\n", "must differ", 1, "parties"),
        ("parties: [A, B]\npoints: []\n", "no items", 2, "points"),
        ("parties: [A, B]\npoints: {A: 1}\n", "expected a list", 2, "points"),
        (
            "parties: [A, B]\npoints:\n  - {A: 100, B: 100}\n",
            "missing required key 'item'",
            3,
            "points[0]",
        ),
        (
            "parties: [A, B]\npoints:\n  - item: X\n    A: 100\n",
            "missing points for party 'B'",
            3,
            "points[0].B",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, B: 50}\n  - item: Y\n"
            "    A: 50\n    B: 50\n    C: 0\n",
            "unknown party 'C'",
            7,
            "points[1].C",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, B: 50}\n  - item: Y\n"
            "    A: fifty\n    B: 50\n",
            "must be a number",
            5,
            "points[1].A",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, B: 50}\n"
            "  - {item: Y, A: true, B: 50}\n",
            "must be a number",
            4,
            "points[1].A",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, B: 50}\n  - {item: Y, A: [1], B: 50}\n",
            "must be a number",
            4,
            "points[1].A",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, B: 50}\n  - {item: Y, A: -5, B: 50}\n",
            "negative",
            4,
            "points[1].A",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, B: 50}\n"
            "  - {item: Y, A: .nan, B: 50}\n",
            "must be a number",
            4,
            "points[1].A",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, B: 50}\n  - {item: X, A: 50, B: 50}\n",
            "more than once",
            4,
            "points[1]",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, B: 50}\n  - {item: Y, A: 40, B: 50}\n",
            "party 'A': points must sum to exactly 100, they sum to 90",
            2,
            "points.A",
        ),
        (
            "parties: [A, B]\npoints:\n  - {item: X, A: 50, A: 50, B: 100}\n",
            "appears twice",
            3,
            "points[0].A",
        ),
        ("parties: [A, B]\npoints:\n  - {item: X, A: 100, B: 100\n", "YAML syntax error", 4, ""),
        ("parties: [A, B\npoints: []\n", "YAML syntax error", 2, ""),
    ],
)
def test_bad_files(tmp_path: Path, text: str, reason: str, line: int | None, field: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(FileFormatError, match=reason.replace("(", r"\(")) as info:
        load_division(path)
    err = info.value
    assert err.path == str(path)
    assert err.line == line
    assert err.field == field
    assert isinstance(err, ValueError)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="file not found") as info:
        load_division(tmp_path / "nope.yaml")
    assert info.value.line is None


def test_directory_and_binary(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="directory"):
        load_division(tmp_path)
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00parties")
    with pytest.raises(FileFormatError, match="UTF-8"):
        load_division(path)


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "parties: !!python/tuple [A, B]\npoints: []\n")
    with pytest.raises(FileFormatError):
        load_division(path)


@pytest.mark.parametrize("name", ["bob-carol.yaml", "trump-divorce.yaml", "hand-computed.yaml"])
def test_fixtures_load_and_are_fair(name: str) -> None:
    result = adjusted_winner(*load_division(FIXTURES / name))
    assert_fair(result)
    assert_pareto_exact(result)
    assert_pareto_lp(result)
