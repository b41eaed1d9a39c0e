"""The linguistic channel: the alphabet, the lexer, where sites are, and that copies read
the same as the canonical text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.leaks import Draft, alphabet, analyse, normalise, render, strip_invisible
from accord.leaks.variants import find_sites, lex, typographic, write_form

from .drafts import CEASEFIRE, RIVER

KEY = bytes(range(32))


def site_norms(text: str) -> list[str]:
    tokens = lex(text)
    return [tokens[i].norm for i in find_sites(text, tokens)]


def test_alphabet_forms_lex_to_the_same_class() -> None:
    classes = alphabet()
    assert len(classes) > 300
    for alt in classes:
        assert alt.forms[0] != alt.forms[1]
        if alt.kind in ("list", "dash", "dquote", "apos"):
            continue
        for v, form in enumerate(alt.forms):
            tokens = lex(f"x {form} y")
            assert [t.norm for t in tokens] == ["x", alt.name, "y"], form
            assert tokens[1].variant == v, form


@pytest.mark.parametrize(("text", "expected"), [
    ("The Parties shall withdraw.", ["shall"]),
    ("The political will of the Parties.", []),  # "will" is never a source
    ("A computer program shall run.", ["shall"]),  # "program" -> "programme" is unsafe
    ("The programme shall run.", ["programme", "shall"]),
    ("The Labour Party agreed.", []),  # capitalised: maybe a name
    ("They withdraw within 14 days.", ["within", "#14"]),
    ("They withdraw within 72 hours of signature.", []),  # not a closing deadline
    ("As set out in Article 3 of the annex.", []),  # a label, not a count
    ("Deploy 3 observers and 1,000 troops.", ["#3"]),
    ("in twenty-three cases", []),
    ("Following the review, the Parties and the Mission agree.", []),
    ("The Parties shall withdraw artillery, mortars and drones.", ["shall", "and"]),
    ("The Parties shall withdraw artillery, mortars, and drones.", ["shall", "and"]),
    ("Where requested, the monitors and observers shall help.", ["shall"]),
    ("Each Party shall report. The Parties each undertake to report.", ["each", "shall"]),
    ("In the event of a breach, upon request.", ["in the event of", "upon"]),
    ("During 2026-2028 the ceasefire holds.", ["during", "ceasefire"]),
    ("They get an additional day, and additional funds.", ["additional"]),  # not "an further"
    ("This allowed for delays. This allowed delays.", ["allowed"]),
    ("Fire shall cease immediately. Talks start immediately after.", ["shall", "immediately"]),
])
def test_site_rules(text: str, expected: list[str]) -> None:
    assert site_norms(text) == expected


def test_typography_is_one_site_per_point() -> None:
    text = 'The "line of contact" and the Fund\'s 2026–2028 plan.'
    tokens = lex(text)
    assert [tokens[i].norm for i in typographic(tokens)] == [
        "dquote", "dquote", "apos", "dash"]
    sites = analyse(Draft.from_points("d", [text]))
    assert sites.capacity()[0]["sites"].count("typography") == 1
    for rid in ("a", "b", "c", "d", "e", "f"):
        copy = strip_invisible(render([text], KEY, "d", rid))
        straight = '"' in copy and "'" in copy and "-" in copy
        curly = "“" in copy and "”" in copy and "’" in copy and "–" in copy
        assert straight != curly, copy  # all one style


@pytest.mark.parametrize(("text", "variant", "expected"), [
    ("Shall", 1, "Will"),
    ("SHALL", 1, "WILL"),
    ("within", 1, "in no more than"),
    ("recognise", 1, "recognize"),
])
def test_forms_keep_case(text: str, variant: int, expected: str) -> None:
    tokens = lex(text)
    assert write_form(text, tokens[0], variant) == expected


def test_number_words_are_capitalised_at_a_sentence_start_only() -> None:
    text = "Done. 30 days later, 30 days more."
    tokens = lex(text)
    assert write_form(text, tokens[1], 1) == "Thirty"
    assert write_form(text, tokens[4], 1) == "thirty"


@pytest.mark.parametrize("points", [CEASEFIRE, RIVER])
def test_every_copy_reads_the_same(points: dict[str, str]) -> None:
    canonical = "\n\n".join(points.values())
    copies = {render(points, KEY, "d-1", f"r{i}") for i in range(50)}
    assert len(copies) == 50  # all different ...
    for copy in copies:
        assert normalise(copy) == normalise(canonical)  # ... and all the same plan
        assert [t.norm for t in lex(strip_invisible(copy))] == [t.norm for t in lex(canonical)]


@settings(max_examples=60, deadline=None)
@given(key=st.binary(min_size=16, max_size=64),
       recipient=st.text(min_size=1, max_size=20).map(str.strip).filter(bool),
       draft_id=st.text(alphabet="abcdefghijklmnop-0123456789", min_size=1, max_size=12))
def test_normalising_a_copy_gives_the_canonical_text(key: bytes, recipient: str,
                                                     draft_id: str) -> None:
    for points in (CEASEFIRE, RIVER):
        copy = render(points, key, draft_id, recipient)
        assert normalise(copy) == normalise("\n\n".join(points.values()))
        # Only variant tokens change: outside them the text is the canonical text.
        assert strip_invisible(copy).count("\n\n") == len(points) - 1


def test_strip_invisible() -> None:
    assert strip_invisible("a\u200bb\u200c\u200dc\u2060d\ufeffe\u2063") == "abcde"
