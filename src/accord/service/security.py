"""Secrets: API tokens and invitation tokens are 256-bit random, stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret() -> str:
    """A fresh 256-bit secret, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 of a secret, in hex: what the database stores."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    """Constant-time comparison of two hex digests."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def new_room_key() -> str:
    """A room's leak-fingerprinting key (32 random bytes, hex)."""
    return secrets.token_hex(32)
