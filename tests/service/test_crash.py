"""Crash safety: ``accord serve`` killed with SIGKILL mid-write-loop loses no acknowledged write.

The server runs as a subprocess; writer threads revise drafts and open proposals, and
record every write the server acknowledged. The server is killed while writes are in
flight, restarted on the same database, and every acknowledged write must be there, the
audit chain intact (checked over the API and with ``accord audit verify``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord.store.throwaway import free_port
from tests.service.conftest import SCENARIO, Api, auth, join, run_cli

CLI = [sys.executable, "-c", "from accord.cli import main; main()"]


class Server:
    def __init__(self, db_url: str, token_file: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [*CLI, "serve", "--db", db_url, "--port", str(self.port), "--admin-token-file",
             str(token_file), "--log-level", "warning"],
            stdout=self.log, stderr=self.log, env={**os.environ, "PYTHONUNBUFFERED": "1",
                 # writers loop as fast as they can: no rate limit here
                 "ACCORD_WRITES_PER_MINUTE": "0", "ACCORD_REQUESTS_PER_MINUTE": "0"})
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 180  # a hang detector: slow machines just wait
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


@pytest.mark.long
def test_sigkill_mid_write_loop_loses_no_acknowledged_write(db_url: str,
                                                           tmp_path: Path) -> None:
    token_file = tmp_path / "admin-token"
    server = Server(db_url, token_file, tmp_path / "server.log")
    admin = token_file.read_text().strip()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            api = Api(c)
            d = api.ok("POST", "/rooms", admin, json={
                "title": "Crash", "scenario": {"text": SCENARIO}, "mediator_name": "M"})
            room, med = d["room"]["id"], d["token"]
            tokens = [med] + [join(api, room, med, "party", p, p)[0] for p in "ABC"]
            plenary = api.ok("GET", f"/rooms/{room}", med)["plenary_channel_id"]
            drafts = [api.ok("POST", f"/rooms/{room}/channels/{plenary}/drafts", med,
                             json={"title": f"d{k}"})["id"] for k in range(3)]
        acked: list[tuple[str, Any, str]] = []
        lock = threading.Lock()
        stop = threading.Event()

        def draft_writer(k: int) -> None:
            path = f"/rooms/{room}/drafts/{drafts[k]}"
            version = 1
            with httpx.Client(base_url=server.url, timeout=60) as own:
                while not stop.is_set():
                    note = f"draft {k} version {version + 1}"
                    try:
                        r = own.put(path, headers=auth(tokens[k]),
                                    json={"expected_version": version, "note": note,
                                          "texts": {"land": note}})
                    except httpx.TransportError:
                        return
                    assert r.status_code == 200, r.text
                    version += 1
                    with lock:
                        acked.append(("draft", (drafts[k], version), note))

        def proposal_writer() -> None:
            n = 0
            with httpx.Client(base_url=server.url, timeout=60) as own:
                while not stop.is_set():
                    n += 1
                    try:
                        r = own.post(f"/rooms/{room}/proposals", headers=auth(tokens[3]),
                                     json={"title": f"p{n}", "choices": {"guarantee": "weak"}})
                    except httpx.TransportError:
                        return
                    assert r.status_code == 201, r.text
                    with lock:
                        acked.append(("proposal", r.json()["id"], f"p{n}"))

        threads = [threading.Thread(target=draft_writer, args=(k,)) for k in range(3)]
        threads.append(threading.Thread(target=proposal_writer))
        for t in threads:
            t.start()
        # Wait for the writes, however slow the machine; the bound only catches a hang.
        deadline = time.monotonic() + 300
        while len(acked) < 60 and time.monotonic() < deadline and any(
                t.is_alive() for t in threads):
            time.sleep(0.01)
        server.kill()  # SIGKILL while the writers are mid-request
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert len(acked) >= 20, "too few writes before the kill to prove anything"

        server = Server(db_url, token_file, tmp_path / "server.log")
        with httpx.Client(base_url=server.url, timeout=30) as c:
            api = Api(c)
            for kind, key, label in acked:
                if kind == "draft":
                    draft_id, version = key
                    got = api.ok("GET", f"/rooms/{room}/drafts/{draft_id}/versions/{version}",
                                 med)
                    assert got["note"] == label
                else:
                    assert api.ok("GET", f"/rooms/{room}/proposals/{key}", med)["title"] == label
            verdict = api.ok("GET", f"/rooms/{room}/audit/verify", med)
            assert verdict["valid"], verdict
            # the room still takes writes after the restart
            latest = api.ok("GET", f"/rooms/{room}/drafts/{drafts[0]}", med)["latest_version"]
            assert api.put(f"/rooms/{room}/drafts/{drafts[0]}", med,
                           json={"expected_version": latest}).status_code == 200
    finally:
        server.stop()
    code, out, err = run_cli("audit", "verify", room, "--db", db_url)
    assert code == 0, out + err
