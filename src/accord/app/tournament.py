"""Running a tournament: a local process pool or Dask, results streamed to SQLite.

Steps of :func:`run_tournament`:
    1. Resolve the scenarios, list every session key
       (:meth:`accord.negotiation.tournament.TournamentConfig.keys`).
    2. Open the results file, check it holds this tournament, skip the keys it has.
    3. Play the missing sessions in the current process (``workers=1``), on a local
       process pool (``workers > 1``), or on Dask (a scheduler address, or a
       ``LocalCluster`` of ``dask_workers``). Each worker resolves the scenarios itself and
       caches their domains, so only keys travel.
    4. Store each row as soon as it arrives (committed), report progress.
    5. Summarise every stored row.

Seeds come from the keys, so the same tournament gives identical rows on every backend.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from accord.analysis.tables import ParameterSpace
from accord.app.catalog import resolve
from accord.app.tournament_store import TournamentStore
from accord.model import Scenario
from accord.negotiation.domain import Domain
from accord.negotiation.metrics import Reference, reference_for
from accord.negotiation.tournament import (
    SessionKey,
    TournamentConfig,
    play,
    session_domain,
    summarise,
)

Progress = Callable[[int, int], None]

#: Per-process cache: scenario name -> (scenario, parameter space, nominal domain, reference).
_CACHE: dict[str, tuple[Scenario, ParameterSpace, Domain, Reference | None]] = {}


def _scenario(name: str, metrics: bool
              ) -> tuple[Scenario, ParameterSpace, Domain, Reference | None]:
    cached = _CACHE.get(name)
    if cached is None or (metrics and cached[3] is None):
        scenario = resolve(name)
        space = ParameterSpace(scenario)
        domain = Domain.from_scenario(scenario, None, "nominal", space)
        cached = (scenario, space, domain, reference_for(domain) if metrics else None)
        _CACHE[name] = cached
    return cached


def play_key(key: dict[str, Any], config: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """Play one session in a worker: ``(row, seconds)`` (module-level, so it pickles)."""
    t0 = time.perf_counter()
    cfg = TournamentConfig.from_dict(config)
    k = SessionKey(key["scenario"], key["protocol"], tuple(key["strategies"]),
                   int(key["repetition"]))
    scenario, space, nominal, reference = _scenario(k.scenario, cfg.metrics)
    if cfg.preferences == "nominal":
        domain = nominal
    else:
        domain = session_domain(scenario, k, cfg, space)
        reference = reference_for(domain) if cfg.metrics else None
    row = play(k, domain, cfg, reference)
    return row, time.perf_counter() - t0


def _local(pending: list[SessionKey], config: dict[str, Any], workers: int
           ) -> Iterator[tuple[dict[str, Any], float]]:
    if workers <= 1:
        for key in pending:
            yield play_key(key.to_dict(), config)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        queue = iter(pending)
        running: set[Future[tuple[dict[str, Any], float]]] = set()
        try:
            while True:
                while len(running) < 4 * workers:
                    nxt = next(queue, None)
                    if nxt is None:
                        break
                    running.add(pool.submit(play_key, nxt.to_dict(), config))
                if not running:
                    return
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in sorted(done, key=lambda f: id(f)):
                    yield fut.result()
        finally:
            for fut in running:
                fut.cancel()


def _dask(pending: list[SessionKey], config: dict[str, Any], scheduler: str | None,
          dask_workers: int | None, processes: bool
          ) -> Iterator[tuple[dict[str, Any], float]]:
    dist: Any = importlib.import_module("distributed")
    cluster = None
    if scheduler:
        client = dist.Client(scheduler)
    else:
        cluster = dist.LocalCluster(n_workers=max(1, dask_workers or 1), threads_per_worker=1,
                               processes=processes, dashboard_address=":0")
        client = dist.Client(cluster)
    futures = [client.submit(play_key, k.to_dict(), config, pure=False) for k in pending]
    try:
        for fut in dist.as_completed(futures):
            yield fut.result()
    finally:
        client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


def run_tournament(config: TournamentConfig, path: str | Path, *, workers: int = 1,
                   scheduler: str | None = None, dask_workers: int | None = None,
                   dask_processes: bool = True, progress: Progress | None = None,
                   stop_after: int | None = None) -> dict[str, Any]:
    """Run (or resume) a tournament into the SQLite file ``path``; return its summary.

    Args:
        config: the tournament.
        path: results file (resumed when it already holds some of the sessions).
        workers: local processes (1: play in this process).
        scheduler: a Dask scheduler address (``tcp://HOST:PORT``).
        dask_workers: start a Dask ``LocalCluster`` with this many workers.
        dask_processes: whether that cluster's workers are processes (else threads).
        progress: called with (sessions stored, sessions in the tournament).
        stop_after: stop after storing this many new sessions (an interruption on purpose).

    Returns:
        ``{"file", "sessions", "new", "skipped", "summary"}``.
    """
    parties: dict[str, Sequence[str]] = {name: resolve(name).party_ids
                                         for name in config.scenarios}
    keys = config.keys({name: len(ids) for name, ids in parties.items()})
    data = config.to_dict()
    with TournamentStore(path) as store:
        store.bind(data)
        done = store.done()
        pending = [k for k in keys if k.text not in done]
        stored = len(keys) - len(pending)
        if progress is not None:
            progress(stored, len(keys))
        new = 0
        if pending and (stop_after is None or stop_after > 0):
            if scheduler or dask_workers:
                stream = _dask(pending, data, scheduler, dask_workers, dask_processes)
            else:
                stream = _local(pending, data, workers)
            try:
                for row, seconds in stream:
                    new += store.add(row, seconds)
                    if progress is not None:
                        progress(stored + new, len(keys))
                    if stop_after is not None and new >= stop_after:
                        break
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
        rows = [r for r in store.rows() if r["key"] in {k.text for k in keys}]
    return {"file": str(path), "sessions": len(keys), "new": new,
            "skipped": len(keys) - len(pending), "stored": len(rows),
            "summary": summarise(rows, parties)}
