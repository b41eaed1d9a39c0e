"""Tracing leaks of the synthetic 12-point ceasefire draft among 50 recipients."""

from __future__ import annotations

import json
import random

import pytest

from accord.leaks import Draft, LeakError, render, strip_invisible, trace
from accord.leaks.variants import lex, normalise, write_form

from .drafts import CEASEFIRE, RIVER
from .helpers import (
    collapse_whitespace,
    partial,
    recipients,
    rewrap,
    small_edits,
    split_points,
    straighten,
)

KEY = bytes.fromhex("5c" * 32)
DRAFT = Draft.from_points("ceasefire-v3", CEASEFIRE)
PEOPLE = recipients(random.Random(2025), 50)
CANONICAL = "\n\n".join(CEASEFIRE.values())


def copy_of(who: str, draft: Draft = DRAFT, key: bytes = KEY) -> str:
    return render(draft, key, draft.draft_id, who)


def run(text: str, people: list[str] = PEOPLE, draft: Draft = DRAFT, key: bytes = KEY):
    return trace(text, key, draft.draft_id, people, draft)


def test_every_full_copy_names_its_recipient() -> None:
    for who in PEOPLE:
        result = run(copy_of(who))
        assert result.verdict == "match"
        assert result.named == (who,)
        best = result.scores[0]
        assert best.recipient == who and best.agree == best.bits
        assert best.confidence > 1 - 1e-12
        assert best.points == tuple(CEASEFIRE)
        assert result.scores[1].log10_p > -6  # the runner-up is nowhere near


def test_every_stripped_copy_names_its_recipient() -> None:
    for who in PEOPLE:
        text = strip_invisible(copy_of(who))
        result = run(text)
        assert result.named == (who,), result.message
        assert result.frames == 0 and result.zero_width_bits == 0
        assert result.scores[0].linguistic_bits == result.sites_in_draft


def test_five_point_leaks_name_the_recipient_every_time() -> None:
    rng = random.Random(5)
    for who in PEOPLE:
        for strip in (False, True):
            text = partial(rng, copy_of(who), 5)  # 5 random points, shuffled
            if strip:
                text = strip_invisible(text)
            text = rng.choice([collapse_whitespace, rewrap, str])(text)
            result = run(text)
            assert result.named == (who,), result.message
            assert len(result.points_seen) == 5


def test_loosely_retyped_copies() -> None:
    """Invisible characters gone, typography straightened, words dropped or changed."""
    rng = random.Random(11)
    named = 0
    for who in PEOPLE:
        text = straighten(collapse_whitespace(strip_invisible(copy_of(who))))
        text = small_edits(rng, text, 8)
        result = run(text)
        assert set(result.named) <= {who}
        named += result.named == (who,)
    assert named == len(PEOPLE)


def test_the_canonical_text_matches_nobody() -> None:
    result = run(CANONICAL)
    assert result.verdict == "no_match"
    assert result.named == ()
    assert result.message.startswith("no recipient matches")
    assert result.linguistic_bits > 80  # the sites were found: it is just nobody's copy


def random_rewrite(rng: random.Random, text: str) -> str:
    """Every variant in a random form: a fresh, un-issued copy of the same plan."""
    out, pos = [], 0
    for tok in lex(text):
        if tok.alt is None:
            continue
        out += [text[pos:tok.start], write_form(text, tok, rng.randrange(2))]
        pos = tok.end
    return "".join(out) + text[pos:]


def test_random_rewrites_match_nobody() -> None:
    rng = random.Random(3)
    for _ in range(50):
        text = random_rewrite(rng, CANONICAL)
        assert normalise(text) == normalise(CANONICAL)
        assert run(text).named == ()


def test_copies_of_outsiders_other_drafts_and_other_keys_match_nobody() -> None:
    outsider = copy_of("not-on-the-list")
    assert run(outsider).named == ()
    assert run(strip_invisible(outsider)).named == ()
    other_key = copy_of(PEOPLE[0], key=b"another key of 32 bytes........!")
    assert run(other_key).named == ()
    other_version = copy_of(PEOPLE[0], Draft.from_points("ceasefire-v4", CEASEFIRE))
    assert run(other_version).named == ()
    river = render(RIVER, KEY, DRAFT.draft_id, PEOPLE[0])
    result = run(river)
    assert result.named == () and result.frames > 0
    nothing = run("The weather in Geneva was mild for the time of year.")
    assert nothing.named == ()
    assert "no fingerprint found" in nothing.message


@pytest.mark.parametrize("strip", [False, True])
@pytest.mark.parametrize("split", [3, 6, 9])
def test_mixed_copies_name_both_or_no_wrong_one(strip: bool, split: int) -> None:
    rng = random.Random(split)
    for _ in range(10):
        a, b = rng.sample(PEOPLE, 2)
        pa, pb = split_points(copy_of(a)), split_points(copy_of(b))
        text = "\n\n".join(pa[:split] + pb[split:])
        if strip:
            text = strip_invisible(text)
        result = run(text)
        assert set(result.named) <= {a, b}, result.message
        if not strip:
            assert set(result.named) == {a, b}
            assert result.verdict == "mixed"
            assert "mixes the copies of" in result.message
        if result.verdict == "mixed":
            pts = {s.recipient: set(s.points) for s in result.scores if s.named}
            assert pts[a] >= set(list(CEASEFIRE)[:split])
            assert pts[b] >= set(list(CEASEFIRE)[split:])


def test_mixed_stripped_halves_name_both() -> None:
    a, b = PEOPLE[3], PEOPLE[4]
    pa, pb = split_points(copy_of(a)), split_points(copy_of(b))
    text = strip_invisible("\n\n".join(pa[:6] + pb[6:]))
    result = run(text)
    assert result.verdict == "mixed" and set(result.named) == {a, b}
    alone = run(strip_invisible(copy_of(a))).scores[0]
    for s in result.scores[:2]:
        assert s.test_log10_p > alone.test_log10_p  # lower confidence than a whole copy
        assert s.adjusted_p < 1e-6


def test_word_by_word_collusion_names_no_wrong_one() -> None:
    rng = random.Random(8)
    for _ in range(10):
        a, b = rng.sample(PEOPLE, 2)
        ta = lex(strip_invisible(copy_of(a)))
        text_a, text_b = strip_invisible(copy_of(a)), strip_invisible(copy_of(b))
        tb = lex(text_b)
        assert len(ta) == len(tb)
        # At each variant, take a's or b's wording at random (rebuilt on a's text).
        out, pos = [], 0
        for x, y in zip(ta, tb, strict=True):
            if x.alt is None:
                continue
            out += [text_a[pos:x.start], text_a[x.start:x.end] if rng.random() < 0.5
                    else text_b[y.start:y.end]]
            pos = x.end
        result = run("".join(out) + text_a[pos:])
        assert set(result.named) <= {a, b}


def test_result_is_json_ready() -> None:
    result = run(partial(random.Random(1), copy_of(PEOPLE[7]), 4))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["verdict"] == "match" and data["named"] == [PEOPLE[7]]
    top = data["scores"][0]
    assert {"recipient", "agree", "bits", "zero_width", "linguistic", "p_value", "log10_p",
            "confidence", "adjusted_p", "points"} <= set(top)
    assert len(data["scores"]) == len(PEOPLE)


def test_render_is_deterministic_and_per_recipient() -> None:
    assert copy_of("x") == copy_of("x")
    assert copy_of("x") != copy_of("y")
    assert strip_invisible(copy_of("x")) != strip_invisible(copy_of("y"))
    as_list = render(list(CEASEFIRE.values()), KEY, DRAFT.draft_id, "x")
    assert as_list == copy_of("x")  # ids "1".."12" either way


@pytest.mark.parametrize(("call", "message"), [
    (lambda: render(CEASEFIRE, b"short", "d", "x"), "at least 16 bytes"),
    (lambda: render(CEASEFIRE, "text key", "d", "x"), "must be bytes"),  # type: ignore
    (lambda: render({}, KEY, "d", "x"), "at least one point"),
    (lambda: render(CEASEFIRE, KEY, "", "x"), "draft id"),
    (lambda: render(CEASEFIRE, KEY, "d", " x"), "whitespace"),
    (lambda: render("one string", KEY, "d", "x"), "not one string"),
    (lambda: trace("t", KEY, "d", [], CEASEFIRE), "at least one recipient"),
    (lambda: trace("t", KEY, "d", ["a", "a"], CEASEFIRE), "duplicate recipient"),
    (lambda: trace("t", KEY, "d", "abc", CEASEFIRE), "not one string"),
    (lambda: trace("t", KEY, "d", ["a"], CEASEFIRE, alpha=2.0), "alpha"),
    (lambda: Draft.from_dict({"draft_id": "d", "points": [{"id": "1", "text": "a"},
                                                          {"id": "1", "text": "b"}]}),
     "duplicate point id"),
    (lambda: Draft.from_dict({"draft_id": "d", "points": [{"id": "1"}]}), "points[0]"),
])
def test_bad_input_raises_leak_error(call, message: str) -> None:
    with pytest.raises(LeakError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call()
