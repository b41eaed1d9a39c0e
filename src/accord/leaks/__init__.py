"""Leak tracing: per-recipient fingerprints in shared drafts, and naming a leak's source.

Every recipient's copy of a draft carries two independent, invisible-to-the-reader
fingerprints that survive copy-paste as plain text: keyed bits in zero-width characters,
and keyed choices among interchangeable wordings ("shall"/"will", "recognise"/"recognize",
"3"/"three" ...). :func:`trace` reads both from a leaked text and names the recipient(s)
whose codeword agrees far beyond chance, or says that nobody matches.
"""

from accord.leaks.draft import Draft, LeakError, Point
from accord.leaks.fingerprint import (
    ALPHA,
    DraftSites,
    RecipientScore,
    TraceResult,
    analyse,
    render,
    trace,
)
from accord.leaks.variants import alphabet, normalise, strip_invisible

__all__ = [
    "ALPHA",
    "Draft",
    "DraftSites",
    "LeakError",
    "Point",
    "RecipientScore",
    "TraceResult",
    "alphabet",
    "analyse",
    "normalise",
    "render",
    "strip_invisible",
    "trace",
]
