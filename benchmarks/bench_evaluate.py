"""Plan-party utilities per second: Accord's batch evaluation beside NegMAS, same outcomes.

Usage: python benchmarks/bench_evaluate.py [--quick]

For each case we build one random additive scenario, draw the same outcomes for both
tools, give NegMAS a LinearAdditiveUtilityFunction with the very same normalised tables,
check that both compute the same utilities (to 1e-9) and report the throughput of each and
the ratio. Accord runs single-threaded numpy (one core); NegMAS evaluates outcome by outcome.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from common import best_of, machine, random_additive

from accord.analysis.tables import compile_scenario


def negmas_ufuns(scenario):  # type: ignore[no-untyped-def]
    from negmas.outcomes import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction

    issues = [make_issue([o.id for o in i.options], name=i.id) for i in scenario.issues]
    ufuns = []
    for p in scenario.party_ids:
        prefs = scenario.preferences[p]
        total = sum(w.value for w in prefs.weights.values())
        ufuns.append(LinearAdditiveUtilityFunction(
            values=[{o: v.value for o, v in prefs.values[i.id].items()} for i in scenario.issues],
            weights=[prefs.weights[i.id].value / total for i in scenario.issues],
            issues=issues,
        ))
    return ufuns


CASES = [
    # (label, issues, parties, options range, outcomes for Accord, outcomes for NegMAS)
    ("28 points x 4 parties", 28, 4, (3, 5), 1_000_000, 5_000),
    ("GENIUS-sized: 6 issues x 2 parties", 6, 2, (3, 7), 1_000_000, 20_000),
    ("GENIUS-sized: 10 issues x 2 parties", 10, 2, (2, 10), 1_000_000, 20_000),
    ("ANAC 2015-sized: 5 issues x 3 parties", 5, 3, (3, 6), 1_000_000, 20_000),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller batches")
    args = parser.parse_args()
    try:
        import negmas  # noqa: F401
        have_negmas = True
    except ImportError:
        have_negmas = False
    print(f"machine: {machine()}")
    print("| case | outcomes | Accord plan-party utilities/s | NegMAS plan-party utilities/s "
          "| ratio | same utilities |")
    print("|---|---:|---:|---:|---:|---|")
    for label, n, parties, opts, m, m_neg in CASES:
        if args.quick:
            m, m_neg = m // 10, m_neg // 10
        s = random_additive(n, parties, opts, seed=n * 10 + parties)
        tables = compile_scenario(s)
        rng = np.random.default_rng(1)
        pk = np.stack([rng.integers(0, i.size, m) for i in s.issues], axis=1)
        t_acc, u = best_of(lambda: tables.utilities(pk))  # noqa: B023
        rate_acc = m * parties / t_acc
        if have_negmas:
            ufuns = negmas_ufuns(s)
            outcomes = [tuple(s.issues[i].options[k].id for i, k in enumerate(row))
                        for row in pk[:m_neg]]
            t_neg, u_neg = best_of(
                lambda: [[float(f(o)) for f in ufuns] for o in outcomes], repeat=1)  # noqa: B023
            rate_neg = m_neg * parties / t_neg
            same = np.allclose(np.array(u_neg), u[:m_neg], atol=1e-9, rtol=0)
            print(f"| {label} | {m:,} | {rate_acc:,.0f} | {rate_neg:,.0f} | "
                  f"{rate_acc / rate_neg:,.0f}x | {'yes' if same else 'NO'} |")
        else:
            print(f"| {label} | {m:,} | {rate_acc:,.0f} | (negmas not installed) | - | - |")


if __name__ == "__main__":
    main()
