"""Regenerate tests/crosscheck/data/negmas_frontiers.json (NegMAS's stored frontiers).

These are NegMAS's Pareto frontiers of the corpus folders too large to compare live (see
tests/crosscheck/negmas_reference.py). For each such folder NegMAS enumerates its
outcome space, evaluates every outcome with utility functions rebuilt from Accord's tables
(tests/negmas_bridge.py), checks that they equal Accord's utilities row by row (so that
row numbers name the same packages on both sides), and extracts the frontier of all
packages and of the rational ones. Takes about ten minutes on two cores. Needs the
`dev` extra (NegMAS) and the shared GENIUS corpus.

    .venv/bin/python scripts/negmas_frontiers.py [--only FOLDER_OR_CASE ...]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crosscheck.corpus import CORPUS, MISSING
from tests.crosscheck.negmas_reference import (
    EVERY_OUTCOME,
    Stored,
    case_id,
    corpus_cases,
    fingerprint,
    load,
    negmas_front_rows,
    negmas_utilities,
    save,
    why_not_compared,
)
from tests.negmas_bridge import NEGMAS_ERROR, negmas, outcome_space, utility_functions

from accord.analysis.tables import compile_scenario
from accord.formats.genius import import_genius


def main() -> int:
    """Recompute the stored frontiers (all, or those named by ``--only``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None,
                        help="regenerate only these folders or cases, keep the others")
    args = parser.parse_args()
    if negmas is None:
        print(NEGMAS_ERROR, file=sys.stderr)
        return 2
    if CORPUS is None:
        print(MISSING, file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    stored = load() if args.only else {}
    for folder, pair in corpus_cases():
        key = case_id(folder, pair)
        if args.only and folder not in args.only and key not in args.only:
            continue
        s = import_genius(CORPUS / folder, profiles=pair)
        if why_not_compared(s) is not None or s.space_size <= EVERY_OUTCOME:
            continue
        start = time.perf_counter()
        tables = compile_scenario(s)
        ufuns = utility_functions(s, tables)
        outcomes = list(outcome_space(s).enumerate())
        points = negmas_utilities(ufuns, outcomes)
        ours = tables.utilities(np.concatenate(list(tables.layout.chunks())))
        np.testing.assert_allclose(points, ours, rtol=0, atol=1e-12)
        d = tables.reservation[0]
        rational = np.flatnonzero((points >= d).all(axis=1))
        stored[key] = Stored(fingerprint(tables), negmas_front_rows(points),
                             rational[negmas_front_rows(points[rational])])
        print(f"{key}: {len(outcomes):,} outcomes, frontier {len(stored[key].frontier)}, "
              f"rational frontier {len(stored[key].rational)} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    save(stored, str(negmas.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
