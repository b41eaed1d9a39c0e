"""Tournament results in SQLite (stdlib ``sqlite3``, WAL), one row per finished session.

Rows are written and committed as each session finishes, so an interrupted tournament
keeps every session it finished; a re-run reads the stored keys and plays only the
missing ones. The file also records the tournament's definition, and refuses to mix
results of a different one.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from accord.model import AccordError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    key TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    protocol TEXT NOT NULL,
    strategies TEXT NOT NULL,
    repetition INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL,
    agreement INTEGER NOT NULL,
    welfare REAL NOT NULL,
    row TEXT NOT NULL,
    seconds REAL NOT NULL,
    finished REAL NOT NULL
);
"""


class TournamentFileError(AccordError, ValueError):
    """A results file that holds another tournament, or cannot be used."""


class TournamentStore:
    """A SQLite file of session rows.

    Args:
        path: the database file (created when absent).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.conn = sqlite3.connect(self.path)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise TournamentFileError(f"{self.path}: not a usable results file ({exc})") \
                from None

    def __enter__(self) -> TournamentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def bind(self, config: dict[str, Any]) -> None:
        """Record the tournament's definition, or check that it matches the stored one."""
        text = json.dumps(config, sort_keys=True)
        found = self.conn.execute("SELECT value FROM meta WHERE name='config'").fetchone()
        if found is None:
            with self.conn:
                self.conn.execute("INSERT INTO meta VALUES ('config', ?)", (text,))
        elif found[0] != text:
            raise TournamentFileError(
                f"{self.path} holds results of a different tournament; use another file "
                f"(stored definition: {found[0]})")

    def done(self) -> set[str]:
        """Keys of the stored sessions."""
        return {k for (k,) in self.conn.execute("SELECT key FROM sessions")}

    def add(self, row: dict[str, Any], seconds: float) -> bool:
        """Store one finished session (committed at once); False if it was already there."""
        with self.conn:
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (row["key"], row["scenario"], row["protocol"], json.dumps(row["strategies"]),
                 int(row["repetition"]), int(row["seed"]), row["status"],
                 int(bool(row["agreement"])), float(row["welfare"]),
                 json.dumps(row, sort_keys=True), float(seconds), time.time()))
        return cur.rowcount == 1

    def rows(self) -> list[dict[str, Any]]:
        """Every stored row, ordered by key."""
        return [json.loads(r) for (r,) in
                self.conn.execute("SELECT row FROM sessions ORDER BY key")]

    def count(self) -> int:
        """Number of stored sessions."""
        return int(self.conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
