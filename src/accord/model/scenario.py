"""The scenario: parties, points, preferences, linkages, ratification rule and named plans."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from accord.model.constraints import Constraint, Selector
from accord.model.errors import InvalidPlanError, ScenarioError, UnknownIdError
from accord.model.issue import Issue
from accord.model.party import Constituent, Party
from accord.model.plan import Plan
from accord.model.preferences import Form, Preferences
from accord.model.provenance import ChoiceNote, Status
from accord.model.ratification import RatificationRule


def _unique(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if not i:
            raise ScenarioError(f"a {what} id must not be empty", what + "s")
        if i in seen:
            raise ScenarioError(f"duplicate {what} id {i!r}", what + "s")
        seen.add(i)


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Scenario:
    """A negotiation: who takes part, over what, what each wants, and the drafts on the table.

    A thin facade: it holds validated data and answers look-ups; every algorithm lives
    in :mod:`accord.analysis` and :mod:`accord.solve` and takes the scenario as input.
    """

    id: str
    title: str
    parties: tuple[Party, ...]
    issues: tuple[Issue, ...]
    preferences: Mapping[str, Preferences]
    constraints: tuple[Constraint, ...] = ()
    ratification: RatificationRule = field(default_factory=RatificationRule)
    plans: tuple[Plan, ...] = ()
    description: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    constituents: tuple[Constituent, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "preferences", MappingProxyType(dict(self.preferences)))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        if not self.parties:
            raise ScenarioError("a scenario needs at least one party", "parties")
        if not self.issues:
            raise ScenarioError("a scenario needs at least one issue", "issues")
        _unique([*(p.id for p in self.parties), *(c.id for c in self.constituents)], "party")
        self._check_constituents()
        _unique((i.id for i in self.issues), "issue")
        _unique((c.id for c in self.constraints), "constraint")
        _unique((p.id for p in self.plans), "plan")
        self._check_preferences()
        for c in self.constraints:
            for sel in (c.if_, c.then):
                self._check_selector(sel, f"constraints.{c.id}")
        self._check_rule()
        for plan in self.plans:
            self.check_plan(plan, complete=False)

    # ----------------------------------------------------------------- look-ups
    @property
    def party_ids(self) -> tuple[str, ...]:
        """Party ids in scenario order."""
        return tuple(p.id for p in self.parties)

    @property
    def constituent_ids(self) -> tuple[str, ...]:
        """Constituent ids in scenario order."""
        return tuple(c.id for c in self.constituents)

    def constituents_of(self, party_id: str) -> tuple[Constituent, ...]:
        """The constituents that gate ``party_id``'s acceptance."""
        return tuple(c for c in self.constituents if c.parent == party_id)

    def consulted(self, constituent: Constituent, choices: Mapping[str, str]) -> bool:
        """Whether ``constituent`` is consulted on a complete set of choices."""
        return constituent.always or any(
            choices.get(i) == o for i, o in constituent.consulted_when)

    @property
    def issue_ids(self) -> tuple[str, ...]:
        """Issue ids in scenario order."""
        return tuple(i.id for i in self.issues)

    @property
    def space_size(self) -> int:
        """Number of complete packages (product of option counts)."""
        n = 1
        for issue in self.issues:
            n *= issue.size
        return n

    def party(self, party_id: str) -> Party:
        """The party called ``party_id``."""
        for p in self.parties:
            if p.id == party_id:
                return p
        raise UnknownIdError(
            f"no party {party_id!r} (parties: {', '.join(self.party_ids)})", "parties"
        )

    def title_of(self, member_id: str) -> str:
        """The title of a party at the table or of a domestic constituent."""
        for c in self.constituents:
            if c.id == member_id:
                return c.title
        return self.party(member_id).title

    def party_index(self, party_id: str) -> int:
        """Position of ``party_id``."""
        return self.parties.index(self.party(party_id))

    def issue(self, issue_id: str) -> Issue:
        """The issue called ``issue_id``."""
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise UnknownIdError(
            f"no point {issue_id!r} (points: {', '.join(self.issue_ids)})", "issues"
        )

    def issue_index(self, issue_id: str) -> int:
        """Position of ``issue_id``."""
        return self.issues.index(self.issue(issue_id))

    def plan(self, plan_id: str) -> Plan:
        """The named plan called ``plan_id``."""
        for p in self.plans:
            if p.id == plan_id:
                return p
        names = ", ".join(p.id for p in self.plans) or "none"
        raise UnknownIdError(f"no plan {plan_id!r} (plans: {names})", "plans")

    # ------------------------------------------------------------------- plans
    def check_plan(self, plan: Plan, *, complete: bool = True) -> None:
        """Raise :class:`InvalidPlanError` unless every choice names a real option.

        With ``complete``, also require every open point to have a default.
        """
        for issue_id, option_id in plan.choices.items():
            try:
                self.issue(issue_id).index(option_id)
            except UnknownIdError as exc:
                raise InvalidPlanError(f"plan {plan.id!r}: {exc.reason}") from None
        for issue_id, options in plan.open.items():
            try:
                issue = self.issue(issue_id)
                for option_id in sorted(options):
                    issue.index(option_id)
            except UnknownIdError as exc:
                raise InvalidPlanError(f"plan {plan.id!r}: {exc.reason}") from None
        if complete:
            open_points = [
                i.id for i in self.issues
                if i.id not in plan.choices and i.id not in plan.open and i.default is None
            ]
            if open_points:
                raise InvalidPlanError(
                    f"plan {plan.id!r} leaves points open that have no default: "
                    + ", ".join(open_points)
                )

    def complete(self, plan: Plan) -> dict[str, str]:
        """Choices of ``plan`` with every other point settled.

        A point the plan does not mention takes the issue's default; an open point takes
        its nominal reading (:meth:`nominal_reading`).
        """
        self.check_plan(plan, complete=True)
        out = {}
        for i in self.issues:
            if i.id in plan.choices:
                out[i.id] = plan.choices[i.id]
            elif i.id in plan.open:
                out[i.id] = self.nominal_reading(i.id, plan.open[i.id])
            else:
                out[i.id] = str(i.default)
        return out

    def nominal_reading(self, issue_id: str, options: frozenset[str]) -> str:
        """The one reading of an open point that single-package views use.

        The issue's default when it is still on the table, else the first option (in the
        issue's order) that is.
        """
        issue = self.issue(issue_id)
        if issue.default is not None and issue.default in options:
            return issue.default
        return next(o.id for o in issue.options if o.id in options)

    def provenance(self, plan: Plan) -> dict[str, ChoiceNote]:
        """The provenance of every point of ``plan`` (empty for "no deal").

        A point the plan sets is reported (with the plan's sources) unless the file says
        otherwise; an open point is open; a point not mentioned is assumed to take the
        issue's default.
        """
        if plan.no_deal:
            return {}
        out: dict[str, ChoiceNote] = {}
        for i in self.issues:
            note = plan.notes.get(i.id)
            if i.id in plan.open:
                out[i.id] = note if note is not None and note.status is Status.OPEN \
                    else ChoiceNote(Status.OPEN, note.why if note else "", plan.sources)
            elif note is not None:
                out[i.id] = note
            elif i.id in plan.choices:
                out[i.id] = ChoiceNote(Status.REPORTED, "", plan.sources)
            else:
                out[i.id] = ChoiceNote(
                    Status.ASSUMED, f"not mentioned: read as the point's default ({i.default})")
        return out

    def indices(self, plan: Plan) -> tuple[int, ...]:
        """The plan as option positions, one per issue (open points take their default)."""
        choices = self.complete(plan)
        return tuple(i.index(choices[i.id]) for i in self.issues)

    def plan_from_indices(self, indices: Iterable[int], plan_id: str = "package") -> Plan:
        """A complete plan from option positions."""
        idx = list(indices)
        if len(idx) != len(self.issues):
            raise InvalidPlanError(f"expected {len(self.issues)} option positions, got {len(idx)}")
        choices = {}
        for issue, k in zip(self.issues, idx, strict=True):
            if not 0 <= int(k) < issue.size:
                raise InvalidPlanError(f"point {issue.id!r} has no option number {k}")
            choices[issue.id] = issue.options[int(k)].id
        return Plan(plan_id, choices)

    # -------------------------------------------------------------- validation
    def _check_selector(self, sel: Selector, where: str) -> None:
        try:
            issue = self.issue(sel.issue)
            for option in sel.options:
                issue.index(option)
        except UnknownIdError as exc:
            raise UnknownIdError(exc.reason, where) from None

    def _check_constituents(self) -> None:
        """Parents are parties at the table (no cycle, no nesting); triggers exist."""
        parent_of = {c.id: c.parent for c in self.constituents}
        for c in self.constituents:
            where = f"constituents.{c.id}"
            if c.parent in parent_of:
                chain = [c.id]
                node = c.parent
                while node in parent_of and node not in chain:
                    chain.append(node)
                    node = parent_of[node]
                if node in chain:
                    raise ScenarioError(
                        "constituents form a cycle: " + " -> ".join([*chain, node]),
                        f"{where}.constituent_of")
                raise ScenarioError(
                    f"constituent_of: {c.parent!r} is itself a constituent (a constituent "
                    "must belong to a party at the table; nesting is not supported)",
                    f"{where}.constituent_of")
            if c.parent not in self.party_ids:
                raise UnknownIdError(f"constituent_of: {c.parent!r} is not a party",
                                     f"{where}.constituent_of")
            for issue_id, option_id in sorted(c.consulted_when):
                self._check_selector(Selector(issue_id, frozenset({option_id})),
                                     f"{where}.consulted_when")
            if c.id not in self.preferences:
                raise ScenarioError(
                    f"constituent {c.id!r} has no preferences (add them under "
                    f"preferences: {c.id}:)", where)

    def _check_preferences(self) -> None:
        missing = [p for p in self.party_ids if p not in self.preferences]
        if missing:
            raise ScenarioError(f"no preferences for {', '.join(missing)}", "preferences")
        columns = set(self.party_ids) | set(self.constituent_ids)
        for pid, prefs in self.preferences.items():
            where = f"preferences.{pid}"
            if pid not in columns:
                raise UnknownIdError(f"{pid!r} is not a party", where)
            if prefs.party != pid:
                raise ScenarioError(f"belongs to {prefs.party!r}", where)
            for issue_id in prefs.weights:
                self._check_selector(Selector(issue_id, frozenset()), f"{where}.weights")
            for issue_id, options in prefs.values.items():
                self._check_selector(Selector(issue_id, frozenset(options)), f"{where}.values")
                if prefs.form is Form.WEIGHTS and issue_id in prefs.weights:
                    unset = [o.id for o in self.issue(issue_id).options if o.id not in options]
                    if unset:
                        raise ScenarioError(
                            f"no value for options {unset}", f"{where}.values.{issue_id}"
                        )
            if prefs.form is Form.WEIGHTS:
                unvalued = [i for i, w in prefs.weights.items() if w.value > 0
                            and i not in prefs.values]
                if unvalued:
                    raise ScenarioError(
                        f"points with a weight but no option values: {unvalued}",
                        f"{where}.values",
                    )
            for issue_id, option_id in prefs.red_lines:
                self._check_selector(Selector(issue_id, frozenset({option_id})),
                                     f"{where}.red_lines")
            for k, term in enumerate(prefs.terms):
                for sel in term.conditions:
                    self._check_selector(sel, f"{where}.interactions[{k}]")
            for k, c in enumerate(prefs.commitments):
                self._check_selector(Selector(c.issue, frozenset({c.option})),
                                     f"{where}.commitments[{k}]")
                if c.promisor not in self.party_ids:
                    raise UnknownIdError(f"promisor {c.promisor!r} is not a party",
                                         f"{where}.commitments[{k}]")

    def _check_rule(self) -> None:
        rule = self.ratification
        for pid in rule.veto:
            if pid not in self.party_ids:
                raise UnknownIdError(f"veto holder {pid!r} is not a party", "ratification.veto")
        for pid, _ in rule.weights:
            if pid not in self.party_ids:
                raise UnknownIdError(f"{pid!r} is not a party", "ratification.weights")
        if rule.k is not None and rule.k > len(self.parties):
            raise ScenarioError(
                f"k = {rule.k} exceeds the {len(self.parties)} parties", "ratification.k"
            )
