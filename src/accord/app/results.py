"""What the public API returns: results with ``to_dict()`` (the CLI's JSON) and HTML tables.

Each result keeps the engine's own object (``.raw``) for those who need every detail, and
offers the answer in the scenario's words: choices as ``{point: option}``, utilities as
``{party: float}``. ``to_dict()`` is exactly what ``accord … --json`` prints (see
``docs/reference/json-output.md``); ``_repr_html_()`` makes a result display as a table in
Jupyter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from accord.analysis.compare import Comparison
from accord.analysis.evaluate import PlanEvaluation
from accord.analysis.lint import Finding
from accord.analysis.robustness import Driver, PlanRobustness, Robustness
from accord.analysis.sensitivity import Sensitivity
from accord.model import Scenario

if TYPE_CHECKING:  # the solver (HiGHS) loads only when a question needs it
    from accord.solve.concepts import Solution
    from accord.solve.frontier import Frontier
    from accord.solve.improve import Improvements
    from accord.solve.zopa import Zopa

__all__ = [
    "Comparison",
    "ComparisonResult",
    "Driver",
    "Evaluation",
    "FrontierResult",
    "ImprovementResult",
    "LintResult",
    "PlanEvaluation",
    "PlanRobustness",
    "Robustness",
    "RobustnessResult",
    "Sensitivity",
    "SensitivityResult",
    "SolveResult",
    "ZopaResult",
    "invented_in",
    "package_differences",
]


def html_table(caption: str, head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain HTML table (cells escaped; floats with three decimals)."""
    def cell(x: object) -> str:
        return escape(f"{x:.3f}" if isinstance(x, float) else str(x))

    body = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in head)
            + f"</tr></thead><tbody>{body}</tbody></table>")


def invented_in(s: Scenario, choices: dict[str, str]) -> list[dict[str, str]]:
    """The invented options a package relies on: ``[{"option": "point.option", "why"}]``."""
    out = []
    for issue in s.issues:
        option = issue.option(choices[issue.id])
        if option.invented:
            out.append({"option": f"{issue.id}.{option.id}", "why": option.why})
    return out


def _by_party(s: Scenario, values: Iterable[float]) -> dict[str, float]:
    return dict(zip(s.party_ids, map(float, values), strict=True))


@dataclass(frozen=True)
class SolveResult:
    """One exact solution concept: the package, each party's utility, the proof."""

    scenario: Scenario
    raw: Solution

    @property
    def concept(self) -> str:
        """``nash``, ``ks``, ``egalitarian`` or ``welfare``."""
        return self.raw.concept

    @property
    def package(self) -> tuple[int, ...]:
        """Option positions, one per point."""
        return tuple(int(k) for k in self.raw.package)

    @property
    def choices(self) -> dict[str, str]:
        """``{point: option}`` of the package."""
        return dict(self.scenario.plan_from_indices(self.package).choices)

    @property
    def utilities(self) -> dict[str, float]:
        """``{party: utility}``."""
        return _by_party(self.scenario, self.raw.utilities)

    @property
    def gains(self) -> dict[str, float]:
        """``{party: utility - disagreement}``."""
        return _by_party(self.scenario, self.raw.gains)

    @property
    def invented(self) -> list[dict[str, str]]:
        """The options of the package the modeller invented (``option``, ``why``)."""
        return invented_in(self.scenario, self.choices)

    @property
    def proof(self) -> dict[str, Any]:
        """How optimality was established: method, status, gap, proven, MILP solves."""
        r = self.raw
        return {"method": r.method, "status": r.status, "gap": r.gap,
                "proven_optimal": r.proven, "milp_solves": r.solves}

    def to_dict(self) -> dict[str, Any]:
        """JSON form (one element of ``accord solve --json``'s ``solutions``)."""
        r = self.raw
        return {
            "concept": r.concept,
            "choices": self.choices,
            "package": list(self.package),
            "utilities": self.utilities,
            "gains": self.gains,
            "disagreement": _by_party(self.scenario, r.disagreement),
            "objective": r.objective,
            "proof": self.proof,
            "seconds": r.seconds,
            "invented": self.invented,
        }

    def _repr_html_(self) -> str:
        s = self.scenario
        proof = "proven optimal" if self.raw.proven else "NOT proven"
        head = html_table(f"{self.concept} package of {s.title} ({self.raw.method}, {proof})",
                          ["party", "utility", "gain"],
                          [[p, self.utilities[p], self.gains[p]] for p in s.party_ids])
        choices = html_table("choices", ["point", "option"],
                             [[s.issue(i).title, s.issue(i).option(o).title
                               + (" (invented)" if s.issue(i).option(o).invented else "")]
                              for i, o in self.choices.items()])
        return head + choices


def package_differences(scenario: Scenario, results: Sequence[SolveResult]
                        ) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """Where solution packages differ, and what they share.

    Returns ``(point title, option title per result)`` rows for the points where they
    differ, and ``"point: option"`` for the points on which they all agree.
    """
    plans = [scenario.plan_from_indices(r.package) for r in results]
    differ: list[tuple[str, list[str]]] = []
    same: list[str] = []
    for issue in scenario.issues:
        picks = [issue.option(p.choices[issue.id]).title for p in plans]
        if len(set(picks)) == 1:
            same.append(f"{issue.title}: {picks[0]}")
        else:
            differ.append((issue.title, picks))
    return differ, same


@dataclass(frozen=True)
class Evaluation:
    """Every evaluated plan, with Pareto dominance decided (by the solver if need be)."""

    scenario: Scenario
    plans: tuple[PlanEvaluation, ...]

    def __iter__(self) -> Iterator[PlanEvaluation]:
        return iter(self.plans)

    def __len__(self) -> int:
        return len(self.plans)

    def __getitem__(self, plan_id: str) -> PlanEvaluation:
        for e in self.plans:
            if e.plan.id == plan_id:
                return e
        raise KeyError(plan_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord evaluate --json``)."""
        return {"scenario": self.scenario.id, "plans": [e.to_dict() for e in self.plans]}

    def _repr_html_(self) -> str:
        ids = self.scenario.party_ids
        rows = [[e.plan.id, *[f"{o.utility:.3f} ({o.margin:+.3f})"
                              + ("" if o.acceptable else " refuses") for o in e.parties],
                 "yes" if e.ratified else "no",
                 {True: "yes", False: "no", None: "n/a"}[e.pareto_dominated]]
                for e in self.plans]
        return html_table(f"Evaluation of {self.scenario.title} (utility and margin)",
                          ["plan", *ids, "ratified", "dominated"], rows)


@dataclass(frozen=True)
class FrontierResult:
    """The Pareto frontier over admissible packages (for ``parties``)."""

    scenario: Scenario
    parties: tuple[str, ...]
    raw: Frontier

    def __len__(self) -> int:
        return len(self.raw)

    @property
    def exact(self) -> bool:
        """Whether the frontier is complete."""
        return self.raw.exact

    @property
    def method(self) -> str:
        """How it was computed (enumeration, epsilon-constraint, weighted sums)."""
        return self.raw.method

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord frontier --json``)."""
        f, ids = self.raw, list(self.parties)
        return {
            "scenario": self.scenario.id,
            "parties": ids,
            "exact": f.exact,
            "method": f.method,
            "notes": list(f.notes),
            "count": len(f),
            "milp_solves": f.solves,
            "seconds": f.seconds,
            "points": [
                {"utilities": dict(zip(ids, map(float, u), strict=True)),
                 "package": [int(k) for k in p]}
                for p, u in zip(f.packages, f.utilities, strict=True)
            ],
        }

    def _repr_html_(self) -> str:
        kind = "exact" if self.exact else "not proven complete"
        return html_table(f"Pareto frontier of {self.scenario.title}: {len(self)} points "
                          f"({self.raw.method}, {kind}; first 50)", list(self.parties),
                          [[float(x) for x in u] for u in self.raw.utilities[:50]])


@dataclass(frozen=True)
class ImprovementResult:
    """Post-settlement improvements of a tentative plan (Raiffa)."""

    scenario: Scenario
    plan: str
    raw: Improvements

    @property
    def pareto_optimal(self) -> bool:
        """No package is better for someone and worse for nobody."""
        return self.raw.pareto_optimal

    def items(self) -> list[dict[str, Any]]:
        """The improvements, best first, in the scenario's words."""
        s, ids = self.scenario, self.scenario.party_ids
        before = s.complete(s.plan(self.plan))
        out: list[dict[str, Any]] = []
        for imp in self.raw.improvements:
            issues = [s.issues[int(i)] for i in imp.changed]
            choices = dict(s.plan_from_indices(imp.package).choices)
            out.append({
                "choices": choices,
                "changes": {i.id: {"from": before[i.id],
                                   "to": i.options[int(imp.package[s.issue_index(i.id)])].id}
                            for i in issues},
                "utilities": _by_party(s, imp.utilities),
                "gains": _by_party(s, imp.gains),
                "gainers": [ids[int(k)] for k in imp.gainers],
                "score": imp.score,
                "invented": invented_in(s, choices),
            })
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord improve --json``)."""
        r = self.raw
        return {
            "scenario": self.scenario.id, "plan": self.plan, "rank_by": r.rank_by,
            "pareto_optimal": r.pareto_optimal, "improvements": self.items(),
            "count": r.count,
            "proof": {"text": r.proof, "method": r.method, "status": r.status,
                      "gap": r.gap, "proven": r.proven},
            "utilities": _by_party(self.scenario, r.utilities),
        }

    def _repr_html_(self) -> str:
        ids = self.scenario.party_ids
        if self.pareto_optimal:
            return (f"<p>{escape(self.plan)} is Pareto-optimal "
                    f"({'proven' if self.raw.proven else 'not proven'}): "
                    f"{escape(self.raw.proof)}</p>")
        rows = [[k, *[f"{it['gains'][p]:+.3f}" for p in ids],
                 ", ".join(f"{i}: {c['from']} → {c['to']}" for i, c in it["changes"].items())]
                for k, it in enumerate(self.items(), 1)]
        return html_table(f"Improvements of {self.plan} (ranked by {self.raw.rank_by})",
                          ["#", *[f"Δ{p}" for p in ids], "changes"], rows)


@dataclass(frozen=True)
class ZopaResult:
    """The zone of possible agreement, counted or estimated."""

    scenario: Scenario
    raw: Zopa

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord zopa --json``)."""
        z = self.raw
        return {
            "scenario": self.scenario.id, "space": z.space, "admissible": z.admissible,
            "accepted_by_all": z.accepted, "ratified": z.ratified, "exact": z.exact,
            "method": z.method, "ci95": {k: list(v) for k, v in z.intervals.items()},
            "samples": z.samples, "seconds": z.seconds,
            "rule": self.scenario.ratification.describe(),
        }

    def _repr_html_(self) -> str:
        z = self.raw
        return html_table(f"Zone of possible agreement ({z.method}, "
                          f"{'exact' if z.exact else 'estimated'})", ["packages", "count"],
                          [["all", z.space], ["admissible", z.admissible],
                           ["every party accepts", z.accepted], ["ratified", z.ratified]])


@dataclass(frozen=True)
class RobustnessResult:
    """Monte Carlo acceptance and ratification probabilities, with drivers."""

    scenario: Scenario
    raw: Robustness

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord robustness --json``)."""
        return {"scenario": self.scenario.id, **self.raw.to_dict()}

    def _repr_html_(self) -> str:
        ids = self.scenario.party_ids
        rows = [[r.plan, *[f"{r.accept_probability[p]:.0%}" for p in ids],
                 f"{r.ratify_probability:.1%}"] for r in self.raw.plans]
        return html_table(f"Acceptance over {self.raw.samples} draws (seed {self.raw.seed})",
                          ["plan", *ids, "P(ratified)"], rows)


@dataclass(frozen=True)
class SensitivityResult:
    """What flips each party's acceptance of one plan, and the tornado of its margin."""

    scenario: Scenario
    raw: Sensitivity

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord sensitivity --json``)."""
        return self.raw.to_dict()

    def to_accept(self) -> dict[str, dict[str, Any] | None]:
        """Per refusing party, the smallest single change that makes it accept.

        ``None`` for a party that no single change within the stated ranges brings round.
        """
        return {p.party: (p.to_accept.to_dict() if p.to_accept else None)
                for p in self.raw.parties if not p.accepts}

    def _repr_html_(self) -> str:
        rows = [[p.party, "yes" if p.accepts else "no", f"{p.margin:+.3f}", f.parameter,
                 f"{f.start}", f"{f.to}"] for p in self.raw.parties for f in p.flips]
        return html_table(f"What flips {self.raw.plan}",
                          ["party", "accepts", "margin", "parameter", "from", "to"], rows)


@dataclass(frozen=True)
class ComparisonResult:
    """Point-by-point differences of two drafts and who gained."""

    scenario: Scenario
    raw: Comparison

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord compare --json``)."""
        return {"scenario": self.scenario.id, **self.raw.to_dict()}

    def _repr_html_(self) -> str:
        ids = self.scenario.party_ids
        rows = [[ch.title, ch.before, ch.after, *[ch.utility_change[p] for p in ids]]
                for ch in self.raw.changes]
        return html_table(f"{self.raw.a.plan.name} → {self.raw.b.plan.name}",
                          ["point", "before", "after", *[f"Δ{p}" for p in ids]], rows)


@dataclass(frozen=True)
class LintResult:
    """Modelling smells of a scenario, each with the line of the field it concerns."""

    scenario: Scenario
    file: str
    findings: tuple[tuple[Finding, int | None], ...]

    def count(self, severity: str) -> int:
        """How many findings of ``severity`` (error, warning, info)."""
        return sum(f.severity == severity for f, _ in self.findings)

    @property
    def ok(self) -> bool:
        """No errors (warnings and infos allowed)."""
        return self.count("error") == 0

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord lint --json``)."""
        return {"scenario": self.scenario.id, "file": self.file,
                "errors": self.count("error"), "warnings": self.count("warning"),
                "infos": self.count("info"),
                "findings": [{**f.to_dict(), "line": line} for f, line in self.findings]}

    def _repr_html_(self) -> str:
        return html_table(f"Lint of {self.scenario.title}", ["line", "severity", "code", "what"],
                          [[line or "", f.severity, f.code, f.message]
                           for f, line in self.findings])
