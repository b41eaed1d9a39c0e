"""Room export (JSON) and import (restore from a full backup).

Two kinds of export:

* **full backup** — everything needed to restore the room: the scenario with every
  party's preferences, submitted preferences, token and invitation hashes, blind marks,
  suggestion utilities and the room's fingerprint key. Only the administrator may take
  one (the API or ``accord room export``); it is the key custodian's file.
* **member export** (the mediator's) — what that member may know: the scenario without
  preferences, members, the channels it belongs to, the drafts and versions it may read
  (a version briefed to it shows as the newest it can read), their briefings to its
  channels, proposals and votes, suggestions without utilities, closed rounds' overlaps,
  the audit log as it may see it (see :mod:`accord.service.audit_view`), and the
  ``leak_tracing`` block (each readable version's canonical points and readers) — never
  the fingerprint key, so nobody can render another reader's copy; tracing runs where
  the key is (the server, or ``accord room trace-leak`` with the full backup).

Import takes a full backup only, refuses a room id that exists, checks the scenario,
every preferences block and the audit chain, restores every row as it was, and appends a
``room.import`` entry to the chain.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from accord.service.access import room_view
from accord.service.audit import record
from accord.service.audit_view import visible_entries
from accord.service.backup_check import check_collisions, check_rows
from accord.service.enums import ProposalStatus
from accord.service.errors import ConflictError, InvalidInputError
from accord.service.fingerprint import ordered_points, version_id
from accord.service.pref_bounds import check_numbers
from accord.service.ratelimit import stored_chars
from accord.service.replay import check_entries, state_from_backup
from accord.service.scenarios import build, check_block, public_view
from accord.store import audit as chain
from accord.store import canon, repo
from accord.store.db import Database
from accord.store.tables import (
    ApiToken,
    AuditEntry,
    BlindMark,
    BlindRound,
    BlindSubmission,
    Briefing,
    Channel,
    ChannelMember,
    Draft,
    DraftVersion,
    Invitation,
    Member,
    PartyPreferences,
    Proposal,
    Room,
    Suggestion,
    Vote,
    now,
)

FORMAT = "accord-room"
FORMAT_VERSION = 1


def _cols(row: Any, names: list[str]) -> dict[str, Any]:
    return {n: getattr(row, n) for n in names}


def export_room(session: Session, room: Room, *, full: bool,
                viewer: str | None = None) -> dict[str, Any]:
    """The room as JSON-ready data.

    Args:
        session: an open read transaction.
        room: the room.
        full: a full backup (see the module docstring for who may take one).
        viewer: for a non-full export, the member whose readable drafts are included.
    """
    doc = canon.loads(room.scenario_json)
    members = repo.members_of(session, room.id)
    channels = repo.channels_of(session, room.id)
    explicit = repo.channel_members(session, [c.id for c in channels])
    drafts = repo.drafts_of(session, room.id)
    view = room_view(session, room.id, drafts=drafts, include_revoked=True)
    versions = repo.versions_of(session, [d.id for d in drafts])
    proposals = repo.proposals_of(session, room.id)
    votes = repo.votes_on(session, [p.id for p in proposals])
    rounds = repo.rounds_of(session, room.id)
    subs = repo.submissions_of(session, [r.id for r in rounds])
    issue_order = [i["id"] for i in doc["issues"]]

    room_out = _cols(room, ["id", "title", "scenario_id", "mediator_sees_preferences",
                            "sealed_votes", "version", "created_at", "audit_seq",
                            "audit_head"])
    if full:
        room_out["fingerprint_key"] = room.fingerprint_key
    reader = viewer or ""
    out: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "full": full,
        "exported_at": now(), "room": room_out,
        "scenario": doc if full else public_view(doc),
        "members": [_cols(m, ["id", "role", "party_id", "name", "created_at", "revoked_at"])
                    for m in members],
    }
    inv_cols = ["id", "role", "party_id", "name", "created_by", "created_at", "expires_at",
                "used_at", "member_id"]
    if full:
        out["tokens"] = [_cols(t, ["id", "member_id", "token_hash", "label", "created_at",
                                   "expires_at", "revoked_at"])
                         for t in repo.tokens_of(session, [m.id for m in members])]
        inv_cols.append("token_hash")
        out["preferences"] = [
            {**_cols(p, ["party_id", "source", "version", "updated_at", "updated_by"]),
             "preferences": canon.loads(p.body_json)}
            for p in repo.preferences_of(session, room.id)]
    out["invitations"] = [_cols(i, inv_cols) for i in repo.invitations_of(session, room.id)]
    out["channels"] = [
        {**_cols(c, ["id", "name", "everyone", "created_by", "created_at"]),
         "member_ids": sorted(explicit.get(c.id, set()))} for c in channels
        if full or view.in_channel(reader, c.id)]
    mine = {c["id"] for c in out["channels"]}
    drafts_out = []
    tracing = []
    for d in drafts:
        readable = set(range(1, d.version + 1)) if full else set(
            view.visible_versions(viewer or "", d))
        if not readable:
            continue
        vs = [v for v in versions if v.draft_id == d.id and v.version in readable]
        row = _cols(d, ["id", "channel_id", "title", "version", "created_by", "created_at",
                        "updated_at"])
        if not full and not view.in_channel(reader, d.channel_id):
            # briefed only: the newest version it may read is all it learns of the draft
            row.update(channel_id=None, version=vs[-1].version,
                       updated_at=vs[-1].created_at)
        drafts_out.append({
            **row,
            "versions": [{**_cols(v, ["version", "note", "author_id", "created_at"]),
                          "choices": canon.loads(v.choices_json),
                          "texts": canon.loads(v.texts_json)} for v in vs]})
        for v in vs:
            points = ordered_points(canon.loads(v.texts_json), issue_order)
            if points:
                tracing.append({"draft_id": version_id(d.id, v.version),
                                "points": [{"id": k, "text": t} for k, t in points.items()],
                                "recipients": view.readers(d, v.version)})
    out["drafts"] = drafts_out
    shown = {d["id"] for d in drafts_out}
    out["briefings"] = [
        _cols(b, ["id", "draft_id", "version", "channel_id", "briefed_by", "created_at"])
        for bs in view.briefings.values() for b in bs
        if b.draft_id in shown and (full or b.channel_id in mine)]
    sealed = {p.id for p in proposals
              if room.sealed_votes and p.status == ProposalStatus.OPEN and not full}
    out["proposals"] = [
        {**_cols(p, ["id", "title", "draft_id", "draft_version", "status", "version",
                     "created_by", "created_at", "decided_at"]),
         "choices": canon.loads(p.choices_json),
         "votes": [] if p.id in sealed else [
             _cols(v, ["id", "member_id", "party_id", "vote", "version", "created_at",
                       "updated_at"]) for v in votes if v.proposal_id == p.id]}
        for p in proposals]
    sgs = []
    for sg in repo.suggestions_of(session, room.id):
        item = {**_cols(sg, ["id", "kind", "created_by", "created_at"]),
                "baseline": canon.loads(sg.baseline_json) if sg.baseline_json else None,
                "choices": canon.loads(sg.choices_json) if sg.choices_json else None,
                "details": canon.loads(sg.details_json)}
        if full:
            item["utilities"] = canon.loads(sg.utilities_json)
        sgs.append(item)
    out["suggestions"] = sgs
    rounds_out = []
    for r in rounds:
        item = {**_cols(r, ["id", "title", "status", "created_by", "created_at",
                            "closed_at"]),
                "overlap": canon.loads(r.overlap_json) if r.overlap_json else None,
                "submissions": [_cols(s, ["party_id", "submitted_at", "version"])
                                for s in subs if s.round_id == r.id]}
        if full:
            item["marks"] = [{"party_id": m.party_id, "package_key": m.package_key,
                              "choices": canon.loads(m.choices_json)}
                             for m in repo.marks_of(session, r.id)]
        rounds_out.append(item)
    out["blind_rounds"] = rounds_out
    entries = chain.entries_of(session, room.id)
    out["audit"] = {"entries": ([chain.as_dict(e) for e in entries] if full else
                                [e.as_dict() for e in visible_entries(entries, reader)]),
                    "head_seq": room.audit_seq, "head_hash": room.audit_head}
    out["leak_tracing"] = {"drafts": tracing}
    return out


# ---------------------------------------------------------------------------- import
def _get(data: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise InvalidInputError(f"{where}: missing field {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise InvalidInputError(f"{where}.{key}: wrong type")
    return value


def _opt(data: dict[str, Any], key: str) -> Any:
    return data.get(key)


def import_room(db: Database, data: Any, actor: str) -> Room:
    """Restore a room from a full backup (see the module docstring)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInputError(f"not an Accord room export (format must be {FORMAT!r})")
    if data.get("format_version") != FORMAT_VERSION:
        raise InvalidInputError(f"unsupported export version {data.get('format_version')!r}")
    if data.get("full") is not True:
        raise InvalidInputError("only a full backup can be imported (it holds the "
                                "preferences and keys a room needs)")
    try:
        return _import(db, data, actor)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, InvalidInputError):
            raise
        raise InvalidInputError(f"malformed backup: {type(exc).__name__}: {exc}") from None


def _import(db: Database, data: dict[str, Any], actor: str) -> Room:
    r = _get(data, "room", dict, "backup")
    doc = _get(data, "scenario", dict, "backup")
    scenario = build(doc)
    parties = set(scenario.party_ids)
    ids = check_rows(data, parties)
    prefs = _get(data, "preferences", list, "backup")
    for p in prefs:
        check_numbers(p["preferences"], f"preferences of {p['party_id']}")
        check_block(doc, p["party_id"], p["preferences"])
    audit_data = _get(data, "audit", dict, "backup")
    entries = _get(audit_data, "entries", list, "backup.audit")
    verdict = chain.verify_entries(entries, int(audit_data["head_seq"]),
                                   str(audit_data["head_hash"]))
    if not verdict.valid:
        raise InvalidInputError(f"the backup's audit chain is broken at entry "
                                f"{verdict.first_bad_seq}: {verdict.reason}")
    if verdict.entries != int(r["audit_seq"]) or verdict.head != r["audit_head"]:
        raise InvalidInputError("the backup's audit head does not match its room")
    with db.read() as session:  # first: never touch another room (checked again below)
        if repo.get_room(session, str(r["id"])) is not None:
            raise ConflictError(f"room {r['id']} already exists")
        check_collisions(session, str(r["id"]), ids)
    differs = check_entries(entries, state_from_backup(data))
    if differs is not None:
        raise InvalidInputError(f"the backup's tables disagree with its audit log "
                                f"(entry {differs.seq}): {differs.reason}")
    with db.write() as session:
        if repo.lock_room(session, str(r["id"])) is not None:
            raise ConflictError(f"room {r['id']} already exists")
        check_collisions(session, str(r["id"]), ids)
        room = Room(id=str(r["id"]), title=str(r["title"]), scenario_id=scenario.id,
                    scenario_json=canon.dumps(doc),
                    mediator_sees_preferences=bool(r["mediator_sees_preferences"]),
                    sealed_votes=r.get("sealed_votes") is True,
                    fingerprint_key=str(r["fingerprint_key"]), version=int(r["version"]),
                    created_at=str(r["created_at"]), audit_seq=int(r["audit_seq"]),
                    audit_head=str(r["audit_head"]))
        session.add(room)
        session.flush()
        for m in data["members"]:
            session.add(Member(room_id=room.id, **{k: m[k] for k in (
                "id", "role", "party_id", "name", "created_at", "revoked_at")}))
        session.flush()
        for t in data["tokens"]:
            session.add(ApiToken(**{k: t[k] for k in (
                "id", "member_id", "token_hash", "label", "created_at", "expires_at",
                "revoked_at")}))
        for i in data["invitations"]:
            session.add(Invitation(room_id=room.id, **{k: i[k] for k in (
                "id", "token_hash", "role", "party_id", "name", "created_by", "created_at",
                "expires_at", "used_at", "member_id")}))
        for p in prefs:
            session.add(PartyPreferences(room_id=room.id, party_id=p["party_id"],
                                         body_json=canon.dumps(p["preferences"]),
                                         source=p["source"], version=int(p["version"]),
                                         updated_at=p["updated_at"],
                                         updated_by=p["updated_by"]))
        for c in data["channels"]:
            session.add(Channel(room_id=room.id, **{k: c[k] for k in (
                "id", "name", "everyone", "created_by", "created_at")}))
        session.flush()
        for c in data["channels"]:
            for mid in c["member_ids"]:
                session.add(ChannelMember(channel_id=c["id"], member_id=mid))
        for d in data["drafts"]:
            session.add(Draft(room_id=room.id, **{k: d[k] for k in (
                "id", "channel_id", "title", "version", "created_by", "created_at",
                "updated_at")}))
            session.flush()
            for v in d["versions"]:
                session.add(DraftVersion(draft_id=d["id"], version=int(v["version"]),
                                         choices_json=canon.dumps(v["choices"]),
                                         texts_json=canon.dumps(v["texts"]), note=v["note"],
                                         author_id=v["author_id"], created_at=v["created_at"]))
        session.flush()
        for b in data["briefings"]:
            session.add(Briefing(**{k: b[k] for k in (
                "id", "draft_id", "version", "channel_id", "briefed_by", "created_at")}))
        for p in data["proposals"]:
            session.add(Proposal(room_id=room.id, choices_json=canon.dumps(p["choices"]),
                                 **{k: p[k] for k in (
                                     "id", "title", "draft_id", "draft_version", "status",
                                     "version", "created_by", "created_at", "decided_at")}))
            session.flush()
            for v in p["votes"]:
                session.add(Vote(proposal_id=p["id"], **{k: v[k] for k in (
                    "id", "member_id", "party_id", "vote", "version", "created_at",
                    "updated_at")}))
        for sg in data["suggestions"]:
            session.add(Suggestion(
                room_id=room.id, id=sg["id"], kind=sg["kind"], created_by=sg["created_by"],
                created_at=sg["created_at"],
                baseline_json=canon.dumps(sg["baseline"]) if sg["baseline"] else None,
                choices_json=canon.dumps(sg["choices"]) if sg["choices"] else None,
                utilities_json=canon.dumps(sg["utilities"]),
                details_json=canon.dumps(sg["details"])))
        for br in data["blind_rounds"]:
            session.add(BlindRound(
                room_id=room.id, overlap_json=(canon.dumps(br["overlap"])
                                               if br["overlap"] is not None else None),
                **{k: br[k] for k in ("id", "title", "status", "created_by", "created_at",
                                      "closed_at")}))
            session.flush()
            for s in br["submissions"]:
                session.add(BlindSubmission(round_id=br["id"], party_id=s["party_id"],
                                            submitted_at=s["submitted_at"],
                                            version=int(s["version"])))
            for m in br["marks"]:
                session.add(BlindMark(round_id=br["id"], party_id=m["party_id"],
                                      package_key=m["package_key"],
                                      choices_json=canon.dumps(m["choices"])))
        for e in entries:
            session.add(AuditEntry(room_id=room.id, **{k: e[k] for k in (
                "seq", "at", "actor", "action", "payload", "prev_hash", "hash")}))
        session.flush()
        room.draft_chars = stored_chars(session, room.id)
        record(session, room, actor, "room.import", entries=len(entries))
    return room
