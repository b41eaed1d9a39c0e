"""Leak tracing where the key is: on the server, or by the custodian of a full backup.

The room's fingerprint key never leaves the server except in the administrator's full
backup (the custodian's file). Tracing therefore runs either in the service
(``POST /rooms/{room}/leaks/trace``: the mediator, over the drafts it may read; the
administrator, over all) or with ``accord room trace-leak`` on the server's database or a
full backup. Every readable draft version is tried; the answer is the versions whose
readers are named, or when none is, the single best-scoring version with ``no_match``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from accord.leaks import Draft, TraceResult, trace
from accord.service.access import room_view
from accord.service.fingerprint import ordered_points, version_id
from accord.store import canon, repo
from accord.store.tables import Room


@dataclass(frozen=True)
class VersionTrace:
    """The trace of a leaked text against one draft version."""

    draft_id: str
    result: TraceResult

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"draft_id": self.draft_id, **self.result.to_dict()}


def _strength(t: VersionTrace) -> float:
    best = t.result.best
    return best.log10_p if best is not None else 0.0


def trace_versions(text: str, key: bytes, drafts: Iterable[Draft]) -> list[VersionTrace]:
    """Trace ``text`` against every version; the named ones, else the best-scoring one."""
    results = [VersionTrace(d.draft_id, trace(text, key, d.draft_id, d.recipients, d))
               for d in drafts if d.recipients]
    named = [t for t in results if t.result.verdict != "no_match"]
    if named:
        return named
    return sorted(results, key=_strength)[:1]


def room_drafts(session: Session, room: Room, reader: str | None,
                only: str | None = None) -> list[Draft]:
    """The room's draft versions with their readers, as the leak engine takes them.

    Only the versions ``reader`` may read (``None``: every one); ``only`` keeps one
    ``dr_...@N``.
    """
    doc = canon.loads(room.scenario_json)
    order = [i["id"] for i in doc["issues"]]
    drafts = repo.drafts_of(session, room.id)
    view = room_view(session, room.id, drafts=drafts, include_revoked=True)
    versions = repo.versions_of(session, [d.id for d in drafts])
    out = []
    for d in drafts:
        readable = (set(range(1, d.version + 1)) if reader is None
                    else set(view.visible_versions(reader, d)))
        for v in versions:
            name = version_id(d.id, v.version)
            if v.draft_id != d.id or v.version not in readable or (only and name != only):
                continue
            points = ordered_points(canon.loads(v.texts_json), order)
            if points:
                out.append(Draft.from_dict({
                    "draft_id": name, "points": [{"id": k, "text": t}
                                                 for k, t in points.items()],
                    "recipients": view.readers(d, v.version)}))
    return out


def drafts_from_export(block: Any) -> list[Draft]:
    """The draft versions of an export's ``leak_tracing`` block."""
    if not isinstance(block, dict) or not isinstance(block.get("drafts"), list):
        raise ValueError("no leak_tracing.drafts list")
    return [Draft.from_dict(d) for d in block["drafts"]]


def pick(drafts: Sequence[Draft], only: str | None) -> list[Draft]:
    """Keep one version (``dr_...@N``) when asked."""
    return [d for d in drafts if only is None or d.draft_id == only]
