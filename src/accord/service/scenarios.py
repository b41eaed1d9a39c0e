"""A room's scenario: the stored file, the public view, and the effective scenario.

The room stores the whole scenario file (with every party's preferences: private). What
members see is :func:`public_view` (the file without its ``preferences``). The *effective*
scenario replaces each party's block by the one it submitted or adopted; it is built on
demand and cached per room and preference versions (:class:`ScenarioCache`).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.app.catalog import bundled_names, bundled_text
from accord.formats import file_model as fm
from accord.formats.scenario_file import loads_scenario, scenario_to_dict, to_scenario
from accord.model import AccordError, InvalidPlanError, Plan, Scenario, ScenarioError
from accord.service.errors import InvalidInputError, NotFoundError
from accord.store import canon, repo
from accord.store.tables import Room


@dataclass(frozen=True)
class Compiled:
    """An effective scenario (its tables are compiled once, by :mod:`accord.app.api`)."""

    scenario: Scenario


def load_source(bundled: str | None, text: str | None, fmt: str) -> Scenario:
    """The scenario named by a room-creation request (bundled name xor uploaded text)."""
    if (bundled is None) == (text is None):
        raise InvalidInputError("give exactly one of scenario.bundled and scenario.text")
    if bundled is not None:
        if bundled not in bundled_names():
            raise InvalidInputError(f"no bundled scenario {bundled!r} "
                                    f"(bundled: {', '.join(bundled_names())})")
        return loads_scenario(bundled_text(bundled), f"{bundled} (bundled)")
    assert text is not None
    return loads_scenario(text, "uploaded." + ("json" if fmt == "json" else "yaml"))


def to_document(scenario: Scenario) -> dict[str, Any]:
    """The file form of a scenario, as JSON-compatible data (what a room stores)."""
    data: dict[str, Any] = canon.loads(canon.dumps(scenario_to_dict(scenario)))
    return data


def build(doc: Mapping[str, Any]) -> Scenario:
    """Validate a file document and build the scenario (errors: :class:`InvalidInputError`)."""
    try:
        return to_scenario(fm.ScenarioFile.model_validate(doc))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise InvalidInputError(f"{where}: {err.get('msg', 'invalid')}") from None
    except (ScenarioError, InvalidPlanError) as exc:
        raise InvalidInputError(str(exc)) from None


def public_view(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario file without anyone's preferences (what every member may read)."""
    return {k: copy.deepcopy(v) for k, v in doc.items() if k != "preferences"}


def with_preferences(doc: Mapping[str, Any], blocks: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the document with some parties' preference blocks replaced."""
    out = dict(doc)
    prefs = dict(doc["preferences"])
    prefs.update(blocks)
    out["preferences"] = prefs
    return out


def check_block(doc: Mapping[str, Any], party_id: str, block: Mapping[str, Any]) -> None:
    """Raise :class:`InvalidInputError` unless ``block`` is valid preferences for the party.

    The block is checked inside the room's scenario (its points, options, sources), so an
    error can only be about the block itself: no other party's numbers are involved.
    """
    candidate = with_preferences(doc, {party_id: dict(block)})
    try:
        parsed = fm.ScenarioFile.model_validate(candidate)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise InvalidInputError(f"{where}: {err.get('msg', 'invalid')}") from None
    try:
        to_scenario(parsed)
    except (ScenarioError, InvalidPlanError) as exc:
        raise InvalidInputError(str(exc)) from None


def make_plan(scenario: Scenario, choices: Mapping[str, str], *, complete: bool,
              plan_id: str = "package") -> Plan:
    """A plan from choices; :class:`InvalidInputError` when a point or option is unknown."""
    plan = Plan(plan_id, dict(choices))
    try:
        scenario.check_plan(plan, complete=complete)
    except AccordError as exc:
        raise InvalidInputError(str(exc)) from None
    return plan


def completed(scenario: Scenario, choices: Mapping[str, str]) -> dict[str, str]:
    """Choices with every open point settled by its default (must be complete)."""
    return scenario.complete(make_plan(scenario, choices, complete=True))


class ScenarioCache:
    """Effective scenarios by ``(room, preference versions)``, least recently used evicted."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, tuple[tuple[str, int], ...]], Compiled] = (
            OrderedDict())
        self._docs: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def document(self, room_id: str, text: Callable[[], str]) -> dict[str, Any]:
        """The room's stored scenario document (read with ``text()`` and parsed once)."""
        with self._lock:
            doc = self._docs.get(room_id)
            if doc is not None:
                self._docs.move_to_end(room_id)
                return doc
        doc = dict(canon.loads(text()))
        with self._lock:
            self._docs[room_id] = doc
            while len(self._docs) > self._size:
                self._docs.popitem(last=False)
        return doc

    def effective(self, room_id: str, text: Callable[[], str],
                  versions: Sequence[tuple[str, int]], blocks: Any) -> Compiled:
        """The effective scenario of a room.

        Args:
            room_id: the room.
            text: reads the room's stored scenario (called only on a cache miss).
            versions: ``(party, version)`` of the stored blocks (the cache key).
            blocks: called only on a cache miss; returns the ``(party, version)`` pairs and
                the ``{party: block}`` it read (the entry is kept under those versions).
        """
        key = (room_id, tuple(versions))
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        doc = self.document(room_id, text)
        read_versions, read_blocks = blocks()
        key = (room_id, tuple(read_versions))
        scenario = build(with_preferences(doc, read_blocks))
        compiled = Compiled(scenario)
        with self._lock:
            self._items[key] = compiled
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return compiled

    def forget(self, room_id: str) -> None:
        """Drop a room's entries (after an import replaced it)."""
        with self._lock:
            self._docs.pop(room_id, None)
            for key in [k for k in self._items if k[0] == room_id]:
                del self._items[key]


def _text(session: Session, room_id: str) -> Callable[[], str]:
    def read() -> str:
        text = session.scalar(select(Room.scenario_json).where(Room.id == room_id))
        if text is None:
            raise NotFoundError("no such room")
        return text

    return read


def room_document(cache: ScenarioCache, session: Session, room_id: str) -> dict[str, Any]:
    """A room's scenario document (the stored text is read only on a cache miss)."""
    return cache.document(room_id, _text(session, room_id))


def compiled_for(cache: ScenarioCache, session: Session, room: Room) -> Compiled:
    """The effective scenario of a room (cached by preference versions)."""
    versions = repo.preferences_versions(session, room.id)

    def blocks() -> tuple[list[tuple[str, int]], dict[str, Any]]:
        rows = repo.preferences_of(session, room.id)
        return ([(r.party_id, r.version) for r in rows],
                {r.party_id: canon.loads(r.body_json) for r in rows})

    return cache.effective(room.id, _text(session, room.id), versions, blocks)
