"""Database engines, transactions and migrations for SQLite and PostgreSQL.

Two kinds of transaction:

* :meth:`Database.read` — SQLite: a ``BEGIN DEFERRED`` transaction (readers never block
  writers under WAL); PostgreSQL: autocommit statements (no transaction round trips).
* :meth:`Database.write` — SQLite ``BEGIN IMMEDIATE`` takes the database's write lock at
  the start, so checks made inside the transaction (expected versions, one vote per
  party) stay true until it commits; on PostgreSQL the caller locks the room's row
  (:func:`accord.store.repo.lock_room`), which serialises the writes of one room.

SQLite connections get ``journal_mode=WAL``, ``foreign_keys=ON``, a busy timeout and the
configured ``synchronous`` level (``FULL`` by default: a committed write survives a crash
of the process or of the machine).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

DEFAULT_URL = "sqlite:///accord.db"
BUSY_TIMEOUT_MS = 30_000
#: Most pooled connections: a request may hold a read and a write transaction at once, and
#: the server runs up to 40 request threads.
MAX_CONNECTIONS = 84
MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATION_LOCK = 7_271_101


class DatabaseError(Exception):
    """A database URL that cannot be used."""


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` URLs and use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names a SQLite database."""
    return normalise_url(url).startswith("sqlite")


@dataclass(frozen=True)
class Database:
    """An engine and its write-mode twin.

    On SQLite the writers of one process also queue on a lock of their own: SQLite's busy
    handler sleeps in growing steps (up to 100 ms) while another writer holds the
    database, which would turn a short queue into long stalls.
    """

    url: str
    engine: Engine
    writer: Engine
    reader: Engine
    write_lock: threading.Lock = field(default_factory=threading.Lock, compare=False,
                                       repr=False)

    @property
    def sqlite(self) -> bool:
        """Whether this is a SQLite database."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction (rolled back at the end)."""
        with Session(self.reader, expire_on_commit=False, autoflush=False) as session, \
                session.begin():
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read-only transaction that sees one consistent state (exports, audit checks).

        PostgreSQL: ``REPEATABLE READ``; SQLite: a deferred transaction (already one
        snapshot under WAL).
        """
        bind = (self.engine if self.sqlite
                else self.engine.execution_options(isolation_level="REPEATABLE READ"))
        with Session(bind, expire_on_commit=False, autoflush=False) as session, \
                session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed at the end unless an exception escapes."""
        with self._serialised(), \
                Session(self.writer, expire_on_commit=False, autoflush=False) as session, \
                session.begin():
            yield session

    @contextmanager
    def _serialised(self) -> Iterator[None]:
        if not self.sqlite:
            yield
            return
        with self.write_lock:
            yield

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.reader is not self.engine:
            self.reader.dispose()


def _sqlite_engine(url: str, synchronous: str) -> Engine:
    parsed = make_url(url)
    memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    }
    if memory:
        kwargs["poolclass"] = StaticPool
    else:
        kwargs["pool_size"] = 20
        kwargs["max_overflow"] = MAX_CONNECTIONS - 20
        folder = Path(parsed.database or ".").parent
        if not folder.exists():
            raise DatabaseError(f"folder {folder} does not exist (database {url})")
    engine = create_engine(url, **kwargs)
    level = synchronous.upper()
    if level not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise DatabaseError(f"unknown SQLite synchronous level {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit
        # transactions would defeat BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute(f"PRAGMA synchronous={level}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("accord_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def open_database(url: str = DEFAULT_URL, *, sqlite_synchronous: str = "FULL",
                  pool_size: int = 20) -> Database:
    """Open (not create) a database; see :func:`migrate` for the schema."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, sqlite_synchronous)
        return Database(url, engine, engine.execution_options(accord_write=True), engine)
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseError(f"unsupported database {parsed.get_backend_name()!r}: use "
                            "sqlite:///PATH or postgresql://USER@HOST/DB")
    half = MAX_CONNECTIONS // 2
    engine = create_engine(url, pool_size=pool_size, max_overflow=max(0, half - pool_size),
                           pool_recycle=1800)
    # Reads run in autocommit: no BEGIN/ROLLBACK round trips. Each statement sees the
    # latest committed state; what a request reads together is immutable (versions,
    # channel members) or checked again under the room lock when it writes.
    reader = create_engine(url, pool_size=pool_size, max_overflow=max(0, half - pool_size),
                           pool_recycle=1800, isolation_level="AUTOCOMMIT")
    return Database(url, engine, engine.execution_options(accord_write=True), reader)


def alembic_config(connection: Any) -> Any:
    """An Alembic configuration that runs the migrations on ``connection``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(db: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic (the only way tables are created).

    Concurrent callers are serialised: SQLite by ``BEGIN IMMEDIATE``, PostgreSQL by an
    advisory lock.
    """
    from alembic import command

    with db.writer.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        command.upgrade(alembic_config(connection), revision)


def downgrade(db: Database, revision: str = "base") -> None:
    """Take the schema back to ``revision`` (``base``: drop every table)."""
    from alembic import command

    with db.writer.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        command.downgrade(alembic_config(connection), revision)


def current_revision(db: Database) -> str | None:
    """The schema revision recorded in the database (``None`` when unmigrated)."""
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def has_schema(db: Database) -> bool:
    """Whether the database has the rooms table."""
    with db.engine.connect() as connection:
        return inspect(connection).has_table("rooms")
