"""Accord: a workbench for multi-party, multi-issue agreements.

Model a plan (parties, points, options, private preferences), evaluate drafts, measure how
robust they are to uncertain preferences, and find efficient, fair packages exactly::

    import accord

    s = accord.load("ukraine-2025")          # a bundled name or a YAML/JSON path
    accord.evaluate(s)                        # every draft: utilities, acceptance, dominance
    accord.solve(s, "nash").utilities         # {party: utility}, proven optimal
    accord.improve(s, "e3-counter")           # post-settlement improvements (Raiffa)

Every function is the one the CLI, the web workbench, the service and the report call
(:mod:`accord.app.api`), so each question has one answer. Results have ``to_dict()`` (the
JSON of ``accord … --json``) and display as tables in Jupyter. Modules load on first use,
so ``import accord`` is cheap.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import Any

__version__ = "0.1.0"

#: Public name -> module that defines it (imported on first access).
_API = {
    "load": "accord.app.api",
    "evaluate": "accord.app.api",
    "solve": "accord.app.api",
    "solve_all": "accord.app.api",
    "frontier": "accord.app.api",
    "improve": "accord.app.api",
    "zopa": "accord.app.api",
    "robustness": "accord.app.api",
    "sensitivity": "accord.app.api",
    "compare": "accord.app.api",
    "chain": "accord.app.api",
    "reservations": "accord.app.api",
    "what_if": "accord.app.api",
    "Adjustment": "accord.app.whatif",
    "report": "accord.report.make",
    "Scenario": "accord.model",
    "Plan": "accord.model",
    "AccordError": "accord.model",
}

__all__ = [
    "AccordError",
    "Adjustment",
    "Plan",
    "Scenario",
    "__version__",
    "chain",
    "compare",
    "evaluate",
    "frontier",
    "improve",
    "load",
    "report",
    "reservations",
    "robustness",
    "sensitivity",
    "solve",
    "solve_all",
    "what_if",
    "zopa",
]


def _public(name: str) -> Any:
    return getattr(import_module(_API[name]), name)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    value = _public(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


class _CallableModule(ModuleType):
    """A subpackage that is also the API function of the same name (``accord.solve``)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _public(self.__name__.rsplit(".", 1)[1])(*args, **kwargs)


class _Package(ModuleType):
    """The ``accord`` package, whose ``solve`` and ``report`` are callable.

    ``accord.solve`` and ``accord.report`` are subpackages and API functions at once: the
    attribute is the subpackage (so ``accord.solve.concepts`` and
    ``import accord.solve.enumerate as m`` work) made callable, calling
    :func:`accord.app.api.solve` or :func:`accord.report.make.report`.
    """

    def __getattribute__(self, name: str) -> Any:
        if name in ("solve", "report"):
            module = import_module(f"accord.{name}")
            if type(module) is ModuleType:
                module.__class__ = _CallableModule
            return module
        return super().__getattribute__(name)


sys.modules[__name__].__class__ = _Package
