"""Each recipient's fingerprinted rendering of a draft's text (via :mod:`accord.leaks`).

A version is rendered for a recipient with ``accord.leaks.render(text_by_point, key,
draft_id, recipient_id)`` where ``draft_id`` names the version (``dr_...@3``), ``key`` is
the room's secret and ``recipient_id`` the member id. The key stays on the server (the
administrator's full backup aside), which is where ``accord.leaks.trace`` names the source
of a leaked copy. An empty text is the one copy that carries no fingerprint
(``fingerprinted: false``).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

from accord.leaks import render as render_copy


def version_id(draft_id: str, version: int) -> str:
    """The id a draft version has for the leak engine."""
    return f"{draft_id}@{version}"


def ordered_points(texts: Mapping[str, str], issue_order: Sequence[str]) -> dict[str, str]:
    """Point texts in the scenario's point order (unknown points last, by id)."""
    known = [i for i in issue_order if i in texts]
    rest = sorted(set(texts) - set(known))
    return {i: texts[i] for i in [*known, *rest]}


def render(points: Mapping[str, str], key_hex: str, draft_id: str, version: int,
           recipient_id: str) -> tuple[str, bool]:
    """The recipient's copy of a version's text, and whether it is fingerprinted."""
    if not points:
        return "", False
    return render_copy(dict(points), bytes.fromhex(key_hex), version_id(draft_id, version),
                       recipient_id), True


class RenderCache:
    """Rendered copies by (room, draft version, recipient): versions never change.

    A long text (``offload_chars`` or more) is rendered in a worker process: rendering is
    pure Python and takes about a second for a 486 kB draft, which would otherwise hold
    the interpreter lock and stall every other request of the server, in every room.
    """

    def __init__(self, size: int = 4096, offload_chars: int = 32_000,
                 workers: int = 1) -> None:
        self._size = size
        self._offload = offload_chars
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, str, int, str], tuple[str, bool]] = OrderedDict()

    def _render(self, points: Mapping[str, str], key_hex: str, draft_id: str, version: int,
                recipient_id: str) -> tuple[str, bool]:
        if sum(len(t) for t in points.values()) < self._offload:
            return render(points, key_hex, draft_id, version, recipient_id)
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self._workers, mp_context=multiprocessing.get_context("spawn"))
            pool = self._pool
        return pool.submit(render, dict(points), key_hex, draft_id, version,
                           recipient_id).result()

    def close(self) -> None:
        """Stop the worker process, if one was started."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def render(self, room_id: str, points: Mapping[str, str], key_hex: str, draft_id: str,
               version: int, recipient_id: str) -> tuple[str, bool]:
        """Like :func:`render`, remembered."""
        key = (room_id, draft_id, version, recipient_id)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        out = self._render(points, key_hex, draft_id, version, recipient_id)
        with self._lock:
            self._items[key] = out
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return out

