"""Brams and Taylor's Adjusted Winner procedure for two parties, in exact rational arithmetic.

Adjusted Winner (AW) divides a set of divisible items (goods, or issues in a dispute)
between exactly two parties. Each party distributes 100 points over the items to say how
much it values each one; AW then gives every item to one party, except at most one item
that is split, so that:

* both parties end with the same number of their own points (*equitable*);
* each party gets at least 50 of its own points, hence values its own bundle at least as
  much as the other's (*envy-free*: for two parties each values the whole at 100);
* no other division, fractional or not, is better for one party and no worse for the
  other (*efficient*, i.e. Pareto-optimal).

The procedure is described in S. J. Brams and A. D. Taylor, *Fair Division: From
Cake-Cutting to Dispute Resolution* (Cambridge University Press, 1996), in the chapter
on point-allocation procedures, and for a general audience in S. J. Brams and
A. D. Taylor, *The Win-Win Solution: Guaranteeing Fair Shares to Everybody* (W. W. Norton,
1999).

Everything here is exact: points are :class:`fractions.Fraction`, so the totals come out
*exactly* equal and the split fraction is a rational number such as ``5/6``.

The module is pure (no I/O). :mod:`accord.formats.division_file` reads the points from a
YAML file and turns a result into JSON.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple, TypeAlias

from accord.model.errors import AccordError

__all__ = [
    "POINTS_TOTAL",
    "SPLIT",
    "AdjustedWinnerResult",
    "DivisionError",
    "DivisionItem",
    "ItemOutcome",
    "PointsLike",
    "Step",
    "StepAction",
    "adjusted_winner",
    "parse_points",
    "validate_division",
]

POINTS_TOTAL = Fraction(100)
"""Points each party distributes over the items."""

SPLIT = "split"
"""The owner recorded for the one item that ends up divided (a reserved word, not a party)."""

PointsLike: TypeAlias = int | Fraction | Decimal | float | str
"""What a point value may be given as; see :func:`parse_points`."""


class DivisionError(AccordError, ValueError):
    """A fair-division problem that cannot be solved as given.

    Raised for the wrong number of parties, duplicate or empty names, points that are
    negative, not numbers, or do not sum to 100.

    Attributes:
        reason: what is wrong, without the location.
        item: the name of the offending item, or ``None``.
        index: 0-based position of the offending item in the input, or ``None``.
        party: the party whose points are at fault, or ``None``.
    """

    def __init__(
        self,
        reason: str,
        *,
        item: str | None = None,
        index: int | None = None,
        party: str | None = None,
    ) -> None:
        where = []
        if item is not None:
            where.append(f"item {item!r}")
        elif index is not None:
            where.append(f"item #{index + 1}")
        if party is not None:
            where.append(f"party {party!r}")
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)
        self.reason = reason
        self.item = item
        self.index = index
        self.party = party


class DivisionItem(NamedTuple):
    """One item and the points each party puts on it.

    Attributes:
        name: the item's name, unique within a problem.
        points: party name -> points (exact, after :func:`validate_division`).
    """

    name: str
    points: Mapping[str, Fraction]


class StepAction(StrEnum):
    """What one step of the procedure did."""

    AWARD = "award"
    """Step 1: the item goes to the party that put more points on it."""
    AWARD_TIE = "award-tie"
    """Step 1, tie: both put the same points on it; it goes to the party ahead so far."""
    EQUAL = "equal"
    """Step 2: the totals are equal; the procedure stops."""
    TRANSFER = "transfer"
    """Step 3: a whole item moves from the richer party to the poorer one."""
    SPLIT = "split"
    """Step 3: part of an item moves so that the totals become equal; the procedure stops."""


@dataclass(frozen=True)
class Step:
    """One step taken by :func:`adjusted_winner`.

    Attributes:
        action: what happened.
        item: the item concerned, or ``None`` for :attr:`StepAction.EQUAL`.
        to_party: the party that received (some of) the item, or ``None``.
        from_party: the party that gave it up (transfers and the split), or ``None``.
        fraction: the share of the item that changed hands (1 except for the split).
        totals: both parties' totals after the step, in the order of the parties.
        note: a one-line human-readable explanation.
    """

    action: StepAction
    item: str | None
    to_party: str | None
    from_party: str | None
    fraction: Fraction
    totals: tuple[Fraction, Fraction]
    note: str


@dataclass(frozen=True)
class ItemOutcome:
    """Where one item ended up.

    Attributes:
        name: the item.
        points: the points each party put on it, in the order of the parties.
        owner: the party that holds all of it, or :data:`SPLIT`.
        shares: the fraction of the item each party holds, in the order of the parties;
            ``(1, 0)`` or ``(0, 1)`` unless the item is split. They sum to 1.
    """

    name: str
    points: tuple[Fraction, Fraction]
    owner: str
    shares: tuple[Fraction, Fraction]

    @property
    def is_split(self) -> bool:
        """Whether the item is divided between the parties."""
        return self.owner == SPLIT


@dataclass(frozen=True)
class AdjustedWinnerResult:
    """The outcome of :func:`adjusted_winner`.

    Attributes:
        parties: the two parties, in input order (``A``, ``B``).
        items: one outcome per item, in input order.
        split_item: the name of the item that is divided, or ``None`` when every item
            goes whole to one party.
        totals: each party's points from its own bundle, in party order; always equal.
        steps: what the procedure did, in order.
    """

    parties: tuple[str, str]
    items: tuple[ItemOutcome, ...]
    split_item: str | None
    totals: tuple[Fraction, Fraction]
    steps: tuple[Step, ...]

    @property
    def split(self) -> ItemOutcome | None:
        """The divided item's outcome, or ``None``."""
        if self.split_item is None:
            return None
        return self.item(self.split_item)

    def item(self, name: str) -> ItemOutcome:
        """The outcome of the item called ``name``.

        Raises:
            KeyError: no such item.
        """
        for outcome in self.items:
            if outcome.name == name:
                return outcome
        raise KeyError(name)

    def total(self, party: str) -> Fraction:
        """The points ``party`` gets, counted in its own points.

        Raises:
            KeyError: no such party.
        """
        if party not in self.parties:
            raise KeyError(party)
        return self.totals[self.parties.index(party)]

    def share(self, item: str, party: str) -> Fraction:
        """The fraction of ``item`` that ``party`` holds (0, 1, or the split fraction).

        Raises:
            KeyError: no such item or party.
        """
        if party not in self.parties:
            raise KeyError(party)
        return self.item(item).shares[self.parties.index(party)]


def parse_points(value: object) -> Fraction:
    """Convert one point value to an exact :class:`~fractions.Fraction`.

    Accepted: ``int`` (not ``bool``), any :class:`numbers.Rational` (``Fraction``, numpy
    integers), :class:`decimal.Decimal`, ``float`` (taken at its shortest decimal
    representation, so ``33.3`` means exactly ``333/10``), and strings holding a decimal
    (``"12.5"``, ``"1e1"``) or a ratio of integers (``"100/3"``). The value must be finite
    and non-negative.

    Args:
        value: the point value.

    Returns:
        The exact value.

    Raises:
        DivisionError: not a number, not finite, or negative.
    """
    result: Fraction
    if isinstance(value, bool):
        raise DivisionError(f"points must be a number, not {value!r}")
    if isinstance(value, numbers.Rational):
        result = Fraction(int(value.numerator), int(value.denominator))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise DivisionError(f"points must be finite, not {value}")
        result = Fraction(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise DivisionError(f"points must be finite, not {value!r}")
        result = Fraction(Decimal(repr(value)))
    elif isinstance(value, str):
        try:
            result = Fraction(value.strip().replace("_", ""))
        except (ValueError, ZeroDivisionError):
            raise DivisionError(f"points must be a number, not {value!r}") from None
    else:
        raise DivisionError(f"points must be a number, not {value!r}")
    if result < 0:
        raise DivisionError(f"points must not be negative, got {result}")
    return result


def validate_division(
    parties: Sequence[str],
    items: Iterable[tuple[str, Mapping[str, PointsLike]]],
) -> tuple[tuple[str, str], tuple[DivisionItem, ...]]:
    """Check a two-party point allocation and make its numbers exact.

    Args:
        parties: the two party names.
        items: ``(name, {party: points})`` pairs, e.g. :class:`DivisionItem` values.

    Returns:
        The parties as a pair and the items with :class:`~fractions.Fraction` points.

    Raises:
        DivisionError: not exactly two distinct, non-empty party names (``"split"`` is
            reserved); an item name that is empty or repeated; an item that lacks a
            party's points or names an unknown party; points that are not non-negative
            numbers; a party whose points do not sum to exactly 100.
    """
    if isinstance(parties, str) or len(parties) != 2:
        raise DivisionError(f"exactly two parties are needed, got {list(parties)!r}")
    for party in parties:
        if not isinstance(party, str) or not party.strip():
            raise DivisionError(f"party names must be non-empty strings, got {party!r}")
        if party == SPLIT:
            raise DivisionError(f"{SPLIT!r} is reserved and cannot name a party")
    a, b = parties
    if a == b:
        raise DivisionError(f"the two parties must differ, got {a!r} twice")

    seen: set[str] = set()
    checked: list[DivisionItem] = []
    for index, entry in enumerate(items):
        name, points = entry
        if not isinstance(name, str) or not name.strip():
            raise DivisionError(f"item names must be non-empty strings, got {name!r}", index=index)
        if name in seen:
            raise DivisionError("item name is used more than once", item=name, index=index)
        seen.add(name)
        if not isinstance(points, Mapping):
            raise DivisionError("points must map each party to a number", item=name, index=index)
        for key in points:
            if key not in (a, b):
                raise DivisionError(
                    f"unknown party {key!r} (the parties are {a!r} and {b!r})",
                    item=name,
                    index=index,
                    party=str(key),
                )
        exact: dict[str, Fraction] = {}
        for party in (a, b):
            if party not in points:
                raise DivisionError("no points given", item=name, index=index, party=party)
            try:
                exact[party] = parse_points(points[party])
            except DivisionError as err:
                raise DivisionError(err.reason, item=name, index=index, party=party) from None
        checked.append(DivisionItem(name, exact))

    if not checked:
        raise DivisionError("there are no items to divide")
    for party in (a, b):
        total = sum((item.points[party] for item in checked), Fraction(0))
        if total != POINTS_TOTAL:
            approx = "" if total.denominator == 1 else f" (~{float(total):g})"
            raise DivisionError(
                f"points must sum to exactly {POINTS_TOTAL}, they sum to {total}{approx}",
                party=party,
            )
    return (a, b), tuple(checked)


def _ratio_key(winner_points: Fraction, loser_points: Fraction) -> tuple[bool, Fraction]:
    """Sort key for the transfer order: winner/loser ascending, loser-zero items last."""
    if loser_points == 0:
        # 0/0 is a tie (ratio 1); x/0 with x > 0 is an infinite ratio.
        return (winner_points != 0, Fraction(1))
    return (False, winner_points / loser_points)


def adjusted_winner(
    parties: Sequence[str],
    items: Iterable[tuple[str, Mapping[str, PointsLike]]],
) -> AdjustedWinnerResult:
    """Divide items between two parties by Brams and Taylor's Adjusted Winner.

    Each party has distributed 100 points over the items. The procedure (Brams and
    Taylor, *Fair Division*, 1996; *The Win-Win Solution*, 1999):

    1. **Winner take all.** Each item goes to the party that put more points on it.
       *Ties* (both put the same points on an item): the tied items go to the party whose
       total over the untied items is larger (to the first party, ``A``, when those totals
       are equal). Their ratio is 1, the smallest possible, so if that party must give
       anything back, the tied items are the first to go. (This is Accord's documented
       rule; on Brams and Taylor's Bob-and-Carol example, where the tied item ends up
       with the party that is behind, it gives their published outcome.)
    2. **Equal?** If both totals (each counted in its own points) are equal, stop.
    3. **Adjust.** Otherwise the party with more points (the *richer*) gives items to the
       other in increasing order of the ratio ``richer's points / poorer's points``
       (ties in the ratio: input order; items the poorer party values at 0 come last).
       A whole item is transferred as long as the richer party stays richer or equal
       afterwards; when the totals become equal, stop. The first item whose transfer
       would make the richer party the poorer is split: the richer party keeps the
       fraction ``f`` with ``T_r - (1 - f) r = T_p + (1 - f) p``, i.e. it gives away
       ``(T_r - T_p) / (r + p)`` of the item, which makes the totals exactly equal.

    At most one item is split. The result is equitable, envy-free (both totals are at
    least 50) and efficient (every item the first party holds, wholly or partly, has a
    ratio ``A-points / B-points`` at least as large as every item the second party holds).

    Args:
        parties: the two party names (``A`` then ``B``).
        items: ``(name, {party: points})`` pairs; points may be ints, decimals, fractions,
            floats or numeric strings (see :func:`parse_points`), summing to 100 per party.

    Returns:
        The owners, the split item and its fractions, the equal totals and the steps.

    Raises:
        DivisionError: the input is not a valid two-party allocation of 100 points each
            (see :func:`validate_division`).
    """
    (a, b), checked = validate_division(parties, items)
    names = (a, b)
    n = len(checked)
    pts = [(item.points[a], item.points[b]) for item in checked]
    share_a: list[Fraction] = [Fraction(0)] * n
    totals = [Fraction(0), Fraction(0)]
    steps: list[Step] = []

    def record(
        action: StepAction,
        item: str | None,
        to: int | None,
        frm: int | None,
        fraction: Fraction,
        note: str,
    ) -> None:
        steps.append(
            Step(
                action=action,
                item=item,
                to_party=None if to is None else names[to],
                from_party=None if frm is None else names[frm],
                fraction=fraction,
                totals=(totals[0], totals[1]),
                note=note,
            )
        )

    # Step 1: winner take all; tied items wait for the untied totals.
    ties: list[int] = []
    for i, (pa, pb) in enumerate(pts):
        if pa == pb:
            ties.append(i)
            continue
        winner = 0 if pa > pb else 1
        share_a[i] = Fraction(1 if winner == 0 else 0)
        totals[winner] += pts[i][winner]
        record(
            StepAction.AWARD,
            checked[i].name,
            winner,
            None,
            Fraction(1),
            f"{names[winner]} values {checked[i].name!r} more "
            f"({pts[i][winner]} against {pts[i][1 - winner]})",
        )
    tie_winner = 1 if totals[1] > totals[0] else 0
    for i in ties:
        share_a[i] = Fraction(1 if tie_winner == 0 else 0)
        totals[tie_winner] += pts[i][tie_winner]
        record(
            StepAction.AWARD_TIE,
            checked[i].name,
            tie_winner,
            None,
            Fraction(1),
            f"both value {checked[i].name!r} at {pts[i][0]}; it goes first to "
            f"{names[tie_winner]}, who is ahead (or first) on the untied items",
        )

    # Step 2: equal already?
    split_item: int | None = None
    if totals[0] == totals[1]:
        record(StepAction.EQUAL, None, None, None, Fraction(0), "the totals are equal")
    else:
        # Step 3: the richer party gives items away in increasing ratio order.
        rich = 0 if totals[0] > totals[1] else 1
        poor = 1 - rich
        held = [i for i in range(n) if (share_a[i] == 1) == (rich == 0)]
        held.sort(key=lambda i: _ratio_key(pts[i][rich], pts[i][poor]))
        for i in held:
            r, p = pts[i][rich], pts[i][poor]
            name = checked[i].name
            if totals[rich] - r >= totals[poor] + p:
                totals[rich] -= r
                totals[poor] += p
                share_a[i] = Fraction(1 if poor == 0 else 0)
                record(
                    StepAction.TRANSFER,
                    name,
                    poor,
                    rich,
                    Fraction(1),
                    f"{names[rich]} gives {name!r} to {names[poor]} (ratio {_ratio_text(r, p)})",
                )
                if totals[rich] == totals[poor]:
                    record(StepAction.EQUAL, None, None, None, Fraction(0), "the totals are equal")
                    break
                continue
            given = (totals[rich] - totals[poor]) / (r + p)
            totals[rich] -= given * r
            totals[poor] += given * p
            kept = 1 - given
            share_a[i] = kept if rich == 0 else given
            split_item = i
            record(
                StepAction.SPLIT,
                name,
                poor,
                rich,
                given,
                f"{names[rich]} gives {given} of {name!r} to {names[poor]} and keeps {kept} "
                f"(ratio {_ratio_text(r, p)}); the totals are now equal",
            )
            break
    # The loop always ends at equality: giving away every held item would leave the
    # richer party with at most what the poorer one then has.
    if totals[0] != totals[1]:  # pragma: no cover - a bug, not an input error
        raise AssertionError(f"adjusted winner ended unequal: {totals}")

    outcomes: list[ItemOutcome] = []
    for i, item in enumerate(checked):
        sa = share_a[i]
        if i == split_item:
            owner = SPLIT
        elif sa == 1:
            owner = a
        else:
            owner = b
        outcomes.append(ItemOutcome(item.name, pts[i], owner, (sa, 1 - sa)))
    return AdjustedWinnerResult(
        parties=names,
        items=tuple(outcomes),
        split_item=None if split_item is None else checked[split_item].name,
        totals=(totals[0], totals[1]),
        steps=tuple(steps),
    )


def _ratio_text(winner_points: Fraction, loser_points: Fraction) -> str:
    if loser_points == 0:
        return "1" if winner_points == 0 else "infinite"
    return str(winner_points / loser_points)
