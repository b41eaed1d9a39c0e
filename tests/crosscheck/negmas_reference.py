"""NegMAS's Pareto frontiers of the large corpus folders, computed once and stored.

On a space of more than :data:`EVERY_OUTCOME` outcomes, NegMAS's own path (its outcome
enumeration, one utility-function call per outcome and party, then its frontier
extractor, a Python loop over the points) takes minutes: 5.8 million outcomes in
``anac/y2016/AgentHp2``, a 7,444-point frontier out of 240,000 outcomes for the five
parties of ``anac/y2015/group9-killer_robot``. ``scripts/negmas_frontiers.py`` runs that
path once per folder and stores which outcomes NegMAS found Pareto-optimal (one outcome
per frontier utility vector, as its row number in the enumeration order, the last issue
varying fastest) in :data:`STORE`, with a fingerprint of the utilities it was computed
on. ``test_negmas_algorithms.py`` evaluates the stored outcomes with NegMAS's utility
functions again and compares them with Accord's frontier; the fingerprint tells a
changed import (rerun the script, after checking why the utilities changed) from a
frontier that went wrong.

NegMAS is an independent oracle here because the frontier is NegMAS's: Accord's code
only numbers the outcomes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from accord.analysis.tables import Tables
from accord.model import RESOLUTION, Scenario
from tests.crosscheck.corpus import corpus_folders

#: Spaces up to this size are compared live, NegMAS's whole path included.
EVERY_OUTCOME = 50_000
MAX_OUTCOMES = 10_000_000
MAX_PARTIES = 10
#: Profile pairs picked from folders holding alternative profiles for the same sides.
PAIRS = {
    "other/ItexvsCypressDomain": [
        ("ItexvsCypress_CypressAReserve00", "ItexvsCypress_ItexBReserve00"),
        ("ItexvsCypress_CypressAReserve05", "ItexvsCypress_ItexBReserve05"),
        ("ItexvsCypress_CypressAReserve09", "ItexvsCypress_ItexBReserve09"),
    ],
    "other/journal_learning/four_issues": [("a_l_d_d", "b_l_d_d"), ("a_n_u_u", "b_n_u_u")],
    "other/journal_learning/six_issues": [("a_l_u2_u1", "b_l_u_u"), ("a_n_t_t", "b_nr_d_d")],
}
STORE = Path(__file__).parent / "data" / "negmas_frontiers.json"
REGENERATE = "python scripts/negmas_frontiers.py"
#: Stored instead of the rational frontier when every frontier point is rational.
SAME = "same as frontier"


def corpus_cases() -> list[tuple[str, tuple[str, str] | None]]:
    """Every corpus case: each folder, or its chosen profile pairs (see :data:`PAIRS`)."""
    out: list[tuple[str, tuple[str, str] | None]] = []
    for folder in corpus_folders():
        out += [(folder, pair) for pair in PAIRS[folder]] if folder in PAIRS else [(folder, None)]
    return out


def why_not_compared(s: Scenario) -> str | None:
    """Why NegMAS cannot be compared on ``s`` (``None``: it can)."""
    if any(p.terms for p in s.preferences.values()):
        return ("nonlinear (hyper-rectangle) profiles: 1e10+ outcomes; checked against the "
                "published frontiers instead")
    if s.space_size > MAX_OUTCOMES:
        return f"{s.space_size} outcomes > {MAX_OUTCOMES}: too many to enumerate on the NegMAS side"
    if len(s.parties) > MAX_PARTIES:
        return f"{len(s.parties)} alternative profiles; compared as chosen pairs"
    return None


def case_id(folder: str, pair: tuple[str, str] | None) -> str:
    """The key of a corpus case: its folder, plus the profile pair when one is chosen."""
    return folder if pair is None else f"{folder}[{'+'.join(pair)}]"


def fingerprint(tables: Tables) -> str:
    """A digest of the utilities the frontier depends on (at Accord's resolution)."""
    h = hashlib.sha256()
    for a in (tables.util[0], tables.base[0], tables.reservation[0]):
        h.update(np.rint(np.asarray(a, dtype=float) / RESOLUTION).astype(np.int64).tobytes())
    h.update(np.asarray(tables.clip, dtype=bool).tobytes())
    h.update(np.asarray(tables.layout.sizes, dtype=np.int64).tobytes())
    return h.hexdigest()[:16]


def on_grid(points: np.ndarray) -> np.ndarray:
    """Utilities rounded to Accord's dominance resolution (see the cross-check's docs)."""
    return np.asarray(np.rint(points / RESOLUTION) * RESOLUTION)


def distinct_rows(points: np.ndarray) -> np.ndarray:
    """Row numbers of the first occurrence of each distinct row of ``points``, sorted."""
    rows = np.ascontiguousarray(points)
    as_bytes = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    return np.sort(np.unique(as_bytes, return_index=True)[1])


def negmas_front_rows(points: np.ndarray) -> np.ndarray:
    """Row numbers of NegMAS's Pareto-optimal points (``pareto_frontier_numpy``, what its
    ``pareto_frontier`` runs), one per distinct utility vector, compared at Accord's
    resolution. The extractor runs on the distinct vectors only: the Pareto-optimal
    vectors of a multiset are those of its set."""
    from negmas.preferences.ops import pareto_frontier_numpy

    if not len(points):
        return np.zeros(0, dtype=np.int64)
    grid = on_grid(points)
    first = distinct_rows(grid)
    return np.asarray(first[pareto_frontier_numpy(grid[first], sort_by_welfare=True)])


def negmas_utilities(ufuns: list[Any], outcomes: list[tuple[str, ...]]) -> np.ndarray:
    """Each outcome's utility to each party, one NegMAS call per outcome and party."""
    return np.array([[float(u(o)) for u in ufuns] for o in outcomes]).reshape(
        len(outcomes), len(ufuns))


@dataclass(frozen=True)
class Stored:
    """NegMAS's frontier of one case: row numbers of all packages and of rational ones."""

    fingerprint: str
    frontier: np.ndarray
    rational: np.ndarray


def load() -> dict[str, Stored]:
    """Every stored case (empty when the file is missing)."""
    if not STORE.exists():
        return {}
    raw = json.loads(STORE.read_text(encoding="utf-8"))
    out = {}
    for k, v in raw["cases"].items():
        frontier = np.array(v["frontier"], dtype=np.int64)
        rational = frontier if v["rational"] == SAME else np.array(v["rational"], dtype=np.int64)
        out[k] = Stored(v["fingerprint"], frontier, rational)
    return out


def save(cases: dict[str, Stored], negmas_version: str) -> None:
    """Write ``cases`` to :data:`STORE`, one line per case, rows sorted."""
    STORE.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for k, v in sorted(cases.items()):
        frontier, rational = sorted(map(int, v.frontier)), sorted(map(int, v.rational))
        lines.append(f'  "{k}": ' + json.dumps({
            "fingerprint": v.fingerprint, "frontier": frontier,
            "rational": SAME if rational == frontier else rational}))
    STORE.write_text(
        "{\n" + f'"generator": "{REGENERATE} (NegMAS {negmas_version})",\n"cases": {{\n'
        + ",\n".join(lines) + "\n}}\n", encoding="utf-8")
