"""The canonical draft that recipients' copies are rendered from, and input checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from accord.model.errors import AccordError

#: Most points a draft may have: the zero-width frame header gives the point index 8 bits.
MAX_POINTS = 256
#: Shortest room key accepted, in bytes (HMAC-SHA256 keys should carry >= 128 bits).
MIN_KEY_BYTES = 16


class LeakError(AccordError, ValueError):
    """Bad input to the leak-tracing engine: an empty draft, a short key, duplicate ids."""


@dataclass(frozen=True)
class Point:
    """One point of a draft: a stable id and its canonical text."""

    id: str
    text: str


@dataclass(frozen=True)
class Draft:
    """A draft as the mediation service holds it: id, canonical points and recipients.

    Attributes:
        draft_id: identifies this version of the plan; every version gets new codewords.
        points: the canonical text of each point, in document order.
        recipients: who receives a copy (may be empty when only rendering).
    """

    draft_id: str
    points: tuple[Point, ...]
    recipients: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_id(self.draft_id, "draft id")
        if not self.points:
            raise LeakError("a draft needs at least one point")
        if len(self.points) > MAX_POINTS:
            raise LeakError(f"a draft may have at most {MAX_POINTS} points, "
                            f"not {len(self.points)}")
        seen: set[str] = set()
        for p in self.points:
            check_id(p.id, "point id")
            if not isinstance(p.text, str):
                raise LeakError(f"point {p.id!r}: text must be a string")
            if p.id in seen:
                raise LeakError(f"duplicate point id {p.id!r}")
            seen.add(p.id)
        check_recipients(self.recipients, allow_empty=True)

    @property
    def text_by_point(self) -> dict[str, str]:
        """Point id to canonical text, in document order."""
        return {p.id: p.text for p in self.points}

    @classmethod
    def from_points(cls, draft_id: str, points: PointsLike,
                    recipients: Sequence[str] = ()) -> Draft:
        """Build a draft from ``{id: text}`` or a list of texts (ids ``"1"``, ``"2"``, ...)."""
        if isinstance(points, Draft):
            return cls(draft_id, points.points, tuple(recipients) or points.recipients)
        if isinstance(points, str):
            raise LeakError("points must be a mapping or a list of texts, not one string")
        if isinstance(points, Mapping):
            items = [Point(str(k), v) for k, v in points.items()]
        elif isinstance(points, Sequence):
            items = [Point(str(i + 1), t) for i, t in enumerate(points)]
        else:
            raise LeakError(f"points must be a mapping or a list, not {type(points).__name__}")
        return cls(draft_id, tuple(items), tuple(recipients))

    @classmethod
    def from_dict(cls, data: Any) -> Draft:
        """Parse ``{draft_id, points: [{id, text}], recipients: [...]}`` (already decoded JSON).

        Raises:
            LeakError: on any missing or mistyped field, naming the field.
        """
        if not isinstance(data, dict):
            raise LeakError("a draft file must hold a JSON object")
        draft_id = data.get("draft_id")
        if not isinstance(draft_id, str):
            raise LeakError("field draft_id: expected a non-empty string")
        raw_points = data.get("points")
        if not isinstance(raw_points, list) or not raw_points:
            raise LeakError("field points: expected a non-empty list of {id, text}")
        points = []
        for i, item in enumerate(raw_points):
            if not isinstance(item, dict):
                raise LeakError(f"field points[{i}]: expected an object with id and text")
            pid, text = item.get("id"), item.get("text")
            if isinstance(pid, int) and not isinstance(pid, bool):
                pid = str(pid)
            if not isinstance(pid, str) or not isinstance(text, str):
                raise LeakError(f"field points[{i}]: id and text must be strings")
            points.append(Point(pid, text))
        recipients = data.get("recipients", [])
        if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
            raise LeakError("field recipients: expected a list of strings")
        return cls(draft_id, tuple(points), tuple(recipients))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_dict`."""
        return {"draft_id": self.draft_id,
                "points": [{"id": p.id, "text": p.text} for p in self.points],
                "recipients": list(self.recipients)}


#: What :func:`accord.leaks.render` and :func:`accord.leaks.trace` accept as a draft's text.
PointsLike: TypeAlias = Mapping[str, str] | Sequence[str] | Draft


def check_id(value: object, what: str) -> str:
    """A non-empty string id without surrounding whitespace."""
    if not isinstance(value, str) or not value.strip():
        raise LeakError(f"{what} must be a non-empty string")
    if value != value.strip():
        raise LeakError(f"{what} {value!r} has surrounding whitespace")
    return value


def check_key(key: object) -> bytes:
    """The room secret: bytes, at least :data:`MIN_KEY_BYTES` long."""
    if not isinstance(key, bytes | bytearray):
        raise LeakError(f"the key must be bytes, not {type(key).__name__}")
    if len(key) < MIN_KEY_BYTES:
        raise LeakError(f"the key must be at least {MIN_KEY_BYTES} bytes, not {len(key)}")
    return bytes(key)


def check_recipients(recipients: Sequence[str], allow_empty: bool = False) -> tuple[str, ...]:
    """Distinct, non-empty recipient ids."""
    if isinstance(recipients, str):
        raise LeakError("recipients must be a list of ids, not one string")
    out = tuple(recipients)
    if not out and not allow_empty:
        raise LeakError("at least one recipient is needed")
    for r in out:
        check_id(r, "recipient id")
    if len(set(out)) != len(out):
        dup = sorted({r for r in out if out.count(r) > 1})
        raise LeakError(f"duplicate recipient ids: {', '.join(dup)}")
    return out
