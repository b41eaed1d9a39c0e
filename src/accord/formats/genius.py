"""GENIUS interoperability: import a GENIUS folder, export a scenario as one.

GENIUS (the Generic Environment for Negotiation with Intelligent multi-purpose Usage
Simulation) stores a negotiation as a folder holding one domain XML file and one
utility-profile XML file per party; the ANAC competitions published their domains in
this format. :func:`import_genius` reads such a folder into a
:class:`~accord.model.Scenario` with GENIUS's own utility semantics;
:func:`export_genius` writes the reverse for additive preferences;
:func:`read_published_frontier` reads the ``pareto.xml`` some folders carry.

How GENIUS profiles map onto Accord preferences (the utility of every package is
GENIUS's, see ``docs/explanation/genius-import.md``):

* additive profile whose weights sum to 1: the ``weights`` form, weights and normalised
  evaluations as GENIUS computes them;
* weights summing to ``s < 1``: the ``weights`` form with every value multiplied by
  ``s`` (the best package is worth ``s``, as in GENIUS);
* weights summing to ``s > 1``: the ``scores`` form, points ``weight * evaluation``,
  ``scale`` 1 and ``saturate``, since GENIUS caps the weighted sum at 1;
* nonlinear (hyper-rectangle) profile: the ``scores`` form with one term per rectangle
  (an ``EXCLUDES`` rectangle with several bounds gives one term per bound), ``scale`` =
  ``maxutility``, ``saturate`` and no per-option points.

Every problem with the files is a :class:`~accord.model.FileFormatError` naming the
file and, where known, the line. XML is parsed with :mod:`defusedxml` and any document
type declaration is refused, so entity-expansion and external-entity attacks fail before
anything is expanded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from accord.formats.genius_read import Profile, build_issues, classify, read_domain, read_profile
from accord.formats.genius_write import export_genius
from accord.formats.genius_xml import (
    XmlDoc,
    fmt_number,
    natural_key,
    parse_xml,
    sanitise_id,
    unique_ids,
)
from accord.model import (
    FileFormatError,
    Form,
    Issue,
    Param,
    Party,
    Preferences,
    Scenario,
    ScenarioError,
    Selector,
    Term,
)

__all__ = ["export_genius", "import_genius", "read_published_frontier"]

#: Weight sums this close to 1 are taken as 1.
WEIGHT_SUM_TOL = 1e-12


# ----------------------------------------------------------------------- preferences
def _preferences(pid: str, prof: Profile, issues: list[Issue],
                 normalise_weights: bool) -> tuple[Preferences, str]:
    """Preferences of one party and a one-line description of the mapping used."""
    if prof.nonlinear:
        terms = []
        for conds, points, label in prof.terms:
            selectors = tuple(
                Selector(issues[k].id, frozenset(issues[k].options[j].id for j in sorted(s)))
                for k, s in conds)
            terms.append(Term(selectors, Param(points), label))
        prefs = Preferences(
            pid, Form.SCORES, {}, reservation=Param(prof.reservation * prof.max_utility),
            terms=tuple(terms), scale=Param(prof.max_utility), saturate=True,
            unit="GENIUS points")
        return prefs, (f"nonlinear: {len(terms)} terms, utility = min(1, points / "
                       f"{fmt_number(prof.max_utility)})")
    total = float(sum(prof.weights))
    values = {
        issue.id: {o.id: float(e[j]) for j, o in enumerate(issue.options)}
        for issue, e in zip(issues, prof.evals, strict=True)
    }
    weights = {issue.id: Param(w) for issue, w in zip(issues, prof.weights, strict=True)}
    if normalise_weights or abs(total - 1.0) <= WEIGHT_SUM_TOL:
        how = "weights as written" if abs(total - 1.0) <= WEIGHT_SUM_TOL else (
            f"weights sum to {total!r}, normalised to 1 on request (GENIUS would report "
            f"min(1, {total!r} x this utility))")
        vals = {i: {o: Param(v) for o, v in opts.items()} for i, opts in values.items()}
        return Preferences(pid, Form.WEIGHTS, vals, weights, Param(prof.reservation)), how
    if total < 1.0:
        vals = {i: {o: Param(v * total) for o, v in opts.items()} for i, opts in values.items()}
        return (Preferences(pid, Form.WEIGHTS, vals, weights, Param(prof.reservation)),
                f"weights sum to {total!r} < 1: values multiplied by that sum so that the best "
                "package is worth it, as in GENIUS")
    scores = {
        issue.id: {o: Param(w * v) for o, v in values[issue.id].items()}
        for issue, w in zip(issues, prof.weights, strict=True)
    }
    return (Preferences(pid, Form.SCORES, scores, reservation=Param(prof.reservation),
                        scale=Param(1.0), saturate=True, unit="GENIUS weighted evaluation"),
            f"weights sum to {total!r} > 1: scores form (points = weight x evaluation) with "
            "utility min(1, points), as GENIUS caps the weighted sum at 1")


# -------------------------------------------------------------------------- folders
@dataclass
class _Folder:
    domain: Path
    profiles: list[Path]
    skipped: list[str]
    agent_names: dict[Path, str]


def _agent_order(
    folder: Path, doc: XmlDoc, found: list[Path]
) -> tuple[list[Path], dict[Path, str]]:
    """Profiles in the order of the domain's ``<agent utility_space=...>`` list, then by name.

    Older GENIUS templates name each side's profile and agent; the agent's name becomes
    the party's display name.
    """
    listed: list[Path] = []
    names: dict[Path, str] = {}
    for agent in doc.root.iter("agent"):
        target = (agent.get("utility_space") or "").strip()
        path = folder / Path(target).name if target else None
        if path is not None and path in found and path not in listed:
            listed.append(path)
            if (agent.get("name") or "").strip():
                names[path] = agent.get("name", "").strip()
    return listed + [p for p in found if p not in listed], names


def _scan(folder: Path, profiles: Sequence[str] | None) -> tuple[_Folder, dict[Path, XmlDoc]]:
    name = str(folder)
    if not folder.exists():
        raise FileFormatError(name, "no such folder")
    if not folder.is_dir():
        raise FileFormatError(name, "not a folder; expected a GENIUS folder holding a domain "
                                    "file and one profile file per party")
    files = sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xml"),
                   key=lambda p: natural_key(p.name))
    docs: dict[Path, XmlDoc] = {}
    domains, found, skipped = [], [], []
    wanted = None if profiles is None else {str(p) for p in profiles}
    for path in files:
        if path.name.lower() == "pareto.xml":
            skipped.append(f"{path.name}: GENIUS's published Pareto frontier, not a profile")
            continue
        doc = parse_xml(path)
        kind = classify(doc)
        if kind == "domain":
            domains.append(path)
            docs[path] = doc
        elif kind == "profile":
            if wanted is not None and path.name not in wanted and path.stem not in wanted:
                skipped.append(f"{path.name}: profile not selected")
                continue
            found.append(path)
            docs[path] = doc
        else:
            skipped.append(f"{path.name}: root <{doc.root.tag}> is neither a GENIUS domain nor "
                           "a utility profile")
    if not domains:
        raise FileFormatError(name, "no domain file (an XML file whose root is "
                                    "<negotiation_template>) in this folder")
    if len(domains) > 1:
        raise FileFormatError(name, "more than one domain file: "
                                    + ", ".join(p.name for p in domains))
    if wanted is not None:
        missing = sorted(w for w in wanted if not any(w in (p.name, p.stem) for p in found))
        if missing:
            raise FileFormatError(name, f"no profile file called {missing}")
    if not found:
        raise FileFormatError(name, "no utility profile (an XML file whose root is "
                                    "<utility_space> with weights or hyper-rectangles)")
    ordered, names = _agent_order(folder, docs[domains[0]], found)
    return _Folder(domains[0], ordered, skipped, names), docs


def read_genius_folder(
    folder: str | Path,
    *,
    real_step: float | None = None,
    normalise_weights: bool = False,
    profiles: Sequence[str] | None = None,
    excludes: str = "any",
) -> Scenario:
    """Import a GENIUS folder (see :func:`import_genius`).

    ``excludes`` selects how ``EXCLUDES`` hyper-rectangles are read: ``"any"`` (GENIUS:
    pays when at least one bound fails) or ``"all"`` (pays only when every bound fails;
    kept to show, in the tests, that the published frontiers rule it out).
    """
    if excludes not in ("any", "all"):
        raise ValueError(f"excludes must be 'any' or 'all', got {excludes!r}")
    path = Path(folder)
    layout, docs = _scan(path, profiles)
    domain_doc = docs[layout.domain]
    raw_issues = read_domain(domain_doc, real_step)
    issues = build_issues(raw_issues, real_step)
    party_ids = unique_ids([p.stem for p in layout.profiles], "party")
    parties, preferences = [], {}
    notes = [
        f"Imported from the GENIUS folder {path.name!r}: domain {layout.domain.name}, "
        f"profiles {', '.join(p.name for p in layout.profiles)}.",
        "Utilities follow GENIUS: discrete evaluations divided by the largest of their "
        "issue, integer evaluators clipped to [0, 1], weights as written with the sum "
        "capped at 1; nonlinear profiles min(1, hyperRectangle points / maxutility).",
    ]
    for pid, p in zip(party_ids, layout.profiles, strict=True):
        prof = read_profile(docs[p], raw_issues, excludes)
        try:
            prefs, how = _preferences(pid, prof, issues, normalise_weights)
        except ScenarioError as exc:
            raise FileFormatError(str(p), exc.reason) from None
        preferences[pid] = prefs
        discount = "none" if prof.discount is None else fmt_number(prof.discount)
        parties.append(Party(pid, layout.agent_names.get(p, p.stem),
                             f"GENIUS profile {p.name}: {how}."))
        given = "" if prof.reservation_given else " (no <reservation>: GENIUS's default)"
        notes.append(f"Party {pid} ({p.name}): reservation {fmt_number(prof.reservation)}{given}, "
                     f"GENIUS discount factor {discount} (kept as metadata only; utilities "
                     "here are undiscounted).")
        notes.extend(prof.notes)
    notes.extend(f"Skipped {s}." for s in layout.skipped)
    if len(parties) > 2:
        notes.append(f"{len(parties)} profiles: one party per profile. Where the profiles are "
                     "alternatives for the same side (e.g. other/journal_learning), select the "
                     "ones to use with the 'profiles' argument.")
    scenario_id = sanitise_id(path.resolve().name, "genius")
    try:
        return Scenario(
            id=scenario_id,
            title=f"{path.resolve().name} (GENIUS)",
            parties=tuple(parties),
            issues=tuple(issues),
            preferences=preferences,
            description=f"GENIUS negotiation domain {path.resolve().name!r} with "
                        f"{len(parties)} profiles.",
            notes=tuple(notes),
        )
    except ScenarioError as exc:  # pragma: no cover - the reader builds consistent data
        raise FileFormatError(str(path), exc.reason, None, exc.where) from None


def read_published_frontier(folder: str | Path) -> NDArray[np.float64]:
    """The ``(k, 2)`` utilities of GENIUS's published Pareto frontier ``pareto.xml``.

    The file is not XML despite its name: one ``u1, u2`` line per point, column 0 for
    the first profile (``profile-1``), column 1 for the second; blank lines are ignored.
    ``folder`` may also name the file itself.

    Raises:
        FileFormatError: the file is missing or not a list of ``u1, u2`` lines.
    """
    path = Path(folder)
    if path.is_dir():
        path = path / "pareto.xml"
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileFormatError(name, "no such file (this folder has no published frontier)") \
            from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FileFormatError(name, f"cannot read: {exc}") from None
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [t.strip() for t in line.split(",")]
        try:
            if len(parts) != 2:
                raise ValueError
            u1, u2 = float(parts[0]), float(parts[1])
        except ValueError:
            raise FileFormatError(name, f"expected 'u1, u2', got {line.strip()!r}", n) from None
        rows.append((u1, u2))
    if not rows:
        raise FileFormatError(name, "no points")
    return np.asarray(rows, dtype=np.float64)


def import_genius(
    folder: str | Path,
    *,
    real_step: float | None = None,
    normalise_weights: bool = False,
    profiles: Sequence[str] | None = None,
) -> Scenario:
    """Read a GENIUS folder into a scenario, one party per utility profile.

    Args:
        folder: the folder; its domain file is the XML file whose root is
            ``<negotiation_template>`` (or a ``<utility_space>`` without evaluations),
            every other ``<utility_space>`` file is a profile, ``pareto.xml`` is skipped.
        real_step: discretisation step for real-valued issues (options at
            ``lower + k * real_step`` plus the upper bound); without it a real issue is
            refused.
        normalise_weights: divide each additive profile's weights by their sum, so that
            every additive profile is in the ``weights`` form with a best package worth 1
            (GENIUS would report ``min(1, sum * u)``). By default the weights are used as
            written, as GENIUS does.
        profiles: file names or stems of the profiles to import (default: all of them),
            e.g. to pick two of the alternative profiles in ``other/journal_learning``.

    Returns:
        The scenario. Party ids come from the profile file names, issue and option ids
        from the GENIUS names (sanitised and de-duplicated; labels keep the originals).
        Reservation values (0 when absent) become the parties' reservations; GENIUS
        discount factors, which Accord does not model, are listed in ``notes``.

    Raises:
        FileFormatError: with the file, line and reason, for anything unreadable or
            unsafe.
    """
    return read_genius_folder(folder, real_step=real_step,
                              normalise_weights=normalise_weights, profiles=profiles)
