"""Export a scenario as a GENIUS folder: one domain file and one additive profile per party.

GENIUS additive profiles compute ``min(1, sum_i w_i * e_i(option_i))`` with evaluations
``e`` in ``[0, 1]`` (each discrete issue's evaluations divided by their maximum) and the
weights used as written. A party's preferences can be written that way exactly when its
utility is a sum of per-issue contributions that can all be made non-negative and has
no constant part left over: the ``weights`` form, and the ``scores`` form without
interaction terms whose least package scores at least the form's zero. Interaction terms,
commitments, red lines and linkages have no GENIUS counterpart and are refused. Uncertain
numbers are written at their nominal values; discount factors are not written (GENIUS
then applies none).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from accord.analysis.tables import compile_scenario
from accord.model import FileFormatError, Form, Scenario, ScenarioError

#: Tolerance for "no constant part" and "never above 1".
EXPORT_TOL = 1e-12


def _check_exportable(scenario: Scenario) -> None:
    if scenario.constraints:
        raise ScenarioError(
            f"GENIUS domains have no linkages between points; this scenario has "
            f"{len(scenario.constraints)} ({', '.join(c.id for c in scenario.constraints)}). "
            "Exporting would allow packages the scenario forbids.", "constraints")
    for pid, prefs in scenario.preferences.items():
        where = f"preferences.{pid}"
        if prefs.terms:
            raise ScenarioError(
                f"GENIUS additive profiles cannot express interaction terms; party {pid} has "
                f"{len(prefs.terms)}. Only the weights form, or the scores form, without "
                "interactions can be exported.", f"{where}.interactions")
        if prefs.commitments:
            raise ScenarioError(
                f"GENIUS profiles cannot express commitments (credibility-weighted values); "
                f"party {pid} has {len(prefs.commitments)}.", f"{where}.commitments")
        if prefs.red_lines:
            raise ScenarioError(
                f"GENIUS profiles have no red lines; party {pid} has "
                f"{len(prefs.red_lines)}. Exporting would make those packages acceptable.",
                f"{where}.red_lines")


def _contributions(scenario: Scenario) -> tuple[list[list[np.ndarray]], list[float]]:
    """Per party and issue, non-negative contributions summing to the utility; reservations."""
    tables = compile_scenario(scenario)
    lay = tables.layout
    per_party: list[list[np.ndarray]] = []
    reservations = []
    for p, pid in enumerate(scenario.party_ids):
        prefs = scenario.preferences[pid]
        util = tables.util[0, :, p]
        cols = [util[lay.offsets[i]:lay.offsets[i] + lay.sizes[i]].astype(float)
                for i in range(lay.n_issues)]
        mins = np.array([c.min() for c in cols])
        slack = float(tables.base[0, p] + mins.sum())
        if slack < -EXPORT_TOL:
            raise ScenarioError(
                f"party {pid}: its least package is worth {slack:.6g} < 0 in utility units; "
                "GENIUS utilities are sums of non-negative evaluations", f"preferences.{pid}")
        if prefs.form is Form.WEIGHTS and tables.base[0, p] == 0 and (mins >= 0).all():
            shifted = cols  # keep the values as they are: the common case, exact
        else:
            shifted = [c - m for c, m in zip(cols, mins, strict=True)]
            shifted[0] = shifted[0] + max(slack, 0.0)
        top = float(sum(c.max() for c in shifted))
        if top > 1 + EXPORT_TOL and not bool(tables.clip[p]):
            raise ScenarioError(
                f"party {pid}: its best package is worth {top:.6g} > 1 and its utility is not "
                "capped at 1, while GENIUS caps every utility at 1", f"preferences.{pid}")
        per_party.append(shifted)
        reservations.append(float(tables.reservation[0, p]))
    return per_party, reservations


def _names(labels: list[str], ids: list[str]) -> list[str]:
    """Labels when they are all present and distinct, else ids (GENIUS matches by name)."""
    if all(labels) and len(set(labels)) == len(labels):
        return labels
    return ids


def _write(root: ET.Element, path: Path) -> None:
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _issue_elem(parent: ET.Element, k: int, name: str) -> ET.Element:
    return ET.SubElement(parent, "issue", {
        "index": str(k + 1), "etype": "discrete", "type": "discrete", "vtype": "discrete",
        "name": name})


def export_genius(scenario: Scenario, folder: str | Path) -> list[Path]:
    """Write ``scenario`` as a GENIUS folder and return the files written.

    Files: ``<scenario id>-domain.xml`` and ``<party id>.xml`` per party; the domain's
    ``<agent>`` list keeps the party order and names (as older GENIUS templates do).
    Every issue is written as a discrete issue (item values: option labels where
    distinct, else ids); each profile carries weights, evaluations and the reservation
    utility so that GENIUS (and :func:`accord.formats.genius.import_genius`) computes
    the same utility for every package.

    Raises:
        ScenarioError: the scenario uses something GENIUS cannot express (interaction
            terms, commitments, red lines, linkages, utilities that are not non-negative
            sums, or uncapped utilities above 1).
        FileFormatError: the folder cannot be written, or already holds other XML files
            (which a later import would read as extra profiles).
    """
    _check_exportable(scenario)
    contributions, reservations = _contributions(scenario)
    out = Path(folder)
    domain_name = f"{scenario.id}-domain.xml"
    while domain_name[:-4] in scenario.party_ids:
        domain_name = "_" + domain_name
    targets = [out / domain_name] + [out / f"{pid}.xml" for pid in scenario.party_ids]
    try:
        out.mkdir(parents=True, exist_ok=True)
        others = sorted(p.name for p in out.glob("*.xml") if p not in targets)
    except OSError as exc:
        raise FileFormatError(str(out), f"cannot create the folder: {exc}") from None
    if others:
        raise FileFormatError(str(out), "the folder already holds other XML files, which an "
                                        f"import would read as profiles: {others}")
    issue_names = _names([i.title for i in scenario.issues], [i.id for i in scenario.issues])
    item_names = [_names([o.label for o in i.options], [o.id for o in i.options])
                  for i in scenario.issues]

    def objective(parent: ET.Element) -> ET.Element:
        return ET.SubElement(parent, "objective", {
            "index": "0", "etype": "objective", "type": "objective", "description": "",
            "name": scenario.id})

    domain = ET.Element("negotiation_template")
    for pid, target in zip(scenario.party_ids, targets[1:], strict=True):
        party = scenario.party(pid)
        ET.SubElement(domain, "agent", {"name": party.name or pid, "class": "",
                                        "utility_space": target.name})
    space = ET.SubElement(domain, "utility_space", {"number_of_issues": str(len(issue_names))})
    obj = objective(space)
    for k, issue in enumerate(scenario.issues):
        elem = _issue_elem(obj, k, issue_names[k])
        for j, option in enumerate(issue.options):
            ET.SubElement(elem, "item", {"index": str(j + 1), "value": item_names[k][j],
                                         "description": option.description})
    try:
        _write(domain, targets[0])
        for p in range(len(scenario.party_ids)):
            root = ET.Element("utility_space")
            obj = objective(root)
            weights = []
            for k, _issue in enumerate(scenario.issues):
                col = contributions[p][k]
                top = float(col.max())
                elem = _issue_elem(obj, k, issue_names[k])
                for j, c in enumerate(col):
                    e = float(c) / top if top > 0 else 0.0
                    ET.SubElement(elem, "item", {"index": str(j + 1),
                                                 "value": item_names[k][j],
                                                 "evaluation": repr(e)})
                weights.append(top)
            for k, w in enumerate(weights):
                ET.SubElement(obj, "weight", {"index": str(k + 1), "value": repr(w)})
            ET.SubElement(root, "reservation", {"value": repr(reservations[p])})
            _write(root, targets[p + 1])
    except OSError as exc:
        raise FileFormatError(str(out), f"cannot write: {exc}") from None
    return targets
