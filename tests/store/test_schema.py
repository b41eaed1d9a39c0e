"""The schema comes only from the migrations, and the migrations match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from accord.store.db import (
    DatabaseError,
    current_revision,
    downgrade,
    has_schema,
    migrate,
    normalise_url,
    open_database,
)
from accord.store.tables import Base


def test_migrations_create_exactly_the_models(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    try:
        assert not has_schema(db) and current_revision(db) is None
        migrate(db)
        migrate(db)  # idempotent
        assert has_schema(db) and current_revision(db) == "0002"
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
        downgrade(db)
        assert not has_schema(db)
        migrate(db)
        assert has_schema(db)
    finally:
        db.dispose()


def test_sqlite_connections_are_configured(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(f"sqlite:///{tmp_path}/x.db", sqlite_synchronous="FULL")
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
    finally:
        db.dispose()


def test_urls() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(DatabaseError):
        open_database("mysql://u@h/db")
    with pytest.raises(DatabaseError):
        open_database("not a url")
    with pytest.raises(DatabaseError):
        open_database("sqlite:////no/such/folder/x.db")
