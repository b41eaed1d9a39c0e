"""A throwaway PostgreSQL cluster on loopback, for tests and benchmarks.

``initdb`` into a temporary folder (owned by the ``postgres`` user when run as root, via
``runuser``), ``pg_ctl start`` on a free 127.0.0.1 port with the Unix socket in the same
folder, then ``stop`` removes everything. Nothing listens beyond loopback.

The server binaries come from ``$ACCORD_PG_BIN``, ``/usr/lib/postgresql/*/bin`` (newest
first) or ``PATH``; without them :class:`PostgresUnavailable` says to run
``scripts/system-deps.sh``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

HINT = ("PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found: install them "
        "with `sudo scripts/system-deps.sh` (Debian: apt-get install postgresql), or point "
        "ACCORD_PG_BIN at their folder")


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are missing or the cluster did not start."""


def find_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``."""
    env = os.environ.get("ACCORD_PG_BIN")
    candidates = [Path(env)] if env else []
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                      reverse=True)
    candidates += versions
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresUnavailable(HINT)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """A private PostgreSQL server: ``start()``, ``create_database()``, ``stop()``.

    Args:
        durable: keep ``fsync`` on (benchmarks); tests turn it off for speed, which only
            matters if the machine itself crashes.
        max_connections: the server's connection limit.
    """

    def __init__(self, *, durable: bool = False, max_connections: int = 400) -> None:
        self.bin = find_bin_dir()
        self.durable = durable
        self.max_connections = max_connections
        self.root: Path | None = None
        self.port = 0
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            log = ""
            if self.root is not None and (self.root / "server.log").exists():
                log = (self.root / "server.log").read_text(errors="replace")[-2000:]
            raise PostgresUnavailable(f"{' '.join(args[:2])} failed ({proc.returncode}): "
                                      f"{proc.stderr.strip()[-2000:]}\n{log}")
        return proc

    @property
    def data(self) -> Path:
        """The cluster's data folder."""
        assert self.root is not None
        return self.root / "data"

    def start(self) -> str:
        """Create and start the cluster; return the URL of its ``postgres`` database."""
        self.root = Path(tempfile.mkdtemp(prefix="accord-pg-"))
        if self._as_postgres:
            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("running as root needs a `postgres` system user; "
                                          + HINT) from None
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.port = free_port()
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1",
                   f"-c unix_socket_directories={self.root}",
                   f"-c max_connections={self.max_connections}", "-c shared_buffers=128MB"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off",
                        "-c full_page_writes=off"]
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-o", " ".join(options), "-w", "-t", "60",
                  "start")
        return self.url("postgres")

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database in this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a database (a copy of database ``template`` if given); return its URL."""
        import psycopg

        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        if self.root is None:
            return
        with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> ThrowawayPostgres:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
