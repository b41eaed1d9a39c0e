"""Per-reader views of the audit log: nobody learns of a channel or draft it cannot open.

The log records every change, private channels and drafts included. A member reading
it (the mediator, through ``GET /rooms/{room}/audit`` or an export) sees an entry in
full only if it may open what the entry is about:

* ``channel.create`` of a private channel: the channel's members;
* ``draft.create`` and ``draft.revise``: the members of the draft's channel;
* ``draft.brief``: the members of the draft's channel and of the channel briefed;
* ``proposal.create`` from a draft: everyone sees the proposal, but the draft's id and
  version only those who may read that version;
* ``vote.cast`` and ``vote.change`` in a room with sealed votes: while the proposal is
  open, the vote's value is hidden (who voted is not).

Any other member sees such an entry *redacted*: its ``seq``, time, ``prev_hash`` and
``hash`` (so the chain's links and its head can still be checked), with no actor, the
action ``redacted`` and an empty payload. The administrator sees every entry. Who belongs
to which channel is taken from the log itself, replayed in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from accord.store import canon
from accord.store.tables import AuditEntry

REDACTED = "redacted"


@dataclass(frozen=True)
class ViewEntry:
    """An entry as one reader may see it."""

    seq: int
    at: str
    actor: str
    action: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    redacted: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The export form (payload as canonical JSON text, like the stored entry)."""
        return {"seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action,
                "payload": canon.dumps(self.payload), "prev_hash": self.prev_hash,
                "hash": self.hash, "redacted": self.redacted}


@dataclass
class _Reach:
    """Channels and drafts as the log describes them so far."""

    everyone: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=dict)
    draft_channel: dict[str, str] = field(default_factory=dict)
    briefed: dict[tuple[str, int], set[str]] = field(default_factory=dict)

    def in_channel(self, reader: str, channel: str) -> bool:
        return channel in self.everyone or reader in self.members.get(channel, set())

    def reads(self, reader: str, draft: str, version: int | None) -> bool:
        channel = self.draft_channel.get(draft)
        if channel is not None and self.in_channel(reader, channel):
            return True
        return version is not None and any(
            self.in_channel(reader, c) for c in self.briefed.get((draft, version), set()))


def _learn(reach: _Reach, action: str, p: dict[str, Any]) -> None:
    if action == "channel.create":
        if p.get("everyone"):
            reach.everyone.add(p["channel_id"])
        else:
            reach.members[p["channel_id"]] = set(p.get("member_ids", []))
    elif action == "draft.create":
        reach.draft_channel[p["draft_id"]] = p["channel_id"]
    elif action == "draft.brief":
        reach.briefed.setdefault((p["draft_id"], int(p["version"])), set()).add(
            p["channel_id"])


def _shown(reach: _Reach, reader: str, action: str,
           p: dict[str, Any]) -> dict[str, Any] | None:
    """The payload the reader may see, or ``None`` when the whole entry is hidden."""
    if action == "channel.create":
        return p if reach.in_channel(reader, p["channel_id"]) else None
    if action in ("draft.create", "draft.revise"):
        return p if reach.reads(reader, p["draft_id"], None) else None
    if action == "draft.brief":
        return p if (reach.reads(reader, p["draft_id"], None)
                     or reach.in_channel(reader, p["channel_id"])) else None
    if action == "proposal.create" and p.get("draft_id"):
        if reach.reads(reader, p["draft_id"], p.get("draft_version")):
            return p
        return {**p, "draft_id": None, "draft_version": None}
    return p


def _sealed_open(entries: list[AuditEntry]) -> set[str]:
    """Proposals still open in a room with sealed votes (as the whole log tells)."""
    sealed, open_ = False, set()
    for e in entries:
        if e.action == "room.create":
            sealed = bool(canon.loads(e.payload).get("sealed_votes", False))
        elif e.action == "proposal.create":
            open_.add(canon.loads(e.payload)["proposal_id"])
        elif e.action in ("proposal.decide", "proposal.withdraw"):
            open_.discard(canon.loads(e.payload)["proposal_id"])
    return open_ if sealed else set()


def visible_entries(entries: Iterable[AuditEntry], reader: str | None) -> list[ViewEntry]:
    """The entries as ``reader`` (a member id; ``None``: the administrator) may see them."""
    reach = _Reach()
    out = []
    listed = list(entries)
    sealed = _sealed_open(listed) if reader is not None else set()
    for e in listed:
        payload: dict[str, Any] = canon.loads(e.payload)
        _learn(reach, e.action, payload)
        shown = payload if reader is None else _shown(reach, reader, e.action, payload)
        if shown is not None and e.action in ("vote.cast", "vote.change") \
                and shown.get("proposal_id") in sealed:
            shown = {**shown, "vote": None}
        if shown is None:
            out.append(ViewEntry(e.seq, e.at, "", REDACTED, {}, e.prev_hash, e.hash, True))
        else:
            out.append(ViewEntry(e.seq, e.at, e.actor, e.action, shown, e.prev_hash, e.hash,
                                 shown is not payload))
    return out
