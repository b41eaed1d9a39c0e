"""Blind acceptance: what a round's overlap may reveal, and the marks that keep it so.

Each party privately marks the packages it would accept; when the round closes, only
the packages every party marked are shown. Without a rule, one party (or n-1 colluding
parties) could mark every package and read the last party's marks off the overlap.

The guarantee: **a party may mark only packages it would itself accept** under the
preferences the server holds for it (its utility reaches its reservation and the package
crosses none of its red lines); other marks are refused with 422 and nothing is stored.
So the overlap contains only packages acceptable to every party, and colluders learn of
another party's marks only among packages acceptable to each of them — exactly what a
vote on those packages would have shown them. A party that submits false preferences to
widen its acceptable set must also live with them in every suggestion and evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from accord.app import api
from accord.service.errors import InvalidInputError
from accord.service.scenarios import Compiled, make_plan


def refuse_unacceptable(compiled: Compiled, party_id: str,
                        packages: Sequence[Mapping[str, str]]) -> None:
    """Raise 422 if any package is one ``party_id`` would not itself accept."""
    if not packages:
        return
    s = compiled.scenario
    plans = [make_plan(s, dict(p), complete=True, plan_id=f"mark-{k}")
             for k, p in enumerate(packages)]
    accept = [e.outcome(party_id).acceptable
              for e in api.evaluate(s, plans, dominance=False)]
    bad = [i for i, ok in enumerate(accept) if not ok]
    if bad:
        raise InvalidInputError(
            f"{len(bad)} of the marked packages (first: packages[{bad[0]}]) fall below your "
            "reservation or cross your red lines; mark only packages you would accept")
