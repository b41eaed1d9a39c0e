"""The store tests run on SQLite and on a throwaway PostgreSQL (see tests/service/conftest.py)."""

from tests.service.conftest import db_url, empty_db_url, pg_cluster, pg_template, sqlite_template

__all__ = ["db_url", "empty_db_url", "pg_cluster", "pg_template", "sqlite_template"]
