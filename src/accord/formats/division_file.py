"""Read an Adjusted Winner point table from YAML, and write an outcome as JSON-ready data.

The file format (see ``docs/reference/adjusted-winner.md``)::

    title: Bob and Carol divide their assets       # optional
    source: "Brams and Taylor (1996)"              # optional
    parties: [Carol, Bob]
    points:
      - {item: Retirement account, Carol: 50, Bob: 40}
      - {item: Home, Carol: 20, Bob: 30}
      ...

Each entry of ``points`` names the item under ``item`` and gives every party's points
under that party's name. Each party's points must be non-negative and sum to exactly 100.

Numbers are read *exactly* from the text of the file: ``33.3`` is ``333/10``, not the
nearest binary float, and a ratio may be written as a string such as ``"100/3"``. Names
(parties and items) are taken verbatim from the file, so ``No`` or ``2024`` stay strings.

The YAML is read with PyYAML's safe loader (no tags that build objects). Every problem is
reported as :class:`accord.model.errors.FileFormatError` with the 1-based line number
whenever it is known.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any

import yaml

from accord.analysis.fairdivision import (
    SPLIT,
    AdjustedWinnerResult,
    DivisionError,
    DivisionItem,
    parse_points,
    validate_division,
)
from accord.model.errors import FileFormatError

__all__ = ["load_division", "to_json"]

MAX_BYTES = 8 * 1024 * 1024
"""Files larger than this are refused."""

_TOP_KEYS = ("parties", "points")
_OPTIONAL_TOP_KEYS = ("title", "description", "source", "sources", "notes")
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_STR_TAG = "tag:yaml.org,2002:str"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"{node.value!r}"


class _Reader:
    """Walks the composed YAML node tree, remembering where each value came from."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, reason: str, node: yaml.Node | None = None, field: str = "") -> FileFormatError:
        return FileFormatError(
            self.path, reason, line=None if node is None else _line(node), field=field
        )

    def mapping(self, node: yaml.Node, field: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Key text -> (key node, value node); rejects non-scalar and repeated keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(f"expected a mapping, found {_kind(node)}", node, field)
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("mapping keys must be plain names", key_node, field)
            key = str(key_node.value)
            if key in out:
                raise self.fail(
                    f"key {key!r} appears twice", key_node, f"{field}.{key}" if field else key
                )
            out[key] = (key_node, value_node)
        return out

    def name(self, node: yaml.Node, field: str, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(f"{what} must be a name, found {_kind(node)}", node, field)
        text = str(node.value)
        if not text.strip():
            raise self.fail(f"{what} must not be empty", node, field)
        return text

    def number(self, node: yaml.Node, field: str) -> Fraction:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (
            _INT_TAG,
            _FLOAT_TAG,
            _STR_TAG,
        ):
            raise self.fail(f"points must be a number, found {_kind(node)}", node, field)
        value: object
        if node.tag == _INT_TAG:
            # YAML 1.1 integers (0x1F, 0o17, 1_000, ...): let PyYAML interpret them.
            value = yaml.SafeLoader("").construct_yaml_int(node)
        else:
            value = str(node.value)  # decimals and "p/q" parsed exactly
        try:
            return parse_points(value)
        except DivisionError as err:
            raise self.fail(err.reason, node, field) from None


def _compose(path: str) -> yaml.Node | None:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise FileFormatError(path, f"file is larger than {MAX_BYTES} bytes")
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise FileFormatError(path, "file not found") from None
    except IsADirectoryError:
        raise FileFormatError(path, "is a directory, not a file") from None
    except UnicodeDecodeError as err:
        raise FileFormatError(path, f"not UTF-8 text ({err.reason})") from None
    except OSError as err:
        raise FileFormatError(path, f"cannot read the file ({err.strerror or err})") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = None if mark is None else int(mark.line) + 1
        problem = err.problem or err.context or "invalid YAML"
        raise FileFormatError(path, f"YAML syntax error: {problem}", line=line) from None
    except yaml.YAMLError as err:
        raise FileFormatError(path, f"YAML syntax error: {err}") from None


def load_division(path: str | os.PathLike[str]) -> tuple[tuple[str, str], tuple[DivisionItem, ...]]:
    """Read a two-party point table for the Adjusted Winner procedure.

    Args:
        path: a YAML file with ``parties: [A, B]`` and ``points:``, a list of
            ``{item: NAME, A: points, B: points}`` (see the module docstring).

    Returns:
        ``(parties, items)``, ready for
        :func:`accord.analysis.fairdivision.adjusted_winner`; points are exact
        :class:`~fractions.Fraction` values.

    Raises:
        FileFormatError: the file is missing or unreadable, is not valid YAML, lacks
            ``parties`` or ``points``, has other than two parties, an item without a name or
            without a party's points, an unknown party key, a value that is not a
            non-negative number, a repeated item, or a party whose points do not sum to
            exactly 100. ``line`` and ``field`` locate the problem where possible.
    """
    file = os.fspath(path)
    root = _compose(file)
    reader = _Reader(file)
    if root is None:
        raise FileFormatError(file, "the file is empty; expected 'parties' and 'points'")
    top = reader.mapping(root, "")
    for key, (key_node, _) in top.items():
        if key not in _TOP_KEYS and key not in _OPTIONAL_TOP_KEYS:
            allowed = ", ".join(_TOP_KEYS + _OPTIONAL_TOP_KEYS)
            raise reader.fail(f"unknown key {key!r} (allowed: {allowed})", key_node, key)
    for key in _TOP_KEYS:
        if key not in top:
            raise reader.fail(f"missing required key {key!r}", root)

    _, parties_node = top["parties"]
    if not isinstance(parties_node, yaml.SequenceNode):
        raise reader.fail(
            f"expected a list of two party names, found {_kind(parties_node)}",
            parties_node,
            "parties",
        )
    if len(parties_node.value) != 2:
        raise reader.fail(
            f"exactly two parties are needed, found {len(parties_node.value)}",
            parties_node,
            "parties",
        )
    parties = [
        reader.name(node, f"parties[{i}]", "a party") for i, node in enumerate(parties_node.value)
    ]
    if parties[0] == parties[1]:
        raise reader.fail(
            f"the two parties must differ, got {parties[0]!r} twice", parties_node, "parties"
        )
    if SPLIT in parties:
        raise reader.fail(f"{SPLIT!r} is reserved and cannot name a party", parties_node, "parties")

    points_key, points_node = top["points"]
    if not isinstance(points_node, yaml.SequenceNode):
        raise reader.fail(
            f"expected a list of {{item: NAME, {parties[0]}: points, {parties[1]}: points}},"
            f" found {_kind(points_node)}",
            points_node,
            "points",
        )
    if not points_node.value:
        raise reader.fail("there are no items to divide", points_node, "points")

    items: list[DivisionItem] = []
    item_nodes: list[yaml.Node] = []
    for index, entry in enumerate(points_node.value):
        field = f"points[{index}]"
        fields = reader.mapping(entry, field)
        if "item" not in fields:
            raise reader.fail("missing required key 'item'", entry, field)
        name = reader.name(fields["item"][1], f"{field}.item", "the item name")
        values: dict[str, Fraction] = {}
        for key, (key_node, value_node) in fields.items():
            if key == "item":
                continue
            if key not in parties:
                raise reader.fail(
                    f"unknown party {key!r} (the parties are {parties[0]!r} and {parties[1]!r})",
                    key_node,
                    f"{field}.{key}",
                )
            values[key] = reader.number(value_node, f"{field}.{key}")
        for party in parties:
            if party not in values:
                raise reader.fail(f"missing points for party {party!r}", entry, f"{field}.{party}")
        items.append(DivisionItem(name, values))
        item_nodes.append(entry)

    try:
        checked_parties, checked_items = validate_division(parties, items)
    except DivisionError as err:
        # Repeated item names and sums that are not 100: locate what we can.
        if err.index is not None:
            node = item_nodes[err.index]
            field = f"points[{err.index}]"
        else:
            node = points_key
            field = "points" if err.party is None else f"points.{err.party}"
        raise reader.fail(str(err), node, field) from None
    return checked_parties, checked_items


def _fraction_text(value: Fraction) -> str:
    return str(value)


def to_json(result: AdjustedWinnerResult) -> dict[str, Any]:
    """Turn an Adjusted Winner outcome into JSON-ready data.

    Exact numbers are strings in ``str(Fraction)`` form: ``"5/6"``, ``"170/3"``, and
    integers without a denominator (``"1"``, ``"0"``, ``"50"``). ``totals_float`` repeats
    the totals as floats for display only.

    Args:
        result: the outcome of :func:`accord.analysis.fairdivision.adjusted_winner`.

    Returns:
        A dict with ``parties``, ``items`` (each with ``item``, ``points``, ``owner`` --
        a party name or ``"split"`` -- and ``fraction``, party -> share held), ``split``
        (``null`` or ``{item, fraction, fraction_A, fraction_B}``, where ``A`` is the first
        party and ``B`` the second), ``totals``, ``totals_float`` and ``steps``. The
        layout is documented in ``docs/reference/adjusted-winner.md``.
    """
    a, b = result.parties

    def per_party(pair: tuple[Fraction, Fraction]) -> dict[str, str]:
        return {a: _fraction_text(pair[0]), b: _fraction_text(pair[1])}

    split = result.split
    return {
        "procedure": "adjusted-winner",
        "parties": [a, b],
        "items": [
            {
                "item": outcome.name,
                "points": per_party(outcome.points),
                "owner": outcome.owner,
                "fraction": per_party(outcome.shares),
            }
            for outcome in result.items
        ],
        "split": None
        if split is None
        else {
            "item": split.name,
            "fraction": per_party(split.shares),
            "fraction_A": _fraction_text(split.shares[0]),
            "fraction_B": _fraction_text(split.shares[1]),
        },
        "totals": per_party(result.totals),
        "totals_float": {a: float(result.totals[0]), b: float(result.totals[1])},
        "steps": [
            {
                "step": number,
                "action": step.action.value,
                "item": step.item,
                "to": step.to_party,
                "from": step.from_party,
                "fraction": _fraction_text(step.fraction),
                "totals": per_party(step.totals),
                "note": step.note,
            }
            for number, step in enumerate(result.steps, start=1)
        ],
    }
