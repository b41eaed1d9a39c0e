"""Names that identify someone or something in a room: normalised, then unique.

A name is put in Unicode NFKC form, stripped of invisible format characters (zero-width
spaces and joiners, bidirectional controls: category ``Cf``) and of control characters,
with runs of white space collapsed: "Mediator" followed by a zero-width space is then
"Mediator". Member names are unique among a room's current members and channel names
among its channels, compared without regard to case; ``plenary`` belongs to the room's
everyone-channel.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from accord.service.errors import ConflictError, InvalidInputError

RESERVED_CHANNELS = frozenset({"plenary"})


def normalise(name: str, what: str = "name") -> str:
    """The canonical form of a name; 422 when nothing visible is left."""
    text = unicodedata.normalize("NFKC", name)
    kept = "".join(ch for ch in text
                   if unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co", "Cn")
                   or ch in " \t\n")
    out = " ".join(kept.split())
    if not out:
        raise InvalidInputError(f"the {what} has no visible characters")
    return out


def key(name: str) -> str:
    """How names are compared for uniqueness."""
    return normalise(name).casefold()


def require_unique(name: str, taken: Iterable[str], what: str) -> None:
    """409 when ``name`` equals (ignoring case) one of ``taken``."""
    mine = key(name)
    if any(key(t) == mine for t in taken):
        raise ConflictError(f"a {what} named {name!r} already exists in this room")
