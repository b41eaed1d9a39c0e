"""``accord serve``, ``accord audit`` and ``accord room``: run and administer the mediation service.

* ``accord serve [--db URL] [--host 127.0.0.1] [--port 8000] [--admin-token-file PATH]``
* ``accord audit verify ROOM [--db URL] [--head SEQ:HASH]`` — exit 0 when the chain is
  intact, the tables hold what the log implies and the published head (if given) is in
  the log; 1 otherwise (the first bad ``seq`` and the first disagreement are printed); 2
  on bad input (unknown room, unusable database).
* ``accord audit head ROOM [--db URL]`` — print the current head ``SEQ:HASH`` to publish.
* ``accord audit export ROOM [--db URL] [--out FILE]``
* ``accord room create SCENARIO --title T --mediator NAME [--db URL]`` — bootstrap a room
  without the administrator token; prints the mediator's token once.
* ``accord room export ROOM [--db URL] [--out FILE]`` (a full backup, written 0600: it holds
  every party's preferences and the room key) and ``accord room import FILE [--db URL]``.
* ``accord room trace-leak ROOM|BACKUP LEAKED [--db URL] [--key-file K] [--draft D@N]`` —
  name the member whose copy of a draft leaked, where the key is: the database, a full
  backup, or an export plus the custodian's key file; exit 3 when nobody is named.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.common import EXIT_BAD_INPUT, console, emit_json, err_console, guarded

#: ``accord room trace-leak``: the trace names nobody.
EXIT_NO_MATCH = 3
DEFAULT_URL = "sqlite:///accord.db"  # accord.store.db.DEFAULT_URL, without importing SQLAlchemy

audit_app = typer.Typer(help="Verify or export a room's hash-chained audit log.",
                        no_args_is_help=True)
room_app = typer.Typer(help="Create, back up, restore rooms; trace leaked drafts.",
                       no_args_is_help=True)

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default: $ACCORD_DB or sqlite:///accord.db).")]
RoomArg = Annotated[str, typer.Argument(help="The room id (rm_...).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
OutOpt = Annotated[str | None, typer.Option("--out", "-o", help="Write here, not stdout.")]


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``audit`` and ``room`` to ``app``."""
    app.command("serve")(serve)
    app.add_typer(audit_app, name="audit")
    app.add_typer(room_app, name="room")


def _url(db: str | None) -> str:
    return db or os.environ.get("ACCORD_DB", DEFAULT_URL)


def _open(db: str | None) -> Any:
    """An existing database brought to the newest schema."""
    from sqlalchemy.exc import SQLAlchemyError

    from accord.service.errors import InvalidInputError
    from accord.store.db import DatabaseError, migrate, open_database

    try:
        database = open_database(_url(db))
        migrate(database)
    except DatabaseError as exc:
        raise InvalidInputError(str(exc)) from None
    except (SQLAlchemyError, OSError) as exc:  # refused, bad credentials: bad input to us
        raise InvalidInputError(f"cannot open the database: {exc}") from None
    return database


@contextmanager
def _room_read(db: str | None, room: str) -> Iterator[tuple[Any, Any]]:
    """A read session on ``db`` and the room ``room`` in it (exit 2 when there is none)."""
    from accord.service.errors import NotFoundError
    from accord.store import repo

    database = _open(db)
    try:
        with database.read() as session:
            r = repo.get_room(session, room)
            if r is None:
                raise NotFoundError(f"no room {room!r} in {_url(db)}")
            yield session, r
    finally:
        database.dispose()


def _write_out(text: str, out: str | None) -> None:
    """Write to ``out`` (readable by its owner only: 0600) or stdout."""
    if out is None:
        sys.stdout.write(text)
        return
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    tmp.replace(path)
    path.chmod(0o600)
    err_console.print(f"wrote {path}")


# ------------------------------------------------------------------------------- serve
@guarded
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    admin_token_file: Annotated[str | None, typer.Option(
        "--admin-token-file",
        help="File holding the administrator token; created (mode 0600) when missing.")]
    = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    web: Annotated[bool, typer.Option("--web/--no-web",
                                      help="Also serve the workbench pages under /web.")]
    = True,
) -> None:
    """Run the mediation service (OpenAPI at /openapi.json, docs at /docs)."""
    import uvicorn

    from accord.service.app import create_app
    from accord.service.settings import Settings, admin_token_from_file

    settings = Settings.from_env()
    if db is not None or "ACCORD_DB" not in os.environ:
        settings = replace(settings, database_url=_url(db))
    if admin_token_file is not None:
        token, created = admin_token_from_file(Path(admin_token_file))
        settings = settings.with_admin_token(token)
        if created:
            err_console.print(f"administrator token written to {admin_token_file}")
    if settings.admin_token_hash is None:
        err_console.print("no administrator token: create rooms with `accord room create`")
    app = create_app(settings)
    if web:
        from accord.web.routes import mount_web

        mount_web(app, settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


# ------------------------------------------------------------------------------- audit
@audit_app.command("verify")
@guarded
def audit_verify(
    room: RoomArg, db: DbOpt = None, as_json: JsonOpt = False,
    head: Annotated[str | None, typer.Option(
        "--head", help="A head published earlier (SEQ:HASH or HASH) the log must contain.")]
    = None,
) -> None:
    """Check the chain, that the tables hold what the log implies, and a published head.

    Exit 1 at the first edited, removed or moved entry, or the first disagreement between
    the log and the tables.
    """
    from accord.service.audit import verify_room
    from accord.service.errors import NotFoundError
    from accord.store import audit, repo

    database = _open(db)
    try:
        with database.read() as session:
            if repo.get_room(session, room) is None and not audit.entries_of(session, room):
                raise NotFoundError(f"no room {room!r} in {_url(db)}")
            verdict = verify_room(session, room, head)
    finally:
        database.dispose()
    if as_json:
        emit_json({"room": room, **verdict.to_dict()})
    elif verdict.valid:
        console.print(f"[green]ok[/green] {room}: {verdict.entries} entries, head "
                      f"{verdict.entries}:{verdict.head}", highlight=False, soft_wrap=True)
    else:
        where = f"first bad entry seq {verdict.first_bad_seq}: " if verdict.first_bad_seq \
            else ""
        err_console.print(f"[red]broken[/red] {room}: {where}{verdict.reason}",
                          highlight=False, soft_wrap=True)
    if not verdict.valid:
        raise typer.Exit(1)


@audit_app.command("head")
@guarded
def audit_head(room: RoomArg, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Print the room's current audit head (SEQ:HASH), to publish and check later."""
    from accord.service.audit import head_of

    with _room_read(db, room) as (_session, r):
        head = head_of(r)
    if as_json:
        emit_json({"room": room, "head": head})
    else:
        sys.stdout.write(head + "\n")


@audit_app.command("export")
@guarded
def audit_export(room: RoomArg, db: DbOpt = None, out: OutOpt = None) -> None:
    """Write a room's audit log as JSON (entries, recorded head, verification)."""
    from accord.store import audit

    with _room_read(db, room) as (session, r):
        data = {"room": room, "head_seq": r.audit_seq, "head_hash": r.audit_head,
                "entries": [audit.as_dict(e) for e in audit.entries_of(session, room)],
                "verification": audit.verify_room(session, room).to_dict()}
    _write_out(json.dumps(data, indent=2, ensure_ascii=False) + "\n", out)


# -------------------------------------------------------------------------------- room
@room_app.command("create")
@guarded
def room_create(
    scenario: Annotated[str, typer.Argument(help="A bundled scenario name or a file path.")],
    title: Annotated[str, typer.Option(help="The room's title.")],
    mediator: Annotated[str, typer.Option(help="The mediator's name.")],
    db: DbOpt = None,
    mediator_sees_preferences: Annotated[bool, typer.Option(
        help="Let the mediator read every party's preferences.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a room directly in the database; prints the mediator's token (once)."""
    from accord.app.catalog import resolve
    from accord.service.rooms import create_room

    s = resolve(scenario)
    database = _open(db)
    try:
        room, member, token = create_room(
            database, title=title, scenario=s, mediator_name=mediator,
            mediator_sees_preferences=mediator_sees_preferences, actor="cli")
    finally:
        database.dispose()
    if as_json:
        emit_json({"room": room.id, "mediator": member.id, "token": token})
        return
    console.print(f"room {room.id} created; mediator {member.id}")
    console.print(f"mediator token (shown once): {token}", highlight=False, soft_wrap=True)


@room_app.command("export")
@guarded
def room_export(room: RoomArg, db: DbOpt = None, out: OutOpt = None) -> None:
    """Write a full backup of a room (holds every party's preferences: keep it safe)."""
    from accord.service.backup import export_room

    with _room_read(db, room) as (session, r):
        data = export_room(session, r, full=True)
    _write_out(json.dumps(data, indent=2, ensure_ascii=False) + "\n", out)


@room_app.command("import")
@guarded
def room_import(
    file: Annotated[str, typer.Argument(help="A full backup written by `room export`.")],
    db: DbOpt = None,
) -> None:
    """Restore a room from a full backup (its id must not exist in the database)."""
    from accord.service.backup import import_room
    from accord.service.errors import InvalidInputError

    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{file}: cannot read a JSON backup ({exc})") from None
    database = _open(db)
    try:
        room = import_room(database, data, "cli")
    finally:
        database.dispose()
    console.print(f"room {room.id} restored ({room.audit_seq} audit entries)")


@room_app.command("trace-leak")
@guarded
def room_trace_leak(
    source: Annotated[str, typer.Argument(
        help="A room id in --db (trace where the key is), or a full backup file.")],
    leaked: Annotated[str, typer.Argument(help="The leaked text (UTF-8; - for stdin).")],
    db: DbOpt = None,
    key_file: Annotated[str | None, typer.Option(
        "--key-file", "-k", help="The room key (hex), for an export that holds none.")]
    = None,
    draft: Annotated[str | None, typer.Option(
        "--draft", "-d", help="The draft version (dr_...@N); default: try every one.")]
    = None,
    as_json: JsonOpt = False,
) -> None:
    """Name the member whose fingerprinted copy of a draft leaked (exit 3: nobody named)."""
    from accord.leaks import LeakError
    from accord.service import tracing
    from accord.service.errors import InvalidInputError, NotFoundError
    from accord.store import repo

    text = sys.stdin.read() if leaked == "-" else Path(leaked).read_text(encoding="utf-8-sig")
    if Path(source).is_file():
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
            drafts = tracing.pick(tracing.drafts_from_export(data.get("leak_tracing")), draft)
            key_hex = (Path(key_file).read_text(encoding="utf-8").strip() if key_file
                       else data.get("room", {}).get("fingerprint_key"))
            if not key_hex:
                raise InvalidInputError(
                    f"{source} holds no key (only a full backup does): trace on the server "
                    "(`accord room trace-leak ROOM LEAKED --db URL`) or pass --key-file")
            key = bytes.fromhex(key_hex)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError,
                TypeError, ValueError, LeakError) as exc:
            if isinstance(exc, InvalidInputError):
                raise
            raise InvalidInputError(f"{source}: not a room export with leak_tracing ({exc})"
                                    ) from None
    else:
        database = _open(db)
        try:
            with database.read() as session:
                found = repo.get_room(session, source)
                if found is None:
                    raise NotFoundError(f"{source} is neither a file nor a room in {_url(db)}")
                drafts = tracing.room_drafts(session, found, None, draft)
                key = bytes.fromhex(found.fingerprint_key)
        finally:
            database.dispose()
    if draft is not None and not drafts:
        raise InvalidInputError(f"no draft version {draft!r} in {source}")
    results = tracing.trace_versions(text, key, drafts)
    if not results:
        err_console.print(f"{source} has no draft version with recipients")
        raise typer.Exit(EXIT_BAD_INPUT)
    named = results[0].result.verdict != "no_match"
    if as_json:
        emit_json([r.to_dict() for r in results])
    else:
        for r in results:
            console.print(f"{r.draft_id}: {r.result.message}", highlight=False)
    if not named:
        if not as_json:
            err_console.print("no reader is named; the best-scoring version is shown")
        raise typer.Exit(EXIT_NO_MATCH)
