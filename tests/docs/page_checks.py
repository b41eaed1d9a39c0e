"""Figures in a documentation page, checked against what the CLI prints with ``--json``.

A page marks each figure it states with an HTML comment right before it::

    Hamas's utility is <!-- check: evaluate gaza-2025 :: plans[0].parties.HA.utility -->0.49.

Left of ``::`` are the arguments of an ``accord`` command (``--json`` is added); right of it
is a path into its JSON answer: dotted keys, ``[N]`` for a list index and ``[key=value]``
for the list element whose ``key`` equals ``value``. The figure after the comment is
compared with the value at that path:

* a number is compared at the precision it is printed with (``0.77`` matches 0.7712; a
  trailing ``%`` multiplies the value by 100 first: ``99.6%`` matches 0.9962);
* ``yes``/``no`` and ``true``/``false`` match a boolean;
* anything else must equal the value's text (``some``, ``phase-one-then-talks``).

The figure is the text after the comment up to a space, ``|``, ``,``, ``;``, ``)`` or ``*``
(a trailing ``.`` ending a sentence is dropped), or a whole code span in backticks, which
may hold spaces (`` `UA reservation` ``). Each distinct command runs once per page.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MARK = re.compile(r"<!--\s*check:\s*(?P<cmd>.+?)\s*::\s*(?P<path>.+?)\s*-->"
                  r"(?P<figure>`[^`]+`|[^\s|,;)*<]+)")
STEP = re.compile(r"([^.\[\]]+)|\[([^\]=]+)=([^\]]*)\]|\[(\d+)\]")


@dataclass(frozen=True)
class Check:
    """One marked figure: the command, the JSON path, the figure as printed, its line."""

    command: tuple[str, ...]
    path: str
    figure: str
    line: int


def marks(text: str) -> list[Check]:
    """Every marked figure of a page, in order."""
    out = []
    for m in MARK.finditer(text):
        figure = m.group("figure")
        figure = figure.strip("`") if figure.startswith("`") else figure.removesuffix(".")
        out.append(Check(tuple(shlex.split(m.group("cmd"))), m.group("path"), figure,
                         text.count("\n", 0, m.start()) + 1))
    return out


def lookup(data: Any, path: str) -> Any:
    """The value at ``path`` (see the module docstring) in a JSON document.

    Raises:
        KeyError: a step of the path is not there.
    """
    pos = 0
    for m in STEP.finditer(path):
        if m.start() != pos and path[pos:m.start()] != ".":
            raise KeyError(f"cannot read {path!r} at {path[pos:]!r}")
        pos = m.end()
        key, sel_key, sel_value, index = m.groups()
        if key is not None:
            if not isinstance(data, dict) or key not in data:
                raise KeyError(f"{path!r}: no key {key!r}")
            data = data[key]
        elif index is not None:
            data = data[int(index)]
        else:
            found = [x for x in data if isinstance(x, dict) and str(x.get(sel_key)) == sel_value]
            if len(found) != 1:
                raise KeyError(f"{path!r}: {len(found)} elements with {sel_key}={sel_value}")
            data = found[0]
    if pos != len(path):
        raise KeyError(f"cannot read {path!r} at {path[pos:]!r}")
    return data


def matches(figure: str, value: Any) -> bool:
    """Whether a figure as printed on the page states ``value``."""
    if isinstance(value, bool):
        return figure.lower() in (("yes", "true") if value else ("no", "false"))
    if isinstance(value, (int, float)):
        percent = figure.endswith("%")
        digits = figure.rstrip("%")
        if not re.fullmatch(r"[+-]?\d+(\.\d+)?", digits):
            return False
        places = len(digits.partition(".")[2])
        actual = value * 100 if percent else value
        return bool(abs(round(actual, places) - float(digits)) < 10 ** -(places + 3))
    return figure == str(value)


def problems(text: str, run: Callable[[tuple[str, ...]], Any]) -> list[str]:
    """What is wrong with a page's marked figures (empty when every one matches).

    Args:
        text: the page.
        run: runs ``accord`` with the given arguments plus ``--json`` and returns the
            parsed answer.
    """
    answers: dict[tuple[str, ...], Any] = {}
    out = []
    for c in marks(text):
        if c.command not in answers:
            answers[c.command] = run(c.command)
        try:
            value = lookup(answers[c.command], c.path)
        except (KeyError, IndexError, TypeError) as e:
            out.append(f"line {c.line}: {' '.join(c.command)} :: {c.path}: {e}")
            continue
        if not matches(c.figure, value):
            out.append(f"line {c.line}: {' '.join(c.command)} :: {c.path}: the page says "
                       f"{c.figure}, the command prints {json.dumps(value)}")
    return out
