"""Finding 2: blind acceptance cannot be used to read another party's marks.

A party may mark only packages it would itself accept, so colluders who mark everything
they can learn of the last party's marks only among packages acceptable to each of them.
"""

from __future__ import annotations

import itertools

from tests.service.conftest import Api, create_room, join

POINTS = {"land": ["keep", "cede", "swap"], "guarantee": ["none", "weak", "strong"],
          "money": ["none", "some", "lots"]}
ALL = [dict(zip(POINTS, combo, strict=True)) for combo in itertools.product(*POINTS.values())]


def _key(p: dict[str, str]) -> tuple[str, ...]:
    return tuple(p[k] for k in POINTS)


def test_colluders_learn_only_within_their_own_acceptable_sets(api: Api) -> None:
    room, med, _ = create_room(api, "Blind")
    tokens = {p: join(api, room, med, "party", p, p)[0] for p in ("A", "B", "C", "D")}
    acceptable = {p: {_key(c) for c in ALL
                      if api.ok("POST", f"/rooms/{room}/evaluate", t,
                                json={"choices": c})["own"]["acceptable"]}
                  for p, t in tokens.items()}
    assert acceptable["A"] and len(acceptable["A"]) < len(ALL)
    rnd = api.ok("POST", f"/rooms/{room}/blind-rounds", med, json={"title": "R"})["id"]
    marks = f"/rooms/{room}/blind-rounds/{rnd}/marks"
    # the attack: mark every package
    r = api.put(marks, tokens["A"], json={"packages": ALL})
    assert r.status_code == 422 and "reservation" in r.json()["detail"]
    assert api.ok("GET", marks, tokens["A"])["packages"] == []  # nothing stored
    # the best the colluders A, B, C can do: mark everything each of them accepts
    for p in ("A", "B", "C"):
        api.ok("PUT", marks, tokens[p],
               json={"packages": [c for c in ALL if _key(c) in acceptable[p]]})
    d_marks = sorted(acceptable["D"])[: max(1, len(acceptable["D"]) // 2)]
    api.ok("PUT", marks, tokens["D"],
           json={"packages": [dict(zip(POINTS, k, strict=True)) for k in d_marks]})
    closed = api.ok("POST", f"/rooms/{room}/blind-rounds/{rnd}/close", med)
    learned = {_key(c) for c in closed["overlap"]}
    colluders = acceptable["A"] & acceptable["B"] & acceptable["C"]
    assert learned == set(d_marks) & colluders
    assert learned <= acceptable["D"]  # only packages D accepts can ever show
