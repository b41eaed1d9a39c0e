"""The linguistic channel: meaning-preserving variants, the lexer, and where sites are.

A *variant class* is a pair of interchangeable forms ("shall"/"will", "recognise"/
"recognize", "3"/"three", "A, B and C"/"A, B, and C" ...). The lexer turns a text into
tokens; an occurrence of either form of a class becomes a token whose ``norm`` is the class
name, so two renderings of the same draft lex to the same sequence of norms and only the
``variant`` (0 or 1) of some tokens differs. A *site* is an occurrence in the canonical text
where swapping the form certainly keeps the meaning; each site carries one bit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["word", "each", "within", "spelling", "number", "list", "dash", "dquote", "apos"]
#: Kinds that together make a point's one typographic site (straight or curly style).
TYPOGRAPHIC: frozenset[str] = frozenset({"dash", "dquote", "apos"})


@dataclass(frozen=True)
class Alt:
    """A variant class: two forms that say the same thing.

    Attributes:
        name: the class name, used as the token norm (the same for both forms).
        forms: form 0 and form 1, lower case.
        sources: whether a canonical occurrence of form 0 / form 1 may become a site. A
            direction is off when the other form has a second meaning ("will" the noun,
            "on" the preposition of place, "program" the software).
        kind: how sites are chosen and forms are written back.
    """

    name: str
    forms: tuple[str, str]
    sources: tuple[bool, bool]
    kind: Kind


# --- the alphabet ---------------------------------------------------------------------

#: Function words and phrases of drafting style: (form 0, form 1, form-0 is a source,
#: form-1 is a source).
FUNCTION_PAIRS: tuple[tuple[str, str, bool, bool], ...] = (
    ("shall", "will", True, False),
    ("upon", "on", True, False),
    ("whilst", "while", True, False),
    ("amongst", "among", True, True),
    ("towards", "toward", True, True),
    ("approximately", "about", True, False),
    ("commence", "begin", True, False),
    ("commences", "begins", True, False),
    ("prior to", "before", True, False),
    ("in order to", "so as to", True, True),
    ("per cent", "percent", True, True),
    ("no later than", "not later than", True, True),
    ("with regard to", "with respect to", True, True),
    ("e.g.", "for example", True, True),
    ("i.e.", "that is", True, False),
    ("no less than", "not less than", True, True),
    ("to that end", "for that purpose", True, True),
    ("immediately", "without delay", True, True),
    ("in connection with", "in relation to", True, True),
    ("concerning", "regarding", True, True),
    ("during", "in the course of", True, False),
    ("allow", "permit", True, False),
    ("allows", "permits", True, False),
    ("allowed", "permitted", True, False),
    ("additional", "further", True, False),
    ("in the event of", "in case of", True, True),
    ("as soon as possible", "as early as possible", True, True),
)

#: Closed compounds written solid or with a hyphen / space (form 0 is the solid one).
_COMPOUND_PAIRS: tuple[tuple[str, str], ...] = (
    ("ceasefire", "cease-fire"), ("ceasefires", "cease-fires"),
    ("cooperate", "co-operate"), ("cooperates", "co-operates"),
    ("cooperated", "co-operated"), ("cooperating", "co-operating"),
    ("cooperation", "co-operation"), ("coordinate", "co-ordinate"),
    ("coordinated", "co-ordinated"), ("coordinating", "co-ordinating"),
    ("coordination", "co-ordination"), ("coordinator", "co-ordinator"),
    ("coordinators", "co-ordinators"), ("peacekeeping", "peace-keeping"),
    ("peacekeepers", "peace-keepers"), ("peacebuilding", "peace-building"),
    ("postwar", "post-war"), ("landmine", "land mine"), ("landmines", "land mines"),
    ("healthcare", "health care"), ("nonviolent", "non-violent"),
    ("reintegration", "re-integration"), ("reopen", "re-open"),
    ("reopening", "re-opening"), ("reestablish", "re-establish"),
    ("reestablishment", "re-establishment"),
)

#: British / American spelling pairs beyond the -ise/-ize family (form 0 British).
_SPELLING_PAIRS: tuple[tuple[str, str, bool, bool], ...] = (
    ("programme", "program", True, False), ("programmes", "programs", True, False),
    ("defence", "defense", True, True), ("offence", "offense", True, True),
    ("offences", "offenses", True, True),
    ("centre", "center", True, True), ("centres", "centers", True, True),
    ("kilometre", "kilometer", True, True), ("kilometres", "kilometers", True, True),
    ("metre", "meter", True, False), ("metres", "meters", True, False),
    ("litre", "liter", True, True), ("litres", "liters", True, True),
    ("theatre", "theater", True, True), ("theatres", "theaters", True, True),
    ("labour", "labor", True, True), ("favour", "favor", True, True),
    ("favourable", "favorable", True, True), ("honour", "honor", True, True),
    ("neighbour", "neighbor", True, True), ("neighbours", "neighbors", True, True),
    ("neighbouring", "neighboring", True, True), ("behaviour", "behavior", True, True),
    ("endeavour", "endeavor", True, True), ("endeavours", "endeavors", True, True),
    ("harbour", "harbor", True, True), ("harbours", "harbors", True, True),
    ("armour", "armor", True, True), ("armoured", "armored", True, True),
    ("colour", "color", True, True), ("rumour", "rumor", True, True),
    ("rumours", "rumors", True, True), ("vigour", "vigor", True, True),
    ("judgement", "judgment", True, True), ("acknowledgement", "acknowledgment", True, True),
    ("enrolment", "enrollment", True, True), ("fulfil", "fulfill", True, True),
    ("fulfilment", "fulfillment", True, True), ("instalment", "installment", True, True),
    ("instalments", "installments", True, True),
    ("travelled", "traveled", True, True), ("travelling", "traveling", True, True),
    ("cancelled", "canceled", True, True), ("cancelling", "canceling", True, True),
    ("labelled", "labeled", True, True), ("signalled", "signaled", True, True),
    ("modelled", "modeled", True, True), ("fuelled", "fueled", True, True),
    ("channelled", "channeled", True, True), ("counselling", "counseling", True, True),
    ("ageing", "aging", True, True), ("catalogue", "catalog", True, True),
    ("analyse", "analyze", True, True), ("analysed", "analyzed", True, True),
    ("analyses", "analyzes", True, False), ("analysing", "analyzing", True, True),
    ("manoeuvre", "maneuver", True, True), ("manoeuvres", "maneuvers", True, True),
    ("grey", "gray", True, True),
)

#: Stems that take -ise (British) or -ize (American): "demilitar" -> "demilitarise(d)",
#: "demilitarisation" / "demilitarize(d)", "demilitarization".
_ISE_STEMS = (
    "apolog", "author", "capital", "categor", "central", "character", "civil", "commercial",
    "criminal", "critic", "decentral", "decriminal", "demilitar", "demobil", "destabil",
    "digit", "emphas", "energ", "equal", "familiar", "fertil", "final", "formal", "general",
    "harmon", "hospital", "human", "immun", "industrial", "institutional", "internal",
    "jeopard", "legal", "legitim", "liberal", "local", "marginal", "maxim", "mechan",
    "memorial", "militar", "minim", "mobil", "modern", "monopol", "neutral", "normal",
    "optim", "organ", "penal", "polar", "politic", "prior", "privat", "radical", "rational",
    "real", "recogn", "reorgan", "revital", "scrutin", "special", "stabil", "standard",
    "steril", "subsid", "summar", "symbol", "sympath", "synchron", "terror", "urban", "util",
    "visual",
)
_ISE_SUFFIXES = ("ise", "ised", "ises", "ising", "isation", "isations", "iser", "isers")

#: Small numbers written as digits or words.
NUMBER_WORDS: dict[int, str] = {
    2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
    9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen", 14: "fourteen",
    15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen", 19: "nineteen",
    20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
    80: "eighty", 90: "ninety",
}
_WORD_NUMBERS = {w: n for n, w in NUMBER_WORDS.items()}

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Nouns after which a digit is a label, not a count ("Article 3", "Phase 2").
_LABEL_NOUNS = _words("""
    article articles point points paragraph paragraphs section sections clause clauses annex
    annexes appendix schedule resolution resolutions no number chapter part item items phase
    stage protocol page table figure rule step level category sector zone region line route
    road highway block unit brigade division battalion regiment corps group option version
    draft tier grade""")
#: Words that open a subordinate clause or an adverbial; a comma after such a clause is not
#: a list comma ("Where requested, the monitors and observers ...").
_SUBORDINATORS = _words("""
    where when whenever if unless once after before upon within following as while whilst
    should in on by for during until since although though because given subject pending
    without with under at from to between""")
#: Words after "each" that show it is not a determiner of a singular noun.
_NOT_NOUNS = _words("of other another one and or to in on with is are was were has have "
                       "may can must should would could")
#: Words after which "each" is a determiner ("of each phase", "and each Party").
_DETERMINER_SLOTS = _words("""of to for in on at by with from after before and or that
    where which upon under into over per across between against through within during
    until""")
#: Kinds whose two forms may need different articles ("an additional" / "a further").
_ARTICLE_SENSITIVE = frozenset({"word", "within", "spelling", "each"})
#: Words that must not follow a site of the class ("allowed for" is not "permitted for").
_NOT_BEFORE: dict[str, frozenset[str]] = {
    "allow": frozenset({"for"}), "allows": frozenset({"for"}), "allowed": frozenset({"for"}),
}
#: Classes whose form 0 is a site only at the end of a clause ("cease immediately." but
#: not "immediately after signature").
_CLAUSE_FINAL = frozenset({"immediately"})
#: Words after which a number is not a count of what follows ("20 million", "3 of").
_NOT_COUNTED = _words("of hundred thousand million billion and or to")


def _build() -> tuple[dict[str, tuple[Alt, int]], list[tuple[str, Alt, int]], Alt, Alt, Alt,
                      Alt, Alt]:
    words: dict[str, tuple[Alt, int]] = {}
    phrases: list[tuple[str, Alt, int]] = []

    def add(alt: Alt) -> None:
        for v, form in enumerate(alt.forms):
            if " " in form or "." in form or "-" in form:
                phrases.append((form, alt, v))
            else:
                assert form not in words, form
                words[form] = (alt, v)

    for a, b, sa, sb in FUNCTION_PAIRS:
        add(Alt(a, (a, b), (sa, sb), "word"))
    add(Alt("within", ("within", "in no more than"), (True, False), "within"))
    add(Alt("each", ("each", "every"), (True, False), "each"))
    for a, b, sa, sb in _SPELLING_PAIRS:
        add(Alt(a, (a, b), (sa, sb), "spelling"))
    for a, b in _COMPOUND_PAIRS:
        add(Alt(a, (a, b), (True, True), "spelling"))
    for stem in _ISE_STEMS:
        for suffix in _ISE_SUFFIXES:
            brit = stem + suffix
            add(Alt(brit, (brit, stem + suffix.replace("is", "iz", 1)), (True, True),
                    "spelling"))
    for n, w in NUMBER_WORDS.items():
        words[w] = (Alt(f"#{n}", (str(n), w), (True, True), "number"), 1)
    phrases.sort(key=lambda item: -len(item[0]))
    and_alt = Alt("and", (" and", ", and"), (True, True), "list")
    or_alt = Alt("or", (" or", ", or"), (True, True), "list")
    dash = Alt("dash", ("-", "–"), (True, True), "dash")
    dquote = Alt("dquote", ('"', "“”"), (True, True), "dquote")
    apos = Alt("apos", ("'", "’"), (True, True), "apos")
    return words, phrases, and_alt, or_alt, dash, dquote, apos


_WORDS, _PHRASES, _AND, _OR, _DASH, _DQUOTE, _APOS = _build()
_NUMBER_ALTS = {n: _WORDS[w][0] for n, w in NUMBER_WORDS.items()}
_PHRASE_LOOKUP = {re.sub(r"\s+", " ", form): (alt, v) for form, alt, v in _PHRASES}


def alphabet() -> list[Alt]:
    """Every variant class, for documentation and tests."""
    seen: dict[str, Alt] = {}
    for alt, _ in list(_WORDS.values()) + [(a, v) for _, a, v in _PHRASES]:
        seen.setdefault(alt.name, alt)
    for alt in (_AND, _OR, _DASH, _DQUOTE, _APOS):
        seen[alt.name] = alt
    return list(seen.values())


# --- invisible characters ------------------------------------------------------------

_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
                        r"\ufe00-\ufe0f]")


def strip_invisible(text: str) -> str:
    """Remove zero-width, bidi-control, soft-hyphen and variation-selector characters."""
    return _INVISIBLE.sub("", text)


# --- lexer -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """A word, a variant occurrence, or a line break (norm ``"¶"``).

    Attributes:
        norm: the lower-case word, ``"#n"`` for the number n, or the class name of a variant.
        start: offset of the first character in the lexed text.
        end: offset after the last character.
        alt: the variant class, or ``None`` for plain words and line breaks.
        variant: which form of ``alt`` the text uses (0 when ``alt`` is ``None``).
    """

    norm: str
    start: int
    end: int
    alt: Alt | None
    variant: int


BREAK = "¶"
_PHRASE_RE = "|".join(r"\s+".join(re.escape(w) for w in form.split(" "))
                      for form, _, _ in _PHRASES)
_LEX = re.compile(
    rf"(?P<phrase>(?<!\w)(?:{_PHRASE_RE})(?!\w))"
    r"|(?P<olist>,[^\S\n]*(?:and|or)(?!\w))"
    r"|(?P<nlist>(?<=[^\s,])[^\S\n]+(?:and|or)(?!\w))"
    r"|(?P<nl>\n)"
    r"|(?P<dash>(?<=\d)[-–](?=\d))"
    r"|(?P<dq>[\"“”])"
    r"|(?P<apos>(?<=\w)['’])"
    r"|(?P<word>[^\W_]+)",
    re.IGNORECASE,
)


def lex(text: str) -> list[Token]:
    """Tokens of ``text`` (which should already be free of invisible characters)."""
    tokens: list[Token] = []
    for m in _LEX.finditer(text):
        kind = m.lastgroup
        s, e = m.span()
        raw = m.group()
        if kind == "word":
            tokens.append(_word_token(raw, s, e))
        elif kind == "phrase":
            alt, v = _PHRASE_LOOKUP[re.sub(r"\s+", " ", raw.lower())]
            tokens.append(Token(alt.name, s, e, alt, v))
        elif kind in ("olist", "nlist"):
            conj = raw.strip(" ,\t").lower()
            alt = _AND if conj == "and" else _OR
            tokens.append(Token(alt.name, s, e, alt, 1 if kind == "olist" else 0))
        elif kind == "nl":
            if tokens and tokens[-1].norm != BREAK:
                tokens.append(Token(BREAK, s, e, None, 0))
        elif kind == "dash":
            if _is_range(text, s):
                tokens.append(Token(_DASH.name, s, e, _DASH, 0 if raw == "-" else 1))
        elif kind == "dq":
            tokens.append(Token(_DQUOTE.name, s, e, _DQUOTE, 0 if raw == '"' else 1))
        elif kind == "apos":
            tokens.append(Token(_APOS.name, s, e, _APOS, 0 if raw == "'" else 1))
    return tokens


def _word_token(raw: str, s: int, e: int) -> Token:
    low = raw.lower()
    if raw.isdigit() and raw.isascii():
        if len(raw) > 1 and raw[0] == "0":
            return Token(raw, s, e, None, 0)
        n = int(raw)
        alt = _NUMBER_ALTS.get(n)
        return Token(f"#{n}", s, e, alt, 0)
    hit = _WORDS.get(low)
    if hit is not None:
        alt, v = hit
        return Token(alt.name, s, e, alt, v)
    return Token(low, s, e, None, 0)


def _is_range(text: str, i: int) -> bool:
    """Whether the dash at ``i`` joins two numbers as a range (not a date or a code)."""
    j = i
    while j > 0 and text[j - 1].isdigit():
        j -= 1
    k = i + 1
    while k < len(text) and text[k].isdigit():
        k += 1
    if i - j > 4 or k - i - 1 > 4:
        return False
    before = text[j - 1] if j > 0 else " "
    after = text[k] if k < len(text) else " "
    return before not in "-–/.:," and not before.isalnum() and after not in "-–/:" and not (
        after in ".," and k + 1 < len(text) and text[k + 1].isdigit()) and not after.isalnum()


# --- sites -----------------------------------------------------------------------------


def find_sites(text: str, tokens: list[Token]) -> list[int]:
    """Indices of the tokens of a canonical ``text`` that may carry a bit on their own.

    Typographic tokens (quotes, apostrophes, range dashes) are not listed: a point's
    typography is one site, see :func:`typographic`.
    """
    return [i for i, t in enumerate(tokens)
            if t.alt is not None and t.alt.kind not in TYPOGRAPHIC and _is_site(text, tokens, i)]


def typographic(tokens: list[Token]) -> list[int]:
    """Indices of the typographic tokens, which share one bit: all straight or all curly."""
    return [i for i, t in enumerate(tokens) if t.alt is not None and t.alt.kind in TYPOGRAPHIC]


def _is_site(text: str, tokens: list[Token], i: int) -> bool:
    t = tokens[i]
    alt = t.alt
    assert alt is not None
    if not alt.sources[t.variant]:
        return False
    raw = text[t.start:t.end]
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if (prev is not None and prev.norm in ("a", "an") and alt.kind in _ARTICLE_SENSITIVE
            and _vowel(alt.forms[0]) != _vowel(alt.forms[1])):
        return False  # "an additional day" cannot become "an further day"
    if nxt is not None and nxt.norm in _NOT_BEFORE.get(alt.name, ()):
        return False
    if alt.name in _CLAUSE_FINAL and t.variant == 0:
        rest = text[t.end:].lstrip(" ")
        return not rest or rest[0] in ".,;:)\n"
    if alt.kind == "spelling":
        return raw.islower()
    if alt.kind == "within":
        return _is_deadline(text, tokens, i)
    if alt.kind == "number":
        return _is_count(text, tokens, i)
    if alt.kind == "each":
        return _is_each_noun(text, tokens, i)
    if alt.kind == "list":
        return _is_list_conjunction(text, tokens, i)
    return True


def _vowel(form: str) -> bool:
    return form[:1] in "aeiou"


def _is_deadline(text: str, tokens: list[Token], i: int) -> bool:
    """"within 14 days" closing a clause, where "in no more than 14 days" reads the same."""
    if i + 2 >= len(tokens):
        return False
    number, unit = tokens[i + 1], tokens[i + 2]
    if not number.norm.startswith("#") or unit.alt is not None or not unit.norm.isalpha():
        return False
    rest = text[unit.end:].lstrip(" ")
    return not rest or rest[0] in ".,;:)\n"


def _is_each_noun(text: str, tokens: list[Token], i: int) -> bool:
    """"each Party" as a determiner (not "each of", not "the Parties each undertake")."""
    t = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or nxt.alt is not None or not nxt.norm.isalpha() or nxt.norm in _NOT_NOUNS:
        return False
    if text[t.end:nxt.start] != " ":
        return False
    prev = tokens[i - 1] if i > 0 else None
    before = text[:t.start].rstrip(" ")
    return (prev is None or _sentence_start(text, t.start) or before.endswith(",")
            or prev.norm in _DETERMINER_SLOTS)


def _is_count(text: str, tokens: list[Token], i: int) -> bool:
    """A small number counting the word that follows: "3 phases", "fifteen kilometres"."""
    t = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    prev = tokens[i - 1] if i > 0 else None
    if nxt is None or text[t.end:nxt.start] != " ":
        return False
    nraw = text[nxt.start:nxt.end]
    if not nraw[:1].isalpha() or not nraw[0].islower():
        return False
    if nxt.norm.startswith("#") or nxt.norm in _NOT_COUNTED or nxt.alt is _AND or nxt.alt is _OR:
        return False
    if prev is not None and prev.norm in _LABEL_NOUNS:
        return False
    before = text[t.start - 1] if t.start > 0 else " "
    return before not in "-–/.,:#§$€£" and not before.isalnum()


def _is_list_conjunction(text: str, tokens: list[Token], i: int) -> bool:
    """The "and"/"or" closing a list "A, B and C", where a serial comma is optional."""
    t = tokens[i]
    start = t.start  # the comma for ", and"; the blank before "and" otherwise
    j = start - 1
    while j >= 0 and text[j] not in ",;:.!?()\n":
        j -= 1
    if j < 0 or text[j] != ",":
        return False
    item = [x for x in tokens if j < x.start < start]
    if not 1 <= len(item) <= 4 or any(x.alt is _AND or x.alt is _OR for x in item):
        return False
    k = j - 1
    while k >= 0 and text[k] not in ";:.!?()\n":
        k -= 1
    head = [x for x in tokens if k < x.start < j and x.norm != BREAK]
    if len(head) < 3:
        return False
    first = text[head[0].start:head[0].end].lower()
    return first not in _SUBORDINATORS


# --- writing forms back ----------------------------------------------------------------


def _apply_case(source: str, form: str) -> str:
    letters = [c for c in source if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return form.upper()
    if letters and letters[0].isupper():
        return form[:1].upper() + form[1:]
    return form


def _sentence_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    return j < 0 or text[j] in ".!?:\n"


def write_form(text: str, tok: Token, variant: int) -> str:
    """The text that replaces ``tok`` to make it use ``variant``, with matching case."""
    alt = tok.alt
    assert alt is not None
    raw = text[tok.start:tok.end]
    if variant == tok.variant and alt.kind != "list":
        return raw
    kind = alt.kind
    if kind == "list":
        conj = raw.strip(" ,\t\n")
        return (", " if variant else " ") + conj
    if kind == "dquote":
        if variant == 0:
            return '"'
        opening = tok.start == 0 or text[tok.start - 1].isspace() or text[tok.start - 1] in "([{"
        return "“" if opening else "”"
    if kind in ("dash", "apos"):
        return alt.forms[variant]
    form = alt.forms[variant]
    if kind == "number" and tok.variant == 0:
        return form[:1].upper() + form[1:] if _sentence_start(text, tok.start) else form
    return _apply_case(raw, form)


def normalise(text: str) -> str:
    """``text`` without invisible characters and with every variant in its form 0.

    Two renderings of the same draft normalise to the same string, which is how the tests
    show that every recipient reads the same plan.
    """
    text = strip_invisible(text)
    out: list[str] = []
    pos = 0
    for tok in lex(text):
        if tok.alt is None:
            continue
        out.append(text[pos:tok.start])
        out.append(write_form(text, tok, 0))
        pos = tok.end
    out.append(text[pos:])
    return "".join(out)
