"""Read GENIUS domain and profile files into GENIUS's own normalised numbers.

The semantics follow the GENIUS sources (``genius.core.utility``) exactly; see
``docs/explanation/genius-import.md`` for the reasoning and the corpus numbers.

* Discrete issues keep their items in file order; integer issues become one option per
  integer in ``[lowerbound, upperbound]`` (ids ``v12``, ``v-3``; label the number); real
  issues are discretised with ``real_step`` (options ``r0, r1, ...`` at
  ``lower + k*step``, the upper bound always included) or refused.
* Additive profiles (``AdditiveUtilitySpace``): an item's evaluation is divided by the
  largest evaluation of its issue (all zero when that maximum is below 1e-5); integer
  evaluators are ``clip(offset + slope*(v - lowerbound), 0, 1)``, the older
  ``parameter0``/``parameter1`` form ``clip(parameter0 + parameter1*v, 0, 1)``; weights
  pair with issues by ``index`` at the same level of the tree and are used as written.
* Nonlinear profiles (``NonlinearUtilitySpace``): the first ``ufun`` of the ``utility``
  element, ``maxutility`` as the normaliser. An ``INCLUDES`` rectangle pays when every
  bound holds; an ``EXCLUDES`` rectangle pays when at least one bound fails
  (``ExclusiveHyperRectangle``), which is written as disjoint cases "bounds 1..j-1 hold
  and bound j fails", each an AND of option sets.
* Reservation values default to 0 when absent; discount factors are returned as read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from accord.formats.genius_xml import XmlDoc, fmt_number, unique_ids
from accord.model import FileFormatError, Issue, Option

#: Most options one integer or real issue may expand to.
MAX_ISSUE_OPTIONS = 100_000
#: GENIUS treats a discrete issue whose largest evaluation is below this as all zero.
GENIUS_EVAL_FLOOR = 0.00001

#: A term of a nonlinear profile: (issue position, allowed option positions) per
#: condition, the points it pays, and where it came from.
RawTerm = tuple[list[tuple[int, frozenset[int]]], float, str]


# ---------------------------------------------------------------------------- domain
@dataclass
class DomainIssue:
    """One issue of the domain file."""

    index: int
    name: str
    kind: str  # discrete | integer | real
    labels: list[str]
    numbers: list[float]  # integer/real: the value of each option; discrete: empty
    lower: float = 0.0
    upper: float = 0.0
    line: int | None = None


def _issue_kind(elem: ET.Element) -> str:
    for attr in ("type", "vtype", "etype"):
        raw = (elem.get(attr) or "").strip().lower()
        if raw:
            return raw
    return "discrete"


def _walk_issues(container: ET.Element) -> Iterator[ET.Element]:
    """Issues in preorder, descending through nested ``<objective>`` elements."""
    for child in container:
        if child.tag == "issue":
            yield child
        elif child.tag == "objective":
            yield from _walk_issues(child)


def _bounds(doc: XmlDoc, elem: ET.Element) -> tuple[float, float]:
    holder = elem
    if elem.get("lowerbound") is None:
        for child in elem:
            if child.tag == "range":
                holder = child
                break
    if holder.get("lowerbound") is None or holder.get("upperbound") is None:
        raise doc.error(elem, f"issue {elem.get('name')!r} needs lowerbound and upperbound "
                              "(as attributes or on a <range> child)")
    lo, hi = doc.number(holder, "lowerbound"), doc.number(holder, "upperbound")
    if lo > hi:
        raise doc.error(elem, f"issue {elem.get('name')!r} has lowerbound {lo} > upperbound {hi}")
    return lo, hi


def read_domain(doc: XmlDoc, real_step: float | None) -> list[DomainIssue]:
    """The issues of a domain file, in preorder of its objective tree."""
    root = doc.root
    space = root if root.tag == "utility_space" else root.find("utility_space")
    if space is None:
        raise doc.error(root, "no <utility_space> element in the domain file")
    issues: list[DomainIssue] = []
    seen: dict[int, int | None] = {}
    for elem in _walk_issues(space):
        index = doc.integer(elem, "index")
        name = elem.get("name") or f"issue{index}"
        if index in seen:
            raise doc.error(elem, f"issue index {index} is used twice (also on line {seen[index]})")
        seen[index] = doc.line(elem)
        kind = _issue_kind(elem)
        if kind == "discrete":
            labels = []
            for item in elem:
                if item.tag != "item":
                    continue
                value = item.get("value")
                if value is None:
                    raise doc.error(item, f"an item of issue {name!r} has no 'value' attribute")
                labels.append(value)
            if not labels:
                raise doc.error(elem, f"discrete issue {name!r} lists no <item>")
            issues.append(DomainIssue(index, name, kind, labels, [], line=doc.line(elem)))
        elif kind == "integer":
            lo, hi = _bounds(doc, elem)
            if lo != int(lo) or hi != int(hi):
                raise doc.error(elem, f"integer issue {name!r} has non-integer bounds")
            count = int(hi) - int(lo) + 1
            if count > MAX_ISSUE_OPTIONS:
                raise doc.error(elem, f"integer issue {name!r} has {count} values; at most "
                                      f"{MAX_ISSUE_OPTIONS} are supported")
            values = list(range(int(lo), int(hi) + 1))
            issues.append(DomainIssue(index, name, kind, [str(v) for v in values],
                                       [float(v) for v in values], lo, hi, doc.line(elem)))
        elif kind == "real":
            lo, hi = _bounds(doc, elem)
            if real_step is None:
                raise doc.error(elem, f"issue {name!r} is real-valued on [{lo}, {hi}]; pass "
                                      "real_step to discretise it (options lower + k*step)")
            if not real_step > 0:
                raise FileFormatError(str(doc.path), f"real_step must be > 0, got {real_step}")
            steps = int(np.floor((hi - lo) / real_step + 1e-9))
            if steps + 2 > MAX_ISSUE_OPTIONS:
                raise doc.error(elem, f"real issue {name!r} with step {real_step} gives more "
                                      f"than {MAX_ISSUE_OPTIONS} options")
            numbers = [lo + k * real_step for k in range(steps + 1)]
            if hi - numbers[-1] > 1e-9 * max(1.0, abs(hi)):
                numbers.append(hi)
            numbers[-1] = min(numbers[-1], hi)
            issues.append(DomainIssue(index, name, kind, [fmt_number(x) for x in numbers], numbers,
                                       lo, hi, doc.line(elem)))
        else:
            raise doc.error(elem, f"issue {name!r} has unsupported type {kind!r} (expected "
                                  "discrete, integer or real)")
    if not issues:
        raise doc.error(space, "the domain file defines no issues")
    return issues


def build_issues(issues: list[DomainIssue], real_step: float | None) -> list[Issue]:
    """Accord issues for the domain's issues: sanitised, de-duplicated ids; labels kept."""
    ids = unique_ids([i.name for i in issues], "issue")
    out = []
    for issue, issue_id in zip(issues, ids, strict=True):
        if issue.kind == "discrete":
            opt_ids = unique_ids(issue.labels, "o")
            desc = "GENIUS discrete issue"
        elif issue.kind == "integer":
            opt_ids = [f"v{int(x)}" for x in issue.numbers]
            desc = f"GENIUS integer issue, values {int(issue.lower)}..{int(issue.upper)}"
        else:
            opt_ids = [f"r{k}" for k in range(len(issue.numbers))]
            desc = (f"GENIUS real issue on [{fmt_number(issue.lower)}, {fmt_number(issue.upper)}], "
                    f"discretised with step {real_step}: option rk is lower + k*step")
        options = tuple(Option(o, label) for o, label in zip(opt_ids, issue.labels, strict=True))
        out.append(Issue(issue_id, issue.name, options, desc))
    return out


# -------------------------------------------------------------------------- profiles
@dataclass
class Profile:
    """What one profile file says, already in GENIUS's normalised units."""

    path: Path
    nonlinear: bool
    reservation: float
    discount: float | None
    reservation_given: bool = True
    # additive: per domain issue, the weight and the evaluation of each option in [0, 1]
    weights: list[float] = field(default_factory=list)
    evals: list[NDArray[np.float64]] = field(default_factory=list)
    # nonlinear: (conditions as option-index sets per domain issue position, points)
    max_utility: float = 1.0
    terms: list[RawTerm] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _scalar_child(doc: XmlDoc, root: ET.Element, tag: str) -> tuple[float | None, int | None]:
    elem = root.find(tag)
    if elem is None:
        elem = next(root.iter(tag), None)
    if elem is None:
        return None, None
    return doc.number(elem, "value"), doc.line(elem)


def _is_nonlinear(root: ET.Element) -> bool:
    return (root.get("type") or "").lower() == "nonlinear" or next(
        root.iter("utility"), None) is not None


def classify(doc: XmlDoc) -> str:
    """``"domain"``, ``"profile"`` or ``"other"`` (e.g. a GENIUS tournament log)."""
    root = doc.root
    if root.tag == "negotiation_template":
        return "domain"
    if root.tag != "utility_space":
        return "other"
    kind = (root.get("type") or "").lower()
    if kind and kind not in ("nonlinear", "linear", "additive"):
        raise doc.error(root, f"unsupported utility space type {kind!r} (GENIUS additive and "
                              "nonlinear hyper-rectangle profiles are supported)")
    if _is_nonlinear(root):
        return "profile"
    if next(root.iter("weight"), None) is not None or next(root.iter("evaluator"), None) \
            is not None or any(it.get("evaluation") is not None for it in root.iter("item")):
        return "profile"
    return "domain"


def _weights_and_issues(
    doc: XmlDoc, container: ET.Element
) -> Iterator[tuple[ET.Element, float | None, ET.Element | None]]:
    """(issue, weight, weight element) per issue; weights pair with issues at the same level."""
    weights: dict[int, tuple[float, ET.Element]] = {}
    for child in container:
        if child.tag == "weight":
            weights[doc.integer(child, "index")] = (doc.number(child, "value"), child)
    for child in container:
        if child.tag == "issue":
            found = weights.get(doc.integer(child, "index"))
            yield child, (found[0] if found else None), (found[1] if found else None)
        elif child.tag == "objective":
            yield from _weights_and_issues(doc, child)


def _discrete_evals(doc: XmlDoc, elem: ET.Element, issue: DomainIssue,
                    notes: list[str]) -> NDArray[np.float64]:
    table: dict[str, float] = {}
    for item in elem:
        if item.tag != "item":
            continue
        raw = item.get("evaluation")
        label = item.get("value")
        if raw is None or raw == "null" or label is None:
            continue
        value = doc.number(item, "evaluation")
        if value < 0:
            raise doc.error(item, f"item {label!r} of issue {issue.name!r} has a negative "
                                  f"evaluation {value}; GENIUS evaluations are >= 0")
        if label in table:
            notes.append(f"{doc.path.name}: issue {issue.name!r} lists item {label!r} twice; "
                         "the last evaluation counts, as in GENIUS")
        table[label] = value
    top = max(table.values(), default=0.0)
    out = np.zeros(len(issue.labels))
    if top < GENIUS_EVAL_FLOOR:
        return out
    missing = []
    for k, label in enumerate(issue.labels):
        if label in table:
            out[k] = table[label] / top
        else:
            missing.append(label)
    if missing:
        notes.append(f"{doc.path.name}: issue {issue.name!r} gives no evaluation for "
                     f"{missing}; taken as 0 (GENIUS would fail on such a bid)")
    return out


def _numeric_evals(doc: XmlDoc, elem: ET.Element, issue: DomainIssue) -> NDArray[np.float64]:
    values = np.asarray(issue.numbers, dtype=np.float64)
    evaluator = next((c for c in elem if c.tag == "evaluator"), None)
    if evaluator is None:
        return np.zeros(len(values))  # GENIUS: slope = offset = 0
    ftype = (evaluator.get("ftype") or "linear").lower()
    if ftype == "linear" and evaluator.get("slope") is not None:
        lower = doc.number(elem, "lowerbound", issue.lower)
        a, b = doc.number(evaluator, "offset", 0.0), doc.number(evaluator, "slope")
        return np.clip(a + b * (values - lower), 0.0, 1.0)
    if ftype == "linear":
        a, b = doc.number(evaluator, "parameter0"), doc.number(evaluator, "parameter1")
        return np.clip(a + b * values, 0.0, 1.0)
    if ftype == "constant":
        c = doc.number(evaluator, "parameter0")
        if not 0 <= c <= 1:
            raise doc.error(evaluator, f"constant evaluation {c} lies outside [0, 1]")
        return np.full(len(values), c)
    raise doc.error(evaluator, f"evaluator ftype {ftype!r} is not supported (linear, constant)")


def _read_additive(doc: XmlDoc, issues: list[DomainIssue], prof: Profile) -> None:
    by_index = {d.index: k for k, d in enumerate(issues)}
    weights: list[float | None] = [None] * len(issues)
    evals: list[NDArray[np.float64] | None] = [None] * len(issues)
    for elem, weight, w_elem in _weights_and_issues(doc, doc.root):
        index = doc.integer(elem, "index")
        if index not in by_index:
            prof.notes.append(f"{doc.path.name}: issue index {index} is not in the domain; "
                              "ignored")
            continue
        k = by_index[index]
        issue = issues[k]
        name = elem.get("name")
        if name is not None and name != issue.name:
            prof.notes.append(f"{doc.path.name}: issue {index} is called {name!r} here and "
                              f"{issue.name!r} in the domain; matched by index, as GENIUS does")
        if weight is not None and weight < 0:
            raise doc.error(w_elem, f"weight {weight} of issue {issue.name!r} is negative")
        weights[k] = weight
        if issue.kind == "discrete":
            evals[k] = _discrete_evals(doc, elem, issue, prof.notes)
        else:
            evals[k] = _numeric_evals(doc, elem, issue)
    for k, issue in enumerate(issues):
        if weights[k] is None:
            prof.notes.append(f"{doc.path.name}: issue {issue.name!r} has no weight; taken as 0 "
                              "(GENIUS would have no evaluator for it)")
        if evals[k] is None:
            prof.notes.append(f"{doc.path.name}: issue {issue.name!r} is not evaluated; all its "
                              "options are worth 0")
    prof.weights = [w or 0.0 for w in weights]
    prof.evals = [e if e is not None else np.zeros(len(d.labels))
                  for e, d in zip(evals, issues, strict=True)]
    if not sum(prof.weights) > 0:
        raise doc.error(doc.root, "every issue weight is zero")


def _rectangle_terms(
    doc: XmlDoc, rect: ET.Element, issues: list[DomainIssue], points: float, label: str,
    excludes: str,
) -> list[RawTerm]:
    by_index = {d.index: k for k, d in enumerate(issues)}
    inc = [c for c in rect if c.tag == "INCLUDES"]
    exc = [c for c in rect if c.tag == "EXCLUDES"]
    bounds = exc if exc else inc  # GENIUS: EXCLUDES, when present, replaces INCLUDES
    sets: dict[int, frozenset[int]] = {}
    for b in bounds:
        index = doc.integer(b, "index")
        if index not in by_index:
            raise doc.error(b, f"bound on issue index {index}, which the domain does not have")
        k = by_index[index]
        issue = issues[k]
        if issue.kind != "integer":
            raise doc.error(b, f"bound on issue {issue.name!r}, which is {issue.kind}; "
                               "hyper-rectangles apply to integer issues")
        lo, hi = doc.number(b, "min"), doc.number(b, "max")
        allowed = frozenset(j for j, v in enumerate(issue.numbers) if lo <= v <= hi)
        sets[k] = sets[k] & allowed if k in sets else allowed
    full = {k: frozenset(range(len(issues[k].labels))) for k in sets}
    if not bounds:  # no bounds at all: pays for every package
        return [([(0, frozenset(range(len(issues[0].labels))))], points, label)]
    if not exc or excludes == "all":
        # INCLUDES (every bound holds) or, for the alternative reading, every value outside
        conds = [(k, s if not exc else full[k] - s) for k, s in sets.items()]
        if any(not s for _, s in conds):
            return []
        kept = [(k, s) for k, s in conds if s != full[k]] or conds[:1]
        return [(kept, points, label)]
    # EXCLUDES as in GENIUS's ExclusiveHyperRectangle: pays unless every bound holds.
    order = [k for k in sets if sets[k] != full[k]]
    out = []
    for j, k in enumerate(order):
        prefix = [(m, sets[m]) for m in order[:j]]
        if any(not s for _, s in prefix):
            break
        out.append(([*prefix, (k, full[k] - sets[k])], points,
                    f"{label} (EXCLUDES, case {j + 1} of {len(order)})"))
    return out


def _ufun_rectangles(
    doc: XmlDoc, ufun: ET.Element, weight: float
) -> Iterator[tuple[ET.Element, float]]:
    aggregation = (ufun.get("aggregation") or "sum").lower()
    if aggregation != "sum":
        raise doc.error(ufun, f"ufun aggregation {aggregation!r} is not supported (sum only)")
    weight *= doc.number(ufun, "weight", 1.0)
    for child in ufun:
        if child.tag == "hyperRectangle":
            yield child, weight
        elif child.tag == "ufun":
            yield from _ufun_rectangles(doc, child, weight)


def _read_nonlinear(doc: XmlDoc, issues: list[DomainIssue], prof: Profile,
                    excludes: str) -> None:
    first = next(iter(doc.root), None)
    utility = first.find("utility") if first is not None else None
    if utility is None:
        utility = next(doc.root.iter("utility"), None)
    if utility is None:
        raise doc.error(doc.root, "nonlinear profile without a <utility> element")
    prof.max_utility = doc.number(utility, "maxutility")
    if not prof.max_utility > 0:
        raise doc.error(utility, f"maxutility must be > 0, got {prof.max_utility}")
    ufun = utility.find("ufun")
    if ufun is None:
        raise doc.error(utility, "<utility> holds no <ufun>")
    dropped = 0
    for n, (rect, weight) in enumerate(_ufun_rectangles(doc, ufun, 1.0), start=1):
        points = doc.number(rect, "utility") * doc.number(rect, "weight", 1.0) * weight
        if any(c.tag == "INCLUDES" for c in rect) and any(c.tag == "EXCLUDES" for c in rect):
            prof.notes.append(f"{doc.path.name}: hyperRectangle {n} mixes INCLUDES and EXCLUDES;"
                              " only the EXCLUDES bounds count, as in GENIUS")
        terms = _rectangle_terms(doc, rect, issues, points, f"GENIUS hyperRectangle {n}",
                                 excludes)
        if not terms:
            dropped += 1
        prof.terms.extend(terms)
    if dropped:
        prof.notes.append(f"{doc.path.name}: {dropped} hyperRectangle(s) can never pay (an empty "
                          "INCLUDES range, or EXCLUDES ranges covering every value) and were "
                          "dropped")
    if any(p < 0 for _, p, _ in prof.terms):
        prof.notes.append(f"{doc.path.name}: some hyperRectangles pay negative points; GENIUS "
                          "reports min(1, sum/maxutility) unclipped below, Accord clips at 0")


def read_profile(doc: XmlDoc, issues: list[DomainIssue], excludes: str) -> Profile:
    """One profile file in GENIUS's normalised numbers (``excludes``: ``"any"``/``"all"``)."""
    reservation, _ = _scalar_child(doc, doc.root, "reservation")
    discount, _ = _scalar_child(doc, doc.root, "discount_factor")
    prof = Profile(doc.path, _is_nonlinear(doc.root),
                    0.0 if reservation is None else reservation, discount,
                    reservation_given=reservation is not None)
    if prof.nonlinear:
        _read_nonlinear(doc, issues, prof, excludes)
    else:
        _read_additive(doc, issues, prof)
    return prof
