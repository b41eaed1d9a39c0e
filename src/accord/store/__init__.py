"""Persistence for mediation rooms: SQLAlchemy tables, repository functions, migrations.

SQLite (WAL, foreign keys, busy timeout) is the embedded default; PostgreSQL (psycopg 3)
serves deployments. The schema is created only by the Alembic migrations in
``accord/store/migrations`` (see :func:`accord.store.db.migrate`).
"""
