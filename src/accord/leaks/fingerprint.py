"""Render per-recipient copies of a draft and trace a leaked text back to its recipient(s).

Pure functions: no files, no clock, no randomness beyond the keyed HMAC streams. See
``docs/explanation/leak-tracing.md`` for the design and the numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from accord.leaks import codes, variants, zerowidth
from accord.leaks.draft import Draft, LeakError, PointsLike, check_id, check_key, check_recipients
from accord.leaks.variants import BREAK, Token

#: Context tokens compared on each side of a variant when locating a site in a leak.
CONTEXT = 4
#: Least number of matching context tokens (left plus right) to accept a site.
MIN_CONTEXT_MATCH = 3
#: Default family-wise false-match bound: a recipient is named when p x tests < ALPHA.
ALPHA = 1e-6
#: At most this many recipients are named for one leak (a mix of several copies).
MAX_NAMED = 4
#: Tests per later round: two residuals (sites, points) over at most MAX_NAMED rounds.
#: (The first round runs two tests per recipient: all bits, and the per-point test.)
RESIDUAL_TESTS = 2 * MAX_NAMED
#: A point counts as explained by a named recipient when at least this share agrees.
EXPLAINED = 0.8

_PAD_CANON = "\x00"
_PAD_LEAK = "\x01"

Verdict = Literal["match", "mixed", "no_match"]


# --- analysis of the canonical draft -----------------------------------------------------


@dataclass(frozen=True)
class PointSites:
    """The sites of one canonical point.

    Attributes:
        id: the point id.
        text: the canonical text (invisible characters removed).
        tokens: its tokens.
        sites: indices into ``tokens`` of the sites used (unambiguous in the whole draft);
            bit ``i`` of the point's linguistic stream drives token ``i``.
        typographic: indices of the quotes, apostrophes and range dashes; they all follow
            the bit of the first one, which is then one of ``sites``.
        stream_bits: length of the linguistic stream.
    """

    id: str
    text: str
    tokens: tuple[Token, ...]
    sites: tuple[int, ...]
    typographic: tuple[int, ...]
    stream_bits: int

    def bit_of(self, token: int) -> int:
        """The stream bit that drives ``token`` (itself, or the typographic site)."""
        if self.typographic and token in self.typographic:
            return self.typographic[0]
        return token


@dataclass(frozen=True)
class _Occurrence:
    point: int
    token: int
    left: tuple[str, ...]
    right: tuple[str, ...]
    bit: int  # the stream bit this occurrence shows, or -1 when it is not a site


@dataclass(frozen=True)
class DraftSites:
    """Everything needed to render and to locate sites: per point and by variant class."""

    draft: Draft
    points: tuple[PointSites, ...]
    occurrences: dict[str, tuple[_Occurrence, ...]]
    exact: dict[tuple[str, tuple[str, ...], tuple[str, ...]], _Occurrence | None]

    @property
    def linguistic_bits(self) -> int:
        """Sites in the whole draft: the linguistic channel's capacity in bits."""
        return sum(len(p.sites) for p in self.points)

    def capacity(self) -> list[dict[str, Any]]:
        """Per point: sites (linguistic bits), frames and zero-width bits, site classes."""
        rows = []
        for p in self.points:
            frames = zerowidth.frame_count(p.text)
            rows.append({"point": p.id, "linguistic_bits": len(p.sites), "frames": frames,
                         "zero_width_bits": frames * zerowidth.DATA_BITS,
                         "sites": [("typography" if i in p.typographic else p.tokens[i].norm)
                                   for i in p.sites]})
        return rows


def _contexts(norms: Sequence[str], i: int, pad: str) -> tuple[tuple[str, ...],
                                                               tuple[str, ...]]:
    left = [norms[j] for j in range(i - 1, max(-1, i - 1 - CONTEXT), -1)]
    right = [norms[j] for j in range(i + 1, min(len(norms), i + 1 + CONTEXT))]
    for side in (left, right):
        if len(side) < CONTEXT:
            side.append(BREAK)
        side.extend([pad] * (CONTEXT - len(side)))
    return tuple(left), tuple(right)


_Key = tuple[str, tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=64)
def analyse(draft: Draft) -> DraftSites:
    """Lex every point, choose its sites and index every variant occurrence by context."""
    lexed = []
    keys: dict[_Key, list[tuple[int, int]]] = defaultdict(list)
    contexts: dict[tuple[int, int], _Key] = {}
    for p_index, point in enumerate(draft.points):
        text = variants.strip_invisible(point.text)
        tokens = variants.lex(text)
        norms = [t.norm for t in tokens]
        for i, tok in enumerate(tokens):
            if tok.alt is not None:
                left, right = _contexts(norms, i, _PAD_CANON)
                key = (tok.norm, left, right)
                keys[key].append((p_index, i))
                contexts[(p_index, i)] = key
        lexed.append((text, tokens))
    # An occurrence whose whole context repeats elsewhere cannot be told apart: not a site.
    ambiguous = {o for v in keys.values() if len(v) > 1 for o in v}
    points = []
    bit_of: dict[tuple[int, int], int] = {}
    for p_index, (point, (text, tokens)) in enumerate(zip(draft.points, lexed, strict=True)):
        sites = [i for i in variants.find_sites(text, tokens) if (p_index, i) not in ambiguous]
        typo = variants.typographic(tokens)
        typo_located = [i for i in typo if (p_index, i) not in ambiguous]
        for i in sites:
            bit_of[(p_index, i)] = i
        if typo_located:
            sites = sorted([*sites, typo[0]])
            for i in typo_located:
                bit_of[(p_index, i)] = typo[0]
        points.append(PointSites(point.id, text, tuple(tokens), tuple(sites),
                                 tuple(typo) if typo_located else (),
                                 max(sites, default=-1) + 1))
    occurrences: dict[str, list[_Occurrence]] = defaultdict(list)
    exact: dict[_Key, _Occurrence | None] = {}
    for key, where in keys.items():
        for o in where:
            occ = _Occurrence(o[0], o[1], key[1], key[2], bit_of.get(o, -1))
            occurrences[key[0]].append(occ)
            exact[key] = occ if len(where) == 1 else None
    site_classes = {contexts[o][0] for o in bit_of}
    return DraftSites(draft, tuple(points),
                      {k: tuple(v) for k, v in occurrences.items() if k in site_classes}, exact)


def _draft(draft_id: str, points: PointsLike) -> Draft:
    check_id(draft_id, "draft id")
    return Draft.from_points(draft_id, points)


# --- rendering ---------------------------------------------------------------------------


def render_point(sites: DraftSites, index: int, key: bytes, recipient_id: str,
                 zero_width: bool = True) -> str:
    """One point of a recipient's copy: its sites varied, then its frames embedded."""
    point = sites.points[index]
    draft_id = sites.draft.draft_id
    bits = codes.stream(key, codes.LINGUISTIC, draft_id, recipient_id, point.id,
                        point.stream_bits)
    out: list[str] = []
    pos = 0
    driven = sorted({*point.sites, *point.typographic})
    for i in driven:
        tok = point.tokens[i]
        out.append(point.text[pos:tok.start])
        out.append(variants.write_form(point.text, tok, (bits >> point.bit_of(i)) & 1))
        pos = tok.end
    out.append(point.text[pos:])
    text = "".join(out)
    if not zero_width:
        return text
    zw = codes.stream(key, codes.ZERO_WIDTH, draft_id, recipient_id, point.id,
                      zerowidth.MAX_FRAMES * zerowidth.DATA_BITS)
    return zerowidth.embed(text, index, zw, zerowidth.frame_count(point.text))


def render(text_by_point: PointsLike, key: bytes, draft_id: str, recipient_id: str,
           *, zero_width: bool = True) -> str:
    """A recipient's copy of a draft, carrying their fingerprint in both channels.

    The points appear in the given order, separated by a blank line. The copy reads the same
    as the canonical text: only interchangeable forms differ (see :mod:`variants`), plus
    invisible characters.

    Args:
        text_by_point: ``{point id: canonical text}``, or a list of texts (ids ``"1"``,
            ``"2"``, ...), or a :class:`Draft`.
        key: the room secret (at least 16 bytes).
        draft_id: the draft version; each version gets fresh codewords.
        recipient_id: who the copy is for.
        zero_width: embed the invisible frames (turn off to get the linguistic channel only).

    Returns:
        The recipient's copy as plain text.

    Raises:
        LeakError: on an empty draft, a short key, empty or duplicate ids.
    """
    key = check_key(key)
    check_id(recipient_id, "recipient id")
    sites = analyse(_draft(draft_id, text_by_point))
    return "\n\n".join(render_point(sites, i, key, recipient_id, zero_width)
                       for i in range(len(sites.points)))


# --- tracing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientScore:
    """How well one recipient's codeword agrees with the bits read from a leak.

    Attributes:
        recipient: the recipient id.
        agree: bits that agree, both channels.
        bits: bits compared, both channels.
        zero_width_agree: agreeing bits from invisible frames.
        zero_width_bits: bits read from invisible frames.
        linguistic_agree: agreeing bits from variant sites.
        linguistic_bits: sites read.
        log10_p: log10 of the chance that an unrelated codeword agrees at least this well.
        named: whether the trace names this recipient.
        test: the test that named them: ``"all"`` (every bit), ``"points"`` (the points
            that agree well, for a copy mixed with others), ``"residual-sites"`` or
            ``"residual-points"`` (what the copies named before leave unexplained); ``""``
            when not named.
        test_log10_p: log10 p of that test.
        test_agree: agreeing bits within that test.
        test_bits: bits within that test.
        adjusted_p: p of the naming test times the number of tests it stands for (for one
            not named: ``p x recipients``), at most 1.
        points: ids of the points this recipient's copy explains (named recipients only).
    """

    recipient: str
    agree: int
    bits: int
    zero_width_agree: int
    zero_width_bits: int
    linguistic_agree: int
    linguistic_bits: int
    log10_p: float
    named: bool = False
    test: str = ""
    test_log10_p: float = 0.0
    test_agree: int = 0
    test_bits: int = 0
    adjusted_p: float = 1.0
    points: tuple[str, ...] = ()

    @property
    def p_value(self) -> float:
        """``10 ** log10_p`` (0.0 below the smallest float)."""
        return 10.0 ** self.log10_p if self.log10_p > -320 else 0.0

    @property
    def confidence(self) -> float:
        """``1 - adjusted_p``: family-wise confidence that this copy is in the leak."""
        return 1.0 - self.adjusted_p

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"recipient": self.recipient, "named": self.named, "agree": self.agree,
                "bits": self.bits,
                "zero_width": {"agree": self.zero_width_agree, "bits": self.zero_width_bits},
                "linguistic": {"agree": self.linguistic_agree, "bits": self.linguistic_bits},
                "p_value": self.p_value, "log10_p": _finite(self.log10_p),
                "test": self.test or None,
                "test_log10_p": _finite(self.test_log10_p) if self.named else None,
                "test_agree": self.test_agree if self.named else None,
                "test_bits": self.test_bits if self.named else None,
                "adjusted_p": self.adjusted_p, "confidence": self.confidence,
                "points": list(self.points)}


@dataclass(frozen=True)
class TraceResult:
    """The outcome of :func:`trace`.

    Attributes:
        verdict: ``"match"`` (one recipient), ``"mixed"`` (several copies combined), or
            ``"no_match"``.
        named: the recipients named, strongest first.
        scores: every recipient, named first, then by ``log10_p``.
        frames: invisible frames read (duplicates included).
        zero_width_bits: distinct zero-width bits observed.
        linguistic_bits: distinct variant sites read.
        sites_in_draft: sites the whole draft has.
        points_seen: ids of the points with any evidence, in draft order.
        alpha: the family-wise false-match bound used.
        message: one human sentence.
    """

    verdict: Verdict
    named: tuple[str, ...]
    scores: tuple[RecipientScore, ...]
    frames: int
    zero_width_bits: int
    linguistic_bits: int
    sites_in_draft: int
    points_seen: tuple[str, ...]
    alpha: float
    message: str = field(default="")

    @property
    def best(self) -> RecipientScore | None:
        """The top-ranked recipient."""
        return self.scores[0] if self.scores else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"verdict": self.verdict, "named": list(self.named), "message": self.message,
                "alpha": self.alpha,
                "evidence": {"frames": self.frames, "zero_width_bits": self.zero_width_bits,
                             "linguistic_bits": self.linguistic_bits,
                             "sites_in_draft": self.sites_in_draft,
                             "points_seen": list(self.points_seen)},
                "scores": [s.to_dict() for s in self.scores]}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


#: Observations: (channel, point index) -> (mask of observed bits, their values).
_Obs = dict[tuple[str, int], tuple[int, int]]


def _read(leaked_text: str, sites: DraftSites) -> tuple[_Obs, int]:
    votes: dict[tuple[str, int], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0]))
    frames = 0
    n_points = len(sites.points)
    for fr in zerowidth.read_frames(leaked_text):
        frames += 1
        if fr.point_index >= n_points:
            continue
        slot = votes[(codes.ZERO_WIDTH, fr.point_index)]
        for j in range(zerowidth.DATA_BITS):
            slot[fr.first_bit + j][(fr.data >> j) & 1] += 1
    text = variants.strip_invisible(leaked_text)
    tokens = variants.lex(text)
    norms = [t.norm for t in tokens]
    for i, tok in enumerate(tokens):
        if tok.alt is None or tok.norm not in sites.occurrences:
            continue
        left, right = _contexts(norms, i, _PAD_LEAK)
        occ = _locate(sites, tok.norm, left, right)
        if occ is not None and occ.bit >= 0:
            votes[(codes.LINGUISTIC, occ.point)][occ.bit][tok.variant] += 1
    obs: _Obs = {}
    for key, slot in votes.items():
        mask = value = 0
        for pos, (zeros, ones) in slot.items():
            if zeros != ones:
                mask |= 1 << pos
                if ones > zeros:
                    value |= 1 << pos
        if mask:
            obs[key] = (mask, value)
    return obs, frames


def _locate(sites: DraftSites, norm: str, left: tuple[str, ...],
            right: tuple[str, ...]) -> _Occurrence | None:
    """The canonical occurrence a leaked variant stands for, or ``None`` if unsure."""
    key = (norm, left, right)
    if key in sites.exact:
        return sites.exact[key]  # None when that exact context occurs twice
    best: _Occurrence | None = None
    best_score, tie = -1, False
    for occ in sites.occurrences[norm]:
        score = _run(left, occ.left) + _run(right, occ.right)
        if score > best_score:
            best, best_score, tie = occ, score, False
        elif score == best_score:
            tie = True
    if best is None or tie or best_score < MIN_CONTEXT_MATCH:
        return None
    return best


def _run(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    for x, y in zip(a, b, strict=True):
        if x != y:
            break
        n += 1
    return n


@dataclass
class _Tally:
    """One recipient's agreement, per channel and per point."""

    zw: int = 0
    zw_n: int = 0
    ling: int = 0
    ling_n: int = 0
    by_point: dict[int, list[int]] = field(default_factory=dict)  # p -> [agree, bits]

    @property
    def agree(self) -> int:
        return self.zw + self.ling

    @property
    def bits(self) -> int:
        return self.zw_n + self.ling_n


def _tally(obs: _Obs, expected: dict[tuple[str, int], int],
           masks: dict[tuple[str, int], int]) -> _Tally:
    t = _Tally()
    for k, mask in masks.items():
        total = mask.bit_count()
        agree = total - ((obs[k][1] ^ expected[k]) & mask).bit_count()
        if k[0] == codes.ZERO_WIDTH:
            t.zw += agree
            t.zw_n += total
        else:
            t.ling += agree
            t.ling_n += total
        slot = t.by_point.setdefault(k[1], [0, 0])
        slot[0] += agree
        slot[1] += total
    return t


def _explains(t: _Tally, p: int) -> bool:
    agree, bits = t.by_point.get(p, (0, 0))
    return bits > 0 and agree >= EXPLAINED * bits


@dataclass(frozen=True)
class _Named:
    test: str
    log10_p: float
    log10_adjusted: float
    agree: int
    bits: int


def trace(leaked_text: str, key: bytes, draft_id: str, recipients: Sequence[str],
          original: PointsLike, *, alpha: float = ALPHA) -> TraceResult:
    """Name the recipient(s) whose copy a leaked plain text came from, or say none did.

    Bits are read from invisible frames and from the variant sites located in the leak by
    their context (so partial, reordered, re-spaced or lightly edited leaks still work).
    Each recipient's codeword is compared with them. Two tests run for every recipient:
    the binomial tail of the agreement over all bits, and a per-point test that tolerates
    points taken from someone else's copy; a recipient is named when the better of the two,
    times ``2 x len(recipients)``, is below ``alpha``. Then the bits the named copies do not
    explain are tested again, to name the other copies of a mixed leak (with a stricter
    correction for these extra tests).

    Args:
        leaked_text: the leaked text, as found.
        key: the room secret used to render the copies.
        draft_id: the draft version.
        recipients: everybody who received a copy.
        original: the canonical draft (as given to :func:`render`).
        alpha: family-wise bound on the chance of naming any innocent recipient.

    Returns:
        Ranked scores and a verdict.

    Raises:
        LeakError: on bad ids, a short key, or no recipients.
    """
    key = check_key(key)
    recipients = check_recipients(recipients)
    if not 0 < alpha < 1:
        raise LeakError("alpha must be between 0 and 1")
    if not isinstance(leaked_text, str):
        raise LeakError("the leaked text must be a string")
    sites = analyse(_draft(draft_id, original))
    obs, frames = _read(leaked_text, sites)
    n = len(recipients)
    log_alpha = math.log10(alpha)

    expected: dict[str, dict[tuple[str, int], int]] = {}
    for r in recipients:
        exp: dict[tuple[str, int], int] = {}
        for ch, p in obs:
            point = sites.points[p]
            nbits = (point.stream_bits if ch == codes.LINGUISTIC
                     else zerowidth.MAX_FRAMES * zerowidth.DATA_BITS)
            exp[(ch, p)] = codes.stream(key, ch, draft_id, r, point.id, nbits)
        expected[r] = exp

    full = {k: m for k, (m, _) in obs.items()}
    seen = sorted({p for _, p in full})
    tallies = {r: _tally(obs, expected[r], full) for r in recipients}
    overall = {r: codes.log10_tail(t.bits, t.agree) for r, t in tallies.items()}
    point_bits = [tallies[recipients[0]].by_point[p][1] for p in seen]
    tails = codes.clipped_tails(point_bits)

    def per_point(t: _Tally) -> tuple[float, int, int]:
        score = agree = bits = 0
        for p in seen:
            k, m = t.by_point[p]
            s = codes.clipped_score(m, k)
            if s > 0:
                score, agree, bits = score + s, agree + k, bits + m
        tail = tails[score] if score < len(tails) else 0.0
        return (math.log10(tail) if tail > 0 else -300.0), agree, bits

    named: dict[str, _Named] = {}
    first_round = math.log10(2 * n)
    candidates = []
    for r in recipients:
        t = tallies[r]
        lp_points, agree_points, bits_points = per_point(t)
        if lp_points < overall[r]:
            candidates.append(_Named("points", lp_points, lp_points + first_round,
                                     agree_points, bits_points))
        else:
            candidates.append(_Named("all", overall[r], overall[r] + first_round,
                                     t.agree, t.bits))
    for r, c in sorted(zip(recipients, candidates, strict=True),
                       key=lambda rc: rc[1].log10_p):
        if c.log10_adjusted < log_alpha and len(named) < MAX_NAMED:
            named[r] = c

    later_round = math.log10(n * RESIDUAL_TESTS)
    while named and len(named) < MAX_NAMED:
        res_sites: dict[tuple[str, int], int] = {}
        for k, mask in full.items():
            m = mask
            for s in named:
                m &= obs[k][1] ^ expected[s][k]
            if m:
                res_sites[k] = m
        unexplained = {p for p in seen if not any(_explains(tallies[s], p) for s in named)}
        res_points = {k: m for k, m in full.items() if k[1] in unexplained}
        best: tuple[str, _Named] | None = None
        for r in recipients:
            if r in named:
                continue
            for test, masks in (("residual-sites", res_sites), ("residual-points", res_points)):
                if not masks:
                    continue
                t = _tally(obs, expected[r], masks)
                lp = codes.log10_tail(t.bits, t.agree)
                if best is None or lp < best[1].log10_p:
                    best = (r, _Named(test, lp, lp + later_round, t.agree, t.bits))
        if best is None or best[1].log10_adjusted >= log_alpha:
            break
        named[best[0]] = best[1]

    scores = []
    for r in recipients:
        t = tallies[r]
        hit = named.get(r)
        if hit is None:
            adj = min(1.0, 10.0 ** (overall[r] + math.log10(n)))
            scores.append(RecipientScore(r, t.agree, t.bits, t.zw, t.zw_n, t.ling, t.ling_n,
                                         overall[r], adjusted_p=adj))
            continue
        pts = tuple(sites.points[p].id for p in seen if _explains(t, p))
        scores.append(RecipientScore(
            r, t.agree, t.bits, t.zw, t.zw_n, t.ling, t.ling_n, overall[r], True, hit.test,
            hit.log10_p, hit.agree, hit.bits, min(1.0, 10.0 ** hit.log10_adjusted), pts))
    order = list(named)
    scores.sort(key=lambda s: (not s.named, order.index(s.recipient) if s.named else 0,
                               s.log10_p, s.recipient))
    zw_bits = sum(m.bit_count() for (ch, _), m in full.items() if ch == codes.ZERO_WIDTH)
    ling_bits = sum(m.bit_count() for (ch, _), m in full.items() if ch == codes.LINGUISTIC)
    verdict: Verdict = "no_match" if not named else "match" if len(named) == 1 else "mixed"
    result = TraceResult(verdict, tuple(order), tuple(scores), frames, zw_bits, ling_bits,
                         sites.linguistic_bits, tuple(sites.points[p].id for p in seen), alpha)
    return replace(result, message=_message(result))


def _message(r: TraceResult) -> str:
    if r.verdict != "no_match":
        parts = []
        for s in r.scores:
            if s.named:
                where = "" if s.test == "all" else f" in {s.test}"
                parts.append(f"{s.recipient} ({s.test_agree}/{s.test_bits} bits agree{where}, "
                             f"p = {codes.format_p(s.test_log10_p)})")
        head = "leak matches " if r.verdict == "match" else "leak mixes the copies of "
        return head + "; ".join(parts)
    if r.zero_width_bits + r.linguistic_bits == 0:
        return ("no recipient matches: no fingerprint found (no invisible frames and none "
                f"of the draft's {r.sites_in_draft} variant sites located; is it the right "
                "draft?)")
    best = r.best
    assert best is not None
    return (f"no recipient matches: the best, {best.recipient}, agrees on {best.agree}/"
            f"{best.bits} bits (p = {codes.format_p(best.log10_p)}), not enough to name anyone")
