"""``accord serve``, ``accord audit`` and ``accord room``: run and administer the mediation service.

* ``accord serve [--db URL] [--host 127.0.0.1] [--port 8000] [--admin-token-file PATH]``
* ``accord audit verify ROOM [--db URL]`` — exit 0 when the chain is intact, 1 when an
  entry was edited, removed or reordered (the first bad ``seq`` is printed), 2 on bad
  input (unknown room, unusable database).
* ``accord audit export ROOM [--db URL] [--out FILE]``
* ``accord room create SCENARIO --title T --mediator NAME [--db URL]`` — bootstrap a room
  without the administrator token; prints the mediator's token once.
* ``accord room export ROOM [--db URL] [--out FILE]`` (a full backup) and
  ``accord room import FILE [--db URL]``.
* ``accord room trace-leak EXPORT LEAKED [--draft DRAFT@VERSION]`` — name the member whose
  copy of a draft leaked, using a room export's ``leak_tracing`` block.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.common import EXIT_BAD_INPUT, console, emit_json, err_console, guarded

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


def _write_out(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
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
        _mount_web(app, settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


def _mount_web(app: Any, settings: Any) -> None:
    """Add the workbench pages (``accord.web``) when that package is installed."""
    try:
        from accord.web.routes import mount_web
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("accord.web"):
            raise
        return
    mount_web(app, settings)


# ------------------------------------------------------------------------------- audit
@audit_app.command("verify")
@guarded
def audit_verify(room: RoomArg, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Recompute a room's hash chain; exit 1 at the first edited, removed or moved entry."""
    from accord.service.errors import NotFoundError
    from accord.store import audit, repo

    database = _open(db)
    try:
        with database.read() as session:
            if repo.get_room(session, room) is None and not audit.entries_of(session, room):
                raise NotFoundError(f"no room {room!r} in {_url(db)}")
            verdict = audit.verify_room(session, room)
    finally:
        database.dispose()
    if as_json:
        emit_json({"room": room, **verdict.to_dict()})
    elif verdict.valid:
        console.print(f"[green]ok[/green] {room}: {verdict.entries} entries, head "
                      f"{verdict.head[:16]}…")
    else:
        err_console.print(f"[red]broken[/red] {room}: first bad entry seq "
                          f"{verdict.first_bad_seq}: {verdict.reason}", highlight=False)
    if not verdict.valid:
        raise typer.Exit(1)


@audit_app.command("export")
@guarded
def audit_export(room: RoomArg, db: DbOpt = None, out: OutOpt = None) -> None:
    """Write a room's audit log as JSON (entries, recorded head, verification)."""
    from accord.service.errors import NotFoundError
    from accord.store import audit, repo

    database = _open(db)
    try:
        with database.read() as session:
            r = repo.get_room(session, room)
            if r is None:
                raise NotFoundError(f"no room {room!r} in {_url(db)}")
            data = {"room": room, "head_seq": r.audit_seq, "head_hash": r.audit_head,
                    "entries": [audit.as_dict(e) for e in audit.entries_of(session, room)],
                    "verification": audit.verify_room(session, room).to_dict()}
    finally:
        database.dispose()
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
    from accord.service.errors import NotFoundError
    from accord.store import repo

    database = _open(db)
    try:
        with database.read() as session:
            r = repo.get_room(session, room)
            if r is None:
                raise NotFoundError(f"no room {room!r} in {_url(db)}")
            data = export_room(session, r, full=True)
    finally:
        database.dispose()
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
    export: Annotated[str, typer.Argument(help="A room export (JSON) with leak_tracing.")],
    leaked: Annotated[str, typer.Argument(help="The leaked text (UTF-8; - for stdin).")],
    draft: Annotated[str | None, typer.Option(
        "--draft", "-d", help="The draft version (dr_...@N); default: try every one.")]
    = None,
    as_json: JsonOpt = False,
) -> None:
    """Name the member whose fingerprinted copy of a draft leaked."""
    from accord.leaks import Draft, trace
    from accord.service.errors import InvalidInputError

    try:
        data = json.loads(Path(export).read_text(encoding="utf-8"))
        block = data["leak_tracing"]
        key = bytes.fromhex(block["key"])
        drafts = [Draft.from_dict(d) for d in block["drafts"]]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            ValueError) as exc:
        raise InvalidInputError(f"{export}: not a room export with leak_tracing ({exc})"
                                ) from None
    text = sys.stdin.read() if leaked == "-" else Path(leaked).read_text(encoding="utf-8-sig")
    if draft is not None:
        drafts = [d for d in drafts if d.draft_id == draft]
        if not drafts:
            raise InvalidInputError(f"no draft version {draft!r} in {export}")
    results = []
    for d in drafts:
        if not d.recipients:
            continue
        r = trace(text, key, d.draft_id, d.recipients, d)
        results.append((d.draft_id, r))
    named = [(did, r) for did, r in results if r.verdict != "no_match"]
    if as_json:
        emit_json([{"draft_id": did, **r.to_dict()} for did, r in (named or results)])
    else:
        for did, r in named or results[:1]:
            console.print(f"{did}: {r.message}", highlight=False)
    if not results:
        err_console.print("the export has no draft version with recipients")
        raise typer.Exit(EXIT_BAD_INPUT)
    if not named and not as_json:
        err_console.print("no draft version's recipients match the leaked text")
