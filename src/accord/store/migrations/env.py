"""Alembic environment: runs on the connection handed over by :func:`accord.store.db.migrate`.

There is no ``alembic.ini``; to use the ``alembic`` command line for a new revision, see
``docs/reference/api.md`` (section "Schema migrations").
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from accord.store.db import normalise_url
from accord.store.tables import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line: ACCORD_DB or sqlalchemy.url in the config
    import os

    url = config.get_main_option("sqlalchemy.url") or os.environ.get("ACCORD_DB",
                                                                       "sqlite:///accord.db")
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        _run(conn)
