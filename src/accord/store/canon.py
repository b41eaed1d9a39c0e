"""Canonical JSON: one byte string per value, for hashing, storing and comparing."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def dumps(value: Any) -> str:
    """Canonical JSON text: sorted keys, no insignificant spaces, UTF-8 characters kept.

    Non-finite floats are refused (they have no JSON form).
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def loads(text: str) -> Any:
    """Parse JSON text."""
    return json.loads(text)


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 encoding of ``text``, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
