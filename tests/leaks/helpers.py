"""What a leaker might do to a copy before it surfaces, and random drafts to do it to."""

from __future__ import annotations

import random
import re
import textwrap
from dataclasses import dataclass

from accord.leaks import Draft, render, strip_invisible

from .drafts import POOL


def random_draft(rng: random.Random, min_points: int = 10, max_points: int = 16) -> Draft:
    """A draft of 10-16 points drawn from both synthetic drafts, in a random order."""
    texts = rng.sample(POOL, rng.randint(min_points, max_points))
    ids = [f"{rng.choice('PQRST')}{rng.randrange(1000)}-{i}" for i in range(len(texts))]
    return Draft.from_points(f"draft-{rng.randrange(10**9)}", dict(zip(ids, texts, strict=True)))


def recipients(rng: random.Random, n: int = 50) -> list[str]:
    return [f"{rng.choice(['gov', 'ngo', 'press', 'un', 'mil'])}-{rng.randrange(10**6)}-{i}"
            for i in range(n)]


def split_points(copy: str) -> list[str]:
    return copy.split("\n\n")


def partial(rng: random.Random, copy: str, k: int) -> str:
    points = split_points(copy)
    chosen = rng.sample(points, min(k, len(points)))  # random subset, random order
    return "\n\n".join(chosen)


def collapse_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def rewrap(text: str, width: int = 66) -> str:
    return "\n".join(textwrap.fill(p, width) for p in text.split("\n\n"))


def straighten(text: str) -> str:
    return text.replace("“", '"').replace("”", '"').replace("’", "'").replace("–", "-")


def small_edits(rng: random.Random, text: str, n: int) -> str:
    """Delete, duplicate or replace ``n`` random words (a careless retyping)."""
    words = text.split(" ")
    for _ in range(n):
        if len(words) < 3:
            break
        i = rng.randrange(len(words))
        op = rng.choice(["delete", "replace", "insert"])
        if op == "delete":
            del words[i]
        elif op == "replace":
            words[i] = rng.choice(["the", "its", "any", "such", "those"])
        else:
            words.insert(i, rng.choice(["also", "duly", "fully"]))
    return " ".join(words)


@dataclass
class Trial:
    draft: Draft
    key: bytes
    recipients: list[str]
    leaker: str
    text: str
    stripped: bool
    points: int


def make_trial(rng: random.Random) -> Trial:
    draft = random_draft(rng)
    key = rng.randbytes(32)
    people = recipients(rng)
    leaker = rng.choice(people)
    text = render(draft, key, draft.draft_id, leaker)
    k = len(draft.points)
    if rng.random() < 0.5:
        k = rng.randint(3, len(draft.points))
        text = partial(rng, text, k)
    stripped = rng.random() < 0.5
    if stripped:
        text = strip_invisible(text)
    r = rng.random()
    if r < 0.25:
        text = collapse_whitespace(text)
    elif r < 0.5:
        text = rewrap(text)
    if rng.random() < 0.3:
        text = straighten(text)
    if rng.random() < 0.4:
        text = small_edits(rng, text, rng.randint(1, 5))
    return Trial(draft, key, people, leaker, text, stripped, k)
