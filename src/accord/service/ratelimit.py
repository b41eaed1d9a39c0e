"""Fairness between members and rooms: per-member rate limits and per-room quotas.

* **Rate limits** — a token bucket per member: every request takes one token from the
  member's request bucket and every write one more from its write bucket; a bucket holds
  a minute's allowance and refills continuously. An empty bucket gets 429 with
  ``Retry-After``. The administrator is not limited. ``0`` turns a limit off.
* **Quota** — a room stores at most ``room_quota_bytes`` of draft versions (choices,
  texts and notes, counted in stored characters, kept as a running total on the room's
  row); a version that would pass it gets 413.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.service.errors import PayloadTooLargeError, TooManyRequestsError
from accord.store.tables import Draft, DraftVersion, Room


class RateLimiter:
    """A token bucket per key: ``per_minute`` tokens, refilled continuously."""

    def __init__(self, per_minute: int, what: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.what = what
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> None:
        """Take one token for ``key``, or raise 429 saying when to retry."""
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / rate)
                raise TooManyRequestsError(
                    f"too many {self.what}: at most {self.per_minute} a minute per member; "
                    f"retry in {wait} s", retry_after=wait)
            self._buckets[key] = (tokens - 1.0, now)


def version_chars(choices_json: str, texts_json: str, note: str) -> int:
    """What one stored draft version counts against its room's quota."""
    return len(choices_json) + len(texts_json) + len(note)


def stored_chars(session: Session, room_id: str) -> int:
    """Characters of draft versions a room stores, summed from the versions (for imports)."""
    size = (func.length(DraftVersion.choices_json) + func.length(DraftVersion.texts_json)
            + func.length(DraftVersion.note))
    total = session.scalar(select(func.coalesce(func.sum(size), 0))
                           .join(Draft, Draft.id == DraftVersion.draft_id)
                           .where(Draft.room_id == room_id))
    return int(total or 0)


def charge(room: Room, quota: int, adding: int) -> None:
    """Count ``adding`` characters against the room (locked by the caller), or 413."""
    used = room.draft_chars or 0
    if quota > 0 and used + adding > quota:
        raise PayloadTooLargeError(
            f"this room's drafts would pass its storage quota ({used + adding} of "
            f"{quota} bytes); ask the administrator for more room")
    room.draft_chars = used + adding
