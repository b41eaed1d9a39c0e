"""The audit log proves the state: replay the log, compare what it implies with the tables.

The hash chain shows that no entry was edited, removed or reordered; it says nothing of
the tables. Replaying the entries in order gives the state they imply — members and their
roles, tokens issued and revoked, invitations used, preferences versions, channels and
their members, drafts and their versions, briefings, proposals and their statuses, votes,
suggestions, blind rounds (status, who marked how often, the overlap shown) and the room's
own settings. :func:`first_disagreement` compares that with the state read from the
tables (:func:`state_from_tables`) or from a backup (:func:`state_from_backup`) and names
the first thing that differs, with the log entry that last set it.

What the log never holds (preferences, marks, draft texts) is not compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from accord.service.enums import ProposalStatus, RoundStatus
from accord.store import canon, repo
from accord.store.tables import Room

#: The categories compared, in the order disagreements are looked for.
CATEGORIES = ("room", "members", "tokens", "invitations", "preferences", "channels",
              "drafts", "briefings", "proposals", "votes", "suggestions", "rounds",
              "submissions")


@dataclass
class RoomState:
    """What can be compared between the log and the tables, category by category.

    Each category maps a key (an id, or ids joined by ``/``) to a plain value.
    """

    parts: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {c: {} for c in CATEGORIES})
    #: for an implied state: the ``seq`` of the entry that last set each (category, key).
    source: dict[tuple[str, str], int] = field(default_factory=dict)

    def set(self, category: str, key: str, value: Any, seq: int = 0) -> None:
        """Set one value (and remember which entry set it)."""
        self.parts[category][key] = value
        self.source[(category, key)] = seq


class ReplayError(ValueError):
    """An entry the replay cannot apply (unknown action, missing field, unknown object)."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"entry {seq}: {reason}")
        self.seq = seq


def _apply(st: RoomState, seq: int, action: str, p: Mapping[str, Any],
           token_owner: dict[str, str]) -> None:
    parts = st.parts
    if action == "room.create":
        st.set("room", "room", {"title": p["title"], "version": 1,
                                "mediator_sees_preferences": p["mediator_sees_preferences"],
                                "sealed_votes": p.get("sealed_votes", False)}, seq)
    elif action == "room.update":
        room = dict(parts["room"]["room"])
        room["version"] = p["version"]
        for k in ("title", "mediator_sees_preferences"):
            if k in p:
                room[k] = p[k]
        st.set("room", "room", room, seq)
    elif action == "room.import":
        pass
    elif action == "member.add":
        st.set("members", p["member_id"], {"role": p["role"], "party_id": p["party_id"],
                                           "revoked": False}, seq)
        if p.get("token_id"):
            st.set("tokens", p["token_id"], {"member_id": p["member_id"], "revoked": False},
                   seq)
            token_owner[p["token_id"]] = p["member_id"]
        via = p.get("via", "")
        if via in parts["invitations"]:
            st.set("invitations", via, {"member_id": p["member_id"]}, seq)
    elif action == "member.revoke":
        member = dict(parts["members"][p["member_id"]])
        member["revoked"] = True
        st.set("members", p["member_id"], member, seq)
        for tid, owner in token_owner.items():
            if owner == p["member_id"] and not parts["tokens"][tid]["revoked"]:
                st.set("tokens", tid, {"member_id": owner, "revoked": True}, seq)
    elif action == "token.create":
        st.set("tokens", p["token_id"], {"member_id": p["member_id"], "revoked": False}, seq)
        token_owner[p["token_id"]] = p["member_id"]
    elif action == "token.revoke":
        st.set("tokens", p["token_id"], {"member_id": token_owner[p["token_id"]],
                                         "revoked": True}, seq)
    elif action == "invitation.create":
        st.set("invitations", p["invitation_id"], {"member_id": None}, seq)
    elif action in ("preferences.submit", "preferences.adopt"):
        source = "adopted" if action == "preferences.adopt" else "submitted"
        st.set("preferences", p["party_id"], {"version": p["version"], "source": source}, seq)
    elif action == "channel.create":
        st.set("channels", p["channel_id"], {"name": p["name"], "everyone": p["everyone"],
                                             "member_ids": sorted(p["member_ids"])}, seq)
    elif action == "draft.create":
        st.set("drafts", p["draft_id"], {"channel_id": p["channel_id"], "version": 1}, seq)
    elif action == "draft.revise":
        draft = dict(parts["drafts"][p["draft_id"]])
        draft["version"] = p["version"]
        st.set("drafts", p["draft_id"], draft, seq)
    elif action == "draft.brief":
        st.set("briefings", f"{p['draft_id']}/{p['version']}/{p['channel_id']}", True, seq)
    elif action == "proposal.create":
        st.set("proposals", p["proposal_id"], {"status": ProposalStatus.OPEN.value,
                                               "version": 1}, seq)
    elif action in ("proposal.decide", "proposal.withdraw"):
        status = p.get("status", ProposalStatus.WITHDRAWN.value)
        st.set("proposals", p["proposal_id"], {"status": status, "version": p["version"]},
               seq)
    elif action in ("vote.cast", "vote.change"):
        st.set("votes", f"{p['proposal_id']}/{p['party_id']}",
               {"vote": p["vote"], "version": p["version"]}, seq)
    elif action == "suggestion.create":
        st.set("suggestions", p["suggestion_id"], True, seq)
    elif action == "blind.open":
        st.set("rounds", p["round_id"], {"status": RoundStatus.OPEN.value, "overlap": None},
               seq)
    elif action == "blind.mark":
        key = f"{p['round_id']}/{p['party_id']}"
        st.set("submissions", key, int(parts["submissions"].get(key, 0)) + 1, seq)
    elif action == "blind.close":
        st.set("rounds", p["round_id"], {"status": RoundStatus.CLOSED.value,
                                         "overlap": _packages(p["overlap"])}, seq)
    else:
        raise ReplayError(seq, f"unknown action {action!r}")


def _packages(overlap: Iterable[Mapping[str, str]] | None) -> list[str] | None:
    return None if overlap is None else sorted(canon.dumps(dict(c)) for c in overlap)


def replay(entries: Iterable[Mapping[str, Any]]) -> RoomState:
    """The state the entries imply (each a dict with ``seq``, ``action``, ``payload``).

    Raises:
        ReplayError: an entry names an unknown action or object, or lacks a field.
    """
    st = RoomState()
    owners: dict[str, str] = {}
    for e in entries:
        seq = int(e["seq"])
        payload = e["payload"]
        try:
            data = canon.loads(payload) if isinstance(payload, str) else payload
            _apply(st, seq, str(e["action"]), data, owners)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ReplayError):
                raise
            raise ReplayError(seq, f"cannot apply {e['action']!r} ({exc!r})") from None
    return st


def state_from_tables(session: Session, room: Room) -> RoomState:
    """The comparable state of a room, read from its tables."""
    members = repo.members_of(session, room.id)
    channels = repo.channels_of(session, room.id)
    explicit = repo.channel_members(session, [c.id for c in channels])
    drafts = repo.drafts_of(session, room.id)
    proposals = repo.proposals_of(session, room.id)
    rounds = repo.rounds_of(session, room.id)
    return _build(
        room={"title": room.title, "version": room.version,
              "mediator_sees_preferences": room.mediator_sees_preferences,
              "sealed_votes": room.sealed_votes},
        members=[(m.id, m.role, m.party_id, m.revoked_at) for m in members],
        tokens=[(t.id, t.member_id, t.revoked_at)
                for t in repo.tokens_of(session, [m.id for m in members])],
        invitations=[(i.id, i.member_id) for i in repo.invitations_of(session, room.id)],
        preferences=[(p.party_id, p.version, p.source)
                     for p in repo.preferences_of(session, room.id)],
        channels=[(c.id, c.name, c.everyone, explicit.get(c.id, set())) for c in channels],
        drafts=[(d.id, d.channel_id, d.version) for d in drafts],
        briefings=[(b.draft_id, b.version, b.channel_id)
                   for b in repo.briefings_of(session, [d.id for d in drafts])],
        proposals=[(p.id, p.status, p.version) for p in proposals],
        votes=[(v.proposal_id, v.party_id, v.vote, v.version)
               for v in repo.votes_on(session, [p.id for p in proposals])],
        suggestions=[s.id for s in repo.suggestions_of(session, room.id)],
        rounds=[(r.id, r.status, canon.loads(r.overlap_json) if r.overlap_json else None)
                for r in rounds],
        submissions=[(s.round_id, s.party_id, s.version)
                     for s in repo.submissions_of(session, [r.id for r in rounds])])


def state_from_backup(data: Mapping[str, Any]) -> RoomState:
    """The comparable state of a room, read from a full backup (already shape-checked)."""
    r = data["room"]
    return _build(
        room={"title": r["title"], "version": r["version"],
              "mediator_sees_preferences": r["mediator_sees_preferences"],
              "sealed_votes": r.get("sealed_votes", False)},
        members=[(m["id"], m["role"], m["party_id"], m["revoked_at"]) for m in data["members"]],
        tokens=[(t["id"], t["member_id"], t["revoked_at"]) for t in data["tokens"]],
        invitations=[(i["id"], i["member_id"]) for i in data["invitations"]],
        preferences=[(p["party_id"], p["version"], p["source"]) for p in data["preferences"]],
        channels=[(c["id"], c["name"], c["everyone"], c["member_ids"])
                  for c in data["channels"]],
        drafts=[(d["id"], d["channel_id"], d["version"]) for d in data["drafts"]],
        briefings=[(b["draft_id"], b["version"], b["channel_id"]) for b in data["briefings"]],
        proposals=[(p["id"], p["status"], p["version"]) for p in data["proposals"]],
        votes=[(p["id"], v["party_id"], v["vote"], v["version"])
               for p in data["proposals"] for v in p["votes"]],
        suggestions=[s["id"] for s in data["suggestions"]],
        rounds=[(b["id"], b["status"], b["overlap"]) for b in data["blind_rounds"]],
        submissions=[(b["id"], s["party_id"], s["version"])
                     for b in data["blind_rounds"] for s in b["submissions"]])


def _build(*, room: dict[str, Any], members: Iterable[tuple[Any, ...]],
           tokens: Iterable[tuple[Any, ...]], invitations: Iterable[tuple[Any, ...]],
           preferences: Iterable[tuple[Any, ...]], channels: Iterable[tuple[Any, ...]],
           drafts: Iterable[tuple[Any, ...]], briefings: Iterable[tuple[Any, ...]],
           proposals: Iterable[tuple[Any, ...]], votes: Iterable[tuple[Any, ...]],
           suggestions: Iterable[str], rounds: Iterable[tuple[Any, ...]],
           submissions: Iterable[tuple[Any, ...]]) -> RoomState:
    st = RoomState()
    st.set("room", "room", room)
    for mid, role, party, revoked in members:
        st.set("members", mid, {"role": role, "party_id": party, "revoked": revoked is not None})
    for tid, mid, revoked in tokens:
        st.set("tokens", tid, {"member_id": mid, "revoked": revoked is not None})
    for iid, mid in invitations:
        st.set("invitations", iid, {"member_id": mid})
    for party, version, source in preferences:
        st.set("preferences", party, {"version": version, "source": source})
    for cid, name, everyone, ids in channels:
        st.set("channels", cid, {"name": name, "everyone": everyone,
                                 "member_ids": sorted(ids)})
    for did, cid, version in drafts:
        st.set("drafts", did, {"channel_id": cid, "version": version})
    for did, version, cid in briefings:
        st.set("briefings", f"{did}/{version}/{cid}", True)
    for pid, status, version in proposals:
        st.set("proposals", pid, {"status": status, "version": version})
    for pid, party, vote, version in votes:
        st.set("votes", f"{pid}/{party}", {"vote": vote, "version": version})
    for sid in suggestions:
        st.set("suggestions", sid, True)
    for rid, status, overlap in rounds:
        st.set("rounds", rid, {"status": status, "overlap": _packages(overlap)})
    for rid, party, version in submissions:
        st.set("submissions", f"{rid}/{party}", version)
    return st


@dataclass(frozen=True)
class Disagreement:
    """The first thing the tables hold that the log does not imply (or the reverse)."""

    category: str
    key: str
    seq: int | None
    reason: str


def _show(value: Any) -> str:
    return "nothing" if value is None else canon.dumps(value)


def first_disagreement(implied: RoomState, actual: RoomState) -> Disagreement | None:
    """The first (category, key) whose value differs, in :data:`CATEGORIES` order."""
    for category in CATEGORIES:
        a, b = implied.parts[category], actual.parts[category]
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                seq = implied.source.get((category, key))
                what = "the room" if category == "room" else f"{category} {key}"
                reason = (f"{what}: the log implies {_show(a.get(key))}, the tables hold "
                          f"{_show(b.get(key))}")
                return Disagreement(category, key, seq, reason)
    return None


def check_entries(entries: Iterable[Mapping[str, Any]], actual: RoomState) -> Disagreement | None:
    """Replay ``entries`` and compare with ``actual`` (a replay error is a disagreement)."""
    try:
        implied = replay(entries)
    except ReplayError as exc:
        return Disagreement("log", "", exc.seq, str(exc))
    return first_disagreement(implied, actual)
