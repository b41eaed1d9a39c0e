"""Accord sessions beside NegMAS's SAOMechanism on the same GENIUS domains.

Both sides negotiate over the same normalised utilities: each GENIUS folder is imported
with ``accord.formats.genius.import_genius``, compiled into Accord's tables, and the
NegMAS utility functions are *built from those tables* (one ``LinearAdditiveUtilityFunction``
per party: the per-option contributions, the constant as bias, the reservation as reserved
value), so any difference comes from the engines, not the inputs.

Strategy families, same curves on both sides: NegMAS ``BoulwareTBNegotiator`` /
``LinearTBNegotiator`` / ``ConcederTBNegotiator`` (aspiration exponents 4, 1, 1/4) against
Accord's ``time-dependent:e=0.25`` / ``e=1`` / ``e=4`` (GENIUS form ``t^(1/e)``), every
ordered pair of families on every domain, the same deadline in rounds (NegMAS ``n_steps``).

Measured: sessions per second (NegMAS: build the mechanism and the negotiators, run;
Accord: ``run_session`` with a full trace, on a warm domain, and cold: a new domain and
bid spaces every session), agreement rate and mean agreement utility (mean over
agreements of the two parties' utilities) per family pair.

Run: ``.venv/bin/python benchmarks/bench_negotiate.py [--rounds 100] [--reps 5]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from accord.analysis.tables import compile_scenario
from accord.negotiation.domain import Domain
from accord.negotiation.session import run_session

GENIUS = Path(os.environ.get("ACCORD_GENIUS", Path(__file__).resolve().parents[2] / "shared"
                             / "data" / "genius"))
DOMAINS = ["y2010/ItexvsCypress", "y2010/EnglandZimbabwe", "y2011/Laptop", "y2011/Grocery",
           "y2011/Amsterdam", "y2011/Camera", "y2011/Car", "y2013/Kitchen",
           "y2013/SmartPhone", "y2013/Wholesaler"]
FAMILIES = {"boulware": 0.25, "linear": 1.0, "conceder": 4.0}


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def load_domains() -> list[tuple[str, Domain]]:
    from accord.formats.genius import import_genius

    out = []
    for name in DOMAINS:
        folder = GENIUS / "anac" / name
        if not folder.is_dir():
            continue
        scenario = import_genius(folder)
        tables = compile_scenario(scenario)
        if tables.terms or len(scenario.parties) != 2:
            continue
        out.append((name, Domain(scenario.id, scenario.party_ids, tables,
                                 scenario.ratification)))
    if not out:
        sys.exit(f"no GENIUS domains under {GENIUS}")
    return out


def negmas_side(domain: Domain):  # type: ignore[no-untyped-def]
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    t = domain.tables
    offsets, sizes = t.layout.offsets, t.layout.sizes
    issues = [make_issue(int(s), name=f"i{k}") for k, s in enumerate(sizes)]
    os_ = make_os(issues)
    ufuns = []
    for p in range(domain.n_parties):
        values = [TableFun({j: float(t.util[0, offsets[k] + j, p]) for j in range(int(s))})
                  for k, s in enumerate(sizes)]
        ufuns.append(LinearAdditiveUtilityFunction(
            values, weights=[1.0] * len(values), bias=float(t.base[0, p]), outcome_space=os_,
            reserved_value=float(t.reservation[0, p])))
    return os_, ufuns


def run_negmas(domain: Domain, rounds: int, reps: int) -> dict[tuple[str, str], list]:
    from negmas import SAOMechanism
    from negmas.sao.negotiators import (
        BoulwareTBNegotiator,
        ConcederTBNegotiator,
        LinearTBNegotiator,
    )

    classes = {"boulware": BoulwareTBNegotiator, "linear": LinearTBNegotiator,
               "conceder": ConcederTBNegotiator}
    os_, ufuns = negmas_side(domain)
    out: dict[tuple[str, str], list] = {}
    for a in FAMILIES:
        for b in FAMILIES:
            runs = []
            for _ in range(reps):
                t0 = time.perf_counter()
                m = SAOMechanism(outcome_space=os_, n_steps=rounds)
                m.add(classes[a](), ufun=ufuns[0])
                m.add(classes[b](), ufun=ufuns[1])
                state = m.run()
                dt = time.perf_counter() - t0
                agreement = state.agreement
                u = None if agreement is None else tuple(float(f(agreement)) for f in ufuns)
                runs.append((dt, u))
            out[(a, b)] = runs
    return out


def run_accord(domain: Domain, rounds: int, reps: int, cold: bool
               ) -> dict[tuple[str, str], list]:
    out: dict[tuple[str, str], list] = {}
    for a, ea in FAMILIES.items():
        for b, eb in FAMILIES.items():
            runs = []
            for r in range(reps):
                t0 = time.perf_counter()
                d = Domain(domain.scenario, domain.parties, domain.tables, domain.rule) \
                    if cold else domain
                res = run_session(d, f"alternating:rounds={rounds}",
                                  [f"time-dependent:e={ea}", f"time-dependent:e={eb}"], r)
                dt = time.perf_counter() - t0
                agreement = res.outcome.agreement
                u = None if agreement is None else d.utilities(agreement)
                runs.append((dt, u))
            out[(a, b)] = runs
    return out


def stats(results: dict[tuple[str, str], list]) -> tuple[float, int, float, float | None]:
    times = [dt for runs in results.values() for dt, _ in runs]
    agreed = [u for runs in results.values() for _, u in runs if u is not None]
    n = len(times)
    mean_u = statistics.fmean(statistics.fmean(u) for u in agreed) if agreed else None
    return sum(times), n, len(agreed) / n, mean_u


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3, help="repetitions per pair (NegMAS)")
    parser.add_argument("--accord-reps", type=int, default=20, help="repetitions (Accord)")
    args = parser.parse_args()
    import negmas

    domains = load_domains()
    for _, d in domains:  # warm: bid spaces built once per domain (cached on the domain)
        d.bid_space(0), d.bid_space(1)
    rows = []
    tot = {"negmas": [0.0, 0], "warm": [0.0, 0], "cold": [0.0, 0]}
    fam_rows: dict[tuple[str, str], dict[str, list]] = {}
    for name, d in domains:
        nm = run_negmas(d, args.rounds, args.reps)
        warm = run_accord(d, args.rounds, args.accord_reps, cold=False)
        cold = run_accord(d, args.rounds, max(1, args.accord_reps // 10), cold=True)
        for key, res in (("negmas", nm), ("warm", warm), ("cold", cold)):
            s, n, _, _ = stats(res)
            tot[key][0] += s
            tot[key][1] += n
        for pair in nm:
            acc = fam_rows.setdefault(pair, {"negmas": [], "accord": []})
            acc["negmas"] += [u for _, u in nm[pair]]
            acc["accord"] += [u for _, u in warm[pair]]
        rows.append((name, int(np.prod(d.sizes)), stats(nm), stats(warm), stats(cold)))
    print(f"# Accord vs NegMAS {negmas.__version__}: bilateral alternating offers, "
          f"{args.rounds} rounds\n")
    print(f"Machine: {machine()}\n")
    print("GENIUS domains imported with accord.formats.genius.import_genius; NegMAS ufuns "
          "built from Accord's normalised tables.\n")
    print("| domain | packages | NegMAS s/s | Accord s/s (warm) | Accord s/s (cold) | speed-up "
          "(warm) | agree NegMAS | agree Accord | utility NegMAS | utility Accord |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, size, nm, warm, cold in rows:
        def f(x: float | None) -> str:
            return "-" if x is None else f"{x:.3f}"
        print(f"| {name} | {size} | {nm[1] / nm[0]:.1f} | {warm[1] / warm[0]:.0f} | "
              f"{cold[1] / cold[0]:.0f} | {(warm[1] / warm[0]) / (nm[1] / nm[0]):.0f}x | "
              f"{nm[2]:.0%} | {warm[2]:.0%} | {f(nm[3])} | {f(warm[3])} |")
    n_sps = tot["negmas"][1] / tot["negmas"][0]
    w_sps = tot["warm"][1] / tot["warm"][0]
    c_sps = tot["cold"][1] / tot["cold"][0]
    print(f"| **all** | | **{n_sps:.1f}** | **{w_sps:.0f}** | **{c_sps:.0f}** | "
          f"**{w_sps / n_sps:.0f}x** | | | | |\n")
    print("| family pair (A vs B) | agree NegMAS | agree Accord | Δ pp | utility NegMAS | "
          "utility Accord | Δ |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (a, b), acc in fam_rows.items():
        ra = [u for u in acc["negmas"] if u is not None]
        rb = [u for u in acc["accord"] if u is not None]
        pa, pb = len(ra) / len(acc["negmas"]), len(rb) / len(acc["accord"])
        ua = statistics.fmean(statistics.fmean(u) for u in ra) if ra else float("nan")
        ub = statistics.fmean(statistics.fmean(u) for u in rb) if rb else float("nan")
        print(f"| {a} vs {b} | {pa:.0%} | {pb:.0%} | {100 * (pb - pa):+.1f} | {ua:.3f} | "
              f"{ub:.3f} | {ub - ua:+.3f} |")


if __name__ == "__main__":
    main()
