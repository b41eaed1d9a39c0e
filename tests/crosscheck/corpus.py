"""Where the shared GENIUS corpus lives, and the folders it holds.

``$ACCORD_GENIUS_DIR`` when it is set (and then only there); otherwise
``/work/shared/data/genius``, then ``../shared/data/genius`` relative to the repository
(CI clones the repository beside a ``shared/`` copy). Tests that need the corpus skip
with :data:`MISSING` as the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _candidates() -> list[Path]:
    env = os.environ.get("ACCORD_GENIUS_DIR")
    if env:
        return [Path(env)]
    return [Path("/work/shared/data/genius"), REPO.parent / "shared" / "data" / "genius"]


def corpus_dir() -> Path | None:
    """The corpus root, or ``None`` when it is nowhere to be found."""
    for c in _candidates():
        if (c / "anac").is_dir() or (c / "other").is_dir():
            return c
    return None


CORPUS = corpus_dir()
MISSING = ("GENIUS corpus not found (looked in "
           + ", ".join(str(c) for c in _candidates())
           + "); set ACCORD_GENIUS_DIR to its folder to run these tests")


def corpus_folders() -> list[str]:
    """Every folder directly holding XML files, relative to the corpus root, sorted."""
    if CORPUS is None:
        return []
    return sorted(str(p.parent.relative_to(CORPUS)) for p in CORPUS.rglob("*.xml")
                  if p.parent != CORPUS and p == min(p.parent.glob("*.xml")))


def folder_params() -> list[object]:
    """Folders as pytest parameters, or one skipped parameter when the corpus is absent."""
    if CORPUS is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="no-corpus")]
    return [pytest.param(f, id=f) for f in corpus_folders()]


def need_corpus() -> Path:
    """The corpus root; skips the calling test when it is absent."""
    if CORPUS is None:
        pytest.skip(MISSING)
    return CORPUS
