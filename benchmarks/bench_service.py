"""Throughput and latency of the mediation service on loopback, SQLite and PostgreSQL.

Two scenarios: ``--scenario mixed`` (below) and ``--scenario cross-room``: one room's
loops post 27-point, 486 kB drafts back to back while another room proposes at a fixed
rate; goal: the quiet room's p99 write latency stays <= 50 ms (the write lock is never
held while a copy is rendered).

A real ``accord serve`` (one uvicorn worker) runs as a subprocess on 127.0.0.1; 50
concurrent clients (asyncio, one keep-alive connection each) drive a mixed workload at a
fixed offered rate:

    read a draft (fingerprinted copy)  50%    evaluate a package  25%
    propose a package                  10%    vote on a proposal  15%

in the bundled ``ukraine-2025`` room (4 parties, 27 points). Latency is measured from
each request's scheduled start (no coordinated omission). Bounded in time and count, only
127.0.0.1. Goal: p99 <= 50 ms at 200 requests/s.

Reference, measured in the same run on the same server: the same clients at the same rate
asking ``GET /health`` (no database, no authentication): the floor that the HTTP stack and
the machine's load set. The ratio of the workload's p99 to that floor is printed.

    .venv/bin/python benchmarks/bench_service.py [--rate 200] [--seconds 20] [--clients 50]
        [--backend sqlite --backend postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

from accord.store.throwaway import ThrowawayPostgres, free_port

CLI = [sys.executable, "-c", "from accord.cli import main; main()"]
MIX = [("read_draft", 0.50), ("evaluate", 0.25), ("propose", 0.10), ("vote", 0.15)]
HOST = "127.0.0.1"


@dataclass
class Stats:
    """Latencies (seconds) and outcomes per operation."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    status: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    errors: int = 0


class Server:
    """``accord serve`` on a free loopback port."""

    def __init__(self, db_url: str, folder: Path) -> None:
        self.port = free_port()
        self.token_file = folder / "admin-token"
        self.log = (folder / "server.log").open("wb")
        # A few members drive hundreds of requests a second here: no per-member limits.
        env = {**os.environ, "ACCORD_REQUESTS_PER_MINUTE": "0", "ACCORD_WRITES_PER_MINUTE": "0"}
        self.proc = subprocess.Popen(
            [*CLI, "serve", "--db", db_url, "--host", HOST, "--port", str(self.port),
             "--admin-token-file", str(self.token_file), "--log-level", "warning"],
            stdout=self.log, stderr=self.log, env=env)
        self.url = f"http://{HOST}:{self.port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start; see " + str(folder))
            time.sleep(0.1)
        self.admin = self.token_file.read_text().strip()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _ok(r: httpx.Response) -> Any:
    if r.status_code >= 300:
        raise RuntimeError(f"{r.request.method} {r.request.url}: {r.status_code} {r.text}")
    return r.json()


def setup_room(url: str, admin: str) -> dict[str, Any]:
    """A ukraine-2025 room with its parties, observers, a long plenary draft, proposals."""
    def h(t: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {t}"}

    with httpx.Client(base_url=url, timeout=60) as c:
        d = _ok(c.post("/rooms", headers=h(admin), json={
            "title": "Bench", "scenario": {"bundled": "ukraine-2025"}, "mediator_name": "M"}))
        room, med = d["room"]["id"], d["token"]
        scenario = d["room"]["scenario"]
        parties = [p["id"] for p in scenario["parties"]]
        tokens = {"mediator": [med], "party": [], "observer": []}
        for p in parties:
            inv = _ok(c.post(f"/rooms/{room}/invitations", headers=h(med),
                             json={"role": "party", "party_id": p, "name": p}))
            tokens["party"].append(_ok(c.post("/invitations/accept",
                                              json={"token": inv["token"]}))["token"])
        for k in range(4):
            inv = _ok(c.post(f"/rooms/{room}/invitations", headers=h(med),
                             json={"role": "observer", "name": f"obs{k}"}))
            tokens["observer"].append(_ok(c.post("/invitations/accept",
                                                 json={"token": inv["token"]}))["token"])
        issues = scenario["issues"][:12]
        texts = {i["id"]: (f"On {i['title']}, the parties shall recognise the arrangement "
                           f"set out here and will organise its implementation within 30 "
                           f"days; 3 guarantors shall monitor it.") for i in issues}
        plenary = _ok(c.get(f"/rooms/{room}", headers=h(med)))["plenary_channel_id"]
        draft = _ok(c.post(f"/rooms/{room}/channels/{plenary}/drafts", headers=h(med),
                           json={"title": "Draft", "texts": texts}))
        plans = [p["choices"] for p in scenario.get("plans", []) if not p.get("no_deal")]
    options = {i["id"]: [o["id"] for o in i["options"]] for i in scenario["issues"]}
    return {"room": room, "tokens": tokens, "draft": draft["id"], "plans": plans,
            "options": options}


def _package(rng: random.Random, ctx: dict[str, Any]) -> dict[str, str]:
    base = dict(rng.choice(ctx["plans"])) if ctx["plans"] else {}
    for issue in rng.sample(sorted(ctx["options"]), 3):
        base[issue] = rng.choice(ctx["options"][issue])
    return base


class Connection:
    """A minimal keep-alive HTTP/1.1 client on one asyncio connection.

    httpx's async pool costs more CPU per request than the server under test at this
    rate on two cores; this client costs a few tens of microseconds.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        """Connect."""
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, token: str,
                      body: Any = None) -> tuple[int, bytes]:
        """Send one request; return the status and the body."""
        assert self.reader is not None and self.writer is not None
        data = b"" if body is None else json.dumps(body).encode()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n").encode()
        self.writer.write(head + data)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length) if length else b""
        return status, payload

    def close(self) -> None:
        """Disconnect."""
        if self.writer is not None:
            self.writer.close()


async def client(conn: Connection, k: int, ctx: dict[str, Any], rate: float, t_end: float,
                 stats: Stats, proposals: list[str], limit: int, sent: list[int]) -> None:
    """One client (its own token and connection): ``rate`` requests/s until ``t_end``."""
    rng = random.Random(k)
    room = ctx["room"]
    pool = ctx["tokens"]["party"] + ctx["tokens"]["mediator"] + ctx["tokens"]["observer"]
    token = pool[k % len(pool)]
    is_party = token in ctx["tokens"]["party"]
    interval = 1.0 / rate
    next_at = time.perf_counter() + rng.random() * interval
    while True:
        now = time.perf_counter()
        if next_at > t_end or sent[0] >= limit:
            return
        if next_at > now:
            await asyncio.sleep(next_at - now)
        scheduled = next_at
        next_at += interval
        op = "health" if ctx.get("reference") else rng.choices([m for m, _ in MIX],
                                                                [w for _, w in MIX])[0]
        if op == "vote" and (not is_party or not proposals):
            op = "read_draft"
        if op == "propose" and not is_party and token not in ctx["tokens"]["mediator"]:
            op = "evaluate"
        sent[0] += 1
        try:
            if op == "health":
                code, _ = await conn.request("GET", "/health", token)
            elif op == "read_draft":
                code, _ = await conn.request("GET", f"/rooms/{room}/drafts/{ctx['draft']}",
                                             token)
            elif op == "evaluate":
                code, _ = await conn.request("POST", f"/rooms/{room}/evaluate", token,
                                             {"choices": _package(rng, ctx)})
            elif op == "propose":
                code, body = await conn.request("POST", f"/rooms/{room}/proposals", token,
                                                {"title": f"c{k}",
                                                 "choices": _package(rng, ctx)})
                if code == 201:
                    proposals.append(json.loads(body)["id"])
            else:
                pid = rng.choice(proposals[-20:])
                code, _ = await conn.request("POST", f"/rooms/{room}/proposals/{pid}/votes",
                                             token, {"vote": rng.choice(["accept", "reject"])})
        except (OSError, asyncio.IncompleteReadError, ValueError):
            stats.errors += 1
            await conn.open()
            continue
        stats.latency[op].append(time.perf_counter() - scheduled)
        stats.status[op][code] += 1


async def drive(port: int, pid: int, ctx: dict[str, Any], clients: int, rate: float,
                warmup: float, seconds: float,
                limit: int) -> tuple[Stats, float, float, float]:
    """Warm up, then run the workload.

    Returns:
        The measured stats, the elapsed time, the server's CPU seconds while measured and
        the machine's mean load average.

    Every client's connection is opened (and warmed) before the clock starts, so
    connection set-up is not counted as latency.
    """
    conns = [Connection(HOST, port) for _ in range(clients)]
    await asyncio.gather(*(c.open() for c in conns))
    proposals: list[str] = []
    try:
        for duration, cap in ((warmup, 10**9), (seconds, limit)):
            stats = Stats()
            sent = [0]
            cpu0, load0 = cpu_seconds(pid), os.getloadavg()[0]
            t0 = time.perf_counter()
            await asyncio.gather(*(client(conns[k], k, ctx, rate / clients, t0 + duration,
                                          stats, proposals, cap, sent)
                                   for k in range(clients)))
            elapsed = time.perf_counter() - t0
            cpu, load = cpu_seconds(pid) - cpu0, (load0 + os.getloadavg()[0]) / 2
    finally:
        for c in conns:
            c.close()
    return stats, elapsed, cpu, load


def pct(values: list[float], q: float) -> float:
    """A percentile in milliseconds."""
    return float(np.percentile(np.array(values), q) * 1000) if values else float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_backend(name: str, args: argparse.Namespace) -> list[str]:
    """Benchmark one backend; return markdown table rows."""
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as tmp:
        folder = Path(tmp)
        pg = None
        if name == "sqlite":
            url = f"sqlite:///{folder}/bench.db"
        else:
            pg = ThrowawayPostgres(durable=True)
            pg.start()
            url = pg.create_database("bench")
        server = Server(url, folder)
        try:
            ctx = setup_room(server.url, server.admin)
            stats, elapsed, cpu, load = asyncio.run(drive(
                server.port, server.proc.pid, ctx, args.clients, args.rate, args.warmup,
                args.seconds, args.max_requests))
            floor, floor_elapsed, _, _ = asyncio.run(drive(
                server.port, server.proc.pid, {**ctx, "reference": True}, args.clients,
                args.rate, 1.0, args.seconds, args.max_requests))
        finally:
            server.stop()
            if pg is not None:
                pg.stop()
    rows = []
    every = [x for v in stats.latency.values() for x in v]
    total = len(every)
    bad = sum(n for st in stats.status.values() for code, n in st.items() if code >= 500)
    for op, _ in [*MIX, ("all", 0)]:
        values = every if op == "all" else stats.latency.get(op, [])
        codes = ({} if op == "all" else dict(sorted(stats.status[op].items())))
        outcome = (f"5xx: {bad}, transport errors: {stats.errors}" if op == "all"
                   else str(codes))
        rows.append(f"| {name} | {op} | {len(values)} | "
                    f"{len(values) / elapsed:.0f} | {pct(values, 50):.1f} | "
                    f"{pct(values, 99):.1f} | {pct(values, 100):.1f} | "
                    f"{outcome} |")
    rows.append(f"| {name} | server CPU per request | | | | | | {cpu / max(1, total) * 1000:.2f}"
                f" ms; machine load average {load:.1f} |")
    ref = floor.latency.get("health", [])
    rows.append(f"| {name} | reference: GET /health, same clients and rate | {len(ref)} | "
                f"{len(ref) / floor_elapsed:.0f} | {pct(ref, 50):.1f} | {pct(ref, 99):.1f} | "
                f"{pct(ref, 100):.1f} | workload p99 / reference p99 = "
                f"{pct(every, 99) / max(pct(ref, 99), 1e-9):.1f}x |")
    goal = pct(every, 99) <= 50 and total / elapsed >= 0.95 * args.rate
    rows.append(f"| {name} | **goal p99 <= 50 ms at {args.rate:.0f}/s** | | | | | | "
                f"{'met' if goal else 'NOT met'} |")
    return rows


# ---------------------------------------------------------------- cross-room fairness
BIG_POINT_CHARS = 18_000  # 27 points x 18 kB: the review's 486 kB draft


def _big_texts(scenario: dict[str, Any]) -> dict[str, str]:
    sentence = ("The parties shall organise the arrangement set out here and will report on "
                "it every 3 months to the guarantors, who shall monitor it. ")
    body = (sentence * (BIG_POINT_CHARS // len(sentence) + 1))[:BIG_POINT_CHARS]
    return {i["id"]: body for i in scenario["issues"][:27]}


async def _loud(conn: Connection, room: str, channel: str, token: str,
                texts: dict[str, str], t_end: float, posted: list[int]) -> None:
    """Post large drafts back to back until ``t_end``."""
    while time.perf_counter() < t_end:
        code, _ = await conn.request("POST", f"/rooms/{room}/channels/{channel}/drafts",
                                     token, {"title": "big", "texts": texts})
        posted.append(code)


async def _quiet(conn: Connection, ctx: dict[str, Any], rate: float, t_end: float,
                 latencies: list[float], codes: dict[int, int]) -> None:
    """Small writes (a proposal) at ``rate`` per second, latency from the scheduled start."""
    rng = random.Random(7)
    token = ctx["tokens"]["mediator"][0]
    next_at = time.perf_counter()
    while next_at < t_end:
        now = time.perf_counter()
        if next_at > now:
            await asyncio.sleep(next_at - now)
        scheduled, next_at = next_at, next_at + 1.0 / rate
        code, _ = await conn.request("POST", f"/rooms/{ctx['room']}/proposals", token,
                                     {"title": "q", "choices": rng.choice(ctx["plans"])})
        codes[code] = codes.get(code, 0) + 1
        latencies.append(time.perf_counter() - scheduled)


async def _cross_room(port: int, ctx: dict[str, Any], loud: dict[str, Any], rate: float,
                      seconds: float, loops: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for phase, n_loud in (("alone", 0), ("with large drafts", loops)):
        conns = [Connection(HOST, port) for _ in range(1 + n_loud)]
        await asyncio.gather(*(c.open() for c in conns))
        latencies: list[float] = []
        codes: dict[int, int] = {}
        posted: list[int] = []
        t_end = time.perf_counter() + seconds
        try:
            await asyncio.gather(
                _quiet(conns[0], ctx, rate, t_end, latencies, codes),
                *(_loud(conns[1 + k], loud["room"], loud["plenary"], loud["token"],
                        loud["texts"], t_end, posted) for k in range(n_loud)))
        finally:
            for c in conns:
                c.close()
        out[phase] = (latencies, codes, posted)
    return out


def run_cross_room(name: str, args: argparse.Namespace) -> list[str]:
    """One room posts 486 kB drafts in loops; another room's small writes are timed."""
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as tmp:
        folder = Path(tmp)
        pg = None
        if name == "sqlite":
            url = f"sqlite:///{folder}/bench.db"
        else:
            pg = ThrowawayPostgres(durable=True)
            pg.start()
            url = pg.create_database("bench")
        server = Server(url, folder)
        try:
            ctx = setup_room(server.url, server.admin)
            with httpx.Client(base_url=server.url, timeout=60) as c:
                d = _ok(c.post("/rooms", headers={"Authorization": f"Bearer {server.admin}"},
                               json={"title": "Loud", "scenario": {"bundled": "ukraine-2025"},
                                     "mediator_name": "M"}))
                # the quiet room proposes only the plans it accepts (no linkage broken)
                ctx["plans"] = [p for p in ctx["plans"] if c.post(
                    f"/rooms/{ctx['room']}/proposals",
                    headers={"Authorization": f"Bearer {ctx['tokens']['mediator'][0]}"},
                    json={"title": "probe", "choices": p}).status_code == 201]
            loud = {"room": d["room"]["id"], "token": d["token"],
                    "plenary": d["room"]["plenary_channel_id"],
                    "texts": _big_texts(d["room"]["scenario"])}
            result = asyncio.run(_cross_room(server.port, ctx, loud, args.quiet_rate,
                                             args.seconds, args.loud_loops))
        finally:
            server.stop()
            if pg is not None:
                pg.stop()
    rows = []
    for phase, (lat, codes, posted) in result.items():
        rows.append(f"| {name} | quiet room's writes, {phase} | {len(lat)} | "
                    f"{pct(lat, 50):.1f} | {pct(lat, 90):.1f} | {pct(lat, 99):.1f} | "
                    f"{dict(sorted(codes.items()))}; large drafts posted: {len(posted)} "
                    f"{dict(sorted({c: posted.count(c) for c in set(posted)}.items()))} |")
    p99 = pct(result["with large drafts"][0], 99)
    rows.append(f"| {name} | **goal: p99 <= 50 ms beside the large drafts** | | | | | "
                f"{'met' if p99 <= 50 else 'NOT met'} ({p99:.1f} ms) |")
    return rows


def main() -> None:
    """Parse arguments, run every backend, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="offered requests/s")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up duration")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--max-requests", type=int, default=20_000, help="cap on requests")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--scenario", choices=["mixed", "cross-room"], default="mixed",
                        help="mixed: the workload above; cross-room: one room posts 486 kB "
                             "drafts while another room's small writes are timed")
    parser.add_argument("--quiet-rate", type=float, default=20.0,
                        help="cross-room: the quiet room's writes per second")
    parser.add_argument("--loud-loops", type=int, default=2,
                        help="cross-room: loops posting large drafts")
    args = parser.parse_args()
    backends = args.backend or ["sqlite", "postgresql"]
    if args.scenario == "cross-room":
        print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
        print(f"cross-room: {args.loud_loops} loops post 27-point, 486 kB drafts in one room; "
              f"another room proposes at {args.quiet_rate:.0f}/s for {args.seconds:.0f} s\n")
        print("| backend | measure | writes | p50 ms | p90 ms | p99 ms | status |")
        print("|---|---|---:|---:|---:|---:|---|")
        for name in backends:
            for row in run_cross_room(name, args):
                print(row)
            sys.stdout.flush()
        return
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    print(f"workload: {args.clients} clients, offered {args.rate:.0f} requests/s for "
          f"{args.seconds:.0f} s; mix {', '.join(f'{m} {w:.0%}' for m, w in MIX)}\n")
    print("| backend | operation | requests | per s | p50 ms | p99 ms | max ms | status |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for name in backends:
        for row in run_backend(name, args):
            print(row)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
