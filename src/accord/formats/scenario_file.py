"""Read and write scenario files (YAML or JSON), with errors that name file, line and field.

Reading is three steps: parse safely (no tags; a size cap and an alias-expansion cap so a
hostile file cannot exhaust memory), validate the shape with the pydantic models of
:mod:`accord.formats.file_model`, then build the domain model, whose checks (ids that
exist, numbers in range) complete the validation. Every failure is a
:class:`~accord.model.FileFormatError` with the line of the offending field.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.formats import file_model as fm
from accord.formats.plan_file import plan_to_dict, plans_from_file
from accord.model import (
    Commitment,
    Constituent,
    Constraint,
    DistKind,
    Distribution,
    FileFormatError,
    Form,
    InvalidPlanError,
    Issue,
    LinkKind,
    Option,
    Param,
    Party,
    Plan,
    Preferences,
    RatificationRule,
    RedLineOdds,
    RuleKind,
    Scenario,
    ScenarioError,
    Selector,
    Term,
)

MAX_BYTES = 8 * 1024 * 1024
MAX_NODES = 2_000_000

Path_ = tuple[str | int, ...]


# --------------------------------------------------------------------------- parsing
class _LineMap:
    """Line numbers of every node of a YAML document, by path of keys and indices."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.lines: dict[Path_, int] = {}
        self._keys: list[Path_] = []  # the keys of ``lines`` in the order they came
        if root is not None:
            self._walk(root, ())

    def _add(self, path: Path_, line: int) -> None:
        if path not in self.lines:
            self.lines[path] = line
            self._keys.append(path)

    def _walk(self, node: yaml.Node, path: Path_) -> None:
        if path in self.lines:
            return
        self._add(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    self._walk(value, (*path, key.value))
                    self.lines[(*path, key.value)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for k, item in enumerate(node.value):
                first = len(self._keys)
                self._walk(item, (*path, k))
                ident = _scalar_id(item)
                if ident is not None:  # lists of things with ids: also reachable by id
                    self._add((*path, ident), item.start_mark.line + 1)
                    # every key under (*path, k) came with this walk: alias just those
                    # (not a scan of the whole map per item)
                    self._alias((*path, k), (*path, ident), self._keys[first:])

    def _alias(self, src: Path_, dst: Path_, keys: list[Path_]) -> None:
        for key in keys:
            if key[: len(src)] == src:
                self._add(dst + key[len(src):], self.lines[key])

    def line(self, path: Sequence[str | int]) -> int | None:
        """Line of ``path``, or of its closest ancestor present in the document."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get(())


def _scalar_id(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(
                value, yaml.ScalarNode
            ):
                return str(value.value)
    return None


def _expanded_size(root: yaml.Node) -> int:
    """Number of nodes after expanding aliases (memoised, capped)."""
    memo: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        memo[key] = 1  # cycles count once
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in node.value)
        else:
            total = 1
        memo[key] = min(total, MAX_NODES + 1)
        return memo[key]

    return size(root)


#: libyaml's safe loader when PyYAML was built with it (about 8x faster on the bundled
#: scenarios), else the pure-Python one; both build the same safe types.
_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=16)
def _parse(text: str, name: str) -> tuple[Any, _LineMap]:
    """The document's data and its line map.

    Kept for the last few texts (the bundled scenarios are read again by every command,
    page and room): callers only read the data, never change it.
    """
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except RecursionError:  # the pure-Python parser
        raise FileFormatError(name, "the document is nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "nesting depth" in str(problem):  # libyaml's own limit
            raise FileFormatError(name, "the document is nested too deeply",
                                  mark.line + 1 if mark else None) from None
        raise FileFormatError(
            name, f"not valid YAML/JSON: {problem}", mark.line + 1 if mark else None
        ) from None
    if root is not None and _expanded_size(root) > MAX_NODES:
        raise FileFormatError(name, f"the document expands to more than {MAX_NODES} nodes "
                                    "(alias bomb?)")
    lines = _LineMap(root)
    try:
        data = json.loads(text) if name.endswith(".json") else yaml.load(text, Loader=_LOADER)
    except (yaml.YAMLError, json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            line = mark.line + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FileFormatError(name, f"not valid YAML/JSON: {problem}", line) from None
    return data, lines


def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _where_to_path(where: str) -> Path_:
    parts: list[str | int] = []
    for token in where.split("."):
        match = re.fullmatch(r"([^\[]*)((?:\[\d+\])*)", token)
        if not match:
            parts.append(token)
            continue
        if match.group(1):
            parts.append(match.group(1))
        parts.extend(int(k) for k in re.findall(r"\[(\d+)\]", match.group(2)))
    return tuple(parts)


# ----------------------------------------------------------------------- conversion
def _param(raw: fm.ParamIn, *, why: str = "", sources: Sequence[str] = (),
           spread: float | None = None, bounds: tuple[float, float] | None = None) -> Param:
    if isinstance(raw, fm.ParamSpec):
        dist = None
        if raw.range is not None:
            lo, hi = raw.range
            mode = raw.value
            dist = Distribution(DistKind(raw.dist), lo, hi, mode, raw.sd or 0.0)
        elif spread:
            dist = _spread(raw.value, spread, bounds)
        return Param(raw.value, dist, raw.why or why, tuple(raw.sources or sources))
    value = float(raw)
    dist = _spread(value, spread, bounds) if spread else None
    return Param(value, dist, why, tuple(sources))


def _spread(value: float, spread: float, bounds: tuple[float, float] | None) -> Distribution:
    lo, hi = value - spread, value + spread
    if bounds is not None:
        lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
    return Distribution(DistKind.UNIFORM, lo, hi, value)


def _ref(ref: str) -> tuple[str, str]:
    issue, option = ref.split(".", 1)
    return issue, option


def _selector(refs: str | list[str], where: str) -> Selector:
    pairs = [_ref(r) for r in ([refs] if isinstance(refs, str) else refs)]
    issues = {i for i, _ in pairs}
    if len(issues) != 1:
        raise ScenarioError(f"all options on one side must belong to one point, got "
                            f"{sorted(issues)}", where)
    return Selector(pairs[0][0], frozenset(o for _, o in pairs))


def _preferences(party: str, raw: fm.PreferencesIn) -> Preferences:
    form = Form(raw.form)
    where = f"preferences.{party}"
    bounds = (0.0, 1.0) if form is Form.WEIGHTS else None
    values: dict[str, dict[str, Param]] = {}
    for issue_id, block in raw.values.items():
        if isinstance(block, fm.IssueValues):
            values[issue_id] = {
                o: _param(v, why=block.why, sources=block.sources, spread=block.spread,
                          bounds=bounds)
                for o, v in block.options.items()
            }
        else:
            values[issue_id] = {o: _param(v) for o, v in block.items()}
    terms = []
    for k, inter in enumerate(raw.interactions):
        conditions = []
        for cond in inter.when:
            if isinstance(cond, str):
                issue, option = _ref(cond)
                conditions.append(Selector(issue, frozenset({option})))
            else:
                conditions.append(Selector(cond.issue, frozenset(cond.options)))
        try:
            terms.append(Term(tuple(conditions), _param(inter.value), inter.why))
        except ScenarioError as exc:
            raise ScenarioError(exc.reason, f"{where}.interactions[{k}]") from None
    commitments = []
    for k, c in enumerate(raw.commitments):
        issue, option = _ref(c.option)
        try:
            commitments.append(Commitment(issue, option, c.promisor, _param(c.credibility),
                                          _param(c.value_if_broken), c.why))
        except ScenarioError as exc:
            raise ScenarioError(exc.reason, f"{where}.commitments[{k}]") from None
    red_lines: set[tuple[str, str]] = set()
    odds: dict[tuple[str, str], RedLineOdds] = {}
    for entry in raw.red_lines:
        if isinstance(entry, str):
            red_lines.add(_ref(entry))
        else:
            ref = _ref(entry.option)
            red_lines.add(ref)
            odds[ref] = RedLineOdds(entry.probability, entry.why, tuple(entry.sources))
    return Preferences(
        party=party,
        form=form,
        values=values,
        weights={i: _param(w) for i, w in raw.weights.items()},
        reservation=_param(raw.reservation),
        red_lines=frozenset(red_lines),
        terms=tuple(terms),
        commitments=tuple(commitments),
        scale=_param(raw.scale) if raw.scale is not None else None,
        saturate=raw.saturate,
        unit=raw.unit,
        red_line_odds=odds,
    )


def _cited(doc: fm.ScenarioFile) -> Iterator[tuple[str, str]]:
    def params(where: str, p: fm.ParamIn | None) -> Iterator[tuple[str, str]]:
        if isinstance(p, fm.ParamSpec):
            for tag in p.sources:
                yield where, tag

    for k, party in enumerate(doc.parties):
        for tag in party.sources:
            yield f"parties[{k}].sources", tag
    for pid, prefs in doc.preferences.items():
        base = f"preferences.{pid}"
        yield from params(f"{base}.reservation", prefs.reservation)
        for issue, w in prefs.weights.items():
            yield from params(f"{base}.weights.{issue}", w)
        for issue, block in prefs.values.items():
            opts = block.options if isinstance(block, fm.IssueValues) else block
            if isinstance(block, fm.IssueValues):
                for tag in block.sources:
                    yield f"{base}.values.{issue}.sources", tag
            for option, v in opts.items():
                yield from params(f"{base}.values.{issue}.{option}", v)
        for k, c in enumerate(prefs.commitments):
            yield from params(f"{base}.commitments[{k}].credibility", c.credibility)
        for k, r in enumerate(prefs.red_lines):
            if isinstance(r, fm.RedLineIn):
                for tag in r.sources:
                    yield f"{base}.red_lines[{k}].sources", tag
    for k, plan in enumerate(doc.plans):
        for tag in plan.sources:
            yield f"plans[{k}].sources", tag
        for issue, choice in plan.choices.items():
            if isinstance(choice, fm.ChoiceIn):
                for tag in choice.sources:
                    yield f"plans[{k}].choices.{issue}.sources", tag


def to_scenario(doc: fm.ScenarioFile) -> Scenario:
    """Build the domain model from a validated file (raises :class:`ScenarioError`)."""
    if doc.sources:
        for where, tag in _cited(doc):
            if tag not in doc.sources:
                raise ScenarioError(f"source tag {tag!r} is not in the sources list", where)
    constraints = []
    for c in doc.constraints:
        where = f"constraints.{c.id}"
        constraints.append(Constraint(c.id, LinkKind(c.kind), _selector(c.if_, where),
                                      _selector(c.then, where), c.why))
    rule = doc.ratification
    ratification = RatificationRule(
        RuleKind(rule.rule), rule.k, frozenset(rule.veto), tuple(rule.weights.items()),
        rule.threshold,
    )
    preferences = {}
    for pid, prefs in doc.preferences.items():
        preferences[pid] = _preferences(pid, prefs)
    plans = plans_from_file(doc)
    at_table, constituents = _parties(doc)
    try:
        return _scenario(doc, at_table, constituents, preferences, constraints,
                         ratification, plans)
    except ScenarioError as exc:
        # a constituent's problem points at its entry in the file's parties list
        place = {p.id: k for k, p in enumerate(doc.parties)}
        match = re.fullmatch(r"constituents\.([^.]+)(.*)", exc.where or "")
        if match and match.group(1) in place:
            where = f"parties[{place[match.group(1)]}]{match.group(2)}"
            raise type(exc)(exc.reason, where) from None
        raise


def _parties(doc: fm.ScenarioFile) -> tuple[tuple[Party, ...], tuple[Constituent, ...]]:
    """The parties at the table and the constituents, from the file's parties list."""
    at_table = []
    constituents = []
    for k, p in enumerate(doc.parties):
        if p.constituent_of is None:
            if p.consulted_when is not None:
                raise ScenarioError("consulted_when applies to constituents only (add "
                                    "constituent_of)", f"parties[{k}].consulted_when")
            at_table.append(Party(p.id, p.name, p.description))
            continue
        when = frozenset(_ref(r) for r in p.consulted_when or ())
        if p.consulted_when is not None and not when:
            raise ScenarioError("consulted_when is empty: omit it to consult the "
                                "constituent always", f"parties[{k}].consulted_when")
        constituents.append(Constituent(p.id, p.constituent_of, p.name, when, p.description,
                                        p.why, tuple(p.sources)))
    if not at_table:
        raise ScenarioError("a scenario needs at least one party at the table", "parties")
    return tuple(at_table), tuple(constituents)


def _scenario(doc: fm.ScenarioFile, at_table: tuple[Party, ...],
              constituents: tuple[Constituent, ...], preferences: dict[str, Preferences],
              constraints: list[Constraint], ratification: RatificationRule,
              plans: tuple[Plan, ...]) -> Scenario:
    return Scenario(
        id=doc.id,
        title=doc.title,
        parties=at_table,
        issues=tuple(
            Issue(i.id, i.title,
                  tuple(Option(o.id, o.label, o.description, o.invented, o.why)
                        for o in i.options),
                  i.description, i.point, i.default)
            for i in doc.issues
        ),
        preferences=preferences,
        constraints=tuple(constraints),
        ratification=ratification,
        plans=plans,
        description=doc.description,
        sources=doc.sources,
        notes=tuple(doc.notes),
        constituents=constituents,
    )


def loads_scenario(text: str, name: str = "<string>") -> Scenario:
    """Parse and validate a scenario from text; ``name`` is used in error messages."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise FileFormatError(name, f"file larger than {MAX_BYTES // (1024 * 1024)} MiB")
    data, lines = _parse(text, name)
    if not isinstance(data, dict):
        raise FileFormatError(
            name, "expected a mapping at the top level (keys accord, id, title, parties, "
            "issues, preferences)", lines.line(()))
    try:
        doc = fm.ScenarioFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _real_path(data, err["loc"])
        field = _dotted(loc)
        if err["type"] == "missing" and err["loc"]:
            field = _dotted([*loc, err["loc"][-1]])
        raise FileFormatError(name, _message(err), lines.line(loc), field) from None
    except RecursionError:
        raise FileFormatError(name, "the document is nested too deeply") from None
    try:
        return to_scenario(doc)
    except ScenarioError as exc:
        path = _where_to_path(exc.where) if exc.where else ()
        raise FileFormatError(name, exc.reason, lines.line(path), exc.where) from None
    except InvalidPlanError as exc:
        plan = str(exc).split("'")[1] if "'" in str(exc) else ""
        raise FileFormatError(name, str(exc), lines.line(("plans", plan)),
                              f"plans.{plan}" if plan else "") from None


def line_finder(text: str, name: str = "<string>") -> Callable[[str], int | None]:
    """A function from a field path (``issues.nato.default``) to its line in ``text``."""
    _, lines = _parse(text, name)

    def line(where: str) -> int | None:
        return lines.line(_where_to_path(where)) if where else lines.line(())

    return line


def _real_path(data: Any, loc: Sequence[Any]) -> list[str | int]:
    """Drop the union-member tags pydantic inserts, keeping keys present in the data."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if (isinstance(node, dict) and part in node) or in_list:
            node = node[part]
            out.append(part)
        elif isinstance(node, dict) and part == "if_" and "if" in node:
            node = node["if"]
            out.append("if")
    return out


def _message(err: Any) -> str:
    msg = str(err["msg"])
    if err["type"] == "extra_forbidden":
        return "unknown key (check the spelling; see `accord schema`)"
    if err["type"] == "missing":
        return "required key is missing"
    return msg


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file; every problem is a :class:`FileFormatError`."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise FileFormatError(str(p), f"file larger than {MAX_BYTES // (1024 * 1024)} MiB")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(str(p), "no such file") from None
    except IsADirectoryError:
        raise FileFormatError(str(p), "is a directory, expected a scenario file") from None
    except PermissionError:
        raise FileFormatError(str(p), "permission denied") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(str(p), f"not UTF-8 text (byte {exc.start})") from None
    return loads_scenario(text, str(p))


# --------------------------------------------------------------------------- writing
def _param_out(p: Param) -> float | dict[str, Any]:
    if p.dist is None and not p.rationale and not p.sources:
        return p.value
    out: dict[str, Any] = {"value": p.value}
    if p.dist is not None:
        out["range"] = [p.dist.low, p.dist.high]
        if p.dist.kind is not DistKind.UNIFORM:
            out["dist"] = p.dist.kind.value
        if p.dist.kind is DistKind.NORMAL:
            out["sd"] = p.dist.sd
    if p.rationale:
        out["why"] = p.rationale
    if p.sources:
        out["sources"] = list(p.sources)
    return out


def _sel_out(sel: Selector) -> str | dict[str, Any]:
    if len(sel.options) == 1:
        return f"{sel.issue}.{next(iter(sel.options))}"
    return {"issue": sel.issue, "options": sorted(sel.options)}


def _side_out(sel: Selector) -> str | list[str]:
    refs = [f"{sel.issue}.{o}" for o in sorted(sel.options)]
    return refs[0] if len(refs) == 1 else refs


def _red_line_out(p: Preferences, issue: str, option: str) -> str | dict[str, Any]:
    odds = p.red_line_odds.get((issue, option))
    if odds is None:
        return f"{issue}.{option}"
    out: dict[str, Any] = {"option": f"{issue}.{option}", "probability": odds.probability}
    if odds.rationale:
        out["why"] = odds.rationale
    if odds.sources:
        out["sources"] = list(odds.sources)
    return out


def _prefs_out(p: Preferences) -> dict[str, Any]:
    out: dict[str, Any] = {"form": p.form.value, "reservation": _param_out(p.reservation)}
    if p.weights:
        out["weights"] = {i: _param_out(w) for i, w in p.weights.items()}
    out["values"] = {i: {o: _param_out(v) for o, v in opts.items()}
                     for i, opts in p.values.items()}
    if p.red_lines:
        out["red_lines"] = [_red_line_out(p, i, o) for i, o in sorted(p.red_lines)]
    if p.terms:
        out["interactions"] = [
            {"when": [_sel_out(c) for c in t.conditions], "value": _param_out(t.value),
             **({"why": t.rationale} if t.rationale else {})}
            for t in p.terms
        ]
    if p.commitments:
        out["commitments"] = [
            {"option": f"{c.issue}.{c.option}", "promisor": c.promisor,
             "credibility": _param_out(c.credibility),
             "value_if_broken": _param_out(c.value_if_broken),
             **({"why": c.rationale} if c.rationale else {})}
            for c in p.commitments
        ]
    if p.scale is not None:
        out["scale"] = _param_out(p.scale)
    if p.saturate:
        out["saturate"] = True
    if p.unit:
        out["unit"] = p.unit
    return out


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """The file representation of a scenario (what :func:`dump_scenario` writes)."""
    rule = s.ratification
    ratification: dict[str, Any] = {"rule": rule.kind.value}
    if rule.k is not None:
        ratification["k"] = rule.k
    if rule.veto:
        ratification["veto"] = sorted(rule.veto)
    if rule.weights:
        ratification["weights"] = dict(rule.weights)
    if rule.threshold is not None:
        ratification["threshold"] = rule.threshold
    out: dict[str, Any] = {"accord": 1, "id": s.id, "title": s.title}
    if s.description:
        out["description"] = s.description
    if s.sources:
        out["sources"] = dict(s.sources)
    if s.notes:
        out["notes"] = list(s.notes)
    out["parties"] = [
        {"id": p.id, **({"name": p.name} if p.name else {}),
         **({"description": p.description} if p.description else {})}
        for p in s.parties
    ] + [
        {"id": c.id, **({"name": c.name} if c.name else {}), "constituent_of": c.parent,
         **({"consulted_when": [f"{i}.{o}" for i, o in sorted(c.consulted_when)]}
            if c.consulted_when else {}),
         **({"description": c.description} if c.description else {}),
         **({"why": c.why} if c.why else {}),
         **({"sources": list(c.sources)} if c.sources else {})}
        for c in s.constituents
    ]
    out["issues"] = []
    for i in s.issues:
        issue: dict[str, Any] = {"id": i.id, "title": i.title}
        if i.description:
            issue["description"] = i.description
        if i.point is not None:
            issue["point"] = i.point
        if i.default is not None:
            issue["default"] = i.default
        issue["options"] = [
            {"id": o.id, **({"label": o.label} if o.label else {}),
             **({"description": o.description} if o.description else {}),
             **({"invented": True} if o.invented else {}),
             **({"why": o.why} if o.why else {})}
            for o in i.options
        ]
        out["issues"].append(issue)
    out["preferences"] = {pid: _prefs_out(p) for pid, p in s.preferences.items()}
    if s.constraints:
        out["constraints"] = [
            {"id": c.id, "kind": c.kind.value, "if": _side_out(c.if_),
             "then": _side_out(c.then), **({"why": c.rationale} if c.rationale else {})}
            for c in s.constraints
        ]
    out["ratification"] = ratification
    if s.plans:
        options_of = {i.id: [o.id for o in i.options] for i in s.issues}
        out["plans"] = [plan_to_dict(p, options_of) for p in s.plans]
    return out


def dump_scenario(s: Scenario, path: str | Path | None = None, *, fmt: str = "yaml") -> str:
    """Serialise a scenario as YAML (default) or JSON; write it to ``path`` if given."""
    data = scenario_to_dict(s)
    if fmt == "json" or (path is not None and str(path).endswith(".json")):
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
