"""Start-up time of the ``accord`` command beside the interpreter and ``import negmas``.

Each command runs as a fresh process (best and median of ``--runs`` runs, wall time), in
the same run as its references: a bare interpreter (``python -c pass``: the floor every
command pays) and ``python -c "import negmas"`` (the peer's import alone). Then
``python -X importtime`` names the modules that cost the most when ``accord evaluate``
starts (cumulative microseconds, top-level packages).

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import machine

ACCORD = [sys.executable, "-c", "from accord.cli import main; main()"]
CASES = [
    ("python -c pass (reference: interpreter)", [sys.executable, "-c", "pass"]),
    ("python -c 'import negmas' (reference: peer)", [sys.executable, "-c", "import negmas"]),
    ("accord --help", [*ACCORD, "--help"]),
    ("accord evaluate harbour-teaching --json", [*ACCORD, "evaluate", "harbour-teaching",
                                                 "--json"]),
]


def timed(cmd: list[str], runs: int) -> list[float]:
    """Wall seconds of ``runs`` fresh runs of ``cmd`` (output discarded, must succeed)."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append(time.perf_counter() - t0)
    return out


def import_costs(cmd: list[str], top: int) -> tuple[list[tuple[str, int, int]], int]:
    """The packages whose modules take longest to import (-X importtime).

    Returns ``(package, self µs summed over its modules, modules)`` for the ``top`` most
    costly top-level packages, and the total µs of all imports.
    """
    run = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    costs: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, _, name = line[len("import time:"):].split("|")
        package = name.strip().split(".")[0]
        costs[package] += int(own)
        count[package] += 1
    ranked = sorted(costs.items(), key=lambda kv: -kv[1])[:top]
    return [(k, v, count[k]) for k, v in ranked], sum(costs.values())


def main() -> None:
    """Print the start-up table and the import-time offenders."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per command")
    parser.add_argument("--top", type=int, default=8, help="import offenders to list")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    print()
    print("| command | best s | median s | best / interpreter | best / import negmas |")
    print("|---|---:|---:|---:|---:|")
    best: dict[str, float] = {}
    for label, cmd in CASES:
        times = timed(cmd, args.runs)
        best[label] = min(times)
        floor, peer = best[CASES[0][0]], best.get(CASES[1][0])
        vs_peer = f"{min(times) / peer:.2f}x" if peer else "—"
        print(f"| {label} | {min(times):.3f} | {statistics.median(times):.3f} | "
              f"{min(times) / floor:.1f}x | {vs_peer} |", flush=True)
    print()
    offenders, total = import_costs(CASES[3][1], args.top)
    print(f"Imports of `accord evaluate harbour-teaching --json` (python -X importtime): "
          f"{total / 1000:.0f} ms in all; the costliest packages (their modules' own time):")
    print()
    print("| package | modules | ms | share |")
    print("|---|---:|---:|---:|")
    for name, micros, modules in offenders:
        print(f"| {name} | {modules} | {micros / 1000:.0f} | {micros / total:.0%} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
